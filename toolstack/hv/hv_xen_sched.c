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

/* Pool 0: the host's CPUs (pvstack makes no other cpupool). */
int xen_sched_pool_get(xc_interface *xch, struct hv_sched_pool *out)
{
    int id, rc;

    out->id = 0;
    out->tslice_ms = out->ratelimit_us = out->migr_delay_us = -1;
    rc = xen_rc(xc_sched_id(xch, &id));
    if (rc < 0)
        return rc;
    out->id = (unsigned)id;
    if (id == HV_SCHED_CREDIT) {
        struct xen_sysctl_credit_schedule s = {0};

        rc = xen_rc(xc_sched_credit_params_get(xch, 0, &s));
        if (rc == 0) {
            out->tslice_ms = (int)s.tslice_ms;
            out->ratelimit_us = (int)s.ratelimit_us;
            out->migr_delay_us = (int)s.vcpu_migr_delay_us;
        }
        return rc;
    }
    if (id == HV_SCHED_CREDIT2) {
        struct xen_sysctl_credit2_schedule s = {0};

        rc = xen_rc(xc_sched_credit2_params_get(xch, 0, &s));
        if (rc == 0)
            out->ratelimit_us = (int)s.ratelimit_us;
        return rc;
    }
    return -EOPNOTSUPP;
}

/* libxl's checks (libxl_sched.c), with its messages. */
static int pool_check(const struct hv_sched_pool *p, char *err, size_t errlen)
{
    if (p->tslice_ms >= 0 && (p->tslice_ms < XEN_SYSCTL_CSCHED_TSLICE_MIN ||
                              p->tslice_ms > XEN_SYSCTL_CSCHED_TSLICE_MAX)) {
        snprintf(err, errlen,
                 "Time slice out of range, valid range is from %d to %d",
                 XEN_SYSCTL_CSCHED_TSLICE_MIN, XEN_SYSCTL_CSCHED_TSLICE_MAX);
        return -EINVAL;
    }
    if (p->ratelimit_us > 0 &&
        (p->ratelimit_us < XEN_SYSCTL_SCHED_RATELIMIT_MIN ||
         p->ratelimit_us > XEN_SYSCTL_SCHED_RATELIMIT_MAX)) {
        snprintf(
            err, errlen, "Ratelimit out of range, valid range is from %d to %d",
            XEN_SYSCTL_SCHED_RATELIMIT_MIN, XEN_SYSCTL_SCHED_RATELIMIT_MAX);
        return -EINVAL;
    }
    if (p->migr_delay_us > XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US) {
        snprintf(err, errlen, "vcpu migration delay should be >= 0 and <= %dus",
                 XEN_SYSCTL_CSCHED_MGR_DLY_MAX_US);
        return -EINVAL;
    }
    if (p->tslice_ms > 0 && p->ratelimit_us > p->tslice_ms * 1000) {
        snprintf(err, errlen, "Ratelimit cannot be greater than timeslice");
        return -EINVAL;
    }
    return 0;
}

int xen_sched_pool_set(xc_interface *xch, const struct hv_sched_pool *set,
                       char *err, size_t errlen)
{
    struct hv_sched_pool now, want;
    int rc = xen_sched_pool_get(xch, &now);

    if (rc == -EOPNOTSUPP) {
        snprintf(err, errlen, "the running scheduler is %s: it has no %s",
                 hv_sched_name(now.id), "pool parameters");
        return rc;
    }
    if (rc < 0) {
        snprintf(err, errlen, "reading the scheduler's parameters: %s",
                 strerror(-rc));
        return rc;
    }
    if (now.id == HV_SCHED_CREDIT2 &&
        (set->tslice_ms >= 0 || set->migr_delay_us >= 0)) {
        snprintf(err, errlen, "credit2 has no %s",
                 set->tslice_ms >= 0 ? "time slice" : "migration delay");
        return -EOPNOTSUPP;
    }
    want = now;
    if (set->tslice_ms >= 0)
        want.tslice_ms = set->tslice_ms;
    if (set->ratelimit_us >= 0)
        want.ratelimit_us = set->ratelimit_us;
    if (set->migr_delay_us >= 0)
        want.migr_delay_us = set->migr_delay_us;
    rc = pool_check(&want, err, errlen);
    if (rc < 0)
        return rc;
    if (now.id == HV_SCHED_CREDIT) {
        struct xen_sysctl_credit_schedule s = {
            .tslice_ms = (uint32_t)want.tslice_ms,
            .ratelimit_us = (uint32_t)want.ratelimit_us,
            .vcpu_migr_delay_us = (uint32_t)want.migr_delay_us,
        };

        rc = xen_rc(xc_sched_credit_params_set(xch, 0, &s));
    } else {
        struct xen_sysctl_credit2_schedule s = {
            .ratelimit_us = (uint32_t)want.ratelimit_us,
        };

        rc = xen_rc(xc_sched_credit2_params_set(xch, 0, &s));
    }
    if (rc < 0)
        snprintf(err, errlen, "setting the %s parameters: %s",
                 hv_sched_name(now.id), strerror(-rc));
    return rc;
}
