/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hcall.c: the hypercall table (Xen's numbers, x86_64 argument registers
 * rdi rsi rdx r10 r8) and the small hypercalls: console_io, xen_version,
 * callbacks, trap table (DPL3 IDT gates), iret, segment bases, mmuext TLB
 * ops, multicall. Unknown numbers return -ENOSYS and are logged once.
 */
#include "vmm/vmm.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <xen/callback.h>
#include <xen/features.h>
#include <xen/version.h>

#include "lib/log.h"
#include "proto/pvabi.h"

typedef int64_t hcall_fn(struct vcpu *v, uint64_t a1, uint64_t a2, uint64_t a3,
                         uint64_t a4, uint64_t a5);

#define CON_MAX_WRITE 16384

static uint64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * Whole lines into the VMM log, so tests and `xm` can read them. A guest
 * writing in a loop gets VMM_CON_BURST bytes per window through and the
 * rest dropped, with one "suppressed" line per window (Xen rate-limits
 * guest printk the same way); the log file itself is capped and rotated.
 */
static int64_t hc_console_io(struct vcpu *v, uint64_t cmd, uint64_t count,
                             uint64_t buf, uint64_t a4, uint64_t a5)
{
    struct vmm *vmm = v->vmm;
    uint64_t i, suppressed;
    const char *p;
    size_t pass;

    if (cmd == CONSOLEIO_read)
        return 0;
    if (cmd != CONSOLEIO_write)
        return -ENOSYS;
    if (count > CON_MAX_WRITE)
        count = CON_MAX_WRITE;
    p = gm_ptr(vmm, buf, count);
    if (!p)
        return -EFAULT;
    pthread_mutex_lock(&vmm->lock);
    pass = conlog_limit_take(&vmm->con_limit, mono_ns(), count, &suppressed);
    if (suppressed)
        log_warnx("dom %u (%s): console: suppressed %llu bytes", vmm->domid,
                  vmm->name, (unsigned long long)suppressed);
    for (i = 0; i < pass; i++) {
        char c = p[i];
        if (c == '\n' || vmm->con_len == sizeof(vmm->con) - 1) {
            vmm->con[vmm->con_len] = '\0';
            log_info("console: %s", vmm->con);
            vmm->con_len = 0;
            if (c == '\n')
                continue;
        }
        if (c != '\r')
            vmm->con[vmm->con_len++] = c;
    }
    if (vmm->log && (pass || suppressed))
        conlog_check(vmm->log);
    pthread_mutex_unlock(&vmm->lock);
    return 0; /* dropped output is not the guest's error */
}

static int64_t put_str(struct vmm *vmm, uint64_t arg, const char *s,
                       size_t size)
{
    char buf[1024] = {0};

    snprintf(buf, sizeof(buf), "%s", s);
    return gm_write(vmm, arg, buf, size < sizeof(buf) ? size : sizeof(buf));
}

static int64_t hc_xen_version(struct vcpu *v, uint64_t cmd, uint64_t arg,
                              uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct vmm *vmm = v->vmm;
    xen_platform_parameters_t pp = {.virt_start = 0xffff800000000000ul};
    xen_feature_info_t fi;
    char extra[32];

    switch (cmd) {
    case XENVER_version:
        return (PVABI_XEN_MAJOR << 16) | PVABI_XEN_MINOR;
    case XENVER_extraversion:
        snprintf(extra, sizeof(extra), "-pvabi%d", PVABI_VERSION);
        return put_str(vmm, arg, extra, sizeof(xen_extraversion_t));
    case XENVER_capabilities:
        return put_str(vmm, arg, "xen-3.0-x86_64",
                       sizeof(xen_capabilities_info_t));
    case XENVER_changeset:
        return put_str(vmm, arg, "pvstack", sizeof(xen_changeset_info_t));
    case XENVER_commandline:
        return put_str(vmm, arg, "", sizeof(xen_commandline_t));
    case XENVER_platform_parameters:
        return gm_write(vmm, arg, &pp, sizeof(pp));
    case XENVER_get_features:
        if (gm_read(vmm, arg, &fi, sizeof(fi)))
            return -EFAULT;
        fi.submap = fi.submap_idx == 0 ? 1u << XENFEAT_writable_page_tables : 0;
        return gm_write(vmm, arg, &fi, sizeof(fi));
    case XENVER_pagesize:
        return 4096;
    case XENVER_guest_handle:
        return put_str(vmm, arg, "", sizeof(xen_domain_handle_t));
    default:
        return -ENOSYS;
    }
}

