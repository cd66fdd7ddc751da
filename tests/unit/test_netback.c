/* SPDX-License-Identifier: GPL-2.0-only */
/* test_netback.c: netif TX slot checks and checksums (txslot.c), and the
 * TX/RX ring service (netring.c) on an in-memory guest (fake_hv.c) with a
 * SOCK_SEQPACKET pair standing in for the tap. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include "unit.h"

#include "fake_hv.h"
#include "netback/netring.h"
#include "netback/txslot.h"

#define DOM 3
#define PORT 9
#define TX_REF 1
#define RX_REF 2
#define DATA 8 /* data pages: pfn 8.., refs 8.. */

static struct netif_tx_request slot(uint32_t gref, uint16_t off, uint16_t flags,
                                    uint16_t id, uint16_t size)
{
    struct netif_tx_request s = {
        .gref = gref,
        .offset = off,
        .flags = flags,
        .id = id,
        .size = size,
    };

    return s;
}

static void test_parse(void **state)
{
    struct netif_tx_request s[NB_MAX_PKT_SLOTS + 4];
    struct netif_extra_info ex = {.type = XEN_NETIF_EXTRA_TYPE_MCAST_ADD};
    struct nb_pkt p;
    int i;

    (void)state;
    s[0] = slot(8, 0, 0, 1, 60);
    assert_int_equal(nb_tx_parse(s, 1, 1518, &p), 1);
    assert_int_equal(p.verdict, NB_OK);
    assert_int_equal(p.frags[0].size, 60);

    /* Three slots: the first's size is the frame's. */
    s[0] = slot(8, 100, NETTXF_more_data | NETTXF_csum_blank, 1, 3000);
    s[1] = slot(9, 0, NETTXF_more_data, 2, 1000);
    s[2] = slot(10, 0, 0, 3, 1500);
    assert_int_equal(nb_tx_parse(s, 2, 65535, &p), 0); /* incomplete */
    assert_int_equal(nb_tx_parse(s, 3, 65535, &p), 3);
    assert_int_equal(p.verdict, NB_OK);
    assert_int_equal(p.nfrags, 3);
    assert_int_equal(p.frags[0].size, 500);
    assert_int_equal(p.len, 3000);
    assert_true(p.csum_blank);
    assert_int_equal(p.ids[2], 3);
    assert_int_equal(nb_tx_parse(s, 3, 1518, &p), 3);
    assert_int_equal(p.verdict, NB_TOO_LARGE);

    s[1].size = 3001; /* more than the frame */
    assert_int_equal(nb_tx_parse(s, 3, 65535, &p), 2);
    assert_int_equal(p.verdict, NB_MALFORMED);
    s[1].size = 1000;
    s[2].offset = 3000; /* crosses the page */
    assert_int_equal(nb_tx_parse(s, 3, 65535, &p), 3);
    assert_int_equal(p.verdict, NB_MALFORMED);

    s[0] = slot(8, 0, 0, 1, 10); /* shorter than an Ethernet header */
    assert_int_equal(nb_tx_parse(s, 1, 1518, &p), 1);
    assert_int_equal(p.verdict, NB_MALFORMED);

    /* An extra-info slot: answered NULL, no data. */
    s[0] = slot(8, 0, NETTXF_extra_info, 1, 60);
    memcpy(&s[1], &ex, sizeof(ex));
    assert_int_equal(nb_tx_parse(s, 1, 1518, &p), 0);
    assert_int_equal(nb_tx_parse(s, 2, 1518, &p), 2);
    assert_int_equal(p.verdict, NB_OK);
    assert_true(p.is_extra[1]);
    ex.type = XEN_NETIF_EXTRA_TYPE_GSO; /* not offered */
    memcpy(&s[1], &ex, sizeof(ex));
    assert_int_equal(nb_tx_parse(s, 2, 1518, &p), 2);
    assert_int_equal(p.verdict, NB_MALFORMED);
    ex.type = 77;
    memcpy(&s[1], &ex, sizeof(ex));
    assert_int_equal(nb_tx_parse(s, 2, 1518, &p), 2);
    assert_int_equal(p.verdict, NB_MALFORMED);

    /* An endless more_data chain stops at the slot limit. */
    for (i = 0; i < NB_MAX_PKT_SLOTS + 4; i++)
        s[i] = slot(8, 0, NETTXF_more_data, (uint16_t)i, 0);
    s[0].size = 1000;
    assert_int_equal(nb_tx_parse(s, NB_MAX_PKT_SLOTS + 4, 65535, &p),
                     NB_MAX_SLOTS);
    assert_int_equal(p.verdict, NB_MALFORMED);
}

