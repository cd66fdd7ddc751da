/* SPDX-License-Identifier: GPL-2.0-only */
/* fs.c: mkdir -p (through dangling links), read and write all, a file
 * replaced atomically, a file's first line (see fs.h). */
#include "lib/fs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Links followed to make a missing target, at most (the kernel's
 * MAXSYMLINKS is 40; a longer chain is a mistake, not a layout). */
#define FS_LINK_DEPTH 8

static int fs_mkdir_p_at(const char *path, unsigned mode, int depth);

/*
 * path is a link to nothing: make the directory it names. Debian's
 * /var/lock is a link to /run/lock, which a fresh tmpfs /run lacks; every
 * caller that makes a directory under /var/lock wants the target made.
 * A relative target is relative to the link's directory.
 */
static int fs_mkdir_target(const char *path, unsigned mode, int depth)
{
    char tgt[4096], full[4096];
    const char *slash = strrchr(path, '/');
    ssize_t n;
    int len;

    if (depth >= FS_LINK_DEPTH)
        return -ELOOP;
    n = readlink(path, tgt, sizeof(tgt) - 1);
    if (n < 0)
        return errno == EINVAL ? -ENOENT : -errno; /* not a link */
    tgt[n] = '\0';
    if (tgt[0] == '/' || !slash)
        return fs_mkdir_p_at(tgt, mode, depth + 1);
    len =
        snprintf(full, sizeof(full), "%.*s/%s", (int)(slash - path), path, tgt);
    if (len < 0 || (size_t)len >= sizeof(full))
        return -ENAMETOOLONG;
    return fs_mkdir_p_at(full, mode, depth + 1);
}

/* mkdir that accepts an existing directory (but not a file) at path, and
 * makes a dangling link's target. */
static int fs_mkdir_one(const char *path, unsigned mode, int depth)
{
    struct stat st;
    int rc;

    if (mkdir(path, mode) == 0)
        return 0;
    if (errno != EEXIST)
        return -errno;
    if (stat(path, &st) != 0) {
        if (errno != ENOENT)
            return -errno;
        rc = fs_mkdir_target(path, mode, depth);
        if (rc)
            return rc;
        if (stat(path, &st) != 0)
            return -errno;
    }
    return S_ISDIR(st.st_mode) ? 0 : -ENOTDIR;
}

static int fs_mkdir_p_at(const char *path, unsigned mode, int depth)
{
    char buf[4096];
    size_t n = strlen(path);
    char *p;
    int rc;

    if (n == 0)
        return -EINVAL;
    if (n >= sizeof(buf))
        return -ENAMETOOLONG;
    memcpy(buf, path, n + 1);
    while (n > 1 && buf[n - 1] == '/')
        buf[--n] = '\0';
    for (p = buf + 1; *p; p++) {
        if (*p != '/' || p[-1] == '/')
            continue;
        *p = '\0';
        rc = fs_mkdir_one(buf, mode, depth);
        *p = '/';
        if (rc)
            return rc;
    }
    return fs_mkdir_one(buf, mode, depth);
}

int fs_mkdir_p(const char *path, unsigned mode)
{
    return fs_mkdir_p_at(path, mode, 0);
}

/* All len bytes read into rbuf, or (rbuf NULL) written from wbuf, through
 * EINTR and short transfers; an early end of file is -EPIPE. */
static int rw_all(int fd, void *rbuf, const void *wbuf, size_t len)
{
    size_t off = 0;

    while (off < len) {
        ssize_t n = rbuf ? read(fd, (char *)rbuf + off, len - off)
                         : write(fd, (const char *)wbuf + off, len - off);

        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return -EPIPE;
        off += (size_t)n;
    }
    return 0;
}

int fs_write_all(int fd, const void *buf, size_t len)
{
    return rw_all(fd, NULL, buf, len);
}

int fs_read_all(int fd, void *buf, size_t len)
{
    return rw_all(fd, buf, NULL, len);
}

int fs_read_line(const char *path, char *buf, size_t len)
{
    ssize_t n;
    int fd;

    if (len == 0)
        return -EINVAL;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    do
        n = read(fd, buf, len - 1);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
        n = -errno;
        close(fd);
        return (int)n;
    }
    close(fd);
    buf[n] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    return (int)strlen(buf);
}

int fs_write_atomic(const char *path, const void *buf, size_t len,
                    unsigned mode, int sync)
{
    char tmp[4200];
    int fd, n, rc;

    n = snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
    if (n < 0 || (size_t)n >= sizeof(tmp))
        return -ENAMETOOLONG;
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
    if (fd < 0)
        return -errno;
    rc = fs_write_all(fd, buf, len);
    if (!rc && sync && fsync(fd) < 0)
        rc = -errno;
    if (close(fd) < 0 && !rc)
        rc = -errno;
    if (!rc && rename(tmp, path) < 0)
        rc = -errno;
    if (rc)
        unlink(tmp);
    return rc;
}