static void set_callback(struct vcpu *v, unsigned type, uint64_t addr)
{
    if (type == CALLBACKTYPE_event)
        v->event_cb = addr;
    else if (type == CALLBACKTYPE_failsafe)
        v->failsafe_cb = addr;
}

static int64_t hc_callback_op(struct vcpu *v, uint64_t cmd, uint64_t arg,
                              uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct callback_register cr;
    struct callback_unregister cu;

    if (cmd == CALLBACKOP_register) {
        if (gm_read(v->vmm, arg, &cr, sizeof(cr)))
            return -EFAULT;
        set_callback(v, cr.type, cr.address);
        return 0;
    }
    if (cmd == CALLBACKOP_unregister) {
        if (gm_read(v->vmm, arg, &cu, sizeof(cu)))
            return -EFAULT;
        set_callback(v, cu.type, 0);
        return 0;
    }
    return -ENOSYS;
}

static int64_t hc_set_callbacks(struct vcpu *v, uint64_t ev, uint64_t fs,
                                uint64_t sys, uint64_t a4, uint64_t a5)
{
    v->event_cb = ev;
    v->failsafe_cb = fs;
    return 0;
}

/* Trap table -> DPL3 interrupt gates on PVABI_CS in the IDT page, which
 * the vcpus' IDTR already points at (the CPU reads it from memory). */
static int64_t hc_set_trap_table(struct vcpu *v, uint64_t traps, uint64_t a2,
                                 uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct vmm *vmm = v->vmm;
    uint64_t *idt = gm_ptr(vmm, vmm->br.idt, 4096);
    struct trap_info t;
    unsigned i;

    if (!traps) {
        memset(idt, 0, 4096);
        return 0;
    }
    for (i = 0; i < 256; i++) {
        if (gm_read(vmm, traps + i * sizeof(t), &t, sizeof(t)))
            return -EFAULT;
        if (t.address == 0 && t.vector == 0 && t.cs == 0 && t.flags == 0)
            break;
        if (t.address == 0) /* no gate for this vector */
            continue;
        idt[t.vector * 2] = (t.address & 0xffff) | ((uint64_t)PVABI_CS << 16) |
                            (0xeeull << 40) |
                            (((t.address >> 16) & 0xffff) << 48);
        idt[t.vector * 2 + 1] = t.address >> 32;
    }
    return 0;
}

static int64_t hc_ok(struct vcpu *v, uint64_t a1, uint64_t a2, uint64_t a3,
                     uint64_t a4, uint64_t a5)
{
    return 0;
}

static int64_t hc_set_segment_base(struct vcpu *v, uint64_t which,
                                   uint64_t base, uint64_t a3, uint64_t a4,
                                   uint64_t a5)
{
    struct kvm_sregs *s = &v->run->s.regs.sregs;

    if (which == SEGBASE_FS)
        s->fs.base = base;
    else if (which == SEGBASE_GS_USER || which == SEGBASE_GS_KERNEL)
        s->gs.base = base;
    else
        return -EINVAL;
    v->run->kvm_dirty_regs |= KVM_SYNC_X86_SREGS;
    return 0;
}

/* Xen's flag in mmuext_op's count: a continuation, pdone holds the count
 * done so far (xen/arch/x86/mm.c). */
#define MMU_UPDATE_PREEMPTED 0x80000000u

/* The guest edits its own page tables (seen at once under shadow paging);
 * TLB maintenance is a no-op, everything else is not ours to do. A count
 * of millions is preempted and continued as Xen does. */
