/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control.c: what the toolstack asks through the store: control/shutdown
 * (poweroff, halt, reboot, crash; suspend in suspend.c),
 * memory/target (the balloon: decrease/increase_reservation, so
 * `xm mem-set` is seen) and cpu/N/availability (`xm vcpu-set`).
 */
#include "xenbus.h"

#include "blkfront.h"
#include "kernel.h"
#include "netfront.h"
#include "platform.h"

#define TOK_SHUTDOWN "shutdown"
#define TOK_MEMORY "memory"
#define TOK_CPU "cpu"
#define BALLOON_RESERVE_PAGES 256 /* never give back the last 1 MiB */
#define CHUNK_PFNS 500

/* Pfns given back to the VMM, kept in pages of our own. */
struct balloon_chunk {
    struct balloon_chunk *next;
    unsigned n;
    xen_pfn_t pfn[CHUNK_PFNS];
};

static struct balloon_chunk *ballooned;
static unsigned long ballooned_pages;

uint64_t balloon_current_kb(void)
{
    return (uint64_t)(mm_total_pages() - ballooned_pages) * (PAGE_SIZE / 1024);
}

/* Named by pfn; on Xen the platform also unmaps and remaps the pages. */
static long reservation(int op, xen_pfn_t *pfns, unsigned n)
{
    return platform->reservation(op, pfns, n);
}

/* Gives back up to want pages; returns how many went. */
static unsigned long balloon_shrink(unsigned long want)
{
    unsigned long done = 0;

    while (done < want) {
        struct balloon_chunk *c = ballooned;
        unsigned i, n = 0;
        long rc;
        if (!c || c->n == CHUNK_PFNS) {
            c = page_alloc();
            if (!c)
                break;
            c->next = ballooned;
            ballooned = c;
        }
        while (n < CHUNK_PFNS - c->n && done + n < want &&
               mm_free_pages() > BALLOON_RESERVE_PAGES) {
            void *p = page_alloc();
            if (!p)
                break;
            c->pfn[c->n + n++] = (uintptr_t)p >> PAGE_SHIFT;
        }
        if (!n)
            break;
        rc = reservation(XENMEM_decrease_reservation, &c->pfn[c->n], n);
        if (rc < 0)
            rc = 0;
        for (i = (unsigned)rc; i < n; i++) /* not taken: keep them */
            page_free((void *)(c->pfn[c->n + i] << PAGE_SHIFT));
        c->n += (unsigned)rc;
        done += (unsigned long)rc;
        if ((unsigned)rc < n)
            break;
    }
    ballooned_pages += done;
    return done;
}

/* Takes back up to want pages given earlier; returns how many came. */
static unsigned long balloon_grow(unsigned long want)
{
    unsigned long done = 0;

    while (done < want && ballooned) {
        struct balloon_chunk *c = ballooned;
        unsigned n = c->n, i;
        long rc;
        if (n > want - done)
            n = (unsigned)(want - done);
        if (n) {
            rc = reservation(XENMEM_increase_reservation, &c->pfn[c->n - n], n);
            if (rc <= 0)
                break;
            for (i = 0; i < (unsigned)rc; i++)
                page_free((void *)(c->pfn[c->n - n + i] << PAGE_SHIFT));
            /* Keep the unpopulated ones at the front of the chunk. */
            memmove(&c->pfn[c->n - n], &c->pfn[c->n - n + rc],
                    (n - (unsigned)rc) * sizeof(xen_pfn_t));
            c->n -= (unsigned)rc;
            done += (unsigned long)rc;
            if ((unsigned)rc < n)
                break;
        }
        if (!c->n) {
            ballooned = c->next;
            page_free(c);
        }
    }
    ballooned_pages -= done;
    return done;
}

int balloon_set_target_kb(uint64_t kb)
{
    unsigned long target = (unsigned long)(kb / (PAGE_SIZE / 1024));
    unsigned long cur = mm_total_pages() - ballooned_pages;

    if (target > mm_total_pages())
        target = mm_total_pages();
    if (target < cur)
        balloon_shrink(cur - target);
    else if (target > cur)
        balloon_grow(target - cur);
    printk("balloon: memory now %lu KiB (target %lu KiB)\n",
           (unsigned long)balloon_current_kb(), (unsigned long)kb);
    return balloon_current_kb() == (uint64_t)target * 4 ? 0 : -XEN_ENOMEM;
}

void control_shutdown(unsigned reason)
{
    static const char *const names[] = {
        [SHUTDOWN_poweroff] = "poweroff",
        [SHUTDOWN_reboot] = "reboot",
        [SHUTDOWN_suspend] = "suspend",
        [SHUTDOWN_crash] = "crash",
    };
    printk("pvstack guest: shutting down (%s)\n",
           reason < ARRAY_SIZE(names) && names[reason] ? names[reason] : "?");
    hyp_shutdown(reason);
    for (;;)
        hyp_sched_op(SCHEDOP_yield, NULL);
}

