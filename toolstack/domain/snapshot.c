/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * snapshot.c: memory image + disk copies of an HVM domain (snapshot.h).
 * Layout of one snapshot directory: memory.save (xl's framing), disk-<n>
 * (the cfg's n-th disk, when it is a writable file), paused (present when
 * the domain was paused).
 */
#include "domain/snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg/cfg.h"
#include "dm/hvm.h"
#include "domain/internal.h"
#include "domain/save.h"
#include "domain/saveimg.h"
#include "lib/paths.h"

#define SNAP_DIR "/var/lib/xen/snapshots"

static int name_ok(const char *s)
{
    size_t i, n = strlen(s);

    if (!n || n > SNAPSHOT_NAME_MAX || s[0] == '.')
        return 0;
    for (i = 0; i < n; i++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                    "0123456789._-",
                    s[i]))
            return 0;
    return 1;
}

/* <root>/var/lib/xen/snapshots/<dom>[/<snap>[/<file>]] */
static int snap_path(char *buf, size_t len, const char *dom, const char *snap,
                     const char *file)
{
    char rel[512];

    if (snprintf(rel, sizeof(rel), SNAP_DIR "/%s%s%s%s%s", dom, snap ? "/" : "",
                 snap ? snap : "", file ? "/" : "",
                 file ? file : "") >= (int)sizeof(rel))
        return -ENAMETOOLONG;
    return paths_get(buf, len, rel);
}

/* dst = src: a reflink where the filesystem has them (*cloned = 1), else a
 * copy. dst is written under a temporary name and renamed into place. */
static int copy_file(const char *src, const char *dst, int *cloned)
{
    char tmp[4200], buf[1 << 16];
    int in, out, rc = 0;
    ssize_t n;

    *cloned = 0;
    snprintf(tmp, sizeof(tmp), "%s.tmp", dst);
    in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -errno;
    out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (out < 0) {
        rc = -errno;
        close(in);
        return rc;
    }
    if (ioctl(out, FICLONE, in) == 0) {
        *cloned = 1;
    } else {
        while ((n = read(in, buf, sizeof(buf))) > 0)
            if (write(out, buf, (size_t)n) != n) {
                rc = -EIO;
                break;
            }
        if (n < 0)
            rc = -errno;
    }
    if (!rc && fsync(out) < 0)
        rc = -errno;
    close(in);
    if (close(out) < 0 && !rc)
        rc = -errno;
    if (!rc && rename(tmp, dst) < 0)
        rc = -errno;
    if (rc)
        unlink(tmp);
    return rc;
}

/* A disk the snapshot keeps: writable, a regular file. */
static int kept_disk(const struct disk_spec *d, off_t *size)
{
    struct stat st;

    if (d->is_cdrom || !d->readwrite || !d->pdev_path ||
        stat(d->pdev_path, &st) || !S_ISREG(st.st_mode))
        return 0;
    *size = st.st_size;
    return 1;
}

static void rm_tree(const char *dir)
{
    char p[4600];
    struct dirent *de;
    DIR *d = opendir(dir);

    while (d && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue;
        snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
        unlink(p);
    }
    if (d)
        closedir(d);
    rmdir(dir);
}

static int copy_disks(const struct domain_ctx *c, const char *dom,
                      const char *snap, const struct domain_config *cfg)
{
    char path[4096], file[32];
    size_t i;
    off_t size;
    int rc, cloned;

    for (i = 0; i < cfg->nr_disks; i++) {
        const struct disk_spec *d = &cfg->disks[i];

        if (!kept_disk(d, &size)) {
            if (d->readwrite && !d->is_cdrom && d->pdev_path)
                domain_err(c,
                           "snapshot-create: warning: disk %s is not a "
                           "file: not in the snapshot",
                           d->pdev_path);
            continue;
        }
        snprintf(file, sizeof(file), "disk-%zu", i);
        if ((rc = snap_path(path, sizeof(path), dom, snap, file)) ||
            (rc = copy_file(d->pdev_path, path, &cloned))) {
            domain_err(c, "snapshot-create: disk %s: %s", d->pdev_path,
                       strerror(-rc));
            return rc;
        }
        if (!cloned)
            domain_err(c,
                       "snapshot-create: warning: %s: no reflink on this "
                       "filesystem, copied in full (%lld MiB)",
                       d->pdev_path, (long long)(size >> 20));
    }
    return 0;
}

