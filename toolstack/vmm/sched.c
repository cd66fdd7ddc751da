/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sched.c: time (vcpu_time_info from the host TSC), timers (a timerfd per
 * vcpu raising VIRQ_TIMER), sched_op (yield, block, poll, shutdown),
 * vcpu_op (secondary vcpu bring-up, singleshot/periodic timers), and the
 * domain shutdown path that wakes control-socket waiters.
 */
#include "vmm/vmm.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <xen/vcpu.h>

#include "lib/log.h"

static uint64_t mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;

    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

/* Xen's set_time_scale(): ns = ((tsc << shift) * mul) >> 32. */
static void time_scale(uint64_t tps, uint32_t *mul, int8_t *shift)
{
    uint64_t tps64 = tps;
    uint32_t tps32;
    int s = 0;

    while (tps64 > 2000000000ull) {
        tps64 >>= 1;
        s--;
    }
    tps32 = (uint32_t)tps64;
    while (tps32 <= 1000000000u) {
        tps32 <<= 1;
        s++;
    }
    *mul = (uint32_t)((1000000000ull << 32) / tps32);
    *shift = (int8_t)s;
}

uint64_t sched_now(struct vmm *vmm)
{
    uint64_t d = rdtsc() - vmm->tsc0;

    if (vmm->tsc_shift >= 0)
        d <<= vmm->tsc_shift;
    else
        d >>= -vmm->tsc_shift;
    return vmm->sys0 + (uint64_t)(((unsigned __int128)d * vmm->tsc_mul) >> 32);
}

void sched_time_init(struct vmm *vmm)
{
    struct timespec nap = {0, 20000000}, rt;
    uint64_t t0, c0, t1, c1, freq;
    int tsc_khz;
    unsigned i;

    /* KVM knows the TSC rate (the guest reads the host TSC unscaled);
     * measure only if it will not say. */
    tsc_khz = vmm->nr_vcpus ? ioctl(vmm->vcpus[0].fd, KVM_GET_TSC_KHZ, 0) : -1;
    if (tsc_khz > 0) {
        freq = (uint64_t)tsc_khz * 1000;
    } else {
        t0 = mono_ns();
        c0 = rdtsc();
        nanosleep(&nap, NULL);
        t1 = mono_ns();
        c1 = rdtsc();
        freq = (uint64_t)((unsigned __int128)(c1 - c0) * 1000000000ull /
                          (t1 - t0));
    }
    time_scale(freq, &vmm->tsc_mul, &vmm->tsc_shift);
    vmm->mono0 = mono_ns();
    vmm->tsc0 = rdtsc();
    clock_gettime(CLOCK_REALTIME, &rt);
    /* Wall clock = wc + system time: a restored guest's system time
     * carries on from its save, so its boot moves back by as much. */
    rt.tv_sec -= (time_t)(vmm->sys0 / 1000000000ull);
    rt.tv_nsec -= (long)(vmm->sys0 % 1000000000ull);
    if (rt.tv_nsec < 0) {
        rt.tv_nsec += 1000000000L;
        rt.tv_sec--;
    }
    for (i = 0; i < VMM_MAX_VCPUS; i++) {
        struct vcpu_time_info *t = &vmm->sh->vcpu_info[i].time;
        t->version = 2;
        t->tsc_timestamp = vmm->tsc0;
        t->system_time = vmm->sys0;
        t->tsc_to_system_mul = vmm->tsc_mul;
        t->tsc_shift = vmm->tsc_shift;
    }
    vmm->sh->wc_version = 2;
    vmm->sh->wc_sec = (uint32_t)rt.tv_sec;
    vmm->sh->wc_sec_hi = (uint32_t)((uint64_t)rt.tv_sec >> 32);
    vmm->sh->wc_nsec = (uint32_t)rt.tv_nsec;
    log_debug("dom %u: TSC %llu Hz, mul %u shift %d", vmm->domid,
              (unsigned long long)freq, vmm->tsc_mul, vmm->tsc_shift);
}

