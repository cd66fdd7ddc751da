/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench.c: I/O benchmarks run inside the guest (cmdline bench=..., shell
 * "bench ..."), timed with the guest's own clock; each prints one line a
 * harness parses (bench/guest.bash), "bench blk: PASS k=v ..." or
 * "bench blk: FAIL why (k=v ...)". Several runs: join them with '+'.
 *
 *   blk,<1M|4K|NK>,<seq|rand>,<read|write>[,qd=N][,mb=M][,ops=N][,gen=G]
 *     blkfront with qd requests in flight (indirect ones beyond 11 pages)
 *     over the first mb MiB of the first vbd (default: all of it); seq
 *     covers it once, rand does ops requests (default 4096). Every 512-byte
 *     sector carries a stamp (its number, magic ^ gen, ~number at its end):
 *     writes stamp what they write, reads clear the stamps first and check
 *     each one afterwards, so a lost, misplaced or short transfer fails.
 *   net,<frame bytes 60..1514>[,n=N][,dst=A.B.C.D][,port=P]
 *     n UDP frames (default 100000) from the first vif (ip= or 10.0.0.2)
 *     to dst:port (default 10.0.0.1:9000), its MAC found by ARP; each
 *     payload is "PVBN", a big-endian sequence number, then bytes
 *     (i * 7 + 1) & 0xff, which the receiver checks (bench_guest sink).
 */
#include "blkfront.h"
#include "kernel.h"
#include "netfront.h"

#include <xen/io/blkif.h>

#define MS 1000000ULL
#define STAMP_MAGIC 0x5056424e43482100ULL /* "PVBNCH!\0" */
#define MAX_QD 32                         /* a blkif ring's slots */
#define MAX_PAGES 1536                    /* of the 2040 grant entries */

struct blk_run {
    bool write, seq;
    unsigned pages, qd; /* per request; in flight */
    uint64_t first_sect, region_sect, ops;
    uint64_t gen;
};

static struct {
    void *page[MAX_PAGES];
    uint32_t ref[MAX_PAGES];
    void *ind[MAX_QD];
    uint32_t ind_ref[MAX_QD];
    uint64_t sector[MAX_QD];
    bool busy[MAX_QD];
    unsigned npages, nind;
} bb;

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

static uint64_t *sect_word(unsigned slot, unsigned pages, unsigned k,
                           unsigned off)
{
    uint8_t *p = bb.page[slot * pages + k / 8];
    return (uint64_t *)(p + (k % 8) * 512 + off);
}

/* Stamps (write), clears (read) or checks the request's sectors;
 * returns how many failed the check. */
enum stamp_op { STAMP, CLEAR, CHECK };
static unsigned stamps(const struct blk_run *r, unsigned slot, enum stamp_op op)
{
    unsigned k, n = r->pages * 8, bad = 0;
    uint64_t s = bb.sector[slot];

    for (k = 0; k < n; k++, s++) {
        uint64_t *a = sect_word(slot, r->pages, k, 0);
        uint64_t *b = sect_word(slot, r->pages, k, 8);
        uint64_t *c = sect_word(slot, r->pages, k, 504);
        if (op == STAMP) {
            *a = s, *b = STAMP_MAGIC ^ r->gen, *c = ~s;
        } else if (op == CLEAR) {
            *a = *b = *c = 0;
        } else if (*a != s || *b != (STAMP_MAGIC ^ r->gen) || *c != ~s) {
            if (!bad)
                printk("bench blk sector %lu: reads %lx %lx %lx\n",
                       (unsigned long)s, (unsigned long)*a, (unsigned long)*b,
                       (unsigned long)*c);
            bad++;
        }
    }
    return bad;
}

static void blk_release(void)
{
    unsigned i;

    for (i = 0; i < bb.npages; i++)
        if (gnttab_end_access(bb.ref[i]) == 0)
            page_free(bb.page[i]);
    for (i = 0; i < bb.nind; i++)
        if (gnttab_end_access(bb.ind_ref[i]) == 0)
            page_free(bb.ind[i]);
    bb.npages = bb.nind = 0;
}

