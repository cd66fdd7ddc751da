/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_kvm.c: the kvm engine's primitives. A domain's memory (its VMM's
 * memfd) is mapped once per process, as vhost-user maps a guest, and a
 * grant or foreign map is a checked offset into it: no system call, no
 * lock. The VMM hands over a pidfd with the memfd; a watcher thread drops
 * the mapping the moment the VMM exits. Event channels are eventfd pairs
 * the VMM hands over. Domain creation and listing live in hv_kvm_dom.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
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
#define KVM_MAX_MEMS 512 /* domains one process maps at a time */

enum { MEM_FREE, MEM_LIVE, MEM_DEAD };

/*
 * One domain's memory. Slots are never freed before kvm_close, so a
 * lock-free reader may look at any slot: it takes a reference, then
 * checks the slot is still this live domain.
 */
struct kvm_mem {
    atomic_uint state;
    atomic_uint domid;
    atomic_long refs;        /* maps handed out, +1 while live */
    atomic_uintptr_t lo, hi; /* [base, base + size) for mem_of() */
    unsigned char *base;
    size_t size;
    uint64_t ram_pages, total_pages;
    const uint8_t *ballooned; /* the VMM's balloon bitmap (vmmctl.h) */
    uint8_t *written;         /* pages we unmapped (vmmctl.h), or NULL */
    int pidfd;
};

struct kvm_priv {
    pthread_mutex_t lock; /* fetch, death and reuse of slots; not maps */
    atomic_uint nmems;    /* slots ever used */
    int epfd, stopfd;     /* the watcher's pidfds and its stop fd */
    pthread_t watcher;
    int watching;
    struct kvm_mem mems[KVM_MAX_MEMS];
};

static int kvm_open(struct hv *hv)
{
    struct kvm_priv *p = calloc(1, sizeof(*p));

    if (!p)
        return -ENOMEM;
    pthread_mutex_init(&p->lock, NULL);
    p->epfd = p->stopfd = -1;
    hv->priv = p;
    return 0;
}

/* Unmap a dead domain once nobody holds a map into it. */
static void mem_reap(struct kvm_priv *p, struct kvm_mem *m)
{
    pthread_mutex_lock(&p->lock);
    if (atomic_load(&m->state) == MEM_DEAD && atomic_load(&m->refs) == 0) {
        atomic_store(&m->lo, 0);
        atomic_store(&m->hi, 0);
        munmap(m->base, m->size);
        atomic_store(&m->state, MEM_FREE);
    }
    pthread_mutex_unlock(&p->lock);
}

static void mem_put(struct kvm_priv *p, struct kvm_mem *m)
{
    if (atomic_fetch_sub(&m->refs, 1) == 1 &&
        atomic_load(&m->state) == MEM_DEAD)
        mem_reap(p, m);
}

/*
 * The VMM exited: its memory must go now, not when the last backend lets
 * go of a ring. Anonymous pages replace the memfd's in place, so pointers
 * still handed out stay valid (reading zeros) while the memfd's pages go
 * back to the host; the address range goes at the last unmap.
 */
static void mem_kill(struct kvm_priv *p, struct kvm_mem *m)
{
    pthread_mutex_lock(&p->lock);
    if (atomic_load(&m->state) != MEM_LIVE) {
        pthread_mutex_unlock(&p->lock);
        return;
    }
    atomic_store(&m->state, MEM_DEAD);
    if (mmap(m->base, m->size, PROT_READ | PROT_WRITE,
             MAP_FIXED | MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1,
             0) == MAP_FAILED) {
        /* Keep the range reserved all the same: nobody may reuse it
         * while maps are out. */
        mprotect(m->base, m->size, PROT_NONE);
    }
    epoll_ctl(p->epfd, EPOLL_CTL_DEL, m->pidfd, NULL);
    close(m->pidfd);
    m->pidfd = -1;
    pthread_mutex_unlock(&p->lock);
    mem_put(p, m); /* the live reference */
}

