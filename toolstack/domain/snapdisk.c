/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * snapdisk.c: a snapshot's disks (snapdisk.h): qcow2 overlays, LVM
 * snapshots, copies.
 */
#include "domain/snapdisk.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "domain/internal.h"
#include "lib/fs.h"
#include "lib/spawn.h"

#define QCOW2_MAGIC 0x514649fbu /* "QFI\xfb" */

/*
 * Run argv (searched in PATH), stdout to /dev/null; the first line it
 * writes to stderr, or ours when it did not run, into why. Its exit
 * status, or -errno.
 */
static int run(char *const argv[], char *why, size_t len)
{
    char line[200];
    struct spawn_opts o = {
        .out = {.to = SPAWN_NULL},
        .err = {.to = SPAWN_CAPTURE, .cap = why, .cap_len = len}};
    int rc = spawn_run(NULL, argv, &o, line, sizeof(line));

    why[strcspn(why, "\n")] = '\0';
    if (rc < 0 && !why[0])
        snprintf(why, len, "%s", line);
    return rc;
}

/* One line for a tool that failed: "<tool>: <its word>". */
static int tool(const struct domain_ctx *c, const char *what,
                char *const argv[])
{
    char why[300];
    int rc = run(argv, why, sizeof(why));

    if (rc == 0)
        return 0;
    domain_err(c, "%s: %s failed: %s", what, argv[0],
               why[0] ? why : (rc < 0 ? strerror(-rc) : "no reason given"));
    return rc < 0 ? rc : -EIO;
}

/* dst = src's bytes. A file goes under a temporary name renamed into
 * place, cloned where the filesystem can (*cloned = 1); a block device is
 * written in place. */
static int copy(const char *src, const char *dst, int *cloned)
{
    char tmp[4200], buf[1 << 16];
    struct stat st;
    int in, out, rc = 0, blk = stat(dst, &st) == 0 && S_ISBLK(st.st_mode);
    ssize_t n;

    *cloned = 0;
    snprintf(tmp, sizeof(tmp), "%s%s", dst, blk ? "" : ".tmp");
    in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -errno;
    out = open(tmp, O_WRONLY | O_CLOEXEC | (blk ? 0 : O_CREAT | O_TRUNC), 0600);
    if (out < 0) {
        rc = -errno;
        close(in);
        return rc;
    }
    if (!blk && ioctl(out, FICLONE, in) == 0) {
        *cloned = 1;
    } else {
        while ((n = read(in, buf, sizeof(buf))) > 0)
            if ((rc = fs_write_all(out, buf, (size_t)n)) < 0)
                break;
        if (n < 0)
            rc = -errno;
    }
    if (!rc && fsync(out) < 0)
        rc = -errno;
    close(in);
    if (close(out) < 0 && !rc)
        rc = -errno;
    if (!blk && !rc && rename(tmp, dst) < 0)
        rc = -errno;
    if (!blk && rc)
        unlink(tmp);
    return rc;
}

/* rename, or copy and unlink across filesystems. */
static int move(const char *src, const char *dst)
{
    int cloned, rc;

    if (rename(src, dst) == 0)
        return 0;
    if (errno != EXDEV)
        return -errno;
    rc = copy(src, dst, &cloned);
    if (!rc && unlink(src) < 0)
        rc = -errno;
    return rc;
}

static int is_qcow2(const char *path)
{
    uint8_t h[4];
    int fd = open(path, O_RDONLY | O_CLOEXEC), ok;

    if (fd < 0)
        return 0;
    ok = pread(fd, h, 4, 0) == 4 &&
         ((uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 | (uint32_t)h[2] << 8 |
          h[3]) == QCOW2_MAGIC;
    close(fd);
    return ok;
}

/* The backing file named in qcow2 image path (buf empty: none). 0/-errno. */
static int snapdisk_backing(const char *path, char *buf, size_t len)
{
    uint8_t h[20];
    uint64_t off = 0;
    uint32_t size = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC), rc = 0, i;

    buf[0] = '\0';
    if (fd < 0)
        return -errno;
    if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h))
        rc = -EINVAL;
    for (i = 0; !rc && i < 8; i++)
        off = off << 8 | h[8 + i];
    for (i = 0; !rc && i < 4; i++)
        size = size << 8 | h[16 + i];
    if (!rc && off && size) {
        if (size >= len)
            rc = -ENAMETOOLONG;
        else if (pread(fd, buf, size, (off_t)off) != (ssize_t)size)
            rc = -EINVAL;
        else
            buf[size] = '\0';
    }
    close(fd);
    return rc;
}

static int put_text(const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600), rc;

    if (fd < 0)
        return -errno;
    rc = fs_write_all(fd, text, strlen(text));
    close(fd);
    return rc;
}