/* Ethernet + IPv4 + UDP, checksum zero, payload "hello". */
static uint32_t udp4(uint8_t *f)
{
    static const uint8_t hdr[] = {
        0,    0x16, 0x3e, 1,  2, 3,  0,   0x16, 0x3e, 4,   5,    6,
        0x08, 0x00, 0x45, 0,  0, 33, 0,   0,    0x40, 0,   64,   17,
        0,    0,    10,   0,  0, 1,  10,  0,    0,    2,   0x30, 0x39,
        0x00, 0x07, 0,    13, 0, 0,  'h', 'e',  'l',  'l', 'o',
    };

    memcpy(f, hdr, sizeof(hdr));
    return sizeof(hdr);
}

static uint16_t verify_l4(const uint8_t *f, uint32_t l4, uint32_t l4len,
                          const uint8_t *addrs, uint32_t alen, uint8_t proto)
{
    uint32_t sum = proto + l4len, i;

    for (i = 0; i < alen; i += 2)
        sum += (uint32_t)addrs[i] << 8 | addrs[i + 1];
    for (i = 0; i + 1 < l4len; i += 2)
        sum += (uint32_t)f[l4 + i] << 8 | f[l4 + i + 1];
    if (l4len & 1)
        sum += (uint32_t)f[l4 + l4len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)sum;
}

static void test_csum(void **state)
{
    uint8_t f[200];
    uint32_t len = udp4(f);

    (void)state;
    assert_int_equal(nb_csum_fill(f, len), 0);
    assert_true(f[40] || f[41]);
    assert_int_equal(verify_l4(f, 34, 13, &f[26], 8, 17), 0xffff);
    /* TCP over IPv6. */
    memset(f, 0, sizeof(f));
    f[12] = 0x86;
    f[13] = 0xdd;
    f[14] = 0x60;
    f[19] = 24; /* payload length */
    f[20] = 6;  /* TCP */
    f[22 + 15] = 1;
    f[38 + 15] = 2;
    f[54 + 12] = 0x50;
    memcpy(&f[74], "data", 4);
    assert_int_equal(nb_csum_fill(f, 78), 0);
    assert_int_equal(verify_l4(f, 54, 24, &f[22], 32, 6), 0xffff);
    /* Not checksummable: ARP, truncated IPv4, IPv4 fragment. */
    f[12] = 0x08;
    f[13] = 0x06;
    assert_int_equal(nb_csum_fill(f, 60), -EINVAL);
    len = udp4(f);
    assert_int_equal(nb_csum_fill(f, 30), -EINVAL);
    f[20] = 0x20; /* more fragments */
    assert_int_equal(nb_csum_fill(f, len), -EINVAL);
}

struct ctx {
    int sv[2]; /* sv[0]: the "tap" netback uses; sv[1]: the host side */
    struct netring *r;
    struct netif_tx_front_ring tx;
    struct netif_rx_front_ring rx;
};

static int setup(void **state)
{
    struct ctx *c = calloc(1, sizeof(*c));
    struct netif_tx_sring *txs;
    struct netif_rx_sring *rxs;
    int i;

    fake_hv_reset();
    assert_int_equal(
        socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, c->sv), 0);
    txs = fake_hv_page(DOM, 0);
    rxs = fake_hv_page(DOM, 1);
    SHARED_RING_INIT(txs);
    SHARED_RING_INIT(rxs);
    FRONT_RING_INIT(&c->tx, txs, 4096);
    FRONT_RING_INIT(&c->rx, rxs, 4096);
    fake_hv_grant(DOM, TX_REF, 0, 0);
    fake_hv_grant(DOM, RX_REF, 1, 0);
    for (i = 0; i < 16; i++)
        fake_hv_grant(DOM, DATA + i, DATA + i, 0);
    assert_int_equal(
        netring_create(NULL, DOM, TX_REF, RX_REF, PORT, c->sv[0], 1500, &c->r),
        0);
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    struct ctx *c = *state;

    netring_destroy(c->r);
    close(c->sv[0]);
    close(c->sv[1]);
    assert_int_equal(fake_hv_maps(), 0);
    assert_int_equal(fake_hv_channels(), 0);
    free(c);
    return 0;
}