static void *mem_watch(void *arg)
{
    struct kvm_priv *p = arg;
    struct epoll_event ev[16];
    int n, i;

    for (;;) {
        n = epoll_wait(p->epfd, ev, 16, -1);
        if (n < 0 && errno != EINTR)
            return NULL;
        for (i = 0; i < n; i++) {
            if (ev[i].data.u32 == KVM_MAX_MEMS)
                return NULL; /* kvm_close */
            mem_kill(p, &p->mems[ev[i].data.u32]);
        }
    }
}

/* Lock held. Started at the first map, not at open: daemons fork after
 * hv_open() and a thread would not follow them. */
static int mem_watch_start(struct kvm_priv *p)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.u32 = KVM_MAX_MEMS};

    if (p->watching)
        return 0;
    p->epfd = epoll_create1(EPOLL_CLOEXEC);
    p->stopfd = eventfd(0, EFD_CLOEXEC);
    if (p->epfd < 0 || p->stopfd < 0 ||
        epoll_ctl(p->epfd, EPOLL_CTL_ADD, p->stopfd, &ev) < 0)
        return -errno;
    if (pthread_create(&p->watcher, NULL, mem_watch, p))
        return -EAGAIN;
    p->watching = 1;
    return 0;
}

static void kvm_close(struct hv *hv)
{
    struct kvm_priv *p = hv->priv;
    uint64_t one = 1;
    unsigned i;

    if (p->watching) {
        if (write(p->stopfd, &one, sizeof(one)) < 0) {
            /* an eventfd write only fails on overflow */
        }
        pthread_join(p->watcher, NULL);
    }
    for (i = 0; i < atomic_load(&p->nmems); i++) {
        struct kvm_mem *m = &p->mems[i];
        if (atomic_load(&m->state) != MEM_FREE)
            munmap(m->base, m->size);
        if (atomic_load(&m->state) == MEM_LIVE)
            close(m->pidfd);
    }
    if (p->epfd >= 0)
        close(p->epfd);
    if (p->stopfd >= 0)
        close(p->stopfd);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* The hot path: find domid's live memory and take a reference. */
static struct kvm_mem *mem_find(struct kvm_priv *p, uint32_t domid)
{
    unsigned i, n = atomic_load(&p->nmems);

    for (i = 0; i < n; i++) {
        struct kvm_mem *m = &p->mems[i];
        if (atomic_load(&m->state) != MEM_LIVE ||
            atomic_load(&m->domid) != domid)
            continue;
        atomic_fetch_add(&m->refs, 1);
        if (atomic_load(&m->state) == MEM_LIVE &&
            atomic_load(&m->domid) == domid)
            return m;
        mem_put(p, m); /* died or reused meanwhile */
    }
    return NULL;
}

/* The memory of the domain whose maps include addr (one we handed out,
 * so its slot cannot be reaped under us). */
static struct kvm_mem *mem_of(struct kvm_priv *p, const void *addr)
{
    uintptr_t a = (uintptr_t)addr;
    unsigned i, n = atomic_load(&p->nmems);

    for (i = 0; i < n; i++) {
        struct kvm_mem *m = &p->mems[i];
        if (a >= atomic_load(&m->lo) && a < atomic_load(&m->hi))
            return m;
    }
    return NULL;
}

struct mem_fetched {
    unsigned char *base;
    size_t size;
    uint64_t ram_pages, total_pages;
    int pidfd;
};

/* Ask domid's VMM for its memfd and pidfd; map the memory. */
static int mem_fetch(uint32_t domid, struct mem_fetched *out)
{
    struct vmmctl_rep rep;
    struct pollfd pf;
    struct stat st;
    unsigned n = 0, i;
    int fds[2] = {-1, -1}, rc;
    void *a;

    rc = kvmctl_call(domid, VMMCTL_MEMFD, 0, &rep, fds, 2, &n, 5000, NULL);
    if (rc == 0 && n != 2)
        rc = -EPROTO;
    if (rc == 0 && (rep.info.total_pages == 0 ||
                    rep.info.ram_pages >= rep.info.total_pages ||
                    rep.info.total_pages > SIZE_MAX / PAGE_SZ))
        rc = -EPROTO;
    if (rc == 0) {
        pf = (struct pollfd){.fd = fds[1], .events = POLLIN};
        if (poll(&pf, 1, 0) != 0)
            rc = -ESRCH; /* exited already */
    }
    if (rc == 0) {
        /* Guest memory, then the balloon bitmap (vmmctl.h). */
        out->size = rep.info.total_pages * PAGE_SZ;
        if (fstat(fds[0], &st) < 0 ||
            (uint64_t)st.st_size < out->size + (rep.info.ram_pages + 7) / 8)
            rc = -EPROTO;
        else
            out->size = (size_t)st.st_size;
    }
    if (rc == 0) {
        a = mmap(NULL, out->size, PROT_READ | PROT_WRITE,
                 MAP_SHARED | MAP_NORESERVE, fds[0], 0);
        rc = a == MAP_FAILED ? -errno : 0;
        out->base = a;
    }
    if (n >= 1)
        close(fds[0]); /* the mapping keeps the memory */
    if (rc < 0) {
        for (i = 1; i < n; i++)
            close(fds[i]);
        return rc;
    }
    out->pidfd = fds[1];
    out->ram_pages = rep.info.ram_pages;
    out->total_pages = rep.info.total_pages;
    return 0;
}

/* Look up or fetch domid's memory; returns it with a reference held. */
static int mem_get(struct hv *hv, uint32_t domid, struct kvm_mem **out)
{
    struct kvm_priv *p = hv->priv;
    struct epoll_event ev = {.events = EPOLLIN};
    struct mem_fetched got = {.pidfd = -1};
    struct kvm_mem *m;
    unsigned i, n;
    int rc;

    *out = mem_find(p, domid);
    if (*out)
        return 0;
    pthread_mutex_lock(&p->lock);
    /* Another thread may have fetched it meanwhile. */
    *out = mem_find(p, domid);
    if (*out) {
        pthread_mutex_unlock(&p->lock);
        return 0;
    }
    rc = mem_watch_start(p);
    if (rc == 0)
        rc = mem_fetch(domid, &got);
    if (rc < 0) {
        pthread_mutex_unlock(&p->lock);
        return rc;
    }
    n = atomic_load(&p->nmems);
    for (i = 0; i < n && atomic_load(&p->mems[i].state) != MEM_FREE; i++)
        ;
    if (i == KVM_MAX_MEMS) {
        pthread_mutex_unlock(&p->lock);
        munmap(got.base, got.size);
        close(got.pidfd);
        return -ENOSPC;
    }
    m = &p->mems[i];
    m->base = got.base;
    m->size = got.size;
    m->ram_pages = got.ram_pages;
    m->total_pages = got.total_pages;
    m->ballooned = m->base + got.total_pages * PAGE_SZ;
    m->written = NULL; /* a VMM without the bitmap: nobody needs it */
    if (m->size >=
        got.total_pages * PAGE_SZ +
            ((got.ram_pages + 7) / 8 + PAGE_SZ - 1) / PAGE_SZ * PAGE_SZ +
            (got.total_pages + 7) / 8)
        m->written =
            m->base + got.total_pages * PAGE_SZ +
            ((got.ram_pages + 7) / 8 + PAGE_SZ - 1) / PAGE_SZ * PAGE_SZ;
    m->pidfd = got.pidfd;
    atomic_store(&m->domid, domid);
    atomic_store(&m->refs, 2); /* live + the caller's */
    ev.data.u32 = i;
    if (epoll_ctl(p->epfd, EPOLL_CTL_ADD, m->pidfd, &ev) < 0) {
        rc = -errno;
        munmap(m->base, m->size);
        close(m->pidfd);
        m->base = NULL;
        pthread_mutex_unlock(&p->lock);
        return rc;
    }
    atomic_store(&m->lo, (uintptr_t)m->base);
    atomic_store(&m->hi, (uintptr_t)m->base + m->size);
    atomic_store(&m->state, MEM_LIVE); /* publish: fields set above */
    if (i == n)
        atomic_store(&p->nmems, n + 1);
    pthread_mutex_unlock(&p->lock);
    *out = m;
    return 0;
}

static int mem_ballooned(const struct kvm_mem *m, uint64_t pfn)
{
    return pfn < m->ram_pages &&
           (__atomic_load_n(&m->ballooned[pfn / 8], __ATOMIC_ACQUIRE) >>
            (pfn % 8)) &
               1;
}

static int kvm_foreign_map(struct hv *hv, uint32_t domid, uint64_t pfn,
                           size_t npages, int writable, void **addr_out)
{
    struct kvm_mem *m;
    size_t i;
    int rc;

    rc = mem_get(hv, domid, &m);
    if (rc < 0)
        return rc;
    if (pfn >= m->total_pages || npages > m->total_pages - pfn) {
        mem_put(hv->priv, m);
        return -ERANGE;
    }
    for (i = 0; i < npages; i++) {
        if (mem_ballooned(m, pfn + i)) {
            mem_put(hv->priv, m);
            return -EINVAL;
        }
    }
    *addr_out = m->base + pfn * PAGE_SZ;
    return 0;
}

/* What a mapper may have written, for a live save to send again
 * (KVM's dirty log only sees the guest's own writes). */
static void mem_mark_written(struct kvm_mem *m, const void *addr, size_t npages)
{
    uint64_t pfn = (uint64_t)((const unsigned char *)addr - m->base) / PAGE_SZ;
    size_t i;

    for (i = 0; m->written && i < npages && pfn + i < m->total_pages; i++)
        __atomic_fetch_or(&m->written[(pfn + i) / 8],
                          (uint8_t)(1u << ((pfn + i) % 8)), __ATOMIC_RELEASE);
}

static void kvm_foreign_unmap(struct hv *hv, void *addr, size_t npages)
{
    struct kvm_mem *m = mem_of(hv->priv, addr);

    if (m) {
        mem_mark_written(m, addr, npages);
        mem_put(hv->priv, m);
    }
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

/* A grant map is the granted frame's address in the domain's mapping
 * (which is writable: GTF_readonly is enforced by refusing writable maps,
 * not by the page protection). */
static int kvm_grant_map(struct hv *hv, uint32_t domid, uint32_t ref,
                         int writable, void **addr_out)
{
    const uint64_t nents =
        PVABI_NR_GRANT_FRAMES * PAGE_SZ / sizeof(grant_entry_v1_t);
    union {
        grant_entry_v1_t e;
        uint64_t raw;
    } g;
    struct kvm_mem *m;
    int rc;

    _Static_assert(sizeof(grant_entry_v1_t) == sizeof(uint64_t),
                   "grant entry is read in one load");
    if (ref >= nents)
        return -EINVAL;
    rc = mem_get(hv, domid, &m);
    if (rc < 0)
        return rc;
    /* One copy of the entry, then checks on the copy (no TOCTOU). */
    g.raw = __atomic_load_n(
        (const uint64_t *)(m->base +
                           (m->ram_pages + PVABI_SP_GNTTAB) * PAGE_SZ +
                           ref * sizeof(g.e)),
        __ATOMIC_ACQUIRE);
    rc = kvm_grant_check(&g.e, writable, m->ram_pages);
    /* A frame the guest gave back is not its to grant (and writing it
     * would allocate it again behind the balloon). */
    if (rc == 0 && mem_ballooned(m, g.e.frame))
        rc = -EINVAL;
    if (rc < 0) {
        mem_put(hv->priv, m);
        return rc;
    }
    *addr_out = m->base + (uint64_t)g.e.frame * PAGE_SZ;
    return 0;
}

static void kvm_grant_unmap(struct hv *hv, void *addr)
{
    struct kvm_mem *m = mem_of(hv->priv, addr);

    if (m) {
        mem_mark_written(m, addr, 1);
        mem_put(hv->priv, m);
    }
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
    .domain_getinfo = kvm_dom_getinfo,
    .domain_list = kvm_dom_list,
    .domain_set_maxmem = kvm_dom_set_maxmem,
    .domain_set_vcpus = kvm_dom_set_vcpus,
    .domain_wait = kvm_dom_wait,
    .domain_save = kvm_dom_save,
    .domain_save_live = kvm_dom_save_live,
    .domain_resume = kvm_dom_resume,
    .domain_restore = kvm_dom_restore,
};
