/* SPDX-License-Identifier: GPL-2.0-only */
/* test_blkback.c: blkback's request checks (req.c) and ring service
 * (blkring.c) on an in-memory guest (fake_hv.c) and a real image file:
 * read, write, flush, discard, indirect, read-only, bad requests, hostile
 * ring indices, many requests in flight, the serving thread. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include "unit.h"

#include "blkback/blkring.h"
#include "blkback/req.h"
#include "blkback/vbdstats.h"
#include "fake_hv.h"
#include "fake_xs.h"

#define DOM 2
#define PORT 5
#define RING_REF 1
#define RING_PFN 0
#define DATA_PFN 8        /* data pages: pfn 8.., grant refs 8.. */
#define DISK_SECTORS 2048 /* 1 MiB */

struct ctx {
    char path[64];
    struct blkdisk *disk;
    struct blkring *ring;
    struct blkif_front_ring front;
};

static uint8_t pattern(uint64_t off)
{
    return (uint8_t)(off * 7 + off / 512);
}

static const char *image_dir = "/tmp";

static int make_image(struct ctx *c, int readonly)
{
    uint8_t buf[4096];
    uint64_t off, i;
    int fd;

    snprintf(c->path, sizeof(c->path), "%s/test_blkback.XXXXXX", image_dir);
    fd = mkstemp(c->path);
    assert_true(fd >= 0);
    for (off = 0; off < DISK_SECTORS * 512ULL; off += sizeof(buf)) {
        for (i = 0; i < sizeof(buf); i++)
            buf[i] = pattern(off + i);
        assert_int_equal(write(fd, buf, sizeof(buf)), sizeof(buf));
    }
    close(fd);
    assert_int_equal(blkdisk_open(c->path, readonly, &c->disk), 0);
    return 0;
}

static int setup_common(void **state, int readonly)
{
    struct ctx *c = calloc(1, sizeof(*c));
    struct blkif_sring *sring;
    int i;

    fake_hv_reset();
    make_image(c, readonly);
    sring = fake_hv_page(DOM, RING_PFN);
    SHARED_RING_INIT(sring);
    FRONT_RING_INIT(&c->front, sring, 4096);
    fake_hv_grant(DOM, RING_REF, RING_PFN, 0);
    for (i = 0; i < 40; i++)
        fake_hv_grant(DOM, DATA_PFN + i, DATA_PFN + i, 0);
    /* The bind needs the channel to exist: hv_evtchn_bind makes it. */
    assert_int_equal(blkring_create(NULL, DOM, RING_REF, PORT, c->disk,
                                    BLK_MAX_INDIRECT_SEGS, &c->ring),
                     0);
    *state = c;
    return 0;
}

static int setup_rw(void **state)
{
    return setup_common(state, 0);
}
/* An image on tmpfs, where there is no O_DIRECT and a read of cached
 * pages completes inside io_uring_submit. */
static int setup_shm(void **state)
{
    int rc;

    image_dir = access("/dev/shm", W_OK) ? "/tmp" : "/dev/shm";
    rc = setup_common(state, 0);
    image_dir = "/tmp";
    return rc;
}
static int setup_ro(void **state)
{
    return setup_common(state, 1);
}

static int teardown(void **state)
{
    struct ctx *c = *state;

    blkring_destroy(c->ring);
    blkdisk_close(c->disk);
    unlink(c->path);
    assert_int_equal(fake_hv_maps(), 0);
    assert_int_equal(fake_hv_channels(), 0);
    free(c);
    return 0;
}

static void push(struct ctx *c, const void *req)
{
    memcpy(RING_GET_REQUEST(&c->front, c->front.req_prod_pvt), req,
           sizeof(struct blkif_request));
    c->front.req_prod_pvt++;
    RING_PUSH_REQUESTS(&c->front);
}

