/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hypercall.h: typed wrappers over the builder-filled hypercall page
 * (include/proto/pvabi.h). Every call goes through hypercall() in head.S,
 * which moves the SysV arguments into Xen's rdi, rsi, rdx, r10, r8 and
 * jumps to the stub. Results are Xen's: >= 0 or -XEN_E*.
 */
#ifndef XT_GUEST_HYPERCALL_H
#define XT_GUEST_HYPERCALL_H

#include <stdint.h>

#include <xen/callback.h>
#include <xen/errno.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/version.h>
#include <xen/xen.h>

#include "proto/pvabi.h"

long hypercall(unsigned nr, unsigned long a1, unsigned long a2,
               unsigned long a3, unsigned long a4, unsigned long a5);
extern char hypercall_page[];

#define HC(nr, a1, a2, a3)                                                     \
    hypercall((nr), (unsigned long)(a1), (unsigned long)(a2),                  \
              (unsigned long)(a3), 0, 0)

static inline long hyp_console_write(const char *s, unsigned len)
{
    return HC(__HYPERVISOR_console_io, CONSOLEIO_write, len, s);
}

static inline long hyp_sched_op(int cmd, void *arg)
{
    return HC(__HYPERVISOR_sched_op, cmd, arg, 0);
}

static inline long hyp_evtchn_op(int cmd, void *arg)
{
    return HC(__HYPERVISOR_event_channel_op, cmd, arg, 0);
}

static inline long hyp_gnttab_op(int cmd, void *arg, unsigned count)
{
    return HC(__HYPERVISOR_grant_table_op, cmd, arg, count);
}

static inline long hyp_memory_op(int cmd, void *arg)
{
    return HC(__HYPERVISOR_memory_op, cmd, arg, 0);
}

static inline long hyp_xen_version(int cmd, void *arg)
{
    return HC(__HYPERVISOR_xen_version, cmd, arg, 0);
}

static inline long hyp_vcpu_op(int cmd, unsigned vcpu, void *arg)
{
    return HC(__HYPERVISOR_vcpu_op, cmd, vcpu, arg);
}

static inline long hyp_set_timer_op(uint64_t deadline_ns)
{
    return HC(__HYPERVISOR_set_timer_op, deadline_ns, 0, 0);
}

static inline long hyp_set_trap_table(const struct trap_info *t)
{
    return HC(__HYPERVISOR_set_trap_table, t, 0, 0);
}

static inline long hyp_callback_op(int cmd, const void *arg)
{
    return HC(__HYPERVISOR_callback_op, cmd, arg, 0);
}

static inline long hyp_shutdown(unsigned reason)
{
    struct sched_shutdown sd = {.reason = reason};
    return hyp_sched_op(SCHEDOP_shutdown, &sd);
}

/* Fast notify (pvabi.h): equals EVTCHNOP_send, without a user-space exit
 * for ports the VMM backs with an ioeventfd. */
static inline void hyp_notify(evtchn_port_t port)
{
    __asm__ __volatile__("outl %0, %1"
                         :
                         : "a"(port), "i"(PVABI_NOTIFY_PORT)
                         : "memory");
}

#endif