static void tx_push(struct ctx *c, struct netif_tx_request s)
{
    *RING_GET_REQUEST(&c->tx, c->tx.req_prod_pvt) = s;
    c->tx.req_prod_pvt++;
}

static struct netif_tx_response tx_rsp(struct ctx *c)
{
    struct netif_tx_response r;

    assert_true(c->tx.rsp_cons != c->tx.sring->rsp_prod);
    r = *RING_GET_RESPONSE(&c->tx, c->tx.rsp_cons);
    c->tx.rsp_cons++;
    return r;
}

static void test_tx(void **state)
{
    struct ctx *c = *state;
    uint8_t *p8 = fake_hv_page(DOM, DATA), *p9 = fake_hv_page(DOM, DATA + 1);
    uint8_t buf[4096], want[200];
    struct netring_stats st;
    uint32_t len = udp4(want);

    /* One frame in two slots, checksum left to us. */
    memcpy(p8 + 64, want, 20);
    memcpy(p9, want + 20, len - 20);
    tx_push(c, slot(DATA, 64, NETTXF_more_data | NETTXF_csum_blank, 7,
                    (uint16_t)len));
    tx_push(c, slot(DATA + 1, 0, 0, 8, (uint16_t)(len - 20)));
    RING_PUSH_REQUESTS(&c->tx);
    fake_hv_kick(DOM, PORT);
    assert_int_equal(netring_process(c->r), 0);
    assert_int_equal(read(c->sv[1], buf, sizeof(buf)), (ssize_t)len);
    assert_int_equal(nb_csum_fill(want, len), 0);
    assert_memory_equal(buf, want, len);
    assert_int_equal(tx_rsp(c).status, NETIF_RSP_OKAY);
    assert_int_equal(tx_rsp(c).id, 8);
    assert_true(fake_hv_notified(DOM, PORT) >= 1);

    /* Hostile: ungranted ref, oversized frame, bad offset. Each is
     * answered with an error, nothing reaches the tap. */
    tx_push(c, slot(99, 0, 0, 10, 60));
    tx_push(c, slot(DATA, 0, NETTXF_more_data, 11, 9000));
    tx_push(c, slot(DATA + 1, 0, NETTXF_more_data, 12, 4096));
    tx_push(c, slot(DATA + 2, 0, 0, 13, 4096));
    tx_push(c, slot(DATA, 4000, 0, 14, 200));
    RING_PUSH_REQUESTS(&c->tx);
    fake_hv_kick(DOM, PORT);
    assert_int_equal(netring_process(c->r), 0);
    assert_int_equal(tx_rsp(c).status, NETIF_RSP_ERROR);
    assert_int_equal(tx_rsp(c).status, NETIF_RSP_ERROR);
    assert_int_equal(tx_rsp(c).status, NETIF_RSP_ERROR);
    assert_int_equal(tx_rsp(c).status, NETIF_RSP_ERROR);
    assert_int_equal(tx_rsp(c).status, NETIF_RSP_ERROR);
    assert_int_equal(read(c->sv[1], buf, sizeof(buf)), -1);
    netring_get_stats(c->r, &st);
    assert_int_equal(st.tx_packets, 1);
    assert_int_equal(st.tx_bad_ref, 1);
    assert_int_equal(st.tx_too_large, 1);
    assert_int_equal(st.tx_malformed, 1);
    assert_int_equal(fake_hv_maps(), 2); /* the two ring pages */

    /* ... and still serves a good frame. */
    tx_push(c, slot(DATA, 64, 0, 15, 60));
    RING_PUSH_REQUESTS(&c->tx);
    assert_int_equal(netring_process(c->r), 0);
    assert_int_equal(read(c->sv[1], buf, sizeof(buf)), 60);
    assert_int_equal(tx_rsp(c).status, NETIF_RSP_OKAY);
}