/* Serve until n more responses arrive; copy them out in order. */
static void serve(struct ctx *c, unsigned n, struct blkif_response *out)
{
    struct pollfd pfd[2];
    unsigned got = 0;
    int spins = 0;

    fake_hv_kick(DOM, PORT);
    while (got < n) {
        assert_int_equal(blkring_process(c->ring), 0);
        while (got < n && c->front.rsp_cons != c->front.sring->rsp_prod) {
            out[got++] = *RING_GET_RESPONSE(&c->front, c->front.rsp_cons);
            c->front.rsp_cons++;
        }
        if (got < n) {
            blkring_fds(c->ring, pfd);
            poll(pfd, 2, 100);
            assert_true(++spins < 100);
        }
    }
}

static int one(struct ctx *c, const void *req)
{
    struct blkif_response rsp;

    const struct blkif_request *q = req;
    uint8_t op = q->operation;

    push(c, req);
    serve(c, 1, &rsp);
    assert_int_equal(rsp.id, q->id);
    /* an indirect request is answered with the operation it carried */
    if (op == BLKIF_OP_INDIRECT)
        op = ((const struct blkif_request_indirect *)req)->indirect_op;
    assert_int_equal(rsp.operation, op);
    return rsp.status;
}

static struct blkif_request rw(uint8_t op, uint64_t id, uint64_t sector,
                               unsigned nsegs)
{
    struct blkif_request r;
    unsigned i;

    memset(&r, 0, sizeof(r));
    r.operation = op;
    r.id = id;
    r.sector_number = sector;
    r.nr_segments = (uint8_t)nsegs;
    for (i = 0; i < nsegs && i < BLKIF_MAX_SEGMENTS_PER_REQUEST; i++) {
        r.seg[i].gref = DATA_PFN + i;
        r.seg[i].first_sect = 0;
        r.seg[i].last_sect = 7;
    }
    return r;
}

static void file_read(struct ctx *c, uint64_t off, void *buf, size_t len)
{
    int fd = open(c->path, O_RDONLY);

    assert_true(fd >= 0);
    assert_int_equal(pread(fd, buf, len, (off_t)off), (ssize_t)len);
    close(fd);
}

static void test_read(void **state)
{
    struct ctx *c = *state;
    struct blkif_request r = rw(BLKIF_OP_READ, 11, 16, 2);
    uint8_t *p0 = fake_hv_page(DOM, DATA_PFN), *p1;
    size_t i;

    r.seg[1].first_sect = 2; /* part of a page */
    r.seg[1].last_sect = 3;
    assert_int_equal(one(c, &r), BLKIF_RSP_OKAY);
    p1 = fake_hv_page(DOM, DATA_PFN + 1);
    for (i = 0; i < 4096; i++)
        assert_int_equal(p0[i], pattern(16 * 512 + i));
    for (i = 0; i < 1024; i++)
        assert_int_equal(p1[1024 + i], pattern(16 * 512 + 4096 + i));
    assert_int_equal(p1[0], 0); /* outside the segment: untouched */
}

static void test_write_flush(void **state)
{
    struct ctx *c = *state;
    struct blkif_request r = rw(BLKIF_OP_WRITE, 12, 100, 1);
    uint8_t buf[4096];

    memset(fake_hv_page(DOM, DATA_PFN), 0xab, 4096);
    assert_int_equal(one(c, &r), BLKIF_RSP_OKAY);
    file_read(c, 100 * 512, buf, sizeof(buf));
    assert_int_equal(buf[0], 0xab);
    assert_int_equal(buf[4095], 0xab);

    /* Flush without data, then a flush carrying a write. */
    r = rw(BLKIF_OP_FLUSH_DISKCACHE, 13, 0, 0);
    assert_int_equal(one(c, &r), BLKIF_RSP_OKAY);
    memset(fake_hv_page(DOM, DATA_PFN), 0xcd, 4096);
    r = rw(BLKIF_OP_FLUSH_DISKCACHE, 14, 200, 1);
    assert_int_equal(one(c, &r), BLKIF_RSP_OKAY);
    file_read(c, 200 * 512, buf, 512);
    assert_int_equal(buf[0], 0xcd);
    r = rw(BLKIF_OP_WRITE_BARRIER, 15, 300, 1);
    assert_int_equal(one(c, &r), BLKIF_RSP_OKAY);
    file_read(c, 300 * 512, buf, 512);
    assert_int_equal(buf[511], 0xcd);
}

