/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * blkring.c: the blkif ring consumer and its io_uring I/O. A request's
 * segments are contiguous on disk, so each becomes one readv/writev;
 * flushes carrying data are a writev linked to an fsync; discard punches
 * a hole. Responses are pushed once per batch and the guest notified
 * only when it asked (RING_PUSH_RESPONSES_AND_CHECK_NOTIFY).
 */
#include "blkback/blkring.h"

#include <errno.h>
#include <fcntl.h>
#include <liburing.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "blkback/req.h"
#include "lib/log.h"
#include "xenbus/ringthread.h"

struct slot {
    struct blk_req req;
    void *maps[BLK_MAX_INDIRECT_SEGS];
    struct iovec iov[BLK_MAX_INDIRECT_SEGS];
    uint64_t expect; /* bytes the readv/writev must move */
    int pending;     /* CQEs still to come */
    int status;
    struct slot *next_free;
};

struct blkring {
    struct hv *hv;
    uint32_t domid;
    void *page;
    struct blkif_back_ring ring;
    struct hv_evtchn *ch;
    struct blkdisk *disk;
    struct blk_limits lim;
    struct io_uring uring;
    int uring_ok, broken, need_push, to_submit;
    int starved; /* consume() stopped for want of a slot, req_event stale */
    unsigned inflight;
    uint64_t refused;
    struct slot *slots, *free;
    struct blkring_stats st;
    struct blkring_iostats io; /* the serving thread's; read with ld() */
    struct ringthread thread;
};

/* io is written by the serving thread alone and read by the daemon's. */
#define bump(field, n) __atomic_fetch_add(&(field), (n), __ATOMIC_RELAXED)
#define ld(field) __atomic_load_n(&(field), __ATOMIC_RELAXED)

void blkring_get_stats(const struct blkring *r, struct blkring_stats *out)
{
    *out = r->st;
}

void blkring_get_iostats(const struct blkring *r, struct blkring_iostats *out)
{
    out->oo_req = ld(r->io.oo_req);
    out->rd_req = ld(r->io.rd_req);
    out->wr_req = ld(r->io.wr_req);
    out->f_req = ld(r->io.f_req);
    out->ds_req = ld(r->io.ds_req);
    out->rd_sect = ld(r->io.rd_sect);
    out->wr_sect = ld(r->io.wr_sect);
}

/* As Linux's dispatch: a flush carrying data is an f_req whose sectors
 * are written ones. Counted once the request is known to be well formed. */
static void count(struct blkring *r, const struct blk_req *q)
{
    switch (q->io) {
    case BLK_IO_READ:
        bump(r->io.rd_req, 1);
        bump(r->io.rd_sect, q->nr_sectors);
        break;
    case BLK_IO_WRITE:
        bump(r->io.wr_req, 1);
        bump(r->io.wr_sect, q->nr_sectors);
        break;
    case BLK_IO_WRITE_FLUSH:
        bump(r->io.f_req, 1);
        bump(r->io.wr_sect, q->nr_sectors);
        break;
    case BLK_IO_FLUSH:
        bump(r->io.f_req, 1);
        break;
    case BLK_IO_DISCARD:
        bump(r->io.ds_req, 1);
        break;
    }
}

static void respond(struct blkring *r, uint64_t id, uint8_t op, int status)
{
    struct blkif_response *rsp =
        RING_GET_RESPONSE(&r->ring, r->ring.rsp_prod_pvt);

    rsp->id = id;
    rsp->operation = op;
    rsp->status = (int16_t)status;
    r->ring.rsp_prod_pvt++;
    r->st.requests++;
    if (status != BLKIF_RSP_OKAY)
        r->st.errors++;
    r->need_push = 1;
}

static void slot_unmap(struct blkring *r, struct slot *s)
{
    uint16_t i;

    for (i = 0; i < s->req.nsegs; i++) {
        if (s->maps[i])
            hv_grant_unmap(r->hv, s->maps[i]);
        s->maps[i] = NULL;
    }
}

static void slot_finish(struct blkring *r, struct slot *s)
{
    slot_unmap(r, s);
    respond(r, s->req.id, s->req.op, s->status);
    s->next_free = r->free;
    r->free = s;
    r->inflight--;
}

