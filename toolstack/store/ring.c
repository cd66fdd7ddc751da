/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ring.c: copy bytes in and out of a guest's xenstore ring page. Indices
 * are loaded once (acquire) and validated before any byte is touched; data
 * is copied out before it is parsed (STYLE.md 6).
 */
#include "store/ring.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

static XENSTORE_RING_IDX load(const XENSTORE_RING_IDX *p)
{
    return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void store(XENSTORE_RING_IDX *p, XENSTORE_RING_IDX v)
{
    __atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* Of n bytes at ring index i, how many come before the ring wraps. */
static size_t before_wrap(XENSTORE_RING_IDX i, size_t n)
{
    size_t room = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(i);

    return n < room ? n : room;
}

/* n bytes out of ring from index i on, across its end. */
static void copy_out(void *dst, const char *ring, XENSTORE_RING_IDX i, size_t n)
{
    size_t first = before_wrap(i, n);

    memcpy(dst, ring + MASK_XENSTORE_IDX(i), first);
    memcpy((char *)dst + first, ring, n - first);
}

/* n bytes into ring from index i on, across its end. */
static void copy_in(char *ring, XENSTORE_RING_IDX i, const void *src, size_t n)
{
    size_t first = before_wrap(i, n);

    memcpy(ring + MASK_XENSTORE_IDX(i), src, first);
    memcpy(ring, (const char *)src + first, n - first);
}

/*
 * Load a ring's indices once and check them: how many bytes it holds, or
 * -EIO when the guest's indices say more than a ring can.
 */
static int ring_fill(const XENSTORE_RING_IDX *consp,
                     const XENSTORE_RING_IDX *prodp, XENSTORE_RING_IDX *cons,
                     XENSTORE_RING_IDX *prod)
{
    *cons = load(consp);
    *prod = load(prodp);
    if (*prod - *cons > XENSTORE_RING_SIZE)
        return -EIO;
    return (int)(*prod - *cons);
}

void ring_init(struct xenstore_domain_interface *intf)
{
    intf->server_features = XENSTORE_SERVER_FEATURE_ERROR;
    intf->error = XENSTORE_ERROR_NONE;
    intf->connection = XENSTORE_CONNECTED;
}

int ring_req_peek(const struct xenstore_domain_interface *intf, void *buf,
                  size_t len)
{
    XENSTORE_RING_IDX cons, prod;
    int avail = ring_fill(&intf->req_cons, &intf->req_prod, &cons, &prod);
    size_t n;

    if (avail < 0)
        return avail;
    n = (size_t)avail < len ? (size_t)avail : len;
    copy_out(buf, intf->req, cons, n);
    return (int)n;
}

void ring_req_consume(struct xenstore_domain_interface *intf, size_t n)
{
    store(&intf->req_cons, load(&intf->req_cons) + (XENSTORE_RING_IDX)n);
}

int ring_rsp_write(struct xenstore_domain_interface *intf, const void *buf,
                   size_t len)
{
    XENSTORE_RING_IDX cons, prod;
    int used = ring_fill(&intf->rsp_cons, &intf->rsp_prod, &cons, &prod);
    size_t n;

    if (used < 0)
        return used;
    n = XENSTORE_RING_SIZE - (size_t)used;
    if (n > len)
        n = len;
    copy_in(intf->rsp, prod, buf, n);
    /* The bytes must be visible before the index that publishes them. */
    store(&intf->rsp_prod, prod + (XENSTORE_RING_IDX)n);
    return (int)n;
}

void ring_set_error(struct xenstore_domain_interface *intf, unsigned int err)
{
    __atomic_store_n(&intf->error, err, __ATOMIC_RELEASE);
}
