/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kcache.c: unpacked kernels kept under the run directory, so that creating
 * a domain from a compressed kernel (an xz'd ELF, a bzImage) does not
 * decompress the same file again every time. An entry is named after the
 * file's device, inode, size, mtime and ctime (what Xen's xc_dom checks
 * before inflating, plus the times that change when the file is replaced or
 * rewritten in place); it is written to a temporary name and renamed, so a
 * reader sees a whole entry or none. Entries of older versions of the same
 * file (same device and inode) are removed when a new one is written.
 */
#include "vmm/kcache.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "builder/builder.h"
#include "lib/fs.h"
#include "lib/paths.h"

/* Beside run/pvstack, which holds only the VMMs' sockets. */
#define KCACHE_DIR "/run/pvstack-kernels"

static int key_of(const char *path, char *key, size_t len)
{
    struct stat st;

    if (stat(path, &st) < 0 || !S_ISREG(st.st_mode))
        return -1;
    snprintf(key, len,
             "%" PRIx64 "-%" PRIx64 "-%" PRIx64 "-%" PRIx64 ".%09ld-%" PRIx64
             ".%09ld",
             (uint64_t)st.st_dev, (uint64_t)st.st_ino, (uint64_t)st.st_size,
             (uint64_t)st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
             (uint64_t)st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
    return 0;
}

/* An entry's whole content, or -1 (none, or unreadable: then rebuild it). */
static int entry_read(const char *file, void **buf_out, size_t *len_out)
{
    struct stat st;
    void *buf;
    int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);

    if (fd < 0)
        return -1;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
        (uint64_t)st.st_size > BUILDER_MAX_IMAGE ||
        !(buf = malloc((size_t)st.st_size))) {
        close(fd);
        return -1;
    }
    if (fs_read_all(fd, buf, (size_t)st.st_size) < 0) {
        free(buf);
        close(fd);
        return -1;
    }
    close(fd);
    *buf_out = buf;
    *len_out = (size_t)st.st_size;
    return 0;
}

/* Remove the entries of other versions of the file (same dev-ino- prefix;
 * not another writer's temporary file). */
static void prune(const char *dir, const char *key)
{
    const char *dash = strchr(key, '-');
    size_t plen;
    struct dirent *d;
    DIR *dp;

    dash = dash ? strchr(dash + 1, '-') : NULL;
    if (!dash || !(dp = opendir(dir)))
        return;
    plen = (size_t)(dash - key) + 1;
    while ((d = readdir(dp)))
        if (!strncmp(d->d_name, key, plen) && strcmp(d->d_name, key) &&
            !strstr(d->d_name, ".tmp"))
            unlinkat(dirfd(dp), d->d_name, 0);
    closedir(dp);
}

static void entry_write(const char *dir, const char *key, const char *file,
                        const void *buf, size_t len)
{
    char tmp[4300];
    int fd;

    snprintf(tmp, sizeof(tmp), "%s.%ld.tmp", file, (long)getpid());
    fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    if (fs_write_all(fd, buf, len) < 0 || close(fd) < 0 ||
        rename(tmp, file) < 0) {
        unlink(tmp);
        return;
    }
    prune(dir, key);
}

int kcache_read_image(const char *path, void **buf_out, size_t *len_out,
                      char *err, size_t errlen)
{
    char key[160], again[160], dir[4096], file[4200];
    struct stat st;
    int rc, cached;

    cached =
        key_of(path, key, sizeof(key)) == 0 &&
        paths_get(dir, sizeof(dir), KCACHE_DIR) == 0 &&
        (size_t)snprintf(file, sizeof(file), "%s/%s", dir, key) < sizeof(file);
    if (cached && entry_read(file, buf_out, len_out) == 0)
        return 0;
    rc = builder_read_image(path, buf_out, len_out, err, errlen);
    if (rc < 0 || !cached)
        return rc;
    /* Worth keeping only if it was unpacked; and only if the file did not
     * change while it was read. */
    if (stat(path, &st) < 0 || (uint64_t)st.st_size == *len_out ||
        key_of(path, again, sizeof(again)) < 0 || strcmp(key, again) ||
        paths_mkdir(KCACHE_DIR, 0700) < 0)
        return 0;
    entry_write(dir, key, file, *buf_out, *len_out);
    return 0;
}
