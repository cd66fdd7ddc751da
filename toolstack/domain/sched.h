/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sched.h: vcpu placement and CPU share of a domain, as Xen's credit
 * scheduler offers them. On Xen the hypervisor's own (hv.h); on kvm
 * affinity is the vcpu threads' (the VMM's "CPU n/KVM", QEMU's
 * "CPU n/TCG|KVM"), weight and cap a cpu cgroup per domain (v2:
 * cpu.weight, cpu.max; v1: cpu.shares, cpu.cfs_quota_us).
 */
#ifndef XT_DOMAIN_SCHED_H
#define XT_DOMAIN_SCHED_H

#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hv/hv.h"

struct domain_ctx;
struct domain_config;

#define SCHED_WEIGHT_DEFAULT 256 /* Xen's credit default */

/*
 * xl's cpumap syntax: "all", "N", "N-M", "^N" (removed), comma-separated,
 * over a host of ncpus. 0, or -EINVAL with the reason in err.
 */
int sched_cpumap_parse(const char *s, unsigned ncpus, cpu_set_t *set, char *err,
                       size_t errlen);
/* xl's print_bitmap: "all", "none" or "0-1,3". */
void sched_cpumap_format(const cpu_set_t *set, unsigned ncpus, char *buf,
                         size_t len);

struct domain_vcpu {
    unsigned id;
    pid_t tid;
    int cpu;        /* where it last ran */
    int running;    /* on a CPU now */
    double time_s;  /* CPU time */
    cpu_set_t hard; /* its affinity */
};

/* domid's vcpus by id into a malloc'd array. Count or -errno. */
int domain_vcpu_list(uint32_t domid, struct domain_vcpu **out);
/* Pin vcpu (-1: all) of domid to hard. 0, -ENOENT (no such vcpu), -errno. */
int domain_vcpu_pin(uint32_t domid, int vcpu, const cpu_set_t *hard);

/*
 * The scheduler running the domains: Xen's ("credit", "credit2", "rtds",
 * "null", ...; static), or NULL on kvm, where Linux's CFS stands in for
 * credit and credit2 alike.
 */
const char *domain_sched_which(void);
/* Weight (1..65535) and cap (% of one CPU, 0 none): the engine's scheduler
 * (Xen's credit/credit2), else the cgroup's. 0 or -errno. */
int domain_sched_get(uint32_t domid, int *weight, int *cap);
/*
 * weight/cap < 0: unchanged. The engine's scheduler first (Xen), else the
 * cgroup. Ranges are libxl's (weight 1..65535, cap 0..100 per vcpu). 0, or
 * -EINVAL (range), -EOPNOTSUPP (a scheduler without weights), -ENOTSUP (no
 * writable cpu cgroup on this host), -errno, with one line in err.
 */
int domain_sched_set(uint32_t domid, int weight, int cap, char *err,
                     size_t errlen);
/*
 * The running scheduler's pool parameters (hv_sched_pool_get/set; fields
 * < 0: unknown / unchanged). -ENOSYS on kvm, where no scheduler of the
 * engine's has any. 0 or -errno, with one line in err for set.
 */
int domain_sched_pool_get(struct hv_sched_pool *out);
int domain_sched_pool_set(const struct hv_sched_pool *set, char *err,
                          size_t errlen);
/* The group of a domain that is gone. */
void domain_sched_remove(uint32_t domid);

/*
 * At create: cpus/cpus_soft pin the vcpus (soft narrows hard where they
 * meet: Linux has one affinity), cpu_weight/cap set the share. A bad map
 * fails (one line); no cgroup is a warning. 0 or -errno.
 */
int domain_sched_apply(const struct domain_ctx *c, uint32_t domid,
                       const struct domain_config *cfg);

#endif
