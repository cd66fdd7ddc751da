/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conn.c: the daemon context and its client connections: framing of
 * xsd_sockmsg requests out of a byte stream, the reply/event queue, and
 * back-pressure (a client with too many unread replies is not read), the
 * watch-event quota (a slow reader loses its own events, in O(1)).
 */
#include "store/internal.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/log.h"

#define WARN_BURST_MS 1000
#define EVTAB_MIN 64

static int mkdir_initial(struct xsd *x, const char *path)
{
    struct xs_node *n;

    return tree_create(&x->tree, path, XS_OWNER_KEEP, &n, NULL);
}

int xsd_create(const struct xsd_limits *lim, struct xsd **xsd_out)
{
    struct xsd *x = calloc(1, sizeof(*x));
    int rc;

    *xsd_out = NULL;
    if (!x)
        return -ENOMEM;
    if (lim)
        x->quota.lim = *lim;
    else
        xsd_limits_default(&x->quota.lim);
    /* The special watch nodes start as Xen's: owned by dom0, "n0". */
    x->intro_perms[0] = (struct xs_permissions){0, XS_PERM_NONE};
    x->release_perms[0] = (struct xs_permissions){0, XS_PERM_NONE};
    x->n_intro_perms = x->n_release_perms = 1;
    rc = tree_init(&x->tree, &x->gen, &x->quota);
    if (!rc)
        rc = mkdir_initial(x, "/tool/xenstored");
    if (rc) {
        xsd_destroy(x);
        return rc;
    }
    *xsd_out = x;
    return 0;
}

void xsd_destroy(struct xsd *x)
{
    if (!x)
        return;
    xsd_state_close(x);
    domain_free_all(x);
    while (x->conns)
        xsd_conn_destroy(x->conns);
    tree_fini(&x->tree);
    quota_fini(&x->quota);
    free(x);
}

void xsd_set_ring_ops(struct xsd *x, const struct xsd_ring_ops *ops, void *arg)
{
    x->ring_ops = ops;
    x->ring_arg = arg;
}

void xsd_set_trace(struct xsd *x, FILE *f)
{
    x->trace = f;
}

void xsd_set_keep_orphans(struct xsd *x, int keep)
{
    x->keep_orphans = keep;
}

int xsd_conn_create(struct xsd *x, uint32_t domid, unsigned int flags,
                    xsd_wake_fn *wake, void *arg, struct xs_conn **c_out)
{
    struct xs_conn *c = calloc(1, sizeof(*c));

    *c_out = NULL;
    if (!c)
        return -ENOMEM;
    c->pay = malloc(XENSTORE_PAYLOAD_MAX + 1);
    if (!c->pay) {
        free(c);
        return -ENOMEM;
    }
    c->xsd = x;
    c->domid = domid;
    c->target = XS_NO_TARGET;
    STAILQ_INIT(&c->out);
    c->priv = domid == 0;
    c->readonly = flags & XSD_CONN_RO;
    c->next_txid = 1;
    c->wake = wake;
    c->wake_arg = arg;
    c->next = x->conns;
    x->conns = c;
    *c_out = c;
    return 0;
}

static void out_free(struct xs_conn *c)
{
    struct xs_outbuf *o;

    while ((o = STAILQ_FIRST(&c->out))) {
        STAILQ_REMOVE_HEAD(&c->out, next);
        free(o);
    }
    c->out_bytes = 0;
    c->out_replies = 0;
    free(c->evtab);
    c->evtab = NULL;
    c->evtab_size = c->nhashed = 0;
}

/* FNV-1a: events are short strings; any even spread will do. */
static uint32_t ev_hash(const void *p, size_t len)
{
    const unsigned char *b = p;
    uint32_t h = 2166136261u;

    while (len--)
        h = (h ^ *b++) * 16777619u;
    return h;
}

static void ev_unhash(struct xs_conn *c, struct xs_outbuf *o)
{
    struct xs_outbuf **pp;

    if (!o->hashed)
        return;
    for (pp = &c->evtab[o->hash & (c->evtab_size - 1)]; *pp;
         pp = &(*pp)->hnext) {
        if (*pp == o) {
            *pp = o->hnext;
            break;
        }
    }
    o->hashed = false;
    c->nhashed--;
}

