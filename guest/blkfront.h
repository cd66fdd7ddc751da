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
};

/* Connects to the backend once (later calls just report). */
int blkfront_init(struct blkfront_info *info_out);
/* One request of nsect (1..8) 512-byte sectors from/to a whole page. */
int blkfront_io(uint64_t sector, void *page, unsigned nsect, bool write);

/* Watch token of the backend's state, for control_loop(). */
#define BLKFRONT_WATCH_TOKEN "blk-be"
/* The backend's state changed: on Closing or gone, disconnect and go
 * Closed so a detach completes. */
void blkfront_backend_changed(void);

#endif
