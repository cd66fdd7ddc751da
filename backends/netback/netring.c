/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netring.c: netif TX (guest -> fd) and RX (fd -> guest, rx-copy) ring
 * service. TX packets are copied out of the granted pages into one frame,
 * checksummed if the guest left that to us, and written whole; RX frames
 * are read only while the guest has posted enough buffers, then copied
 * into its pages a page per slot (NETRXF_more_data between them).
 */
#include "netback/netring.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"
#include "netback/txslot.h"
#include "xenbus/ringthread.h"

#define NB_VLAN_ETH_HLEN 18
#define NB_MAX_FRAME 65536

struct netring {
    struct hv *hv;
    uint32_t domid;
    void *tx_page, *rx_page;
    struct netif_tx_back_ring tx;
    struct netif_rx_back_ring rx;
    struct hv_evtchn *ch;
    int fd, timerfd, broken, need_notify;
    /* rate=: credit_bytes per credit_ns window (0: unshaped) */
    uint64_t credit_bytes, credit_ns, remaining, window_start;
    int throttled;
    uint32_t max_frame;
    unsigned rx_slots; /* buffers one received frame may need */
    struct netring_stats st;
    uint64_t dropped_logged;
    struct ringthread thread;
    uint8_t frame[NB_MAX_FRAME];
};

void netring_get_stats(const struct netring *r, struct netring_stats *out)
{
    *out = r->st;
}

static void tx_respond(struct netring *r, const struct nb_pkt *p, int status)
{
    struct netif_tx_response *rsp;
    unsigned i;

    for (i = 0; i < p->nslots; i++) {
        rsp = RING_GET_RESPONSE(&r->tx, r->tx.rsp_prod_pvt);
        rsp->id = p->ids[i];
        rsp->status = (int16_t)(p->is_extra[i] ? NETIF_RSP_NULL : status);
        r->tx.rsp_prod_pvt++;
    }
}

/* Copy the packet's fragments into r->frame. 0 or -EACCES. */
static int tx_gather(struct netring *r, const struct nb_pkt *p)
{
    uint32_t pos = 0;
    unsigned i;
    void *page;
    int rc;

    for (i = 0; i < p->nfrags; i++) {
        const struct nb_frag *f = &p->frags[i];

        rc = hv_grant_map(r->hv, r->domid, f->gref, 0, &page);
        if (rc) {
            log_debug("dom %u vif: tx ref %u: %s", r->domid, f->gref,
                      strerror(-rc));
            return rc;
        }
        memcpy(r->frame + pos, (const uint8_t *)page + f->offset, f->size);
        hv_grant_unmap(r->hv, page);
        pos += f->size;
    }
    return 0;
}

/* Log a dropped packet: the first few, then every power of two, so a
 * hostile guest cannot flood the log. */
static void tx_drop_log(struct netring *r, const char *why)
{
    if (++r->dropped_logged <= 8 ||
        !(r->dropped_logged & (r->dropped_logged - 1)))
        log_warnx("dom %u vif: tx packet dropped: %s (%llu so far)", r->domid,
                  why, (unsigned long long)r->dropped_logged);
}

static void tx_packet(struct netring *r, const struct nb_pkt *p)
{
    ssize_t n;

    if (p->verdict == NB_MALFORMED) {
        r->st.tx_malformed++;
        tx_drop_log(r, "malformed slots");
        tx_respond(r, p, NETIF_RSP_ERROR);
        return;
    }
    if (p->verdict == NB_TOO_LARGE) {
        r->st.tx_too_large++;
        tx_drop_log(r, "frame too large");
        tx_respond(r, p, NETIF_RSP_ERROR);
        return;
    }
    if (tx_gather(r, p)) {
        r->st.tx_bad_ref++;
        tx_drop_log(r, "ref not granted");
        tx_respond(r, p, NETIF_RSP_ERROR);
        return;
    }
    if (p->csum_blank && nb_csum_fill(r->frame, p->len)) {
        /* Non-TCP/UDP with csum_blank: nothing to fill; send as is. */
        log_debug("dom %u vif: csum_blank on a frame we cannot checksum",
                  r->domid);
    }
    n = write(r->fd, r->frame, p->len);
    if (n != (ssize_t)p->len) {
        r->st.tx_dropped++; /* tap queue full or down: as a NIC drops */
    } else {
        r->st.tx_packets++;
        r->st.tx_bytes += p->len;
    }
    tx_respond(r, p, NETIF_RSP_OKAY);
}

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

void netring_set_rate(struct netring *r, uint64_t bytes, uint32_t usecs)
{
    r->credit_bytes = usecs ? bytes : 0;
    r->credit_ns = (uint64_t)usecs * 1000;
    r->remaining = r->credit_bytes;
    r->window_start = now_ns();
}

/* Linux netback's tx_credit_exceeded: 1 when len must wait for the next
 * window (the timer is armed), 0 when it may go (credit taken). */
