/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmm.h: the per-domain VMM's shared state and the entry points of its
 * pieces: kvm.c (VM, vcpu threads, exits), hcall.c (dispatch and small
 * hypercalls), evtchn.c (event channels, upcalls), sched.c (time, timers,
 * block, shutdown), mem.c (guest memory, grant table, memory_op), ctl.c
 * (control socket). One struct vmm per process, made in main().
 */
#ifndef XT_VMM_VMM_H
#define XT_VMM_VMM_H

/* Latest Xen interface (guest handles as structs, grant v2 ops). */
#ifndef __XEN_TOOLS__
#define __XEN_TOOLS__ 1
#endif
#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <xen/sched.h>
#include <xen/xen.h>

#include "builder/builder.h"
#include "console/conlog.h"

#define VMM_NR_PORTS 1024 /* 2-level ABI allows 4096; we serve fewer */
#define VMM_MAX_VCPUS 32  /* XEN_LEGACY_MAX_VCPUS: vcpu_info in shared_info */
#define VMM_MAX_WAITERS 16

enum vcpu_state { VCPU_OFFLINE, VCPU_RUNNING, VCPU_BLOCKED, VCPU_PAUSED };

struct vcpu {
    struct vmm *vmm;
    unsigned id;
    int fd;
    struct kvm_run *run;
    size_t run_size;
    pthread_t thread;
    atomic_int started;   /* thread exists: kicks may signal it */
    int wake_fd;          /* eventfd: wakes the thread when blocked or paused */
    int timer_fd;         /* timerfd: VIRQ_TIMER */
    atomic_int kick;      /* leave the guest soon (upcall, pause, destroy) */
    atomic_int online;    /* VCPUOP_up done (vcpu 0 at boot) */
    atomic_int state;     /* enum vcpu_state, for getinfo */
    atomic_int need_init; /* apply init_* before the next run */
    uint64_t event_cb, failsafe_cb;
    uint64_t pio_at; /* rip of an `out` KVM will skip on the next KVM_RUN */
    uint64_t restart_rip; /* re-issues this hypercall; 0: not restartable */
    uint64_t cont[5];     /* a preempted hypercall's new arguments */
    uint16_t virq_port[NR_VIRQS];
    struct kvm_regs init_regs;
};

enum port_state {
    PORT_FREE,
    PORT_UNBOUND, /* waiting for remote_dom to bind */
    PORT_DOM0,    /* bound by a dom0 backend: eventfd pair */
    PORT_LOCAL,   /* loopback to our own port peer */
    PORT_VIRQ,
    PORT_IPI,
};

struct port {
    uint8_t state;
    uint8_t vcpu; /* notify vcpu */
    uint16_t virq;
    uint32_t remote_dom;
    uint32_t peer;
    int efd_out; /* PORT_DOM0: guest -> dom0 (also our ioeventfd) */
    int efd_in;  /* PORT_DOM0: dom0 -> guest */
};

struct vmm {
    uint32_t domid;
    char name[64];
    int kvm_fd, vm_fd;
    int mem_fd;
    int pid_fd; /* our own pidfd: backends learn of our exit through it */
    unsigned char *mem;
    size_t mem_size; /* the memfd's mapping: memory and bitmaps */
    uint64_t ram_pages, total_pages;
    uint64_t max_pages, cur_pages;
    uint8_t *ballooned;    /* bitmap over ram_pages, after the guest's pages */
    uint8_t *written;      /* bitmap over total_pages, after that: pages
                              written behind KVM (us, backends; vmmctl.h) */
    struct live *live;     /* save.c: a live save in progress, or NULL */
    atomic_int precopying; /* its pre-copy thread runs */
    shared_info_t *sh;
    struct builder_result br;
    struct kvm_sregs sregs0;
    unsigned nr_vcpus;
    unsigned max_online;
    struct vcpu *vcpus;
    pthread_mutex_t lock; /* ports, state, balloon, console */
    struct port ports[VMM_NR_PORTS];
    int epfd;
    int ctl_fd;
    char sock_path[108];
    /* Written by the control thread and vcpus, read everywhere. */
    atomic_int paused, shutdown, destroy;
    unsigned shutdown_reason;
    int waiters[VMM_MAX_WAITERS];
    unsigned nwaiters;
    uint64_t tsc0, mono0;  /* TSC and CLOCK_MONOTONIC ns at build */
    uint64_t sys0;         /* guest system time at tsc0 (restore: at save) */
    unsigned suspend_vcpu; /* the vcpu that called SHUTDOWN_suspend */
    uint32_t tsc_mul;
    int8_t tsc_shift;
    time_t start_time;
    uint64_t hc_logged[2]; /* unknown hypercalls already logged */
    char con[512];
    size_t con_len;
    struct conlog_limit con_limit; /* console_io flood control */
    struct conlog *log;            /* our log file, capped (stderr) */
};

/* console_io output that passes per window; the rest is dropped. */
#define VMM_CON_BURST (128 * 1024)
#define VMM_CON_WINDOW_MS 5000

/* epoll tags: type in the high 32 bits, index in the low. */
#define EP_CTL 1ull
#define EP_TIMER 2ull
#define EP_PORT 3ull
#define EP_TAG(t, i) (((t) << 32) | (uint32_t)(i))

