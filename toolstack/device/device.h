/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * device.h: the toolstack's side of PV devices in the store, as libxl
 * writes them (libxl__device_generic_add): frontend dir
 * /local/domain/<domid>/device/<kind>/<devid> (perms n<domid>,r<bdomid>),
 * backend dir /local/domain/<bdomid>/backend/<kind>/<domid>/<devid>
 * (perms n<bdomid>,r<domid>), and libxl's private copy
 * /libxl/<domid>/device/<kind>/<devid>, all in one transaction. Plus the
 * waits, removal and the block-list / network-list rows of xl.
 * Engine-agnostic: only the store is touched.
 */
#ifndef XT_DEVICE_DEVICE_H
#define XT_DEVICE_DEVICE_H

#include <stdint.h>
#include <stdio.h>
#include <xen/io/xenbus.h>
#include <xenstore.h>

/* A virtual block device (xl-disk-configuration(5), already parsed). */
struct device_vbd {
    uint32_t domid;           /* the guest (frontend) */
    uint32_t backend_domid;   /* normally 0 */
    uint32_t devid;           /* from the vdev: xvda = 51712 */
    const char *vdev;         /* "xvda" */
    const char *target;       /* backend "params": file or block device */
    const char *backend_type; /* "phy" (blkback) when NULL */
    const char *script;       /* hotplug script; not written when NULL */
    int readwrite;            /* mode "w" : "r" */
    int is_cdrom;             /* device-type "cdrom" : "disk" */
    int removable;
    int discard; /* -1: not written; else discard-enable */
};

/* A virtual network interface (xl-network-configuration(5)). */
struct device_vif {
    uint32_t domid, backend_domid, devid;
    uint8_t mac[6];
    const char *bridge;  /* "xenbr0" when NULL */
    const char *script;  /* not written when NULL */
    const char *vifname; /* not written when NULL (vif<domid>.<devid>) */
    const char *ip;      /* not written when NULL */
    unsigned mtu;        /* written only when not 0 and not 1500 */
    uint64_t rate_bytes_per_interval; /* 0: no rate limit */
    uint32_t rate_interval_usecs;
};

/*
 * Write a vbd / vif with libxl's keys, both ends in state Initialising.
 * Replaces any stale entries for the same devid. Returns 0, -EINVAL (bad
 * argument) or -errno from the store.
 */
int device_vbd_add(struct xs_handle *xs, const struct device_vbd *d);
int device_vif_add(struct xs_handle *xs, const struct device_vif *v);
/*
 * The primary console as libxl writes it for a PV guest: frontend
 * /local/domain/<domid>/console (read-only to the guest) with limit, type
 * "xenconsoled", output "pty", tty "", port, ring-ref; backend
 * .../backend/console/<domid>/0 with protocol "vt100". Returns 0 or -errno.
 */
int device_console_add(struct xs_handle *xs, uint32_t domid,
                       uint32_t backend_domid, uint64_t ring_ref,
                       uint32_t port);

/*
 * Wait up to timeout_ms for the backend of kind/devid to reach state want.
 * Returns 0, -ETIMEDOUT, or -EIO when the backend reports failure
 * (hotplug-status "error", or Closing/Closed while waiting for less).
 */
int device_wait_backend(struct xs_handle *xs, const char *kind, uint32_t domid,
                        uint32_t devid, uint32_t backend_domid,
                        enum xenbus_state want, int timeout_ms);
/*
 * Remove a device as libxl does: online=0 and state=Closing on the
 * backend, wait up to timeout_ms for Closed (none when timeout_ms == 0:
 * destroy), then delete the frontend, backend and libxl dirs. Returns 0,
 * -ENOENT (no such device), or -ETIMEDOUT when the backend did not
 * confirm in time (the entries are removed all the same).
 */
int device_remove(struct xs_handle *xs, const char *kind, uint32_t domid,
                  uint32_t devid, uint32_t backend_domid, int timeout_ms);
/*
 * The devids of domid's devices of kind (from /libxl/<domid>/device/<kind>),
 * ascending. Returns how many (at most max are stored) or -errno.
 */
int device_list(struct xs_handle *xs, const char *kind, uint32_t domid,
                uint32_t *devids_out, int max);
/* The devid of domid's vbd named vdev ("xvdb") or given as a number.
 * Returns 0 or -ENOENT. */
int device_vbd_find(struct xs_handle *xs, uint32_t domid, const char *vdev,
                    uint32_t *devid_out);
/* The backend domid of a device (from the libxl copy's backend path). */
int device_backend_domid(struct xs_handle *xs, const char *kind, uint32_t domid,
                         uint32_t devid, uint32_t *out);

/* xl block-list / network-list: the header line, and one row per device
 * of domid, in xl's exact columns. Return rows printed or -errno. */
void device_block_list_header(FILE *out);
int device_block_list(struct xs_handle *xs, uint32_t domid, FILE *out);
void device_network_list_header(FILE *out);
int device_network_list(struct xs_handle *xs, uint32_t domid, FILE *out);

#endif
