/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * selftest.c: built-in self-tests the integration tests select on the
 * cmdline (selftest=store,events,...). Each prints exactly one line,
 * "selftest <name>: PASS" or "selftest <name>: FAIL <reason>", then a
 * summary line "selftest: <n> passed, <m> failed".
 */
#include "blkfront.h"
#include "netfront.h"
#include "xenbus.h"

#include "kernel.h"

#define MS 1000000ULL

/* A test returns NULL on success or a static reason; detail is optional
 * text for the PASS line. */
typedef const char *selftest_fn(char *detail, size_t size);

static const char *test_store(char *detail, size_t size)
{
    char buf[128], path[128], token[64];
    uint32_t tx;
    int rc, n, tries;

    if (xenbus_write(XBT_NIL, "data/selftest/a", "hello") < 0)
        return "write data/selftest/a";
    if (xenbus_read(XBT_NIL, "data/selftest/a", buf, sizeof(buf)) != 5 ||
        strcmp(buf, "hello"))
        return "read back differs";
    if (xenbus_write(XBT_NIL, "data/selftest/b", "2") < 0)
        return "write data/selftest/b";
    n = xenbus_directory(XBT_NIL, "data/selftest", buf, sizeof(buf));
    if (n != 2)
        return "directory does not list 2 entries";
    if (xenbus_read(XBT_NIL, "data/selftest/missing", buf, sizeof(buf)) !=
        -XEN_ENOENT)
        return "missing node is not ENOENT";
    for (tries = 0; tries < 5; tries++) {
        if (xenbus_transaction_start(&tx) < 0)
            return "transaction start";
        xenbus_write(tx, "data/selftest/t1", "x");
        xenbus_write(tx, "data/selftest/t2", "y");
        rc = xenbus_transaction_end(tx, 0);
        if (rc != -XEN_EAGAIN)
            break;
    }
    if (rc < 0)
        return "transaction commit";
    if (xenbus_read(XBT_NIL, "data/selftest/t2", buf, sizeof(buf)) != 1)
        return "transaction write not visible";
    if (xenbus_transaction_start(&tx) < 0)
        return "transaction start (abort)";
    xenbus_write(tx, "data/selftest/t3", "z");
    xenbus_transaction_end(tx, 1);
    if (xenbus_read(XBT_NIL, "data/selftest/t3", buf, sizeof(buf)) !=
        -XEN_ENOENT)
        return "aborted transaction leaked a write";
    if (xenbus_watch("data/selftest/w", "stw") < 0)
        return "watch";
    /* The registration fires once; then our write must fire it again. */
    if (xenbus_wait_watch_token("stw", path, sizeof(path), token, sizeof(token),
                                time_now_ns() + 2000 * MS) < 0)
        return "no initial watch event";
    xenbus_flush_watch("stw");
    xenbus_write(XBT_NIL, "data/selftest/w", "1");
    if (xenbus_wait_watch_token("stw", path, sizeof(path), token, sizeof(token),
                                time_now_ns() + 2000 * MS) < 0)
        return "no watch event for our write";
    xenbus_unwatch("data/selftest/w", "stw");
    if (xenbus_rm(XBT_NIL, "data/selftest") < 0)
        return "rm";
    if (xenbus_read(XBT_NIL, "data/selftest/a", buf, sizeof(buf)) !=
        -XEN_ENOENT)
        return "rm left a child";
    if (xenbus_read(XBT_NIL, "domid", buf, sizeof(buf)) > 0)
        snprintf(detail, size, "domid %s", buf);
    return NULL;
}

static volatile unsigned ev_hits;

static void ev_handler(evtchn_port_t port, struct regs *r, void *data)
{
    ev_hits++;
}

static const char *test_events(char *detail, size_t size)
{
    evtchn_port_t port;
    uint64_t t0, t1;
    unsigned i, n = 100;

    if (evtchn_bind_ipi(smp_id(), ev_handler, NULL, &port) < 0)
        return "bind_ipi";
    ev_hits = 0;
    evtchn_send(port);
    /* Delivery is at the send's exit: 200 ms is slack, not a wait. */
    if (!WAIT_UNTIL(ev_hits == 1, time_now_ns() + 200 * MS))
        return "ipi to self not delivered";
    evtchn_mask(port);
    evtchn_send(port);
    time_sleep_ns(5 * MS);
    if (ev_hits != 1)
        return "masked port was delivered";
    evtchn_unmask(port);
    if (!WAIT_UNTIL(ev_hits == 2, time_now_ns() + 200 * MS))
        return "unmask did not deliver the pending event";
    t0 = time_now_ns();
    for (i = 0; i < n; i++) {
        unsigned want = ev_hits + 1;
        evtchn_send(port);
        if (!WAIT_UNTIL(ev_hits == want, time_now_ns() + 1000 * MS))
            return "event lost in the round-trip loop";
    }
    t1 = time_now_ns();
    evtchn_close(port);
    snprintf(detail, size, "send->callback %lu us",
             (unsigned long)((t1 - t0) / n / 1000));
    return NULL;
}

