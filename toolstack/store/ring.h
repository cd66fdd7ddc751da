/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ring.h: the xenstore_domain_interface byte rings (xs_wire.h), seen from
 * the daemon: we consume req[] and produce rsp[]. The page is shared with
 * a guest that may write anything at any time: each index is read once,
 * and a producer/consumer distance above XENSTORE_RING_SIZE is garbage.
 */
#ifndef XT_STORE_RING_H
#define XT_STORE_RING_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

/* Announce our features and a clean state on a fresh page. */
void ring_init(struct xenstore_domain_interface *intf);
/*
 * Copy up to len pending request bytes into buf without consuming them.
 * Returns the count, or -EIO when the guest's indices are garbage.
 */
int ring_req_peek(const struct xenstore_domain_interface *intf, void *buf,
                  size_t len);
/* Consume n bytes previously returned by ring_req_peek(). */
void ring_req_consume(struct xenstore_domain_interface *intf, size_t n);
/* Append up to len bytes of responses; returns bytes written or -EIO. */
int ring_rsp_write(struct xenstore_domain_interface *intf, const void *buf,
                   size_t len);
/* Mark the ring broken for the guest (XENSTORE_ERROR_*). */
void ring_set_error(struct xenstore_domain_interface *intf, unsigned int err);

#endif
