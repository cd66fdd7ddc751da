/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * req.c: blkif request decoding and the checks Linux blkback makes
 * (dispatch_rw_block_io, xen_vbd_translate): segment counts, sector bounds
 * within a page, range inside the disk, writes to read-only disks.
 */
#include "blkback/req.h"

#include <string.h>

/* Segment sectors, total length and the disk range; fills nr_sectors. */
static int check_segs(struct blk_req *r, const struct blk_limits *lim)
{
    uint64_t total = 0;
    uint16_t i;

    for (i = 0; i < r->nsegs; i++) {
        const struct blk_seg *s = &r->seg[i];

        if (s->first > s->last || s->last >= BLK_SECTORS_PER_PAGE)
            return BLKIF_RSP_ERROR;
        total += (uint64_t)(s->last - s->first + 1);
    }
    r->nr_sectors = total;
    if (r->sector > lim->sectors || total > lim->sectors - r->sector)
        return BLKIF_RSP_ERROR;
    return BLKIF_RSP_OKAY;
}

static void copy_segs(struct blk_req *r, const struct blkif_request_segment *s,
                      uint16_t n)
{
    uint16_t i;

    for (i = 0; i < n; i++) {
        r->seg[i].gref = s[i].gref;
        r->seg[i].first = s[i].first_sect;
        r->seg[i].last = s[i].last_sect;
    }
    r->nsegs = n;
}

static int parse_discard(const struct blkif_request *raw,
                         const struct blk_limits *lim, struct blk_req *r)
{
    struct blkif_request_discard d;

    memcpy(&d, raw, sizeof(d));
    if (!lim->discard)
        return BLKIF_RSP_EOPNOTSUPP;
    if (lim->readonly)
        return BLKIF_RSP_ERROR;
    r->io = BLK_IO_DISCARD;
    r->sector = d.sector_number;
    r->nr_sectors = d.nr_sectors;
    if (d.sector_number > lim->sectors ||
        d.nr_sectors > lim->sectors - d.sector_number)
        return BLKIF_RSP_ERROR;
    return BLKIF_RSP_OKAY;
}

static int parse_indirect(const struct blkif_request *raw,
                          const struct blk_limits *lim, struct blk_req *r)
{
    struct blkif_request_indirect ind;
    unsigned pages, i;

    memcpy(&ind, raw, sizeof(ind));
    r->id = ind.id;
    /* Answered with the operation done, as Linux's blkback answers:
     * blkfront (since XSA-376) drops a disk whose response says
     * BLKIF_OP_INDIRECT ("response has wrong operation"). */
    r->op = ind.indirect_op;
    if (!lim->max_indirect)
        return BLKIF_RSP_EOPNOTSUPP;
    if (ind.indirect_op == BLKIF_OP_READ)
        r->io = BLK_IO_READ;
    else if (ind.indirect_op == BLKIF_OP_WRITE)
        r->io = BLK_IO_WRITE;
    else
        return BLKIF_RSP_ERROR;
    if (r->io == BLK_IO_WRITE && lim->readonly)
        return BLKIF_RSP_ERROR;
    if (ind.nr_segments == 0 || ind.nr_segments > lim->max_indirect ||
        ind.nr_segments > BLK_MAX_INDIRECT_SEGS)
        return BLKIF_RSP_ERROR;
    pages = (ind.nr_segments + BLK_SEGS_PER_INDIRECT_PAGE - 1) /
            BLK_SEGS_PER_INDIRECT_PAGE;
    r->sector = ind.sector_number;
    r->nsegs = ind.nr_segments;
    r->nind = (uint8_t)pages;
    for (i = 0; i < pages; i++)
        r->ind_grefs[i] = ind.indirect_grefs[i];
    return BLKIF_RSP_OKAY;
}

int blk_req_parse(const struct blkif_request *raw, const struct blk_limits *lim,
                  struct blk_req *r)
{
    r->id = raw->id;
    r->op = raw->operation;
    r->nsegs = 0;
    r->nind = 0;
    r->sector = 0;
    r->nr_sectors = 0;
    switch (raw->operation) {
    case BLKIF_OP_READ:
    case BLKIF_OP_WRITE:
        r->io = raw->operation == BLKIF_OP_READ ? BLK_IO_READ : BLK_IO_WRITE;
        if (r->io == BLK_IO_WRITE && lim->readonly)
            return BLKIF_RSP_ERROR;
        if (raw->nr_segments == 0 ||
            raw->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
            return BLKIF_RSP_ERROR;
        break;
    case BLKIF_OP_WRITE_BARRIER:
    case BLKIF_OP_FLUSH_DISKCACHE:
        if (raw->nr_segments > BLKIF_MAX_SEGMENTS_PER_REQUEST)
            return BLKIF_RSP_ERROR;
        r->io = raw->nr_segments ? BLK_IO_WRITE_FLUSH : BLK_IO_FLUSH;
        if (r->io == BLK_IO_WRITE_FLUSH && lim->readonly)
            return BLKIF_RSP_ERROR;
        if (r->io == BLK_IO_FLUSH)
            return BLKIF_RSP_OKAY;
        break;
    case BLKIF_OP_DISCARD:
        return parse_discard(raw, lim, r);
    case BLKIF_OP_INDIRECT:
        return parse_indirect(raw, lim, r);
    default:
        return BLKIF_RSP_EOPNOTSUPP;
    }
    r->sector = raw->sector_number;
    copy_segs(r, raw->seg, raw->nr_segments);
    return check_segs(r, lim);
}

int blk_req_set_indirect(struct blk_req *r,
                         const struct blkif_request_segment *segs,
                         const struct blk_limits *lim)
{
    copy_segs(r, segs, r->nsegs);
    r->nind = 0;
    return check_segs(r, lim);
}
