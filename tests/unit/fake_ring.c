/* SPDX-License-Identifier: GPL-2.0-only */
/* fake_ring.c: in-memory xenstore rings for unit tests (see fake_ring.h). */
#include "fake_ring.h"

#include <errno.h>

static int fmap(void *arg, uint32_t domid, uint64_t mfn, uint32_t port,
                struct xenstore_domain_interface **intf_out, void **h_out)
{
    struct fake_ring *f = arg;

    (void)mfn;
    (void)port;
    if (f->gone)
        return -ESRCH;
    if (domid >= FAKE_RING_DOMS || !f->page[domid])
        return -ENODEV;
    f->mapped++;
    *intf_out = f->page[domid];
    *h_out = f->page[domid];
    return 0;
}

static void fnotify(void *arg, void *h)
{
    (void)h;
    ((struct fake_ring *)arg)->notified++;
}

static void funmap(void *arg, void *h)
{
    (void)h;
    ((struct fake_ring *)arg)->mapped--;
}

const struct xsd_ring_ops fake_ring_ops = {fmap, fnotify, funmap};

void fake_ring_put(struct xenstore_domain_interface *in, const void *p,
                   size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        in->req[MASK_XENSTORE_IDX(in->req_prod + i)] = ((const char *)p)[i];
    in->req_prod += (XENSTORE_RING_IDX)len;
}

void fake_ring_req(struct xenstore_domain_interface *in, uint32_t type,
                   uint32_t req, const void *p, size_t len)
{
    struct xsd_sockmsg h = {type, req, 0, (uint32_t)len};

    fake_ring_put(in, &h, sizeof(h));
    fake_ring_put(in, p, len);
}

int fake_ring_recv(struct xenstore_domain_interface *in, struct xsd_sockmsg *h,
                   char *body)
{
    size_t i;

    if (in->rsp_prod - in->rsp_cons < sizeof(*h))
        return 0;
    for (i = 0; i < sizeof(*h); i++)
        ((char *)h)[i] = in->rsp[MASK_XENSTORE_IDX(in->rsp_cons + i)];
    if (in->rsp_prod - in->rsp_cons < sizeof(*h) + h->len)
        return 0; /* the rest comes after we make room */
    for (i = 0; i < h->len; i++)
        body[i] = in->rsp[MASK_XENSTORE_IDX(in->rsp_cons + sizeof(*h) + i)];
    body[h->len] = '\0';
    in->rsp_cons += (XENSTORE_RING_IDX)(sizeof(*h) + h->len);
    return 1;
}
