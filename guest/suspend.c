/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * suspend.c: Xen's PV suspend protocol, guest side (control/shutdown =
 * "suspend", as Linux's xen_suspend and Mini-OS's kernel_suspend). The
 * secondary vcpus go down, events are masked, and vcpu 0 calls
 * SCHEDOP_shutdown(SHUTDOWN_suspend) with start_info's frame in the third
 * argument. It returns 1 when the suspend was cancelled (`xm save -c`, or
 * a failed save): everything carries on in place. It returns 0 in a new
 * domain (restore, migration): shared_info mapped again, the event
 * callback registered again, every channel bound again (timer, IPI,
 * console and store from the new start_info), the grant table set up
 * again, xenbus and every frontend reconnected.
 *
 * The suspend count lives in guest memory: `pvstack guest: resumed ...`
 * and the shell's `counter` show it carrying on across a restore.
 */
#include "blkfront.h"
#include "kernel.h"
#include "netfront.h"
#include "platform.h"
#include "xenbus.h"

static unsigned long suspends;
static unsigned long counter;

unsigned long suspend_count(void)
{
    return suspends;
}

unsigned long counter_next(void)
{
    return ++counter;
}

/* A step that fails leaves that device down: say so, carry on with the
 * rest (the shell and the other devices still work). */
static void resume_step(const char *what, int rc)
{
    if (rc < 0)
        printk("resume: %s: %d\n", what, rc);
}

static void resume_new_domain(void)
{
    platform->early_init(start_info); /* shared_info may have moved */
    events_resume();
    time_resume();
    smp_resume();
    console_resume();
    resume_step("grant table", gnttab_resume());
    local_irq_enable(); /* the store and the frontends wait for events */
    resume_step("xenbus", xenbus_resume());
    resume_step("blkfront", blkfront_resume());
    resume_step("netfront", netfront_resume());
}

void suspend_run(void)
{
    bool was_up[MAX_CPUS] = {false};
    unsigned id;
    long rc;

    printk("pvstack guest: suspending (dirty generation %lu)\n",
           dirty_generation());
    for (id = 1; id < MAX_CPUS; id++)
        if (smp_cpu_online(id))
            was_up[id] = smp_take_down(id) == 0;
    suspends++;
    local_irq_disable();
    {
        struct sched_shutdown sd = {.reason = SHUTDOWN_suspend};
        unsigned long si_mfn = virt_to_mfn(start_info);

        if (platform->suspend_prepare)
            platform->suspend_prepare();
        rc = HC(__HYPERVISOR_sched_op, SCHEDOP_shutdown, &sd, si_mfn);
        if (platform->suspend_done)
            platform->suspend_done(rc != 0);
    }
    if (rc == 0)
        resume_new_domain();
    local_irq_enable();
    for (id = 1; id < MAX_CPUS; id++)
        if (was_up[id] && smp_bring_up(id) < 0)
            printk("smp: vcpu %u failed to come back\n", id);
    printk("pvstack guest: resumed (%s; suspend %lu, counter %lu, up %lu "
           "s, %u vcpus online)\n",
           rc == 0  ? "new domain"
           : rc > 0 ? "cancelled"
                    : "failed",
           suspends, counter, (unsigned long)(time_now_ns() / 1000000000ULL),
           smp_online_count());
    if (rc < 0)
        printk("pvstack guest: suspend hypercall failed (%ld)\n", rc);
}
