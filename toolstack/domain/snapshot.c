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
#include "domain/snapdisk.h"
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

/* QEMU lets go of the disks as it exits. */
static void wait_dm_gone(uint32_t domid)
{
    for (int i = 0; i < 100 && dm_hvm_exists(domid); i++)
        usleep(50000);
}

/* The disks into dir; on failure the ones taken are put back as they were. */
static int take_disks(const struct domain_ctx *c, const char *dir,
                      const struct domain_config *cfg)
{
    size_t i;
    int rc = 0;

    for (i = 0; !rc && i < cfg->nr_disks; i++)
        rc = snapdisk_take(c, &cfg->disks[i], i, dir);
    while (rc && i-- > 0)
        snapdisk_untake(&cfg->disks[i], i, dir);
    return rc;
}

static int needs_offline(const struct domain_config *cfg)
{
    for (size_t i = 0; i < cfg->nr_disks; i++)
        if (snapdisk_needs_offline(&cfg->disks[i]))
            return 1;
    return 0;
}

/*
 * A qcow2 disk gets its overlay while no QEMU holds it: the domain is
 * saved (its memory image is the snapshot's), goes, the disks are taken,
 * and it is restored from that image under a new domid, as it was.
 */
static int take_offline(const struct domain_ctx *c, struct xs_handle *xs,
                        uint32_t domid, const char *dir, const char *mem,
                        const struct domain_config *cfg, int paused)
{
    uint32_t back;
    /* Plain: the image is read back at once, and xz of a guest's RAM
     * would double the time the guest is away. */
    int rc = domain_save(c, xs, domid, mem, 0), trc;

    if (rc < 0)
        return rc;
    wait_dm_gone(domid);
    trc = take_disks(c, dir, cfg);
    /* Taken or not, the guest carries on from the image. */
    rc = domain_restore(c, xs, mem, NULL, paused ? DOMAIN_RESTORE_PAUSED : 0,
                        &back);
    if (rc < 0)
        domain_err(c,
                   "snapshot-create: the domain could not be restored "
                   "from %s: it is kept there",
                   mem);
    return trc ? trc : rc;
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
    if (needs_offline(cfg)) {
        rc = take_offline(c, xs, domid, dir, mem, cfg, info.paused);
        /* The image is what restores the domain: kept if that failed. */
        if (rc && access(mem, F_OK) == 0 && domain_find(xs, dom, &domid))
            goto out;
    } else {
        /* Memory written and the guest left stopped: the disks agree
         * with it. Always xz: snapshots accumulate, a save is restored
         * at once. */
        rc = domain_save(c, xs, domid, mem,
                         DOMAIN_SAVE_CHECKPOINT | DOMAIN_SAVE_PAUSED |
                             DOMAIN_SAVE_XZ);
        if (!rc)
            rc = take_disks(c, dir, cfg);
        if (!info.paused)
            domain_unpause(domid);
    }
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
    char err[300] = "", why[300] = "";
    int fd = saveimg_open(mem, &h, err, sizeof(err)), rc;

    if (fd < 0) {
        domain_err(c, "snapshot-revert: %s", err);
        return fd;
    }
    rc = domain_config_from_json(h.config, cfg, why, sizeof(why));
    close(fd);
    saveimg_header_free(&h);
    if (rc)
        domain_err(c, "snapshot-revert: %s: %s", mem,
                   why[0] ? why : strerror(-rc));
    return rc;
}

/* The disks the snapshot holds, put back under the cfg's paths. */
static int put_back(const struct domain_ctx *c, const char *dom,
                    const char *snap, const struct domain_config *cfg)
{
    char dir[4096];
    int rc = snap_path(dir, sizeof(dir), dom, snap, NULL);

    for (size_t i = 0; !rc && i < cfg->nr_disks; i++)
        rc = snapdisk_put_back(c, &cfg->disks[i], i, dir);
    return rc;
}

int domain_snapshot_revert(const struct domain_ctx *c, struct xs_handle *xs,
                           const char *domname, const char *snap,
                           uint32_t *domid_out)
{
    struct domain_config *cfg = NULL;
    char mem[4096];
    uint32_t running;
    int rc;

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
        if (!rc)
            wait_dm_gone(running);
    }
    if (!rc)
        rc = put_back(c, domname, snap, cfg);
    domain_config_free(cfg);
    if (!rc)
        rc = domain_restore(c, xs, mem, NULL, 0, domid_out);
    return rc;
}

/* The other snapshots' directories of dom (malloc'd paths). */
static size_t siblings(const char *dom, const char *snap, char ***out)
{
    struct domain_snapshot *v = NULL;
    char dir[4096];
    int n = domain_snapshot_list(dom, &v);
    size_t k = 0;

    *out = n > 0 ? calloc((size_t)n, sizeof(char *)) : NULL;
    for (int i = 0; *out && i < n; i++)
        if (strcmp(v[i].name, snap) &&
            !snap_path(dir, sizeof(dir), dom, v[i].name, NULL))
            (*out)[k++] = strdup(dir);
    free(v);
    return k;
}

static int has_base(const char *dir, const struct domain_config *cfg)
{
    char p[4200];

    for (size_t i = 0; i < cfg->nr_disks; i++) {
        snprintf(p, sizeof(p), "%s/disk-%zu.qcow2", dir, i);
        if (access(p, F_OK) == 0)
            return 1;
    }
    return 0;
}

int domain_snapshot_delete(const struct domain_ctx *c, struct xs_handle *xs,
                           const char *domname, const char *snap)
{
    struct domain_config *cfg = NULL;
    char dir[4096], mem[4096], tmp[4200], **sib = NULL;
    struct domain_info info;
    uint32_t running, back;
    size_t nsib, i;
    int rc = 0, offline = 0;

    if (!name_ok(domname) || !name_ok(snap) ||
        snap_path(dir, sizeof(dir), domname, snap, NULL) ||
        snap_path(mem, sizeof(mem), domname, snap, "memory.save") ||
        access(mem, F_OK)) {
        domain_err(c, "snapshot-delete: %s has no snapshot '%s'", domname,
                   snap);
        return -ENOENT;
    }
    /* Its disks: where the bases sit, and what rests on them. */
    if ((rc = image_cfg(c, mem, &cfg)) < 0)
        return rc;
    nsib = siblings(domname, snap, &sib);
    if (has_base(dir, cfg) && domain_find(xs, domname, &running) == 0) {
        /* QEMU holds the overlay: merge under it with the domain away. */
        snprintf(tmp, sizeof(tmp), "%s.running", dir);
        offline = domain_info(xs, running, &info) == 0;
        rc = offline ? domain_save(c, xs, running, tmp, 0) : -ENOENT;
        if (!rc)
            wait_dm_gone(running);
    }
    for (i = 0; !rc && i < cfg->nr_disks; i++)
        rc = snapdisk_drop(c, &cfg->disks[i], i, dir, sib, nsib);
    if (offline && access(tmp, F_OK) == 0) {
        int rrc = domain_restore(
            c, xs, tmp, NULL, info.paused ? DOMAIN_RESTORE_PAUSED : 0, &back);

        if (rrc < 0)
            domain_err(c, "snapshot-delete: %s is kept in %s", domname, tmp);
        else
            unlink(tmp);
        rc = rc ? rc : rrc;
    }
    for (i = 0; i < nsib; i++)
        free(sib[i]);
    free(sib);
    domain_config_free(cfg);
    if (!rc)
        rm_tree(dir);
    return rc;
}