/* mem.c: guest memory. gm_ptr returns NULL unless [gpa, gpa+len) is RAM or
 * special pages (overflow-safe); guest input only goes through it. */
int mem_init(struct vmm *vmm, uint64_t ram_pages, uint64_t max_pages);
void *gm_ptr(struct vmm *vmm, uint64_t gpa, uint64_t len);
int gm_read(struct vmm *vmm, uint64_t gpa, void *dst, size_t len);
int gm_write(struct vmm *vmm, uint64_t gpa, const void *src, size_t len);
/* Give pfn back as the balloon does (restore of a ballooned-out page). */
int mem_balloon_out(struct vmm *vmm, uint64_t pfn);
int64_t mem_hc_memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg);
int64_t mem_hc_grant_table_op(struct vcpu *v, uint64_t cmd, uint64_t arg,
                              uint64_t count);

/* kvm.c */
int kvm_setup(struct vmm *vmm, unsigned nr_vcpus, char *err, size_t errlen);
int kvm_start_vcpus(struct vmm *vmm);
/* Make vcpu v leave KVM_RUN / its wait soon (any thread). */
void kvm_kick(struct vcpu *v);
void kvm_kick_all(struct vmm *vmm);

/* hcall.c: handle the hypercall in v's sync regs; returns 0 or -errno when
 * the domain must crash. */
int hcall_dispatch(struct vcpu *v);

/*
 * Long hypercalls are preempted as on Xen: a handler that finds
 * hcall_preempt_check() true stops, saves the arguments that continue its
 * work with hcall_continue() and returns what that returns. The guest then
 * re-issues the call with those arguments when it next runs, so pause,
 * destroy and events act between chunks. Handlers check every
 * HCALL_PREEMPT_EVERY items.
 */
#define HCALL_PREEMPT_EVERY 1024u
static inline int hcall_preempt_check(struct vcpu *v)
{
    struct vmm *vmm = v->vmm;

    return v->restart_rip &&
           (atomic_load(&v->kick) || atomic_load(&vmm->paused) ||
            atomic_load(&vmm->shutdown) || atomic_load(&vmm->destroy));
}

static inline int64_t hcall_continue(struct vcpu *v, uint64_t a1, uint64_t a2,
                                     uint64_t a3, uint64_t a4, uint64_t a5)
{
    v->cont[0] = a1;
    v->cont[1] = a2;
    v->cont[2] = a3;
    v->cont[3] = a4;
    v->cont[4] = a5;
    return -ERESTART; /* never reaches the guest */
}

/* evtchn.c (callers hold vmm->lock for *_locked) */
int evtchn_init(struct vmm *vmm, uint32_t *store_port, uint32_t *con_port);
void evtchn_raise_virq(struct vcpu *v, unsigned virq);
int64_t evtchn_hc(struct vcpu *v, uint64_t cmd, uint64_t arg);
int64_t evtchn_send(struct vmm *vmm, uint32_t port);
/* Called on the vcpu thread before KVM_RUN: bounce into the callback. */
int evtchn_deliver(struct vcpu *v);
int evtchn_bind_dom0(struct vmm *vmm, uint32_t port, int fds_out[2]);
int evtchn_close_dom0(struct vmm *vmm, uint32_t port);
void evtchn_port_input(struct vmm *vmm, uint32_t port); /* efd_in readable */

/* sched.c */
void sched_time_init(struct vmm *vmm);
int64_t sched_hc_sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg);
int64_t sched_hc_set_timer(struct vcpu *v, uint64_t timeout);
int64_t sched_hc_vcpu_op(struct vcpu *v, uint64_t cmd, uint64_t vid,
                         uint64_t arg);
void sched_timer_fired(struct vmm *vmm, unsigned vcpu);
/* Shut the domain down (first reason wins); wakes control-socket waiters. */
void sched_shutdown(struct vmm *vmm, unsigned reason, const char *why);
/* Wait on v->wake_fd up to timeout_ns (<0: forever). */
void sched_wait(struct vcpu *v, int64_t timeout_ns);
uint64_t sched_now(struct vmm *vmm); /* guest system time, ns */

/* save.c: write a suspended domain's stream to fd (VMMCTL_SAVE); let a
 * suspended guest carry on, its suspend cancelled (VMMCTL_RESUME). */
int save_write(struct vmm *vmm, int fd, int last_round, uint64_t stats[3],
               char *err, size_t errlen);
/* VMMCTL_PRECOPY: the stream's start and rounds of dirty pages while the
 * guest runs; -EOPNOTSUPP (nothing written) without a dirty log. */
int save_precopy(struct vmm *vmm, int fd, unsigned max_rounds,
                 unsigned stop_dirty, uint64_t stats[3], char *err,
                 size_t errlen);
int save_resume(struct vmm *vmm, int fast);
/* restore.c: instead of the builder, load the domain from the stream on
 * fd (memory, balloon, KVM VM and vcpus); ports get the store and console
 * channels. 0 or -errno with a one-line reason. */
int restore_load(struct vmm *vmm, int fd, unsigned max_vcpus_hint,
                 uint32_t ports[2], char *err, size_t errlen);

/* ctl.c */
int ctl_listen(struct vmm *vmm);
void ctl_accept(struct vmm *vmm);
void ctl_notify_waiters(struct vmm *vmm); /* lock held */

#endif
