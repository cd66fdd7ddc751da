/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenbus.c: xenstore requests and watch events over the store ring.
 * One request is in flight at a time (xb_lock); whoever waits reads the
 * response ring, queueing the watch events it meets on the way, so no
 * reader thread is needed. Replies are copied out of the ring before they
 * are looked at: xenstored's lengths are checked like any peer's.
 */
#include "xenbus.h"

#include "kernel.h"
#include "platform.h"

#include <xen/io/xs_wire.h>

#define WATCH_QUEUE 16

struct watch_event {
    char path[128];
    char token[64];
};

static struct xenstore_domain_interface *xb_ring;
static evtchn_port_t xb_port;
static struct spinlock xb_lock;
static uint32_t xb_req_id;
static struct watch_event wq[WATCH_QUEUE];
static unsigned wq_head, wq_len;
static char xb_buf[XENSTORE_PAYLOAD_MAX + 1]; /* under xb_lock */
/* How long a reply may take: short until xenstored first answered, so a
 * domain with no store ring served boots on instead of hanging. */
static uint64_t xb_timeout_ns = 3000000000ULL;

static const struct {
    const char *name;
    int err;
} xb_errors[] = {
    {"EINVAL", XEN_EINVAL},       {"EACCES", XEN_EACCES},
    {"EEXIST", XEN_EEXIST},       {"EISDIR", XEN_EISDIR},
    {"ENOENT", XEN_ENOENT},       {"ENOMEM", XEN_ENOMEM},
    {"ENOSPC", XEN_ENOSPC},       {"EIO", XEN_EIO},
    {"ENOTEMPTY", XEN_ENOTEMPTY}, {"ENOSYS", XEN_ENOSYS},
    {"EROFS", XEN_EROFS},         {"EBUSY", XEN_EBUSY},
    {"EAGAIN", XEN_EAGAIN},       {"EISCONN", XEN_EISCONN},
    {"E2BIG", XEN_E2BIG},         {"EPERM", XEN_EPERM},
};

static void xb_event(evtchn_port_t port, struct regs *r, void *data)
{
    /* Wakes the vcpu blocked in ring_wait(). */
}

static int ring_wait(bool (*ready)(void), uint64_t deadline)
{
    if (ready())
        return 0;
    return WAIT_UNTIL(ready(), deadline) ? 0 : -XEN_ETIMEDOUT;
}

/* Set by xenbus_wait_watch_token while it may be interrupted by wake(). */
static bool (*xb_wake)(void);

static bool rsp_ready_or_wake(void)
{
    return READ_ONCE(xb_ring->rsp_prod) != xb_ring->rsp_cons ||
           (xb_wake && xb_wake());
}

static bool rsp_ready(void)
{
    return READ_ONCE(xb_ring->rsp_prod) != xb_ring->rsp_cons;
}

static bool req_ready(void)
{
    return READ_ONCE(xb_ring->req_prod) - READ_ONCE(xb_ring->req_cons) <
           XENSTORE_RING_SIZE;
}

static int ring_write(const void *data, size_t len)
{
    const char *p = data;

    while (len) {
        XENSTORE_RING_IDX prod = xb_ring->req_prod;
        size_t space, c;
        int rc = ring_wait(req_ready, 0);
        if (rc < 0)
            return rc;
        space = XENSTORE_RING_SIZE - (prod - READ_ONCE(xb_ring->req_cons));
        c = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(prod);
        c = c < space ? c : space;
        c = c < len ? c : len;
        memcpy(xb_ring->req + MASK_XENSTORE_IDX(prod), p, c);
        wmb();
        WRITE_ONCE(xb_ring->req_prod, prod + (XENSTORE_RING_IDX)c);
        evtchn_notify(xb_port);
        p += c;
        len -= c;
    }
    return 0;
}

static int ring_read(void *data, size_t len, uint64_t deadline)
{
    char *p = data;

    while (len) {
        XENSTORE_RING_IDX cons = xb_ring->rsp_cons, avail;
        size_t c;
        int rc = ring_wait(xb_wake ? rsp_ready_or_wake : rsp_ready, deadline);
        if (rc < 0)
            return rc;
        if (!rsp_ready())
            return -XEN_EAGAIN; /* woken before a message started */
        avail = READ_ONCE(xb_ring->rsp_prod) - cons;
        rmb();
        if (avail > XENSTORE_RING_SIZE)
            return -XEN_EIO; /* a broken producer */
        c = XENSTORE_RING_SIZE - MASK_XENSTORE_IDX(cons);
        c = c < avail ? c : avail;
        c = c < len ? c : len;
        memcpy(p, xb_ring->rsp + MASK_XENSTORE_IDX(cons), c);
        deadline = 0; /* mid-message: finish it, or the stream desyncs */
        xb_wake = NULL;
        mb();
        WRITE_ONCE(xb_ring->rsp_cons, cons + (XENSTORE_RING_IDX)c);
        evtchn_notify(xb_port);
        p += c;
        len -= c;
    }
    return 0;
}