/*
 * A restarted netback attaches to the rings a dead one served: TX goes on
 * from the frontend's response index (past a wrapped index), the frame
 * queued before the restart is sent, old ones are not sent again.
 */
static void test_reattach(void **state)
{
    struct ctx *c = *state;
    uint8_t buf[4096], frame[200];
    uint32_t len = udp4(frame);
    unsigned i;

    memcpy(fake_hv_page(DOM, DATA), frame, len);
    for (i = 0; i < 300; i++) { /* more than RING_SIZE (256) */
        tx_push(c, slot(DATA, 0, 0, (uint16_t)i, (uint16_t)len));
        RING_PUSH_REQUESTS(&c->tx);
        assert_int_equal(netring_process(c->r), 0);
        assert_int_equal(read(c->sv[1], buf, sizeof(buf)), (ssize_t)len);
        assert_int_equal(tx_rsp(c).status, NETIF_RSP_OKAY);
    }
    tx_push(c, slot(DATA, 0, 0, 999, 60));
    RING_PUSH_REQUESTS(&c->tx);
    netring_destroy(c->r);
    c->r = NULL;
    assert_int_equal(
        netring_create(NULL, DOM, TX_REF, RX_REF, PORT, c->sv[0], 1500, &c->r),
        0);
    assert_int_equal(netring_process(c->r), 0);
    assert_int_equal(read(c->sv[1], buf, sizeof(buf)), 60);
    assert_int_equal(read(c->sv[1], buf, sizeof(buf)), -1); /* only that */
    assert_int_equal(tx_rsp(c).id, 999);
    assert_int_equal(c->tx.sring->rsp_prod, 301);
}

/* A packet whose slots arrive in two pushes. */
static void test_tx_split_push(void **state)
{
    struct ctx *c = *state;
    uint8_t buf[4096];

    tx_push(c, slot(DATA, 0, NETTXF_more_data, 1, 100));
    RING_PUSH_REQUESTS(&c->tx);
    assert_int_equal(netring_process(c->r), 0);
    assert_int_equal(c->tx.sring->rsp_prod, 0); /* waits for the rest */
    tx_push(c, slot(DATA + 1, 0, 0, 2, 40));
    RING_PUSH_REQUESTS(&c->tx);
    assert_int_equal(netring_process(c->r), 0);
    assert_int_equal(c->tx.sring->rsp_prod, 2);
    assert_int_equal(read(c->sv[1], buf, sizeof(buf)), 100);
}

static void rx_post(struct ctx *c, uint16_t id, uint32_t gref)
{
    struct netif_rx_request *q = RING_GET_REQUEST(&c->rx, c->rx.req_prod_pvt);

    q->id = id;
    q->gref = gref;
    c->rx.req_prod_pvt++;
    RING_PUSH_REQUESTS(&c->rx);
}

static void test_rx(void **state)
{
    struct ctx *c = *state;
    uint8_t frame[1514];
    struct netif_rx_response rsp;
    struct netring_stats st;
    struct pollfd pfd[NETRING_NFDS];
    size_t i;

    for (i = 0; i < sizeof(frame); i++)
        frame[i] = (uint8_t)i;
    /* No buffers posted: the frame waits in the tap. */
    assert_int_equal(write(c->sv[1], frame, sizeof(frame)), sizeof(frame));
    assert_int_equal(netring_process(c->r), 0);
    netring_fds(c->r, pfd);
    assert_int_equal(pfd[1].events, 0);
    assert_int_equal(c->rx.sring->rsp_prod, 0);

    rx_post(c, 42, DATA + 3);
    netring_fds(c->r, pfd);
    assert_int_equal(pfd[1].events, POLLIN);
    fake_hv_kick(DOM, PORT);
    assert_int_equal(netring_process(c->r), 0);
    assert_int_equal(c->rx.sring->rsp_prod, 1);
    rsp = *RING_GET_RESPONSE(&c->rx, 0);
    assert_int_equal(rsp.id, 42);
    assert_int_equal(rsp.status, sizeof(frame));
    assert_int_equal(rsp.flags & NETRXF_more_data, 0);
    assert_memory_equal(fake_hv_page(DOM, DATA + 3), frame, sizeof(frame));

    /* A buffer that is not granted: error status, counted. */
    rx_post(c, 43, 77);
    assert_int_equal(write(c->sv[1], frame, 100), 100);
    assert_int_equal(netring_process(c->r), 0);
    rsp = *RING_GET_RESPONSE(&c->rx, 1);
    assert_int_equal(rsp.status, NETIF_RSP_ERROR);
    netring_get_stats(c->r, &st);
    assert_int_equal(st.rx_packets, 1);
    assert_int_equal(st.rx_errors, 1);
}