/* qd buffers of `pages` pages, granted once, and an indirect page each. */
static int blk_buffers(const struct blk_run *r, domid_t be)
{
    unsigned i;
    int ref;

    for (i = 0; i < r->qd * r->pages; i++, bb.npages++) {
        if (!(bb.page[i] = page_alloc()))
            return -XEN_ENOMEM;
        ref =
            gnttab_grant_access(be, (uintptr_t)bb.page[i] >> PAGE_SHIFT, false);
        if (ref < 0) {
            page_free(bb.page[i]);
            return ref;
        }
        bb.ref[i] = (uint32_t)ref;
    }
    for (i = 0; i < r->qd; i++, bb.nind++) {
        bb.busy[i] = false;
        if (!(bb.ind[i] = page_alloc()))
            return -XEN_ENOMEM;
        ref = gnttab_grant_access(be, (uintptr_t)bb.ind[i] >> PAGE_SHIFT, true);
        if (ref < 0) {
            page_free(bb.ind[i]);
            return ref;
        }
        bb.ind_ref[i] = (uint32_t)ref;
    }
    return 0;
}

/* Returns NULL or why it failed; *done_out and *verified_out count. */
static const char *blk_loop(const struct blk_run *r, uint64_t *done_out,
                            uint64_t *verified_out)
{
    uint64_t issued = 0, done = 0, seed = 0x9e3779b97f4a7c15ULL, nblocks;
    struct blkfront_rsp rsp[MAX_QD];
    unsigned i, n, slot, bad;

    nblocks = r->region_sect / (r->pages * 8);
    *verified_out = 0;
    while (done < r->ops) {
        for (slot = 0; slot < r->qd && issued < r->ops; slot++) {
            if (bb.busy[slot] || !blkfront_ring_free())
                continue;
            bb.sector[slot] =
                r->first_sect +
                (r->seq ? issued : rnd(&seed) % nblocks) * r->pages * 8;
            stamps(r, slot, r->write ? STAMP : CLEAR);
            if (blkfront_queue(slot, r->write, bb.sector[slot],
                               &bb.ref[slot * r->pages], r->pages, bb.ind[slot],
                               bb.ind_ref[slot]) < 0)
                return "cannot queue a request";
            bb.busy[slot] = true;
            issued++;
        }
        blkfront_kick();
        if (!WAIT_UNTIL(blkfront_response_ready(), time_now_ns() + 10000 * MS))
            return "no response in 10 s";
        n = blkfront_reap(rsp, MAX_QD);
        for (i = 0; i < n; i++) {
            slot = (unsigned)rsp[i].id;
            if (slot >= r->qd || !bb.busy[slot])
                return "response with an unknown id";
            if (rsp[i].status != BLKIF_RSP_OKAY)
                return "request failed";
            if (!r->write) {
                bad = stamps(r, slot, CHECK);
                if (bad)
                    return "data read differs from the stamps written";
                *verified_out += r->pages * 8;
            }
            bb.busy[slot] = false;
            done++;
            *done_out = done;
        }
    }
    return NULL;
}

/* After a failure: take every answer still due (up to 5 s), so the next
 * run does not see this one's responses. */
static void blk_drain(void)
{
    struct blkfront_rsp rsp[MAX_QD];
    uint64_t end = time_now_ns() + 5000 * MS;

    while (blkfront_ring_free() < MAX_QD && time_now_ns() < end)
        if (WAIT_UNTIL(blkfront_response_ready(), end))
            blkfront_reap(rsp, MAX_QD);
}

/* "1M", "4K", "65536": bytes. */
static bool parse_size(const char *s, uint64_t *out)
{
    unsigned long v;
    const char *end;

    if (lib_parse_ulong(s, &v, &end) < 0)
        return false;
    if (*end == 'K' || *end == 'k')
        v <<= 10, end++;
    else if (*end == 'M' || *end == 'm')
        v <<= 20, end++;
    *out = v;
    return !*end;
}

static bool opt_ulong(const char *tok, const char *key, uint64_t *out)
{
    size_t n = strlen(key);
    unsigned long v;
    const char *end;

    if (strncmp(tok, key, n) || tok[n] != '=' ||
        lib_parse_ulong(tok + n + 1, &v, &end) < 0 || *end)
        return false;
    *out = v;
    return true;
}

/* Rates from a count over ns: per second, and KiB/s of bytes. */
static unsigned long per_sec(uint64_t count, uint64_t ns)
{
    return ns ? (unsigned long)(count * 1000000000ULL / ns) : 0;
}