/* Keep chains short: double the table when it holds 2 events a bucket. */
static void ev_grow(struct xs_conn *c)
{
    unsigned int size = c->evtab_size ? c->evtab_size * 2 : EVTAB_MIN, i;
    struct xs_outbuf **t = calloc(size, sizeof(*t));

    if (!t)
        return; /* longer chains, still correct */
    for (i = 0; i < c->evtab_size; i++) {
        while (c->evtab[i]) {
            struct xs_outbuf *o = c->evtab[i];

            c->evtab[i] = o->hnext;
            o->hnext = t[o->hash & (size - 1)];
            t[o->hash & (size - 1)] = o;
        }
    }
    free(c->evtab);
    c->evtab = t;
    c->evtab_size = size;
}

void xsd_conn_destroy(struct xs_conn *c)
{
    struct xs_conn **pp;

    if (!c)
        return;
    for (pp = &c->xsd->conns; *pp; pp = &(*pp)->next) {
        if (*pp == c) {
            *pp = c->next;
            break;
        }
    }
    watch_free_all(c);
    tx_free_all(c);
    out_free(c);
    free(c->pay);
    free(c);
}

static void trace_msg(const struct xs_conn *c, const char *dir,
                      const struct xsd_sockmsg *h)
{
    if (c->xsd->trace && !c->xsd->trace_off)
        fprintf(c->xsd->trace, "%s dom%u type %u req %u tx %u len %u\n", dir,
                c->domid, h->type, h->req_id, h->tx_id, h->len);
}

long xsd_conn_input(struct xs_conn *c, const void *buf, size_t len)
{
    const char *p = buf;
    size_t used = 0;

    if (c->dead)
        return -EPROTO;
    while (used < len) {
        size_t n;

        /* Xen stops reading a domain whose replies pile up unread. */
        if (!c->priv && c->out_replies >= c->xsd->quota.lim.outstanding)
            break;
        if (c->hdr_used < sizeof(c->hdr)) {
            n = sizeof(c->hdr) - c->hdr_used;
            if (n > len - used)
                n = len - used;
            memcpy((char *)&c->hdr + c->hdr_used, p + used, n);
            c->hdr_used += n;
            used += n;
            if (c->hdr_used < sizeof(c->hdr))
                break;
            if (c->hdr.len > XENSTORE_PAYLOAD_MAX) {
                c->dead = true;
                return -EPROTO;
            }
            c->pay_used = 0;
        } else {
            n = c->hdr.len - c->pay_used;
            if (n > len - used)
                n = len - used;
            memcpy(c->pay + c->pay_used, p + used, n);
            c->pay_used += n;
            used += n;
        }
        if (c->pay_used == c->hdr.len) {
            c->pay[c->hdr.len] = '\0';
            trace_msg(c, "IN ", &c->hdr);
            wire_process(c);
            c->hdr_used = 0;
            c->pay_used = 0;
        }
    }
    return (long)used;
}

const void *xsd_conn_output(struct xs_conn *c, size_t *len_out)
{
    const struct xs_outbuf *o;

    /* Nothing leaves before the change it tells of is in the state file. */
    journal_flush(c->xsd);
    o = STAILQ_FIRST(&c->out);
    if (!o) {
        *len_out = 0;
        return NULL;
    }
    *len_out = o->len - o->off;
    return o->data + o->off;
}

void xsd_conn_consume(struct xs_conn *c, size_t n)
{
    struct xs_outbuf *o;

    while (n && (o = STAILQ_FIRST(&c->out))) {
        size_t left = o->len - o->off;

        if (n < left) {
            o->off += n;
            ev_unhash(c, o); /* half sent: no longer a duplicate */
            return;
        }
        ev_unhash(c, o);
        n -= left;
        STAILQ_REMOVE_HEAD(&c->out, next);
        c->out_bytes -= o->len;
        if (!o->event)
            c->out_replies--;
        free(o);
    }
}

int xsd_conn_dead(const struct xs_conn *c)
{
    return c->dead;
}

static struct xs_outbuf *queue(struct xs_conn *c, uint32_t type,
                               uint32_t req_id, uint32_t tx_id, const void *p,
                               size_t len, bool event)
{
    struct xs_outbuf *o;
    struct xsd_sockmsg h = {type, req_id, tx_id, (uint32_t)len};

    o = malloc(sizeof(*o) + sizeof(struct xsd_sockmsg) + len);
    if (!o) {
        /* Out of memory: the client would wait forever; drop it. */
        c->dead = true;
        return NULL;
    }
    memcpy(o->data, &h, sizeof(h));
    memcpy(o->data + sizeof(h), p, len);
    o->len = sizeof(h) + len;
    o->off = 0;
    o->event = event;
    o->hashed = false;
    o->hnext = NULL;
    STAILQ_INSERT_TAIL(&c->out, o, next);
    c->out_bytes += o->len;
    if (!event)
        c->out_replies++;
    trace_msg(c, "OUT", &h);
    return o;
}

