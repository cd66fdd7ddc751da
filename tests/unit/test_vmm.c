/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_vmm.c: the VMM's hypercall services without KVM: event channels
 * (2-level pending/mask/selector bits in shared_info, virq, ipi, loopback,
 * close, hostile arguments), the upcall bounce frame, the balloon and the
 * grant-table setup, on a struct vmm with real guest memory (a memfd) and
 * stubbed kicks.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include "unit.h"

#include "vmm/vmm.h"

#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/xen.h>

#include "proto/pvabi.h"
#include "vmm_stubs.h"

#define RAM_PAGES 256
#define ARG 0x10000ull /* where the tests put hypercall arguments */

static struct vmm *mk(void)
{
    struct vmm *vmm = vmm_stub_new(RAM_PAGES);

    assert_non_null(vmm);
    /* evtchn_init gave the store port 1 and the console port 2. */
    assert_int_equal(vmm->ports[1].state, PORT_UNBOUND);
    assert_int_equal(vmm->ports[2].state, PORT_UNBOUND);
    return vmm;
}

static void rm(struct vmm *vmm)
{
    vmm_stub_free(vmm);
}

/* Copy arg into guest memory at ARG, run the op, copy it back. */
static int64_t op(struct vcpu *v, uint64_t cmd, void *arg, size_t len)
{
    int64_t rc;

    assert_int_equal(gm_write(v->vmm, ARG, arg, len), 0);
    rc = evtchn_hc(v, cmd, ARG);
    assert_int_equal(gm_read(v->vmm, ARG, arg, len), 0);
    return rc;
}