static void bench_blk(char **tok, unsigned ntok)
{
    struct blk_run r = {.qd = 0};
    struct blkfront_info info;
    uint64_t bs = 0, v, mb = 0, ops = 0, done = 0, verified = 0, t0, ns;
    const char *why = NULL;
    unsigned i;
    int rc;

    for (i = 1; i < ntok; i++) {
        if (!strcmp(tok[i], "seq") || !strcmp(tok[i], "rand"))
            r.seq = tok[i][0] == 's';
        else if (!strcmp(tok[i], "read") || !strcmp(tok[i], "write"))
            r.write = tok[i][0] == 'w';
        else if (opt_ulong(tok[i], "qd", &v))
            r.qd = (unsigned)v;
        else if (opt_ulong(tok[i], "mb", &v))
            mb = v;
        else if (opt_ulong(tok[i], "ops", &v))
            ops = v;
        else if (opt_ulong(tok[i], "gen", &v))
            r.gen = v;
        else if (!parse_size(tok[i], &bs)) {
            printk("bench blk: FAIL unknown option '%s'\n", tok[i]);
            return;
        }
    }
    if (!bs || bs % PAGE_SIZE) {
        printk("bench blk: FAIL the size must be whole pages (1M, 4K)\n");
        return;
    }
    r.pages = (unsigned)(bs / PAGE_SIZE);
    if ((rc = blkfront_init(&info)) < 0) {
        printk("bench blk: FAIL no connected vbd (%d)\n", rc);
        return;
    }
    if (r.pages > blkfront_max_segments()) {
        printk("bench blk: FAIL the backend takes %u pages a request\n",
               blkfront_max_segments());
        return;
    }
    if (!r.qd)
        r.qd = r.pages > 1 ? 4 : MAX_QD;
    if (r.qd > MAX_QD)
        r.qd = MAX_QD;
    if (r.qd * r.pages > MAX_PAGES)
        r.qd = MAX_PAGES / r.pages;
    r.region_sect = mb ? mb << 11 : info.sectors;
    if (r.region_sect > info.sectors)
        r.region_sect = info.sectors;
    r.region_sect -= r.region_sect % (r.pages * 8);
    r.ops = r.seq ? r.region_sect / (r.pages * 8) : (ops ? ops : 4096);
    if (r.seq && ops && ops < r.ops)
        r.ops = ops;
    if (!r.region_sect || (r.write && info.readonly)) {
        printk("bench blk: FAIL disk too small or read-only\n");
        return;
    }
    rc = blk_buffers(&r, (domid_t)info.backend_id);
    if (rc < 0) {
        blk_release();
        printk("bench blk: FAIL no buffers (%d)\n", rc);
        return;
    }
    t0 = time_now_ns();
    why = blk_loop(&r, &done, &verified);
    ns = time_now_ns() - t0;
    if (why)
        blk_drain();
    blk_release();
    printk("bench blk: %s%s%sop=%s pattern=%s bs=%lu qd=%u ops=%lu "
           "bytes=%lu ns=%lu kibps=%lu iops=%lu verified=%lu gen=%lu "
           "vbd=%s%s\n",
           why ? "FAIL " : "PASS ", why ? why : "", why ? " (" : "",
           r.write ? "write" : "read", r.seq ? "seq" : "rand",
           (unsigned long)bs, r.qd, (unsigned long)done,
           (unsigned long)(done * bs), (unsigned long)ns,
           per_sec(done * bs / 1024, ns), per_sec(done, ns),
           (unsigned long)verified, (unsigned long)r.gen, info.devid,
           why ? ")" : "");
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, (uint16_t)(v >> 16));
    put16(p + 2, (uint16_t)v);
}

/* Ethernet + IPv4 + UDP to dst, payload "PVBN" seq pattern; the IP
 * header never changes (id 0, DF), the UDP checksum is 0 (none). */
