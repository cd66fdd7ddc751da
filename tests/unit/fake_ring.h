/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fake_ring.h: xenstored's ring ops on in-memory pages, and the guest's
 * (or dom0 kernel's) side of a ring, for the store's unit tests.
 */
#ifndef XT_TESTS_FAKE_RING_H
#define XT_TESTS_FAKE_RING_H

#include <stddef.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

#include "store/store.h"

#define FAKE_RING_DOMS 4

/* The ops' arg (fake_ring_ops). */
struct fake_ring {
    /* domid's page; NULL (or domid >= FAKE_RING_DOMS): map fails -ENODEV */
    struct xenstore_domain_interface *page[FAKE_RING_DOMS];
    int gone;     /* 1: every map fails -ESRCH, as for a dead domain */
    int mapped;   /* maps not yet unmapped */
    int notified; /* event channel kicks */
};

extern const struct xsd_ring_ops fake_ring_ops;

/* Guest side: put len raw bytes on the request ring. */
void fake_ring_put(struct xenstore_domain_interface *in, const void *p,
                   size_t len);
/* Guest side: a request (header and body) on the request ring. */
void fake_ring_req(struct xenstore_domain_interface *in, uint32_t type,
                   uint32_t req, const void *p, size_t len);
/*
 * Guest side: take one whole message off the response ring: 1, with its
 * header in h and its body NUL-terminated in body (room for
 * XENSTORE_PAYLOAD_MAX + 1), or 0 when none is whole yet.
 */
int fake_ring_recv(struct xenstore_domain_interface *in, struct xsd_sockmsg *h,
                   char *body);

#endif
