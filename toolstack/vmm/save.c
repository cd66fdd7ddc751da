/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * save.c: a suspended domain written as a stream (proto/vmmsave.h) on
 * VMMCTL_SAVE, a cancelled suspend (VMMCTL_RESUME: the guest's
 * SCHEDOP_shutdown returns 1), and a domain loaded from such a stream by
 * a VMM started with --restore-fd, all of it before the first KVM_RUN
 * (on kvm_pvm the VMM's later writes to guest page tables are not seen).
 *
 * Saved: every non-zero guest page (RAM and the special pages: shared_info
 * with its vcpu_info, grant frames, GDT, IDT, TSS), the balloon bitmap,
 * the online vcpus' KVM state and callbacks, guest system time. Not saved:
 * event channels and timers. As on Xen the guest binds its channels again
 * after a resume in a new domain (store and console from start_info,
 * which we update) and re-arms its timers; its grant entries are guest
 * memory.
 */
#include "vmm/vmm.h"

#include <xen/grant_table.h>

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lib/log.h"
#include "proto/pvabi.h"
#include "vmm/savefmt.h"

#define PG 4096u
#define PARK_WAIT_MS 5000

struct live {
    uint64_t *log;    /* KVM_GET_DIRTY_LOG's bitmap */
    uint8_t *pending; /* to send */
    uint64_t rounds, sent;
    uint64_t log_pages;    /* what KVM's log reported, for the log */
    unsigned char *bounce; /* VMMSAVE_MAX_RUN pages */
};

static const uint32_t save_msrs[] = {
    0xc0000102, /* KERNEL_GS_BASE */
    0xc0000081, /* STAR */
    0xc0000082, /* LSTAR */
    0xc0000083, /* CSTAR */
    0xc0000084, /* SFMASK */
    0x00000174, /* SYSENTER_CS */
    0x00000175, /* SYSENTER_ESP */
    0x00000176, /* SYSENTER_EIP */
    0x00000277, /* PAT */
};

static int bit_test(const uint8_t *b, uint64_t i)
{
    return (__atomic_load_n(&b[i / 8], __ATOMIC_ACQUIRE) >> (i % 8)) & 1;
}

/* Every vcpu thread out of KVM_RUN and its hypercall, its registers in
 * kvm_run final: a shut-down domain's vcpus park in vcpu_main(). */
static int wait_parked(struct vmm *vmm)
{
    struct timespec nap = {0, 1000000};
    unsigned i, tries;

    for (tries = 0; tries < PARK_WAIT_MS; tries++) {
        for (i = 0; i < vmm->nr_vcpus; i++) {
            int st = atomic_load(&vmm->vcpus[i].state);
            if (atomic_load(&vmm->vcpus[i].started) &&
                (st == VCPU_RUNNING || st == VCPU_BLOCKED))
                break;
        }
        if (i == vmm->nr_vcpus)
            return 0;
        nanosleep(&nap, NULL);
    }
    return -ETIMEDOUT;
}

static int suspended(struct vmm *vmm)
{
    return atomic_load(&vmm->shutdown) &&
           vmm->shutdown_reason == SHUTDOWN_suspend;
}

static int page_is_zero(const unsigned char *p)
{
    const uint64_t *w = (const uint64_t *)p;
    unsigned i;

    for (i = 0; i < PG / 8; i += 4)
        if (w[i] | w[i + 1] | w[i + 2] | w[i + 3])
            return 0;
    return 1;
}

static int put_rec(int fd, uint32_t type, uint64_t len)
{
    struct vmmsave_rec r = {.type = type, .len = len};

    return savefmt_write(fd, &r, sizeof(r));
}

/* While the guest runs (pre-copy) it may balloon a page out between our
 * look at the bitmap and our read (PROT_NONE then): the balloon's lock. */
static void live_lock(struct vmm *vmm)
{
    if (vmm->live)
        pthread_mutex_lock(&vmm->lock);
}

static void live_unlock(struct vmm *vmm)
{
    if (vmm->live)
        pthread_mutex_unlock(&vmm->lock);
}

static int put_run(struct vmm *vmm, int fd, uint64_t pfn, uint64_t n)
{
    uint64_t head[2] = {pfn, n}, i;
    int rc = put_rec(fd, VMMSAVE_PAGES, sizeof(head) + n * PG);

    if (!rc)
        rc = savefmt_write(fd, head, sizeof(head));
    if (rc || !vmm->live)
        return rc ? rc : savefmt_write(fd, vmm->mem + pfn * PG, n * PG);
    /* Copied under the balloon's lock (a page ballooned since we looked
     * is sent as zeros), written without it. */
    live_lock(vmm);
    for (i = 0; i < n; i++) {
        unsigned char *dst = vmm->live->bounce + i * PG;
        if (pfn + i < vmm->ram_pages && bit_test(vmm->ballooned, pfn + i))
            memset(dst, 0, PG);
        else
            memcpy(dst, vmm->mem + (pfn + i) * PG, PG);
    }
    live_unlock(vmm);
    return savefmt_write(fd, vmm->live->bounce, n * PG);
}

/* Runs of non-zero pages, ballooned ones skipped (they are PROT_NONE). */
static int put_pages(struct vmm *vmm, int fd, uint64_t *sent)
{
    uint64_t pfn, start = 0, n = 0;
    int rc;

    for (pfn = 0; pfn < vmm->total_pages; pfn++) {
        int skip;
        live_lock(vmm);
        skip = (pfn < vmm->ram_pages && bit_test(vmm->ballooned, pfn)) ||
               page_is_zero(vmm->mem + pfn * PG);
        live_unlock(vmm);
        if (!skip && !n)
            start = pfn;
        if (!skip)
            n++;
        if (n && (skip || n == VMMSAVE_MAX_RUN)) {
            rc = put_run(vmm, fd, start, n);
            if (rc < 0)
                return rc;
            *sent += n;
            n = 0;
        }
    }
    if (n) {
        rc = put_run(vmm, fd, start, n);
        *sent += n;
        return rc;
    }
    return 0;
}

static void get_msrs(struct vcpu *v, struct vmmsave_vcpu *s)
{
    /* struct kvm_msrs and one entry (a flexible array: no struct). */
    uint64_t buf[(sizeof(struct kvm_msrs) + sizeof(struct kvm_msr_entry)) / 8];
    struct kvm_msrs *m = (struct kvm_msrs *)buf;
    size_t i;

    for (i = 0; i < sizeof(save_msrs) / sizeof(save_msrs[0]); i++) {
        memset(buf, 0, sizeof(buf));
        m->nmsrs = 1;
        m->entries[0].index = save_msrs[i];
        if (ioctl(v->fd, KVM_GET_MSRS, m) == 1 &&
            s->nr_msrs < VMMSAVE_MAX_MSRS) {
            s->msrs[s->nr_msrs].index = save_msrs[i];
            s->msrs[s->nr_msrs++].data = m->entries[0].data;
        }
    }
}

/* A parked vcpu's state: kvm_run's synced registers hold what the last
 * hypercall left (its result in rax), not yet given back to KVM. */
static int get_vcpu(struct vcpu *v, struct vmmsave_vcpu *s)
{
    memset(s, 0, sizeof(*s));
    s->id = v->id;
    s->event_cb = v->event_cb;
    s->failsafe_cb = v->failsafe_cb;
    if (atomic_load(&v->need_init)) { /* up, but never ran */
        if (ioctl(v->fd, KVM_GET_SREGS, &s->sregs) < 0)
            return -errno;
        s->regs.rip = v->init_regs.rip;
        s->regs.rsp = v->init_regs.rsp;
        s->regs.rsi = v->init_regs.rsi;
        s->regs.rdi = v->init_regs.rdi;
        s->regs.rflags = (v->init_regs.rflags & 0xcd5) | 0x202;
    } else {
        s->regs = v->run->s.regs.regs;
        s->sregs = v->run->s.regs.sregs;
        if (v->pio_at && s->regs.rip == v->pio_at)
            s->regs.rip += 2; /* KVM would skip the `out` on re-entry */
    }
    if (ioctl(v->fd, KVM_GET_FPU, &s->fpu) < 0)
        return -errno;
    get_msrs(v, s);
    return 0;
}

static int put_header(struct vmm *vmm, int fd)
{
    struct vmmsave_hdr h;

    savefmt_init_hdr(&h);
    h.nr_vcpus = vmm->nr_vcpus;
    h.max_online = vmm->max_online;
    h.ram_pages = vmm->ram_pages;
    h.total_pages = vmm->total_pages;
    h.max_pages = vmm->max_pages;
    h.cur_pages = vmm->cur_pages;
    h.system_time = sched_now(vmm);
    h.entry = vmm->br.entry;
    h.stack_top = vmm->br.stack_top;
    h.start_info = vmm->br.start_info;
    h.cr3 = vmm->br.cr3;
    h.store_pfn = vmm->br.store_pfn;
    h.console_pfn = vmm->br.console_pfn;
    h.shared_info = vmm->br.shared_info;
    h.gdt = vmm->br.gdt;
    h.tss = vmm->br.tss;
    h.idt = vmm->br.idt;
    h.free_pfn = vmm->br.free_pfn;
    return savefmt_write(fd, &h, sizeof(h));
}

/* Balloon, vcpus, clock, END: what is written once the guest stopped. */
static int put_tail(struct vmm *vmm, int fd)
{
    struct vmmsave_vcpu s;
    uint64_t now = sched_now(vmm);
    unsigned i;
    int rc;

    rc = put_rec(fd, VMMSAVE_BALLOON, (vmm->ram_pages + 7) / 8);
    if (!rc)
        rc = savefmt_write(fd, vmm->ballooned, (vmm->ram_pages + 7) / 8);
    for (i = 0; !rc && i < vmm->nr_vcpus; i++) {
        if (!atomic_load(&vmm->vcpus[i].online))
            continue;
        rc = get_vcpu(&vmm->vcpus[i], &s);
        if (!rc)
            rc = put_rec(fd, VMMSAVE_VCPU, sizeof(s));
        if (!rc)
            rc = savefmt_write(fd, &s, sizeof(s));
    }
    if (!rc)
        rc = put_rec(fd, VMMSAVE_CLOCK, sizeof(now));
    if (!rc)
        rc = savefmt_write(fd, &now, sizeof(now));
    if (!rc)
        rc = put_rec(fd, VMMSAVE_END, 0);
    return rc;
}

/*
 * Live: KVM's dirty log over the one memory slot, plus the pages written
 * behind KVM (vmm->written: our hypercall results and upcall frames, and
 * what backends mapped, marked when they unmap). The last round also
 * sends what may be written now without a trace yet: every page granted
 * (a backend may hold it mapped), the special pages, store and console.
 */

static int set_logging(struct vmm *vmm, int on)
{
    struct kvm_userspace_memory_region reg = {
        .slot = 0,
        .flags = on ? KVM_MEM_LOG_DIRTY_PAGES : 0,
        .guest_phys_addr = 0,
        .memory_size = vmm->total_pages * PG,
        .userspace_addr = (uint64_t)(uintptr_t)vmm->mem,
    };

    return ioctl(vmm->vm_fd, KVM_SET_USER_MEMORY_REGION, &reg) < 0 ? -errno : 0;
}

static void live_end(struct vmm *vmm)
{
    if (!vmm->live)
        return;
    set_logging(vmm, 0);
    free(vmm->live->log);
    free(vmm->live->pending);
    free(vmm->live->bounce);
    free(vmm->live);
    vmm->live = NULL;
}

static size_t map_bytes(const struct vmm *vmm)
{
    return (size_t)((vmm->total_pages + 63) / 64 * 8);
}

/* Moves what was dirtied since the last call into pending. */
static int collect(struct vmm *vmm)
{
    struct live *l = vmm->live;
    struct kvm_dirty_log dl = {.slot = 0};
    const uint8_t *log = (const uint8_t *)l->log;
    size_t i, n = map_bytes(vmm);

    memset(l->log, 0, n);
    dl.dirty_bitmap = l->log;
    if (ioctl(vmm->vm_fd, KVM_GET_DIRTY_LOG, &dl) < 0)
        return -errno;
    for (i = 0; i < (vmm->total_pages + 7) / 8; i++) {
        uint8_t w = __atomic_exchange_n(&vmm->written[i], 0, __ATOMIC_ACQ_REL);
        l->log_pages += (uint64_t)__builtin_popcount(log[i]);
        l->pending[i] |= log[i] | w;
    }
    return 0;
}

static void mark(uint8_t *set, uint64_t pfn)
{
    set[pfn / 8] |= (uint8_t)(1u << (pfn % 8));
}

/* Sends pending's pages (zero or not: the receiver may hold an older
 * copy), ballooned ones aside; clears it; *sent counts them. */
static int put_pending(struct vmm *vmm, int fd, uint64_t *sent)
{
    uint8_t *set = vmm->live->pending;
    uint64_t pfn, start = 0, n = 0;
    int rc = 0;

    for (pfn = 0; pfn <= vmm->total_pages && !rc; pfn++) {
        int take = pfn < vmm->total_pages && bit_test(set, pfn) &&
                   !(pfn < vmm->ram_pages && bit_test(vmm->ballooned, pfn));
        if (take && !n)
            start = pfn;
        n += take;
        if (n && (!take || n == VMMSAVE_MAX_RUN)) {
            rc = put_run(vmm, fd, start, n);
            *sent += n;
            n = 0;
        }
    }
    memset(set, 0, (vmm->total_pages + 7) / 8);
    return rc;
}

static uint64_t count_pending(struct vmm *vmm)
{
    uint64_t pfn, n = 0;

    for (pfn = 0; pfn < vmm->total_pages; pfn++)
        n += bit_test(vmm->live->pending, pfn) &&
             !(pfn < vmm->ram_pages && bit_test(vmm->ballooned, pfn));
    return n;
}

int save_precopy(struct vmm *vmm, int fd, unsigned max_rounds,
                 unsigned stop_dirty, uint64_t stats[3], char *err,
                 size_t errlen)
{
    struct live *l;
    uint64_t left = 0;
    int rc;

    if (atomic_load(&vmm->shutdown)) {
        snprintf(err, errlen, "domain %u is shut down", vmm->domid);
        return -EBUSY;
    }
    live_end(vmm); /* one given up before its last round */
    l = calloc(1, sizeof(*l));
    vmm->live = l;
    if (l) {
        l->log = calloc(1, map_bytes(vmm));
        l->pending = calloc(1, map_bytes(vmm));
        l->bounce = malloc((size_t)VMMSAVE_MAX_RUN * PG);
    }
    if (!l || !l->log || !l->pending || !l->bounce) {
        if (l) {
            free(l->log);
            free(l->pending);
            free(l->bounce);
        }
        free(l);
        vmm->live = NULL;
        return -ENOMEM;
    }
    /* Before a byte is written: without a dirty log the caller falls back
     * to a suspended save on the same fd. */
    rc = set_logging(vmm, 1);
    if (rc < 0) {
        snprintf(err, errlen, "KVM cannot log dirty pages: %s", strerror(-rc));
        live_end(vmm);
        return -EOPNOTSUPP;
    }
    memset(vmm->written, 0, (vmm->total_pages + 7) / 8);
    rc = put_header(vmm, fd);
    if (!rc)
        rc = put_pages(vmm, fd, &l->sent);
    for (l->rounds = 1; !rc; l->rounds++) {
        rc = collect(vmm);
        if (rc < 0)
            break;
        left = count_pending(vmm);
        if (left < stop_dirty || l->rounds >= max_rounds)
            break;
        rc = put_pending(vmm, fd, &l->sent);
    }
    if (rc < 0) {
        snprintf(err, errlen, "pre-copy: %s", strerror(-rc));
        live_end(vmm);
        return rc;
    }
    stats[0] = l->rounds;
    stats[1] = l->sent;
    stats[2] = left;
    log_info("dom %u (%s): pre-copy, %" PRIu64 " rounds, %" PRIu64
             " pages sent, %" PRIu64 " dirty left (KVM's log: %" PRIu64 ")",
             vmm->domid, vmm->name, l->rounds, l->sent, left, l->log_pages);
    return 0;
}

/* The last round of a live save, the guest suspended. */
static int put_last_round(struct vmm *vmm, int fd, uint64_t *sent)
{
    const grant_entry_v1_t *g =
        gm_ptr(vmm, (vmm->ram_pages + PVABI_SP_GNTTAB) * PG,
               PVABI_NR_GRANT_FRAMES * PG);
    size_t i, n = PVABI_NR_GRANT_FRAMES * PG / sizeof(*g);
    uint64_t pfn;
    int rc = collect(vmm);

    if (rc < 0)
        return rc;
    for (pfn = vmm->ram_pages; pfn < vmm->total_pages; pfn++)
        mark(vmm->live->pending, pfn);
    mark(vmm->live->pending, vmm->br.store_pfn);
    mark(vmm->live->pending, vmm->br.console_pfn);
    for (i = 0; g && i < n; i++)
        if ((g[i].flags & GTF_type_mask) == GTF_permit_access &&
            g[i].frame < vmm->ram_pages)
            mark(vmm->live->pending, g[i].frame);
    return put_pending(vmm, fd, sent);
}

int save_write(struct vmm *vmm, int fd, int last_round, uint64_t stats[3],
               char *err, size_t errlen)
{
    uint64_t sent = 0;
    int rc;

    if (!suspended(vmm)) {
        snprintf(err, errlen, "domain %u is not suspended", vmm->domid);
        return -EINVAL;
    }
    if (last_round && !vmm->live) {
        snprintf(err, errlen, "domain %u: no pre-copy to finish", vmm->domid);
        return -EINVAL;
    }
    if (!last_round)
        live_end(vmm); /* one given up before its last round */
    if (wait_parked(vmm) < 0) {
        snprintf(err, errlen, "domain %u: vcpus did not stop", vmm->domid);
        return -ETIMEDOUT;
    }
    if (last_round) {
        rc = put_last_round(vmm, fd, &sent);
        stats[0] = vmm->live->rounds + 1;
        stats[1] = vmm->live->sent;
        stats[2] = sent;
        live_end(vmm);
    } else {
        rc = put_header(vmm, fd);
        if (!rc)
            rc = put_pages(vmm, fd, &sent);
    }
    if (!rc)
        rc = put_tail(vmm, fd);
    if (rc < 0) {
        snprintf(err, errlen, "writing the stream: %s", strerror(-rc));
        return rc;
    }
    log_info("dom %u (%s): saved, %" PRIu64 " of %" PRIu64 " pages sent%s",
             vmm->domid, vmm->name, sent, vmm->total_pages,
             last_round ? " in the last round" : "");
    return 0;
}

int save_resume(struct vmm *vmm, int fast)
{
    struct vcpu *v;

    if (!fast)
        return -EOPNOTSUPP; /* only a cancelled suspend */
    if (!suspended(vmm) || vmm->suspend_vcpu >= vmm->nr_vcpus)
        return -EINVAL;
    if (wait_parked(vmm) < 0)
        return -ETIMEDOUT;
    live_end(vmm); /* a live save given up */
    v = &vmm->vcpus[vmm->suspend_vcpu];
    v->run->s.regs.regs.rax = 1; /* SCHEDOP_shutdown: cancelled */
    v->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
    pthread_mutex_lock(&vmm->lock);
    vmm->shutdown_reason = 0;
    atomic_store(&vmm->shutdown, 0);
    pthread_mutex_unlock(&vmm->lock);
    log_info("dom %u (%s): suspend cancelled, running on", vmm->domid,
             vmm->name);
    kvm_kick_all(vmm);
    return 0;
}
