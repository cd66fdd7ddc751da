/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * blkfront.c: the block frontend for the first device/vbd: one-page
 * blkif ring granted to the backend, an unbound event channel, the
 * XenbusState handshake (Initialised -> backend Connected -> Connected),
 * and synchronous one-page requests for the self-test.
 */
#include "blkfront.h"

#include "kernel.h"
#include "xenbus.h"

#include <xen/io/blkif.h>
#include <xen/io/protocols.h>
#include <xen/io/xenbus.h>

#define MS 1000000ULL

struct blkfront {
    char node[64];     /* device/vbd/<devid> */
    char backend[128]; /* absolute backend path */
    domid_t backend_id;
    struct blkif_front_ring ring;
    int ring_ref;
    evtchn_port_t port;
    struct blkfront_info info;
    unsigned max_indirect; /* feature-max-indirect-segments, 0: none */
    bool connected;
};

static struct blkfront blk;

static unsigned blk_events;

static void blk_event(evtchn_port_t port, struct regs *r, void *data)
{
    /* Wakes blkfront_io(), which polls the ring. */
    blk_events++;
}

unsigned blkfront_events(void)
{
    return READ_ONCE(blk_events);
}

/* Ring page, grant and event channel; then publish them and go to
 * Initialised in one transaction. */
static int publish(struct blkfront *b)
{
    struct blkif_sring *sring = page_alloc();
    char ref[12], port[12];
    const struct xenbus_kv kv[] = {{"ring-ref", ref},
                                   {"event-channel", port},
                                   {"protocol", XEN_IO_PROTO_ABI_X86_64}};
    int rc;

    if (!sring)
        return -XEN_ENOMEM;
    SHARED_RING_INIT(sring);
    FRONT_RING_INIT(&b->ring, sring, PAGE_SIZE);
    b->ring_ref = gnttab_grant_access(b->backend_id,
                                      (uintptr_t)sring >> PAGE_SHIFT, false);
    if (b->ring_ref < 0)
        return b->ring_ref;
    rc = evtchn_alloc_unbound(b->backend_id, blk_event, NULL, &b->port);
    if (rc < 0)
        return rc;
    snprintf(ref, sizeof(ref), "%d", b->ring_ref);
    snprintf(port, sizeof(port), "%u", b->port);
    return xenbus_front_publish(b->node, kv, ARRAY_SIZE(kv));
}

static int read_backend(struct blkfront *b)
{
    char path[192], mode[8];
    unsigned long v;

    snprintf(path, sizeof(path), "%s/sectors", b->backend);
    if (xenbus_read_ulong(XBT_NIL, path, &v) < 0)
        return -XEN_EIO;
    b->info.sectors = v;
    snprintf(path, sizeof(path), "%s/sector-size", b->backend);
    b->info.sector_size =
        xenbus_read_ulong(XBT_NIL, path, &v) == 0 ? (unsigned)v : 512;
    snprintf(path, sizeof(path), "%s/info", b->backend);
    b->info.info = xenbus_read_ulong(XBT_NIL, path, &v) == 0 ? (unsigned)v : 0;
    snprintf(path, sizeof(path), "%s/feature-max-indirect-segments",
             b->backend);
    b->max_indirect =
        xenbus_read_ulong(XBT_NIL, path, &v) == 0 ? (unsigned)v : 0;
    snprintf(path, sizeof(path), "%s/mode", b->backend);
    b->info.readonly = (xenbus_read(XBT_NIL, path, mode, sizeof(mode)) > 0 &&
                        !strcmp(mode, "r")) ||
                       (b->info.info & VDISK_READONLY);
    return 0;
}

/* The handshake with the first vbd's backend, at boot and after a resume:
 * find it, publish a new ring, wait for it, read what it offers, say
 * Connected and watch it (for blkfront_backend_changed). */
static int blk_connect(struct blkfront *b)
{
    int rc;

    rc = xenbus_front_find("vbd", b->node, sizeof(b->node), b->backend,
                           sizeof(b->backend), &b->info.backend_id);
    if (rc < 0)
        return rc;
    strlcpy(b->info.devid, b->node + strlen("device/vbd/"),
            sizeof(b->info.devid));
    b->backend_id = (domid_t)b->info.backend_id;
    rc = publish(b);
    if (rc < 0)
        return rc;
    rc = xenbus_front_wait_connected(b->backend);
    if (rc < 0)
        return rc;
    rc = read_backend(b);
    if (rc < 0)
        return rc;
    rc = xenbus_front_connected(b->node, b->backend, BLKFRONT_WATCH_TOKEN);
    if (rc < 0)
        return rc;
    b->connected = true;
    return 0;
}