static int64_t hc_mmuext_op(struct vcpu *v, uint64_t ops, uint64_t count64,
                            uint64_t pdone, uint64_t dom, uint64_t a5)
{
    unsigned count = (unsigned)count64, done = 0, i;
    struct mmuext_op op;
    int64_t rc = 0;

    if (count & MMU_UPDATE_PREEMPTED) {
        count &= ~MMU_UPDATE_PREEMPTED;
        if (pdone && gm_read(v->vmm, pdone, &done, sizeof(done)))
            return -EFAULT;
    }
    for (i = 0; i < count; i++) {
        if (i && i % HCALL_PREEMPT_EVERY == 0 && hcall_preempt_check(v)) {
            rc = hcall_continue(v, ops + (uint64_t)i * sizeof(op),
                                (count - i) | MMU_UPDATE_PREEMPTED, pdone, dom,
                                a5);
            break;
        }
        if (gm_read(v->vmm, ops + (uint64_t)i * sizeof(op), &op, sizeof(op))) {
            rc = -EFAULT;
            break;
        }
        if (op.cmd < MMUEXT_TLB_FLUSH_LOCAL || op.cmd > MMUEXT_INVLPG_ALL) {
            rc = -ENOSYS;
            break;
        }
    }
    done += i;
    if (pdone && gm_write(v->vmm, pdone, &done, sizeof(done)))
        return -EFAULT;
    return rc;
}

static int64_t hc_multicall(struct vcpu *v, uint64_t list, uint64_t nr,
                            uint64_t a3, uint64_t a4, uint64_t a5);

static hcall_fn *const hcall_table[] = {
    [__HYPERVISOR_set_trap_table] = hc_set_trap_table,
    [__HYPERVISOR_set_callbacks] = hc_set_callbacks,
    [__HYPERVISOR_fpu_taskswitch] = hc_ok,
    [__HYPERVISOR_stack_switch] = hc_ok,
    [__HYPERVISOR_multicall] = hc_multicall,
    [__HYPERVISOR_xen_version] = hc_xen_version,
    [__HYPERVISOR_console_io] = hc_console_io,
    [__HYPERVISOR_vm_assist] = hc_ok,
    [__HYPERVISOR_set_segment_base] = hc_set_segment_base,
    [__HYPERVISOR_mmuext_op] = hc_mmuext_op,
    [__HYPERVISOR_callback_op] = hc_callback_op,
};

#define NR_HCALLS (sizeof(hcall_table) / sizeof(hcall_table[0]))

static int64_t hcall_call(struct vcpu *v, uint64_t nr, const uint64_t a[5])
{
    struct vmm *vmm = v->vmm;

    /* The calls sched.c, evtchn.c and mem.c serve, with their arguments. */
    switch (nr) {
    case __HYPERVISOR_set_timer_op:
        return sched_hc_set_timer(v, a[0]);
    case __HYPERVISOR_sched_op:
        return sched_hc_sched_op(v, a[0], a[1]);
    case __HYPERVISOR_vcpu_op:
        return sched_hc_vcpu_op(v, a[0], a[1], a[2]);
    case __HYPERVISOR_event_channel_op:
        return evtchn_hc(v, a[0], a[1]);
    case __HYPERVISOR_memory_op:
        return mem_hc_memory_op(v, a[0], a[1]);
    case __HYPERVISOR_grant_table_op:
        return mem_hc_grant_table_op(v, a[0], a[1], a[2]);
    }
    if (nr < NR_HCALLS && hcall_table[nr])
        return hcall_table[nr](v, a[0], a[1], a[2], a[3], a[4]);
    if (nr < 128 && !(vmm->hc_logged[nr / 64] & (1ull << (nr % 64)))) {
        vmm->hc_logged[nr / 64] |= 1ull << (nr % 64);
        log_warnx("dom %u (%s): unknown hypercall %llu -> -ENOSYS", vmm->domid,
                  vmm->name, (unsigned long long)nr);
    }
    return -ENOSYS;
}

/*
 * As Xen's do_multicall: entries run in order, each result written back.
 * Between entries, and inside one that preempts itself (its arguments are
 * updated in place), the multicall continues at the current entry.
 */