static int tx_credit_wait(struct netring *r, uint32_t len)
{
    uint64_t now = now_ns(), next = r->window_start + r->credit_ns;
    struct itimerspec its = {{0, 0}, {0, 0}};

    if (!r->credit_bytes)
        return 0;
    if (now >= next) {
        r->remaining = r->credit_bytes;
        r->window_start = now;
        next = now + r->credit_ns;
    }
    if (len <= r->remaining || r->remaining == r->credit_bytes) {
        r->remaining = len <= r->remaining ? r->remaining - len : 0;
        return 0;
    }
    its.it_value.tv_sec = (time_t)((next - now) / 1000000000ULL);
    its.it_value.tv_nsec = (long)((next - now) % 1000000000ULL);
    if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0)
        its.it_value.tv_nsec = 1;
    timerfd_settime(r->timerfd, 0, &its, NULL);
    r->throttled = 1;
    r->st.tx_throttled++;
    return 1;
}

/*
 * Each packet's responses are published at once, as Linux netback's
 * make_tx_response does, and the frontend notified when its rsp_event
 * asks: it refills the ring while we still work through the rest, rather
 * than both waking the other once per ring's worth (a guest's stream ran
 * at half the rate that way, bench/guest.bash).
 */
static void tx_push(struct netring *r)
{
    int notify;

    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&r->tx, notify);
    if (notify)
        hv_evtchn_notify(r->ch);
}

/* A req_prod the guest moved further than its ring holds (which: "tx",
 * "rx"): said once, and the ring is beyond use. */
static int wild_req_prod(const struct netring *r, const char *which,
                         RING_IDX rp, RING_IDX rsp_prod_pvt)
{
    log_warnx("dom %u vif: %s req_prod %u is %u ahead, vif no longer served",
              r->domid, which, rp, rp - rsp_prod_pvt);
    return -EPROTO;
}

static int tx_process(struct netring *r)
{
    struct netif_tx_request slots[NB_MAX_PKT_SLOTS];
    struct nb_pkt pkt;
    RING_IDX rp, i, avail;
    unsigned used;
    int more;

    for (;;) {
        if (XENRING_REQ_PROD_WILD(&r->tx, rp))
            return wild_req_prod(r, "tx", rp, r->tx.rsp_prod_pvt);
        used = 1;
        while (r->tx.req_cons != rp) {
            avail = rp - r->tx.req_cons;
            if (avail > NB_MAX_PKT_SLOTS)
                avail = NB_MAX_PKT_SLOTS;
            for (i = 0; i < avail; i++)
                RING_COPY_REQUEST(&r->tx, r->tx.req_cons + i, &slots[i]);
            used = nb_tx_parse(slots, avail, r->max_frame, &pkt);
            if (used == 0)
                break;
            if (pkt.verdict == NB_OK && tx_credit_wait(r, pkt.len))
                return 0; /* the timer brings us back */
            r->tx.req_cons += used;
            tx_packet(r, &pkt);
            tx_push(r);
        }
        if (used == 0) {
            /* The packet continues past rp: wake us when more comes. */
            r->tx.sring->req_event = rp + 1;
            mb();
            if (r->tx.sring->req_prod == rp)
                return 0;
            continue;
        }
        RING_FINAL_CHECK_FOR_REQUESTS(&r->tx, more);
        if (!more)
            return 0;
    }
}

static RING_IDX rx_avail(const struct netring *r)
{
    return r->rx.sring->req_prod - r->rx.req_cons;
}

/* Copy r->frame (len bytes) into the guest's posted buffers. */
static void rx_deliver(struct netring *r, uint32_t len)
{
    struct netif_rx_request req;
    struct netif_rx_response *rsp;
    uint32_t pos = 0, chunk;
    unsigned nslots = (len + NB_PAGE_SIZE - 1) / NB_PAGE_SIZE, i;
    int failed = 0;
    void *page;

    for (i = 0; i < nslots; i++) {
        RING_COPY_REQUEST(&r->rx, r->rx.req_cons, &req);
        r->rx.req_cons++;
        chunk = len - pos < NB_PAGE_SIZE ? len - pos : NB_PAGE_SIZE;
        if (!failed && hv_grant_map(r->hv, r->domid, req.gref, 1, &page)) {
            log_debug("dom %u vif: rx ref %u not granted", r->domid, req.gref);
            failed = 1;
        } else if (!failed) {
            memcpy(page, r->frame + pos, chunk);
            hv_grant_unmap(r->hv, page);
        }
        rsp = RING_GET_RESPONSE(&r->rx, r->rx.rsp_prod_pvt);
        rsp->id = req.id;
        rsp->offset = 0;
        rsp->flags = (uint16_t)(i + 1 < nslots ? NETRXF_more_data : 0);
        rsp->status = (int16_t)(failed ? NETIF_RSP_ERROR : (int)chunk);
        r->rx.rsp_prod_pvt++;
        pos += chunk;
    }
    if (failed) {
        r->st.rx_errors++;
    } else {
        r->st.rx_packets++;
        r->st.rx_bytes += len;
    }
}

