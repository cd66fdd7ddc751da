/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * selftest_hostile.c: selftest=hostile, a guest that misbehaves on
 * purpose towards blkback and netback (issue 5). It sends requests a
 * correct frontend never would and checks each is answered with an error
 * rather than served; then it corrupts the blk ring's producer index. The
 * host side (tests/integration/54) checks the daemons survive and keep
 * serving a well-behaved guest.
 */
#include "selftest.h"

#include "blkfront.h"
#include "kernel.h"
#include "netfront.h"
#include "xenbus.h"

#include <xen/io/blkif.h>
#include <xen/io/netif.h>

struct blk_probe {
    const char *name;
    struct blkif_request req;
    int16_t want;
};

/* A ref that was granted once and ended: the backend must not map it. */
static int stale_ref(unsigned dom, void *page)
{
    int ref =
        gnttab_grant_access((domid_t)dom, (uintptr_t)page >> PAGE_SHIFT, true);

    if (ref >= 0 && gnttab_end_access((grant_ref_t)ref) < 0)
        return -XEN_EBUSY;
    return ref;
}

static bool blk_one(const struct blk_probe *p, int *bad)
{
    int16_t st = 0;
    int rc = blkfront_raw(&p->req, &st);
    bool ok = rc == 0 && st == p->want;

    printk("hostile-blk: %s: %s (status %d, want %d)\n", p->name,
           ok ? "ok" : "WRONG", rc ? rc : st, p->want);
    if (!ok)
        (*bad)++;
    return ok;
}

static const char *blk_probes(char *detail, size_t size)
{
    struct blkfront_info info;
    struct blk_probe p[9];
    uint8_t *page = page_alloc(), *ro_page = page_alloc();
    int rw, ro, stale, bad = 0;
    size_t i;

    if (!page || !ro_page)
        return "out of memory";
    if (blkfront_init(&info) < 0)
        return "no connected vbd";
    rw = gnttab_grant_access((domid_t)info.backend_id,
                             (uintptr_t)page >> PAGE_SHIFT, false);
    ro = gnttab_grant_access((domid_t)info.backend_id,
                             (uintptr_t)ro_page >> PAGE_SHIFT, true);
    stale = stale_ref(info.backend_id, page_alloc());
    if (rw < 0 || ro < 0 || stale < 0)
        return "grants";
    memset(p, 0, sizeof(p));
    for (i = 0; i < ARRAY_SIZE(p); i++) {
        p[i].req.operation = BLKIF_OP_READ;
        p[i].req.nr_segments = 1;
        p[i].req.id = 0xbad00 + i;
        p[i].req.seg[0].gref = (grant_ref_t)rw;
        p[i].req.seg[0].last_sect = 7;
        p[i].want = BLKIF_RSP_ERROR;
    }
    /* The control: the same request done right is served. */
    p[0].name = "valid read of sector 0";
    p[0].want = BLKIF_RSP_OKAY;
    p[1].name = "sector past the disk end";
    p[1].req.sector_number = info.sectors - 4; /* 8 sectors, 4 beyond */
    p[2].name = "nr_segments 0";
    p[2].req.nr_segments = 0;
    p[3].name = "nr_segments 12";
    p[3].req.nr_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST + 1;
    p[4].name = "first_sect 5 > last_sect 2";
    p[4].req.seg[0].first_sect = 5;
    p[4].req.seg[0].last_sect = 2;
    p[5].name = "last_sect 8";
    p[5].req.seg[0].last_sect = 8;
    p[6].name = "ref never granted";
    p[6].req.seg[0].gref = (grant_ref_t)stale;
    p[7].name = "read into a read-only grant";
    p[7].req.seg[0].gref = (grant_ref_t)ro;
    p[8].name = "unknown operation 0x7f";
    p[8].req.operation = 0x7f;
    p[8].want = BLKIF_RSP_EOPNOTSUPP;
    for (i = 0; i < ARRAY_SIZE(p); i++)
        blk_one(&p[i], &bad);
    /* The read-only page must still be all zeroes. */
    for (i = 0; i < PAGE_SIZE; i++)
        if (ro_page[i]) {
            printk("hostile-blk: read-only page written at %u\n", (unsigned)i);
            bad++;
            break;
        }
    /* Last, since the ring is lost afterwards: req_prod far beyond what
     * the ring can hold. The backend may drop the device but must live. */
    blkfront_push_wild(100000);
    printk("hostile-blk: wild req_prod pushed (+100000)\n");
    snprintf(detail, size, "%u probes", (unsigned)ARRAY_SIZE(p));
    return bad ? "wrong answers" : NULL;
}

