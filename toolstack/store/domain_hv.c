/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * domain_hv.c: guest xenstore rings through the hv.h engine: the page is
 * the guest frame XS_INTRODUCE names (hv_foreign_map), the event channel
 * the guest's unbound port (hv_evtchn_bind). Also the liveness thread that
 * tells the daemon when an introduced domain shut down or went away,
 * woken by VIRQ_DOM_EXC where the engine has it. On the xen engine, also
 * dom0's own ring (dom0.c), served like a guest's.
 */
#include "store/domain_hv.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hv/hv.h"
#include "lib/log.h"
#include "store/dom0.h"

#define WATCH_PERIOD_MS 500
/*
 * With VIRQ_DOM_EXC the thread still looks now and then: a firing that
 * came before the daemon handed over a just-introduced domain's id would
 * otherwise be lost until the next one.
 */
#define VIRQ_PERIOD_MS 5000

struct domain_hv {
    struct hv *hv;
    pthread_t th;
    int started;
    int stop[2];   /* main -> thread: exit */
    int report[2]; /* thread -> main: struct report records */
    pthread_mutex_t lock;
    uint32_t *ids; /* under lock */
    size_t nids;
    struct hv_evtchn *virq; /* VIRQ_DOM_EXC, or NULL: poll */
    struct dom0_ring dom0;  /* page NULL: dom0's kernel is not ours */
};

struct report {
    uint32_t domid;
    int32_t state;
};

struct ring_handle {
    void *page;
    struct hv_evtchn *ch;
    int dom0; /* page is d->dom0's, not a foreign mapping */
};

static int map(void *arg, uint32_t domid, uint64_t mfn, uint32_t port,
               struct xenstore_domain_interface **intf_out, void **h_out)
{
    struct domain_hv *d = arg;
    struct ring_handle *h = calloc(1, sizeof(*h));
    int rc;