/* Copy an indirect request's segment list out of its granted pages. */
static int fetch_indirect(struct blkring *r, struct blk_req *q)
{
    static const size_t per_page = BLK_SEGS_PER_INDIRECT_PAGE;
    struct blkif_request_segment segs[BLK_MAX_INDIRECT_SEGS];
    unsigned i;
    size_t n;
    void *p;

    for (i = 0; i < q->nind; i++) {
        if (hv_grant_map(r->hv, r->domid, q->ind_grefs[i], 0, &p)) {
            log_debug("dom %u vbd: indirect ref %u not granted", r->domid,
                      q->ind_grefs[i]);
            return BLKIF_RSP_ERROR;
        }
        n = q->nsegs - i * per_page;
        if (n > per_page)
            n = per_page;
        /* One copy: the guest may rewrite the page while we check it. */
        memcpy(&segs[i * per_page], p, n * sizeof(segs[0]));
        hv_grant_unmap(r->hv, p);
    }
    return blk_req_set_indirect(q, segs, &r->lim);
}

/* Map every data page; a read writes guest memory, so needs it writable. */
static int map_segs(struct blkring *r, struct slot *s)
{
    int writable = s->req.io == BLK_IO_READ;
    uint16_t i;
    void *p;
    int rc;

    s->expect = 0;
    for (i = 0; i < s->req.nsegs; i++) {
        const struct blk_seg *g = &s->req.seg[i];

        rc = hv_grant_map(r->hv, r->domid, g->gref, writable, &p);
        if (rc) {
            log_debug("dom %u vbd: ref %u: %s", r->domid, g->gref,
                      strerror(-rc));
            return BLKIF_RSP_ERROR;
        }
        s->maps[i] = p;
        s->iov[i].iov_base = (char *)p + ((size_t)g->first << 9);
        s->iov[i].iov_len = (size_t)(g->last - g->first + 1) << 9;
        s->expect += s->iov[i].iov_len;
    }
    return BLKIF_RSP_OKAY;
}

static struct io_uring_sqe *get_sqe(struct blkring *r)
{
    struct io_uring_sqe *sqe = io_uring_get_sqe(&r->uring);

    if (!sqe) {
        io_uring_submit(&r->uring);
        r->st.batches++;
        r->to_submit = 0;
        sqe = io_uring_get_sqe(&r->uring);
    }
    if (sqe)
        r->to_submit++;
    return sqe;
}

/* Without io_uring (old kernel, seccomp): the same I/O, synchronously. */
static void do_sync(struct blkring *r, struct slot *s)
{
    int fd = blkdisk_fd(r->disk);
    off_t off = (off_t)(s->req.sector << 9);
    ssize_t n = 0;

    switch (s->req.io) {
    case BLK_IO_READ:
        n = preadv(fd, s->iov, s->req.nsegs, off);
        break;
    case BLK_IO_WRITE:
    case BLK_IO_WRITE_FLUSH:
        n = pwritev(fd, s->iov, s->req.nsegs, off);
        if (s->req.io == BLK_IO_WRITE_FLUSH && n >= 0 && fsync(fd))
            n = -1;
        break;
    case BLK_IO_FLUSH:
        n = fsync(fd) ? -1 : 0;
        break;
    case BLK_IO_DISCARD:
        n = fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off,
                      (off_t)(s->req.nr_sectors << 9))
                ? -1
                : 0;
        break;
    }
    if (n < 0 || (uint64_t)n != s->expect)
        s->status = BLKIF_RSP_ERROR;
}

/*
 * alone: the only request there is (nothing in flight, none behind it on
 * the ring). A read or write then runs synchronously: the guest waits for
 * it anyway, and the async path costs a submit, a wake-up and, for
 * writes, the filesystem's completion worker being scheduled -- on a busy
 * host that halved 4 KiB writes at depth 1. Anything arriving meanwhile
 * waits one I/O at most; a burst goes through io_uring as before.
 */
static int submit(struct blkring *r, struct slot *s, int alone)
{
    int fd = blkdisk_fd(r->disk);
    uint64_t off = s->req.sector << 9;
    struct io_uring_sqe *sqe, *sqe2;

    if (!r->uring_ok ||
        (alone && (s->req.io == BLK_IO_READ || s->req.io == BLK_IO_WRITE))) {
        do_sync(r, s);
        s->pending = 0;
        return 0;
    }
    sqe = get_sqe(r);
    if (!sqe)
        return -EBUSY;
    s->pending = 1;
    switch (s->req.io) {
    case BLK_IO_READ:
        io_uring_prep_readv(sqe, fd, s->iov, s->req.nsegs, off);
        break;
    case BLK_IO_WRITE:
    case BLK_IO_WRITE_FLUSH:
        io_uring_prep_writev(sqe, fd, s->iov, s->req.nsegs, off);
        if (s->req.io == BLK_IO_WRITE)
            break;
        sqe->flags |= IOSQE_IO_LINK;
        io_uring_sqe_set_data(sqe, s);
        sqe2 = get_sqe(r);
        if (!sqe2)
            return -EBUSY; /* cannot happen: get_sqe submitted */
        io_uring_prep_fsync(sqe2, fd, 0);
        sqe = sqe2;
        s->pending = 2;
        break;
    case BLK_IO_FLUSH:
        io_uring_prep_fsync(sqe, fd, 0);
        break;
    case BLK_IO_DISCARD:
        io_uring_prep_fallocate(sqe, fd,
                                FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off,
                                s->req.nr_sectors << 9);
        break;
    }
    io_uring_sqe_set_data(sqe, s);
    return 0;
}

