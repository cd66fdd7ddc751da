/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pvabi.h: the kvm engine's hypercall transport, shared by the VMM
 * (toolstack/vmm, toolstack/builder) and the PV guest kernel (guest/).
 * Everything else a guest sees is Xen's x86_64 PV ABI from Debian's
 * libxen-dev headers (xen/xen.h start_info, shared_info, event channels,
 * grant tables). Freestanding: stdint only. Compare Solo5 hvt_abi.h.
 *
 * Why this exists: on our nested KVM (kvm_pvm) guest CPL0 is emulated ~1000x
 * slower and vmcall never reaches user space, so the guest kernel runs at CPL3
 * (as x86_64 Xen PV kernels do) and reaches the VMM through port I/O.
 */
#ifndef XT_PROTO_PVABI_H
#define XT_PROTO_PVABI_H

#include <stdint.h>

/* Bumped on any incompatible change; the guest checks it at boot via
 * XENVER_extraversion ("-pvabi<N>") and refuses to run on a mismatch. */
#define PVABI_VERSION 1
/* The Xen release whose PV ABI the kvm engine implements: XENVER_version
 * to guests, xen_major/xen_minor in `xl info`. */
#define PVABI_XEN_MAJOR 4
#define PVABI_XEN_MINOR 17

/*
 * Hypercall page: the builder fills the page named by the kernel's
 * XEN_ELFNOTE_HYPERCALL_PAGE with one 32-byte stub per hypercall number,
 *     mov $nr, %eax ; out %eax, $PVABI_HCALL_PORT ; ret
 * (imm8 port, so no argument register is clobbered). Arguments are in
 * rdi, rsi, rdx, r10, r8 and the result in rax, as on Xen x86_64.
 * __HYPERVISOR_iret's stub pushes r11, rcx, rax first (Xen's layout of
 * struct iret_context), and never returns.
 */
#define PVABI_HCALL_PORT 0xe4
#define PVABI_HCALL_STUB_SIZE 32

/*
 * Fast event-channel notify: out %eax, $PVABI_NOTIFY_PORT with eax = local
 * port equals EVTCHNOP_send on that port. The VMM backs ports bound to a
 * dom0 backend with an ioeventfd (datamatch = port), so those notifications
 * never exit to user space; other ports exit and are handled like
 * EVTCHNOP_send.
 */
#define PVABI_NOTIFY_PORT 0xe8

/* The TSS I/O permission bitmap covers ports 0..PVABI_IOBITMAP_PORTS-1;
 * the builder clears the bits of the two ports above, all others are set. */
#define PVABI_IOBITMAP_PORTS 256

/* CPL3 flat selectors the guest runs on (the host's own user selectors: a
 * CPL3->CPL3 iretq with them runs natively on kvm_pvm). */
#define PVABI_CS 0x33
#define PVABI_DS 0x2b

/*
 * Start of day (differences from Xen's layout, xen/xen.h):
 *  - VIRT_BASE must be 0: virtual == pseudo-physical. The initial page
 *    tables map ALL guest pages (RAM plus the special pages below) 1:1 with
 *    U/S set at every level, so the guest never has to edit page tables to
 *    reach shared_info, grant frames or ring pages (the VMM's own later
 *    writes to page tables are not seen under shadow paging).
 *  - mfn == pfn; start_info->mfn_list is the identity list.
 *  - start_info->shared_info is the physical address of the shared_info page,
 *    which lives in guest memory above nr_pages (a special page).
 *  - rsi = &start_info, rsp = top of a boot stack, rip = ELF entry, CPL3.
 */
#define PVABI_SPECIAL_PAGES 16 /* pages above RAM the VMM owns */
#define PVABI_NR_GRANT_FRAMES 4

/*
 * Special pages (PVABI_SPECIAL_PAGES of them) start at pfn
 * start_info->nr_pages (the boot RAM size) and are identity-mapped like RAM:
 */
#define PVABI_SP_SHARED_INFO 0 /* shared_info (start_info->shared_info) */
#define PVABI_SP_GNTTAB 1      /* PVABI_NR_GRANT_FRAMES grant-table frames */
#define PVABI_SP_IDT 5         /* DPL3 IDT the VMM builds (set_trap_table) */
#define PVABI_SP_GDT 6         /* GDT: null, 0x33/0x2b user segs, TSS at 0x40 */
#define PVABI_SP_TSS 7         /* TSS + I/O bitmap */

/*
 * RAM layout the builder uses (Xen's order): kernel image, ramdisk
 * (mod_start/mod_len, virtual == physical), start_info page, xenstore page,
 * console page, page tables (pt_base, nr_pt_frames), boot stack (16 KiB);
 * rsp = top of the boot stack.
 *
 * Events: when a vcpu leaves the guest (hypercall, kick) with
 * vcpu_info.evtchn_upcall_pending set and evtchn_upcall_mask clear, the VMM
 * sets the mask, writes Xen's bounce frame [rcx, r11, rip, cs, rflags, rsp,
 * ss] (low to high) below the interrupted rsp rounded down to 16 and enters
 * the event callback (set_callbacks / CALLBACKTYPE_event) with rsp at rcx.
 * The saved rflags has IF set (= events were unmasked). The callback returns
 * with HYPERVISOR_iret (restores the mask from IF) or pops rcx/r11, clears
 * the mask itself, and runs a native iretq (then it must re-check
 * evtchn_upcall_pending, e.g. with a cheap hypercall such as xen_version).
 *
 * Traps: HYPERVISOR_set_trap_table entries (vector, flags, cs, address)
 * become DPL3 interrupt gates on selector PVABI_CS in the IDT page; the VMM
 * loads it with KVM_SET_SREGS. Faults then arrive as the CPU pushes them
 * (error code where the CPU has one), on the current stack. CR2 cannot be
 * read at CPL3: on every hypercall exit the VMM copies the vcpu's CR2 into
 * vcpu_info.arch.cr2, so a #PF handler makes any cheap hypercall (e.g.
 * xen_version(XENVER_version)) first and then reads arch.cr2. A fault with
 * no handler crashes the domain.
 *
 * Balloon (XENMEM_decrease_reservation / increase_reservation): extent_start
 * holds guest pfns (== mfns) with extent_order 0; increase_reservation only
 * re-populates pfns given back earlier.
 *
 * Secondary vcpus: VCPUOP_initialise takes struct vcpu_guest_context; only
 * user_regs (rip, rsp, rsi, rdi, rflags) and the event/failsafe callback
 * addresses are used; VCPUOP_up starts it on the boot page tables.
 */

/*
 * Time (guest relies on this): shared_info->vcpu_info[n].time (struct
 * vcpu_time_info) is valid from the first instruction: system_time in ns
 * since the domain was built at tsc_timestamp, tsc_to_system_mul/tsc_shift
 * from the host TSC (rdtsc in the guest reads the host TSC, no offset).
 * set_timer_op and VCPUOP_set_singleshot_timer take that system time;
 * expiry raises VIRQ_TIMER on the vcpu. A trap_info entry with address 0
 * gets no gate. Secondary vcpus share the boot vcpu's IDT.
 */

#endif
