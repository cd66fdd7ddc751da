/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * create.c: domain_create in libxl's order, the same for every type:
 * check, domid, the store entries that claim the name (before or after the
 * build, per type: entries_first), build (paused, the type's ops), wire,
 * kept config, monitor, start. Any failure tears down what was made, in
 * reverse. Also domain_destroy and the error sink.
 */
#include "domain/domain.h"

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <xenstore.h>

#include "cfg/cfg.h"
#include "domain/bootloader.h"
#include "domain/hostmem.h"
#include "domain/internal.h"
#include "domain/sched.h"
#include "dm/hvm.h"
#include "hv/hv.h"

void domain_err(const struct domain_ctx *c, const char *fmt, ...)
{
    va_list ap;

    if (!c || !c->err)
        return;
    fprintf(c->err, "%s: ", c->prog ? c->prog : "xm");
    va_start(ap, fmt);
    vfprintf(c->err, fmt, ap);
    va_end(ap);
    fputc('\n', c->err);
}

const struct domain_type_ops *domain_type_ops(int t)
{
    /* PVH is built as PV by the kvm engine's builder (no HVM container). */
    return t == DOMAIN_TYPE_HVM ? &domain_hvm_ops : &domain_pv_ops;
}

const struct domain_type_ops *domain_ops_of(uint32_t domid)
{
    return dm_hvm_exists(domid) ? &domain_hvm_ops : &domain_pv_ops;
}

/* A version-4 UUID from getrandom(); no fallback: equal UUIDs are worse
 * than no domain. */
static int uuid_make(const struct domain_config *cfg, uint8_t uuid[16])
{
    if (cfg->has_uuid) {
        memcpy(uuid, cfg->uuid, 16);
        return 0;
    }
    if (getrandom(uuid, 16, 0) != 16)
        return errno ? -errno : -EIO;
    uuid[6] = (uuid[6] & 0x0f) | 0x40;
    uuid[8] = (uuid[8] & 0x3f) | 0x80;
    return 0;
}

/* The engine's and the type's error, or errno's text. */
static void report(struct domain_build *b, const char *what, int rc)
{
    if (b->err[0])
        domain_err(b->c, "create: %s", b->err);
    else
        domain_err(b->c, "create: %s: %s: %s", b->cfg->name, what,
                   strerror(-rc));
}

/*
 * An HVM container (hvm, pvh) needs the hypervisor's hardware support: Xen
 * under TCG, or with VT-x/AMD-V off, has none and would fail deep in the
 * build. Say so first, as libxl checks physinfo's cap_hvm. The kvm engine
 * has no host view of its own (QEMU decides, dm_accel_choose).
 */
static int type_supported(struct domain_build *b)
{
    const char *t = b->cfg->type == DOMAIN_TYPE_HVM   ? "hvm"
                    : b->cfg->type == DOMAIN_TYPE_PVH ? "pvh"
                                                      : NULL;
    struct hv_hostinfo hi;
    struct hv *hv = NULL;
    int no_hvm;

    if (!t || hv_open(&hv) < 0)
        return 0; /* an engine that does not open is reported later */
    memset(&hi, 0, sizeof(hi));
    no_hvm = !strcmp(hv_engine_name(hv), "xen") && hv_host_info(hv, &hi) == 0 &&
             !(hi.caps & HV_CAP_HVM);
    hv_close(hv);
    if (!no_hvm)
        return 0;
    domain_err(b->c,
               "create: %s: type = \"%s\" needs hardware virtualisation "
               "and this Xen has none (no hvm in its physinfo capabilities: "
               "emulated CPU or VT-x/AMD-V off); use type = \"pv\"",
               b->cfg->name, t);
    return -EOPNOTSUPP;
}

static int prepare(struct domain_build *b, const struct domain_type_ops *ops,
                   const struct domain_create_opts *opts)
{
    int rc, blk = 0, net = 0;

    /* before the type's own checks: QEMU's settings mean nothing here */
    rc = type_supported(b);
    if (rc < 0)
        return rc;
    rc = ops->check(b, &blk, &net);
    if (rc < 0) {
        report(b, "check", rc);
        return rc;
    }
    if ((blk || net) && opts && opts->backends_start &&
        (rc = opts->backends_start(opts->arg, blk, net)) < 0)
        return rc;
    rc = hv_open(&b->hv);
    if (rc < 0) {
        domain_err(b->c, "create: engine: %s", strerror(-rc));
        return rc;
    }
    /* xl's freemem(); Xen itself accounts on the xen engine */
    if (strcmp(hv_engine_name(b->hv), "xen"))
        rc = domain_hostmem_check(b->c, b->cfg);
    return rc;
}

/* A domid and a UUID for the domain; nothing is written yet. */
static int reserve(struct domain_build *b)
{
    int rc = dstore_alloc_domid(b->xs, &b->domid);

    if (rc < 0) {
        domain_err(b->c, "create: no free domain id: %s", strerror(-rc));
        return rc;
    }
    rc = uuid_make(b->cfg, b->uuid);
    if (rc < 0) {
        domain_err(b->c, "create: %s: no random UUID: %s", b->cfg->name,
                   strerror(-rc));
        return rc;
    }
    /* Kept with the config: a restart is the same domain (xl does so). */
    memcpy(b->cfg->uuid, b->uuid, 16);
    b->cfg->has_uuid = 1;
    return 0;
}

/* The domain's store entries, in the transaction that claims its name. */
static int write_entries(struct domain_build *b)
{
    const char *name = b->cfg->name;
    int rc = dstore_write_domain(b->xs, b->cfg, b->domid, b->uuid);

    if (rc == -EEXIST) /* libxl__domain_rename's words */
        domain_err(b->c, "create: domain with name \"%s\" already exists.",
                   name);
    else if (rc < 0)
        domain_err(b->c, "create: %s: store entries: %s", name, strerror(-rc));
    return rc;
}

/*
 * The config as it will be kept: libxl fills defaults before building, so
 * a restart gets the same MACs. vifs_out is the copied vif array to free.
 */
static int resolve(const struct domain_config *cfg, struct domain_config *k,
                   struct vif_spec **vifs_out)
{
    size_t i;
    int rc;

    *k = *cfg;
    *vifs_out = NULL;
    if (!cfg->nr_vifs)
        return 0;
    *vifs_out = calloc(cfg->nr_vifs, sizeof(**vifs_out));
    if (!*vifs_out)
        return -ENOMEM;
    memcpy(*vifs_out, cfg->vifs, cfg->nr_vifs * sizeof(**vifs_out));
    k->vifs = *vifs_out;
    for (i = 0; i < k->nr_vifs; i++) {
        if (k->vifs[i].has_mac)
            continue;
        rc = vif_mac_random(k->vifs[i].mac);
        if (rc < 0)
            return rc;
        k->vifs[i].has_mac = 1;
    }
    return 0;
}

int domain_create(const struct domain_ctx *c, struct xs_handle *xs,
                  const struct domain_config *cfg_in,
                  const struct domain_create_opts *opts, uint32_t *domid_out)
{
    const struct domain_type_ops *ops = domain_type_ops(cfg_in->type);
    struct domain_config kept, *cfg = &kept;
    struct domain_build b = {.c = c, .xs = xs, .cfg = &kept};
    unsigned flags = opts ? opts->flags : 0;
    struct vif_spec *vifs = NULL;
    int rc, made_store = 0, made_dom = 0;

    b.restore_fd = opts && opts->restore ? opts->restore_fd : -1;
    rc = resolve(cfg_in, &kept, &vifs);
    if (rc < 0) {
        domain_err(c, "create: %s: %s", cfg_in->name, strerror(-rc));
        goto out;
    }
    rc = prepare(&b, ops, opts);
    if (rc < 0)
        goto out;
    rc = reserve(&b);
    if (rc < 0)
        goto out;
    if (ops->entries_first) {
        made_store = 1;
        if ((rc = write_entries(&b)) < 0)
            goto out;
    }
    rc = ops->build(&b);
    if (rc < 0) {
        report(&b, "build", rc);
        goto out;
    }
    made_dom = 1;
    if (!ops->entries_first) {
        made_store = 1;
        if ((rc = write_entries(&b)) < 0)
            goto out;
    }
    if (opts && opts->built)
        opts->built(opts->arg);
    rc = domain_sched_apply(c, b.domid, cfg);
    if (rc < 0)
        goto out;
    rc = ops->wire(&b);
    if (rc < 0) {
        report(&b, "devices", rc);
        goto out;
    }
    rc = userdata_store(b.domid, b.uuid, cfg);
    if (rc < 0) {
        domain_err(c, "create: %s: keeping its config: %s", cfg->name,
                   strerror(-rc));
        goto out;
    }
    if (!(flags & DOMAIN_CREATE_PAUSED) &&
        (rc = ops->unpause(b.hv, b.domid)) < 0) {
        domain_err(c, "create: unpause dom %u: %s", b.domid, strerror(-rc));
        goto out;
    }
    /* xl's order: the guest runs, then the monitor is forked (a fork is
     * milliseconds here); a guest that shut down meanwhile stays so until
     * destroyed, and the monitor finds it that way. */
    if (!(flags & DOMAIN_CREATE_NO_MONITOR))
        domain_monitor_spawn(cfg, b.domid);
    if (domid_out)
        *domid_out = b.domid;
out:
    if (rc < 0 && made_dom)
        ops->destroy(b.hv, b.domid); /* what build made */
    if (rc < 0 && made_store) {
        userdata_remove(b.domid);
        xs_release_domain(xs, b.domid);
        domain_store_remove(xs, b.domid);
    }
    if (b.boot) { /* the built domain has its copy: the files go */
        bootloader_done(b.boot);
        free(b.boot);
    }
    hv_close(b.hv);
    free(vifs);
    return rc;
}

/*
 * Xen keeps a destroyed domain, dying, until every mapping of its pages is
 * gone: xenstored's and xenconsoled's go once its store entries do, the
 * backends' once their devices do. Destroy returns when Xen has let it go,
 * so nothing of it is left for the next command (a count of Xen's domains,
 * a create that needs its memory) to see; a domain still dying after
 * DESTROY_WAIT_MS is reported, not waited for.
 */
#define DESTROY_WAIT_MS 10000
#define DESTROY_POLL_MS 50

static void wait_released(const struct domain_ctx *c,
                          const struct domain_type_ops *ops, struct hv *hv,
                          uint32_t domid)
{
    struct hv_dominfo d;
    int ms;

    for (ms = 0; ms < DESTROY_WAIT_MS; ms += DESTROY_POLL_MS) {
        if (ops->getinfo(hv, domid, &d) < 0 || !(d.flags & HV_DOMF_DYING))
            return;
        poll(NULL, 0, DESTROY_POLL_MS);
    }
    domain_err(c,
               "destroy: dom %u is still dying after %d s (something "
               "still maps its pages)",
               domid, DESTROY_WAIT_MS / 1000);
}

int domain_destroy(const struct domain_ctx *c, struct xs_handle *xs,
                   uint32_t domid)
{
    const struct domain_type_ops *ops = domain_ops_of(domid);
    struct hv *hv = NULL;
    int rc;

    rc = hv_open(&hv);
    if (rc < 0)
        return rc;
    rc = ops->destroy(hv, domid);
    xs_release_domain(xs, domid);
    domain_store_remove(xs, domid);
    userdata_remove(domid);
    domain_sched_remove(domid);
    if (rc == 0)
        wait_released(c, ops, hv, domid);
    hv_close(hv);
    return rc == -ESRCH ? 0 : rc;
}
