/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * domain_hv.c: guest xenstore rings through the hv.h engine: the page is
 * the guest frame XS_INTRODUCE names (hv_foreign_map), the event channel
 * the guest's unbound port (hv_evtchn_bind).
 */
#include "store/domain_hv.h"

#include <errno.h>
#include <stdlib.h>

#include "hv/hv.h"
#include "lib/log.h"

struct domain_hv {
    struct hv *hv;
};

struct ring_handle {
    void *page;
    struct hv_evtchn *ch;
};

static int map(void *arg, uint32_t domid, uint64_t mfn, uint32_t port,
               struct xenstore_domain_interface **intf_out, void **h_out)
{
    struct domain_hv *d = arg;
    struct ring_handle *h = calloc(1, sizeof(*h));
    int rc;

    if (!h)
        return -ENOMEM;
    rc = hv_foreign_map(d->hv, domid, mfn, 1, 1, &h->page);
    if (rc) {
        log_warnx("dom %u: cannot map store page %#llx: %d", domid,
                  (unsigned long long)mfn, rc);
        free(h);
        return rc;
    }
    rc = hv_evtchn_bind(d->hv, domid, port, &h->ch);
    if (rc) {
        log_warnx("dom %u: cannot bind store port %u: %d", domid, port, rc);
        hv_foreign_unmap(d->hv, h->page, 1);
        free(h);
        return rc;
    }
    *intf_out = h->page;
    *h_out = h;
    return 0;
}

static void notify(void *arg, void *hp)
{
    struct ring_handle *h = hp;

    (void)arg;
    if (hv_evtchn_notify(h->ch))
        log_warnx("store ring: notify port %u failed", hv_evtchn_port(h->ch));
}

static void unmap(void *arg, void *hp)
{
    struct domain_hv *d = arg;
    struct ring_handle *h = hp;

    hv_evtchn_close(h->ch);
    hv_foreign_unmap(d->hv, h->page, 1);
    free(h);
}

static const struct xsd_ring_ops ops = {map, notify, unmap};

int domain_hv_open(struct xsd *x, struct domain_hv **hv_out)
{
    struct domain_hv *d = calloc(1, sizeof(*d));
    int rc;

    *hv_out = NULL;
    if (!d)
        return -ENOMEM;
    rc = hv_open(&d->hv);
    if (rc) {
        free(d);
        return rc;
    }
    xsd_set_ring_ops(x, &ops, d);
    log_info("guest rings through the %s engine", hv_engine_name(d->hv));
    *hv_out = d;
    return 0;
}

void domain_hv_close(struct domain_hv *d)
{
    if (!d)
        return;
    hv_close(d->hv);
    free(d);
}

int domain_hv_fd(struct domain_hv *d, void *hp)
{
    struct ring_handle *h = hp;

    (void)d;
    return hv_evtchn_fd(h->ch);
}

void domain_hv_ack(struct domain_hv *d, void *hp)
{
    struct ring_handle *h = hp;

    (void)d;
    hv_evtchn_ack(h->ch);
}
