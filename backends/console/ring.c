/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ring.c: console ring copy in and out, with the barriers Xen's
 * xenconsoled uses (read the producer once, copy, then publish the
 * consumer) and bounds checks on every guest-written index.
 */
#include "console/ring.h"

#include <errno.h>

/* Indices live in guest memory: read each exactly once. */
#define READ_IDX(p) __atomic_load_n(&(p), __ATOMIC_ACQUIRE)
#define WRITE_IDX(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)

int console_ring_read_out(struct xencons_interface *intf, char *buf, size_t len)
{
    XENCONS_RING_IDX cons = READ_IDX(intf->out_cons);
    XENCONS_RING_IDX prod = READ_IDX(intf->out_prod);
    XENCONS_RING_IDX avail = prod - cons;
    size_t i, n;

    if (avail > sizeof(intf->out))
        return -EPROTO;
    n = avail < len ? avail : len;
    for (i = 0; i < n; i++)
        buf[i] = intf->out[MASK_XENCONS_IDX(cons + i, intf->out)];
    WRITE_IDX(intf->out_cons, cons + (XENCONS_RING_IDX)n);
    return (int)n;
}

int console_ring_in_space(const struct xencons_interface *intf)
{
    XENCONS_RING_IDX cons = READ_IDX(intf->in_cons);
    XENCONS_RING_IDX prod = READ_IDX(intf->in_prod);
    XENCONS_RING_IDX used = prod - cons;

    if (used > sizeof(intf->in))
        return -EPROTO;
    return (int)(sizeof(intf->in) - used);
}

int console_ring_write_in(struct xencons_interface *intf, const char *buf,
                          size_t len)
{
    XENCONS_RING_IDX prod = READ_IDX(intf->in_prod);
    int space = console_ring_in_space(intf);
    size_t i, n;

    if (space < 0)
        return space;
    n = (size_t)space < len ? (size_t)space : len;
    for (i = 0; i < n; i++)
        intf->in[MASK_XENCONS_IDX(prod + i, intf->in)] = buf[i];
    WRITE_IDX(intf->in_prod, prod + (XENCONS_RING_IDX)n);
    return (int)n;
}
