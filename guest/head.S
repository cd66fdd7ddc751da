/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * head.S: Xen ELF notes, the hypercall page, the boot and secondary-vcpu
 * entry points, the event callback and the trap stubs, for both platforms
 * (guest/platform.h). Everything runs at CPL3; frames from the VMM (events) and the CPU (traps) are turned into one
 * struct regs (guest/traps.h) for do_entry().
 */
#include <xen/elfnote.h>

#define __HYPERVISOR_iret 23 /* xen/xen.h is C only */

#define STACK_SIZE (16 * 1024)

.macro NOTE type, body:vararg
    .pushsection .note.Xen, "a", @note
    .balign 4
    .long 4
    .long 2f - 1f
    .long \type
    .asciz "Xen"
    .balign 4
1:  \body
2:  .balign 4
    .popsection
.endm

    NOTE XEN_ELFNOTE_GUEST_OS, .asciz "pvstack"
    NOTE XEN_ELFNOTE_GUEST_VERSION, .asciz "1"
    NOTE XEN_ELFNOTE_XEN_VERSION, .asciz "xen-3.0"
    NOTE XEN_ELFNOTE_LOADER, .asciz "generic"
    NOTE XEN_ELFNOTE_VIRT_BASE, .quad 0
    NOTE XEN_ELFNOTE_PADDR_OFFSET, .quad 0
    NOTE XEN_ELFNOTE_ENTRY, .quad _start
    NOTE XEN_ELFNOTE_HYPERCALL_PAGE, .quad hypercall_page
    NOTE XEN_ELFNOTE_FEATURES, .asciz "!writable_page_tables"

    .section .text.head, "ax"
    .code64
    .globl _start
_start:
    cld
    movq %rsi, %r12             /* start_info, identity-mapped */
    movq %rsp, %r13             /* boot stack: the allocator skips it */
    /* No bss clearing: an ELF loader zeroes memsz beyond filesz (Xen's
     * libelf, our builder, on memory that is zero anyway), and on the kvm
     * engine each first touch of a page is a costly shadow-paging fault:
     * writing the 3 MB bss was ~760 of them, most of the boot. */
    leaq cpu_stacks + STACK_SIZE(%rip), %rsp
    xorl %ebp, %ebp
    movq %r12, %rdi
    movq %r13, %rsi
    call start_kernel
1:  jmp 1b                      /* start_kernel never returns; hlt is #GP */

    /* The builder overwrites this page with one stub per hypercall. */
    .balign 4096
    .globl hypercall_page
hypercall_page:
    .fill 4096, 1, 0xcc

    .text
/* long hypercall(nr, a1, a2, a3, a4, a5): tail-jumps into the stub. */
    .globl hypercall
hypercall:
    movq %rdi, %rax
    shlq $5, %rax
    leaq hypercall_page(%rip), %r11
    addq %r11, %rax
    movq %rsi, %rdi
    movq %rdx, %rsi
    movq %rcx, %rdx
    movq %r8, %r10
    movq %r9, %r8
    jmp *%rax

/* A secondary vcpu starts here (VCPUOP_initialise): rsp = top of its
 * stack, rdi = its vcpu id. */
    .globl secondary_start
secondary_start:
    andq $-16, %rsp
    xorl %ebp, %ebp
    call smp_secondary_main
1:  jmp 1b

.macro SAVE_ALL
    pushq %rax
    pushq %rbx
    pushq %rcx
    pushq %rdx
    pushq %rsi
    pushq %rdi
    pushq %rbp
    pushq %r8
    pushq %r9
    pushq %r10
    pushq %r11
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
.endm

.macro RESTORE_ALL
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %r11
    popq %r10
    popq %r9
    popq %r8
    popq %rbp
    popq %rdi
    popq %rsi
    popq %rdx
    popq %rcx
    popq %rbx
    popq %rax
.endm

/* Save the registers, call do_entry(frame) on an aligned stack, restore
 * them and drop the vector and error code: the frame is iret-ready. Xen
 * shows a kernel frame with RPL 0 in cs and ss ("kernel context"), but
 * the kernel runs in ring 3: a native iretq needs RPL 3 (no-op on the
 * kvm engine's 0x33/0x2b). */
.macro DO_ENTRY
    SAVE_ALL
    movq %rsp, %rdi
    movq %rsp, %rbx
    andq $-16, %rsp
    call do_entry
    movq %rbx, %rsp
    RESTORE_ALL
    addq $16, %rsp
    orb $3, 8(%rsp)
    orb $3, 32(%rsp)
.endm

/* Event callback: rsp -> rcx, r11, iret frame (Xen's bounce frame).
 * Returns with a native iretq (events_do_upcall unmasked), or with
 * HYPERVISOR_iret when events_hyp_iret is set (the VMM unmasks from the
 * frame's IF and delivers what is pending in the same exit). */
    .globl hypervisor_callback
hypervisor_callback:
    popq %rcx
    popq %r11
    pushq $0                    /* error code slot */
    pushq $-1                   /* vector -1: event upcall */
    DO_ENTRY
    testb $1, events_hyp_iret(%rip) /* rflags come back from the frame */
    jnz 1f
    iretq
1:  pushq $0                    /* iret_context.flags: not in a syscall */
    jmp hypercall_page + __HYPERVISOR_iret * 32

entry_common:
    DO_ENTRY
    iretq

/* trap_N: the CPU's frame (kvm engine). xtrap_N: Xen's bounce frame,
 * rcx and r11 above the CPU's layout; popping them restores the
 * interrupted values, then it is the same frame. */
.macro XTRAP vec
    .globl xtrap_\vec
xtrap_\vec:
    popq %rcx
    popq %r11
    jmp trap_\vec
.endm

.macro TRAP_NOERR vec
    .globl trap_\vec
trap_\vec:
    pushq $0
    pushq $\vec
    jmp entry_common
    XTRAP \vec
.endm

.macro TRAP_ERR vec
    .globl trap_\vec
trap_\vec:
    pushq $\vec
    jmp entry_common
    XTRAP \vec
.endm

    TRAP_NOERR 0
    TRAP_NOERR 1
    TRAP_NOERR 2
    TRAP_NOERR 3
    TRAP_NOERR 4
    TRAP_NOERR 5
    TRAP_NOERR 6
    TRAP_NOERR 7
    TRAP_ERR 8
    TRAP_NOERR 9
    TRAP_ERR 10
    TRAP_ERR 11
    TRAP_ERR 12
    TRAP_ERR 13
    TRAP_ERR 14
    TRAP_NOERR 16
    TRAP_ERR 17
    TRAP_NOERR 18
    TRAP_NOERR 19
    TRAP_NOERR 20
