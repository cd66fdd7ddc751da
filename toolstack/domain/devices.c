/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * devices.c: hot-plug on a running domain (xl block-attach/-detach,
 * network-attach/-detach): the same toolstack/device calls create makes,
 * by the domain's type: PV domains get blkback/netback devices; an HVM
 * domain's devices are QEMU's, which we do not hot-plug.
 */
#include "domain/internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "device/attach.h"
#include "dm/hvm.h"

/* Devices added while a domain runs are the toolstack's (PV) only; an
 * HVM domain's are QEMU's. 0, or -EOPNOTSUPP saying so in err. */
static int hotplug_only(uint32_t domid, const char *what, char *err,
                        size_t errlen)
{
    const struct domain_type_ops *ops = domain_ops_of(domid);

    if (ops->hotplug)
        return 0;
    snprintf(err, errlen, "domain %u: %s domains' %s are QEMU's", domid,
             ops->name, what);
    return -EOPNOTSUPP;
}

int domain_disk_attach(const struct domain_ctx *c, struct xs_handle *xs,
                       uint32_t domid, const struct disk_spec *d)
{
    char err[400];
    int rc;

    /* The spec's own checks first, as create makes them. */
    rc = device_check_disk(d, err, sizeof(err));
    if (rc == 0)
        rc = hotplug_only(domid, "disks", err, sizeof(err));
    /* xl waits for the backend only (libxl's AO); the guest connects later */
    if (rc == 0)
        rc = device_attach_disk(xs, domid, d, DEVICE_INIT_TIMEOUT_MS, err,
                                sizeof(err));
    if (rc < 0)
        domain_err(c, "block-attach: %s", err[0] ? err : strerror(-rc));
    return rc;
}

int domain_nic_attach(const struct domain_ctx *c, struct xs_handle *xs,
                      uint32_t domid, const struct vif_spec *v)
{
    char err[400];
    int rc;

    rc = device_check_nic(v, err, sizeof(err));
    if (rc == 0)
        rc = hotplug_only(domid, "vifs", err, sizeof(err));
    if (rc == 0)
        rc = device_attach_nic(xs, domid, v, DEVICE_INIT_TIMEOUT_MS, NULL, err,
                               sizeof(err));
    if (rc < 0)
        domain_err(c, "network-attach: %s", err[0] ? err : strerror(-rc));
    return rc;
}

int domain_disk_detach(struct xs_handle *xs, uint32_t domid, const char *vdev,
                       int force)
{
    /* force: libxl's destroy, no wait for the guest to let go */
    return device_detach_disk(xs, domid, vdev,
                              force ? 0 : DEVICE_DESTROY_TIMEOUT_MS);
}

int domain_nic_detach(struct xs_handle *xs, uint32_t domid, const char *which)
{
    return device_detach_nic(xs, domid, which, DEVICE_DESTROY_TIMEOUT_MS);
}
