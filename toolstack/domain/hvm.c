/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvm.c: the HVM domain type: QEMU is the device model and, on the kvm
 * engine, the domain itself (toolstack/dm). Its disks and vifs are QEMU's
 * emulated devices, so no PV backends are needed. Running, it is its QEMU
 * (dm/): getinfo, pause, unpause, destroy, wait and the core dump are QMP
 * and the shutdown dm's monitor records, on either engine.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cfg/cfg.h"
#include "dm/hvm.h"
#include "dm/migrate.h"
#include "domain/internal.h"
#include "domain/save.h"
#include "domain/saveimg.h"
#include "hv/hv.h"

/* QEMU's quit, then SIGKILL after this long (dm_destroy). */
#define DM_DESTROY_TIMEOUT_MS 5000

static int hvm_check(struct domain_build *b, int *blk, int *net)
{
    struct dm_hvm *h = NULL;
    char why[400] = "";
    int rc;

    /* The cfg -> QEMU settings checks (serial, accel, vdevs) up front. */
    rc = dm_hvm_config(b->cfg, 0, b->uuid, &h, why, sizeof(why));
    dm_hvm_free(h);
    if (rc < 0 && why[0])
        snprintf(b->err, sizeof(b->err), "%s: %s", b->cfg->name, why);
    /* Kept as resolved, so `xm list -l` tells what QEMU runs on. */
    if (rc == 0)
        b->cfg->device_model_accel =
            (char *)(uintptr_t)dm_accel_choose(b->cfg->device_model_accel);
    *blk = *net = 0;
    return rc;
}

static int hvm_build(struct domain_build *b)
{
    char err[400] = "";
    int rc =
        b->restore_fd >= 0
            ? dm_hvm_restore(b->xs, b->cfg, b->domid, b->uuid, b->restore_fd,
                             domain_store_remove, err, sizeof(err))
            : dm_hvm_create(b->xs, b->cfg, b->domid, b->uuid,
                            domain_store_remove, err, sizeof(err));

    if (rc < 0)
        snprintf(b->err, sizeof(b->err), "%s: %s", b->cfg->name, err);
    return rc;
}

/* QEMU wired its devices and console when it started. */
static int hvm_wire(struct domain_build *b)
{
    (void)b;
    return 0;
}

/* The running domain is its QEMU (dm/): no engine involved. */
static int no_qemu(int rc)
{
    return rc == -ENOENT ? -ESRCH : rc;
}

static int hvm_getinfo(struct hv *hv, uint32_t domid, struct hv_dominfo *out)
{
    (void)hv;
    return no_qemu(dm_hvm_getinfo(domid, out));
}

static int hvm_pause(struct hv *hv, uint32_t domid)
{
    (void)hv;
    return no_qemu(dm_pause(domid));
}

static int hvm_unpause(struct hv *hv, uint32_t domid)
{
    (void)hv;
    return no_qemu(dm_unpause(domid));
}

static int hvm_destroy(struct hv *hv, uint32_t domid)
{
    (void)hv;
    return no_qemu(dm_destroy(domid, DM_DESTROY_TIMEOUT_MS));
}

static int hvm_wait(struct hv *hv, uint32_t domid, struct hv_dominfo *out)
{
    (void)hv;
    return dm_hvm_wait(domid, out);
}

/* QEMU's migration stream; QEMU stays stopped after it. */
static int hvm_save_stream(const struct domain_ctx *c, struct xs_handle *xs,
                           uint32_t domid, int fd, int live,
                           struct domain_save_stats *st)
{
    struct dm_save_stats dst = {-1, -1, -1, -1};
    char err[512] = "";
    int rc = dm_save_stream(domid, fd, live, &dst, err, sizeof(err));

    (void)xs;
    if (rc < 0)
        domain_err(c, "save: domain %u: %s", domid, err);
    if (st)
        *st = (struct domain_save_stats){dst.downtime_ms, dst.pages_sent,
                                         dst.pages_ram, dst.rounds};
    return rc;
}

static int hvm_save_resume(const struct domain_ctx *c, struct xs_handle *xs,
                           uint32_t domid, int paused)
{
    (void)c;
    (void)xs;
    return paused ? 0 : domain_unpause(domid);
}

const struct domain_type_ops domain_hvm_ops = {
    .name = "hvm",
    .check = hvm_check,
    .build = hvm_build,
    .wire = hvm_wire,
    .entries_first = 1, /* dm_hvm_create is handed the store at build */
    /* running: its QEMU; memory and vcpus are fixed at start (no set_*) */
    .getinfo = hvm_getinfo,
    .pause = hvm_pause,
    .unpause = hvm_unpause,
    .destroy = hvm_destroy,
    .wait = hvm_wait,
    /* QEMU dumps the memory, and its threads are the vcpus */
    .core_dump = hvm_core_dump,
    .vcpu_pid = hvm_vcpu_pid,
    /* QEMU's migration stream; QEMU stays stopped if it fails */
    .save_mflags = SAVEIMG_MFLAG_JSON | SAVEIMG_MFLAG_QEMU,
    .save_stream = hvm_save_stream,
    .save_resume = hvm_save_resume,
    .save_self_resume = 0,
};
