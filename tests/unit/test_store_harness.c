/* SPDX-License-Identifier: GPL-2.0-only */
/* test_store_harness.c: see test_store_harness.h. */
#include "test_store_harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xen/io/xs_wire.h>

static void die(const char *why)
{
    fprintf(stderr, "store harness: %s\n", why);
    abort();
}

void h_open(struct xsd *x, uint32_t domid, struct h_conn *hc)
{
    memset(hc, 0, sizeof(*hc));
    hc->next_req = 1;
    if (xsd_conn_create(x, domid, 0, NULL, NULL, &hc->c))
        die("conn create");
}

void h_close(struct h_conn *hc)
{
    xsd_conn_destroy(hc->c);
    hc->c = NULL;
}

/* Pull one whole message out of the core's output, if any. */
static int pull(struct h_conn *hc, struct h_msg *m)
{
    struct xsd_sockmsg h;
    size_t got = 0, len;
    const char *p;

    if (!xsd_conn_output(hc->c, &len))
        return 0;
    while (got < sizeof(h)) {
        p = xsd_conn_output(hc->c, &len);
        if (!p)
            die("truncated header");
        if (len > sizeof(h) - got)
            len = sizeof(h) - got;
        memcpy((char *)&h + got, p, len);
        xsd_conn_consume(hc->c, len);
        got += len;
    }
    if (h.len > XENSTORE_PAYLOAD_MAX)
        die("reply above XENSTORE_PAYLOAD_MAX");
    m->type = h.type;
    m->req_id = h.req_id;
    m->tx_id = h.tx_id;
    m->len = h.len;
    got = 0;
    while (got < h.len) {
        p = xsd_conn_output(hc->c, &len);
        if (!p)
            die("truncated payload");
        if (len > h.len - got)
            len = h.len - got;
        memcpy(m->body + got, p, len);
        xsd_conn_consume(hc->c, len);
        got += len;
    }
    m->body[h.len] = '\0';
    return 1;
}

void h_drain(struct h_conn *hc)
{
    struct h_msg m;

    while (pull(hc, &m)) {
        if (m.type != XS_WATCH_EVENT)
            die("unexpected reply while draining");
        if (hc->nev < H_MAXEV)
            hc->ev[hc->nev++] = m;
    }
}

void h_req(struct h_conn *hc, uint32_t type, uint32_t tx, const void *p,
           size_t len, struct h_msg *r)
{
    struct xsd_sockmsg h = {type, hc->next_req++, tx, (uint32_t)len};
    char buf[sizeof(h) + 8192];

    if (len > sizeof(buf) - sizeof(h))
        die("request too big for the harness");
    h_drain(hc);
    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), p, len);
    if (xsd_conn_input(hc->c, buf, sizeof(h) + len) != (long)(sizeof(h) + len))
        die("request not taken");
    for (;;) {
        if (!pull(hc, r))
            die("no reply");
        if (r->type != XS_WATCH_EVENT)
            break;
        if (hc->nev < H_MAXEV)
            hc->ev[hc->nev++] = *r;
    }
    if (r->req_id != h.req_id || r->tx_id != tx)
        die("req_id/tx_id not echoed");
    h_drain(hc);
}

static const char *result(struct h_conn *hc, const struct h_msg *r, char *out)
{
    if (r->type == XS_ERROR) {
        snprintf(hc->err, sizeof(hc->err), "%.63s", r->body);
        return hc->err;
    }
    if (out)
        memcpy(out, r->body, r->len + 1);
    return NULL;
}

const char *h_write(struct h_conn *hc, uint32_t tx, const char *path,
                    const char *val)
{
    char buf[8192];
    size_t lp = strlen(path) + 1, lv = strlen(val);
    struct h_msg r;

    memcpy(buf, path, lp);
    memcpy(buf + lp, val, lv);
    h_req(hc, XS_WRITE, tx, buf, lp + lv, &r);
    return result(hc, &r, NULL);
}

const char *h_read(struct h_conn *hc, uint32_t tx, const char *path, char *out)
{
    struct h_msg r;

    h_req(hc, XS_READ, tx, path, strlen(path) + 1, &r);
    return result(hc, &r, out);
}

const char *h_op1(struct h_conn *hc, uint32_t type, uint32_t tx,
                  const char *arg, struct h_msg *r)
{
    struct h_msg tmp;

    if (!r)
        r = &tmp;
    h_req(hc, type, tx, arg, strlen(arg) + 1, r);
    return result(hc, r, NULL);
}

const char *h_op2(struct h_conn *hc, uint32_t type, uint32_t tx, const char *a,
                  const char *b, struct h_msg *r)
{
    char buf[8192];
    size_t la = strlen(a) + 1, lb = strlen(b) + 1;
    struct h_msg tmp;

    if (!r)
        r = &tmp;
    memcpy(buf, a, la);
    memcpy(buf + la, b, lb);
    h_req(hc, type, tx, buf, la + lb, r);
    return result(hc, r, NULL);
}

const char *h_chmod(struct h_conn *hc, const char *path, ...)
{
    char buf[4096];
    size_t off = strlen(path) + 1;
    struct h_msg r;
    const char *s;
    va_list ap;

    memcpy(buf, path, off);
    va_start(ap, path);
    while ((s = va_arg(ap, const char *))) {
        memcpy(buf + off, s, strlen(s) + 1);
        off += strlen(s) + 1;
    }
    va_end(ap);
    h_req(hc, XS_SET_PERMS, 0, buf, off, &r);
    return result(hc, &r, NULL);
}

uint32_t h_tx_start(struct h_conn *hc)
{
    struct h_msg r;

    h_req(hc, XS_TRANSACTION_START, 0, "", 1, &r);
    if (r.type != XS_TRANSACTION_START)
        return 0;
    return (uint32_t)strtoul(r.body, NULL, 10);
}

const char *h_tx_end(struct h_conn *hc, uint32_t tx, int commit)
{
    return h_op1(hc, XS_TRANSACTION_END, tx, commit ? "T" : "F", NULL);
}

int h_take_event(struct h_conn *hc, const char *path, const char *token)
{
    int i;

    h_drain(hc);
    for (i = 0; i < hc->nev; i++) {
        const char *p = hc->ev[i].body;

        if (!strcmp(p, path) && !strcmp(p + strlen(p) + 1, token)) {
            memmove(&hc->ev[i], &hc->ev[i + 1],
                    (size_t)(hc->nev - i - 1) * sizeof(hc->ev[0]));
            hc->nev--;
            return i;
        }
    }
    return -1;
}