static void test_discard(void **state)
{
    struct ctx *c = *state;
    struct blkif_request_discard d = {
        .operation = BLKIF_OP_DISCARD,
        .id = 20,
        .sector_number = 1024,
        .nr_sectors = 512,
    };
    struct blkif_request r;
    uint8_t buf[512 * 8];
    struct stat st0, st1;
    size_t i;

    assert_int_equal(stat(c->path, &st0), 0);
    memcpy(&r, &d, sizeof(d));
    assert_int_equal(one(c, &r), BLKIF_RSP_OKAY);
    assert_int_equal(stat(c->path, &st1), 0);
    assert_true(st1.st_blocks < st0.st_blocks); /* a real hole */
    assert_int_equal(st1.st_size, st0.st_size);
    file_read(c, 1024 * 512, buf, sizeof(buf));
    for (i = 0; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 0);
    file_read(c, 1023 * 512, buf, 512); /* neighbours intact */
    assert_int_equal(buf[0], pattern(1023 * 512));
    d.sector_number = DISK_SECTORS - 1;
    d.nr_sectors = 2;
    memcpy(&r, &d, sizeof(d));
    assert_int_equal(one(c, &r), BLKIF_RSP_ERROR);
}

static void test_indirect(void **state)
{
    struct ctx *c = *state;
    struct blkif_request_indirect ind = {
        .operation = BLKIF_OP_INDIRECT,
        .indirect_op = BLKIF_OP_READ,
        .nr_segments = 30,
        .id = 30,
        .sector_number = 64,
    };
    struct blkif_request_segment *segs = fake_hv_page(DOM, 40);
    struct blkif_request r;
    uint8_t *p;
    int i, j;

    fake_hv_grant(DOM, 100, 40, 1); /* the indirect page, read-only */
    ind.indirect_grefs[0] = 100;
    for (i = 0; i < 30; i++) {
        segs[i].gref = DATA_PFN + i;
        segs[i].first_sect = 0;
        segs[i].last_sect = 7;
    }
    memcpy(&r, &ind, sizeof(ind));
    assert_int_equal(one(c, &r), BLKIF_RSP_OKAY);
    for (i = 0; i < 30; i++) {
        p = fake_hv_page(DOM, DATA_PFN + i);
        for (j = 0; j < 4096; j += 511)
            assert_int_equal(p[j], pattern(64 * 512 + i * 4096 + j));
    }
    /* Too many segments; a bad segment in the page; ungranted page. */
    ind.nr_segments = BLK_MAX_INDIRECT_SEGS + 1;
    memcpy(&r, &ind, sizeof(ind));
    assert_int_equal(one(c, &r), BLKIF_RSP_ERROR);
    ind.nr_segments = 30;
    segs[3].last_sect = 8;
    memcpy(&r, &ind, sizeof(ind));
    assert_int_equal(one(c, &r), BLKIF_RSP_ERROR);
    segs[3].last_sect = 7;
    ind.indirect_grefs[0] = 101;
    memcpy(&r, &ind, sizeof(ind));
    assert_int_equal(one(c, &r), BLKIF_RSP_ERROR);
    ind.indirect_grefs[0] = 100;
    ind.indirect_op = BLKIF_OP_DISCARD;
    memcpy(&r, &ind, sizeof(ind));
    assert_int_equal(one(c, &r), BLKIF_RSP_ERROR);
}