int domain_snapshot_create(const struct domain_ctx *c, struct xs_handle *xs,
                           uint32_t domid, const char *snap, char *name_out,
                           size_t len)
{
    struct domain_config *cfg = NULL;
    struct domain_info info;
    char dom[64], dir[4096], mem[4096], when[32], *json = NULL, err[300];
    time_t now = time(NULL);
    int rc;

    if (!snap) {
        strftime(when, sizeof(when), "%Y%m%d-%H%M%S", gmtime(&now));
        snap = when;
    }
    if (!name_ok(snap)) {
        domain_err(c,
                   "snapshot-create: bad snapshot name '%s' (letters, "
                   "digits, . _ -)",
                   snap);
        return -EINVAL;
    }
    if ((rc = domain_info(xs, domid, &info)) < 0 ||
        (rc = domain_name(xs, domid, dom, sizeof(dom))) < 0 ||
        (rc = domain_config_json(xs, domid, &json)) < 0) {
        domain_err(c, "snapshot-create: domain %u: %s", domid, strerror(-rc));
        free(json);
        return rc;
    }
    rc = domain_config_from_json(json, &cfg, err, sizeof(err));
    free(json);
    if (rc < 0) {
        domain_err(c, "snapshot-create: domain %u: its config: %s", domid, err);
        return rc;
    }
    rc = snap_path(dir, sizeof(dir), dom, NULL, NULL);
    if (!rc)
        rc = paths_mkdir(SNAP_DIR, 0700);
    if (!rc && mkdir(dir, 0700) < 0 && errno != EEXIST)
        rc = -errno;
    if (rc || (rc = snap_path(dir, sizeof(dir), dom, snap, NULL)) ||
        (rc = snap_path(mem, sizeof(mem), dom, snap, "memory.save"))) {
        domain_err(c, "snapshot-create: %s: %s", dom, strerror(-rc));
        goto out;
    }
    if (mkdir(dir, 0700) < 0) {
        rc = -errno;
        if (rc == -EEXIST)
            domain_err(c, "snapshot-create: %s already has a snapshot '%s'",
                       dom, snap);
        else
            domain_err(c, "snapshot-create: %s: %s", dir, strerror(errno));
        goto out;
    }
    /* Memory written and the guest left stopped: the disks agree with it.
     * Always xz: snapshots accumulate, a save is restored at once. */
    rc = domain_save(c, xs, domid, mem,
                     DOMAIN_SAVE_CHECKPOINT | DOMAIN_SAVE_PAUSED |
                         DOMAIN_SAVE_XZ);
    if (!rc)
        rc = copy_disks(c, dom, snap, cfg);
    if (!info.paused)
        domain_unpause(domid);
    if (!rc && info.paused) {
        char p[4200];
        int fd;

        snprintf(p, sizeof(p), "%s/paused", dir);
        fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
        if (fd >= 0)
            close(fd);
    }
    if (rc)
        rm_tree(dir);
    else if (name_out)
        snprintf(name_out, len, "%s", snap);
out:
    domain_config_free(cfg);
    return rc;
}

static int by_time(const void *a, const void *b)
{
    const struct domain_snapshot *x = a, *y = b;

    return x->created < y->created ? -1 : x->created > y->created;
}

int domain_snapshot_list(const char *domname, struct domain_snapshot **out)
{
    struct domain_snapshot *v = NULL, *nv;
    char dir[4096], p[4400];
    struct dirent *de;
    struct stat st;
    int n = 0;
    DIR *d;

    *out = NULL;
    if (!name_ok(domname) || snap_path(dir, sizeof(dir), domname, NULL, NULL))
        return -EINVAL;
    d = opendir(dir);
    if (!d)
        return errno == ENOENT ? 0 : -errno;
    while ((de = readdir(d))) {
        if (!name_ok(de->d_name))
            continue;
        snprintf(p, sizeof(p), "%s/%s/memory.save", dir, de->d_name);
        if (stat(p, &st))
            continue;
        nv = realloc(v, (size_t)(n + 1) * sizeof(*v));
        if (!nv) {
            closedir(d);
            free(v);
            return -ENOMEM;
        }
        v = nv;
        /* name_ok() bounded it to SNAPSHOT_NAME_MAX */
        memcpy(v[n].name, de->d_name, strlen(de->d_name) + 1);
        v[n].created = st.st_mtime;
        snprintf(p, sizeof(p), "%s/%s/paused", dir, de->d_name);
        v[n].paused = access(p, F_OK) == 0;
        n++;
    }
    closedir(d);
    if (n)
        qsort(v, (size_t)n, sizeof(*v), by_time);
    *out = v;
    return n;
}

