/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * disk.c: open a vbd's backing file or block device. O_DIRECT is probed
 * with one aligned read, since some filesystems (tmpfs) refuse it at open
 * and others only at the first I/O.
 */
#include "blkback/disk.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

struct blkdisk {
    int fd;
    uint64_t sectors;
    int readonly, direct, discard;
};

int blkdisk_fd(const struct blkdisk *d)
{
    return d->fd;
}
uint64_t blkdisk_sectors(const struct blkdisk *d)
{
    return d->sectors;
}
int blkdisk_readonly(const struct blkdisk *d)
{
    return d->readonly;
}
int blkdisk_can_discard(const struct blkdisk *d)
{
    return d->discard;
}
int blkdisk_direct(const struct blkdisk *d)
{
    return d->direct;
}
static const char *strip_prefix(const char *p)
{
    static const char *const ok[] = {"aio:", "raw:", "file:", "phy:"};
    size_t i;

    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
        if (!strncmp(p, ok[i], strlen(ok[i])))
            return p + strlen(ok[i]);
    return p;
}

static int probe_direct(int fd)
{
    void *buf;
    ssize_t n;

    if (posix_memalign(&buf, 4096, 4096))
        return 0;
    n = pread(fd, buf, 512, 0);
    free(buf);
    return n >= 0;
}

/* A block device discards when its queue says so (loop devices over
 * files do). */
static int blockdev_discard(const struct stat *st)
{
    char path[96], buf[32] = "";
    FILE *f;

    snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/queue/discard_max_bytes",
             major(st->st_rdev), minor(st->st_rdev));
    f = fopen(path, "re");
    if (!f)
        return 0;
    if (!fgets(buf, sizeof(buf), f))
        buf[0] = '\0';
    fclose(f);
    return strtoull(buf, NULL, 10) > 0;
}

int blkdisk_open(const char *params, int readonly, struct blkdisk **out)
{
    return blkdisk_open_direct(params, readonly, 1, out);
}

int blkdisk_open_direct(const char *params, int readonly, int direct_ok,
                        struct blkdisk **out)
{
    struct blkdisk *d;
    const char *path = strip_prefix(params);
    int flags = (readonly ? O_RDONLY : O_RDWR) | O_CLOEXEC;
    struct stat st;
    uint64_t bytes;
    int rc;

    *out = NULL;
    if (strchr(path, ':') && path[0] != '/')
        return -ENOTSUP; /* qcow2:, vhd: ... are QEMU's (qdisk) */
    d = calloc(1, sizeof(*d));
    if (!d)
        return -ENOMEM;
    d->readonly = readonly;
    d->fd = direct_ok ? open(path, flags | O_DIRECT) : -1;
    if (d->fd >= 0 && !probe_direct(d->fd)) {
        close(d->fd);
        d->fd = -1;
    }
    if (d->fd >= 0) {
        d->direct = 1;
    } else {
        d->fd = open(path, flags);
        if (d->fd < 0) {
            rc = -errno;
            goto fail;
        }
    }
    if (fstat(d->fd, &st)) {
        rc = -errno;
        goto fail;
    }
    if (S_ISBLK(st.st_mode) && !readonly) {
        /* O_EXCL on a block device: refused while mounted or held by
         * another exclusive opener (a second guest, LVM, the kernel). */
        int ex = open(path, flags | O_EXCL);

        if (ex < 0) {
            rc = errno == EBUSY ? -EBUSY : -errno;
            goto fail;
        }
        close(d->fd);
        d->fd = ex;
        if (d->direct && fcntl(ex, F_SETFL, fcntl(ex, F_GETFL) | O_DIRECT))
            d->direct = 0;
    }
    /* One writer or many readers per image, across every blkback (the
     * sharing check of Xen's block script). */
    if (flock(d->fd, (readonly ? LOCK_SH : LOCK_EX) | LOCK_NB)) {
        rc = errno == EWOULDBLOCK ? -EBUSY : -errno;
        goto fail;
    }
    if (S_ISBLK(st.st_mode)) {
        if (ioctl(d->fd, BLKGETSIZE64, &bytes)) {
            rc = -errno;
            goto fail;
        }
        d->discard = blockdev_discard(&st);
    } else if (S_ISREG(st.st_mode)) {
        bytes = (uint64_t)st.st_size;
        d->discard = 1;
    } else {
        rc = -ENOTBLK;
        goto fail;
    }
    d->sectors = bytes >> 9;
    *out = d;
    return 0;
fail:
    blkdisk_close(d);
    return rc;
}

void blkdisk_close(struct blkdisk *d)
{
    if (!d)
        return;
    if (d->fd >= 0)
        close(d->fd);
    free(d);
}
