/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_sched.h: the xen engine's scheduler ops (hv_xen_sched.c), for
 * hv_xen.c's table, and the errno convention both share. Private to
 * toolstack/hv; needs libxen-dev.
 */
#ifndef XT_HV_XEN_SCHED_H
#define XT_HV_XEN_SCHED_H

#include <stddef.h>
#include <stdint.h>

#include "hv/hv.h"

/* xenctrl.h's handle, declared again (as C11 allows) so that this header
 * stands without Xen's tool headers, which need GNU C (make hdrcheck). */
typedef struct xc_interface_core xc_interface;

/* A libxenctrl call's result (< 0 with errno set) as 0 or -errno
 * (hv_xen.c). */
int xen_rc(int r);

int xen_sched_get(xc_interface *xch, uint32_t domid, struct hv_sched *out);
int xen_sched_set(xc_interface *xch, uint32_t domid, int weight, int cap,
                  char *err, size_t errlen);
int xen_sched_pool_get(xc_interface *xch, struct hv_sched_pool *out);
int xen_sched_pool_set(xc_interface *xch, const struct hv_sched_pool *set,
                       char *err, size_t errlen);

#endif