static void test_readonly(void **state)
{
    struct ctx *c = *state;
    struct blkif_request r = rw(BLKIF_OP_WRITE, 40, 0, 4);
    struct blkif_request_discard d = {
        .operation = BLKIF_OP_DISCARD,
        .id = 41,
        .nr_sectors = 8,
    };
    uint8_t before[8192], after[8192];

    file_read(c, 0, before, sizeof(before));
    memset(fake_hv_page(DOM, DATA_PFN), 0xee, 4096);
    assert_int_equal(one(c, &r), BLKIF_RSP_ERROR);
    r.operation = BLKIF_OP_FLUSH_DISKCACHE;
    assert_int_equal(one(c, &r), BLKIF_RSP_ERROR);
    memcpy(&r, &d, sizeof(d));
    assert_int_equal(one(c, &r), BLKIF_RSP_ERROR);
    file_read(c, 0, after, sizeof(after));
    assert_memory_equal(before, after, sizeof(before)); /* untouched */
    r = rw(BLKIF_OP_READ, 42, 0, 1);
    assert_int_equal(one(c, &r), BLKIF_RSP_OKAY);
}

static void test_bad_requests(void **state)
{
    struct ctx *c = *state;
    struct blkif_request r;

    r = rw(BLKIF_OP_READ, 50, DISK_SECTORS - 4, 1); /* past the end */
    assert_int_equal(one(c, &r), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_READ, 51, UINT64_MAX - 2, 1); /* wraps */
    assert_int_equal(one(c, &r), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_READ, 52, 0, 1);
    r.nr_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST + 1;
    assert_int_equal(one(c, &r), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_READ, 53, 0, 0);
    assert_int_equal(one(c, &r), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_READ, 54, 0, 1);
    r.seg[0].first_sect = 5;
    r.seg[0].last_sect = 4;
    assert_int_equal(one(c, &r), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_READ, 55, 0, 2);
    r.seg[1].gref = 120; /* never granted */
    assert_int_equal(one(c, &r), BLKIF_RSP_ERROR);
    r.seg[1].gref = 100000; /* beyond the grant table */
    assert_int_equal(one(c, &r), BLKIF_RSP_ERROR);
    fake_hv_grant(DOM, 121, DATA_PFN, 1); /* read-only grant for a read */
    r = rw(BLKIF_OP_READ, 56, 0, 1);
    r.seg[0].gref = 121;
    assert_int_equal(one(c, &r), BLKIF_RSP_ERROR);
    r = rw(42, 57, 0, 1); /* unknown operation */
    assert_int_equal(one(c, &r), BLKIF_RSP_EOPNOTSUPP);
    assert_int_equal(fake_hv_maps(), 1); /* only the ring page */
    /* ... and the backend keeps serving. */
    r = rw(BLKIF_OP_READ, 58, 0, 1);
    assert_int_equal(one(c, &r), BLKIF_RSP_OKAY);
}

static void test_hostile_ring(void **state)
{
    struct ctx *c = *state;

    c->front.sring->req_prod = c->front.req_prod_pvt + 1000;
    fake_hv_kick(DOM, PORT);
    assert_int_equal(blkring_process(c->ring), -EPROTO);
    assert_int_equal(blkring_process(c->ring), -EPROTO);
}

/* A full ring's worth of one-page reads (ids from id0, sector i * 8), pushed
 * at once and served: every one answered OKAY. */
static void read_burst(struct ctx *c, unsigned n, uint64_t id0)
{
    struct blkif_response rsp[64];
    struct blkif_request r;
    unsigned i;

    for (i = 0; i < n; i++) {
        r = rw(BLKIF_OP_READ, id0 + i, i * 8, 1);
        r.seg[0].gref = DATA_PFN + (i % 32);
        memcpy(RING_GET_REQUEST(&c->front, c->front.req_prod_pvt++), &r,
               sizeof(r));
    }
    RING_PUSH_REQUESTS(&c->front);
    serve(c, n, rsp);
    for (i = 0; i < n; i++)
        assert_int_equal(rsp[i].status, BLKIF_RSP_OKAY);
}

