/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vbdstats.h: a vbd's counters (blkring_iostats) published in its backend
 * directory as <be>/statistics/{oo_req,rd_req,wr_req,f_req,ds_req,
 * rd_sect,wr_sect}, the names of Linux blkback's sysfs statistics/ that
 * xentop reads, so `xm top` shows VBD figures for PV disks. At most once
 * per VBDSTATS_MIN_MS per vbd, and only when a figure changed: the store
 * sees a few writes a second, however busy the disk.
 */
#ifndef XT_BLKBACK_VBDSTATS_H
#define XT_BLKBACK_VBDSTATS_H

#include <stdint.h>
#include <xenstore.h>

#include "blkback/blkring.h"

#define VBDSTATS_MIN_MS 1000

struct vbdstats {
    struct blkring_iostats last; /* what the store has */
    uint64_t last_ms;            /* when it was written */
    int published;
};

/*
 * Publish st under be/statistics/ if it changed and VBDSTATS_MIN_MS have
 * passed since the last publish (force: now, changed or not). One store
 * transaction that writes nothing when be/state is gone, so a device the
 * toolstack removed is not brought back. Returns 1 written, 0 not due or
 * unchanged, -ENOENT (device gone) or -errno.
 */
int vbdstats_publish(struct vbdstats *p, struct xs_handle *xs, const char *be,
                     const struct blkring_iostats *st, uint64_t now_ms,
                     int force);

#endif