static int rx_process(struct netring *r)
{
    RING_IDX rp;
    ssize_t n;
    int more;

    for (;;) {
        if (XENRING_REQ_PROD_WILD(&r->rx, rp))
            return wild_req_prod(r, "rx", rp, r->rx.rsp_prod_pvt);
        if (rx_avail(r) < r->rx_slots) {
            /* Ask the guest to tell us when it posts more buffers. */
            RING_FINAL_CHECK_FOR_REQUESTS(&r->rx, more);
            if (!more || rx_avail(r) < r->rx_slots)
                return 0;
        }
        n = read(r->fd, r->frame, r->max_frame);
        if (n <= 0)
            return 0;
        rx_deliver(r, (uint32_t)n);
    }
}

static void push(struct netring *r)
{
    int ntx = 0, nrx = 0;

    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&r->tx, ntx);
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&r->rx, nrx);
    if (ntx || nrx)
        hv_evtchn_notify(r->ch);
}

/* Throttled and the window has not ended: TX waits for the timer. */
static int tx_still_throttled(struct netring *r)
{
    uint64_t expirations;

    if (!r->throttled)
        return 0;
    if (read(r->timerfd, &expirations, sizeof(expirations)) < 0 &&
        errno == EAGAIN && now_ns() < r->window_start + r->credit_ns)
        return 1;
    r->throttled = 0;
    return 0;
}

int netring_process(struct netring *r)
{
    int rc = 0;

    if (r->broken)
        return -EPROTO;
    hv_evtchn_ack(r->ch);
    if (!tx_still_throttled(r))
        rc = tx_process(r);
    if (!rc)
        rc = rx_process(r);
    push(r);
    if (rc)
        r->broken = 1;
    return rc;
}

int netring_fds(const struct netring *r, struct pollfd pfd[NETRING_NFDS])
{
    pfd[0].fd = hv_evtchn_fd(r->ch);
    pfd[0].events = POLLIN;
    pfd[1].fd = r->fd;
    pfd[1].events =
        (short)(!r->broken && rx_avail(r) >= r->rx_slots ? POLLIN : 0);
    pfd[2].fd = r->timerfd;
    pfd[2].events = POLLIN;
    pfd[0].revents = pfd[1].revents = pfd[2].revents = 0;
    return NETRING_NFDS;
}

RINGTHREAD_DEFINE_START(netring)

void netring_stop(struct netring *r)
{
    ringthread_stop(&r->thread);
}

int netring_create(struct hv *hv, uint32_t domid, uint32_t tx_ref,
                   uint32_t rx_ref, uint32_t port, int fd, unsigned mtu,
                   struct netring **out)
{
    struct netring *r = calloc(1, sizeof(*r));
    int rc;

    *out = NULL;
    if (!r)
        return -ENOMEM;
    r->hv = hv;
    r->domid = domid;
    r->fd = fd;
    r->thread.stopfd = r->timerfd = -1;
    if (mtu < 68 || mtu > NB_MAX_FRAME - NB_VLAN_ETH_HLEN) {
        rc = -EINVAL;
        goto fail;
    }
    r->max_frame = mtu + NB_VLAN_ETH_HLEN;
    r->rx_slots = (r->max_frame + NB_PAGE_SIZE - 1) / NB_PAGE_SIZE;
    rc = hv_grant_map(hv, domid, tx_ref, 1, &r->tx_page);
    if (!rc)
        rc = hv_grant_map(hv, domid, rx_ref, 1, &r->rx_page);
    if (rc)
        goto fail;
    /* From the frontend's response index, not 0: a restarted netback
     * re-attaches to rings a dead one served (see blkring_create). TX
     * slots taken but unanswered are sent again; RX buffers posted and
     * unused stay usable. */
    BACK_RING_ATTACH(&r->tx, (struct netif_tx_sring *)r->tx_page,
                     ((volatile struct netif_tx_sring *)r->tx_page)->rsp_prod,
                     NB_PAGE_SIZE);
    BACK_RING_ATTACH(&r->rx, (struct netif_rx_sring *)r->rx_page,
                     ((volatile struct netif_rx_sring *)r->rx_page)->rsp_prod,
                     NB_PAGE_SIZE);
    rc = hv_evtchn_bind(hv, domid, port, &r->ch);
    if (rc)
        goto fail;
    r->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (r->timerfd < 0) {
        rc = -errno;
        goto fail;
    }
    rc = ringthread_init(&r->thread, "vif", domid);
    if (rc)
        goto fail;
    *out = r;
    return 0;
fail:
    netring_destroy(r);
    return rc;
}

void netring_destroy(struct netring *r)
{
    if (!r)
        return;
    netring_stop(r);
    ringthread_fini(&r->thread);
    if (r->timerfd >= 0)
        close(r->timerfd);
    if (r->ch)
        hv_evtchn_close(r->ch);
    if (r->rx_page)
        hv_grant_unmap(r->hv, r->rx_page);
    if (r->tx_page)
        hv_grant_unmap(r->hv, r->tx_page);
    free(r);
}