static void test_hostile_indices(void **state)
{
    struct ctx *c = *state;

    c->rx.sring->req_prod = 5000; /* wild */
    assert_int_equal(netring_process(c->r), -EPROTO);
    assert_int_equal(netring_process(c->r), -EPROTO);
}

static void test_hostile_tx_index(void **state)
{
    struct ctx *c = *state;

    c->tx.sring->req_prod = 257;
    assert_int_equal(netring_process(c->r), -EPROTO);
}

/* rate=1000 bytes per 200 ms: the second 600-byte frame waits for the
 * next window, then goes. */
static void test_rate(void **state)
{
    struct ctx *c = *state;
    struct pollfd pfd[NETRING_NFDS];
    struct netring_stats st;
    uint8_t buf[4096];
    int i;

    netring_set_rate(c->r, 1000, 200000);
    for (i = 0; i < 3; i++)
        tx_push(c, slot(DATA, 0, 0, (uint16_t)i, 600));
    RING_PUSH_REQUESTS(&c->tx);
    assert_int_equal(netring_process(c->r), 0);
    assert_int_equal(read(c->sv[1], buf, sizeof(buf)), 600);
    assert_int_equal(read(c->sv[1], buf, sizeof(buf)), -1);
    assert_int_equal(c->tx.sring->rsp_prod, 1);
    /* An unrelated wake-up within the window sends nothing. */
    assert_int_equal(netring_process(c->r), 0);
    assert_int_equal(c->tx.sring->rsp_prod, 1);
    netring_fds(c->r, pfd);
    assert_int_equal(poll(&pfd[2], 1, 1000), 1); /* the window ends */
    assert_int_equal(netring_process(c->r), 0);
    assert_int_equal(read(c->sv[1], buf, sizeof(buf)), 600);
    assert_int_equal(c->tx.sring->rsp_prod, 2);
    netring_get_stats(c->r, &st);
    assert_true(st.tx_throttled >= 2);
    /* Shaping off: the rest goes at once. */
    netring_set_rate(c->r, 0, 0);
    assert_int_equal(netring_process(c->r), 0);
    assert_int_equal(c->tx.sring->rsp_prod, 3);
}

static void test_thread(void **state)
{
    struct ctx *c = *state;
    uint8_t buf[128];
    struct pollfd p = {.fd = c->sv[1], .events = POLLIN};

    assert_int_equal(netring_start(c->r), 0);
    tx_push(c, slot(DATA, 0, 0, 1, 64));
    RING_PUSH_REQUESTS(&c->tx);
    fake_hv_kick(DOM, PORT);
    assert_int_equal(poll(&p, 1, 2000), 1);
    assert_int_equal(read(c->sv[1], buf, sizeof(buf)), 64);
    netring_stop(c->r);
}

UNIT_MAIN(cmocka_unit_test(test_parse), cmocka_unit_test(test_csum),
          unit_test_fx(test_tx), unit_test_fx(test_tx_split_push),
          unit_test_fx(test_rx), unit_test_fx(test_hostile_indices),
          unit_test_fx(test_hostile_tx_index), unit_test_fx(test_rate),
          unit_test_fx(test_thread), unit_test_fx(test_reattach))
