/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * blkfront.h: the guest's block frontend (first device/vbd), used by the
 * blk self-test. Calls block vcpu 0 and return 0 or -XEN_E*.
 */
#ifndef XT_GUEST_BLKFRONT_H
#define XT_GUEST_BLKFRONT_H

#include <stdbool.h>
#include <stdint.h>

struct blkfront_info {
    char devid[16];
    uint64_t sectors; /* 512-byte units, as blkif counts */
    unsigned sector_size;
    unsigned info;
    bool readonly;
    unsigned backend_id;
};

/* Connects to the backend once (later calls just report). */
int blkfront_init(struct blkfront_info *info_out);
/* Events the backend sent us so far. */
unsigned blkfront_events(void);
/* One request of nsect (1..8) 512-byte sectors from/to a whole page. */
int blkfront_io(uint64_t sector, void *page, unsigned nsect, bool write);

/*
 * Batched I/O (guest/bench.c): the caller grants its pages to
 * info.backend_id once and reuses the references. Requests are queued,
 * pushed by blkfront_kick() and answered in any order.
 */
struct blkfront_rsp {
    uint64_t id;
    int16_t status; /* BLKIF_RSP_* */
};
/* Pages one request may carry: the backend's
 * feature-max-indirect-segments (one indirect page's worth at most), or
 * 11 without indirect requests. */
unsigned blkfront_max_segments(void);
/* Requests the ring has room for now. */
unsigned blkfront_ring_free(void);
/* Queues (does not push) a read or write of nseg whole pages from sector
 * on; more than 11 go as one indirect request whose segment list is
 * written to ind_page, which the caller granted as ind_ref. 0, or
 * -XEN_EAGAIN when the ring is full, -XEN_EINVAL, -XEN_EROFS. */
int blkfront_queue(uint64_t id, bool write, uint64_t sector,
                   const uint32_t *refs, unsigned nseg, void *ind_page,
                   uint32_t ind_ref);
/* Publishes queued requests; notifies the backend if it asks. */
void blkfront_kick(void);
/* True when a response waits; re-arms the backend's notification, so
 * WAIT_UNTIL(blkfront_response_ready(), ...) blocks between batches. */
bool blkfront_response_ready(void);
/* Takes up to max responses off the ring; returns how many. */
unsigned blkfront_reap(struct blkfront_rsp *out, unsigned max);

/* The hostile self-test (selftest_hostile.c): push raw as given and wait
 * up to 5 s for its response's status (0, -XEN_ETIMEDOUT, -XEN_EIO if the
 * response's id differs). */
struct blkif_request;
int blkfront_raw(const struct blkif_request *raw, int16_t *status);
/* Publishes req_prod `ahead` slots past what we really queued; the ring
 * is unusable afterwards (the backend may stop serving it). */
void blkfront_push_wild(uint32_t ahead);

/* Watch token of the backend's state, for control_loop(). */
#define BLKFRONT_WATCH_TOKEN "blk-be"
/* The backend's state changed: on Closing or gone, disconnect and go
 * Closed so a detach completes. */
void blkfront_backend_changed(void);
/* After a resume in a new domain: reconnect to the new backend. */
int blkfront_resume(void);

#endif
