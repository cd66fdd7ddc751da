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
