/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_blkback_ring.c: random ring contents into blkback's request
 * decoder: a request slot as the guest wrote it, the limits of the disk,
 * and (for indirect requests) the indirect pages' segment lists. The
 * decoder must never read past what it was given, and whatever it
 * accepts must lie inside the disk.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "blkback/req.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct blkif_request_segment segs[BLK_MAX_INDIRECT_SEGS];
    struct blkif_request raw;
    struct blk_limits lim;
    struct blk_req q;
    size_t n;
    int rc;

    if (size < sizeof(raw) + 4)
        return 0;
    memcpy(&raw, data, sizeof(raw));
    lim.sectors = (uint64_t)data[sizeof(raw)] << (data[sizeof(raw) + 1] & 63);
    lim.readonly = data[sizeof(raw) + 2] & 1;
    lim.discard = (data[sizeof(raw) + 2] >> 1) & 1;
    lim.max_indirect = data[sizeof(raw) + 3] & 1 ? BLK_MAX_INDIRECT_SEGS : 0;
    data += sizeof(raw) + 4;
    size -= sizeof(raw) + 4;
    rc = blk_req_parse(&raw, &lim, &q);
    if (rc == BLKIF_RSP_OKAY && q.nind) {
        if (q.nsegs > BLK_MAX_INDIRECT_SEGS)
            abort();
        memset(segs, 0, sizeof(segs));
        n = size < sizeof(segs) ? size : sizeof(segs);
        memcpy(segs, data, n);
        rc = blk_req_set_indirect(&q, segs, &lim);
    }
    if (rc == BLKIF_RSP_OKAY) {
        if (q.sector > lim.sectors || q.nr_sectors > lim.sectors - q.sector)
            abort();
        if (lim.readonly && q.io != BLK_IO_READ && q.io != BLK_IO_FLUSH)
            abort();
    }
    return 0;
}
