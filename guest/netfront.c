/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netfront.c: the network frontend for the first device/vif. Rings and
 * buffers are granted once at connect, so the receive path in the event
 * callback only touches rings: no grant-table lock, no allocation, no
 * printk there. request-rx-copy=1: the backend copies into our pages.
 */
#include "netfront.h"

#include "kernel.h"
#include "xenbus.h"

#include <xen/io/netif.h>
#include <xen/io/xenbus.h>

#define MS 1000000ULL
#define NR_RX 32
/* A ring's worth: a stream (guest/bench.c) keeps them all in flight. */
#define NR_TX 256
#define MAX_FRAME 1514

struct netfront {
    char node[64];
    char backend[128];
    domid_t backend_id;
    struct netif_tx_front_ring tx;
    struct netif_rx_front_ring rx;
    int tx_ring_ref, rx_ring_ref;
    evtchn_port_t port;
    void *rx_page[NR_RX];
    int rx_ref[NR_RX];
    void *tx_page[NR_TX];
    int tx_ref[NR_TX];
    bool tx_busy[NR_TX];
    bool connected;
    uint32_t ip;
    struct netfront_stats st;
    int16_t raw_status[NETFRONT_RAW_MAX]; /* netfront_tx_raw's answers */
};

static struct netfront nf;

static void post_rx(struct netfront *n, uint16_t id)
{
    struct netif_rx_request *req = RING_GET_REQUEST(&n->rx, n->rx.req_prod_pvt);
    req->id = id;
    req->gref = (grant_ref_t)n->rx_ref[id];
    n->rx.req_prod_pvt++;
}

static void reap_tx(struct netfront *n)
{
    RING_IDX i, prod = n->tx.sring->rsp_prod;

    rmb();
    for (i = n->tx.rsp_cons; i != prod; i++) {
        struct netif_tx_response *r = RING_GET_RESPONSE(&n->tx, i);
        if (r->status == NETIF_RSP_NULL)
            continue; /* the slot of an extra-info request */
        if (r->id < NR_TX)
            n->tx_busy[r->id] = false;
        else if (r->id >= NETFRONT_RAW_ID &&
                 r->id < NETFRONT_RAW_ID + NETFRONT_RAW_MAX)
            n->raw_status[r->id - NETFRONT_RAW_ID] = r->status;
        if (r->status != NETIF_RSP_OKAY)
            n->st.tx_dropped++;
    }
    n->tx.rsp_cons = prod;
}

/* Event context, or thread context with events masked (netfront_xmit). */
static int xmit_locked(struct netfront *n, const void *frame, size_t len)
{
    struct netif_tx_request *req;
    uint16_t id;

    if (!n->connected)
        return -XEN_ENODEV;
    if (len > MAX_FRAME || len < 14)
        return -XEN_EINVAL;
    reap_tx(n);
    for (id = 0; id < NR_TX && n->tx_busy[id]; id++)
        ;
    if (id == NR_TX || RING_FULL(&n->tx)) {
        n->st.tx_dropped++;
        return -XEN_EAGAIN;
    }
    memcpy(n->tx_page[id], frame, len);
    n->tx_busy[id] = true;
    req = RING_GET_REQUEST(&n->tx, n->tx.req_prod_pvt);
    req->gref = (grant_ref_t)n->tx_ref[id];
    req->offset = 0;
    req->flags = 0;
    req->id = id;
    req->size = (uint16_t)len;
    n->tx.req_prod_pvt++;
    XENBUS_FRONT_PUSH(&n->tx, n->port);
    n->st.tx_packets++;
    return 0;
}