/* Start one request copied off the ring. */
static void start(struct blkring *r, const struct blkif_request *raw, int alone)
{
    struct slot *s = r->free;
    int status;

    r->free = s->next_free;
    r->inflight++;
    memset(s->maps, 0, sizeof(s->maps));
    s->expect = 0;
    status = blk_req_parse(raw, &r->lim, &s->req);
    if (status == BLKIF_RSP_OKAY && s->req.nind)
        status = fetch_indirect(r, &s->req);
    if (status == BLKIF_RSP_OKAY)
        status = map_segs(r, s);
    if (status != BLKIF_RSP_OKAY) {
        /* A hostile guest must not flood the log: the first few, then
         * every power of two. */
        if (++r->refused <= 8 || !(r->refused & (r->refused - 1)))
            log_warnx("dom %u vbd: request %llu op %u refused (status %d, "
                      "%llu refused so far)",
                      r->domid, (unsigned long long)s->req.id, s->req.op,
                      status, (unsigned long long)r->refused);
        s->status = status;
        slot_finish(r, s);
        return;
    }
    s->status = BLKIF_RSP_OKAY;
    count(r, &s->req);
    if (s->req.io == BLK_IO_DISCARD && s->req.nr_sectors == 0) {
        slot_finish(r, s);
    } else if (submit(r, s, alone)) {
        s->status = BLKIF_RSP_ERROR;
        slot_finish(r, s);
    } else if (!s->pending) {
        slot_finish(r, s); /* done synchronously */
    }
}

static void reap(struct blkring *r)
{
    struct io_uring_cqe *cqe;
    struct slot *s;

    if (!r->uring_ok)
        return;
    /* the ring's fd is what the thread polls: nothing to clear but CQEs */
    while (io_uring_peek_cqe(&r->uring, &cqe) == 0) {
        s = io_uring_cqe_get_data(cqe);
        /* The readv/writev must move every byte; fsync/fallocate 0. */
        if (cqe->res < 0 ||
            (s->expect &&
             s->pending == (s->req.io == BLK_IO_WRITE_FLUSH ? 2 : 1) &&
             (uint64_t)cqe->res != s->expect))
            s->status = BLKIF_RSP_ERROR;
        io_uring_cqe_seen(&r->uring, cqe);
        if (--s->pending == 0)
            slot_finish(r, s);
    }
}

static void push(struct blkring *r)
{
    int notify;

    if (!r->need_push)
        return;
    r->need_push = 0;
    RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&r->ring, notify);
    if (notify)
        hv_evtchn_notify(r->ch);
}

static int consume(struct blkring *r)
{
    struct blkif_request raw;
    RING_IDX rc, rp;
    int more;

    r->starved = 0;
    do {
        if (XENRING_REQ_PROD_WILD(&r->ring, rp)) {
            log_warnx("dom %u vbd: req_prod %u is %u ahead of rsp_prod %u, "
                      "ring no longer served",
                      r->domid, rp, rp - r->ring.rsp_prod_pvt,
                      r->ring.rsp_prod_pvt);
            r->broken = 1;
            return -EPROTO;
        }
        for (rc = r->ring.req_cons; rc != rp && r->free; rc++) {
            if (RING_REQUEST_CONS_OVERFLOW(&r->ring, rc))
                break;
            RING_COPY_REQUEST(&r->ring, rc, &raw);
            r->ring.req_cons = rc + 1;
            start(r, &raw, rc + 1 == rp && !r->inflight && !r->to_submit);
        }
        if (r->to_submit) {
            io_uring_submit(&r->uring);
            r->st.batches++;
            r->to_submit = 0;
        }
        if (!r->free) {
            if (r->ring.req_cons != rp)
                bump(r->io.oo_req, 1); /* Linux: out of pending_reqs */
            r->starved = 1;            /* completions will bring us back */
            return 0;
        }
        RING_FINAL_CHECK_FOR_REQUESTS(&r->ring, more);
    } while (more);
    return 0;
}