static const char *test_timer(char *detail, size_t size)
{
    unsigned long ev0 = time_timer_events();
    uint64_t t0 = time_now_ns(), t1, t2;

    time_sleep_ns(20 * MS);
    t1 = time_now_ns();
    if (t1 - t0 < 20 * MS)
        return "woke before the deadline";
    if (t1 - t0 > 500 * MS)
        return "slept far past the deadline";
    if (time_timer_events() == ev0)
        return "no VIRQ_TIMER event";
    t2 = time_now_ns();
    if (t2 < t1)
        return "time went backwards";
    snprintf(detail, size, "slept %lu us for 20000",
             (unsigned long)((t1 - t0) / 1000));
    return NULL;
}

static volatile unsigned smp_seen[MAX_CPUS];

static void smp_mark(void *data)
{
    smp_seen[smp_id()] = smp_id() + 100;
}

static const char *test_smp(char *detail, size_t size)
{
    char names[256], path[48], avail[16];
    const char *n;
    unsigned want = 1, i;
    int count, k;

    count = xenbus_directory(XBT_NIL, "cpu", names, sizeof(names));
    if (count < 0) /* no store: every vcpu the VMM has should be up */
        for (i = 1; i < MAX_CPUS; i++)
            want += hyp_vcpu_op(VCPUOP_is_up, i, NULL) >= 0;
    for (k = 0, n = names; k < count; k++, n += strlen(n) + 1) {
        if (!strcmp(n, "0"))
            continue;
        snprintf(path, sizeof(path), "cpu/%s/availability", n);
        if (xenbus_read(XBT_NIL, path, avail, sizeof(avail)) > 0 &&
            !strcmp(avail, "online"))
            want++;
    }
    if (smp_online_count() != want) {
        snprintf(detail, size, "%u", smp_online_count());
        return "online vcpus differ from the store's cpu/N/availability";
    }
    for (i = 1; i < MAX_CPUS; i++) {
        if (!smp_cpu_online(i))
            continue;
        smp_seen[i] = 0;
        if (smp_call(i, smp_mark, NULL) < 0 || smp_seen[i] != i + 100)
            return "a secondary vcpu did not run our call";
    }
    snprintf(detail, size, "%u vcpus online", smp_online_count());
    return NULL;
}

static const char *test_grant(char *detail, size_t size)
{
    struct gnttab_query_size q = {.dom = DOMID_SELF};
    const struct grant_entry_v1 *e;
    void *page = page_alloc();
    unsigned long frame;
    int ref, ref2;

    if (!page)
        return "out of memory";
    frame = (uintptr_t)page >> PAGE_SHIFT;
    if (!gnttab_nr_frames())
        return "no grant table";
    if (hyp_gnttab_op(GNTTABOP_query_size, &q, 1) < 0 || q.status ||
        q.nr_frames != gnttab_nr_frames())
        return "query_size disagrees with setup_table";
    ref = gnttab_grant_access(0, frame, true);
    if (ref < (int)GNTTAB_NR_RESERVED_ENTRIES)
        return "grant_access";
    e = gnttab_entry((grant_ref_t)ref);
    if (e->domid != 0 || e->frame != frame ||
        e->flags != (GTF_permit_access | GTF_readonly))
        return "entry not as granted";
    if (gnttab_end_access((grant_ref_t)ref) < 0 || e->flags)
        return "end_access";
    ref2 = gnttab_grant_access(0, frame, false);
    if (ref2 != ref)
        return "freed reference not reused";
    gnttab_end_access((grant_ref_t)ref2);
    page_free(page);
    snprintf(detail, size, "%u frames, ref %d", q.nr_frames, ref);
    return NULL;
}

static const char *test_traps(char *detail, size_t size)
{
    uint64_t cr2;
    unsigned hits = traps_expected_hits(NULL);
    volatile uint64_t *bad = (volatile uint64_t *)0x3ead00001000UL;

    traps_expect(3, 0); /* int3 is a trap: rip is already past it */
    __asm__ __volatile__("int3");
    if (traps_expected_hits(NULL) != hits + 1)
        return "int3 not handled";
    traps_expect(6, 2);
    __asm__ __volatile__("ud2");
    if (traps_expected_hits(NULL) != hits + 2)
        return "ud2 not handled";
    traps_expect(14, 3); /* mov (%rdi),%rax: 48 8b 07 */
    __asm__ __volatile__(".byte 0x48, 0x8b, 0x07" ::"D"(bad) : "rax", "memory");
    if (traps_expected_hits(&cr2) != hits + 3)
        return "page fault not handled";
    if (cr2 != (uintptr_t)bad) {
        snprintf(detail, size, "cr2 %lx", (unsigned long)cr2);
        return "page fault with wrong cr2";
    }
    snprintf(detail, size, "int3, ud2, #PF cr2 %lx", (unsigned long)cr2);
    return NULL;
}