/* Queues a watch event payload "path\0token\0". */
static void queue_watch(const char *body, size_t len)
{
    const char *path = body, *token;
    size_t plen = strnlen(body, len);
    struct watch_event *e;

    if (plen + 1 >= len)
        return;
    token = body + plen + 1;
    if (wq_len == WATCH_QUEUE) { /* full: drop the oldest */
        wq_head = (wq_head + 1) % WATCH_QUEUE;
        wq_len--;
    }
    e = &wq[(wq_head + wq_len++) % WATCH_QUEUE];
    strlcpy(e->path, path, sizeof(e->path));
    memset(e->token, 0, sizeof(e->token));
    memcpy(e->token, token,
           strnlen(token, len - plen - 1) < sizeof(e->token) - 1
               ? strnlen(token, len - plen - 1)
               : sizeof(e->token) - 1);
}

/* Reads one message into xb_buf (terminated); returns its header. */
static int read_msg(struct xsd_sockmsg *hdr, uint64_t deadline)
{
    int rc = ring_read(hdr, sizeof(*hdr), deadline);
    if (rc < 0)
        return rc;
    if (hdr->len > XENSTORE_PAYLOAD_MAX)
        return -XEN_EIO;
    rc = ring_read(xb_buf, hdr->len, 0);
    if (rc < 0)
        return rc;
    xb_buf[hdr->len] = '\0';
    return 0;
}

static int reply_error(const char *s)
{
    size_t i;
    for (i = 0; i < ARRAY_SIZE(xb_errors); i++)
        if (!strcmp(s, xb_errors[i].name))
            return -xb_errors[i].err;
    return -XEN_EIO;
}

/*
 * Sends one request made of nparts strings (each with its NUL when
 * with_nul) and waits for its reply, left in xb_buf. Caller holds xb_lock.
 * Returns the reply length or -errno.
 */
static int request(uint32_t type, uint32_t tx, const char *const *parts,
                   unsigned nparts)
{
    uint64_t deadline = time_now_ns() + xb_timeout_ns;
    struct xsd_sockmsg hdr = {.type = type, .tx_id = tx};
    size_t len = 0;
    unsigned i;
    int rc;

    if (!xb_ring)
        return -XEN_ENODEV;
    for (i = 0; i < nparts; i++)
        len += strlen(parts[i]) + 1;
    if (len > XENSTORE_PAYLOAD_MAX)
        return -XEN_E2BIG;
    hdr.req_id = ++xb_req_id;
    hdr.len = (uint32_t)len;
    rc = ring_write(&hdr, sizeof(hdr));
    for (i = 0; rc == 0 && i < nparts; i++)
        rc = ring_write(parts[i], strlen(parts[i]) + 1);
    if (rc < 0)
        return rc;
    for (;;) {
        struct xsd_sockmsg rep;
        rc = read_msg(&rep, deadline);
        if (rc < 0)
            return rc;
        if (rep.type == XS_WATCH_EVENT) {
            queue_watch(xb_buf, rep.len);
            continue;
        }
        if (rep.req_id != hdr.req_id)
            continue; /* stale reply to an abandoned request */
        if (rep.type == XS_ERROR)
            return reply_error(xb_buf);
        if (rep.type != type)
            return -XEN_EIO;
        return (int)rep.len;
    }
}

static int simple(uint32_t type, uint32_t tx, const char *const *parts,
                  unsigned nparts, char *out, size_t size)
{
    int rc;

    spin_lock(&xb_lock);
    rc = request(type, tx, parts, nparts);
    if (rc >= 0 && out && size) {
        size_t n = (size_t)rc < size - 1 ? (size_t)rc : size - 1;
        memcpy(out, xb_buf, n);
        out[n] = '\0';
    }
    spin_unlock(&xb_lock);
    return rc;
}

int xenbus_read(uint32_t tx, const char *path, char *buf, size_t size)
{
    const char *p[] = {path};
    int rc = simple(XS_READ, tx, p, 1, buf, size);
    return rc < 0 ? rc : (int)strnlen(buf, size);
}

