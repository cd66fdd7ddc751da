/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * req.h: blkif request validation. Pure functions on a request already
 * copied off the shared ring (the guest can change the ring under us), so
 * they are unit-tested and fuzzed without a guest. Nothing here touches
 * guest memory.
 */
#ifndef XT_BLKBACK_REQ_H
#define XT_BLKBACK_REQ_H

#include <stdint.h>

#include "lib/page.h"
#include "xenbus/xenring.h"
#include <xen/io/blkif.h>

/* Segments per indirect request we offer (feature-max-indirect-segments):
 * 8 indirect pages hold up to 8 * 512, Linux blkback offers 256. */
#define BLK_MAX_INDIRECT_SEGS 256
#define BLK_SEGS_PER_INDIRECT_PAGE                                             \
    (XEN_PAGE_SIZE / sizeof(struct blkif_request_segment))
#define BLK_SECTOR_SHIFT 9
#define BLK_SECTORS_PER_PAGE (XEN_PAGE_SIZE >> BLK_SECTOR_SHIFT)

/* What the backend does for a request. */
enum blk_io {
    BLK_IO_READ,
    BLK_IO_WRITE,
    BLK_IO_FLUSH,       /* no data: flush the disk cache */
    BLK_IO_WRITE_FLUSH, /* flush/barrier carrying data: write then flush */
    BLK_IO_DISCARD,
};

struct blk_seg {
    uint32_t gref;
    uint8_t first, last; /* 512-byte sectors within the page, inclusive */
};

struct blk_req {
    uint64_t id;
    uint8_t op; /* the ring's operation, echoed in the response */
    enum blk_io io;
    uint64_t sector; /* first sector */
    uint64_t nr_sectors;
    uint16_t nsegs;
    uint8_t nind; /* indirect pages still to fetch (0 = segs valid) */
    uint32_t ind_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
    struct blk_seg seg[BLK_MAX_INDIRECT_SEGS];
};

/* The disk as the guest may use it. */
struct blk_limits {
    uint64_t sectors; /* size in 512-byte sectors */
    int readonly;
    int discard;           /* feature-discard offered */
    uint16_t max_indirect; /* 0: indirect requests refused */
};

/*
 * Decode and check a request copied off the ring. For a direct request
 * the segments are checked too; for an indirect one out->nind pages must
 * be fetched and handed to blk_req_set_indirect(). Returns BLKIF_RSP_OKAY,
 * BLKIF_RSP_EOPNOTSUPP (unknown or unoffered operation) or BLKIF_RSP_ERROR
 * (malformed, out of range, write to a read-only disk). out->id and
 * out->op are always set so an error can be answered.
 */
int blk_req_parse(const struct blkif_request *raw, const struct blk_limits *lim,
                  struct blk_req *out);
/*
 * Take the segments of an indirect request from a copy of its indirect
 * pages (segs holds r->nsegs entries, laid out as the pages are) and
 * check them. Same returns as blk_req_parse.
 */
int blk_req_set_indirect(struct blk_req *r,
                         const struct blkif_request_segment *segs,
                         const struct blk_limits *lim);

#endif