static void wake(struct xs_conn *c)
{
    if (c->wake)
        c->wake(c->wake_arg, c);
}

void conn_reply(struct xs_conn *c, uint32_t type, const void *p, size_t len)
{
    if (len > XENSTORE_PAYLOAD_MAX) {
        conn_reply_err(c, E2BIG);
        return;
    }
    queue(c, type, c->hdr.req_id, c->hdr.tx_id, p, len, false);
    wake(c);
}

void conn_reply_err(struct xs_conn *c, int err)
{
    size_t i, n = sizeof(xsd_errors) / sizeof(xsd_errors[0]);
    const char *s = "EINVAL";

    if (err < 0)
        err = -err;
    for (i = 0; i < n; i++) {
        if (xsd_errors[i].errnum == err) {
            s = xsd_errors[i].errstring;
            break;
        }
    }
    queue(c, XS_ERROR, c->hdr.req_id, c->hdr.tx_id, s, strlen(s) + 1, false);
    wake(c);
}

void conn_reply_ok(struct xs_conn *c)
{
    conn_reply(c, c->hdr.type, "OK", 3);
}

void conn_events_lost(struct xs_conn *c, unsigned long n)
{
    c->ev_dropped += n;
    conn_warn(c, "not reading its watch events: %lu dropped, %zu bytes queued",
              c->ev_dropped, c->out_bytes);
}

void conn_event(struct xs_conn *c, const char *path, const char *token)
{
    size_t lp = strlen(path) + 1, lt = strlen(token) + 1;
    size_t need = sizeof(struct xsd_sockmsg) + lp + lt;
    char buf[XENSTORE_PAYLOAD_MAX];
    struct xs_outbuf *o;
    uint32_t h;

    if (lp + lt > sizeof(buf) || c->dead)
        return;
    /*
     * The watch-event quota, first and in O(1): as cxenstored (XSA-326),
     * an event that would take a client past its memory quota is dropped,
     * so a domain that never reads loses its own events and nobody else's
     * time.
     */
    if (c->out_bytes + need > c->xsd->quota.lim.memory) {
        conn_events_lost(c, 1);
        return;
    }
    memcpy(buf, path, lp);
    memcpy(buf + lp, token, lt);
    h = ev_hash(buf, lp + lt);
    /* Like Xen: an identical event still queued is not sent twice. */
    if (path[0] != '@' && c->evtab) {
        for (o = c->evtab[h & (c->evtab_size - 1)]; o; o = o->hnext)
            if (o->hash == h && o->len == need &&
                !memcmp(o->data + sizeof(struct xsd_sockmsg), buf, lp + lt))
                return;
    }
    o = queue(c, XS_WATCH_EVENT, 0, 0, buf, lp + lt, true);
    if (!o)
        return;
    if (path[0] != '@') {
        if (c->nhashed >= 2 * c->evtab_size)
            ev_grow(c);
        if (c->evtab) {
            o->hash = h;
            o->hnext = c->evtab[h & (c->evtab_size - 1)];
            c->evtab[h & (c->evtab_size - 1)] = o;
            o->hashed = true;
            c->nhashed++;
        }
    }
    wake(c);
}

/* The domain's name for a log line: printable, bounded, "?" if unset. */
static void conn_name(const struct xs_conn *c, char *buf, size_t size)
{
    const struct xs_node *n;
    char key[48];
    size_t i;

    snprintf(key, sizeof(key), "/local/domain/%u/name", c->domid);
    n = tree_lookup(&c->xsd->tree, key);
    if (!n || !n->vlen) {
        snprintf(buf, size, "?");
        return;
    }
    for (i = 0; i < n->vlen && i + 1 < size; i++)
        buf[i] = n->val[i] > ' ' && n->val[i] < 127 ? n->val[i] : '?';
    buf[i] = '\0';
}

void conn_warn(struct xs_conn *c, const char *fmt, ...)
{
    char msg[256], name[64];
    struct timespec ts;
    uint64_t now;
    va_list ap;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    now = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
    if (c->warn_ms && now - c->warn_ms < WARN_BURST_MS) {
        c->warn_quiet++;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    conn_name(c, name, sizeof(name));
    if (c->warn_quiet)
        log_warnx("dom %u (%s): %s (%u similar in the last second)", c->domid,
                  name, msg, c->warn_quiet);
    else
        log_warnx("dom %u (%s): %s", c->domid, name, msg);
    c->warn_ms = now;
    c->warn_quiet = 0;
}

void conn_home(const struct xs_conn *c, char *buf, size_t len)
{
    snprintf(buf, len, "/local/domain/%u", c->domid);
}