static void net_event(evtchn_port_t port, struct regs *r, void *data)
{
    struct netfront *n = &nf;
    int more;

    reap_tx(n);
    do {
        RING_IDX i, prod = n->rx.sring->rsp_prod;
        rmb();
        for (i = n->rx.rsp_cons; i != prod; i++) {
            struct netif_rx_response rsp = *RING_GET_RESPONSE(&n->rx, i);
            if (rsp.id >= NR_RX)
                continue; /* not ours: nothing to re-post */
            if (rsp.status > 0 &&
                !(rsp.flags & (NETRXF_more_data | NETRXF_extra_info)) &&
                rsp.offset + (unsigned)rsp.status <= PAGE_SIZE) {
                n->st.rx_packets++;
                net_input((const uint8_t *)n->rx_page[rsp.id] + rsp.offset,
                          (size_t)rsp.status);
            } else {
                n->st.rx_dropped++;
            }
            post_rx(n, rsp.id);
        }
        n->rx.rsp_cons = prod;
        XENBUS_FRONT_PUSH(&n->rx, n->port);
        RING_FINAL_CHECK_FOR_RESPONSES(&n->rx, more);
    } while (more);
}

int netfront_xmit(const void *frame, size_t len)
{
    int rc;
    local_irq_disable();
    rc = xmit_locked(&nf, frame, len);
    local_irq_enable();
    return rc;
}

/* Events masked (WAIT_UNTIL): reaps, and re-arms the backend's
 * notification before saying there is no room yet. */
static bool tx_room(struct netfront *n, unsigned want)
{
    unsigned id, free;

    for (;;) {
        reap_tx(n);
        for (id = 0, free = 0; id < NR_TX; id++)
            free += !n->tx_busy[id];
        if (free >= want && !RING_FULL(&n->tx))
            return true;
        /* Woken when half of what is in flight is answered, not the
         * first: refills come in bigger batches while the backend works
         * through the rest (as Linux netfront's xennet_tx_buf_gc did). */
        n->tx.sring->rsp_event =
            n->tx.rsp_cons + ((n->tx.req_prod_pvt - n->tx.rsp_cons) >> 1) + 1;
        mb();
        if (!RING_HAS_UNCONSUMED_RESPONSES(&n->tx))
            return false;
    }
}

int netfront_tx_wait(unsigned want, uint64_t deadline_ns)
{
    struct netfront *n = &nf;

    if (want > NR_TX)
        want = NR_TX;
    if (!WAIT_UNTIL(!n->connected || tx_room(n, want), deadline_ns))
        return -XEN_ETIMEDOUT;
    return n->connected ? 0 : -XEN_ENODEV;
}

#define RAW_PENDING 0x7fff

static bool raw_answered(const struct netfront *n, unsigned nr)
{
    unsigned i;

    for (i = 0; i < nr; i++)
        if (READ_ONCE(n->raw_status[i]) == RAW_PENDING)
            return false;
    return true;
}

int netfront_tx_raw(const struct netif_tx_request *reqs, unsigned nr,
                    int16_t *status)
{
    struct netfront *n = &nf;
    unsigned i;

    if (!n->connected)
        return -XEN_ENODEV;
    if (nr == 0 || nr > NETFRONT_RAW_MAX)
        return -XEN_EINVAL;
    local_irq_disable();
    reap_tx(n);
    if (RING_SIZE(&n->tx) - (n->tx.req_prod_pvt - n->tx.rsp_cons) < nr) {
        local_irq_enable();
        return -XEN_EAGAIN;
    }
    for (i = 0; i < nr; i++) {
        n->raw_status[i] = RAW_PENDING;
        *RING_GET_REQUEST(&n->tx, n->tx.req_prod_pvt) = reqs[i];
        RING_GET_REQUEST(&n->tx, n->tx.req_prod_pvt)->id =
            (uint16_t)(NETFRONT_RAW_ID + i);
        n->tx.req_prod_pvt++;
    }
    XENBUS_FRONT_PUSH(&n->tx, n->port);
    local_irq_enable();
    /* Responses come in the event callback (reap_tx). */
    if (!WAIT_UNTIL(raw_answered(n, nr), time_now_ns() + 3000 * MS))
        return -XEN_ETIMEDOUT;
    for (i = 0; i < nr; i++)
        status[i] = n->raw_status[i];
    return 0;
}

