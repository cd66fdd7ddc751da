/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * attach.h: hot-plug as xl block-attach / network-attach / -detach do it,
 * from the cfg parser's specs (cfg/cfg.h) to store entries (device.h) and
 * the wait for the backend. Also used by xm create for the cfg's disks and
 * vifs. Backends live in dom0 only.
 */
#ifndef XT_DEVICE_ATTACH_H
#define XT_DEVICE_ATTACH_H

#include <stddef.h>
#include <stdint.h>
#include <xenstore.h>

#include "cfg/cfg.h"

/* libxl's LIBXL_INIT_TIMEOUT and LIBXL_DESTROY_TIMEOUT, in ms. */
#define DEVICE_INIT_TIMEOUT_MS 10000
#define DEVICE_DESTROY_TIMEOUT_MS 10000

/*
 * The checks attach makes before touching the store, for xm create to
 * make before building anything: one rule set for create and hot-plug.
 * Returns 0, or -ENOTSUP with one line in err (a format blkback does not
 * serve, backend= another domain, an empty cdrom).
 */
int device_check_disk(const struct disk_spec *d, char *err, size_t errlen);
int device_check_nic(const struct vif_spec *v, char *err, size_t errlen);
/*
 * Add disk d to domid and wait up to wait_ms for blkback to reach InitWait
 * (0: do not wait). On failure nothing is left in the store and err holds
 * one line. Returns 0, -ENOTSUP (a format or backend blkback does not
 * serve: qcow2 & co. need QEMU's qdisk; backend= another domain), -EEXIST
 * (the vdev is taken), -ETIMEDOUT (no blkback answered), -EIO (blkback
 * refused it; its hotplug-error is in err) or -errno.
 */
int device_attach_disk(struct xs_handle *xs, uint32_t domid,
                       const struct disk_spec *d, int wait_ms, char *err,
                       size_t errlen);
/*
 * Add vif v to domid (devid: v->devid, or the next free one when < 0; MAC:
 * v->mac, or 00:16:3e + 3 random bytes) and wait as above for netback.
 * *devid_out (may be NULL) gets the devid used. Same returns.
 */
int device_attach_nic(struct xs_handle *xs, uint32_t domid,
                      const struct vif_spec *v, int wait_ms,
                      uint32_t *devid_out, char *err, size_t errlen);
/* Remove domid's disk named vdev ("xvdb" or a number), waiting up to
 * timeout_ms for blkback to close it. Returns 0, -ENOENT or -ETIMEDOUT
 * (removed all the same). */
int device_detach_disk(struct xs_handle *xs, uint32_t domid, const char *vdev,
                       int timeout_ms);
/* Remove domid's vif given by devid or MAC (xl network-detach). Same
 * returns. */
int device_detach_nic(struct xs_handle *xs, uint32_t domid, const char *which,
                      int timeout_ms);
/* Remove every vbd, vif and console of domid without waiting (destroy). */
void device_remove_all(struct xs_handle *xs, uint32_t domid);
/* One past the highest devid of kind in use by domid (0 when none). */
int device_next_devid(struct xs_handle *xs, const char *kind, uint32_t domid);

#endif
