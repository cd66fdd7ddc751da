/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_guest_xenbus.c: the guest's xenstore client (guest/xenbus.c) on the
 * host against a scripted fake xenstored that serves the ring whenever
 * the client blocks: replies, errors, watch events interleaved with
 * replies, stale and oversized replies, ring wrap, and a silent store;
 * and the frontend handshake helpers (xenbus_util.c) against a store that
 * answers by request type.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include "../../tests/unit/unit.h"

#include "kernel.h"
#include "platform.h"
#include "xenbus.h"

#include <xen/io/xs_wire.h>

struct start_info *start_info;
struct shared_info *shared_info;
/* mfn == pfn, as on the kvm engine: the ring's address names its frame. */
static unsigned long identity(unsigned long frame)
{
    return frame;
}
static const struct platform test_platform = {
    .pfn_to_mfn = identity,
    .mfn_to_pfn = identity,
};
const struct platform *platform = &test_platform;
static struct start_info si;
static struct xenstore_domain_interface ring __attribute__((aligned(4096)));
static uint64_t clock_ns;

/* What the fake store does with the next request. */
enum reply_kind {
    R_OK,
    R_ERROR,
    R_WATCH_FIRST,
    R_STALE_FIRST,
    R_HUGE,
    R_NONE,
    R_AUTO, /* a tiny store: see auto_reply() */
};
static enum reply_kind next_kind;
static const char *next_payload; /* reply body (R_OK) or error name */
static size_t next_len;          /* 0: strlen + 1 */
static uint32_t last_type;
static char last_req[256];
/* R_AUTO: how many TRANSACTION_ENDs say EAGAIN, what backend-id reads
 * give, whether device/vbd has a device, and the writes seen
 * ("tx:path=value;" each). */
static int auto_eagain;
static const char *auto_backend_id = "0";
static int auto_no_device;
static char auto_writes[512];

uint64_t time_now_ns(void)
{
    return clock_ns += 1000;
}

void local_irq_disable(void)
{
}

void local_irq_enable(void)
{
}

void evtchn_notify(evtchn_port_t port)
{
}

int evtchn_bind(evtchn_port_t port, evtchn_handler_fn *fn, void *data)
{
    return 0;
}

static void rsp_put(const void *p, size_t n)
{
    const char *c = p;
    size_t i;
    for (i = 0; i < n; i++)
        ring.rsp[MASK_XENSTORE_IDX(ring.rsp_prod + i)] = c[i];
    ring.rsp_prod += (XENSTORE_RING_IDX)n;
}

static void send(uint32_t type, uint32_t req_id, const char *body, size_t len)
{
    struct xsd_sockmsg h = {.type = type, .req_id = req_id, .len = len};
    rsp_put(&h, sizeof(h));
    rsp_put(body, len);
}

/* R_AUTO's answer to request h whose body is last_req. */
static void auto_reply(const struct xsd_sockmsg *h)
{
    const char *body = "OK";
    size_t len = 3, n = strlen(last_req);

    switch (h->type) {
    case XS_TRANSACTION_START:
        body = "42";
        break;
    case XS_TRANSACTION_END:
        if (auto_eagain > 0) {
            auto_eagain--;
            send(XS_ERROR, h->req_id, "EAGAIN", 7);
            return;
        }
        break;
    case XS_DIRECTORY:
        body = auto_no_device ? "" : "51712\0";
        len = auto_no_device ? 0 : 6;
        break;
    case XS_READ:
        if (n > 11 && !strcmp(last_req + n - 11, "/backend-id"))
            body = auto_backend_id;
        else
            body = "/local/domain/0/backend/vbd/5/51712";
        len = strlen(body);
        break;
    case XS_WRITE: { /* path\0value; the guest's snprintf has no %.*s */
        size_t used = strlen(auto_writes), vlen = h->len - n - 1;
        char *w = auto_writes + used;

        if (used + 16 + n + vlen + 2 > sizeof(auto_writes))
            break; /* full: the test sees the difference */
        snprintf(w, sizeof(auto_writes) - used, "%u:%s=", h->tx_id, last_req);
        w += strlen(w);
        memcpy(w, last_req + n + 1, vlen);
        strcpy(w + vlen, ";");
        break;
    }
    }
    send(h->type, h->req_id, body, len);
}