/* The config in the snapshot's memory image, the whole image checked. */
static int image_cfg(const struct domain_ctx *c, const char *mem,
                     struct domain_config **cfg)
{
    struct saveimg_header h;
    char err[300] = "";
    int fd, rc;

    fd = open(mem, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = -errno;
        domain_err(c, "snapshot-revert: %s: %s", mem, strerror(errno));
        return rc;
    }
    rc = saveimg_read(fd, &h, err, sizeof(err));
    if (!rc)
        rc = saveimg_verify(fd, &h, err, sizeof(err));
    if (!rc)
        rc = domain_config_from_json(h.config, cfg, err, sizeof(err));
    close(fd);
    saveimg_header_free(&h);
    if (rc)
        domain_err(c, "snapshot-revert: %s: %s", mem,
                   err[0] ? err : strerror(-rc));
    return rc;
}

/* The disks the snapshot holds, copied back over the cfg's files. */
static int put_back(const struct domain_ctx *c, const char *dom,
                    const char *snap, const struct domain_config *cfg)
{
    char path[4096], file[32];
    int rc = 0, cloned;
    size_t i;

    for (i = 0; !rc && i < cfg->nr_disks; i++) {
        snprintf(file, sizeof(file), "disk-%zu", i);
        if (snap_path(path, sizeof(path), dom, snap, file) ||
            access(path, F_OK))
            continue;
        rc = copy_file(path, cfg->disks[i].pdev_path, &cloned);
        if (rc)
            domain_err(c, "snapshot-revert: disk %s: %s",
                       cfg->disks[i].pdev_path, strerror(-rc));
    }
    return rc;
}

int domain_snapshot_revert(const struct domain_ctx *c, struct xs_handle *xs,
                           const char *domname, const char *snap,
                           uint32_t *domid_out)
{
    struct domain_config *cfg = NULL;
    char mem[4096];
    uint32_t running;
    int rc, i;

    if (!name_ok(domname) || !name_ok(snap) ||
        snap_path(mem, sizeof(mem), domname, snap, "memory.save") ||
        access(mem, F_OK)) {
        domain_err(c, "snapshot-revert: %s has no snapshot '%s'", domname,
                   snap);
        return -ENOENT;
    }
    /* The image is checked before the running domain goes. */
    rc = image_cfg(c, mem, &cfg);
    if (rc)
        return rc;
    if (domain_find(xs, domname, &running) == 0) {
        rc = domain_destroy(c, xs, running);
        if (rc < 0)
            domain_err(c, "snapshot-revert: destroying %s: %s", domname,
                       strerror(-rc));
        /* QEMU lets go of the disks as it exits. */
        for (i = 0; !rc && i < 100 && dm_hvm_exists(running); i++)
            usleep(50000);
    }
    if (!rc)
        rc = put_back(c, domname, snap, cfg);
    domain_config_free(cfg);
    if (!rc)
        rc = domain_restore(c, xs, mem, NULL, 0, domid_out);
    return rc;
}

int domain_snapshot_delete(const struct domain_ctx *c, const char *domname,
                           const char *snap)
{
    char dir[4096], mem[4096];

    if (!name_ok(domname) || !name_ok(snap) ||
        snap_path(dir, sizeof(dir), domname, snap, NULL) ||
        snap_path(mem, sizeof(mem), domname, snap, "memory.save") ||
        access(mem, F_OK)) {
        domain_err(c, "snapshot-delete: %s has no snapshot '%s'", domname,
                   snap);
        return -ENOENT;
    }
    rm_tree(dir);
    return 0;
}
