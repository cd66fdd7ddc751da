/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pv.c: the PV domain type: built by the engine (hv_domain_create), store
 * and console rings + XS_INTRODUCE, then the cfg's disks and vifs through
 * toolstack/device, the very calls block-attach and network-attach make.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include "cfg/cfg.h"
#include "device/attach.h"
#include "device/device.h"
#include "domain/bootloader.h"
#include "domain/internal.h"
#include "domain/saveimg.h"
#include "hv/hv.h"

/*
 * Run the bootloader; create.c frees its answer (and removes the files)
 * when the domain is made or has failed.
 */
static int pv_bootloader(struct domain_build *b)
{
    char err[400];
    int rc;

    b->boot = calloc(1, sizeof(*b->boot));
    if (!b->boot)
        return -ENOMEM;
    rc = bootloader_run(b->cfg, b->boot, err, sizeof(err));
    if (rc < 0) {
        free(b->boot);
        b->boot = NULL;
        snprintf(b->err, sizeof(b->err), "%s: bootloader: %s", b->cfg->name,
                 err);
    }
    return rc;
}

static int pv_check(struct domain_build *b, int *blk, int *net)
{
    const struct domain_config *cfg = b->cfg;
    char err[400];
    size_t i;
    int rc;

    /* A restore loads the guest's memory, not its kernel (libxl alike). */
    if (b->restore_fd >= 0)
        goto devices;
    /* bootloader=: the kernel comes out of the guest's disk (libxl). */
    if (cfg->bootloader && *cfg->bootloader) {
        rc = pv_bootloader(b);
        if (rc < 0)
            return rc;
        goto devices;
    }
    if (!cfg->kernel || !*cfg->kernel) {
        snprintf(b->err, sizeof(b->err), "%s: no kernel given (kernel=)",
                 cfg->name);
        return -EINVAL;
    }
    /* Cheap checks first: a bad cfg must not leave daemons behind. */
    if (access(cfg->kernel, R_OK) != 0) {
        snprintf(b->err, sizeof(b->err), "%s: %s", cfg->kernel,
                 strerror(errno));
        return -errno;
    }
devices:
    /* The specs are checked as block-attach / network-attach check them. */
    for (i = 0; i < cfg->nr_disks; i++) {
        rc = device_check_disk(&cfg->disks[i], err, sizeof(err));
        if (rc < 0) {
            snprintf(b->err, sizeof(b->err), "%s: disk %s", cfg->name, err);
            return rc;
        }
    }
    for (i = 0; i < cfg->nr_vifs; i++) {
        rc = device_check_nic(&cfg->vifs[i], err, sizeof(err));
        if (rc < 0) {
            snprintf(b->err, sizeof(b->err), "%s: vif %d: %s", cfg->name,
                     cfg->vifs[i].devid, err);
            return rc;
        }
    }
    *blk = cfg->nr_disks > 0;
    *net = cfg->nr_vifs > 0;
    return 0;
}

static int pv_build(struct domain_build *b)
{
    const struct domain_config *cfg = b->cfg;
    uint64_t max_mb =
        cfg->maxmem_mb > cfg->memory_mb ? cfg->maxmem_mb : cfg->memory_mb;
    struct hv_build hb = {
        .domid = b->domid,
        .name = cfg->name,
        .kernel = cfg->kernel,
        .ramdisk = cfg->ramdisk,
        .cmdline = cfg->cmdline,
        .mem_kb = cfg->memory_mb * 1024,
        .max_mem_kb = max_mb * 1024,
        .vcpus = cfg->vcpus ? cfg->vcpus : 1,
        .max_vcpus = cfg->maxvcpus > cfg->vcpus ? cfg->maxvcpus : cfg->vcpus,
        .paused = 1}; /* unpaused once the devices are wired */

    if (hb.max_vcpus == 0)
        hb.max_vcpus = 1;
    if (b->boot) { /* what the bootloader copied out of the guest's disk */
        hb.kernel = b->boot->kernel;
        hb.ramdisk = b->boot->ramdisk;
        hb.cmdline = b->boot->args;
    }
    if (b->restore_fd >= 0)
        return pv_restore_build(b, &hb);
    return hv_domain_create(b->hv, &hb, &b->built, b->err, sizeof(b->err));
}

