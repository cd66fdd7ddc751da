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

#endif