int blkfront_init(struct blkfront_info *info_out)
{
    struct blkfront *b = &blk;
    int rc;

    if (!b->connected) {
        rc = blk_connect(b);
        if (rc < 0)
            return rc;
    }
    *info_out = b->info;
    return 0;
}

/* Also re-arms rsp_event, or the backend stops notifying after the first
 * response (SHARED_RING_INIT sets it to 1 only). */
static bool response_ready(struct blkfront *b)
{
    int more;
    RING_FINAL_CHECK_FOR_RESPONSES(&b->ring, more);
    return more;
}

int blkfront_io(uint64_t sector, void *page, unsigned nsect, bool write)
{
    struct blkfront *b = &blk;
    struct blkif_request *req;
    struct blkif_response rsp;
    int ref;
    bool done;

    if (!b->connected)
        return -XEN_ENODEV;
    if (!nsect || nsect > PAGE_SIZE / 512 ||
        ((uintptr_t)page & (PAGE_SIZE - 1)))
        return -XEN_EINVAL;
    if (write && b->info.readonly)
        return -XEN_EROFS;
    /* The backend writes into the page on a read, only reads it on a write. */
    ref = gnttab_grant_access(b->backend_id, (uintptr_t)page >> PAGE_SHIFT,
                              write);
    if (ref < 0)
        return ref;
    req = RING_GET_REQUEST(&b->ring, b->ring.req_prod_pvt);
    memset(req, 0, sizeof(*req));
    req->operation = write ? BLKIF_OP_WRITE : BLKIF_OP_READ;
    req->nr_segments = 1;
    req->id = 0x5ec7;
    req->sector_number = sector;
    req->seg[0].gref = (grant_ref_t)ref;
    req->seg[0].first_sect = 0;
    req->seg[0].last_sect = (uint8_t)(nsect - 1);
    b->ring.req_prod_pvt++;
    XENBUS_FRONT_PUSH(&b->ring, b->port);
    done = WAIT_UNTIL(response_ready(b), time_now_ns() + 10000 * MS);
    if (done) {
        rsp = *RING_GET_RESPONSE(&b->ring, b->ring.rsp_cons);
        b->ring.rsp_cons++;
    }
    /* The backend unmaps before it responds; on a timeout it may not. */
    if (gnttab_end_access((grant_ref_t)ref) < 0)
        return -XEN_EBUSY;
    if (!done)
        return -XEN_ETIMEDOUT;
    if (rsp.id != 0x5ec7)
        return -XEN_EIO;
    return rsp.status == BLKIF_RSP_OKAY ? 0 : -XEN_EIO;
}

unsigned blkfront_max_segments(void)
{
    unsigned per_page = PAGE_SIZE / sizeof(struct blkif_request_segment);
    unsigned max = blk.max_indirect;

    if (max > per_page) /* one indirect page per request (blkfront_queue) */
        max = per_page;
    return max > BLKIF_MAX_SEGMENTS_PER_REQUEST
               ? max
               : BLKIF_MAX_SEGMENTS_PER_REQUEST;
}

unsigned blkfront_ring_free(void)
{
    struct blkfront *b = &blk;

    return b->connected ? RING_FREE_REQUESTS(&b->ring) : 0;
}