void sched_wait(struct vcpu *v, int64_t timeout_ns)
{
    struct pollfd p = {.fd = v->wake_fd, .events = POLLIN};
    struct timespec ts, *tp = NULL;
    uint64_t n;

    if (timeout_ns >= 0) {
        ts.tv_sec = timeout_ns / 1000000000;
        ts.tv_nsec = timeout_ns % 1000000000;
        tp = &ts;
    }
    ppoll(&p, 1, tp, NULL);
    if (read(v->wake_fd, &n, sizeof(n)) < 0) {
        /* nothing to drain */
    }
}

/* Arm v's timer for guest system time `when` (0 disarms). */
static int timer_arm(struct vcpu *v, uint64_t when, uint64_t period)
{
    struct itimerspec its = {0};
    uint64_t now = sched_now(v->vmm);

    if (when && when <= now && !period) {
        timerfd_settime(v->timer_fd, 0, &its, NULL);
        evtchn_raise_virq(v, VIRQ_TIMER);
        return 0;
    }
    if (when) {
        uint64_t d = when > now ? when - now : 1;
        its.it_value.tv_sec = (time_t)(d / 1000000000ull);
        its.it_value.tv_nsec = (long)(d % 1000000000ull);
        its.it_interval.tv_sec = (time_t)(period / 1000000000ull);
        its.it_interval.tv_nsec = (long)(period % 1000000000ull);
    }
    return timerfd_settime(v->timer_fd, 0, &its, NULL) < 0 ? -errno : 0;
}

void sched_timer_fired(struct vmm *vmm, unsigned vcpu)
{
    uint64_t n;

    if (vcpu >= vmm->nr_vcpus)
        return;
    if (read(vmm->vcpus[vcpu].timer_fd, &n, sizeof(n)) == sizeof(n))
        evtchn_raise_virq(&vmm->vcpus[vcpu], VIRQ_TIMER);
}

int64_t sched_hc_set_timer(struct vcpu *v, uint64_t timeout)
{
    return timer_arm(v, timeout, 0);
}

void sched_shutdown(struct vmm *vmm, unsigned reason, const char *why)
{
    static const char *const names[] = {"poweroff", "reboot",   "suspend",
                                        "crash",    "watchdog", "soft_reset"};

    pthread_mutex_lock(&vmm->lock);
    if (!vmm->shutdown) {
        vmm->shutdown = 1;
        vmm->shutdown_reason = reason;
        if (reason == SHUTDOWN_crash)
            log_warnx("dom %u (%s) crashed: %s", vmm->domid, vmm->name, why);
        else
            log_info("dom %u (%s) shut down: %s (%s)", vmm->domid, vmm->name,
                     reason <= SHUTDOWN_MAX ? names[reason] : "?", why);
        ctl_notify_waiters(vmm);
    }
    pthread_mutex_unlock(&vmm->lock);
    kvm_kick_all(vmm);
}

static int64_t sched_block(struct vcpu *v)
{
    struct vcpu_info *vi = &v->vmm->sh->vcpu_info[v->id];

    /* As Xen: blocking re-enables event delivery (no lost wake-up). */
    __atomic_store_n(&vi->evtchn_upcall_mask, 0, __ATOMIC_SEQ_CST);
    atomic_store(&v->state, VCPU_BLOCKED);
    while (!__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST) &&
           !v->vmm->paused && !v->vmm->shutdown && !v->vmm->destroy &&
           v->online)
        sched_wait(v, -1);
    atomic_store(&v->state, VCPU_RUNNING);
    return 0;
}

static int64_t sched_poll(struct vcpu *v, uint64_t arg)
{
    struct vmm *vmm = v->vmm;
    evtchn_port_t ports[128];
    struct sched_poll sp;
    unsigned i;

    if (gm_read(vmm, arg, &sp, sizeof(sp)))
        return -EFAULT;
    if (sp.nr_ports > 128)
        return -EINVAL;
    if (gm_read(vmm, (uint64_t)(uintptr_t)sp.ports.p, ports,
                sp.nr_ports * sizeof(ports[0])))
        return -EFAULT;
    atomic_store(&v->state, VCPU_BLOCKED);
    for (;;) {
        uint64_t now = sched_now(vmm);
        for (i = 0; i < sp.nr_ports; i++) {
            evtchn_port_t p = ports[i];
            if (p < VMM_NR_PORTS &&
                (__atomic_load_n(&vmm->sh->evtchn_pending[p / 64],
                                 __ATOMIC_SEQ_CST) >>
                 (p % 64)) &
                    1)
                goto out;
        }
        if ((sp.timeout && now >= sp.timeout) || vmm->paused || vmm->shutdown ||
            vmm->destroy)
            goto out;
        sched_wait(v, sp.timeout ? (int64_t)(sp.timeout - now) : -1);
    }
out:
    atomic_store(&v->state, VCPU_RUNNING);
    return 0;
}