int blkring_process(struct blkring *r)
{
    int rc;

    if (r->broken)
        return -EPROTO;
    hv_evtchn_ack(r->ch);
    reap(r);
    rc = consume(r);
    reap(r);
    /*
     * consume() stopped with every slot busy, so req_event was not
     * re-armed; if the reap just finished all of them, no completion is
     * left to bring us back and the frontend, seeing an old req_event,
     * does not notify for what it queues next: look again now. (A guest
     * keeping a ring's worth in flight hung on this, guest/bench.c.)
     */
    while (!rc && r->starved && r->free) {
        rc = consume(r);
        reap(r);
    }
    push(r);
    return rc;
}

int blkring_fds(const struct blkring *r, struct pollfd pfd[2])
{
    pfd[0].fd = hv_evtchn_fd(r->ch);
    pfd[0].events = POLLIN;
    /*
     * The io_uring fd itself is readable while completions wait: no
     * eventfd to drain, two syscalls fewer per wake-up than with one.
     */
    pfd[1].fd = r->uring_ok ? r->uring.ring_fd : -1;
    pfd[1].events = POLLIN;
    pfd[0].revents = pfd[1].revents = 0;
    return 2;
}

RINGTHREAD_DEFINE_START(blkring)

void blkring_stop(struct blkring *r)
{
    struct io_uring_cqe *cqe;
    struct slot *s;

    ringthread_stop(&r->thread);
    /* Guest pages stay mapped until the kernel is done with them. */
    while (r->uring_ok && r->inflight &&
           io_uring_wait_cqe(&r->uring, &cqe) == 0) {
        s = io_uring_cqe_get_data(cqe);
        if (cqe->res < 0)
            s->status = BLKIF_RSP_ERROR;
        io_uring_cqe_seen(&r->uring, cqe);
        if (--s->pending == 0)
            slot_finish(r, s);
    }
}

int blkring_create(struct hv *hv, uint32_t domid, uint32_t ring_ref,
                   uint32_t port, struct blkdisk *disk, unsigned max_indirect,
                   struct blkring **out)
{
    struct blkring *r = calloc(1, sizeof(*r));
    unsigned i, n;
    int rc;

    *out = NULL;
    if (!r)
        return -ENOMEM;
    r->hv = hv;
    r->domid = domid;
    r->disk = disk;
    r->thread.stopfd = -1;
    r->lim.sectors = blkdisk_sectors(disk);
    r->lim.readonly = blkdisk_readonly(disk);
    r->lim.discard = blkdisk_can_discard(disk);
    r->lim.max_indirect =
        (uint16_t)(max_indirect > BLK_MAX_INDIRECT_SEGS ? BLK_MAX_INDIRECT_SEGS
                                                        : max_indirect);
    rc = hv_grant_map(hv, domid, ring_ref, 1, &r->page);
    if (rc)
        goto fail;
    /*
     * Go on from the responses the frontend already has, not from 0: a
     * restarted blkback re-attaches to rings a dead one served (the
     * frontend does not renegotiate), answers what was left unanswered
     * and never answers a request twice. A fresh ring has rsp_prod 0. The
     * index is the guest's: a wild one only gets its ring refused by the
     * req_prod overflow check.
     */
    BACK_RING_ATTACH(&r->ring, (struct blkif_sring *)r->page,
                     ((volatile struct blkif_sring *)r->page)->rsp_prod,
                     XEN_PAGE_SIZE);
    n = RING_SIZE(&r->ring);
    r->slots = calloc(n, sizeof(*r->slots));
    if (!r->slots) {
        rc = -ENOMEM;
        goto fail;
    }
    for (i = 0; i < n; i++) {
        r->slots[i].next_free = r->free;
        r->free = &r->slots[i];
    }
    rc = hv_evtchn_bind(hv, domid, port, &r->ch);
    if (rc)
        goto fail;
    rc = ringthread_init(&r->thread, "vbd", domid);
    if (rc)
        goto fail;
    /* Two SQEs per request at most (writev + fsync). */
    if (io_uring_queue_init(2 * n, &r->uring, 0) == 0)
        r->uring_ok = 1;
    if (!r->uring_ok)
        log_warnx("dom %u vbd: io_uring unavailable, synchronous I/O", domid);
    *out = r;
    return 0;
fail:
    blkring_destroy(r);
    return rc;
}

void blkring_destroy(struct blkring *r)
{
    if (!r)
        return;
    blkring_stop(r);
    push(r);
    if (r->uring_ok)
        io_uring_queue_exit(&r->uring);
    ringthread_fini(&r->thread);
    if (r->ch)
        hv_evtchn_close(r->ch);
    if (r->page)
        hv_grant_unmap(r->hv, r->page);
    free(r->slots);
    free(r);
}
