/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conlog.c: the guest-output limiter and the capped, rotating guest log
 * file (see conlog.h).
 */
#include "console/conlog.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/fs.h"

struct conlog {
    int fd;    /* our descriptor of the current file */
    int at_fd; /* -1, or where the file must also live */
    uint64_t max, size;
    unsigned keep;
    char path[PATH_MAX];
};

void conlog_limit_init(struct conlog_limit *l, uint64_t burst,
                       unsigned window_ms)
{
    memset(l, 0, sizeof(*l));
    l->burst = burst;
    l->window_ns = (uint64_t)window_ms * 1000000ull;
}

size_t conlog_limit_take(struct conlog_limit *l, uint64_t now_ns, size_t n,
                         uint64_t *report_out)
{
    uint64_t left;
    size_t pass;

    *report_out = 0;
    if (now_ns - l->start_ns >= l->window_ns || now_ns < l->start_ns) {
        l->start_ns = now_ns;
        l->used = 0;
        *report_out = l->dropped;
        l->dropped = 0;
    }
    left = l->burst - l->used;
    pass = n < left ? n : (size_t)left;
    l->used += pass;
    l->dropped += n - pass;
    return pass;
}

static int lg_openfile(struct conlog *lg, int trunc)
{
    struct stat st;
    int fd;

    fd = open(lg->path,
              O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | (trunc ? O_TRUNC : 0),
              0644);
    if (fd < 0)
        return -errno;
    if (lg->at_fd >= 0 && fd != lg->at_fd) {
        if (dup2(fd, lg->at_fd) < 0) {
            int rc = -errno;
            close(fd);
            return rc;
        }
    }
    if (lg->fd >= 0 && lg->fd != lg->at_fd)
        close(lg->fd);
    lg->fd = fd;
    lg->size = fstat(fd, &st) == 0 ? (uint64_t)st.st_size : 0;
    return 0;
}

/* <path>.<keep-1> -> <path>.<keep>, ..., <path> -> <path>.1, then a fresh
 * <path>. A failed rename only costs an old copy. */
static int lg_rotate(struct conlog *lg)
{
    char from[PATH_MAX + 16], to[PATH_MAX + 16];
    unsigned k;

    if (lg->keep == 0) {
        if (ftruncate(lg->fd, 0) < 0)
            return -errno;
        lg->size = 0;
        return 0;
    }
    for (k = lg->keep; k > 1; k--) {
        snprintf(from, sizeof(from), "%s.%u", lg->path, k - 1);
        snprintf(to, sizeof(to), "%s.%u", lg->path, k);
        rename(from, to);
    }
    snprintf(to, sizeof(to), "%s.1", lg->path);
    if (rename(lg->path, to) < 0 && errno != ENOENT)
        return -errno;
    return lg_openfile(lg, 1);
}

int conlog_open(const char *path, uint64_t max_bytes, unsigned keep, int at_fd,
                struct conlog **out)
{
    struct conlog *lg;
    int rc;

    *out = NULL;
    if (strlen(path) >= PATH_MAX || max_bytes == 0)
        return -EINVAL;
    lg = calloc(1, sizeof(*lg));
    if (!lg)
        return -ENOMEM;
    lg->fd = -1;
    lg->at_fd = at_fd;
    lg->max = max_bytes;
    lg->keep = keep;
    snprintf(lg->path, sizeof(lg->path), "%s", path);
    rc = lg_openfile(lg, 0);
    if (rc == 0 && lg->size >= lg->max)
        rc = lg_rotate(lg);
    if (rc < 0) {
        conlog_close(lg);
        return rc;
    }
    *out = lg;
    return 0;
}

int conlog_write(struct conlog *lg, const void *buf, size_t n)
{
    int rc;

    if (lg->size && lg->size + n > lg->max && (rc = lg_rotate(lg)) < 0)
        return rc;
    rc = fs_write_all(lg->fd, buf, n);
    if (!rc)
        lg->size += n;
    return rc;
}

int conlog_check(struct conlog *lg)
{
    struct stat st;

    if (fstat(lg->fd, &st) < 0)
        return -errno;
    lg->size = (uint64_t)st.st_size;
    return lg->size >= lg->max ? lg_rotate(lg) : 0;
}

uint64_t conlog_size(const struct conlog *lg)
{
    return lg->size;
}

void conlog_close(struct conlog *lg)
{
    if (!lg)
        return;
    if (lg->fd >= 0 && lg->fd != lg->at_fd)
        close(lg->fd);
    free(lg);
}
