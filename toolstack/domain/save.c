/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * save.c: xl save / restore (save.h): the kept config and the domain's
 * stream in xl's framing, with xl's messages; the stream is the type's
 * (internal.h save_*: QEMU's for an HVM domain, libxl's stream v2 for a
 * PV one, save_pv.c).
 */
#include "domain/save.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg/cfg.h"
#include "domain/internal.h"
#include "domain/saveimg.h"
#include "domain/xzpipe.h"

/*
 * -z: the type's stream is written plain into a pipe; a child compresses
 * it into fd.
 */
static int save_xz(const struct domain_ctx *c, struct xs_handle *xs,
                   const struct domain_type_ops *ops, uint32_t domid, int fd,
                   unsigned flags, struct domain_save_stats *st)
{
    int p[2], rc, prc;
    pid_t pid;

    if (pipe2(p, O_CLOEXEC) < 0) {
        rc = -errno;
        domain_err(c, "save: pipe: %s", strerror(errno));
        return rc;
    }
    pid = xz_pump_spawn(p[0], fd, 1);
    close(p[0]);
    if (pid < 0) {
        close(p[1]);
        domain_err(c, "save: fork: %s", strerror((int)-pid));
        return (int)pid;
    }
    rc = ops->save_stream(c, xs, domid, p[1], !!(flags & DOMAIN_SAVE_LIVE), st);
    close(p[1]);
    /* On failure QEMU may still hold the pipe: the child would wait. */
    if (rc < 0)
        kill(pid, SIGKILL);
    prc = xz_pump_wait(pid);
    if (rc >= 0 && prc < 0) {
        domain_err(c, "save: domain %u: compressing the stream failed", domid);
        /* The image is lost but the guest need not be: a failed stream,
         * as far as the caller can tell. */
        if (ops->save_self_resume)
            ops->save_resume(c, xs, domid, 0);
    }
    return rc < 0 ? rc : prc;
}

int domain_save_fd(const struct domain_ctx *c, struct xs_handle *xs,
                   uint32_t domid, int fd, unsigned flags, const char *cfg_json,
                   struct domain_save_stats *st)
{
    const struct domain_type_ops *ops = domain_ops_of(domid);
    char *json = NULL;
    int rc;

    rc = cfg_json ? ((json = strdup(cfg_json)) ? 0 : -ENOMEM)
                  : domain_config_json(xs, domid, &json);
    if (rc < 0) {
        domain_err(c, "save: domain %u: no kept config: %s", domid,
                   strerror(-rc));
        return rc;
    }
    rc = saveimg_write(fd,
                       ops->save_mflags |
                           ((flags & DOMAIN_SAVE_XZ) ? SAVEIMG_MFLAG_XZ : 0),
                       json, strlen(json), NULL);
    free(json);
    if (rc < 0) {
        domain_err(c, "save: writing the header: %s", strerror(-rc));
        return rc;
    }
    if (st)
        *st = (struct domain_save_stats){-1, -1, -1, -1};
    if (flags & DOMAIN_SAVE_XZ)
        return save_xz(c, xs, ops, domid, fd, flags, st);
    return ops->save_stream(c, xs, domid, fd, !!(flags & DOMAIN_SAVE_LIVE), st);
}

int domain_save_resume(const struct domain_ctx *c, struct xs_handle *xs,
                       uint32_t domid, int paused)
{
    return domain_ops_of(domid)->save_resume(c, xs, domid, paused);
}

int domain_save(const struct domain_ctx *c, struct xs_handle *xs,
                uint32_t domid, const char *path, unsigned flags)
{
    const struct domain_type_ops *ops = domain_ops_of(domid);
    struct domain_info info;
    int fd, rc, was_paused, written = 0;

    was_paused = domain_info(xs, domid, &info) == 0 && info.paused;
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = -errno;
        domain_err(c, "Failed to open temp file %s for writing: %s", path,
                   strerror(errno));
        return rc;
    }
    rc = domain_save_fd(c, xs, domid, fd, flags & DOMAIN_SAVE_XZ, NULL, NULL);
    written = rc == 0;
    if (!rc && (rc = saveimg_finish(fd)) < 0)
        domain_err(c, "save: %s: %s", path, strerror(-rc));
    close(fd);
    if (rc < 0) {
        /* Nothing half-written stays; the guest carries on (a type whose
         * failed stream resumed it itself is left alone). */
        unlink(path);
        if (written || !ops->save_self_resume)
            ops->save_resume(c, xs, domid, was_paused);
        return rc;
    }
    if (!(flags & DOMAIN_SAVE_CHECKPOINT))
        return domain_destroy(c, xs, domid);
    return ops->save_resume(c, xs, domid,
                            was_paused || (flags & DOMAIN_SAVE_PAUSED));
}