/* Takes one whole request off the ring, if there is one, and answers. */
static void fake_store(void)
{
    struct xsd_sockmsg h;
    size_t i, avail = ring.req_prod - ring.req_cons;
    char *b = (char *)&h;

    if (avail < sizeof(h))
        return;
    for (i = 0; i < sizeof(h); i++)
        b[i] = ring.req[MASK_XENSTORE_IDX(ring.req_cons + i)];
    if (avail < sizeof(h) + h.len)
        return;
    for (i = 0; i < h.len && i < sizeof(last_req) - 1; i++)
        last_req[i] = ring.req[MASK_XENSTORE_IDX(ring.req_cons + 16 + i)];
    last_req[i] = '\0';
    ring.req_cons += (XENSTORE_RING_IDX)(sizeof(h) + h.len);
    last_type = h.type;
    size_t len = next_len ? next_len : strlen(next_payload) + 1;
    switch (next_kind) {
    case R_NONE:
        return;
    case R_AUTO:
        auto_reply(&h);
        return;
    case R_HUGE: { /* only the header: the client must refuse the length */
        struct xsd_sockmsg r = {.type = h.type,
                                .req_id = h.req_id,
                                .len = XENSTORE_PAYLOAD_MAX + 1};
        rsp_put(&r, sizeof(r));
        return;
    }
    case R_ERROR:
        send(XS_ERROR, h.req_id, next_payload, strlen(next_payload) + 1);
        return;
    case R_WATCH_FIRST:
        send(XS_WATCH_EVENT, 0, "some/path\0tok", 14);
        break;
    case R_STALE_FIRST:
        send(h.type, h.req_id - 1, "stale", 6);
        break;
    case R_OK:
        break;
    }
    send(h.type, h.req_id, next_payload, len);
}

/* The client blocks: the store runs; if it had nothing to say, time
 * jumps to the deadline (or the test would spin forever). */
void sched_block_until(uint64_t deadline_ns)
{
    XENSTORE_RING_IDX before = ring.rsp_prod;
    fake_store();
    if (ring.rsp_prod == before)
        clock_ns = deadline_ns ? deadline_ns : clock_ns + 1000000000ULL;
}

static void reply(enum reply_kind k, const char *payload, size_t len)
{
    next_kind = k;
    next_payload = payload;
    next_len = len;
}

static int setup(void **state)
{
    memset(&ring, 0, sizeof(ring));
    memset(&si, 0, sizeof(si));
    si.store_mfn = (uintptr_t)&ring >> PAGE_SHIFT;
    si.store_evtchn = 1;
    start_info = &si;
    reply(R_OK, "7", 0);
    *state = NULL;
    return xenbus_init();
}

static void test_read_write(void **state)
{
    char buf[32];

    assert_int_equal(last_type, XS_READ);
    assert_string_equal(last_req, "domid");
    reply(R_OK, "hello", 5); /* values come without a NUL */
    assert_int_equal(xenbus_read(XBT_NIL, "a/b", buf, sizeof(buf)), 5);
    assert_string_equal(buf, "hello");
    reply(R_OK, "OK", 0);
    assert_int_equal(xenbus_write(XBT_NIL, "a/b", "v"), 0);
    assert_int_equal(last_type, XS_WRITE);
    assert_memory_equal(last_req, "a/b\0v", 5);
    reply(R_OK, "0123456789", 10); /* truncated into a small buffer */
    assert_int_equal(xenbus_read(XBT_NIL, "x", buf, 4), 3);
    assert_string_equal(buf, "012");
}

static void test_errors(void **state)
{
    char buf[8];

    reply(R_ERROR, "ENOENT", 0);
    assert_int_equal(xenbus_read(XBT_NIL, "nope", buf, sizeof(buf)),
                     -XEN_ENOENT);
    reply(R_ERROR, "EWHATEVER", 0);
    assert_int_equal(xenbus_read(XBT_NIL, "nope", buf, sizeof(buf)), -XEN_EIO);
    reply(R_HUGE, "", 0);
    assert_int_equal(xenbus_read(XBT_NIL, "big", buf, sizeof(buf)), -XEN_EIO);
}

static void test_watch_and_stale(void **state)
{
    char buf[16], path[32], token[16];

    reply(R_WATCH_FIRST, "v", 1);
    assert_int_equal(xenbus_read(XBT_NIL, "k", buf, sizeof(buf)), 1);
    assert_string_equal(buf, "v");
    assert_int_equal(xenbus_wait_watch(path, sizeof(path), token, sizeof(token),
                                       time_now_ns() + 1000),
                     0);
    assert_string_equal(path, "some/path");
    assert_string_equal(token, "tok");
    /* Nothing queued and a silent store: a timeout, not a hang. */
    assert_int_equal(xenbus_wait_watch(path, sizeof(path), token, sizeof(token),
                                       time_now_ns() + 1000),
                     -XEN_ETIMEDOUT);
    reply(R_STALE_FIRST, "w", 1);
    assert_int_equal(xenbus_read(XBT_NIL, "k", buf, sizeof(buf)), 1);
    assert_string_equal(buf, "w");
}

