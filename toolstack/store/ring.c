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
 * Load a ring's indices once and check them. Returns how many of len bytes
 * can move: those it holds (the reader's side, at *at = cons), or its free
 * room when space is set (the writer's side, at *at = prod); -EIO when the
 * guest's indices say more than a ring can hold.
 */
static int ring_span(const XENSTORE_RING_IDX *consp,
                     const XENSTORE_RING_IDX *prodp, int space, size_t len,
                     XENSTORE_RING_IDX *at)
{
    XENSTORE_RING_IDX cons = load(consp), prod = load(prodp);
    size_t n = prod - cons;

    if (n > XENSTORE_RING_SIZE)
        return -EIO;
    if (space)
        n = XENSTORE_RING_SIZE - n;
    *at = space ? prod : cons;
    return (int)(n < len ? n : len);
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
    XENSTORE_RING_IDX cons;
    int n = ring_span(&intf->req_cons, &intf->req_prod, 0, len, &cons);

    if (n > 0)
        copy_out(buf, intf->req, cons, (size_t)n);
    return n;
}

void ring_req_consume(struct xenstore_domain_interface *intf, size_t n)
{
    store(&intf->req_cons, load(&intf->req_cons) + (XENSTORE_RING_IDX)n);
}

int ring_rsp_write(struct xenstore_domain_interface *intf, const void *buf,
                   size_t len)
{
    XENSTORE_RING_IDX prod;
    int n = ring_span(&intf->rsp_cons, &intf->rsp_prod, 1, len, &prod);

    if (n > 0) {
        copy_in(intf->rsp, prod, buf, (size_t)n);
        /* The bytes must be visible before the index that publishes them. */
        store(&intf->rsp_prod, prod + (XENSTORE_RING_IDX)n);
    }
    return n;
}

void ring_set_error(struct xenstore_domain_interface *intf, unsigned int err)
{
    __atomic_store_n(&intf->error, err, __ATOMIC_RELEASE);
}
