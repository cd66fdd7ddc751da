/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fake_hv.c: in-memory guests for backend unit tests (see fake_hv.h).
 * Grant checks follow hv.h's contract: unknown ref -EINVAL, revoked or
 * read-only-for-a-write -EACCES, frame outside the guest -ERANGE.
 */
#include "fake_hv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#define MAXDOM 8
#define MAXCH 32

struct fguest {
    uint32_t domid;
    int used;
    uint8_t *mem;
    struct {
        int valid, readonly;
        uint64_t pfn;
    } gnt[FAKE_HV_GREFS];
};

struct hv_evtchn {
    uint32_t domid, port;
    int efd, notified, bound;
    int nfd; /* dom0's notifications, as the kvm engine's notify eventfd */
};

static struct fguest guests[MAXDOM];
static struct hv_evtchn chans[MAXCH];
static int nmaps;

static struct fguest *guest(uint32_t domid, int create)
{
    int i;

    for (i = 0; i < MAXDOM; i++)
        if (guests[i].used && guests[i].domid == domid)
            return &guests[i];
    if (!create)
        return NULL;
    for (i = 0; i < MAXDOM; i++) {
        if (!guests[i].used) {
            guests[i].used = 1;
            guests[i].domid = domid;
            guests[i].mem = aligned_alloc(4096, FAKE_HV_PAGES * 4096);
            memset(guests[i].mem, 0, FAKE_HV_PAGES * 4096);
            return &guests[i];
        }
    }
    abort();
}

void fake_hv_reset(void)
{
    int i;

    for (i = 0; i < MAXDOM; i++) {
        free(guests[i].mem);
        memset(&guests[i], 0, sizeof(guests[i]));
    }
    for (i = 0; i < MAXCH; i++) {
        if (chans[i].bound) {
            close(chans[i].efd);
            close(chans[i].nfd);
        }
        memset(&chans[i], 0, sizeof(chans[i]));
    }
    nmaps = 0;
}

void *fake_hv_page(uint32_t domid, uint64_t pfn)
{
    if (pfn >= FAKE_HV_PAGES)
        abort();
    return guest(domid, 1)->mem + pfn * 4096;
}

void fake_hv_grant(uint32_t domid, uint32_t ref, uint64_t pfn, int readonly)
{
    struct fguest *g = guest(domid, 1);

    g->gnt[ref].valid = 1;
    g->gnt[ref].readonly = readonly;
    g->gnt[ref].pfn = pfn;
}

void fake_hv_ungrant(uint32_t domid, uint32_t ref)
{
    guest(domid, 1)->gnt[ref].valid = 0;
}

int fake_hv_maps(void)
{
    return nmaps;
}

int fake_hv_channels(void)
{
    int i, n = 0;

    for (i = 0; i < MAXCH; i++)
        n += chans[i].bound;
    return n;
}

static struct hv_evtchn *chan_find(uint32_t domid, uint32_t port)
{
    int i;

    for (i = 0; i < MAXCH; i++)
        if (chans[i].bound && chans[i].domid == domid && chans[i].port == port)
            return &chans[i];
    return NULL;
}

void fake_hv_kick(uint32_t domid, uint32_t port)
{
    struct hv_evtchn *c = chan_find(domid, port);
    uint64_t one = 1;

    if (c && write(c->efd, &one, sizeof(one)) != sizeof(one))
        abort();
}

int fake_hv_notified(uint32_t domid, uint32_t port)
{
    struct hv_evtchn *c = chan_find(domid, port);

    return c ? c->notified : -1;
}

int fake_hv_notify_fd(uint32_t domid, uint32_t port)
{
    struct hv_evtchn *c = chan_find(domid, port);

    return c ? c->nfd : -1;
}

/* ---- hv.h ------------------------------------------------------------- */

int hv_foreign_map(struct hv *hv, uint32_t domid, uint64_t pfn, size_t npages,
                   int writable, void **addr_out)
{
    (void)hv;
    (void)writable;
    if (pfn >= FAKE_HV_PAGES || npages > FAKE_HV_PAGES - pfn)
        return -ERANGE;
    *addr_out = guest(domid, 1)->mem + pfn * 4096;
    nmaps++;
    return 0;
}

void hv_foreign_unmap(struct hv *hv, void *addr, size_t npages)
{
    (void)hv;
    (void)addr;
    (void)npages;
    nmaps--;
}

int hv_grant_map(struct hv *hv, uint32_t domid, uint32_t ref, int writable,
                 void **addr_out)
{
    struct fguest *g = guest(domid, 0);

    (void)hv;
    if (!g || ref >= FAKE_HV_GREFS)
        return -EINVAL;
    if (!g->gnt[ref].valid || (writable && g->gnt[ref].readonly))
        return -EACCES;
    if (g->gnt[ref].pfn >= FAKE_HV_PAGES)
        return -ERANGE;
    *addr_out = g->mem + g->gnt[ref].pfn * 4096;
    nmaps++;
    return 0;
}

void hv_grant_unmap(struct hv *hv, void *addr)
{
    (void)hv;
    (void)addr;
    nmaps--;
}

int hv_evtchn_bind(struct hv *hv, uint32_t domid, uint32_t remote_port,
                   struct hv_evtchn **ch_out)
{
    int i;

    (void)hv;
    if (remote_port == 0 || remote_port >= 4096)
        return -EINVAL;
    for (i = 0; i < MAXCH; i++) {
        if (!chans[i].bound) {
            chans[i].efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            chans[i].nfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
            chans[i].domid = domid;
            chans[i].port = remote_port;
            chans[i].notified = 0;
            chans[i].bound = 1;
            *ch_out = &chans[i];
            return 0;
        }
    }
    return -ENOSPC;
}

int hv_evtchn_fd(const struct hv_evtchn *ch)
{
    return ch->efd;
}

int hv_evtchn_ack(struct hv_evtchn *ch)
{
    uint64_t v;

    if (read(ch->efd, &v, sizeof(v)) < 0 && errno != EAGAIN)
        return -errno;
    return 0;
}

int hv_evtchn_notify(struct hv_evtchn *ch)
{
    uint64_t one = 1;

    ch->notified++;
    /* the syscall the kvm engine's notify costs, and a fd to wait on */
    if (write(ch->nfd, &one, sizeof(one)) != sizeof(one))
        return -errno;
    return 0;
}

uint32_t hv_evtchn_port(const struct hv_evtchn *ch)
{
    return ch->port + 100;
}

void hv_evtchn_close(struct hv_evtchn *ch)
{
    close(ch->efd);
    close(ch->nfd);
    ch->bound = 0;
}