static void test_many_in_flight(void **state)
{
    struct ctx *c = *state;
    unsigned n = RING_SIZE(&c->front);
    struct blkif_request r;
    struct blkring_stats st;

    /* a lone request is served synchronously: no io_uring submission */
    r = rw(BLKIF_OP_READ, 999, 0, 1);
    assert_int_equal(one(c, &r), BLKIF_RSP_OKAY);
    blkring_get_stats(c->ring, &st);
    assert_int_equal(st.batches, 0);
    read_burst(c, n, 1000);
    blkring_get_stats(c->ring, &st);
    assert_int_equal(st.requests, n + 1);
    assert_true(st.batches < n); /* submitted in batches */
}

/*
 * A whole ring consumed, submitted and (inline completions on tmpfs)
 * reaped in one blkring_process: the backend must still re-arm req_event,
 * or the frontend's next request is never notified (a guest keeping 32
 * requests in flight, guest/bench.c, hung so).
 */
static void test_full_ring_rearms(void **state)
{
    struct ctx *c = *state;
    unsigned n = RING_SIZE(&c->front), round;
    struct blkif_response rsp;
    struct blkif_request r;
    int notify;

    for (round = 0; round < 3; round++)
        read_burst(c, n, 0);
    r = rw(BLKIF_OP_READ, 7777, 0, 1);
    memcpy(RING_GET_REQUEST(&c->front, c->front.req_prod_pvt++), &r, sizeof(r));
    RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&c->front, notify);
    assert_true(notify);
    serve(c, 1, &rsp);
    assert_int_equal(rsp.id, 7777);
}

static void test_thread(void **state)
{
    struct ctx *c = *state;
    struct blkif_request r = rw(BLKIF_OP_READ, 77, 8, 1);
    struct timespec ts = {0, 10 * 1000 * 1000};
    int i;

    assert_int_equal(blkring_start(c->ring), 0);
    push(c, &r);
    fake_hv_kick(DOM, PORT);
    for (i = 0; i < 200 && c->front.sring->rsp_prod == 0; i++)
        nanosleep(&ts, NULL);
    assert_int_equal(c->front.sring->rsp_prod, 1);
    assert_int_equal(RING_GET_RESPONSE(&c->front, 0)->id, 77);
    blkring_stop(c->ring);
}

/*
 * A restarted blkback attaches to a ring the dead one served: it goes on
 * from the responses the frontend has (past a wrapped index), answers the
 * requests left unanswered, and never re-answers old ones.
 */
static void test_reattach(void **state)
{
    struct ctx *c = *state;
    struct blkif_request r = rw(BLKIF_OP_READ, 0, 16, 1);
    struct blkif_response rsp[2];
    uint8_t buf[4096];
    unsigned i;

    for (i = 0; i < 40; i++) { /* more than RING_SIZE: indices wrap */
        r.id = 100 + i;
        assert_int_equal(one(c, &r), BLKIF_RSP_OKAY);
    }
    /* Queued, then the backend dies before it sees them. */
    memset(fake_hv_page(DOM, DATA_PFN), 0xcd, 4096);
    r = rw(BLKIF_OP_WRITE, 7, 300, 1);
    push(c, &r);
    r = rw(BLKIF_OP_READ, 8, 16, 1);
    r.seg[0].gref = DATA_PFN + 1;
    push(c, &r);
    blkring_destroy(c->ring);
    c->ring = NULL;
    assert_int_equal(blkring_create(NULL, DOM, RING_REF, PORT, c->disk,
                                    BLK_MAX_INDIRECT_SEGS, &c->ring),
                     0);
    serve(c, 2, rsp);
    /* Either order: blkif responses complete as the I/O does. */
    assert_int_equal(rsp[0].id + rsp[1].id, 7 + 8);
    assert_true(rsp[0].id == 7 || rsp[0].id == 8);
    assert_int_equal(rsp[0].status, BLKIF_RSP_OKAY);
    assert_int_equal(rsp[1].status, BLKIF_RSP_OKAY);
    assert_int_equal(c->front.sring->rsp_prod, 42);
    file_read(c, 300 * 512, buf, sizeof(buf));
    for (i = 0; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 0xcd);
}

