/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dom_create.c: `xm create` on an engine, in libxl's order: domid, store
 * entries, build (paused), store/console rings, XS_INTRODUCE, devices
 * (waiting for the backends' InitWait), monitor, unpause. Any failure
 * tears down what was made, in reverse. Also the full destroy.
 */
#include "xm/dom.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include "cfg/cfg.h"
#include "device/device.h"
#include "dm/hvm.h"
#include "hv/hv.h"
#include "xm/xm.h"

#define BACKEND_WAIT_MS 10000 /* LIBXL_INIT_TIMEOUT */

void dom_monitor_spawn(struct xm *xm, const struct domain_config *cfg,
                       uint32_t domid);

static void random_bytes(uint8_t *b, size_t n)
{
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);

    if (fd < 0 || read(fd, b, n) != (ssize_t)n)
        memset(b, 0x5a, n);
    if (fd >= 0)
        close(fd);
}

static int check_cfg(struct xm *xm, struct xs_handle *xs,
                     const struct domain_config *cfg)
{
    uint32_t other;

    if (cfg->type != DOMAIN_TYPE_HVM && (!cfg->kernel || !*cfg->kernel)) {
        xm_err(xm, "create: %s: no kernel given (kernel=)", cfg->name);
        return -EINVAL;
    }
    if (strcmp(cfg->name, "Domain-0") == 0 ||
        dom_store_find(xs, cfg->name, &other) == 0) {
        xm_err(xm, "create: domain '%s' already exists", cfg->name);
        return -EEXIST;
    }
    return 0;
}

/* The backend's own reason (hotplug-error) when it gave one. */
static void backend_error(struct xm *xm, struct xs_handle *xs, const char *name,
                          const char *kind, const char *what, const char *dev,
                          uint32_t domid, uint32_t devid, int rc,
                          const char *daemon)
{
    char p[128], why[256];

    snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%u/%u/hotplug-error",
             kind, domid, devid);
    if (dom_store_read(xs, p, why, sizeof(why)) == 0 && why[0])
        xm_err(xm, "create: %s: %s %s: %s", name, what, dev, why);
    else
        xm_err(xm,
               "create: %s: %s %s: backend did not come up (%s); is %s "
               "running?",
               name, what, dev, strerror(-rc), daemon);
}

static int add_devices(struct xm *xm, struct xs_handle *xs,
                       const struct domain_config *cfg, uint32_t domid)
{
    size_t i;
    int rc;

    for (i = 0; i < cfg->nr_disks; i++) {
        const struct disk_spec *d = &cfg->disks[i];
        struct device_vbd v = {.domid = domid,
                               .devid = (uint32_t)d->devid,
                               .vdev = d->vdev,
                               .target = d->pdev_path,
                               .script = d->script,
                               .readwrite = d->readwrite,
                               .is_cdrom = d->is_cdrom,
                               .removable = d->removable,
                               .discard = d->discard_enable};
        rc = device_vbd_add(xs, &v);
        if (rc == 0)
            rc = device_wait_backend(xs, "vbd", domid, v.devid, 0,
                                     XenbusStateInitWait, BACKEND_WAIT_MS);
        if (rc < 0) {
            backend_error(xm, xs, cfg->name, "vbd", "disk", d->vdev, domid,
                          v.devid, rc, "blkback");
            return rc;
        }
    }
    for (i = 0; i < cfg->nr_vifs; i++) {
        const struct vif_spec *s = &cfg->vifs[i];
        struct device_vif v = {.domid = domid,
                               .devid = (uint32_t)s->devid,
                               .bridge = s->bridge,
                               .script = s->script,
                               .vifname = s->vifname,
                               .ip = s->ip,
                               .mtu = (unsigned)s->mtu,
                               .rate_bytes_per_interval =
                                   s->rate_bytes_per_interval,
                               .rate_interval_usecs = s->rate_interval_usecs};
        if (s->has_mac) {
            memcpy(v.mac, s->mac, 6);
        } else { /* libxl: 00:16:3e + 3 random bytes, top bit clear */
            v.mac[0] = 0x00, v.mac[1] = 0x16, v.mac[2] = 0x3e;
            random_bytes(v.mac + 3, 3);
            v.mac[3] &= 0x7f;
        }
        rc = device_vif_add(xs, &v);
        if (rc == 0)
            rc = device_wait_backend(xs, "vif", domid, v.devid, 0,
                                     XenbusStateInitWait, BACKEND_WAIT_MS);
        if (rc < 0) {
            char nm[16];
            snprintf(nm, sizeof(nm), "%d", s->devid);
            backend_error(xm, xs, cfg->name, "vif", "vif", nm, domid, v.devid,
                          rc, "netback");
            return rc;
        }
    }
    return 0;
}

/* Rings and channels the builder made, then XS_INTRODUCE. */
static int wire_store(struct xm *xm, struct xs_handle *xs, uint32_t domid,
                      const struct hv_built *b)
{
    char p[96], v[32];
    int rc;

    snprintf(p, sizeof(p), "/local/domain/%u/store/port", domid);
    snprintf(v, sizeof(v), "%u", b->store_port);
    rc = dom_store_write(xs, p, v);
    snprintf(p, sizeof(p), "/local/domain/%u/store/ring-ref", domid);
    snprintf(v, sizeof(v), "%llu", (unsigned long long)b->store_pfn);
    if (rc == 0)
        rc = dom_store_write(xs, p, v);
    if (rc == 0)
        rc = device_console_add(xs, domid, 0, b->console_pfn, b->console_port);
    if (rc == 0 &&
        !xs_introduce_domain(xs, domid, b->store_pfn, b->store_port)) {
        xm_err(xm, "create: dom %u: XS_INTRODUCE failed: %s", domid,
               strerror(errno));
        return -EIO;
    }
    if (rc < 0)
        xm_err(xm, "create: dom %u: store entries: %s", domid, strerror(-rc));
    return rc;
}

