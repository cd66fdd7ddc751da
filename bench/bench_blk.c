/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench_blk.c: blkback throughput against the host's own direct I/O on the
 * same image, in the same run. The frontend is in-process (an in-memory
 * guest, tests/unit/fake_hv.c): this measures what blkback adds (ring,
 * request checks, grant mapping, io_uring) on top of the disk, not a
 * guest's own costs. Sequential 1 MiB (indirect requests) and random
 * 4 KiB, read and write, queue depth 1 on both sides; random 4 KiB also
 * at blkback's full depth (a ring's worth in flight). Figures also go to
 * bench/results.json (bench/results.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../tests/unit/fake_hv.h"
#include "blkback/blkring.h"
#include "blkback/req.h"
#include "results.h"

#define DOM 1
#define PORT 3
#define RING_PFN 0
#define IND_PFN 1
#define DATA_PFN 8 /* 256 data pages: 1 MiB */
#define MIB (1024 * 1024)

struct bench {
    int fd;        /* host O_DIRECT */
    uint64_t size; /* bytes */
    struct blkdisk *disk;
    struct blkring *ring;
    struct blkif_front_ring front;
    void *buf; /* host buffer, 1 MiB aligned */
    unsigned rand_ops;
};

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rnd(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* ---- host baseline ---------------------------------------------------- */

static double host_seq(struct bench *b, int wr)
{
    double t = now();
    uint64_t off;

    for (off = 0; off < b->size; off += MIB)
        if ((wr ? pwrite(b->fd, b->buf, MIB, (off_t)off)
                : pread(b->fd, b->buf, MIB, (off_t)off)) != MIB)
            return -1;
    return now() - t;
}

static double host_rand(struct bench *b, int wr)
{
    uint64_t s = 42, off;
    double t = now();
    unsigned i;

    for (i = 0; i < b->rand_ops; i++) {
        off = (rnd(&s) % (b->size / 4096)) * 4096;
        if ((wr ? pwrite(b->fd, b->buf, 4096, (off_t)off)
                : pread(b->fd, b->buf, 4096, (off_t)off)) != 4096)
            return -1;
    }
    return now() - t;
}

/* ---- through blkback -------------------------------------------------- */

static void push_rw(struct bench *b, int wr, uint64_t off, unsigned len,
                    uint64_t id)
{
    struct blkif_request *r =
        RING_GET_REQUEST(&b->front, b->front.req_prod_pvt);
    struct blkif_request_indirect ind;
    struct blkif_request_segment *segs;
    unsigned i, n = len / 4096;

    if (n == 1) {
        memset(r, 0, sizeof(*r));
        r->operation = wr ? BLKIF_OP_WRITE : BLKIF_OP_READ;
        r->nr_segments = 1;
        r->id = id;
        r->sector_number = off >> 9;
        r->seg[0].gref = DATA_PFN + (unsigned)(id % 256);
        r->seg[0].last_sect = 7;
    } else {
        segs = fake_hv_page(DOM, IND_PFN);
        for (i = 0; i < n; i++) {
            segs[i].gref = DATA_PFN + i;
            segs[i].first_sect = 0;
            segs[i].last_sect = 7;
        }
        memset(&ind, 0, sizeof(ind));
        ind.operation = BLKIF_OP_INDIRECT;
        ind.indirect_op = wr ? BLKIF_OP_WRITE : BLKIF_OP_READ;
        ind.nr_segments = (uint16_t)n;
        ind.id = id;
        ind.sector_number = off >> 9;
        ind.indirect_grefs[0] = IND_PFN;
        memcpy(r, &ind, sizeof(ind));
    }
    b->front.req_prod_pvt++;
}

/* Reap responses; returns how many, -1 on an error status. */
static int reap(struct bench *b)
{
    int n = 0;

    while (b->front.rsp_cons != b->front.sring->rsp_prod) {
        if (RING_GET_RESPONSE(&b->front, b->front.rsp_cons)->status)
            return -1;
        b->front.rsp_cons++;
        n++;
    }
    return n;
}

/* Issue ops requests of len bytes, keeping depth in flight. */
static double bb_run(struct bench *b, int wr, int seq, unsigned len,
                     unsigned ops, unsigned depth)
{
    uint64_t s = 42, off, id = 0;
    unsigned inflight = 0, done = 0;
    struct pollfd pfd[2];
    double t = now();
    int n;

    while (done < ops) {
        while (inflight < depth && id < ops) {
            off = seq ? id * len : (rnd(&s) % (b->size / len)) * len;
            push_rw(b, wr, off, len, id++);
            inflight++;
        }
        RING_PUSH_REQUESTS(&b->front);
        fake_hv_kick(DOM, PORT);
        if (blkring_process(b->ring))
            return -1;
        n = reap(b);
        if (n < 0)
            return -1;
        if (n == 0) {
            blkring_fds(b->ring, pfd);
            poll(pfd, 2, 1000);
            if (blkring_process(b->ring))
                return -1;
            n = reap(b);
            if (n < 0)
                return -1;
        }
        inflight -= (unsigned)n;
        done += (unsigned)n;
    }
    return now() - t;
}

#define ROUNDS 5 /* host and blkback passes alternate; each keeps its best */

enum kind { SEQ_RD, SEQ_WR, RAND_RD, RAND_WR, RAND_RD_QD };

static double pass(struct bench *b, enum kind k, int host, unsigned depth)
{
    int wr = k == SEQ_WR || k == RAND_WR;
    unsigned len = k <= SEQ_WR ? MIB : 4096;
    unsigned ops = k <= SEQ_WR ? (unsigned)(b->size / MIB) : b->rand_ops;

    if (host)
        return k <= SEQ_WR ? host_seq(b, wr) : host_rand(b, wr);
    return bb_run(b, wr, k <= SEQ_WR, len, ops, k == RAND_RD_QD ? depth : 1);
}

/*
 * One figure: host and blkback passes alternate so both see the same
 * machine load (the build machines are shared); the best of each counts.
 * MB/s for 1 MiB, IOPS for 4 KiB, also into bench/results.json.
 */
static int figure(struct bench *b, const char *what, enum kind k,
                  unsigned depth)
{
    double bytes = k <= SEQ_WR ? (double)b->size : b->rand_ops * 4096.0;
    double ops = k <= SEQ_WR ? (double)(b->size / MIB) : b->rand_ops;
    double host = 0, bb = 0, t, hv, bv;
    int r;

    for (r = 0; r < ROUNDS; r++) {
        t = pass(b, k, 1, depth);
        if (t <= 0)
            break;
        host = host > 0 && host < t ? host : t;
        t = pass(b, k, 0, depth);
        if (t <= 0)
            break;
        bb = bb > 0 && bb < t ? bb : t;
    }
    if (r < ROUNDS) {
        printf("blk %-22s FAILED\n", what);
        return -1;
    }
    printf("blk %-22s host %8.1f MB/s %8.0f IOPS | blkback %8.1f MB/s "
           "%8.0f IOPS | ratio %.2f\n",
           what, bytes / host / 1e6, ops / host, bytes / bb / 1e6, ops / bb,
           host / bb);
    fflush(stdout);
    hv = k <= SEQ_WR ? bytes / host / 1e6 : ops / host;
    bv = k <= SEQ_WR ? bytes / bb / 1e6 : ops / bb;
    if (bench_result("bench_blk", what, bv, hv, k <= SEQ_WR ? "MB/s" : "IOPS"))
        fprintf(stderr, "bench_blk: cannot write the JSON results\n");
    return 0;
}

static int setup(struct bench *b, const char *path, uint64_t size)
{
    struct blkif_sring *sring;
    int i, fd, rc;

    fd = open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0 || posix_memalign(&b->buf, 4096, MIB))
        return -errno;
    memset(b->buf, 0x5a, MIB);
    for (uint64_t off = 0; off < size; off += MIB) /* real blocks, no holes */
        if (write(fd, b->buf, MIB) != MIB)
            return -EIO;
    fsync(fd);
    close(fd);
    b->size = size;
    b->fd = open(path, O_RDWR | O_DIRECT | O_CLOEXEC);
    if (b->fd < 0)
        return -errno;
    rc = blkdisk_open(path, 0, &b->disk);
    if (rc)
        return rc;
    fake_hv_reset();
    sring = fake_hv_page(DOM, RING_PFN);
    SHARED_RING_INIT(sring);
    FRONT_RING_INIT(&b->front, sring, 4096);
    fake_hv_grant(DOM, 0, RING_PFN, 0);
    fake_hv_grant(DOM, IND_PFN, IND_PFN, 1);
    for (i = 0; i < 256; i++)
        fake_hv_grant(DOM, DATA_PFN + i, DATA_PFN + i, 0);
    return blkring_create(NULL, DOM, 0, PORT, b->disk, BLK_MAX_INDIRECT_SEGS,
                          &b->ring);
}

int main(void)
{
    const char *dir = getenv("BENCH_DIR") ? getenv("BENCH_DIR") : "/var/tmp";
    uint64_t size =
        (getenv("BENCH_BLK_MB") ? strtoull(getenv("BENCH_BLK_MB"), NULL, 10)
                                : 128) *
        MIB;
    struct bench b = {.fd = -1, .rand_ops = 2000};
    unsigned depth;
    char path[256];
    int rc;

    snprintf(path, sizeof(path), "%s/bench_blk.%d.img", dir, (int)getpid());
    rc = setup(&b, path, size);
    if (rc) {
        fprintf(stderr, "bench_blk: %s: %s\n", path, strerror(-rc));
        unlink(path);
        return 1;
    }
    depth = RING_SIZE(&b.front);
    printf("blk image %llu MiB on %s, O_DIRECT %s, in-process frontend\n",
           (unsigned long long)(size / MIB), dir,
           blkdisk_direct(b.disk) ? "yes" : "no");
    printf("best of %d passes each, host and blkback alternating\n", ROUNDS);
    rc = figure(&b, "seq-read 1MiB", SEQ_RD, depth) ||
         figure(&b, "seq-write 1MiB", SEQ_WR, depth) ||
         figure(&b, "rand-read 4KiB", RAND_RD, depth) ||
         figure(&b, "rand-write 4KiB", RAND_WR, depth);
    printf("blk rand-read 4KiB at depth %u (host still depth 1):\n", depth);
    rc = rc || figure(&b, "rand-read 4KiB qd", RAND_RD_QD, depth);
    blkring_destroy(b.ring);
    blkdisk_close(b.disk);
    close(b.fd);
    unlink(path);
    return rc ? 1 : 0;
}