static int64_t hc_multicall(struct vcpu *v, uint64_t list, uint64_t nr,
                            uint64_t a3, uint64_t a4, uint64_t a5)
{
    struct multicall_entry e;
    int64_t rc;
    uint64_t i;

    nr = (unsigned)nr;
    for (i = 0; i < nr; i++) {
        uint64_t a = list + i * sizeof(e);
        if (i && hcall_preempt_check(v))
            return hcall_continue(v, a, nr - i, 0, 0, 0);
        if (gm_read(v->vmm, a, &e, sizeof(e)))
            return -EFAULT;
        if (e.op == __HYPERVISOR_iret || e.op == __HYPERVISOR_multicall) {
            e.result = (xen_ulong_t)-EINVAL;
        } else {
            rc = hcall_call(v, e.op, e.args);
            if (rc == -ERESTART) {
                memcpy(e.args, v->cont, sizeof(v->cont));
                if (gm_write(v->vmm, a, &e, sizeof(e)))
                    return -EFAULT;
                return hcall_continue(v, a, nr - i, 0, 0, 0);
            }
            e.result = (xen_ulong_t)rc;
        }
        if (gm_write(v->vmm, a, &e, sizeof(e)))
            return -EFAULT;
    }
    return 0;
}

/* HYPERVISOR_iret: the stub pushed rcx, r11, rax onto the guest's frame. */
static int hc_iret(struct vcpu *v)
{
    struct kvm_regs *r = &v->run->s.regs.regs;
    struct iret_context c;

    if (gm_read(v->vmm, r->rsp, &c, sizeof(c))) {
        sched_shutdown(v->vmm, SHUTDOWN_crash, "iret: bad guest stack");
        return -EFAULT;
    }
    r->rax = c.rax;
    r->r11 = c.r11;
    r->rcx = c.rcx;
    r->rip = c.rip;
    r->rsp = c.rsp;
    r->rflags = (c.rflags & 0xcd5) | 0x202; /* no IOPL/TF games */
    if (v->id < VMM_MAX_VCPUS)
        __atomic_store_n(&v->vmm->sh->vcpu_info[v->id].evtchn_upcall_mask,
                         !(c.rflags & 0x200), __ATOMIC_SEQ_CST);
    v->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
    v->pio_at = 0; /* rip moved: KVM will not skip the out */
    return 0;
}

/*
 * Where the guest re-issues this hypercall: the stub's `mov $nr, %eax`
 * before the `out` (a new rip, so KVM does not skip the out again), or the
 * out itself when KVM already stepped past it and rax still holds nr. 0
 * when neither is safe; the call then runs to its end.
 */
static uint64_t restart_rip(struct vcpu *v, uint64_t nr)
{
    uint64_t rip = v->run->s.regs.regs.rip;
    uint64_t out = v->pio_at ? v->pio_at : rip - 2;
    const unsigned char *mov = out >= 5 ? gm_ptr(v->vmm, out - 5, 5) : NULL;
    uint32_t imm;

    if (mov && mov[0] == 0xb8) {
        memcpy(&imm, mov + 1, 4);
        if (imm == nr)
            return out - 5;
    }
    return v->pio_at ? 0 : out;
}

int hcall_dispatch(struct vcpu *v)
{
    struct kvm_regs *r = &v->run->s.regs.regs;
    uint64_t nr = r->rax & 0xffffffffu;
    uint64_t a[5] = {r->rdi, r->rsi, r->rdx, r->r10, r->r8};
    int64_t rc;

    /* CR2 is unreadable at CPL3: publish it as Xen does (pvabi.h). */
    if (v->id < VMM_MAX_VCPUS)
        v->vmm->sh->vcpu_info[v->id].arch.cr2 = v->run->s.regs.sregs.cr2;
    if (nr == __HYPERVISOR_iret)
        return hc_iret(v);
    v->restart_rip = restart_rip(v, nr);
    rc = hcall_call(v, nr, a);
    if (rc == -ERESTART) {
        /* Xen's hypercall_create_continuation(): new arguments, rip back
         * to the call; pause/destroy/upcalls happen before it re-runs. */
        r->rdi = v->cont[0];
        r->rsi = v->cont[1];
        r->rdx = v->cont[2];
        r->r10 = v->cont[3];
        r->r8 = v->cont[4];
        r->rip = v->restart_rip;
        v->pio_at = 0;
    } else {
        r->rax = (uint64_t)rc;
    }
    v->restart_rip = 0;
    v->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
    return 0;
}