static void test_parse_limits(void **state)
{
    struct blk_limits lim = {.sectors = 100, .discard = 0};
    struct blkif_request raw = rw(BLKIF_OP_READ, 1, 99, 1);
    struct blkif_request_discard d = {.operation = BLKIF_OP_DISCARD};
    struct blk_req q;

    (void)state;
    raw.seg[0].last_sect = 0;
    assert_int_equal(blk_req_parse(&raw, &lim, &q), BLKIF_RSP_OKAY);
    assert_int_equal(q.nr_sectors, 1);
    raw.seg[0].last_sect = 1;
    assert_int_equal(blk_req_parse(&raw, &lim, &q), BLKIF_RSP_ERROR);
    memcpy(&raw, &d, sizeof(d));
    assert_int_equal(blk_req_parse(&raw, &lim, &q), BLKIF_RSP_EOPNOTSUPP);
    raw.operation = BLKIF_OP_INDIRECT; /* not offered */
    assert_int_equal(blk_req_parse(&raw, &lim, &q), BLKIF_RSP_EOPNOTSUPP);
}

static void test_disk_open(void **state)
{
    char path[] = "/tmp/test_blkdisk.XXXXXX";
    struct blkdisk *d, *d2, *d3;
    int fd = mkstemp(path);

    (void)state;
    /* One writer or many readers. */
    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, 1 << 20), 0);
    close(fd);
    assert_int_equal(blkdisk_open(path, 0, &d), 0);
    assert_int_equal(blkdisk_sectors(d), 2048);
    assert_int_equal(blkdisk_open(path, 0, &d2), -EBUSY);
    assert_int_equal(blkdisk_open(path, 1, &d2), -EBUSY);
    blkdisk_close(d);
    assert_int_equal(blkdisk_open(path, 1, &d2), 0);
    assert_int_equal(blkdisk_open(path, 1, &d3), 0);
    assert_int_equal(blkdisk_open(path, 0, &d), -EBUSY);
    blkdisk_close(d2);
    blkdisk_close(d3);
    unlink(path);

    assert_int_equal(blkdisk_open("/nonexistent/x.img", 0, &d), -ENOENT);
    assert_int_equal(blkdisk_open("qcow2:/x.img", 0, &d), -ENOTSUP);
    assert_int_equal(blkdisk_open("/dev/null", 1, &d), -ENOTBLK);
}

/* Linux blkback's statistics/ counted by the ring and published into the
 * backend directory at a bounded rate, never into a removed device */