/* The config to build: the override or the image's, of the image's type. */
static int image_config(const struct domain_ctx *c, const char *what,
                        const struct saveimg_header *h,
                        const struct domain_config *override,
                        struct domain_config **owned,
                        const struct domain_config **cfg)
{
    char err[400] = "";
    int rc;

    *owned = NULL;
    if (!(h->mflags & (SAVEIMG_MFLAG_QEMU | SAVEIMG_MFLAG_STREAMV2))) {
        domain_err(c,
                   "restore: %s: a legacy (v1) stream: pvstack restores "
                   "migration stream v2 and QEMU images only",
                   what);
        return -EOPNOTSUPP;
    }
    rc = domain_config_from_json(h->config, owned, err, sizeof(err));
    if (rc < 0) {
        domain_err(c, "restore: %s: its config: %s", what,
                   err[0] ? err : strerror(-rc));
        return rc;
    }
    *cfg = override ? override : *owned;
    if (((*cfg)->type == DOMAIN_TYPE_HVM) !=
        !!(h->mflags & SAVEIMG_MFLAG_QEMU)) {
        domain_err(c,
                   "restore: %s: the config is not type = \"%s\" as the "
                   "image is",
                   what, (h->mflags & SAVEIMG_MFLAG_QEMU) ? "hvm" : "pv");
        return -EINVAL;
    }
    return 0;
}

static int restore_from(const struct domain_ctx *c, struct xs_handle *xs,
                        int fd, const char *what,
                        const struct saveimg_header *h,
                        const struct domain_config *override, unsigned flags,
                        uint32_t *domid_out)
{
    struct domain_create_opts o = {.restore = 1, .restore_fd = fd};
    int xzp[2] = {-1, -1};
    pid_t pump = -1;
    const struct domain_config *cfg = NULL;
    struct domain_config *owned = NULL, renamed;
    char *incoming = NULL;
    uint32_t other;
    int rc;

    if (c->err)
        fprintf(c->err,
                "Loading new save file %s (new xl fmt info 0x%" PRIx32
                "/0x%" PRIx32 "/%zu)\n Savefile contains xl domain config in "
                "JSON format\n",
                what, h->mflags, h->oflags, h->config_len);
    rc = image_config(c, what, h, override, &owned, &cfg);
    if (!rc) {
        if (flags & DOMAIN_RESTORE_PAUSED)
            o.flags |= DOMAIN_CREATE_PAUSED;
        if (flags & DOMAIN_RESTORE_NO_MONITOR)
            o.flags |= DOMAIN_CREATE_NO_MONITOR;
        /* xl: the copy is <name>--incoming until the sender lets go. */
        if ((flags & DOMAIN_RESTORE_INCOMING) &&
            asprintf(&incoming, "%s--incoming", cfg->name) > 0) {
            renamed = *cfg;
            renamed.name = incoming;
            cfg = &renamed;
        }
        /* A PV restore loads all memory before the store entries claim
         * the name: refuse a running name first (xl checks it early). */
        if (!(h->mflags & SAVEIMG_MFLAG_QEMU) &&
            domain_find(xs, cfg->name, &other) == 0) {
            domain_err(c, "create: domain with name \"%s\" already exists.",
                       cfg->name);
            rc = -EEXIST;
            goto done;
        }
        /* xz: a child decompresses the file into a pipe QEMU reads. */
        if ((h->mflags & SAVEIMG_MFLAG_XZ) && pipe2(xzp, O_CLOEXEC) == 0) {
            pump = xz_pump_spawn(fd, xzp[1], 0);
            close(xzp[1]);
            o.restore_fd = xzp[0];
        }
        if ((h->mflags & SAVEIMG_MFLAG_XZ) && pump < 0) {
            domain_err(c, "restore: %s: cannot start decompressing", what);
            rc = -EIO;
        } else {
            rc = domain_create(c, xs, cfg, &o, domid_out);
        }
    }
done:
    if (xzp[0] >= 0)
        close(xzp[0]);
    if (pump > 0) {
        if (rc < 0)
            kill(pump, SIGKILL);
        xz_pump_wait(pump);
    }
    free(incoming);
    if (owned)
        domain_config_free(owned);
    return rc;
}

int domain_restore_fd(const struct domain_ctx *c, struct xs_handle *xs, int fd,
                      const char *what, const struct domain_config *override,
                      unsigned flags, uint32_t *domid_out)
{
    struct saveimg_header h;
    char err[300] = "";
    int rc = saveimg_read(fd, &h, err, sizeof(err));

    if (rc < 0) {
        domain_err(c, "restore: %s: %s", what, err[0] ? err : strerror(-rc));
        return rc;
    }
    rc = restore_from(c, xs, fd, what, &h, override, flags, domid_out);
    saveimg_header_free(&h);
    return rc;
}

int domain_restore(const struct domain_ctx *c, struct xs_handle *xs,
                   const char *path, const struct domain_config *override,
                   unsigned flags, uint32_t *domid_out)
{
    struct saveimg_header h;
    char err[300] = "";
    int fd, rc;

    fd = saveimg_open(path, &h, err, sizeof(err));
    if (fd < 0) {
        domain_err(c, "restore: %s", err);
        return fd;
    }
    rc = restore_from(c, xs, fd, path, &h, override, flags, domid_out);
    saveimg_header_free(&h);
    close(fd);
    return rc;
}
