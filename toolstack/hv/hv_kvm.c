/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_kvm.c: the kvm engine's primitives. Foreign memory is the domain's
 * memfd (fetched once from its VMM, cached), grants are checked against the
 * v1 grant table in guest memory, and event channels are eventfd pairs the
 * VMM hands over. Domain creation and listing live in hv_kvm_dom.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xen/grant_table.h>
#include <xen/xen.h>

#include "hv/hv.h"
#include "hv/internal.h"
#include "hv/kvm.h"
#include "proto/pvabi.h"

#define PAGE_SZ 4096ul

struct kvm_mem {
    uint32_t domid;
    int fd;
    pid_t pid;
    uint64_t total_pages;
    uint64_t ram_pages;
};

struct kvm_priv {
    pthread_mutex_t lock;
    struct kvm_mem *mem;
    size_t nmem;
};

static int kvm_open(struct hv *hv)
{
    struct kvm_priv *p = calloc(1, sizeof(*p));

    if (!p)
        return -ENOMEM;
    pthread_mutex_init(&p->lock, NULL);
    hv->priv = p;
    return 0;
}

static void kvm_close(struct hv *hv)
{
    struct kvm_priv *p = hv->priv;
    size_t i;

    for (i = 0; i < p->nmem; i++)
        close(p->mem[i].fd);
    free(p->mem);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* Drop a cached memfd whose VMM died (the domid may come back later). */
static void kvm_mem_drop(struct kvm_priv *p, size_t i)
{
    close(p->mem[i].fd);
    p->mem[i] = p->mem[--p->nmem];
}

static int kvm_mem_fetch(uint32_t domid, struct kvm_mem *m)
{
    struct vmmctl_rep rep;
    unsigned n = 0;
    int fds[1] = {-1}, rc;

    rc = kvmctl_call(domid, VMMCTL_MEMFD, 0, &rep, fds, 1, &n, 5000, &m->pid);
    if (rc < 0) {
        if (n)
            close(fds[0]);
        return rc;
    }
    if (n != 1)
        return -EPROTO;
    m->domid = domid;
    m->fd = fds[0];
    m->total_pages = rep.info.total_pages;
    m->ram_pages = rep.info.ram_pages;
    return 0;
}

/* Look up (or fetch) domid's memory; copies the entry with a dup'd fd. */
static int kvm_mem_get(struct hv *hv, uint32_t domid, struct kvm_mem *out)
{
    struct kvm_priv *p = hv->priv;
    struct kvm_mem m, *grown;
    size_t i;
    int rc;

    pthread_mutex_lock(&p->lock);
    /* Drop every entry whose VMM is gone, so a destroyed domain's memory
     * is not kept alive by our cached fd. */
    for (i = 0; i < p->nmem;) {
        if (kill(p->mem[i].pid, 0) == 0 || errno == EPERM) {
            if (p->mem[i].domid == domid)
                goto found;
            i++;
        } else {
            kvm_mem_drop(p, i);
        }
    }
    pthread_mutex_unlock(&p->lock);
    rc = kvm_mem_fetch(domid, &m);
    if (rc < 0)
        return rc;
    pthread_mutex_lock(&p->lock);
    grown = realloc(p->mem, (p->nmem + 1) * sizeof(*p->mem));
    if (!grown) {
        pthread_mutex_unlock(&p->lock);
        close(m.fd);
        return -ENOMEM;
    }
    p->mem = grown;
    i = p->nmem++;
    p->mem[i] = m;
found:
    *out = p->mem[i];
    out->fd = fcntl(p->mem[i].fd, F_DUPFD_CLOEXEC, 0);
    pthread_mutex_unlock(&p->lock);
    return out->fd < 0 ? -EMFILE : 0;
}

static int kvm_foreign_map(struct hv *hv, uint32_t domid, uint64_t pfn,
                           size_t npages, int writable, void **addr_out)
{
    struct kvm_mem m;
    void *a;
    int rc;

    rc = kvm_mem_get(hv, domid, &m);
    if (rc < 0)
        return rc;
    if (pfn >= m.total_pages || npages > m.total_pages - pfn) {
        close(m.fd);
        return -ERANGE;
    }
    a = mmap(NULL, npages * PAGE_SZ, PROT_READ | (writable ? PROT_WRITE : 0),
             MAP_SHARED, m.fd, (off_t)(pfn * PAGE_SZ));
    rc = a == MAP_FAILED ? -errno : 0;
    close(m.fd);
    if (rc == 0)
        *addr_out = a;
    return rc;
}

static void kvm_foreign_unmap(struct hv *hv, void *addr, size_t npages)
{
    munmap(addr, npages * PAGE_SZ);
}

/*
 * Check a v1 grant entry as Xen's map_grant_ref does: permit_access type,
 * granted to dom0 (our domid), writable unless GTF_readonly, frame in RAM.
 */
static int kvm_grant_check(const grant_entry_v1_t *e, int writable,
                           uint64_t ram_pages)
{
    if ((e->flags & GTF_type_mask) != GTF_permit_access)
        return -EACCES;
    if (e->domid != 0)
        return -EACCES;
    if (writable && (e->flags & GTF_readonly))
        return -EACCES;
    if ((uint64_t)e->frame >= ram_pages)
        return -EINVAL;
    return 0;
}

static int kvm_grant_map(struct hv *hv, uint32_t domid, uint32_t ref,
                         int writable, void **addr_out)
{
    const uint64_t nents =
        PVABI_NR_GRANT_FRAMES * PAGE_SZ / sizeof(grant_entry_v1_t);
    grant_entry_v1_t e;
    struct kvm_mem m;
    off_t off;
    void *a;
    int rc;

    if (ref >= nents)
        return -EINVAL;
    rc = kvm_mem_get(hv, domid, &m);
    if (rc < 0)
        return rc;
    off = (off_t)((m.ram_pages + PVABI_SP_GNTTAB) * PAGE_SZ + ref * sizeof(e));
    /* One copy of the entry, then checks on the copy (no TOCTOU). */
    if (pread(m.fd, &e, sizeof(e), off) != (ssize_t)sizeof(e)) {
        close(m.fd);
        return -EIO;
    }
    rc = kvm_grant_check(&e, writable, m.ram_pages);
    if (rc == 0) {
        a = mmap(NULL, PAGE_SZ, PROT_READ | (writable ? PROT_WRITE : 0),
                 MAP_SHARED, m.fd, (off_t)e.frame * (off_t)PAGE_SZ);
        if (a == MAP_FAILED)
            rc = -errno;
        else
            *addr_out = a;
    }
    close(m.fd);
    return rc;
}

static void kvm_grant_unmap(struct hv *hv, void *addr)
{
    munmap(addr, PAGE_SZ);
}

static int kvm_evtchn_bind(struct hv *hv, uint32_t domid, uint32_t remote_port,
                           struct hv_evtchn *ch)
{
    struct vmmctl_rep rep;
    int fds[2] = {-1, -1};
    unsigned n = 0, i;
    int rc;

    rc = kvmctl_call(domid, VMMCTL_EVTCHN_BIND, remote_port, &rep, fds, 2, &n,
                     5000, NULL);
    if (rc == 0 && n != 2)
        rc = -EPROTO;
    if (rc < 0) {
        for (i = 0; i < n; i++)
            close(fds[i]);
        return rc;
    }
    ch->fd = fds[0];
    ch->notify_fd = fds[1];
    ch->local_port = remote_port;
    return 0;
}

static int kvm_evtchn_ack(struct hv_evtchn *ch)
{
    uint64_t v;

    if (read(ch->fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
        return -errno;
    return 0;
}

static int kvm_evtchn_notify(struct hv_evtchn *ch)
{
    uint64_t one = 1;

    if (write(ch->notify_fd, &one, sizeof(one)) != sizeof(one))
        return -errno;
    return 0;
}

static void kvm_evtchn_close(struct hv_evtchn *ch)
{
    struct vmmctl_rep rep;

    /* Best effort: the VMM may already be gone. */
    kvmctl_call(ch->domid, VMMCTL_EVTCHN_CLOSE, ch->remote_port, &rep, NULL, 0,
                NULL, 1000, NULL);
    if (ch->fd >= 0)
        close(ch->fd);
    if (ch->notify_fd >= 0)
        close(ch->notify_fd);
}

static int kvm_simple(uint32_t domid, uint32_t op, uint64_t arg)
{
    struct vmmctl_rep rep;

    return kvmctl_call(domid, op, arg, &rep, NULL, 0, NULL, 5000, NULL);
}

static int kvm_dom_destroy(struct hv *hv, uint32_t domid)
{
    int rc = kvm_simple(domid, VMMCTL_DESTROY, 0);

    /* The VMM may exit before its reply reaches us: gone is success. */
    return rc == -ESRCH && domid != 0 ? 0 : rc;
}

static int kvm_dom_pause(struct hv *hv, uint32_t domid)
{
    return kvm_simple(domid, VMMCTL_PAUSE, 0);
}

static int kvm_dom_unpause(struct hv *hv, uint32_t domid)
{
    return kvm_simple(domid, VMMCTL_UNPAUSE, 0);
}

static int kvm_dom_shutdown(struct hv *hv, uint32_t domid, unsigned reason)
{
    return kvm_simple(domid, VMMCTL_SHUTDOWN, reason);
}

static int kvm_dom_set_maxmem(struct hv *hv, uint32_t domid, uint64_t kb)
{
    return kvm_simple(domid, VMMCTL_SET_MAXMEM, kb);
}

static int kvm_dom_set_vcpus(struct hv *hv, uint32_t domid, unsigned n)
{
    return kvm_simple(domid, VMMCTL_SET_VCPUS, n);
}

void kvm_info_to_dominfo(const struct vmmctl_info *in, struct hv_dominfo *out)
{
    out->domid = in->domid;
    out->flags = in->flags; /* VMMCTL_F_* == HV_DOMF_* */
    out->shutdown_reason = in->shutdown_reason;
    out->cpu_ns = in->cpu_ns;
    out->mem_kb = in->cur_pages * 4;
    out->max_mem_kb = in->max_pages * 4;
    out->vcpus = in->vcpus;
    out->vcpus_online = in->vcpus_online;
    out->start_time = in->start_time;
}

static int kvm_dom_getinfo(struct hv *hv, uint32_t domid,
                           struct hv_dominfo *out)
{
    struct hv_dominfo all[1];
    struct vmmctl_rep rep;
    int rc;

    if (domid == 0) {
        rc = kvm_dom_list(hv, all, 1);
        if (rc < 0)
            return rc;
        *out = all[0];
        return 0;
    }
    rc = kvmctl_call(domid, VMMCTL_INFO, 0, &rep, NULL, 0, NULL, 5000, NULL);
    if (rc == 0)
        kvm_info_to_dominfo(&rep.info, out);
    return rc;
}

static int kvm_dom_wait(struct hv *hv, uint32_t domid, struct hv_dominfo *out)
{
    struct vmmctl_rep rep;
    int rc;

    rc = kvmctl_call(domid, VMMCTL_WAIT, 0, &rep, NULL, 0, NULL, -1, NULL);
    if (rc == 0)
        kvm_info_to_dominfo(&rep.info, out);
    return rc;
}

const struct hv_ops hv_kvm_ops = {
    .name = "kvm",
    .open = kvm_open,
    .close = kvm_close,
    .foreign_map = kvm_foreign_map,
    .foreign_unmap = kvm_foreign_unmap,
    .grant_map = kvm_grant_map,
    .grant_unmap = kvm_grant_unmap,
    .evtchn_bind = kvm_evtchn_bind,
    .evtchn_ack = kvm_evtchn_ack,
    .evtchn_notify = kvm_evtchn_notify,
    .evtchn_close = kvm_evtchn_close,
    .domain_create = kvm_dom_create,
    .domain_destroy = kvm_dom_destroy,
    .domain_pause = kvm_dom_pause,
    .domain_unpause = kvm_dom_unpause,
    .domain_shutdown = kvm_dom_shutdown,
    .domain_getinfo = kvm_dom_getinfo,
    .domain_list = kvm_dom_list,
    .domain_set_maxmem = kvm_dom_set_maxmem,
    .domain_set_vcpus = kvm_dom_set_vcpus,
    .domain_wait = kvm_dom_wait,
};