static void on_shutdown(void)
{
    char req[32];

    if (xenbus_read(XBT_NIL, "control/shutdown", req, sizeof(req)) <= 0)
        return;
    xenbus_write(XBT_NIL, "control/shutdown", ""); /* acknowledge, as Linux */
    if (!strcmp(req, "poweroff") || !strcmp(req, "halt"))
        control_shutdown(SHUTDOWN_poweroff);
    if (!strcmp(req, "reboot"))
        control_shutdown(SHUTDOWN_reboot);
    if (!strcmp(req, "crash")) {
        printk("pvstack guest: crashing on request\n");
        /* A real fault, so the crash takes the same path as a bug. */
        *(volatile uint64_t *)0x3ead00000000UL = 1;
    }
    if (!strcmp(req, "suspend")) {
        char tests[128];
        suspend_run();
        if (cmdline_get("resumetest", tests, sizeof(tests)))
            selftest_run(tests);
        return;
    }
    printk("control: ignoring shutdown request '%s'\n", req);
}

static void on_memory(void)
{
    unsigned long kb;
    if (xenbus_read_ulong(XBT_NIL, "memory/target", &kb) == 0 &&
        kb != balloon_current_kb())
        balloon_set_target_kb(kb);
}

static void on_cpu(void)
{
    char names[256], path[48], avail[16];
    const char *n;
    int count, i;

    count = xenbus_directory(XBT_NIL, "cpu", names, sizeof(names));
    for (i = 0, n = names; i < count; i++, n += strlen(n) + 1) {
        unsigned long id;
        const char *end;
        int rc;
        if (lib_parse_ulong(n, &id, &end) < 0 || *end || id == 0 ||
            id >= MAX_CPUS)
            continue;
        snprintf(path, sizeof(path), "cpu/%lu/availability", id);
        if (xenbus_read(XBT_NIL, path, avail, sizeof(avail)) < 0)
            continue;
        if (!strcmp(avail, "online") && !smp_cpu_online(id)) {
            rc = smp_bring_up(id);
            printk("smp: vcpu %lu %s (%d); %u vcpus online\n", id,
                   rc ? "failed to come up" : "online", rc, smp_online_count());
        } else if (!strcmp(avail, "offline") && smp_cpu_online(id)) {
            rc = smp_take_down(id);
            printk("smp: vcpu %lu %s (%d); %u vcpus online\n", id,
                   rc ? "failed to go down" : "offline", rc,
                   smp_online_count());
        }
    }
}

/* Without a store nobody says which vcpus are online: take every vcpu
 * the VMM has (VCPUOP_is_up fails for the others). */
static void smp_up_all(void)
{
    unsigned id;
    for (id = 1; id < MAX_CPUS; id++)
        if (hyp_vcpu_op(VCPUOP_is_up, id, NULL) >= 0 && smp_bring_up(id) < 0)
            printk("smp: vcpu %u failed to come up\n", id);
}

static void echo_event(evtchn_port_t port, struct regs *r, void *data)
{
    evtchn_notify(port); /* straight back: dom0 times the round trip */
}

int control_echo_start(void)
{
    evtchn_port_t port;
    char val[16];
    int rc = evtchn_alloc_unbound(0, echo_event, NULL, &port);

    if (rc < 0)
        return rc;
    snprintf(val, sizeof(val), "%u", port);
    rc = xenbus_write(XBT_NIL, "data/evtchn-echo-port", val);
    if (rc == 0)
        printk("evtchn echo: port %u\n", port);
    return rc;
}

int control_init(void)
{
    int rc = xenbus_init();

    if (rc < 0) {
        smp_up_all();
        return rc;
    }
    xenbus_write(XBT_NIL, "control/feature-poweroff", "1");
    xenbus_write(XBT_NIL, "control/feature-reboot", "1");
    xenbus_write(XBT_NIL, "control/feature-suspend", "1");
    on_cpu(); /* the vcpus the cfg says are online come up before tests */
    rc = xenbus_watch("control/shutdown", TOK_SHUTDOWN);
    if (!rc)
        rc = xenbus_watch("memory/target", TOK_MEMORY);
    if (!rc)
        rc = xenbus_watch("cpu", TOK_CPU);
    return rc;
}

void control_loop(bool spin)
{
    char path[128], token[64];

    for (;;) {
        uint64_t deadline = 0;
        int rc;
        if (spin) { /* burn 1 ms of CPU natively, then poll */
            uint64_t end = time_now_ns() + 1000000ULL;
            while (time_now_ns() < end)
                cpu_relax();
            deadline = 1;            /* in the past: do not block */
        } else if (dirty_active()) { /* keep writing, poll between */
            dirty_step();
            deadline = 1;
        }
        rc = xenbus_wait_watch_wake(NULL, path, sizeof(path), token,
                                    sizeof(token), deadline,
                                    console_input_pending);
        if (console_input_pending())
            shell_input();
        if (rc == -XEN_EAGAIN || rc == -XEN_ETIMEDOUT)
            continue;
        if (rc < 0) { /* no store: still serve the console */
            if (!spin)
                WAIT_UNTIL(console_input_pending(),
                           time_now_ns() + 1000 * 1000000ULL);
            continue;
        }
        if (!strcmp(token, TOK_SHUTDOWN))
            on_shutdown();
        else if (!strcmp(token, TOK_MEMORY))
            on_memory();
        else if (!strcmp(token, TOK_CPU))
            on_cpu();
        else if (!strcmp(token, BLKFRONT_WATCH_TOKEN))
            blkfront_backend_changed();
        else if (!strcmp(token, NETFRONT_WATCH_TOKEN))
            netfront_backend_changed();
    }
}
