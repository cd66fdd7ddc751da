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

static int put_run(struct vmm *vmm, int fd, uint64_t pfn, uint64_t n)
{
    uint64_t head[2] = {pfn, n};
    int rc = put_rec(fd, VMMSAVE_PAGES, sizeof(head) + n * PG);

    if (!rc)
        rc = savefmt_write(fd, head, sizeof(head));
    if (!rc)
        rc = savefmt_write(fd, vmm->mem + pfn * PG, n * PG);
    return rc;
}

/* Runs of non-zero pages, ballooned ones skipped (they are PROT_NONE). */
static int put_pages(struct vmm *vmm, int fd, uint64_t *sent)
{
    uint64_t pfn, start = 0, n = 0;
    int rc;

    for (pfn = 0; pfn < vmm->total_pages; pfn++) {
        int skip = (pfn < vmm->ram_pages && bit_test(vmm->ballooned, pfn)) ||
                   page_is_zero(vmm->mem + pfn * PG);
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
    struct {
        struct kvm_msrs h;
        struct kvm_msr_entry e[1];
    } m;
    size_t i;

    for (i = 0; i < sizeof(save_msrs) / sizeof(save_msrs[0]); i++) {
        memset(&m, 0, sizeof(m));
        m.h.nmsrs = 1;
        m.e[0].index = save_msrs[i];
        if (ioctl(v->fd, KVM_GET_MSRS, &m) == 1 &&
            s->nr_msrs < VMMSAVE_MAX_MSRS) {
            s->msrs[s->nr_msrs].index = save_msrs[i];
            s->msrs[s->nr_msrs++].data = m.e[0].data;
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

int save_write(struct vmm *vmm, int fd, char *err, size_t errlen)
{
    struct vmmsave_hdr h;
    struct vmmsave_vcpu s;
    uint64_t sent = 0;
    unsigned i;
    int rc;

    if (!suspended(vmm)) {
        snprintf(err, errlen, "domain %u is not suspended", vmm->domid);
        return -EINVAL;
    }
    if (wait_parked(vmm) < 0) {
        snprintf(err, errlen, "domain %u: vcpus did not stop", vmm->domid);
        return -ETIMEDOUT;
    }
    memset(&h, 0, sizeof(h));
    memcpy(h.magic, VMMSAVE_MAGIC, VMMSAVE_MAGIC_LEN);
    h.version = VMMSAVE_VERSION;
    h.hdr_len = sizeof(h);
    h.page_size = PG;
    h.vcpu_len = sizeof(s);
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
    rc = savefmt_write(fd, &h, sizeof(h));
    if (!rc)
        rc = put_pages(vmm, fd, &sent);
    if (!rc)
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
        rc = put_rec(fd, VMMSAVE_END, 0);
    if (rc < 0) {
        snprintf(err, errlen, "writing the stream: %s", strerror(-rc));
        return rc;
    }
    log_info("dom %u (%s): saved, %" PRIu64 " of %" PRIu64 " pages sent",
             vmm->domid, vmm->name, sent, vmm->total_pages);
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
