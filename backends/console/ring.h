/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ring.h: the console ring (xen/io/console.h struct xencons_interface) seen
 * from dom0: drain the guest's output ring, fill its input ring. The guest
 * owns the indices and is hostile: a producer more than a ring ahead of the
 * consumer is a protocol error, never a read out of bounds.
 */
#ifndef XT_CONSOLE_RING_H
#define XT_CONSOLE_RING_H

#include <stddef.h>
#include <stdint.h>
#include <xen/io/console.h>
#include <xen/xen.h>

/*
 * Copy up to len bytes of guest output (out[out_cons..out_prod]) into buf
 * and advance out_cons past them. Returns the byte count (0 = empty) or
 * -EPROTO when the guest's indices are inconsistent (nothing consumed).
 */
int console_ring_read_out(struct xencons_interface *intf, char *buf,
                          size_t len);
/*
 * Copy up to len bytes from buf into the guest's input ring and advance
 * in_prod. Returns the byte count (less than len when the ring is full) or
 * -EPROTO on inconsistent indices.
 */
int console_ring_write_in(struct xencons_interface *intf, const char *buf,
                          size_t len);
/* Free space in the input ring, or -EPROTO. */
int console_ring_in_space(const struct xencons_interface *intf);

#endif
