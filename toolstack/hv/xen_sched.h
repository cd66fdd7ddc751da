/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xen_sched.h: the xen engine's scheduler ops (hv_xen_sched.c), for
 * hv_xen.c's table. Private to toolstack/hv; needs libxen-dev.
 */
#ifndef XT_HV_XEN_SCHED_H
#define XT_HV_XEN_SCHED_H

#include <stddef.h>
#include <stdint.h>
#include <xenctrl.h>

#include "hv/hv.h"

int xen_sched_get(xc_interface *xch, uint32_t domid, struct hv_sched *out);
int xen_sched_set(xc_interface *xch, uint32_t domid, int weight, int cap,
                  char *err, size_t errlen);

#endif
