/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * blkring.h: one connected vbd: the guest's blkif ring served onto a
 * blkdisk with io_uring, several requests in flight. Requests are copied
 * off the ring and validated (req.h) before anything else; every data
 * page is mapped through hv_grant_map, so a ref not granted to us, or
 * granted read-only for a read, gets BLKIF_RSP_ERROR.
 */
#ifndef XT_BLKBACK_BLKRING_H
#define XT_BLKBACK_BLKRING_H

#include <poll.h>
#include <stdint.h>

#include "blkback/disk.h"
#include "hv/hv.h"

struct blkring;

struct blkring_stats {
    uint64_t requests; /* answered */
    uint64_t errors;   /* answered with an error status */
    uint64_t batches;  /* io_uring submissions */
};

/*
 * Linux blkback's statistics/ (what xentop reads), since the ring was
 * made: requests by kind as the guest sent them, sectors moved, and
 * oo_req, the times the ring had requests but no free slot for them.
 */
struct blkring_iostats {
    uint64_t oo_req, rd_req, wr_req, f_req, ds_req, rd_sect, wr_sect;
};

/*
 * Map the ring page (grant ring_ref of domid), bind the event channel.
 * Borrows hv and disk until blkring_destroy. max_indirect: segments per
 * indirect request accepted (0 = none). Returns 0 or -errno.
 */
int blkring_create(struct hv *hv, uint32_t domid, uint32_t ring_ref,
                   uint32_t port, struct blkdisk *disk, unsigned max_indirect,
                   struct blkring **out);
/*
 * Serve: take the guest's notification, complete finished I/O, start new
 * requests, answer, notify. Never blocks. Returns 0, or -EPROTO once the
 * guest broke the ring protocol (the ring is then no longer served).
 */
int blkring_process(struct blkring *r);
/* Fill pfd[0] (event channel) and pfd[1] (I/O completions); returns 2. */
int blkring_fds(const struct blkring *r, struct pollfd pfd[2]);
void blkring_get_stats(const struct blkring *r, struct blkring_stats *out);
/* Safe from any thread while the serving thread runs. */
void blkring_get_iostats(const struct blkring *r, struct blkring_iostats *out);
/* Serve in a thread of its own until blkring_stop. Returns 0 or -errno. */
int blkring_start(struct blkring *r);
/* Stop the thread (if started) and wait for I/O in flight. */
void blkring_stop(struct blkring *r);
/* Stop, unmap, unbind, free. NULL ok. */
void blkring_destroy(struct blkring *r);

#endif