int xenbus_write(uint32_t tx, const char *path, const char *value)
{
    /* XS_WRITE's value has no NUL: send path\0 then the bare value. */
    struct xsd_sockmsg hdr = {.type = XS_WRITE, .tx_id = tx};
    size_t plen = strlen(path) + 1, vlen = strlen(value);
    int rc;

    if (plen + vlen > XENSTORE_PAYLOAD_MAX)
        return -XEN_E2BIG;
    spin_lock(&xb_lock);
    if (!xb_ring) {
        spin_unlock(&xb_lock);
        return -XEN_ENODEV;
    }
    hdr.req_id = ++xb_req_id;
    hdr.len = (uint32_t)(plen + vlen);
    rc = ring_write(&hdr, sizeof(hdr));
    if (!rc)
        rc = ring_write(path, plen);
    if (!rc)
        rc = ring_write(value, vlen);
    while (!rc) {
        struct xsd_sockmsg rep;
        rc = read_msg(&rep, time_now_ns() + xb_timeout_ns);
        if (rc < 0)
            break;
        if (rep.type == XS_WATCH_EVENT) {
            queue_watch(xb_buf, rep.len);
            continue;
        }
        if (rep.req_id != hdr.req_id)
            continue;
        rc = rep.type == XS_ERROR   ? reply_error(xb_buf)
             : rep.type == XS_WRITE ? 0
                                    : -XEN_EIO;
        break;
    }
    spin_unlock(&xb_lock);
    return rc;
}

int xenbus_mkdir(uint32_t tx, const char *path)
{
    const char *p[] = {path};
    int rc = simple(XS_MKDIR, tx, p, 1, NULL, 0);
    return rc < 0 ? rc : 0;
}

int xenbus_rm(uint32_t tx, const char *path)
{
    const char *p[] = {path};
    int rc = simple(XS_RM, tx, p, 1, NULL, 0);
    return rc < 0 ? rc : 0;
}

int xenbus_directory(uint32_t tx, const char *path, char *buf, size_t size)
{
    const char *p[] = {path};
    int rc, count = 0;
    size_t i, n;

    spin_lock(&xb_lock);
    rc = request(XS_DIRECTORY, tx, p, 1);
    if (rc >= 0) {
        n = (size_t)rc < size ? (size_t)rc : 0;
        if (!n && rc > 0)
            rc = -XEN_E2BIG;
        else {
            memcpy(buf, xb_buf, n);
            for (i = 0; i < n; i++)
                if (!buf[i])
                    count++;
            if (n && buf[n - 1]) /* unterminated last name: cut it */
                buf[n - 1] = '\0', count++;
            rc = count;
        }
    }
    spin_unlock(&xb_lock);
    return rc;
}

/* The watches we hold, so a resume in a new domain (whose xenstored knows
 * none) can register them again; a watch set twice is set once. */
#define MAX_WATCHES 16
static struct watch_event watches[MAX_WATCHES];

static int watch_find(const char *path, const char *token)
{
    int i;
    for (i = 0; i < MAX_WATCHES; i++)
        if (watches[i].path[0] && !strcmp(watches[i].path, path) &&
            !strcmp(watches[i].token, token))
            return i;
    return -1;
}

int xenbus_watch(const char *path, const char *token)
{
    const char *p[] = {path, token};
    int rc, i;

    if (watch_find(path, token) >= 0)
        return 0;
    rc = simple(XS_WATCH, XBT_NIL, p, 2, NULL, 0);
    if (rc < 0)
        return rc;
    for (i = 0; i < MAX_WATCHES && watches[i].path[0]; i++)
        ;
    if (i < MAX_WATCHES && strlen(path) < sizeof(watches[i].path) &&
        strlen(token) < sizeof(watches[i].token)) {
        strlcpy(watches[i].path, path, sizeof(watches[i].path));
        strlcpy(watches[i].token, token, sizeof(watches[i].token));
    }
    return 0;
}

int xenbus_unwatch(const char *path, const char *token)
{
    const char *p[] = {path, token};
    int rc = simple(XS_UNWATCH, XBT_NIL, p, 2, NULL, 0), i;

    i = watch_find(path, token);
    if (i >= 0)
        watches[i].path[0] = '\0';
    return rc < 0 ? rc : 0;
}

int xenbus_transaction_start(uint32_t *tx_out)
{
    const char *p[] = {""};
    char buf[16];
    unsigned long v;
    int rc = simple(XS_TRANSACTION_START, XBT_NIL, p, 1, buf, sizeof(buf));
    if (rc < 0)
        return rc;
    if (lib_parse_ulong(buf, &v, NULL) < 0 || !v || v > UINT32_MAX)
        return -XEN_EIO;
    *tx_out = (uint32_t)v;
    return 0;
}

