/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * smp.c: secondary vcpus. VCPUOP_initialise gives a vcpu its entry
 * (secondary_start in head.S), its own stack from cpu_stacks[] and our
 * trap table; VCPUOP_up starts it. A vcpu taken offline calls VCPUOP_down
 * on itself and carries on where it stopped when brought up again.
 * Cross-vcpu calls ride on per-vcpu IPI event channels.
 */
#include "kernel.h"
#include "platform.h"

extern char secondary_start[];
void smp_secondary_main(unsigned id);

struct cpu_state {
    bool initialised;
    volatile bool online;
    volatile bool want_down;
    evtchn_port_t ipi_port;
    void (*volatile call_fn)(void *data);
    void *call_data;
    volatile bool call_done;
};

static struct cpu_state cpus[MAX_CPUS];
static struct vcpu_guest_context boot_ctx; /* 5 KiB: not on a stack */
static struct spinlock smp_lock;

static void ipi_event(evtchn_port_t port, struct regs *r, void *data)
{
    struct cpu_state *c = &cpus[smp_id()];
    void (*fn)(void *) = c->call_fn;

    if (fn) {
        c->call_fn = NULL;
        fn(c->call_data);
        c->call_done = true;
        if (smp_id() != 0)
            evtchn_send(cpus[0].ipi_port); /* wake the caller on vcpu 0 */
    }
}

static void bind_ipi(unsigned id)
{
    int rc = evtchn_bind_ipi(id, ipi_event, NULL, &cpus[id].ipi_port);
    if (rc < 0)
        printk("smp: vcpu %u: bind_ipi failed (%d)\n", id, rc);
}

void smp_init_boot_cpu(void)
{
    cpus[0].initialised = true;
    cpus[0].online = true;
}

static bool ipi_boot_done;

static void smp_init_ipi_boot(void)
{
    if (!ipi_boot_done) {
        ipi_boot_done = true;
        bind_ipi(0);
    }
}

void smp_resume(void)
{
    unsigned i;

    for (i = 0; i < MAX_CPUS; i++)
        cpus[i].ipi_port = 0; /* secondaries bind again when they come up */
    if (ipi_boot_done)
        bind_ipi(0);
}

void smp_secondary_main(unsigned id)
{
    struct cpu_state *c = &cpus[id];

    if (!c->ipi_port) { /* not on a restart after VCPUOP_down */
        time_init_cpu();
        bind_ipi(id);
    }
    c->want_down = false;
    local_irq_enable();
    for (;;) {
        c->online = true;
        mb();
        evtchn_send(cpus[0].ipi_port); /* vcpu 0 waits for this */
        WAIT_UNTIL(c->want_down, 0);
        c->online = false;
        mb();
        evtchn_send(cpus[0].ipi_port);
        hyp_vcpu_op(VCPUOP_down, id, NULL);
        /* VCPUOP_up resumes here, on Xen also after a suspend and resume
         * in a new domain (smp_resume() cleared our ports then). */
        if (!c->ipi_port) {
            time_init_cpu();
            bind_ipi(id);
        }
        c->want_down = false;
    }
}

static int init_vcpu(unsigned id)
{
    struct vcpu_guest_context *ctx = &boot_ctx;
    char *stack = cpu_stacks[id];
    long rc;

    ((struct cpu *)stack)->id = id;
    memset(ctx, 0, sizeof(*ctx));
    ctx->flags = VGCF_in_kernel | VGCF_online;
    ctx->user_regs.rip = (unsigned long)secondary_start;
    ctx->user_regs.rsp = (unsigned long)(stack + STACK_SIZE);
    ctx->user_regs.rdi = id;
    ctx->user_regs.rsi = (unsigned long)start_info;
    ctx->user_regs.rflags = 0x202;
    ctx->kernel_sp = ctx->user_regs.rsp;
    platform->vcpu_context(ctx); /* selectors, cr3, callbacks */
    trap_ctxt_fill(ctx->trap_ctxt);
    rc = hyp_vcpu_op(VCPUOP_initialise, id, ctx);
    if (rc < 0)
        return (int)rc;
    cpus[id].initialised = true;
    return 0;
}

int smp_bring_up(unsigned id)
{
    long rc = 0;

    if (id == 0 || id >= MAX_CPUS)
        return id == 0 ? 0 : -XEN_EINVAL;
    smp_init_ipi_boot();
    spin_lock(&smp_lock);
    if (cpus[id].online)
        goto out;
    if (!cpus[id].initialised)
        rc = init_vcpu(id);
    if (!rc)
        rc = hyp_vcpu_op(VCPUOP_up, id, NULL);
    if (rc == -XEN_EINVAL) {
        /* Xen resumes a downed vcpu where it stopped; a VMM that wants it
         * initialised again gets a fresh start at secondary_start. */
        rc = init_vcpu(id);
        if (!rc)
            rc = hyp_vcpu_op(VCPUOP_up, id, NULL);
    }
out:
    spin_unlock(&smp_lock);
    if (rc < 0)
        return (int)rc;
    if (!WAIT_UNTIL(cpus[id].online, time_now_ns() + 2000ULL * 1000000ULL)) {
        struct vcpu_runstate_info rs;
        memset(&rs, 0, sizeof(rs));
        rc = hyp_vcpu_op(VCPUOP_get_runstate_info, id, &rs);
        printk("smp: vcpu %u silent: runstate %d (%ld), running %lu ns\n", id,
               rs.state, rc, (unsigned long)rs.time[RUNSTATE_running]);
        return -XEN_ETIMEDOUT;
    }
    return 0;
}

int smp_take_down(unsigned id)
{
    if (id == 0 || id >= MAX_CPUS)
        return -XEN_EINVAL;
    if (!cpus[id].online)
        return 0;
    cpus[id].want_down = true;
    mb();
    evtchn_send(cpus[id].ipi_port);
    if (!WAIT_UNTIL(!cpus[id].online, time_now_ns() + 2000ULL * 1000000ULL))
        return -XEN_ETIMEDOUT;
    return 0;
}

unsigned smp_online_count(void)
{
    unsigned i, n = 0;
    for (i = 0; i < MAX_CPUS; i++)
        n += cpus[i].online;
    return n;
}

bool smp_cpu_online(unsigned id)
{
    return id < MAX_CPUS && cpus[id].online;
}

int smp_call(unsigned id, void (*fn)(void *data), void *data)
{
    struct cpu_state *c;

    if (id >= MAX_CPUS || !cpus[id].online || id == smp_id())
        return -XEN_EINVAL;
    smp_init_ipi_boot();
    c = &cpus[id];
    c->call_done = false;
    c->call_data = data;
    wmb();
    c->call_fn = fn;
    evtchn_send(c->ipi_port);
    /* Generous: under an emulator (Xen in QEMU TCG) on a busy host the
     * target vcpu may wait seconds for a physical CPU; 1 s was seen to
     * fail there. A call that never runs still fails. */
    if (!WAIT_UNTIL(c->call_done, time_now_ns() + 10000ULL * 1000000ULL))
        return -XEN_ETIMEDOUT;
    return 0;
}