static int pending(struct vmm *vmm, uint32_t port)
{
    return (vmm->sh->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static void test_virq_and_mask(void **state)
{
    struct vmm *vmm = mk();
    struct vcpu *v = &vmm->vcpus[0];
    struct evtchn_bind_virq bv = {.virq = VIRQ_TIMER, .vcpu = 0};
    struct evtchn_unmask um;

    vmm->sh->vcpu_info[0].evtchn_upcall_mask = 1;
    assert_int_equal(op(v, EVTCHNOP_bind_virq, &bv, sizeof(bv)), 0);
    assert_int_equal(bv.port, 3);
    assert_int_equal(op(v, EVTCHNOP_bind_virq, &bv, sizeof(bv)), -EEXIST);
    evtchn_raise_virq(v, VIRQ_TIMER);
    assert_true(pending(vmm, 3));
    assert_int_equal(vmm->sh->vcpu_info[0].evtchn_pending_sel, 1);
    assert_int_equal(vmm->sh->vcpu_info[0].evtchn_upcall_pending, 1);
    assert_int_equal(vmm_stub_kicks[0], 1);
    /* Masked port: pending is recorded, no upcall until unmask. */
    vmm->sh->evtchn_pending[0] = 0;
    vmm->sh->vcpu_info[0].evtchn_pending_sel = 0;
    vmm->sh->vcpu_info[0].evtchn_upcall_pending = 0;
    vmm->sh->evtchn_mask[0] = 1ul << 3;
    evtchn_raise_virq(v, VIRQ_TIMER);
    assert_true(pending(vmm, 3));
    assert_int_equal(vmm->sh->vcpu_info[0].evtchn_upcall_pending, 0);
    um.port = 3;
    assert_int_equal(op(v, EVTCHNOP_unmask, &um, sizeof(um)), 0);
    assert_int_equal(vmm->sh->evtchn_mask[0], 0);
    assert_int_equal(vmm->sh->vcpu_info[0].evtchn_upcall_pending, 1);
    rm(vmm);
}

static void test_ipi_loopback_close(void **state)
{
    struct vmm *vmm = mk();
    struct vcpu *v = &vmm->vcpus[0];
    struct evtchn_bind_ipi ipi = {.vcpu = 1};
    struct evtchn_alloc_unbound au = {.dom = DOMID_SELF,
                                      .remote_dom = DOMID_SELF};
    struct evtchn_bind_interdomain bi = {.remote_dom = DOMID_SELF};
    struct evtchn_send se;
    struct evtchn_close cl;
    struct evtchn_status st = {.dom = DOMID_SELF};

    assert_int_equal(op(v, EVTCHNOP_bind_ipi, &ipi, sizeof(ipi)), 0);
    se.port = ipi.port;
    assert_int_equal(op(v, EVTCHNOP_send, &se, sizeof(se)), 0);
    assert_int_equal(vmm->sh->vcpu_info[1].evtchn_upcall_pending, 1);
    assert_int_equal(vmm_stub_kicks[1], 1);
    assert_int_equal(op(v, EVTCHNOP_alloc_unbound, &au, sizeof(au)), 0);
    bi.remote_port = au.port;
    assert_int_equal(op(v, EVTCHNOP_bind_interdomain, &bi, sizeof(bi)), 0);
    se.port = bi.local_port;
    assert_int_equal(op(v, EVTCHNOP_send, &se, sizeof(se)), 0);
    assert_true(pending(vmm, au.port));
    st.port = bi.local_port;
    assert_int_equal(op(v, EVTCHNOP_status, &st, sizeof(st)), 0);
    assert_int_equal(st.status, EVTCHNSTAT_interdomain);
    assert_int_equal(st.u.interdomain.port, au.port);
    cl.port = bi.local_port;
    assert_int_equal(op(v, EVTCHNOP_close, &cl, sizeof(cl)), 0);
    assert_int_equal(op(v, EVTCHNOP_send, &se, sizeof(se)), -EINVAL);
    st.port = au.port; /* the peer is unbound again, as in Xen */
    assert_int_equal(op(v, EVTCHNOP_status, &st, sizeof(st)), 0);
    assert_int_equal(st.status, EVTCHNSTAT_unbound);
    rm(vmm);
}

static void test_hostile_args(void **state)
{
    struct vmm *vmm = mk();
    struct vcpu *v = &vmm->vcpus[0];
    struct evtchn_bind_virq bv = {.virq = 99, .vcpu = 0};
    struct evtchn_send se = {.port = 100000};
    struct evtchn_alloc_unbound au = {.dom = 3, .remote_dom = 0};

    assert_int_equal(evtchn_hc(v, EVTCHNOP_send, ~0ull - 2), -EFAULT);
    assert_int_equal(evtchn_hc(v, EVTCHNOP_send,
                               (RAM_PAGES + PVABI_SPECIAL_PAGES) * 4096ull),
                     -EFAULT);
    assert_int_equal(op(v, EVTCHNOP_bind_virq, &bv, sizeof(bv)), -EINVAL);
    bv.virq = VIRQ_TIMER;
    bv.vcpu = 7;
    assert_int_equal(op(v, EVTCHNOP_bind_virq, &bv, sizeof(bv)), -EINVAL);
    assert_int_equal(op(v, EVTCHNOP_send, &se, sizeof(se)), -EINVAL);
    assert_int_equal(op(v, EVTCHNOP_alloc_unbound, &au, sizeof(au)), -EPERM);
    assert_int_equal(evtchn_hc(v, 77, ARG), -ENOSYS);
    assert_int_equal(evtchn_hc(v, EVTCHNOP_bind_pirq, ARG), -ENOSYS);
    assert_int_equal(evtchn_hc(v, ~0ull, ARG), -ENOSYS);
    /* dom0 binds need a VM (ioeventfd): refused cleanly without one. */
    {
        int fds[2];
        assert_true(evtchn_bind_dom0(vmm, 1, fds) < 0);
        assert_int_equal(evtchn_bind_dom0(vmm, 0, fds), -EINVAL);
        assert_int_equal(evtchn_bind_dom0(vmm, 9999, fds), -EINVAL);
    }
    rm(vmm);
}

static void test_deliver(void **state)
{
    struct vmm *vmm = mk();
    struct vcpu *v = &vmm->vcpus[0];
    struct kvm_regs *r = &v->run->s.regs.regs;
    uint64_t frame[7];

    r->rip = 0x1234;
    r->rsp = 0x20008; /* not 16-aligned: the frame goes below 0x20000 */
    r->rcx = 11;
    r->r11 = 22;
    r->rflags = 0x2;
    assert_int_equal(evtchn_deliver(v), 0); /* no callback yet */
    v->event_cb = 0x5000;
    vmm->sh->vcpu_info[0].evtchn_upcall_pending = 1;
    vmm->sh->vcpu_info[0].evtchn_upcall_mask = 1;
    assert_int_equal(evtchn_deliver(v), 0); /* masked */
    vmm->sh->vcpu_info[0].evtchn_upcall_mask = 0;
    assert_int_equal(evtchn_deliver(v), 1);
    assert_int_equal(r->rip, 0x5000);
    assert_int_equal(r->rsp, 0x20000 - sizeof(frame));
    assert_int_equal(vmm->sh->vcpu_info[0].evtchn_upcall_mask, 1);
    assert_int_equal(gm_read(vmm, r->rsp, frame, sizeof(frame)), 0);
    assert_int_equal(frame[0], 11);
    assert_int_equal(frame[1], 22);
    assert_int_equal(frame[2], 0x1234);
    assert_int_equal(frame[3], PVABI_CS);
    assert_int_equal(frame[4], 0x202);
    assert_int_equal(frame[5], 0x20008);
    assert_int_equal(frame[6], PVABI_DS);
    /* A stack outside guest memory crashes the domain, not the VMM. */
    vmm->sh->vcpu_info[0].evtchn_upcall_mask = 0;
    r->rsp = 0x10;
    assert_true(evtchn_deliver(v) < 0);
    assert_int_equal(vmm_stub_last_shutdown, SHUTDOWN_crash);
    rm(vmm);
}

static void test_balloon_and_gnttab(void **state)
{
    struct vmm *vmm = mk();
    struct vcpu *v = &vmm->vcpus[0];
    xen_pfn_t pfns[2] = {100, 101}, frames[5];
    xen_memory_reservation_t res = {.nr_extents = 2, .domid = DOMID_SELF};
    struct gnttab_setup_table t = {.dom = DOMID_SELF, .nr_frames = 4};
    domid_t self = DOMID_SELF;

    assert_int_equal(gm_write(vmm, ARG, &self, sizeof(self)), 0);
    assert_int_equal(mem_hc_memory_op(v, XENMEM_current_reservation, ARG),
                     RAM_PAGES);
    set_xen_guest_handle(res.extent_start, (xen_pfn_t *)(uintptr_t)(ARG + 256));
    gm_write(vmm, ARG + 256, pfns, sizeof(pfns));
    gm_write(vmm, ARG + 512, &res, sizeof(res));
    assert_int_equal(
        mem_hc_memory_op(v, XENMEM_decrease_reservation, ARG + 512), 2);
    assert_int_equal(vmm->cur_pages, RAM_PAGES - 2);
    /* The same pages again: nothing left to give. */
    assert_int_equal(
        mem_hc_memory_op(v, XENMEM_decrease_reservation, ARG + 512), 0);
    assert_int_equal(
        mem_hc_memory_op(v, XENMEM_increase_reservation, ARG + 512), 2);
    assert_int_equal(vmm->cur_pages, RAM_PAGES);
    pfns[0] = RAM_PAGES + 3; /* not RAM */
    gm_write(vmm, ARG + 256, pfns, sizeof(pfns));
    assert_int_equal(
        mem_hc_memory_op(v, XENMEM_decrease_reservation, ARG + 512), 0);
    /* Grant table: PVABI_NR_GRANT_FRAMES special pages after RAM. */
    set_xen_guest_handle(t.frame_list, (xen_pfn_t *)(uintptr_t)(ARG + 1024));
    gm_write(vmm, ARG, &t, sizeof(t));
    assert_int_equal(mem_hc_grant_table_op(v, GNTTABOP_setup_table, ARG, 1), 0);
    gm_read(vmm, ARG, &t, sizeof(t));
    assert_int_equal(t.status, GNTST_okay);
    gm_read(vmm, ARG + 1024, frames, 4 * sizeof(frames[0]));
    assert_int_equal(frames[0], RAM_PAGES + PVABI_SP_GNTTAB);
    assert_int_equal(frames[3], RAM_PAGES + PVABI_SP_GNTTAB + 3);
    t.nr_frames = 5;
    gm_write(vmm, ARG, &t, sizeof(t));
    assert_int_equal(mem_hc_grant_table_op(v, GNTTABOP_setup_table, ARG, 1), 0);
    gm_read(vmm, ARG, &t, sizeof(t));
    assert_int_equal(t.status, GNTST_general_error);
    assert_int_equal(
        mem_hc_grant_table_op(v, GNTTABOP_setup_table, ARG, 100000), -EINVAL);
    rm(vmm);
}

/*
 * The control thread and other vcpus raise events and flip the domain's
 * flags while a vcpu consumes them: run under ThreadSanitizer by
 * test_vmm_tsan, which reports any access that is not atomic or locked.
 */
struct race {
    struct vmm *vmm;
    uint32_t port;
};

static void *race_sender(void *arg)
{
    struct race *r = arg;
    int i;

    for (i = 0; i < 20000; i++) {
        evtchn_send(r->vmm, r->port);
        r->vmm->paused = i & 1;
    }
    r->vmm->paused = 0;
    r->vmm->destroy = 1;
    return NULL;
}

static void test_threads(void **state)
{
    struct vmm *vmm = mk();
    struct vcpu *v = &vmm->vcpus[1];
    struct evtchn_bind_ipi ipi = {.vcpu = 1};
    struct vcpu_info *vi = &vmm->sh->vcpu_info[1];
    struct race r = {.vmm = vmm};
    pthread_t t;
    unsigned seen = 0;

    assert_int_equal(op(&vmm->vcpus[0], EVTCHNOP_bind_ipi, &ipi, sizeof(ipi)),
                     0);
    r.port = ipi.port;
    assert_int_equal(pthread_create(&t, NULL, race_sender, &r), 0);
    /* The guest's side: take the upcall, clear the bits, look again (once
     * more after the sender finished: its last event must be there). */
    for (;;) {
        int last = vmm->destroy;
        if (__atomic_exchange_n(&vi->evtchn_upcall_pending, 0,
                                __ATOMIC_SEQ_CST)) {
            __atomic_exchange_n(&vi->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
            __atomic_fetch_and(&vmm->sh->evtchn_pending[0], ~(1ul << ipi.port),
                               __ATOMIC_SEQ_CST);
            seen++;
        }
        (void)v->state;
        if (last)
            break;
    }
    pthread_join(t, NULL);
    assert_true(seen > 0);
    rm(vmm);
}

/* Put the stub for hypercall nr at STUB and enter it as the guest would:
 * KVM reports rip after the `out`. */
#define STUB 0x3000ull
#define OPS 0x40000ull /* mmuext_op array */
#define MCL 0x30000ull /* multicall list */
#define PDONE 0x2f00ull
#define NOPS 20000u

static void call(struct vcpu *v, unsigned nr, uint64_t a1, uint64_t a2,
                 uint64_t a3)
{
    struct kvm_regs *r = &v->run->s.regs.regs;
    unsigned char stub[8] = {0xb8, 0, 0, 0, 0, 0xe7, PVABI_HCALL_PORT, 0xc3};

    memcpy(stub + 1, &nr, 4);
    assert_int_equal(gm_write(v->vmm, STUB, stub, sizeof(stub)), 0);
    r->rax = nr;
    r->rip = STUB + 7;
    r->rdi = a1;
    r->rsi = a2;
    r->rdx = a3;
    v->pio_at = 0;
    assert_int_equal(hcall_dispatch(v), 0);
}

/*
 * A multicall of mmuext_ops with NOPS entries each: with the domain
 * paused it stops after one chunk and leaves the guest a continuation (rip
 * back on the stub, arguments advanced); re-issued until done, every op
 * is counted once and every entry's result is 0. Before preemption the
 * whole list ran in one exit whatever the pause said.
 */
static void test_preempt_multicall(void **state)
{
    struct vmm *vmm = mk();
    struct vcpu *v = &vmm->vcpus[0];
    struct kvm_regs *r = &v->run->s.regs.regs;
    struct mmuext_op mop = {.cmd = MMUEXT_TLB_FLUSH_LOCAL};
    struct multicall_entry e[3];
    unsigned i, rounds = 0, done[3];

    for (i = 0; i < NOPS; i++)
        gm_write(vmm, OPS + i * sizeof(mop), &mop, sizeof(mop));
    memset(e, 0, sizeof(e));
    for (i = 0; i < 3; i++) {
        e[i].op = __HYPERVISOR_mmuext_op;
        e[i].result = 77;
        e[i].args[0] = OPS;
        e[i].args[1] = NOPS;
        e[i].args[2] = PDONE + i * 8;
        e[i].args[3] = DOMID_SELF;
    }
    gm_write(vmm, MCL, e, sizeof(e));
    vmm->paused = 1;
    call(v, __HYPERVISOR_multicall, MCL, 3, 0);
    assert_int_equal(r->rip, STUB); /* continued, not returned */
    assert_int_equal(r->rdi, MCL);
    assert_int_equal(r->rsi, 3);
    gm_read(vmm, MCL, e, sizeof(e));
    assert_int_equal(e[0].result, 77);
    assert_int_equal(e[0].args[0], OPS + HCALL_PREEMPT_EVERY * sizeof(mop));
    assert_int_equal(e[0].args[1], (NOPS - HCALL_PREEMPT_EVERY) | 0x80000000u);
    /* Unpaused, a pending kick still preempts; then it runs to the end. */
    vmm->paused = 0;
    do {
        v->kick = rounds < 5;
        r->rip = r->rip + 7; /* the guest re-runs mov + out */
        v->pio_at = 0;
        assert_int_equal(hcall_dispatch(v), 0);
        rounds++;
        assert_true(rounds < 1000);
    } while (r->rip == STUB);
    assert_int_equal(r->rax, 0);
    assert_true(rounds > 5);
    gm_read(vmm, MCL, e, sizeof(e));
    gm_read(vmm, PDONE, done, sizeof(done[0]));
    gm_read(vmm, PDONE + 8, done + 1, sizeof(done[0]));
    gm_read(vmm, PDONE + 16, done + 2, sizeof(done[0]));
    for (i = 0; i < 3; i++) {
        assert_int_equal(e[i].result, 0);
        assert_int_equal(done[i], NOPS);
    }
    rm(vmm);
}

/* A balloon of many extents is continued through cmd's start extent. */
static void test_preempt_memory_op(void **state)
{
    struct vmm *vmm = mk();
    struct vcpu *v = &vmm->vcpus[0];
    struct kvm_regs *r = &v->run->s.regs.regs;
    xen_memory_reservation_t res = {.nr_extents = 200, .domid = DOMID_SELF};
    xen_pfn_t pfn;
    unsigned i;

    for (i = 0; i < 200; i++) {
        pfn = 20 + i;
        gm_write(vmm, OPS + i * sizeof(pfn), &pfn, sizeof(pfn));
    }
    set_xen_guest_handle(res.extent_start, (xen_pfn_t *)(uintptr_t)OPS);
    gm_write(vmm, ARG, &res, sizeof(res));
    vmm->paused = 1;
    /* Started as a continuation at extent 64 with the domain paused: the
     * first chunk always runs, so it ends at the next boundary (1024 is
     * past the end: it runs out). */
    call(v, __HYPERVISOR_memory_op, XENMEM_decrease_reservation | (64ull << 6),
         ARG, 0);
    assert_int_equal(r->rax, 200);
    assert_int_equal(vmm->cur_pages, RAM_PAGES - 136);
    rm(vmm);
}

/* console_io in a loop: one burst per window reaches the log, the rest
 * is dropped and counted for the one "suppressed" line. */
static void test_console_flood(void **state)
{
    struct vmm *vmm = mk();
    struct vcpu *v = &vmm->vcpus[0];
    static char text[16384];
    int i, err = dup(2), null = open("/dev/null", O_WRONLY);

    memset(text, 'c', sizeof(text));
    gm_write(vmm, OPS, text, sizeof(text));
    conlog_limit_init(&vmm->con_limit, VMM_CON_BURST, VMM_CON_WINDOW_MS);
    dup2(null, 2); /* the lines that pass go to the log (stderr) */
    for (i = 0; i < 20; i++) {
        call(v, __HYPERVISOR_console_io, CONSOLEIO_write, sizeof(text), OPS);
        assert_int_equal(v->run->s.regs.regs.rax, 0);
    }
    assert_int_equal(vmm->con_limit.used, VMM_CON_BURST);
    assert_int_equal(vmm->con_limit.dropped, 20 * sizeof(text) - VMM_CON_BURST);
    vmm->con_limit.start_ns -= VMM_CON_WINDOW_MS * 1000000ull;
    call(v, __HYPERVISOR_console_io, CONSOLEIO_write, sizeof(text), OPS);
    dup2(err, 2);
    close(err);
    close(null);
    assert_int_equal(vmm->con_limit.dropped, 0); /* reported */
    assert_int_equal(vmm->con_limit.used, sizeof(text));
    rm(vmm);
}

/* Protection of the page holding addr in our address space ("rw-s"). */
static void prot_of(const void *addr, char perms[5])
{
    char line[512];
    unsigned long lo, hi;
    FILE *f = fopen("/proc/self/maps", "r");

    assert_non_null(f);
    strcpy(perms, "none");
    while (fgets(line, sizeof(line), f)) {
        if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3 &&
            (unsigned long)addr >= lo && (unsigned long)addr < hi)
            break;
        strcpy(perms, "none");
    }
    fclose(f);
}

/*
 * A page given back is gone from the guest (no access: KVM faults instead
 * of allocating it again), from our accessor, and its bit is set in the
 * bitmap after guest memory that backends read; reclaimed, it is a fresh
 * zero page. Before, the page stayed mapped and a touch refilled it.
 */
static void test_balloon_unmaps(void **state)
{
    struct vmm *vmm = mk();
    struct vcpu *v = &vmm->vcpus[0];
    xen_memory_reservation_t res = {.nr_extents = 1, .domid = DOMID_SELF};
    unsigned char *page = vmm->mem + 100 * 4096;
    xen_pfn_t pfn = 100;
    char perms[5];

    page[5] = 'x';
    set_xen_guest_handle(res.extent_start, (xen_pfn_t *)(uintptr_t)(ARG + 256));
    gm_write(vmm, ARG + 256, &pfn, sizeof(pfn));
    gm_write(vmm, ARG + 512, &res, sizeof(res));
    assert_int_equal(
        mem_hc_memory_op(v, XENMEM_decrease_reservation, ARG + 512), 1);
    prot_of(page, perms);
    assert_string_equal(perms, "---s");
    assert_null(gm_ptr(vmm, 100 * 4096 + 8, 8));
    assert_null(gm_ptr(vmm, 99 * 4096 + 4000, 200)); /* straddles it */
    assert_non_null(gm_ptr(vmm, 99 * 4096, 4096));
    assert_int_equal(
        vmm->mem[RAM_PAGES * 4096 + PVABI_SPECIAL_PAGES * 4096 + 100 / 8],
        1 << (100 % 8));
    assert_int_equal(
        mem_hc_memory_op(v, XENMEM_increase_reservation, ARG + 512), 1);
    prot_of(page, perms);
    assert_string_equal(perms, "rw-s");
    assert_int_equal(page[5], 0);
    assert_non_null(gm_ptr(vmm, 100 * 4096 + 8, 8));
    rm(vmm);
}

UNIT_MAIN(cmocka_unit_test(test_virq_and_mask),
          cmocka_unit_test(test_ipi_loopback_close),
          cmocka_unit_test(test_hostile_args), cmocka_unit_test(test_deliver),
          cmocka_unit_test(test_balloon_and_gnttab),
          cmocka_unit_test(test_threads),
          cmocka_unit_test(test_preempt_multicall),
          cmocka_unit_test(test_preempt_memory_op),
          cmocka_unit_test(test_console_flood),
          cmocka_unit_test(test_balloon_unmaps))
