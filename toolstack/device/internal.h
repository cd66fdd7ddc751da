/* SPDX-License-Identifier: GPL-2.0-only */
/* internal.h: toolstack/device private helpers shared by device.c and
 * kinds.c. */
#ifndef XT_DEVICE_INTERNAL_H
#define XT_DEVICE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <xenstore.h>

/* A key and its value for one of the three directories. */
struct dev_kv {
    const char *k, *v;
};

/* Where a device's three directories live. */
struct dev_paths {
    char fe[128], be[128], lx[128];
};

/* Fill p for kind/devid of domid served by bdomid (console 0 is special:
 * its frontend is /local/domain/<domid>/console). */
void dev_paths_make(struct dev_paths *p, const char *kind, uint32_t domid,
                    uint32_t devid, uint32_t bdomid);
/*
 * libxl__device_generic_add: in one transaction (retried on EAGAIN) write
 * back (NULL-key terminated) to the backend and the libxl copy, front
 * with the guest owning it, ro_front read-only to the guest. ro_dir: the
 * frontend directory itself is read-only to the guest (console 0).
 */
int dev_generic_add(struct xs_handle *xs, const struct dev_paths *p,
                    uint32_t domid, uint32_t bdomid, const struct dev_kv *back,
                    const struct dev_kv *front, const struct dev_kv *ro_front,
                    int ro_dir);
/* xs_read as a malloc'd string or NULL. */
char *dev_read(struct xs_handle *xs, const char *dir, const char *key);
/* dir/key as an int, -1 when missing or not a number (as libxl shows). */
int dev_read_int(struct xs_handle *xs, const char *dir, const char *key);

#endif
