/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * testkernel.S: tiny Xen PV test kernels for the VMM's own tests and
 * benchmarks, independent of guest/. Built per mode (-DMODE_*):
 *   HELLO  print "pvtest: hello" with console_io, SCHEDOP_shutdown(REASON)
 *   CRASH  print, then store to an unmapped address (no IDT: triple fault)
 *   ECHO   print, then forever: block; on port 1 (store port) pending,
 *          clear it and notify port 1 back (the event round-trip bench)
 *   SPIN   print, then burn CPU forever (pause tests)
 */
#define ELFNOTE(type, desctype, descdata)                                 \
    .pushsection .note.Xen, "a", @note; .balign 4;                        \
    .long 2f - 1f; .long 4f - 3f; .long type;                             \
    1 : .asciz "Xen"; 2 : .balign 4; 3 : desctype descdata; 4 : .balign 4; \
    .popsection

ELFNOTE(6, .asciz, "pvtest")          /* GUEST_OS */
ELFNOTE(5, .asciz, "xen-3.0")         /* XEN_VERSION */
ELFNOTE(3, .quad, 0)                  /* VIRT_BASE */
ELFNOTE(1, .quad, _start)             /* ENTRY */
ELFNOTE(2, .quad, hypercall_page)     /* HYPERCALL_PAGE */

#ifndef REASON
#define REASON 0
#endif
#define HC(n) (hypercall_page + (n) * 32)

    .text
    .globl _start
_start:
    mov 40(%rsi), %r15              /* start_info->shared_info */
    mov $0, %edi                    /* CONSOLEIO_write */
    mov $(msgend - msg), %esi
    lea msg(%rip), %rdx
    call HC(18)
#if defined(MODE_CRASH)
    movabs $0x7fff00000000, %rax
    movq $1, (%rax)
#elif defined(MODE_SPIN)
1:  jmp 1b
#elif defined(MODE_ECHO)
2:  mov $1, %edi                    /* SCHEDOP_block */
    xor %esi, %esi
    call HC(29)
    movb $0, 0(%r15)                /* vcpu_info[0].evtchn_upcall_pending */
    movq $0, 8(%r15)                /* evtchn_pending_sel */
    lock btrq $1, 2048(%r15)        /* evtchn_pending: port 1 */
    jnc 2b
    mov $1, %eax
    out %eax, $0xe8                 /* notify port 1 (ioeventfd) */
    jmp 2b
#endif
    movl $REASON, reason(%rip)
    mov $2, %edi                    /* SCHEDOP_shutdown */
    lea reason(%rip), %rsi
    call HC(29)
3:  jmp 3b

    .data
msg: .ascii "pvtest: hello\n"
msgend:
reason: .long 0
    .balign 4096
hypercall_page: .fill 4096, 1, 0
