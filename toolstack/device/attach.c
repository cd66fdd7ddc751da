/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * attach.c: cfg specs to device entries, with libxl's hot-plug sequence:
 * write both ends, wait for the backend's InitWait, undo on failure.
 */
#include "device/attach.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "device/device.h"
#include "device/internal.h"
#include "lib/parse.h"

/* Only cfg.h's types are used here, not its code: the device library
 * links without the parser. */
static const char *format_name(enum disk_format f)
{
    switch (f) {
    case DISK_FORMAT_QCOW:
        return "qcow";
    case DISK_FORMAT_QCOW2:
        return "qcow2";
    case DISK_FORMAT_VHD:
        return "vhd";
    case DISK_FORMAT_EMPTY:
        return "empty";
    default:
        return "unknown";
    }
}

/* libxl__device_nic_setdefault: 00:16:3e + 3 random bytes, top bit of the
 * 4th clear. */
static int mac_random(uint8_t mac[6])
{
    if (getrandom(mac + 3, 3, 0) != 3)
        return errno ? -errno : -EIO;
    mac[0] = 0x00;
    mac[1] = 0x16;
    mac[2] = 0x3e;
    mac[3] &= 0x7f;
    return 0;
}

static int dom0_backend(const char *name)
{
    return !name || !strcmp(name, "0") || !strcmp(name, "Domain-0");
}

/* Wait for InitWait; on failure report why and remove the device. */
static int settle(struct xs_handle *xs, const char *kind, uint32_t domid,
                  uint32_t devid, int wait_ms, char *err, size_t errlen)
{
    struct dev_paths p;
    char *why;
    int rc;

    if (wait_ms <= 0)
        return 0;
    rc = device_wait_backend(xs, kind, domid, devid, 0, XenbusStateInitWait,
                             wait_ms);
    if (!rc)
        return 0;
    dev_paths_make(&p, kind, domid, devid, 0);
    why = dev_read(xs, p.be, "hotplug-error");
    if (rc == -ETIMEDOUT)
        snprintf(err, errlen,
                 "%s %u: no backend answered in %d ms (is %s "
                 "running?)",
                 kind, devid, wait_ms,
                 strcmp(kind, "vbd") ? "netback" : "blkback");
    else
        snprintf(err, errlen, "%s %u: backend refused it: %s", kind, devid,
                 why ? why : "closed");
    free(why);
    device_remove(xs, kind, domid, devid, 0, 0);
    return rc;
}

int device_check_disk(const struct disk_spec *d, char *err, size_t errlen)
{
    err[0] = '\0';
    if (!dom0_backend(d->backend_domname)) {
        snprintf(err, errlen, "%s: backend=%s: only dom0 serves disks", d->vdev,
                 d->backend_domname);
        return -ENOTSUP;
    }
    if (d->format != DISK_FORMAT_RAW && d->format != DISK_FORMAT_UNKNOWN) {
        snprintf(err, errlen,
                 "%s: format %s needs QEMU's qdisk; blkback "
                 "serves raw images and block devices",
                 d->vdev, format_name(d->format));
        return -ENOTSUP;
    }
    if (!d->pdev_path || !*d->pdev_path || d->devid < 0) {
        snprintf(err, errlen,
                 "%s: no target (empty cdrom drives are not "
                 "supported)",
                 d->vdev ? d->vdev : "?");
        return -ENOTSUP;
    }
    return 0;
}

int device_check_nic(const struct vif_spec *v, char *err, size_t errlen)
{
    err[0] = '\0';
    if (!dom0_backend(v->backend_domname)) {
        snprintf(err, errlen, "backend=%s: only dom0 serves vifs",
                 v->backend_domname);
        return -ENOTSUP;
    }
    return 0;
}

int device_attach_disk(struct xs_handle *xs, uint32_t domid,
                       const struct disk_spec *d, int wait_ms, char *err,
                       size_t errlen)
{
    struct device_vbd v = {0};
    uint32_t existing;
    int rc;

    rc = device_check_disk(d, err, errlen);
    if (rc < 0)
        return rc;
    if (!device_vbd_find(xs, domid, d->vdev, &existing)) {
        snprintf(err, errlen, "%s: already attached", d->vdev);
        return -EEXIST;
    }
    v.domid = domid;
    v.devid = (uint32_t)d->devid;
    v.vdev = d->vdev;
    v.target = d->pdev_path;
    v.script = d->script;
    v.readwrite = d->readwrite && !d->is_cdrom;
    v.is_cdrom = d->is_cdrom;
    v.removable = d->removable;
    v.discard = d->discard_enable;
    rc = device_vbd_add(xs, &v);
    if (rc) {
        snprintf(err, errlen, "%s: store: %s", d->vdev, strerror(-rc));
        return rc;
    }
    return settle(xs, "vbd", domid, v.devid, wait_ms, err, errlen);
}

