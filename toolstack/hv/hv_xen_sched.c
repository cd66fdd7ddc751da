/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_xen_sched.c: a domain's weight and cap under Xen's running scheduler
 * (the primary pool's, xc_sched_id), as libxl_domain_sched_params_get/set:
 * credit and credit2 through their domctls, ranges as libxl checks them.
 */
#include <xenctrl.h> /* before xen_sched.h, which only names its handle */

#include "hv/xen_sched.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* One weight/cap pair for either scheduler (both domctls carry the same
 * two uint16_t fields). */
static int weights_get(xc_interface *xch, unsigned id, uint32_t domid,
                       int *weight, int *cap)
{
    int rc;

    if (id == HV_SCHED_CREDIT) {
        struct xen_domctl_sched_credit s = {0};

        rc = xen_rc(xc_sched_credit_domain_get(xch, domid, &s));
        *weight = s.weight;
        *cap = s.cap;
    } else {
        struct xen_domctl_sched_credit2 s = {0};

        rc = xen_rc(xc_sched_credit2_domain_get(xch, domid, &s));
        *weight = s.weight;
        *cap = s.cap;
    }
    return rc;
}

static int weights_set(xc_interface *xch, unsigned id, uint32_t domid,
                       int weight, int cap)
{
    if (id == HV_SCHED_CREDIT) {
        struct xen_domctl_sched_credit s = {(uint16_t)weight, (uint16_t)cap};

        return xen_rc(xc_sched_credit_domain_set(xch, domid, &s));
    } else {
        struct xen_domctl_sched_credit2 s = {(uint16_t)weight, (uint16_t)cap};

        return xen_rc(xc_sched_credit2_domain_set(xch, domid, &s));
    }
}

int xen_sched_get(xc_interface *xch, uint32_t domid, struct hv_sched *out)
{
    int id, rc = xen_rc(xc_sched_id(xch, &id));

    if (rc < 0)
        return rc;
    out->id = (unsigned)id;
    out->name = hv_sched_name(out->id);
    if (id != HV_SCHED_CREDIT && id != HV_SCHED_CREDIT2)
        return 0;
    return weights_get(xch, out->id, domid, &out->weight, &out->cap);
}

int xen_sched_set(xc_interface *xch, uint32_t domid, int weight, int cap,
                  char *err, size_t errlen)
{
    struct hv_sched now = {0};
    xc_dominfo_t x;
    int rc;

    if (xc_domain_getinfo(xch, domid, 1, &x) != 1 || x.domid != domid) {
        snprintf(err, errlen, "no domain %u", domid);
        return -ESRCH;
    }
    rc = xen_sched_get(xch, domid, &now);
    if (rc < 0) {
        snprintf(err, errlen, "reading the domain's %s parameters: %s",
                 now.name ? now.name : "scheduler", strerror(-rc));
        return rc;
    }
    if (now.id != HV_SCHED_CREDIT && now.id != HV_SCHED_CREDIT2) {
        snprintf(err, errlen,
                 "the running scheduler is %s: it has no weight or cap",
                 now.name);
        return -EOPNOTSUPP;
    }
    rc = hv_sched_check(weight, cap, x.max_vcpu_id + 1, err, errlen);
    if (rc < 0)
        return rc;
    rc = weights_set(xch, now.id, domid, weight >= 0 ? weight : now.weight,
                     cap >= 0 ? cap : now.cap);
    if (rc < 0)
        snprintf(err, errlen, "setting the domain's %s parameters: %s",
                 now.name, strerror(-rc));
    return rc;
}