int64_t sched_hc_sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
    struct sched_shutdown sd;

    switch (cmd) {
    case SCHEDOP_yield:
        sched_yield();
        return 0;
    case SCHEDOP_block:
        return sched_block(v);
    case SCHEDOP_poll:
        return sched_poll(v, arg);
    case SCHEDOP_shutdown:
        if (gm_read(v->vmm, arg, &sd, sizeof(sd)))
            return -EFAULT;
        if (sd.reason > SHUTDOWN_MAX)
            return -EINVAL;
        if (sd.reason == SHUTDOWN_suspend)
            v->vmm->suspend_vcpu = v->id;
        sched_shutdown(v->vmm, sd.reason, "guest request");
        return 0;
    case SCHEDOP_shutdown_code:
        return 0;
    case SCHEDOP_remote_shutdown:
        return -EPERM;
    default:
        return -ENOSYS;
    }
}

static int64_t vcpu_initialise(struct vcpu *t, uint64_t arg)
{
    vcpu_guest_context_t ctx;

    if (t->online)
        return -EEXIST;
    if (gm_read(t->vmm, arg, &ctx, sizeof(ctx)))
        return -EFAULT;
    memset(&t->init_regs, 0, sizeof(t->init_regs));
    t->init_regs.rip = ctx.user_regs.rip;
    t->init_regs.rsp = ctx.user_regs.rsp;
    t->init_regs.rsi = ctx.user_regs.rsi;
    t->init_regs.rdi = ctx.user_regs.rdi;
    t->init_regs.rflags = ctx.user_regs.rflags;
    t->event_cb = ctx.event_callback_eip;
    t->failsafe_cb = ctx.failsafe_callback_eip;
    t->need_init = 1;
    return 0;
}

int64_t sched_hc_vcpu_op(struct vcpu *v, uint64_t cmd, uint64_t vid,
                         uint64_t arg)
{
    struct vmm *vmm = v->vmm;
    struct vcpu_set_singleshot_timer st;
    struct vcpu_set_periodic_timer pt;
    struct vcpu *t;

    if (vid >= vmm->nr_vcpus)
        return -ENOENT;
    t = &vmm->vcpus[vid];
    switch (cmd) {
    case VCPUOP_initialise:
        return vcpu_initialise(t, arg);
    case VCPUOP_up:
        if (!t->need_init && !t->online)
            return -EINVAL; /* never initialised */
        if (vid >= vmm->max_online)
            return -EPERM; /* xm vcpu-set limit */
        t->online = 1;
        kvm_kick(t);
        return 0;
    case VCPUOP_down:
        t->online = 0;
        kvm_kick(t);
        return 0;
    case VCPUOP_is_up:
        return t->online;
    case VCPUOP_set_singleshot_timer:
        if (t != v)
            return -EINVAL;
        if (gm_read(vmm, arg, &st, sizeof(st)))
            return -EFAULT;
        if ((st.flags & VCPU_SSHOTTMR_future) &&
            st.timeout_abs_ns < sched_now(vmm))
            return -ETIME;
        return timer_arm(v, st.timeout_abs_ns, 0);
    case VCPUOP_stop_singleshot_timer:
    case VCPUOP_stop_periodic_timer:
        return t != v ? -EINVAL : timer_arm(v, 0, 0);
    case VCPUOP_set_periodic_timer:
        if (gm_read(vmm, arg, &pt, sizeof(pt)))
            return -EFAULT;
        if (pt.period_ns < 1000000)
            return -EINVAL;
        return timer_arm(t, sched_now(vmm) + pt.period_ns, pt.period_ns);
    default:
        return -ENOSYS;
    }
}