    if (!h)
        return -ENOMEM;
    /* As Xen's map_interface(): dom0's ring is the kernel's xenbus page. */
    if (domid == 0 && d->dom0.page) {
        h->page = d->dom0.page;
        h->dom0 = 1;
        rc = 0;
    } else if (domid == 0) {
        rc = -ENODEV;
    } else {
        rc = hv_foreign_map(d->hv, domid, mfn, 1, 1, &h->page);
    }
    if (rc) {
        log_warnx("dom %u: cannot map store page %#llx: %d", domid,
                  (unsigned long long)mfn, rc);
        free(h);
        return rc;
    }
    rc = hv_evtchn_bind(d->hv, domid, port, &h->ch);
    if (rc) {
        log_warnx("dom %u: cannot bind store port %u: %d", domid, port, rc);
        if (!h->dom0)
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
    if (!h->dom0)
        hv_foreign_unmap(d->hv, h->page, 1);
    free(h);
}

static const struct xsd_ring_ops ops = {map, notify, unmap};

/* Ask the engine about each watched domain; report the dead ones. */
static void watch_once(struct domain_hv *d)
{
    uint32_t *ids = NULL;
    size_t n, i;

    pthread_mutex_lock(&d->lock);
    n = d->nids;
    if (n && (ids = malloc(n * sizeof(*ids))))
        memcpy(ids, d->ids, n * sizeof(*ids));
    pthread_mutex_unlock(&d->lock);
    for (i = 0; ids && i < n; i++) {
        struct hv_dominfo info;
        struct report r = {ids[i], 0};
        int rc = hv_domain_getinfo(d->hv, ids[i], &info);

        if (rc == -ESRCH || (!rc && (info.flags & HV_DOMF_DYING)))
            r.state = DOMAIN_HV_GONE;
        else if (!rc && (info.flags & HV_DOMF_SHUTDOWN))
            r.state = DOMAIN_HV_SHUTDOWN;
        /* A full pipe drops the report; the next round repeats it. */
        if (r.state && write(d->report[1], &r, sizeof(r)) < 0)
            break;
    }
    free(ids);
}

/*
 * Xen's domain_cleanup() runs on each VIRQ_DOM_EXC; without the VIRQ
 * (kvm, or another process of dom0 holds it) the thread polls.
 */
static void *watch_thread(void *arg)
{
    struct domain_hv *d = arg;
    struct pollfd p[2] = {
        {.fd = d->stop[0], .events = POLLIN},
        {.fd = d->virq ? hv_evtchn_fd(d->virq) : -1, .events = POLLIN}};
    int ms = d->virq ? VIRQ_PERIOD_MS : WATCH_PERIOD_MS;

    for (;;) {
        int n = poll(p, 2, ms);

        if (n > 0 && p[0].revents)
            break;
        if (n > 0 && p[1].revents)
            hv_evtchn_ack(d->virq);
        watch_once(d);
    }
    return NULL;
}

/* Bind VIRQ_DOM_EXC, find dom0's ring: what only the xen engine has. */
static void open_xen_extras(struct domain_hv *d)
{
    struct dom0_paths paths;
    const char *what;
    int rc = hv_evtchn_bind_virq(d->hv, HV_VIRQ_DOM_EXC, &d->virq);

    if (rc == 0)
        log_info("VIRQ_DOM_EXC bound (port %u): domain deaths are "
                 "signalled",
                 hv_evtchn_port(d->virq));
    else if (rc != -ENOSYS)
        log_warnx("cannot bind VIRQ_DOM_EXC (%s): polling domains every "
                  "%d ms",
                  strerror(-rc), WATCH_PERIOD_MS);
    if (strcmp(hv_engine_name(d->hv), "xen"))
        return;
    dom0_paths_default(&paths);
    rc = dom0_ring_open(&paths, &d->dom0, &what);
    if (rc)
        log_warnx("%s: %s: dom0's kernel xenbus is not served", what,
                  strerror(-rc));
    else
        log_info("dom0's xenbus ring found (port %u)", d->dom0.port);
}

int domain_hv_open(struct xsd *x, struct domain_hv **hv_out)
{
    struct domain_hv *d = calloc(1, sizeof(*d));
    sigset_t all, old;
    int rc;

    *hv_out = NULL;
    if (!d)
        return -ENOMEM;
    d->stop[0] = d->stop[1] = d->report[0] = d->report[1] = -1;
    pthread_mutex_init(&d->lock, NULL);
    rc = hv_open(&d->hv);
    if (rc) {
        domain_hv_close(d);
        return rc;
    }
    if (pipe2(d->stop, O_CLOEXEC) || pipe2(d->report, O_CLOEXEC | O_NONBLOCK)) {
        rc = -errno;
        domain_hv_close(d);
        return rc;
    }
    open_xen_extras(d);
    /* Signals are the main loop's (ppoll): the thread never takes one. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    rc = -pthread_create(&d->th, NULL, watch_thread, d);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc) {
        domain_hv_close(d);
        return rc;
    }
    d->started = 1;
    xsd_set_ring_ops(x, &ops, d);
    log_info("guest rings through the %s engine", hv_engine_name(d->hv));
    *hv_out = d;
    return 0;
}

void domain_hv_close(struct domain_hv *d)
{
    int i;

    if (!d)
        return;
    if (d->started) {
        if (write(d->stop[1], "x", 1) < 0)
            log_warn("xenstored: stopping the liveness thread");
        pthread_join(d->th, NULL);
    }
    for (i = 0; i < 2; i++) {
        if (d->stop[i] >= 0)
            close(d->stop[i]);
        if (d->report[i] >= 0)
            close(d->report[i]);
    }
    hv_evtchn_close(d->virq);
    dom0_ring_close(&d->dom0);
    if (d->hv)
        hv_close(d->hv);
    pthread_mutex_destroy(&d->lock);
    free(d->ids);
    free(d);
}

int domain_hv_watch_fd(struct domain_hv *d)
{
    return d ? d->report[0] : -1;
}

void domain_hv_watch_set(struct domain_hv *d, const uint32_t *ids, size_t n)
{
    uint32_t *copy = NULL;

    if (!d || (n && !(copy = malloc(n * sizeof(*copy)))))
        return;
    if (n)
        memcpy(copy, ids, n * sizeof(*copy));
    pthread_mutex_lock(&d->lock);
    free(d->ids);
    d->ids = copy;
    d->nids = n;
    pthread_mutex_unlock(&d->lock);
}

int domain_hv_watch_read(struct domain_hv *d, uint32_t *domid_out,
                         int *state_out)
{
    struct report r;

    if (!d || read(d->report[0], &r, sizeof(r)) != sizeof(r))
        return 0;
    *domid_out = r.domid;
    *state_out = r.state;
    return 1;
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

int domain_hv_dom0(struct domain_hv *d, struct xsd *x)
{
    struct xs_domain *dom;
    int rc;

    if (!d || !d->dom0.page)
        return -ENODEV;
    /* a restart with the state file has mapped it again already */
    dom = xsd_domain_find(x, 0);
    if (!dom) {
        rc = xsd_domain_introduce(x, 0, 0, d->dom0.port);
        if (rc)
            return rc;
        dom = xsd_domain_find(x, 0);
    }
    /*
     * As Xen's dom0_init(): a kick, whatever moved. The kernel's
     * xenbus_probe thread sleeps until the first event on this port.
     */
    if (dom)
        notify(d, xsd_domain_handle(dom));
    return 0;
}
