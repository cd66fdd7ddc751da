/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * traps.c: the trap table (HYPERVISOR_set_trap_table: the kvm engine's
 * VMM turns it into a DPL3 IDT, pvabi.h; Xen bounces faults itself), the
 * C side of every entry from head.S, and panic. A fault nobody expects
 * prints vector, rip, error code and cr2, then shuts the domain down as
 * crashed so on_crash applies.
 */
#include "kernel.h"
#include "platform.h"

/* Entry stubs in head.S. */
extern char trap_0[], trap_1[], trap_2[], trap_3[], trap_4[], trap_5[],
    trap_6[], trap_7[], trap_8[], trap_9[], trap_10[], trap_11[], trap_12[],
    trap_13[], trap_14[], trap_16[], trap_17[], trap_18[], trap_19[], trap_20[];
/* The same behind Xen's rcx/r11 (platform.h). */
extern char xtrap_0[], xtrap_1[], xtrap_2[], xtrap_3[], xtrap_4[], xtrap_5[],
    xtrap_6[], xtrap_7[], xtrap_8[], xtrap_9[], xtrap_10[], xtrap_11[],
    xtrap_12[], xtrap_13[], xtrap_14[], xtrap_16[], xtrap_17[], xtrap_18[],
    xtrap_19[], xtrap_20[];

struct trap_desc {
    uint8_t vector;
    uint8_t dpl; /* 3 where int3/into must reach it from CPL3 */
    const char *name;
    char *entry;
    char *xen_entry;
};

static const struct trap_desc trap_descs[] = {
    {0, 0, "divide error", trap_0, xtrap_0},
    {1, 0, "debug", trap_1, xtrap_1},
    {2, 0, "nmi", trap_2, xtrap_2},
    {3, 3, "int3", trap_3, xtrap_3},
    {4, 3, "overflow", trap_4, xtrap_4},
    {5, 0, "bounds", trap_5, xtrap_5},
    {6, 0, "invalid opcode", trap_6, xtrap_6},
    {7, 0, "device not available", trap_7, xtrap_7},
    {8, 0, "double fault", trap_8, xtrap_8},
    {9, 0, "coprocessor segment overrun", trap_9, xtrap_9},
    {10, 0, "invalid TSS", trap_10, xtrap_10},
    {11, 0, "segment not present", trap_11, xtrap_11},
    {12, 0, "stack segment", trap_12, xtrap_12},
    {13, 0, "general protection", trap_13, xtrap_13},
    {14, 0, "page fault", trap_14, xtrap_14},
    {16, 0, "x87 fpu error", trap_16, xtrap_16},
    {17, 0, "alignment check", trap_17, xtrap_17},
    {18, 0, "machine check", trap_18, xtrap_18},
    {19, 0, "simd fpu error", trap_19, xtrap_19},
    {20, 0, "virtualization", trap_20, xtrap_20},
};

/* Self-test expectation: one armed fault, taken by whichever vcpu. */
static struct {
    int vector; /* -1: none armed */
    unsigned skip;
    unsigned hits;
    uint64_t cr2;
} expect = {-1, 0, 0, 0};

void trap_table_fill(struct trap_info *t, size_t n)
{
    size_t i;

    memset(t, 0, n * sizeof(*t));
    for (i = 0; i < ARRAY_SIZE(trap_descs) && i + 1 < n; i++) {
        t[i].vector = trap_descs[i].vector;
        t[i].flags = trap_descs[i].dpl;
        t[i].cs = platform->kernel_cs;
        t[i].address = (unsigned long)(platform->trap_frame_rcx_r11
                                           ? trap_descs[i].xen_entry
                                           : trap_descs[i].entry);
    }
    /* t[i] stays zeroed: address 0 ends the table, as in Xen. */
}

void trap_ctxt_fill(struct trap_info t[256])
{
    struct trap_info list[ARRAY_SIZE(trap_descs) + 1];
    size_t i;

    trap_table_fill(list, ARRAY_SIZE(list));
    memset(t, 0, 256 * sizeof(*t));
    for (i = 0; i < ARRAY_SIZE(trap_descs); i++)
        t[list[i].vector] = list[i];
}

void traps_init(void)
{
    struct trap_info table[ARRAY_SIZE(trap_descs) + 1];
    long rc;

    trap_table_fill(table, ARRAY_SIZE(table));
    rc = hyp_set_trap_table(table);
    if (rc < 0)
        printk("traps: set_trap_table failed (%ld), faults will crash\n", rc);
}

void traps_expect(int vector, unsigned skip)
{
    expect.skip = skip;
    __atomic_store_n(&expect.vector, vector, __ATOMIC_RELEASE);
}

unsigned traps_expected_hits(uint64_t *cr2_out)
{
    if (cr2_out)
        *cr2_out = expect.cr2;
    return __atomic_load_n(&expect.hits, __ATOMIC_ACQUIRE);
}

static const char *trap_name(int64_t vector)
{
    size_t i;
    for (i = 0; i < ARRAY_SIZE(trap_descs); i++)
        if (trap_descs[i].vector == vector)
            return trap_descs[i].name;
    return "unknown";
}

/* cr2 is unreadable at CPL3; the VMM copies it into vcpu_info.arch.cr2 on
 * every hypercall exit (pvabi.h), so make the cheapest one first. */
static uint64_t read_cr2(void)
{
    hyp_xen_version(XENVER_version, NULL);
    return READ_ONCE(this_vcpu_info()->arch.cr2);
}

static void do_trap(struct regs *r)
{
    uint64_t cr2 = r->vector == 14 ? read_cr2() : 0;
    int want = expect.vector;

    if (want == r->vector &&
        __atomic_compare_exchange_n(&expect.vector, &want, -1, false,
                                    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        expect.cr2 = cr2;
        r->rip += expect.skip;
        __atomic_fetch_add(&expect.hits, 1, __ATOMIC_RELEASE);
        return;
    }
    printk("pvstack guest: fatal trap %ld (%s) on vcpu %u: rip %lx err %lx "
           "cr2 %lx rsp %lx\n",
           (long)r->vector, trap_name(r->vector), smp_id(),
           (unsigned long)r->rip, (unsigned long)r->error, (unsigned long)cr2,
           (unsigned long)r->rsp);
    hyp_shutdown(SHUTDOWN_crash);
    for (;;)
        hyp_sched_op(SCHEDOP_yield, NULL);
}

void do_entry(struct regs *r)
{
    if (r->vector >= 0) {
        do_trap(r);
        return;
    }
    events_do_upcall(r);
}

void panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    printk("pvstack guest: panic: %s\n", buf);
    hyp_shutdown(SHUTDOWN_crash);
    for (;;)
        hyp_sched_op(SCHEDOP_yield, NULL);
}
