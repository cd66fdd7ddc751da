/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv.c: engine selection and the thin dispatch of hv.h onto the engine's
 * ops table (hv_kvm.c, hv_xen.c).
 */
#include "hv/hv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv/internal.h"

static const struct hv_ops *hv_pick(void)
{
    const char *e = getenv("PVSTACK_ENGINE");

    if (e && strcmp(e, "xen") == 0)
        return &hv_xen_ops;
    if (e && strcmp(e, "kvm") == 0)
        return &hv_kvm_ops;
    if (access("/dev/xen/privcmd", F_OK) == 0)
        return &hv_xen_ops;
    return &hv_kvm_ops;
}

int hv_open(struct hv **hv_out)
{
    struct hv *hv;
    int rc;

    hv = calloc(1, sizeof(*hv));
    if (!hv)
        return -ENOMEM;
    hv->ops = hv_pick();
    rc = hv->ops->open(hv);
    if (rc < 0) {
        free(hv);
        return rc;
    }
    *hv_out = hv;
    return 0;
}

void hv_close(struct hv *hv)
{
    if (!hv)
        return;
    hv->ops->close(hv);
    free(hv);
}

const char *hv_engine_name(const struct hv *hv)
{
    return hv->ops->name;
}

int hv_foreign_map(struct hv *hv, uint32_t domid, uint64_t pfn, size_t npages,
                   int writable, void **addr_out)
{
    if (npages == 0)
        return -EINVAL;
    return hv->ops->foreign_map(hv, domid, pfn, npages, writable, addr_out);
}

void hv_foreign_unmap(struct hv *hv, void *addr, size_t npages)
{
    if (addr)
        hv->ops->foreign_unmap(hv, addr, npages);
}

int hv_grant_map(struct hv *hv, uint32_t domid, uint32_t ref, int writable,
                 void **addr_out)
{
    return hv->ops->grant_map(hv, domid, ref, writable, addr_out);
}

void hv_grant_unmap(struct hv *hv, void *addr)
{
    if (addr)
        hv->ops->grant_unmap(hv, addr);
}

int hv_evtchn_bind(struct hv *hv, uint32_t domid, uint32_t remote_port,
                   struct hv_evtchn **ch_out)
{
    struct hv_evtchn *ch;
    int rc;

    ch = calloc(1, sizeof(*ch));
    if (!ch)
        return -ENOMEM;
    ch->hv = hv;
    ch->domid = domid;
    ch->remote_port = remote_port;
    ch->fd = -1;
    ch->notify_fd = -1;
    rc = hv->ops->evtchn_bind(hv, domid, remote_port, ch);
    if (rc < 0) {
        free(ch);
        return rc;
    }
    *ch_out = ch;
    return 0;
}

int hv_evtchn_bind_virq(struct hv *hv, unsigned virq, struct hv_evtchn **ch_out)
{
    struct hv_evtchn *ch;
    int rc;

    if (!hv->ops->evtchn_bind_virq)
        return -ENOSYS;
    ch = calloc(1, sizeof(*ch));
    if (!ch)
        return -ENOMEM;
    ch->hv = hv;
    ch->domid = 0;
    ch->fd = -1;
    ch->notify_fd = -1;
    rc = hv->ops->evtchn_bind_virq(hv, virq, ch);
    if (rc < 0) {
        free(ch);
        return rc;
    }
    *ch_out = ch;
    return 0;
}

int hv_evtchn_fd(const struct hv_evtchn *ch)
{
    return ch->fd;
}

int hv_evtchn_ack(struct hv_evtchn *ch)
{
    return ch->hv->ops->evtchn_ack(ch);
}

int hv_evtchn_notify(struct hv_evtchn *ch)
{
    return ch->hv->ops->evtchn_notify(ch);
}

uint32_t hv_evtchn_port(const struct hv_evtchn *ch)
{
    return ch->local_port;
}

void hv_evtchn_close(struct hv_evtchn *ch)
{
    if (!ch)
        return;
    ch->hv->ops->evtchn_close(ch);
    free(ch);
}

int hv_domain_create(struct hv *hv, const struct hv_build *b,
                     struct hv_built *out, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    return hv->ops->domain_create(hv, b, out, err, errlen);
}

int hv_domain_destroy(struct hv *hv, uint32_t domid)
{
    return hv->ops->domain_destroy(hv, domid);
}

int hv_domain_pause(struct hv *hv, uint32_t domid)
{
    return hv->ops->domain_pause(hv, domid);
}

int hv_domain_unpause(struct hv *hv, uint32_t domid)
{
    return hv->ops->domain_unpause(hv, domid);
}

int hv_domain_getinfo(struct hv *hv, uint32_t domid, struct hv_dominfo *out)
{
    memset(out, 0, sizeof(*out));
    return hv->ops->domain_getinfo(hv, domid, out);
}

int hv_domain_list(struct hv *hv, struct hv_dominfo *out, int max)
{
    return hv->ops->domain_list(hv, out, max);
}

int hv_domain_set_maxmem(struct hv *hv, uint32_t domid, uint64_t kb)
{
    return hv->ops->domain_set_maxmem(hv, domid, kb);
}

int hv_domain_set_vcpus(struct hv *hv, uint32_t domid, unsigned n)
{
    return hv->ops->domain_set_vcpus(hv, domid, n);
}

int hv_domain_wait(struct hv *hv, uint32_t domid, struct hv_dominfo *out)
{
    memset(out, 0, sizeof(*out));
    return hv->ops->domain_wait(hv, domid, out);
}