void netfront_push_wild(uint32_t ahead)
{
    struct netfront *n = &nf;

    if (n->connected)
        XENBUS_FRONT_PUSH_WILD(&n->tx, ahead, n->port);
}

unsigned netfront_backend_id(void)
{
    return nf.backend_id;
}

/* Grants the rings and all buffers up front (see the file comment). */
/* count pages, page[i] granted to the backend as ref[i] (readonly: it only
 * reads them). 0, or the first failure. */
static int grant_pages(struct netfront *n, void **page, int *ref,
                       unsigned count, bool readonly)
{
    unsigned i;

    for (i = 0; i < count; i++) {
        page[i] = page_alloc();
        if (!page[i])
            return -XEN_ENOMEM;
        ref[i] = gnttab_grant_access(
            n->backend_id, (uintptr_t)page[i] >> PAGE_SHIFT, readonly);
        if (ref[i] < 0)
            return ref[i];
    }
    return 0;
}

static int setup_buffers(struct netfront *n)
{
    struct netif_tx_sring *txs = page_alloc();
    struct netif_rx_sring *rxs = page_alloc();
    unsigned i;
    int rc;

    if (!txs || !rxs)
        return -XEN_ENOMEM;
    SHARED_RING_INIT(txs);
    FRONT_RING_INIT(&n->tx, txs, PAGE_SIZE);
    SHARED_RING_INIT(rxs);
    FRONT_RING_INIT(&n->rx, rxs, PAGE_SIZE);
    n->tx_ring_ref =
        gnttab_grant_access(n->backend_id, (uintptr_t)txs >> PAGE_SHIFT, false);
    n->rx_ring_ref =
        gnttab_grant_access(n->backend_id, (uintptr_t)rxs >> PAGE_SHIFT, false);
    if (n->tx_ring_ref < 0 || n->rx_ring_ref < 0)
        return -XEN_ENOSPC;
    rc = grant_pages(n, n->rx_page, n->rx_ref, NR_RX, false);
    if (rc)
        return rc;
    /* the ring is not published yet: all posted before the backend looks */
    for (i = 0; i < NR_RX; i++)
        post_rx(n, (uint16_t)i);
    return grant_pages(n, n->tx_page, n->tx_ref, NR_TX, true);
}

static int publish(struct netfront *n)
{
    char tx_ref[12], rx_ref[12], port[12];
    const struct xenbus_kv kv[] = {
        {"tx-ring-ref", tx_ref},    {"rx-ring-ref", rx_ref},
        {"event-channel", port},    {"request-rx-copy", "1"},
        {"feature-rx-notify", "1"},
    };

    snprintf(tx_ref, sizeof(tx_ref), "%d", n->tx_ring_ref);
    snprintf(rx_ref, sizeof(rx_ref), "%d", n->rx_ring_ref);
    snprintf(port, sizeof(port), "%u", n->port);
    return xenbus_front_publish(n->node, kv, ARRAY_SIZE(kv));
}

static int parse_mac(const char *s, uint8_t mac[6])
{
    unsigned i;
    for (i = 0; i < 6; i++, s += 3) {
        unsigned long b;
        const char *end;
        char two[3] = {s[0], s[0] ? s[1] : 0, 0};
        char hex[5] = {'0', 'x', two[0], two[1], 0};
        if (lib_parse_ulong(hex, &b, &end) < 0 || *end || b > 255 ||
            (i < 5 && s[2] != ':'))
            return -XEN_EINVAL;
        mac[i] = (uint8_t)b;
    }
    return 0;
}

