/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * internal.h: the engine ops table behind hv.h and the objects engines
 * share with hv.c. Private to toolstack/hv.
 */
#ifndef XT_HV_INTERNAL_H
#define XT_HV_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "hv/hv.h"

struct hv_ops {
    const char *name;
    int (*open)(struct hv *hv);
    void (*close)(struct hv *hv);
    int (*foreign_map)(struct hv *hv, uint32_t domid, uint64_t pfn,
                       size_t npages, int writable, void **addr_out);
    void (*foreign_unmap)(struct hv *hv, void *addr, size_t npages);
    int (*grant_map)(struct hv *hv, uint32_t domid, uint32_t ref, int writable,
                     void **addr_out);
    void (*grant_unmap)(struct hv *hv, void *addr);
    int (*evtchn_bind)(struct hv *hv, uint32_t domid, uint32_t remote_port,
                       struct hv_evtchn *ch);
    /* NULL: no VIRQs (hv_evtchn_bind_virq says -ENOSYS). */
    int (*evtchn_bind_virq)(struct hv *hv, unsigned virq, struct hv_evtchn *ch);
    int (*evtchn_ack)(struct hv_evtchn *ch);
    int (*evtchn_notify)(struct hv_evtchn *ch);
    void (*evtchn_close)(struct hv_evtchn *ch);
    int (*domain_create)(struct hv *hv, const struct hv_build *b,
                         struct hv_built *out, char *err, size_t errlen);
    int (*domain_destroy)(struct hv *hv, uint32_t domid);
    int (*domain_pause)(struct hv *hv, uint32_t domid);
    int (*domain_unpause)(struct hv *hv, uint32_t domid);
    int (*domain_getinfo)(struct hv *hv, uint32_t domid,
                          struct hv_dominfo *out);
    int (*domain_list)(struct hv *hv, struct hv_dominfo *out, int max);
    int (*domain_set_maxmem)(struct hv *hv, uint32_t domid, uint64_t kb);
    int (*domain_set_vcpus)(struct hv *hv, uint32_t domid, unsigned n);
    int (*domain_wait)(struct hv *hv, uint32_t domid, struct hv_dominfo *out);
    /* NULL: the engine has no host view (hv_host_info says -ENOSYS). */
    int (*host_info)(struct hv *hv, struct hv_hostinfo *out);
    /* NULL: no save/restore on this engine (-ENOSYS). */
    int (*domain_save)(struct hv *hv, uint32_t domid, int fd,
                       int (*suspend)(void *arg), void *arg, char *err,
                       size_t errlen);
    int (*domain_save_live)(struct hv *hv, uint32_t domid, int fd,
                            int (*suspend)(void *arg), void *arg,
                            struct hv_save_stats *st, char *err, size_t errlen);
    int (*domain_resume)(struct hv *hv, uint32_t domid, int fast);
    int (*domain_restore)(struct hv *hv, const struct hv_build *b, int fd,
                          struct hv_built *out, char *err, size_t errlen);
    /* NULL: no core dumps of PV domains on this engine (-ENOSYS). */
    int (*domain_dumpcore)(struct hv *hv, uint32_t domid, const char *file);
    /* NULL: vcpus have no affinity of the engine's (-ENOSYS). */
    int (*domain_vcpu_affinity)(struct hv *hv, uint32_t domid,
                                const uint8_t *hard, const uint8_t *soft,
                                size_t len);
    /* NULL: no scheduler of the engine's (-ENOSYS). */
    int (*domain_sched_get)(struct hv *hv, uint32_t domid,
                            struct hv_sched *out);
    int (*domain_sched_set)(struct hv *hv, uint32_t domid, int weight, int cap,
                            char *err, size_t errlen);
    /* NULL: no scheduler of the engine's (-ENOSYS). */
    int (*sched_pool_get)(struct hv *hv, struct hv_sched_pool *out);
    int (*sched_pool_set)(struct hv *hv, const struct hv_sched_pool *set,
                          char *err, size_t errlen);
};

struct hv {
    const struct hv_ops *ops;
    void *priv; /* the engine's state */
};

struct hv_evtchn {
    struct hv *hv;
    uint32_t domid;
    uint32_t remote_port;
    uint32_t local_port;
    int fd;        /* readable while notified */
    int notify_fd; /* kvm: eventfd we write to raise the port; else -1 */
    void *priv;
};

extern const struct hv_ops hv_kvm_ops;
extern const struct hv_ops hv_xen_ops;

#endif
