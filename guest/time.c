/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * time.c: Xen system time from the vcpu's vcpu_time_info (TSC scaled as
 * pvabi.h promises), the per-vcpu one-shot timer (set_timer_op raising
 * VIRQ_TIMER) and blocking: idle is SCHEDOP_block, as hlt is #GP at CPL3.
 */
#include "kernel.h"

static unsigned long timer_events[MAX_CPUS];
static evtchn_port_t timer_port[MAX_CPUS];

uint64_t time_now_ns(void)
{
    const struct vcpu_time_info *t = &this_vcpu_info()->time;
    uint32_t v, mul;
    uint64_t tsc_ts, sys, delta;
    int8_t shift;

    do {
        v = READ_ONCE(t->version);
        rmb();
        tsc_ts = t->tsc_timestamp;
        sys = t->system_time;
        mul = t->tsc_to_system_mul;
        shift = t->tsc_shift;
        rmb();
    } while ((v & 1) || v != READ_ONCE(t->version));
    delta = rdtsc() - tsc_ts;
    if (shift < 0)
        delta >>= -shift;
    else
        delta <<= shift;
    return sys + (uint64_t)(((unsigned __int128)delta * mul) >> 32);
}

static void timer_event(evtchn_port_t port, struct regs *r, void *data)
{
    timer_events[smp_id()]++;
}

unsigned long time_timer_events(void)
{
    unsigned long n = 0;
    unsigned i;
    for (i = 0; i < MAX_CPUS; i++)
        n += READ_ONCE(timer_events[i]);
    return n;
}

evtchn_port_t time_timer_port(void)
{
    return timer_port[smp_id()];
}

void time_resume(void)
{
    unsigned i;

    for (i = 0; i < MAX_CPUS; i++)
        timer_port[i] = 0;
    time_init_cpu();
}

void time_init_cpu(void)
{
    evtchn_port_t port;
    int rc = evtchn_bind_virq(VIRQ_TIMER, smp_id(), timer_event, NULL, &port);
    if (rc == 0)
        timer_port[smp_id()] = port;
    if (rc < 0)
        printk("time: vcpu %u: bind VIRQ_TIMER failed (%d)\n", smp_id(), rc);
}

/* Called with events masked (WAIT_UNTIL); SCHEDOP_block unmasks and checks
 * for pending events atomically, as in Xen. */
void sched_block_until(uint64_t deadline_ns)
{
    if (deadline_ns)
        hyp_set_timer_op(deadline_ns);
    hyp_sched_op(SCHEDOP_block, NULL);
    local_irq_enable();
}

void time_sleep_ns(uint64_t ns)
{
    uint64_t end = time_now_ns() + ns;
    WAIT_UNTIL(time_now_ns() >= end, end);
}