/* Rings and channels the builder made, then XS_INTRODUCE. */
static int wire_store(struct domain_build *b, const struct hv_built *hb)
{
    char p[96], v[32];
    int rc;

    snprintf(p, sizeof(p), "/local/domain/%u/store/port", b->domid);
    snprintf(v, sizeof(v), "%u", hb->store_port);
    rc = dstore_write(b->xs, p, v);
    snprintf(p, sizeof(p), "/local/domain/%u/store/ring-ref", b->domid);
    snprintf(v, sizeof(v), "%llu", (unsigned long long)hb->store_pfn);
    if (rc == 0)
        rc = dstore_write(b->xs, p, v);
    if (rc == 0)
        rc = device_console_add(b->xs, b->domid, 0, hb->console_pfn,
                                hb->console_port);
    if (rc < 0) {
        snprintf(b->err, sizeof(b->err), "dom %u: store entries: %s", b->domid,
                 strerror(-rc));
        return rc;
    }
    if (!xs_introduce_domain(b->xs, b->domid, hb->store_pfn, hb->store_port)) {
        snprintf(b->err, sizeof(b->err), "dom %u: XS_INTRODUCE failed: %s",
                 b->domid, strerror(errno));
        return -EIO;
    }
    return 0;
}

/* One device path: what block-attach / network-attach would do. */
static int wire_devices(struct domain_build *b)
{
    const struct domain_config *cfg = b->cfg;
    char err[400];
    size_t i;
    int rc;

    for (i = 0; i < cfg->nr_disks; i++) {
        const struct disk_spec *d = &cfg->disks[i];

        rc = device_attach_disk(b->xs, b->domid, d, DEVICE_INIT_TIMEOUT_MS, err,
                                sizeof(err));
        if (rc < 0) {
            snprintf(b->err, sizeof(b->err), "%s: disk %s: %s", cfg->name,
                     d->vdev ? d->vdev : "?", err[0] ? err : strerror(-rc));
            return rc;
        }
    }
    for (i = 0; i < cfg->nr_vifs; i++) {
        const struct vif_spec *v = &cfg->vifs[i];

        rc = device_attach_nic(b->xs, b->domid, v, DEVICE_INIT_TIMEOUT_MS, NULL,
                               err, sizeof(err));
        if (rc < 0) {
            snprintf(b->err, sizeof(b->err), "%s: vif %d: %s", cfg->name,
                     v->devid, err[0] ? err : strerror(-rc));
            return rc;
        }
    }
    return 0;
}

static int pv_wire(struct domain_build *b)
{
    int rc = wire_store(b, &b->built);

    return rc < 0 ? rc : wire_devices(b);
}

const struct domain_type_ops domain_pv_ops = {
    .name = "pv",
    .check = pv_check,
    .build = pv_build,
    .wire = pv_wire,
    .hotplug = 1,
    .entries_first = 0, /* libxl order: Xen knows the domain first */
    /* running: the engine's domain (hv.h) */
    .getinfo = hv_domain_getinfo,
    .pause = hv_domain_pause,
    .unpause = hv_domain_unpause,
    .destroy = hv_domain_destroy,
    .wait = hv_domain_wait,
    /* memory and vcpus: the engine's limits, the guest balloons */
    .set_maxmem = hv_domain_set_maxmem,
    .set_vcpus = hv_domain_set_vcpus,
    /* the engine's dump (Xen); the kvm engine's VMM runs the vcpus */
    .core_dump = pv_core_dump,
    .vcpu_pid = pv_vcpu_pid,
    /* libxl's stream v2 around libxc's (save_pv.c); a failed one resumes */
    .save_mflags = SAVEIMG_MFLAG_JSON | SAVEIMG_MFLAG_STREAMV2,
    .save_stream = pv_save_stream,
    .save_resume = pvsave_resume,
    .save_self_resume = 1,
};