static void udp_frame(uint8_t *f, size_t len, const uint8_t dmac[6],
                      uint32_t dst, uint16_t port)
{
    uint8_t smac[6], *ip = f + 14, *udp = f + 34, *pl = f + 42;
    uint32_t src;
    size_t i;

    net_get_config(&src, smac);
    memcpy(f, dmac, 6);
    memcpy(f + 6, smac, 6);
    put16(f + 12, 0x0800);
    memset(ip, 0, 20);
    ip[0] = 0x45;
    put16(ip + 2, (uint16_t)(len - 14));
    put16(ip + 6, 0x4000);
    ip[8] = 64;
    ip[9] = 17;
    memcpy(ip + 12, &src, 4);
    memcpy(ip + 16, &dst, 4);
    put16(ip + 10, net_csum(ip, 20));
    put16(udp, 9001);
    put16(udp + 2, port);
    put16(udp + 4, (uint16_t)(len - 34));
    put16(udp + 6, 0);
    memcpy(pl, "PVBN", 4);
    for (i = 8; i < len - 42; i++)
        pl[i] = (uint8_t)(i * 7 + 1);
}

static void bench_net(char **tok, unsigned ntok)
{
    static uint8_t frame[1514];
    char ip[20] = "10.0.0.2", desc[96];
    uint64_t len = 0, n = 100000, port = 9000, v, sent, t0, ns;
    struct netfront_stats st0, st1;
    uint32_t dst;
    uint8_t dmac[6];
    unsigned i;
    int rc = 0;

    net_parse_ip("10.0.0.1", &dst);
    for (i = 1; i < ntok; i++) {
        if (opt_ulong(tok[i], "n", &v))
            n = v;
        else if (opt_ulong(tok[i], "port", &v) && v && v < 65536)
            port = v;
        else if (!strncmp(tok[i], "dst=", 4))
            rc = net_parse_ip(tok[i] + 4, &dst);
        else if (!parse_size(tok[i], &len))
            rc = -XEN_EINVAL;
        if (rc < 0 || (len && (len < 60 || len > 1514))) {
            printk("bench net: FAIL bad option '%s' (frame 60..1514)\n",
                   tok[i]);
            return;
        }
    }
    if (!len) {
        printk("bench net: FAIL no frame size\n");
        return;
    }
    cmdline_get("ip", ip, sizeof(ip));
    if ((rc = netfront_start(ip, desc, sizeof(desc))) < 0) {
        printk("bench net: FAIL no connected vif (%d)\n", rc);
        return;
    }
    for (i = 0; i < 10 && !net_arp_lookup(dst, dmac); i++) {
        net_arp_request(dst);
        WAIT_UNTIL(net_arp_lookup(dst, dmac), time_now_ns() + 500 * MS);
    }
    if (!net_arp_lookup(dst, dmac)) {
        printk("bench net: FAIL no ARP reply from the destination\n");
        return;
    }
    udp_frame(frame, (size_t)len, dmac, dst, (uint16_t)port);
    netfront_stats(&st0);
    t0 = time_now_ns();
    for (sent = 0; sent < n; sent++) {
        if ((rc = netfront_tx_wait(1, time_now_ns() + 5000 * MS)) < 0)
            break;
        put32(frame + 46, (uint32_t)sent);
        if ((rc = netfront_xmit(frame, (size_t)len)) < 0)
            break;
    }
    if (rc == 0)
        rc = netfront_tx_wait(~0u, time_now_ns() + 5000 * MS);
    ns = time_now_ns() - t0;
    netfront_stats(&st1);
    printk("bench net: %s size=%lu frames=%lu bytes=%lu ns=%lu pps=%lu "
           "kibps=%lu tx_errors=%lu rc=%d (%s)\n",
           rc < 0 ? "FAIL transmit stopped" : "PASS", (unsigned long)len,
           (unsigned long)sent, (unsigned long)(sent * len), (unsigned long)ns,
           per_sec(sent, ns), per_sec(sent * len / 1024, ns),
           st1.tx_dropped - st0.tx_dropped, rc, desc);
}

void bench_run(const char *spec)
{
    char buf[256], *run, *next, *tok[12];
    unsigned ntok;

    strlcpy(buf, spec, sizeof(buf));
    for (run = buf; run; run = next) {
        char *p;
        if ((next = strchr(run, '+')))
            *next++ = '\0';
        for (ntok = 0, p = run; p && ntok < ARRAY_SIZE(tok); ntok++) {
            tok[ntok] = p;
            if ((p = strchr(p, ',')))
                *p++ = '\0';
        }
        if (ntok && !strcmp(tok[0], "blk"))
            bench_blk(tok, ntok);
        else if (ntok && !strcmp(tok[0], "net"))
            bench_net(tok, ntok);
        else
            printk("bench: FAIL unknown run '%s' (blk,... or net,...)\n",
                   ntok ? tok[0] : "");
    }
}
