/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_store.c: libFuzzer harness for the xenstored core. The input is a
 * series of chunks; each goes either as a byte stream to a dom0 or a domU
 * connection (the message parser and every handler), or onto a guest's
 * ring page together with arbitrary indices (the ring reader), or is news
 * from the engine (shutdown, death) or a (re-)introduction. Dead connections
 * are replaced; the daemon must never crash or leak.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xen/io/xs_wire.h>

#include "store/internal.h"
#include "store/ring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct fz {
    struct xenstore_domain_interface page;
};

static int fmap(void *arg, uint32_t domid, uint64_t mfn, uint32_t port,
                struct xenstore_domain_interface **intf_out, void **h_out)
{
    struct fz *f = arg;

    (void)domid;
    (void)mfn;
    (void)port;
    *intf_out = &f->page;
    *h_out = f;
    return 0;
}

static void fnotify(void *arg, void *h)
{
    (void)arg;
    (void)h;
}

static void funmap(void *arg, void *h)
{
    (void)arg;
    (void)h;
}

static const struct xsd_ring_ops fops = {fmap, fnotify, funmap};

static void drain(struct xs_conn *c)
{
    size_t len;

    while (xsd_conn_output(c, &len))
        xsd_conn_consume(c, len);
}

static void reopen(struct xsd *x, struct xs_conn **c, uint32_t domid)
{
    if (*c && !xsd_conn_dead(*c))
        return;
    xsd_conn_destroy(*c);
    *c = NULL;
    xsd_conn_create(x, domid, 0, NULL, NULL, c);
}

static void to_ring(struct fz *f, struct xs_domain *d, const uint8_t *p,
                    size_t n)
{
    struct xenstore_domain_interface *in = &f->page;
    size_t i;

    if (n >= 8 && (p[0] & 1)) {
        /* arbitrary indices, as a hostile guest writes them */
        memcpy(&in->req_prod, p, 4);
        memcpy(&in->rsp_cons, p + 4, 4);
        p += 8;
        n -= 8;
    }
    for (i = 0; i < n && i < XENSTORE_RING_SIZE; i++)
        in->req[MASK_XENSTORE_IDX(in->req_prod + i)] = (char)p[i];
    in->req_prod += (XENSTORE_RING_IDX)i;
    xsd_domain_pump(d);
    /* the guest reads everything back */
    in->rsp_cons = in->rsp_prod;
    xsd_domain_pump(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct xs_conn *c0 = NULL, *c1 = NULL;
    struct xsd_limits lim;
    struct fz f;
    struct xsd *x;
    size_t off = 0;

    memset(&f, 0, sizeof(f));
    xsd_limits_default(&lim);
    lim.entries = 50; /* reach the quota paths quickly */
    if (xsd_create(&lim, &x))
        return 0;
    xsd_set_ring_ops(x, &fops, &f);
    domain_introduce(x, 1, 1, 1);
    while (off + 2 <= size) {
        uint8_t sel = data[off];
        size_t n = data[off + 1] * 16u + (sel >> 4);

        off += 2;
        if (n > size - off)
            n = size - off;
        switch (sel & 3) {
        case 0:
            reopen(x, &c0, 0);
            if (c0)
                xsd_conn_input(c0, data + off, n);
            break;
        case 1:
            reopen(x, &c1, 2);
            if (c1)
                xsd_conn_input(c1, data + off, n);
            break;
        case 2:
            if (domain_find(x, 1))
                to_ring(&f, domain_find(x, 1), data + off, n);
            break;
        default:
            /* the engine's news about dom1, and its return */
            if ((sel >> 4) % 3 == 0)
                xsd_domain_shutdown(x, 1);
            else if ((sel >> 4) % 3 == 1)
                xsd_domain_dead(x, 1);
            else /* new, or a reset of the known one */
                domain_introduce(x, 1, 1, 1);
            n = 0;
            break;
        }
        if (c0)
            drain(c0);
        if (c1)
            drain(c1);
        off += n;
    }
    xsd_destroy(x);
    return 0;
}