static int get_text(const char *path, char *buf, size_t len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    if (fd < 0)
        return -errno;
    n = read(fd, buf, len - 1);
    close(fd);
    if (n < 0)
        return -errno;
    buf[n] = '\0';
    return 0;
}

enum kind { KIND_NONE, KIND_COPY, KIND_QCOW2, KIND_LVM, KIND_BLOCK };

static int have_dm(void)
{
    return access("/dev/mapper/control", F_OK) == 0;
}

static int is_lv(const char *dev)
{
    char why[200],
        path[4096], *const argv[] = {"lvs",     "--noheadings", "-o",
                                     "lv_name", path,           NULL};

    snprintf(path, sizeof(path), "%s", dev);
    return run(argv, why, sizeof(why)) == 0;
}

static enum kind kind_of(const struct disk_spec *d)
{
    struct stat st;

    if (d->is_cdrom || !d->readwrite || !d->pdev_path ||
        stat(d->pdev_path, &st))
        return KIND_NONE;
    if (S_ISBLK(st.st_mode))
        return have_dm() && is_lv(d->pdev_path) ? KIND_LVM : KIND_BLOCK;
    if (!S_ISREG(st.st_mode))
        return KIND_NONE;
    if (d->format == DISK_FORMAT_QCOW2 ||
        (d->format == DISK_FORMAT_UNKNOWN && is_qcow2(d->pdev_path)))
        return KIND_QCOW2;
    return KIND_COPY;
}

int snapdisk_needs_offline(const struct disk_spec *d)
{
    return kind_of(d) == KIND_QCOW2;
}

/* dir/disk-<n><suffix> */
static void file_in(char *buf, size_t len, const char *dir, size_t n,
                    const char *suffix)
{
    snprintf(buf, len, "%s/disk-%zu%s", dir, n, suffix);
}

static int take_qcow2(const struct domain_ctx *c, const struct disk_spec *d,
                      size_t n, const char *dir)
{
    char base[4200], *const argv[] = {"qemu-img", "create",     "-q", "-f",
                                      "qcow2",    "-b",         base, "-F",
                                      "qcow2",    d->pdev_path, NULL};
    int rc;

    file_in(base, sizeof(base), dir, n, ".qcow2");
    if ((rc = move(d->pdev_path, base)) < 0) {
        domain_err(c, "snapshot-create: disk %s: %s", d->pdev_path,
                   strerror(-rc));
        return rc;
    }
    rc = tool(c, "snapshot-create", argv);
    if (rc < 0) /* the disk goes back as it was */
        move(base, d->pdev_path);
    return rc;
}

static int take_lvm(const struct domain_ctx *c, const struct disk_spec *d,
                    size_t n, const char *dir)
{
    const char *snap = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
    const char *lv = strrchr(d->pdev_path, '/') + 1;
    char name[200], vg[4200], rec[4200], dev[4500], *slash;
    char *const argv[] = {"lvcreate",   "-q", "-s", "-l",
                          "100%ORIGIN", "-n", name, (char *)d->pdev_path,
                          NULL};
    int rc;

    snprintf(name, sizeof(name), "%s-snap-%s", lv, snap);
    rc = tool(c, "snapshot-create", argv);
    if (rc < 0)
        return rc;
    /* /dev/<vg>/<lv> -> /dev/<vg>/<name> */
    snprintf(vg, sizeof(vg), "%s", d->pdev_path);
    slash = strrchr(vg, '/');
    *slash = '\0';
    snprintf(dev, sizeof(dev), "%s/%s\n", vg, name);
    file_in(rec, sizeof(rec), dir, n, ".lvm");
    return put_text(rec, dev);
}

int snapdisk_take(const struct domain_ctx *c, const struct disk_spec *d,
                  size_t n, const char *dir)
{
    char path[4200];
    struct stat st;
    int rc, cloned;
    enum kind k = kind_of(d);

    switch (k) {
    case KIND_NONE:
        if (d->readwrite && !d->is_cdrom && d->pdev_path)
            domain_err(c,
                       "snapshot-create: warning: disk %s is neither a file "
                       "nor a block device: not in the snapshot",
                       d->pdev_path);
        return 0;
    case KIND_QCOW2:
        return take_qcow2(c, d, n, dir);
    case KIND_LVM:
        return take_lvm(c, d, n, dir);
    case KIND_COPY:
    case KIND_BLOCK:
        break;
    }
    file_in(path, sizeof(path), dir, n, "");
    if ((rc = copy(d->pdev_path, path, &cloned)) < 0) {
        domain_err(c, "snapshot-create: disk %s: %s", d->pdev_path,
                   strerror(-rc));
        return rc;
    }
    stat(path, &st);
    if (k == KIND_BLOCK)
        domain_err(c,
                   "snapshot-create: warning: %s: %s, copied in full "
                   "(%lld MiB)",
                   d->pdev_path,
                   have_dm() ? "not an LVM volume"
                             : "no device-mapper on this host for an LVM "
                               "snapshot",
                   (long long)(st.st_size >> 20));
    else if (!cloned)
        domain_err(c,
                   "snapshot-create: warning: %s: no reflink on this "
                   "filesystem, copied in full (%lld MiB)",
                   d->pdev_path, (long long)(st.st_size >> 20));
    return 0;
}