static void test_statistics(void **state)
{
    static const char be[] = "/local/domain/0/backend/vbd/2/51712";
    struct blkif_request_discard d = {.operation = BLKIF_OP_DISCARD,
                                      .id = 9,
                                      .sector_number = 64,
                                      .nr_sectors = 8};
    struct ctx *c = *state;
    struct blkring_iostats st;
    struct vbdstats pub;
    struct blkif_request r;
    struct xs_handle *xs;
    char path[128];

#define STAT(k)                                                                \
    (snprintf(path, sizeof(path), "%s/statistics/%s", be, k), fake_xs_get(path))
    memset(&pub, 0, sizeof(pub));
    r = rw(BLKIF_OP_READ, 1, 16, 2); /* 16 sectors */
    assert_int_equal(one(c, &r), BLKIF_RSP_OKAY);
    r = rw(BLKIF_OP_READ, 2, 0, 1);
    r.seg[0].last_sect = 3; /* 4 sectors */
    assert_int_equal(one(c, &r), BLKIF_RSP_OKAY);
    r = rw(BLKIF_OP_READ, 3, DISK_SECTORS, 1); /* refused: not counted */
    assert_int_equal(one(c, &r), BLKIF_RSP_ERROR);
    r = rw(BLKIF_OP_WRITE, 4, 100, 1);
    assert_int_equal(one(c, &r), BLKIF_RSP_OKAY);
    r = rw(BLKIF_OP_FLUSH_DISKCACHE, 5, 0, 0);
    assert_int_equal(one(c, &r), BLKIF_RSP_OKAY);
    r = rw(BLKIF_OP_FLUSH_DISKCACHE, 6, 200, 1); /* a flush with data */
    assert_int_equal(one(c, &r), BLKIF_RSP_OKAY);
    memcpy(&r, &d, sizeof(d));
    assert_int_equal(one(c, &r), BLKIF_RSP_OKAY);
    blkring_get_iostats(c->ring, &st);
    assert_int_equal(st.rd_req, 2);
    assert_int_equal(st.rd_sect, 20);
    assert_int_equal(st.wr_req, 1);
    assert_int_equal(st.f_req, 2);
    assert_int_equal(st.wr_sect, 16);
    assert_int_equal(st.ds_req, 1);
    assert_int_equal(st.oo_req, 0);

    fake_xs_reset();
    xs = xs_open(0);
    fake_xs_set("/local/domain/0/backend/vbd/2/51712/state", "4");
    assert_int_equal(vbdstats_publish(&pub, xs, be, &st, 5000, 0), 1);
    assert_string_equal(STAT("rd_req"), "2");
    assert_string_equal(STAT("rd_sect"), "20");
    assert_string_equal(STAT("wr_req"), "1");
    assert_string_equal(STAT("wr_sect"), "16");
    assert_string_equal(STAT("f_req"), "2");
    assert_string_equal(STAT("ds_req"), "1");
    assert_string_equal(STAT("oo_req"), "0");
    /* more I/O: not written again within VBDSTATS_MIN_MS, then written */
    r = rw(BLKIF_OP_READ, 7, 16, 1);
    assert_int_equal(one(c, &r), BLKIF_RSP_OKAY);
    blkring_get_iostats(c->ring, &st);
    assert_int_equal(vbdstats_publish(&pub, xs, be, &st, 5999, 0), 0);
    assert_string_equal(STAT("rd_req"), "2");
    assert_int_equal(vbdstats_publish(&pub, xs, be, &st, 6000, 0), 1);
    assert_string_equal(STAT("rd_req"), "3");
    assert_string_equal(STAT("rd_sect"), "28");
    /* unchanged: nothing to write; forced: written */
    assert_int_equal(vbdstats_publish(&pub, xs, be, &st, 9000, 0), 0);
    assert_int_equal(vbdstats_publish(&pub, xs, be, &st, 9000, 1), 1);
    /* the toolstack removed the device: nothing brought back */
    fake_xs_rm("/local/domain/0/backend/vbd/2");
    assert_int_equal(vbdstats_publish(&pub, xs, be, &st, 20000, 1), -ENOENT);
    assert_null(STAT("rd_req"));
    assert_null(fake_xs_get(be));
    xs_close(xs);
#undef STAT
}

UNIT_MAIN(
    cmocka_unit_test(test_parse_limits), cmocka_unit_test(test_disk_open),
    cmocka_unit_test_setup_teardown(test_read, setup_rw, teardown),
    cmocka_unit_test_setup_teardown(test_write_flush, setup_rw, teardown),
    cmocka_unit_test_setup_teardown(test_discard, setup_rw, teardown),
    cmocka_unit_test_setup_teardown(test_indirect, setup_rw, teardown),
    cmocka_unit_test_setup_teardown(test_readonly, setup_ro, teardown),
    cmocka_unit_test_setup_teardown(test_bad_requests, setup_rw, teardown),
    cmocka_unit_test_setup_teardown(test_hostile_ring, setup_rw, teardown),
    cmocka_unit_test_setup_teardown(test_many_in_flight, setup_rw, teardown),
    cmocka_unit_test_setup_teardown(test_full_ring_rearms, setup_shm, teardown),
    cmocka_unit_test_setup_teardown(test_thread, setup_rw, teardown),
    cmocka_unit_test_setup_teardown(test_reattach, setup_rw, teardown),
    cmocka_unit_test_setup_teardown(test_statistics, setup_rw, teardown))