int device_next_devid(struct xs_handle *xs, const char *kind, uint32_t domid)
{
    uint32_t ids[256];
    int n = device_list(xs, kind, domid, ids, 256);

    return n > 0 ? (int)ids[n - 1] + 1 : 0;
}

int device_attach_nic(struct xs_handle *xs, uint32_t domid,
                      const struct vif_spec *v, int wait_ms,
                      uint32_t *devid_out, char *err, size_t errlen)
{
    struct device_vif dv = {0};
    struct dev_paths p;
    char *have;
    int rc;

    rc = device_check_nic(v, err, errlen);
    if (rc < 0)
        return rc;
    dv.domid = domid;
    dv.devid = (uint32_t)(v->devid >= 0 ? v->devid
                                        : device_next_devid(xs, "vif", domid));
    dev_paths_make(&p, "vif", domid, dv.devid, 0);
    have = dev_read(xs, p.lx, "backend");
    if (have) {
        free(have);
        snprintf(err, errlen, "vif %u: already attached", dv.devid);
        return -EEXIST;
    }
    if (v->has_mac)
        memcpy(dv.mac, v->mac, 6);
    else if ((rc = mac_random(dv.mac)))
        return rc;
    dv.bridge = v->bridge;
    dv.script = v->script;
    dv.vifname = v->vifname;
    dv.ip = v->ip;
    dv.mtu = v->mtu > 0 ? (unsigned)v->mtu : 0;
    dv.rate_bytes_per_interval = v->rate_bytes_per_interval;
    dv.rate_interval_usecs = v->rate_interval_usecs;
    rc = device_vif_add(xs, &dv);
    if (rc) {
        snprintf(err, errlen, "vif %u: store: %s", dv.devid, strerror(-rc));
        return rc;
    }
    if (devid_out)
        *devid_out = dv.devid;
    return settle(xs, "vif", domid, dv.devid, wait_ms, err, errlen);
}

int device_detach_disk(struct xs_handle *xs, uint32_t domid, const char *vdev,
                       int timeout_ms)
{
    uint32_t devid, bdom = 0;

    if (device_vbd_find(xs, domid, vdev, &devid))
        return -ENOENT;
    device_backend_domid(xs, "vbd", domid, devid, &bdom);
    return device_remove(xs, "vbd", domid, devid, bdom, timeout_ms);
}

int device_detach_nic(struct xs_handle *xs, uint32_t domid, const char *which,
                      int timeout_ms)
{
    uint32_t ids[256], bdom = 0;
    struct dev_paths p;
    long long num = -1;
    int n = device_list(xs, "vif", domid, ids, 256), i;
    char *mac;

    if (parse_ll(which, 10, 0, UINT32_MAX, &num))
        num = -1;
    for (i = 0; i < n; i++) {
        int match = num == (long long)ids[i];

        if (!match) {
            dev_paths_make(&p, "vif", domid, ids[i], 0);
            mac = dev_read(xs, p.lx, "mac");
            match = mac && !strcasecmp(mac, which);
            free(mac);
        }
        if (match) {
            device_backend_domid(xs, "vif", domid, ids[i], &bdom);
            return device_remove(xs, "vif", domid, ids[i], bdom, timeout_ms);
        }
    }
    return -ENOENT;
}

void device_remove_all(struct xs_handle *xs, uint32_t domid)
{
    static const char *const kinds[] = {"vbd", "vif", "console"};
    uint32_t ids[256], bdom;
    size_t k;
    int n, i;

    for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        n = device_list(xs, kinds[k], domid, ids, 256);
        for (i = 0; i < n; i++) {
            bdom = 0;
            device_backend_domid(xs, kinds[k], domid, ids[i], &bdom);
            device_remove(xs, kinds[k], domid, ids[i], bdom, 0);
        }
    }
}