struct net_probe {
    const char *name;
    struct netif_tx_request slot[NETFRONT_RAW_MAX];
    unsigned nr;
};

static const char *net_probes(char *detail, size_t size)
{
    static struct net_probe p[4];
    int16_t st[NETFRONT_RAW_MAX];
    char ip[20] = "10.0.0.3", desc[96];
    void *page = page_alloc();
    int ref, stale, bad = 0, rc;
    unsigned i, j;

    cmdline_get("ip", ip, sizeof(ip));
    if (!page || netfront_start(ip, desc, sizeof(desc)) < 0)
        return "no connected vif";
    ref = gnttab_grant_access((domid_t)netfront_backend_id(),
                              (uintptr_t)page >> PAGE_SHIFT, true);
    stale = stale_ref(netfront_backend_id(), page_alloc());
    if (ref < 0 || stale < 0)
        return "grants";
    memset(p, 0, sizeof(p));
    /* A slot's size is 16 bits, so "over 64 KiB" cannot be said; the
     * largest frame we can describe is far over the vif's MTU instead. */
    p[0].name = "9000-byte frame over 3 slots";
    p[0].nr = 3;
    p[0].slot[0] =
        (struct netif_tx_request){.size = 9000, .flags = NETTXF_more_data};
    p[0].slot[1] =
        (struct netif_tx_request){.size = 4000, .flags = NETTXF_more_data};
    p[0].slot[2] = (struct netif_tx_request){.size = 4000};
    p[1].name = "ref never granted";
    p[1].nr = 1;
    p[1].slot[0] =
        (struct netif_tx_request){.gref = (grant_ref_t)stale, .size = 60};
    p[2].name = "offset 4000 + size 200 beyond the page";
    p[2].nr = 1;
    p[2].slot[0] = (struct netif_tx_request){.offset = 4000, .size = 200};
    /* More chained slots than a packet may have, the last still saying
     * more_data: the backend must cut it off, not wait for the end. */
    p[3].name = "more_data chain that never ends";
    p[3].nr = XEN_NETIF_NR_SLOTS_MIN;
    for (j = 0; j < p[3].nr; j++)
        p[3].slot[j] = (struct netif_tx_request){.size = j ? 0 : 1000,
                                                 .flags = NETTXF_more_data};
    for (i = 0; i < ARRAY_SIZE(p); i++) {
        bool ok;

        for (j = 0; j < p[i].nr; j++)
            if (i != 1)
                p[i].slot[j].gref = (grant_ref_t)ref;
        rc = netfront_tx_raw(p[i].slot, p[i].nr, st);
        ok = rc == 0;
        for (j = 0; ok && j < p[i].nr; j++)
            ok = st[j] == NETIF_RSP_ERROR;
        printk("hostile-net: %s: %s (%d)\n", p[i].name, ok ? "ok" : "WRONG",
               rc ? rc : st[0]);
        if (!ok)
            bad++;
    }
    /* Last, as for blk: a TX req_prod far beyond the ring. */
    netfront_push_wild(100000);
    printk("hostile-net: wild tx req_prod pushed (+100000)\n");
    snprintf(detail, size, "%u probes", (unsigned)ARRAY_SIZE(p));
    return bad ? "wrong answers" : NULL;
}

/* The two halves print their own PASS lines ("hostile-blk",
 * "hostile-net"); a guest without a vif or vbd skips that half. */
const char *selftest_hostile(char *detail, size_t size)
{
    char d[48] = "", names[64];
    const char *why = NULL, *w;

    if (xenbus_directory(XBT_NIL, "device/vbd", names, sizeof(names)) > 0) {
        w = blk_probes(d, sizeof(d));
        printk("selftest hostile-blk: %s%s%s\n", w ? "FAIL " : "PASS (",
               w ? w : d, w ? "" : ")");
        why = w;
    }
    if (xenbus_directory(XBT_NIL, "device/vif", names, sizeof(names)) > 0) {
        w = net_probes(d, sizeof(d));
        printk("selftest hostile-net: %s%s%s\n", w ? "FAIL " : "PASS (",
               w ? w : d, w ? "" : ")");
        why = why ? why : w;
    }
    snprintf(detail, size, "blk and net probes done");
    return why;
}