static void test_directory_and_tx(void **state)
{
    char buf[32];
    uint32_t tx;

    reply(R_OK, "a\0bb\0ccc", 9);
    assert_int_equal(xenbus_directory(XBT_NIL, "d", buf, sizeof(buf)), 3);
    assert_string_equal(buf + 5, "ccc");
    reply(R_OK, "a\0bb\0ccc", 9);
    assert_int_equal(xenbus_directory(XBT_NIL, "d", buf, 4), -XEN_E2BIG);
    reply(R_OK, "42", 0);
    assert_int_equal(xenbus_transaction_start(&tx), 0);
    assert_int_equal(tx, 42);
    reply(R_OK, "junk", 0);
    assert_int_equal(xenbus_transaction_start(&tx), -XEN_EIO);
    reply(R_ERROR, "EAGAIN", 0);
    assert_int_equal(xenbus_transaction_end(42, 0), -XEN_EAGAIN);
    assert_string_equal(last_req, "T");
}

static void test_ring_wrap(void **state)
{
    char buf[128];
    int i;

    /* ~60 bytes per round trip each way: wraps the 1 KiB rings. */
    for (i = 0; i < 100; i++) {
        reply(R_OK, "a value that is about forty bytes long..", 40);
        assert_int_equal(
            xenbus_read(XBT_NIL, "some/longer/path/to/read", buf, sizeof(buf)),
            40);
    }
    assert_true(ring.rsp_prod > 2 * XENSTORE_RING_SIZE);
}

static void test_silent_store(void **state)
{
    memset(&ring, 0, sizeof(ring));
    reply(R_NONE, "", 0);
    /* A fresh client: xenbus_init gives up instead of hanging. */
    assert_int_equal(xenbus_init(), -XEN_ETIMEDOUT);
}

static void test_front_find(void **state)
{
    char node[32], backend[64];
    unsigned id = 99;

    reply(R_AUTO, "", 0);
    assert_int_equal(xenbus_front_find("vbd", node, sizeof(node), backend,
                                       sizeof(backend), &id),
                     0);
    assert_string_equal(node, "device/vbd/51712");
    assert_string_equal(backend, "/local/domain/0/backend/vbd/5/51712");
    assert_int_equal(id, 0);
    /* A node name that does not fit is refused, not cut. */
    assert_int_equal(
        xenbus_front_find("vbd", node, 12, backend, sizeof(backend), &id),
        -XEN_E2BIG);
    /* A backend domid in the reserved range is refused. */
    auto_backend_id = "32752";
    assert_int_equal(xenbus_front_find("vbd", node, sizeof(node), backend,
                                       sizeof(backend), &id),
                     -XEN_EIO);
    auto_backend_id = "0";
    auto_no_device = 1;
    assert_int_equal(xenbus_front_find("vbd", node, sizeof(node), backend,
                                       sizeof(backend), &id),
                     -XEN_ENODEV);
    auto_no_device = 0;
}

static void test_front_publish(void **state)
{
    const struct xenbus_kv kv[] = {{"ring-ref", "8"}, {"event-channel", "3"}};
    /* state=3: XenbusStateInitialised */

    reply(R_AUTO, "", 0);
    auto_writes[0] = '\0';
    auto_eagain = 1; /* the first commit conflicts: all is written again */
    assert_int_equal(xenbus_front_publish("device/vbd/1", kv, 2), 0);
    assert_string_equal(auto_writes, "42:device/vbd/1/ring-ref=8;"
                                     "42:device/vbd/1/event-channel=3;"
                                     "42:device/vbd/1/state=3;"
                                     "42:device/vbd/1/ring-ref=8;"
                                     "42:device/vbd/1/event-channel=3;"
                                     "42:device/vbd/1/state=3;");
    assert_int_equal(last_type, XS_TRANSACTION_END);
    /* Conflicts every time: gives up with EAGAIN after 10 tries. */
    auto_writes[0] = '\0';
    auto_eagain = 100;
    assert_int_equal(xenbus_front_publish("device/vbd/1", kv, 2), -XEN_EAGAIN);
    assert_int_equal(auto_eagain, 90);
    auto_eagain = 0;
}

UNIT_MAIN(cmocka_unit_test_setup(test_read_write, setup),
          cmocka_unit_test_setup(test_errors, setup),
          cmocka_unit_test_setup(test_watch_and_stale, setup),
          cmocka_unit_test_setup(test_directory_and_tx, setup),
          cmocka_unit_test_setup(test_ring_wrap, setup),
          cmocka_unit_test(test_silent_store),
          cmocka_unit_test_setup(test_front_find, setup),
          cmocka_unit_test_setup(test_front_publish, setup))