int netfront_init(uint32_t ip, uint8_t mac_out[6])
{
    struct netfront *n = &nf;
    char path[160], mac[32];
    unsigned backend_id;
    uint8_t m[6];
    int rc;

    if (n->connected)
        return -XEN_EISCONN;
    rc = xenbus_front_find("vif", n->node, sizeof(n->node), n->backend,
                           sizeof(n->backend), &backend_id);
    if (rc < 0)
        return rc;
    n->backend_id = (domid_t)backend_id;
    snprintf(path, sizeof(path), "%s/mac", n->node);
    if (xenbus_read(XBT_NIL, path, mac, sizeof(mac)) <= 0 || parse_mac(mac, m))
        return -XEN_EINVAL;
    rc = setup_buffers(n);
    if (rc < 0)
        return rc;
    rc = evtchn_alloc_unbound(n->backend_id, net_event, NULL, &n->port);
    if (rc < 0)
        return rc;
    rc = publish(n);
    if (rc < 0)
        return rc;
    rc = xenbus_front_wait_connected(n->backend);
    if (rc < 0)
        return rc;
    net_configure(ip, m);
    n->ip = ip;
    local_irq_disable();
    n->connected = true;
    local_irq_enable();
    /* and a watch for netfront_backend_changed */
    rc = xenbus_front_connected(n->node, n->backend, NETFRONT_WATCH_TOKEN);
    if (rc < 0)
        return rc;
    /* Frames may have arrived before we were connected. */
    local_irq_disable();
    net_event(n->port, NULL, NULL);
    local_irq_enable();
    memcpy(mac_out, m, 6);
    return 0;
}

void netfront_stats(struct netfront_stats *out)
{
    local_irq_disable();
    *out = nf.st;
    local_irq_enable();
}

int netfront_start(const char *ip, char *desc, size_t size)
{
    static char started[96];
    uint32_t addr;
    uint8_t m[6];
    int rc;

    if (!started[0]) {
        rc = net_parse_ip(ip, &addr);
        if (rc < 0)
            return rc;
        rc = netfront_init(addr, m);
        if (rc < 0)
            return rc;
        snprintf(started, sizeof(started),
                 "vif %s mac %02x:%02x:%02x:%02x:%02x:%02x ip %s",
                 nf.node + strlen("device/vif/"), m[0], m[1], m[2], m[3], m[4],
                 m[5], ip);
        net_announce();
    }
    strlcpy(desc, started, size);
    return 0;
}

/* Ends the grants of rings and buffers and frees what nobody maps. */
static void release_buffers(struct netfront *n)
{
    unsigned i;

    for (i = 0; i < NR_RX; i++)
        if (gnttab_end_access((grant_ref_t)n->rx_ref[i]) == 0)
            page_free(n->rx_page[i]);
    for (i = 0; i < NR_TX; i++)
        if (gnttab_end_access((grant_ref_t)n->tx_ref[i]) == 0)
            page_free(n->tx_page[i]);
    if (gnttab_end_access((grant_ref_t)n->tx_ring_ref) == 0)
        page_free(n->tx.sring);
    if (gnttab_end_access((grant_ref_t)n->rx_ring_ref) == 0)
        page_free(n->rx.sring);
}

int netfront_resume(void)
{
    struct netfront *n = &nf;
    uint32_t ip = n->ip;
    uint8_t m[6];
    int rc;

    if (!n->connected)
        return 0;
    local_irq_disable();
    n->connected = false;
    local_irq_enable();
    xenbus_front_unwatch(n->backend, NETFRONT_WATCH_TOKEN);
    release_buffers(n);
    memset(n, 0, __builtin_offsetof(struct netfront, st));
    rc = netfront_init(ip, m);
    if (rc == 0)
        net_announce();
    return rc;
}

void netfront_backend_changed(void)
{
    struct netfront *n = &nf;

    if (!n->connected || !xenbus_front_backend_closing(n->backend))
        return;
    local_irq_disable();
    n->connected = false; /* no more transmits from the receive path */
    local_irq_enable();
    xenbus_front_unwatch(n->backend, NETFRONT_WATCH_TOKEN);
    evtchn_close(n->port);
    /* Pages the backend may still map stay granted (leaked), as Linux. */
    release_buffers(n);
    xenbus_printf(XBT_NIL, n->node, "state", "%d", XenbusStateClosed);
    printk("net: %s closed by the backend\n", n->node);
}