int xenbus_transaction_end(uint32_t tx, int abort)
{
    const char *p[] = {abort ? "F" : "T"};
    int rc = simple(XS_TRANSACTION_END, tx, p, 1, NULL, 0);
    return rc < 0 ? rc : 0;
}

/* Index in the queue of the first event for token (NULL: any), or -1. */
static int find_watch(const char *token)
{
    unsigned i;
    for (i = 0; i < wq_len; i++)
        if (!token || !strcmp(wq[(wq_head + i) % WATCH_QUEUE].token, token))
            return (int)i;
    return -1;
}

static void pop_watch(unsigned i, char *path, size_t psize, char *token,
                      size_t tsize)
{
    struct watch_event *e = &wq[(wq_head + i) % WATCH_QUEUE];

    strlcpy(path, e->path, psize);
    strlcpy(token, e->token, tsize);
    for (; i + 1 < wq_len; i++) /* close the gap, keeping the order */
        wq[(wq_head + i) % WATCH_QUEUE] = wq[(wq_head + i + 1) % WATCH_QUEUE];
    wq_len--;
}

int xenbus_wait_watch_token(const char *want, char *path, size_t psize,
                            char *token, size_t tsize, uint64_t deadline_ns)
{
    return xenbus_wait_watch_wake(want, path, psize, token, tsize, deadline_ns,
                                  NULL);
}

int xenbus_wait_watch_wake(const char *want, char *path, size_t psize,
                           char *token, size_t tsize, uint64_t deadline_ns,
                           bool (*wake)(void))
{
    int rc = 0, i;

    spin_lock(&xb_lock);
    while ((i = find_watch(want)) < 0) {
        struct xsd_sockmsg rep;
        if (!xb_ring) {
            rc = -XEN_ENODEV;
            break;
        }
        xb_wake = wake;
        rc = read_msg(&rep, deadline_ns);
        xb_wake = NULL;
        if (rc < 0)
            break;
        if (rep.type == XS_WATCH_EVENT)
            queue_watch(xb_buf, rep.len);
    }
    if (i >= 0) {
        pop_watch((unsigned)i, path, psize, token, tsize);
        rc = 0;
    }
    spin_unlock(&xb_lock);
    return rc;
}

int xenbus_wait_watch(char *path, size_t psize, char *token, size_t tsize,
                      uint64_t deadline_ns)
{
    return xenbus_wait_watch_token(NULL, path, psize, token, tsize,
                                   deadline_ns);
}

void xenbus_flush_watch(const char *token)
{
    struct watch_event keep[WATCH_QUEUE];
    unsigned i, n = 0;

    spin_lock(&xb_lock);
    for (i = 0; i < wq_len; i++) {
        struct watch_event *e = &wq[(wq_head + i) % WATCH_QUEUE];
        if (strcmp(e->token, token))
            keep[n++] = *e;
    }
    memcpy(wq, keep, n * sizeof(keep[0]));
    wq_head = 0;
    wq_len = n;
    spin_unlock(&xb_lock);
}

/*
 * In a new domain after a suspend (Linux's xs_resume): the store channel
 * from the new start_info, responses of the old xenstored dropped, and
 * every watch registered again with the new one.
 */
int xenbus_resume(void)
{
    int rc, i, failed = 0;

    if (!xb_ring)
        return 0;
    xb_port = start_info->store_evtchn;
    rc = evtchn_bind(xb_port, xb_event, NULL);
    if (rc < 0)
        return rc;
    spin_lock(&xb_lock);
    WRITE_ONCE(xb_ring->rsp_cons, READ_ONCE(xb_ring->rsp_prod));
    wq_len = 0;
    spin_unlock(&xb_lock);
    for (i = 0; i < MAX_WATCHES; i++) {
        const char *p[] = {watches[i].path, watches[i].token};
        if (watches[i].path[0] && simple(XS_WATCH, XBT_NIL, p, 2, NULL, 0) < 0)
            failed++;
    }
    return failed ? -XEN_EIO : 0;
}

int xenbus_init(void)
{
    unsigned long mfn = start_info->store_mfn;
    char buf[16];
    int rc;

    if (!mfn)
        return -XEN_ENODEV;
    xb_port = start_info->store_evtchn;
    rc = evtchn_bind(xb_port, xb_event, NULL);
    if (rc < 0)
        return rc;
    xb_ring = mfn_to_virt(mfn);
    rc = xenbus_read(XBT_NIL, "domid", buf, sizeof(buf));
    if (rc == -XEN_ETIMEDOUT) {
        xb_ring = NULL;
        return rc;
    }
    xb_timeout_ns = 30000000000ULL;
    return 0;
}