static int read_lvm(const char *dir, size_t n, char *dev, size_t len)
{
    char rec[4200];
    int rc;

    file_in(rec, sizeof(rec), dir, n, ".lvm");
    if (access(rec, F_OK))
        return -ENOENT;
    rc = get_text(rec, dev, len);
    if (rc >= 0)
        dev[strcspn(dev, "\n")] = '\0';
    return rc < 0 ? rc : 0;
}

void snapdisk_untake(const struct disk_spec *d, size_t n, const char *dir)
{
    char path[4200];

    file_in(path, sizeof(path), dir, n, ".qcow2");
    if (access(path, F_OK) == 0 && d->pdev_path) {
        unlink(d->pdev_path); /* the new overlay */
        move(path, d->pdev_path);
    }
    if (read_lvm(dir, n, path, sizeof(path)) == 0) {
        char *const argv[] = {"lvremove", "-q", "-f", path, NULL};
        char why[200];

        run(argv, why, sizeof(why));
    }
}

int snapdisk_put_back(const struct domain_ctx *c, const struct disk_spec *d,
                      size_t n, const char *dir)
{
    char path[4200], *const argv[] = {"qemu-img", "create",     "-q", "-f",
                                      "qcow2",    "-b",         path, "-F",
                                      "qcow2",    d->pdev_path, NULL};
    int rc = 0, cloned;

    if (!d->pdev_path)
        return 0;
    file_in(path, sizeof(path), dir, n, ".qcow2");
    if (access(path, F_OK) == 0) {
        /* A fresh overlay: what was written since the snapshot goes. */
        if (unlink(d->pdev_path) < 0 && errno != ENOENT)
            rc = -errno;
        if (!rc)
            return tool(c, "snapshot-revert", argv);
    } else if (read_lvm(dir, n, path, sizeof(path)) == 0 ||
               (file_in(path, sizeof(path), dir, n, ""),
                access(path, F_OK) == 0)) {
        rc = copy(path, d->pdev_path, &cloned);
    }
    if (rc)
        domain_err(c, "snapshot-revert: disk %s: %s", d->pdev_path,
                   strerror(-rc));
    return rc;
}

/* dep rests on base: give it base's own backing (libvirt's block-pull). */
static int pull(const struct domain_ctx *c, const char *dep_path,
                const char *base)
{
    char dep[4200], under[4096],
        *argv[] = {"qemu-img", "rebase", "-q", "-f", "qcow2",
                   "-b",       under,    NULL, NULL, NULL};
    int rc = snapdisk_backing(base, under, sizeof(under));

    snprintf(dep, sizeof(dep), "%s", dep_path);
    if (rc < 0) {
        domain_err(c, "snapshot-delete: %s: %s", base, strerror(-rc));
        return rc;
    }
    if (under[0]) {
        argv[7] = "-F";
        argv[8] = "qcow2";
        argv[9] = dep;
    } else {
        argv[7] = dep;
    }
    return tool(c, "snapshot-delete", argv);
}

int snapdisk_drop(const struct domain_ctx *c, const struct disk_spec *d,
                  size_t n, const char *dir, char *const *siblings,
                  size_t nsiblings)
{
    char base[4200], other[4200],
        b[4096], *const lvrm[] = {"lvremove", "-q", "-f", base, NULL};
    size_t i;
    int rc = 0;

    if (read_lvm(dir, n, base, sizeof(base)) == 0)
        return tool(c, "snapshot-delete", lvrm);
    file_in(base, sizeof(base), dir, n, ".qcow2");
    if (access(base, F_OK))
        return 0;
    /* What rests on this base: the domain's disk, later snapshots. */
    if (d->pdev_path && snapdisk_backing(d->pdev_path, b, sizeof(b)) == 0 &&
        !strcmp(b, base))
        rc = pull(c, d->pdev_path, base);
    for (i = 0; !rc && i < nsiblings; i++) {
        file_in(other, sizeof(other), siblings[i], n, ".qcow2");
        if (snapdisk_backing(other, b, sizeof(b)) == 0 && !strcmp(b, base))
            rc = pull(c, other, base);
    }
    if (!rc && unlink(base) < 0)
        rc = -errno;
    return rc;
}
