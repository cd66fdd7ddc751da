/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench_net.c: netback TX (guest -> bridge) packets/s and MB/s at 64 B and
 * 1500 B frames, against a tap-to-tap baseline in the same run: frames
 * written straight into the same tap. Both cross a bridge to a second
 * tap whose reader counts what arrives. Runs in a private network
 * namespace; the frontend is in-process (tests/unit/fake_hv.c), so this
 * measures netback's own cost (slot checks, grant copy, tap write).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../tests/unit/fake_hv.h"
#include "netback/netring.h"
#include "netback/txslot.h"
#include "netback/vif.h"
#include "results.h"

#define DOM 1
#define PORT 3
#define DATA_PFN 8
#define BATCH 128

struct rx_counter {
    int fd, stop;
    unsigned long frames;
};

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *rx_thread(void *arg)
{
    struct rx_counter *c = arg;
    struct pollfd p = {.fd = c->fd, .events = POLLIN};
    static char buf[65536];

    while (!__atomic_load_n(&c->stop, __ATOMIC_ACQUIRE)) {
        if (poll(&p, 1, 50) <= 0)
            continue;
        while (read(c->fd, buf, sizeof(buf)) > 0)
            __atomic_add_fetch(&c->frames, 1, __ATOMIC_RELAXED);
    }
    return NULL;
}

static void make_frame(uint8_t *f, unsigned len)
{
    static const uint8_t hdr[14] = {2,    0,    0, 0, 0, 2,    0,
                                    0x16, 0x3e, 0, 0, 1, 0x88, 0xb5};

    memset(f, 0xa5, len);
    memcpy(f, hdr, sizeof(hdr));
}

static unsigned long rx_now(struct rx_counter *c)
{
    return __atomic_load_n(&c->frames, __ATOMIC_RELAXED);
}

/* Let the receiver catch up, then return what arrived since base. */
static unsigned long settle(struct rx_counter *c, unsigned long base)
{
    unsigned long last;

    do {
        last = rx_now(c);
        usleep(50000);
    } while (rx_now(c) != last);
    return last - base;
}

static void tap_to_tap(int fd, unsigned len, unsigned n, double *secs)
{
    uint8_t f[1514];
    unsigned i;
    double t;

    make_frame(f, len);
    t = now();
    for (i = 0; i < n; i++)
        while (write(fd, f, len) < 0 && errno == EAGAIN)
            ;
    *secs = now() - t;
}

static int via_netback(struct netring *r, struct netif_tx_front_ring *tx,
                       unsigned len, unsigned n, double *secs)
{
    unsigned sent = 0, i;
    double t;

    make_frame(fake_hv_page(DOM, DATA_PFN), len);
    t = now();
    while (sent < n) {
        for (i = 0; i < BATCH && sent + i < n; i++) {
            struct netif_tx_request *q =
                RING_GET_REQUEST(tx, tx->req_prod_pvt++);

            q->gref = DATA_PFN;
            q->offset = 0;
            q->flags = 0;
            q->id = (uint16_t)i;
            q->size = (uint16_t)len;
        }
        RING_PUSH_REQUESTS(tx);
        fake_hv_kick(DOM, PORT);
        if (netring_process(r))
            return -1;
        while (tx->rsp_cons != tx->sring->rsp_prod) {
            if (RING_GET_RESPONSE(tx, tx->rsp_cons)->status != NETIF_RSP_OKAY)
                return -1;
            tx->rsp_cons++;
            sent++;
        }
    }
    *secs = now() - t;
    return 0;
}

int main(void)
{
    static const unsigned sizes[] = {64, 1514};
    unsigned n = getenv("BENCH_NET_FRAMES")
                     ? (unsigned)strtoul(getenv("BENCH_NET_FRAMES"), NULL, 10)
                     : 200000;
    struct nbvif *vif = NULL, *peer = NULL;
    struct rx_counter rc = {0};
    struct netif_tx_front_ring tx;
    struct netif_rx_front_ring rx;
    struct netring *r = NULL;
    pthread_t th;
    unsigned k;

    if (unshare(CLONE_NEWNET) ||
        system("ip link add xenbr0 type bridge && ip link set xenbr0 up")) {
        printf("net SKIP: needs CAP_NET_ADMIN for a private netns\n");
        return 0;
    }
    if (nbvif_create("vif1.0", "xenbr0", 1500, &vif) ||
        nbvif_create("peer0", "xenbr0", 1500, &peer)) {
        fprintf(stderr, "bench_net: tap setup failed\n");
        return 1;
    }
    fake_hv_reset();
    SHARED_RING_INIT((struct netif_tx_sring *)fake_hv_page(DOM, 0));
    SHARED_RING_INIT((struct netif_rx_sring *)fake_hv_page(DOM, 1));
    FRONT_RING_INIT(&tx, (struct netif_tx_sring *)fake_hv_page(DOM, 0), 4096);
    FRONT_RING_INIT(&rx, (struct netif_rx_sring *)fake_hv_page(DOM, 1), 4096);
    fake_hv_grant(DOM, 0, 0, 0);
    fake_hv_grant(DOM, 1, 1, 0);
    fake_hv_grant(DOM, DATA_PFN, DATA_PFN, 1);
    if (netring_create(NULL, DOM, 0, 1, PORT, nbvif_fd(vif), 1500, &r)) {
        fprintf(stderr, "bench_net: netring_create failed\n");
        return 1;
    }
    rc.fd = nbvif_fd(peer);
    pthread_create(&th, NULL, rx_thread, &rc);
    usleep(200000); /* let the bridge ports come up */
    for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
        unsigned len = sizes[k];
        unsigned long base, got_tap, got_nb;
        double t_tap, t_nb;
        char name[32];

        base = settle(&rc, rx_now(&rc));
        base = rx_now(&rc);
        tap_to_tap(nbvif_fd(vif), len, n, &t_tap);
        got_tap = settle(&rc, base);
        base = rx_now(&rc);
        if (via_netback(r, &tx, len, n, &t_nb)) {
            printf("net %4u B FAILED\n", len);
            continue;
        }
        got_nb = settle(&rc, base);
        printf("net %4u B tap-to-tap %9.0f pps %7.1f MB/s (%lu/%u arrived) | "
               "netback %9.0f pps %7.1f MB/s (%lu/%u arrived) | ratio %.2f\n",
               len, n / t_tap, n * (double)len / t_tap / 1e6, got_tap, n,
               n / t_nb, n * (double)len / t_nb / 1e6, got_nb, n, t_tap / t_nb);
        snprintf(name, sizeof(name), "%u B frames", len);
        if (bench_result("bench_net", name, n / t_nb, n / t_tap, "pps"))
            fprintf(stderr, "bench_net: cannot write the JSON results\n");
    }
    __atomic_store_n(&rc.stop, 1, __ATOMIC_RELEASE);
    pthread_join(th, NULL);
    netring_destroy(r);
    nbvif_destroy(peer);
    nbvif_destroy(vif);
    return 0;
}