static const char *test_balloon(char *detail, size_t size)
{
    uint64_t before = balloon_current_kb();
    domid_t self = DOMID_SELF;
    long r0, r1, r2;

    r0 = hyp_memory_op(XENMEM_current_reservation, &self);
    if (balloon_set_target_kb(before - 1024) < 0)
        return "could not give back 1 MiB";
    r1 = hyp_memory_op(XENMEM_current_reservation, &self);
    if (balloon_set_target_kb(before) < 0)
        return "could not take back 1 MiB";
    r2 = hyp_memory_op(XENMEM_current_reservation, &self);
    if (r0 < 0 || r1 != r0 - 256 || r2 != r0) {
        snprintf(detail, size, "%ld %ld %ld", r0, r1, r2);
        return "current_reservation did not follow";
    }
    snprintf(detail, size, "%ld pages, down 256 and back", r0);
    return NULL;
}

/* Writes a pattern over the disk's last 4 KiB, reads it back, restores. */
static const char *test_blk(char *detail, size_t size)
{
    struct blkfront_info info;
    uint8_t *save = page_alloc(), *buf = page_alloc();
    uint64_t sector;
    size_t i;
    int rc;

    if (!save || !buf)
        return "out of memory";
    rc = blkfront_init(&info);
    if (rc < 0) {
        snprintf(detail, size, "%d", rc);
        return "no connected vbd";
    }
    if (info.sectors < 8)
        return "disk smaller than 4 KiB";
    sector = info.sectors - 8;
    if (blkfront_io(sector, save, 8, false) < 0)
        return "read failed";
    if (!info.readonly) {
        for (i = 0; i < PAGE_SIZE; i++)
            buf[i] = (uint8_t)(i * 7 + 0x5a);
        if (blkfront_io(sector, buf, 8, true) < 0)
            return "write failed";
        memset(buf, 0, PAGE_SIZE);
        if (blkfront_io(sector, buf, 8, false) < 0)
            return "read back failed";
        for (i = 0; i < PAGE_SIZE; i++)
            if (buf[i] != (uint8_t)(i * 7 + 0x5a))
                return "read back differs from what was written";
        if (blkfront_io(sector, save, 8, true) < 0)
            return "restore failed";
    }
    snprintf(detail, size, "vbd %s: %lu sectors of %u, %s", info.devid,
             (unsigned long)info.sectors, info.sector_size,
             info.readonly ? "read-only, read 8" : "wrote and read back 8");
    page_free(save);
    page_free(buf);
    return NULL;
}

/* Connects the vif (ip= from the cmdline, else 10.0.0.2); the peer then
 * pings or sends UDP to port 7, which keeps being answered afterwards. */
static const char *test_net(char *detail, size_t size)
{
    char ip[20] = "10.0.0.2";
    int rc;

    cmdline_get("ip", ip, sizeof(ip));
    rc = netfront_start(ip, detail, size);
    if (rc < 0) {
        snprintf(detail, size, "%d", rc);
        return "no connected vif";
    }
    return NULL;
}

static const char *test_crash(char *detail, size_t size)
{
    printk("selftest crash: faulting on purpose\n");
    *(volatile uint64_t *)0x3ead00002000UL = 1;
    return "still running after the fault";
}

static const struct {
    const char *name;
    selftest_fn *fn;
    bool in_all;
} tests[] = {
    {"store", test_store, true},     {"events", test_events, true},
    {"timer", test_timer, true},     {"smp", test_smp, true},
    {"grant", test_grant, true},     {"traps", test_traps, true},
    {"balloon", test_balloon, true}, {"crash", test_crash, false},
    {"blk", test_blk, false},        {"net", test_net, false},
};

static bool run_one(size_t i)
{
    char detail[96] = "";
    const char *why = tests[i].fn(detail, sizeof(detail));

    if (why)
        printk("selftest %s: FAIL %s%s%s\n", tests[i].name, why,
               detail[0] ? ": " : "", detail);
    else
        printk("selftest %s: PASS%s%s%s\n", tests[i].name,
               detail[0] ? " (" : "", detail, detail[0] ? ")" : "");
    return !why;
}

int selftest_run(const char *list)
{
    const char *p = list;
    int pass = 0, fail = 0;
    size_t i;

    while (*p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        bool all = len == 3 && !strncmp(p, "all", 3), found = all;
        for (i = 0; i < ARRAY_SIZE(tests); i++) {
            if (all ? !tests[i].in_all
                    : strlen(tests[i].name) != len ||
                          strncmp(tests[i].name, p, len))
                continue;
            found = true;
            if (run_one(i))
                pass++;
            else
                fail++;
        }
        if (!found) {
            char name[32];
            strlcpy(name, p, len + 1 < sizeof(name) ? len + 1 : sizeof(name));
            printk("selftest %s: FAIL no such test\n", name);
            fail++;
        }
        p += len + (e ? 1 : 0);
    }
    printk("selftest: %d passed, %d failed\n", pass, fail);
    return fail;
}