int hv_host_info(struct hv *hv, struct hv_hostinfo *out)
{
    memset(out, 0, sizeof(*out));
    return hv->ops->host_info ? hv->ops->host_info(hv, out) : -ENOSYS;
}

static void no_save(const struct hv *hv, char *err, size_t errlen)
{
    if (err && errlen)
        snprintf(err, errlen, "the %s engine cannot save or restore PV domains",
                 hv->ops->name);
}

int hv_domain_save(struct hv *hv, uint32_t domid, int fd,
                   int (*suspend)(void *arg), void *arg, char *err,
                   size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!hv->ops->domain_save) {
        no_save(hv, err, errlen);
        return -ENOSYS;
    }
    return hv->ops->domain_save(hv, domid, fd, suspend, arg, err, errlen);
}

int hv_domain_save_live(struct hv *hv, uint32_t domid, int fd,
                        int (*suspend)(void *arg), void *arg,
                        struct hv_save_stats *st, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (st)
        memset(st, 0, sizeof(*st));
    if (!hv->ops->domain_save_live) {
        no_save(hv, err, errlen);
        return -ENOSYS;
    }
    return hv->ops->domain_save_live(hv, domid, fd, suspend, arg, st, err,
                                     errlen);
}

int hv_domain_resume(struct hv *hv, uint32_t domid, int fast)
{
    return hv->ops->domain_resume ? hv->ops->domain_resume(hv, domid, fast)
                                  : -ENOSYS;
}

int hv_domain_restore(struct hv *hv, const struct hv_build *b, int fd,
                      struct hv_built *out, char *err, size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (!hv->ops->domain_restore) {
        no_save(hv, err, errlen);
        return -ENOSYS;
    }
    return hv->ops->domain_restore(hv, b, fd, out, err, errlen);
}

int hv_domain_dumpcore(struct hv *hv, uint32_t domid, const char *file)
{
    return hv->ops->domain_dumpcore ? hv->ops->domain_dumpcore(hv, domid, file)
                                    : -ENOSYS;
}

int hv_domain_vcpu_affinity(struct hv *hv, uint32_t domid, const uint8_t *hard,
                            const uint8_t *soft, size_t len)
{
    return hv->ops->domain_vcpu_affinity
               ? hv->ops->domain_vcpu_affinity(hv, domid, hard, soft, len)
               : -ENOSYS;
}

const char *hv_sched_name(unsigned id)
{
    switch (id) {
    case HV_SCHED_CREDIT:
        return "credit";
    case HV_SCHED_CREDIT2:
        return "credit2";
    case HV_SCHED_ARINC653:
        return "arinc653";
    case HV_SCHED_RTDS:
        return "rtds";
    case HV_SCHED_NULL:
        return "null";
    }
    return "unknown";
}

int hv_sched_check(int weight, int cap, unsigned vcpus, char *err,
                   size_t errlen)
{
    if (err && errlen)
        err[0] = '\0';
    if (weight >= 0 && (weight < 1 || weight > 65535)) {
        if (err && errlen)
            snprintf(err, errlen, "cpu weight %d out of range 1..65535",
                     weight);
        return -EINVAL;
    }
    if (cap >= 0 && (unsigned long)cap > 100ul * vcpus) {
        if (err && errlen)
            snprintf(err, errlen,
                     "cpu cap %d out of range 0..%lu for %u vcpu%s", cap,
                     100ul * vcpus, vcpus, vcpus == 1 ? "" : "s");
        return -EINVAL;
    }
    return 0;
}

int hv_domain_sched_get(struct hv *hv, uint32_t domid, struct hv_sched *out)
{
    memset(out, 0, sizeof(*out));
    out->name = "unknown";
    return hv->ops->domain_sched_get ? hv->ops->domain_sched_get(hv, domid, out)
                                     : -ENOSYS;
}

/*
 * The start of the scheduler set calls: *err becomes somewhere the engine
 * can always write (none, when the caller gave nothing), emptied. An
 * engine without the op (has_op 0) has no scheduler of its own: -ENOSYS,
 * said in *err.
 */
static int sched_set_start(const struct hv *hv, int has_op, char **err,
                           size_t *errlen, char *none, size_t nonelen)
{
    if (!*err || !*errlen) {
        *err = none;
        *errlen = nonelen;
    }
    (*err)[0] = '\0';
    if (!has_op) {
        snprintf(*err, *errlen, "the %s engine has no scheduler of its own",
                 hv->ops->name);
        return -ENOSYS;
    }
    return 0;
}

int hv_domain_sched_set(struct hv *hv, uint32_t domid, int weight, int cap,
                        char *err, size_t errlen)
{
    char none[8];
    int rc = sched_set_start(hv, hv->ops->domain_sched_set != NULL, &err,
                             &errlen, none, sizeof(none));

    return rc ? rc
              : hv->ops->domain_sched_set(hv, domid, weight, cap, err, errlen);
}

int hv_sched_pool_get(struct hv *hv, struct hv_sched_pool *out)
{
    out->id = 0; /* the engine's op fills the rest */
    out->tslice_ms = out->ratelimit_us = out->migr_delay_us = -1;
    return hv->ops->sched_pool_get ? hv->ops->sched_pool_get(hv, out) : -ENOSYS;
}

int hv_sched_pool_set(struct hv *hv, const struct hv_sched_pool *set, char *err,
                      size_t errlen)
{
    char none[8];
    int rc = sched_set_start(hv, hv->ops->sched_pool_set != NULL, &err, &errlen,
                             none, sizeof(none));

    return rc ? rc : hv->ops->sched_pool_set(hv, set, err, errlen);
}
