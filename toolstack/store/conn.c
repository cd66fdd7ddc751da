/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conn.c: the daemon context and its client connections: framing of
 * xsd_sockmsg requests out of a byte stream, the reply/event queue, and
 * back-pressure (a client with too many unread replies is not read).
 */
#include "store/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

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
    while (c->out_head) {
        struct xs_outbuf *o = c->out_head;

        c->out_head = o->next;
        free(o);
    }
    c->out_tail = NULL;
    c->out_bytes = 0;
    c->out_replies = 0;
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
    if (!c->out_head) {
        *len_out = 0;
        return NULL;
    }
    *len_out = c->out_head->len - c->out_head->off;
    return c->out_head->data + c->out_head->off;
}

void xsd_conn_consume(struct xs_conn *c, size_t n)
{
    while (n && c->out_head) {
        struct xs_outbuf *o = c->out_head;
        size_t left = o->len - o->off;

        if (n < left) {
            o->off += n;
            return;
        }
        n -= left;
        c->out_head = o->next;
        if (!c->out_head)
            c->out_tail = NULL;
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

static void queue(struct xs_conn *c, uint32_t type, uint32_t req_id,
                  uint32_t tx_id, const void *p, size_t len, bool event)
{
    struct xs_outbuf *o = malloc(sizeof(*o) + sizeof(struct xsd_sockmsg) + len);
    struct xsd_sockmsg h = {type, req_id, tx_id, (uint32_t)len};

    if (!o) {
        /* Out of memory: the client would wait forever; drop it. */
        c->dead = true;
        return;
    }
    memcpy(o->data, &h, sizeof(h));
    memcpy(o->data + sizeof(h), p, len);
    o->len = sizeof(h) + len;
    o->off = 0;
    o->event = event;
    o->next = NULL;
    if (c->out_tail)
        c->out_tail->next = o;
    else
        c->out_head = o;
    c->out_tail = o;
    c->out_bytes += o->len;
    if (!event)
        c->out_replies++;
    trace_msg(c, "OUT", &h);
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
}

void conn_reply_ok(struct xs_conn *c)
{
    conn_reply(c, c->hdr.type, "OK", 3);
}

void conn_event(struct xs_conn *c, const char *path, const char *token)
{
    size_t lp = strlen(path) + 1, lt = strlen(token) + 1;
    char buf[XENSTORE_PAYLOAD_MAX];
    struct xs_outbuf *o;

    if (lp + lt > sizeof(buf) || c->dead)
        return;
    memcpy(buf, path, lp);
    memcpy(buf + lp, token, lt);
    /* Like Xen: an identical event still queued is not sent twice. */
    if (path[0] != '@') {
        for (o = c->out_head; o; o = o->next)
            if (o->event && o->off == 0 &&
                o->len == sizeof(struct xsd_sockmsg) + lp + lt &&
                !memcmp(o->data + sizeof(struct xsd_sockmsg), buf, lp + lt))
                return;
    }
    /* A client that never reads must not eat the daemon's memory. */
    if (c->out_bytes > c->xsd->quota.lim.memory)
        return;
    queue(c, XS_WATCH_EVENT, 0, 0, buf, lp + lt, true);
}

void conn_home(const struct xs_conn *c, char *buf, size_t len)
{
    snprintf(buf, len, "/local/domain/%u", c->domid);
}
