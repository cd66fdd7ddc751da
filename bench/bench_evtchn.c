/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench_evtchn.c: the dom0 half of an event-channel round trip, the part
 * of issue 15's 40 us goal measurable without /dev/kvm. An in-process
 * frontend (tests/unit/fake_hv.c, whose channels are eventfds as the kvm
 * engine's are) puts one request on a blkif ring and kicks; blkback's own
 * ring thread wakes, serves it (a 0-sector discard: no disk I/O), answers
 * and notifies; the frontend wakes on that. The baseline, in the same
 * run: two threads ping-ponging over a pair of eventfds with the same
 * calls (write, poll, read on each side) -- what the kernel alone costs.
 * Rounds alternate; each side keeps its best. Figures also go to
 * bench/results.json (bench/results.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

#include "../tests/unit/fake_hv.h"
#include "blkback/blkring.h"
#include "blkback/req.h"
#include "results.h"

#define DOM 1
#define PORT 3
#define TRIPS 5000
#define ROUNDS 5

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int wait_read(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    uint64_t v;

    for (;;) {
        if (poll(&p, 1, 2000) != 1)
            return -1;
        if (read(fd, &v, sizeof(v)) == sizeof(v))
            return 0;
        if (errno != EAGAIN)
            return -1;
    }
}

static int kick(int fd)
{
    uint64_t one = 1;

    return write(fd, &one, sizeof(one)) == sizeof(one) ? 0 : -1;
}

/* ---- baseline: eventfd ping-pong -------------------------------------- */

struct pong {
    int in, out, n;
};

static void *ponger(void *arg)
{
    struct pong *p = arg;
    int i;

    for (i = 0; i < p->n; i++)
        if (wait_read(p->in) || kick(p->out))
            break;
    return NULL;
}

static double pingpong(int n)
{
    int a = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    int b = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    struct pong p = {a, b, n};
    double t = -1, t0;
    pthread_t th;
    int i;

    if (a < 0 || b < 0 || pthread_create(&th, NULL, ponger, &p))
        goto out;
    t0 = now();
    for (i = 0; i < n; i++)
        if (kick(a) || wait_read(b))
            break;
    if (i == n)
        t = now() - t0;
    else
        kick(a); /* unblock the ponger on the way out */
    pthread_join(th, NULL);
out:
    close(a);
    close(b);
    return t;
}

/* ---- through blkback's ring thread ------------------------------------ */

struct front {
    struct blkif_front_ring ring;
    int note_fd; /* blkback's notifications */
};

static double ring_trips(struct front *f, int n)
{
    double t0 = now();
    int i, notify, more, got;

    for (i = 0; i < n; i++) {
        struct blkif_request_discard *d =
            (void *)RING_GET_REQUEST(&f->ring, f->ring.req_prod_pvt);

        memset(d, 0, sizeof(*d));
        d->operation = BLKIF_OP_DISCARD;
        d->id = (uint64_t)i;
        f->ring.req_prod_pvt++;
        RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&f->ring, notify);
        if (notify)
            fake_hv_kick(DOM, PORT);
        /* as a frontend: consume, re-arm rsp_event, sleep if nothing */
        for (got = 0;;) {
            while (f->ring.rsp_cons != f->ring.sring->rsp_prod) {
                if (RING_GET_RESPONSE(&f->ring, f->ring.rsp_cons)->status)
                    return -1;
                f->ring.rsp_cons++;
                got++;
            }
            if (got)
                break;
            RING_FINAL_CHECK_FOR_RESPONSES(&f->ring, more);
            if (!more && wait_read(f->note_fd))
                return -1;
        }
    }
    return now() - t0;
}

int main(void)
{
    const char *dir = getenv("BENCH_DIR") ? getenv("BENCH_DIR") : "/var/tmp";
    struct blkring *ring = NULL;
    struct blkdisk *disk = NULL;
    struct blkif_sring *sring;
    double bb = 0, base = 0, t;
    struct front f;
    char path[256];
    int fd, r, rc = 1;

    snprintf(path, sizeof(path), "%s/bench_evtchn.%d.img", dir, (int)getpid());
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || ftruncate(fd, 1 << 20)) {
        perror(path);
        goto out;
    }
    close(fd);
    fake_hv_reset();
    sring = fake_hv_page(DOM, 0);
    SHARED_RING_INIT(sring);
    FRONT_RING_INIT(&f.ring, sring, 4096);
    fake_hv_grant(DOM, 0, 0, 0);
    if (blkdisk_open(path, 0, &disk) ||
        blkring_create(NULL, DOM, 0, PORT, disk, 0, &ring) ||
        blkring_start(ring)) {
        fprintf(stderr, "bench_evtchn: cannot start blkback's ring\n");
        goto out;
    }
    f.note_fd = fake_hv_notify_fd(DOM, PORT);
    for (r = 0; r < ROUNDS; r++) {
        t = pingpong(TRIPS);
        if (t <= 0)
            break;
        base = base > 0 && base < t ? base : t;
        t = ring_trips(&f, TRIPS);
        if (t <= 0)
            break;
        bb = bb > 0 && bb < t ? bb : t;
    }
    if (r < ROUNDS) {
        fprintf(stderr, "bench_evtchn: a round trip failed\n");
        goto out;
    }
    printf("evtchn: dom0 half of a round trip (best of %d x %d)\n", ROUNDS,
           TRIPS);
    printf("evtchn ring round trip    blkback %6.1f us | eventfd ping-pong "
           "%6.1f us | ratio %.2f\n",
           bb / TRIPS * 1e6, base / TRIPS * 1e6, base / bb);
    if (bench_result("bench_evtchn", "blkback ring round trip", TRIPS / bb,
                     TRIPS / base, "round trips/s"))
        fprintf(stderr, "bench_evtchn: cannot write the JSON results\n");
    rc = 0;
out:
    blkring_destroy(ring);
    blkdisk_close(disk);
    unlink(path);
    return rc;
}