int dom_create(struct xm *xm, const struct domain_config *cfg, unsigned flags,
               uint32_t *domid_out)
{
    struct xs_handle *xs = NULL;
    struct hv *hv = NULL;
    struct hv_built built;
    struct hv_build b;
    uint8_t uuid[16];
    char err[512];
    uint32_t domid = 0;
    int rc, made_store = 0, made_dom = 0;

    xs = dom_xs_open(xm);
    if (!xs)
        return -ECONNREFUSED;
    rc = check_cfg(xm, xs, cfg);
    if (rc < 0)
        goto out;
    /* PV devices need the backends (HVM's are QEMU's). */
    if (cfg->type != DOMAIN_TYPE_HVM &&
        (rc = dom_backends_start(xm, cfg->nr_disks > 0, cfg->nr_vifs > 0, 0)) <
            0)
        goto out;
    rc = hv_open(&hv);
    if (rc < 0) {
        xm_err(xm, "create: engine: %s", strerror(-rc));
        goto out;
    }
    rc = dom_store_alloc_domid(xs, &domid);
    if (rc < 0) {
        xm_err(xm, "create: no free domain id: %s", strerror(-rc));
        goto out;
    }
    if (cfg->has_uuid)
        memcpy(uuid, cfg->uuid, 16);
    else {
        random_bytes(uuid, 16);
        uuid[6] = (uuid[6] & 0x0f) | 0x40; /* version 4 */
        uuid[8] = (uuid[8] & 0x3f) | 0x80;
    }
    made_store = 1;
    rc = dom_store_write_domain(xs, cfg, domid, uuid);
    if (rc < 0) {
        xm_err(xm, "create: %s: store entries: %s", cfg->name, strerror(-rc));
        goto out;
    }
    if (cfg->type == DOMAIN_TYPE_HVM) {
        /*
         * HVM (toolstack/dm): QEMU is the domain. Its monitor answers libhv
         * like a VMM and applies on_poweroff/on_reboot/on_crash itself.
         */
        rc = dm_hvm_create(xs, cfg, domid, uuid, err, sizeof(err));
        if (rc < 0) {
            xm_err(xm, "create: %s: %s", cfg->name, err);
            goto out;
        }
        made_dom = 1;
        flags |= DOM_CREATE_NO_MONITOR;
        goto wired;
    }
    b = (struct hv_build){
        .domid = domid,
        .name = cfg->name,
        .kernel = cfg->kernel,
        .ramdisk = cfg->ramdisk,
        .cmdline = cfg->cmdline,
        .mem_kb = cfg->memory_mb * 1024,
        .max_mem_kb = (cfg->maxmem_mb > cfg->memory_mb ? cfg->maxmem_mb
                                                       : cfg->memory_mb) *
                      1024,
        .vcpus = cfg->vcpus ? cfg->vcpus : 1,
        .max_vcpus = cfg->maxvcpus > cfg->vcpus ? cfg->maxvcpus : cfg->vcpus,
        .paused = 1}; /* unpaused once the devices are wired */
    if (b.max_vcpus == 0)
        b.max_vcpus = 1;
    rc = hv_domain_create(hv, &b, &built, err, sizeof(err));
    if (rc < 0) {
        xm_err(xm, "create: %s", err[0] ? err : strerror(-rc));
        goto out;
    }
    made_dom = 1;
    rc = wire_store(xm, xs, domid, &built);
    if (rc == 0)
        rc = add_devices(xm, xs, cfg, domid);
    if (rc < 0)
        goto out;
wired:
    if (!(flags & DOM_CREATE_NO_MONITOR))
        dom_monitor_spawn(xm, cfg, domid);
    if (domid_out)
        *domid_out = domid;
    if (flags & DOM_CREATE_CONSOLE) {
        hv_close(hv);
        rc = dom_console(xm, xs, domid, !(flags & DOM_CREATE_PAUSED));
        xs_close(xs);
        return rc;
    }
    if (!(flags & DOM_CREATE_PAUSED) && (rc = hv_domain_unpause(hv, domid)) < 0)
        xm_err(xm, "create: unpause dom %u: %s", domid, strerror(-rc));
out:
    if (rc < 0 && made_dom) {
        hv_domain_destroy(hv, domid);
        xs_release_domain(xs, domid);
    }
    if (rc < 0 && made_store)
        dom_store_remove_domain(xs, domid);
    hv_close(hv);
    xs_close(xs);
    return rc;
}

int dom_destroy(struct xm *xm, struct xs_handle *xs, uint32_t domid)
{
    struct hv *hv = NULL;
    int rc;

    rc = hv_open(&hv);
    if (rc < 0)
        return rc;
    rc = hv_domain_destroy(hv, domid);
    hv_close(hv);
    xs_release_domain(xs, domid);
    dom_store_remove_domain(xs, domid);
    return rc == -ESRCH ? 0 : rc;
}