int blkfront_queue(uint64_t id, bool write, uint64_t sector,
                   const uint32_t *refs, unsigned nseg, void *ind_page,
                   uint32_t ind_ref)
{
    struct blkfront *b = &blk;
    struct blkif_request *req;
    unsigned i;

    if (!b->connected)
        return -XEN_ENODEV;
    if (!nseg || nseg > blkfront_max_segments() ||
        (nseg > BLKIF_MAX_SEGMENTS_PER_REQUEST && !ind_page))
        return -XEN_EINVAL;
    if (write && b->info.readonly)
        return -XEN_EROFS;
    if (!RING_FREE_REQUESTS(&b->ring))
        return -XEN_EAGAIN;
    req = RING_GET_REQUEST(&b->ring, b->ring.req_prod_pvt);
    memset(req, 0, sizeof(*req));
    if (nseg <= BLKIF_MAX_SEGMENTS_PER_REQUEST) {
        req->operation = write ? BLKIF_OP_WRITE : BLKIF_OP_READ;
        req->nr_segments = (uint8_t)nseg;
        req->id = id;
        req->sector_number = sector;
        for (i = 0; i < nseg; i++) {
            req->seg[i].gref = refs[i];
            req->seg[i].last_sect = PAGE_SIZE / 512 - 1;
        }
    } else {
        struct blkif_request_indirect *ind = (void *)req;
        struct blkif_request_segment *seg = ind_page;

        for (i = 0; i < nseg; i++) {
            seg[i].gref = refs[i];
            seg[i].first_sect = 0;
            seg[i].last_sect = PAGE_SIZE / 512 - 1;
        }
        ind->operation = BLKIF_OP_INDIRECT;
        ind->indirect_op = write ? BLKIF_OP_WRITE : BLKIF_OP_READ;
        ind->nr_segments = (uint16_t)nseg;
        ind->id = id;
        ind->sector_number = sector;
        ind->indirect_grefs[0] = ind_ref;
    }
    b->ring.req_prod_pvt++;
    return 0;
}

void blkfront_kick(void)
{
    struct blkfront *b = &blk;

    if (!b->connected)
        return;
    XENBUS_FRONT_PUSH(&b->ring, b->port);
}

bool blkfront_response_ready(void)
{
    return blk.connected && response_ready(&blk);
}

unsigned blkfront_reap(struct blkfront_rsp *out, unsigned max)
{
    struct blkfront *b = &blk;
    RING_IDX prod;
    unsigned n = 0;

    if (!b->connected)
        return 0;
    prod = b->ring.sring->rsp_prod;
    rmb(); /* responses only after seeing rsp_prod */
    while (n < max && b->ring.rsp_cons != prod) {
        const struct blkif_response *r =
            RING_GET_RESPONSE(&b->ring, b->ring.rsp_cons);
        out[n].id = r->id;
        out[n].status = r->status;
        n++;
        b->ring.rsp_cons++;
    }
    return n;
}

int blkfront_raw(const struct blkif_request *raw, int16_t *status)
{
    struct blkfront *b = &blk;
    struct blkif_response rsp;

    if (!b->connected)
        return -XEN_ENODEV;
    *RING_GET_REQUEST(&b->ring, b->ring.req_prod_pvt) = *raw;
    b->ring.req_prod_pvt++;
    XENBUS_FRONT_PUSH(&b->ring, b->port);
    if (!WAIT_UNTIL(response_ready(b), time_now_ns() + 5000 * MS))
        return -XEN_ETIMEDOUT;
    rsp = *RING_GET_RESPONSE(&b->ring, b->ring.rsp_cons);
    b->ring.rsp_cons++;
    if (rsp.id != raw->id)
        return -XEN_EIO;
    *status = rsp.status;
    return 0;
}

void blkfront_push_wild(uint32_t ahead)
{
    struct blkfront *b = &blk;

    if (b->connected)
        XENBUS_FRONT_PUSH_WILD(&b->ring, ahead, b->port);
}

/*
 * In a new domain after a suspend: the old backend and channel are gone
 * (and its domid's backend path with them). Requests are synchronous on
 * vcpu 0, which is the one suspending, so none is left to re-submit: a
 * new ring, grant and channel, published to the new backend.
 */
int blkfront_resume(void)
{
    struct blkfront *b = &blk;

    if (!b->connected)
        return 0;
    b->connected = false;
    xenbus_front_unwatch(b->backend, BLKFRONT_WATCH_TOKEN);
    if (gnttab_end_access((grant_ref_t)b->ring_ref) == 0)
        page_free(b->ring.sring);
    return blk_connect(b);
}

void blkfront_backend_changed(void)
{
    struct blkfront *b = &blk;

    if (!b->connected || !xenbus_front_backend_closing(b->backend))
        return;
    /* The toolstack is detaching the disk (libxl: online=0, state=5):
     * say Closed so the backend can finish; the grant of a ring it may
     * still map is leaked rather than reused. */
    b->connected = false;
    xenbus_front_unwatch(b->backend, BLKFRONT_WATCH_TOKEN);
    evtchn_close(b->port);
    if (gnttab_end_access((grant_ref_t)b->ring_ref) == 0)
        page_free(b->ring.sring);
    xenbus_printf(XBT_NIL, b->node, "state", "%d", XenbusStateClosed);
    printk("blk: vbd %s closed by the backend\n", b->info.devid);
    memset(b, 0, sizeof(*b));
}
