/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_store_ring.c: the ring transport on an in-memory page: requests and
 * replies across the wrap, guest domU permissions through the ring,
 * garbage indices and bogus headers drop the guest's connection while
 * the daemon and other clients live, @introduceDomain/@releaseDomain.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <xen/io/xs_wire.h>

/* cmocka.h needs the headers above */
#include <cmocka.h>
#include "unit.h"

#include "store/ring.h"
#include "store/store.h"
#include "fake_ring.h"
#include "test_store_harness.h"

struct fx {
    struct xsd *x;
    struct xenstore_domain_interface page[FAKE_RING_DOMS];
    struct fake_ring fk;
    struct h_conn d0;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    if (!f || xsd_create(NULL, &f->x))
        return -1;
    for (int i = 0; i < FAKE_RING_DOMS; i++)
        f->fk.page[i] = &f->page[i];
    xsd_set_ring_ops(f->x, &fake_ring_ops, &f->fk);
    h_open(f->x, 0, &f->d0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    xsd_destroy(f->x);
    assert_int_equal(f->fk.mapped, 0);
    free(f);
    return 0;
}

static struct xs_domain *dom(struct fx *f, uint32_t id)
{
    struct xs_domain *d = NULL;

    while ((d = xsd_domain_next(f->x, d)))
        if (xsd_domain_id(d) == id)
            return d;
    return NULL;
}

static void introduce(struct fx *f, uint32_t id)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%u", id);
    struct h_msg r;

    memcpy(buf + n + 1,
           "77\0"
           "5",
           5);
    h_req(&f->d0, XS_INTRODUCE, 0, buf, (size_t)n + 1 + 5, &r);
    assert_string_equal(r.body, "OK");
}

static void t_introduce_and_talk(void **state)
{
    struct fx *f = *state;
    struct xenstore_domain_interface *in = f->fk.page[1];
    struct xsd_sockmsg h;
    char body[4097];
    struct h_msg r;
    int i;

    assert_int_equal(
        h_op2(&f->d0, XS_WATCH, 0, "@introduceDomain", "i", NULL) == NULL, 1);
    h_take_event(&f->d0, "@introduceDomain", "i");
    introduce(f, 1);
    assert_true(h_take_event(&f->d0, "@introduceDomain", "i") >= 0);
    assert_int_equal(in->server_features & XENSTORE_SERVER_FEATURE_ERROR,
                     XENSTORE_SERVER_FEATURE_ERROR);
    h_op1(&f->d0, XS_IS_DOMAIN_INTRODUCED, 0, "1", &r);
    assert_string_equal(r.body, "T");
    h_op1(&f->d0, XS_MKDIR, 0, "/local/domain/1", NULL);
    h_req(&f->d0, XS_SET_PERMS, 0, "/local/domain/1\0n1\0", 19, &r);
    /* many round trips so the indices wrap the 1 KiB rings */
    for (i = 0; i < 200; i++) {
        fake_ring_req(in, XS_WRITE, (uint32_t)i, "data/k\0value", 12);
        assert_int_equal(xsd_domain_pump(dom(f, 1)), 0);
        assert_int_equal(fake_ring_recv(in, &h, body), 1);
        assert_int_equal(h.type, XS_WRITE);
        assert_int_equal(h.req_id, (uint32_t)i);
        assert_string_equal(body, "OK");
    }
    assert_true(f->fk.notified > 0);
    fake_ring_req(in, XS_READ, 500, "/local/domain/1/data/k", 23);
    xsd_domain_pump(dom(f, 1));
    assert_int_equal(fake_ring_recv(in, &h, body), 1);
    assert_string_equal(body, "value");
    /* the guest is dom1: dom0's private nodes are closed to it */
    h_op1(&f->d0, XS_MKDIR, 0, "/local/domain/0/secret", NULL);
    fake_ring_req(in, XS_READ, 501, "/local/domain/0/secret", 23);
    xsd_domain_pump(dom(f, 1));
    assert_int_equal(fake_ring_recv(in, &h, body), 1);
    assert_int_equal(h.type, XS_ERROR);
    assert_string_equal(body, "EACCES");
    fake_ring_req(in, XS_INTRODUCE, 502,
                  "2\0"
                  "1\0"
                  "1\0",
                  6);
    xsd_domain_pump(dom(f, 1));
    assert_int_equal(fake_ring_recv(in, &h, body), 1);
    assert_string_equal(body, "EACCES");
}

static void t_split_message(void **state)
{
    struct fx *f = *state;
    struct xenstore_domain_interface *in = f->fk.page[2];
    struct xsd_sockmsg h = {XS_GET_DOMAIN_PATH, 9, 0, 2};
    char body[4097];

    introduce(f, 2);
    fake_ring_put(in, &h, 7); /* half a header */
    assert_int_equal(xsd_domain_pump(dom(f, 2)), 0);
    assert_int_equal(fake_ring_recv(in, &h, body), 0);
    fake_ring_put(in, (char *)&h + 7, sizeof(h) - 7);
    fake_ring_put(in, "2", 2);
    assert_int_equal(xsd_domain_pump(dom(f, 2)), 0);
    assert_int_equal(fake_ring_recv(in, &h, body), 1);
    assert_string_equal(body, "/local/domain/2");
}

/* Requests written before XS_INTRODUCE are answered at introduction. */
static void t_early_request(void **state)
{
    struct fx *f = *state;
    struct xenstore_domain_interface *in = f->fk.page[2];
    struct xsd_sockmsg h;
    char body[4097];

    fake_ring_req(in, XS_GET_DOMAIN_PATH, 4, "2", 2);
    introduce(f, 2);
    assert_int_equal(fake_ring_recv(in, &h, body), 1);
    assert_int_equal(h.req_id, 4);
    assert_string_equal(body, "/local/domain/2");
    assert_true(f->fk.notified > 0);
}

static void t_garbage_indices(void **state)
{
    struct fx *f = *state;
    struct xenstore_domain_interface *in = f->fk.page[1];
    char out[4097];

    introduce(f, 1);
    in->req_prod = in->req_cons + 5000; /* more than the ring holds */
    assert_int_equal(xsd_domain_pump(dom(f, 1)), -EIO);
    assert_int_equal(in->error, XENSTORE_ERROR_RINGIDX);
    /* the daemon lives: dom0 still works, the domain is still known */
    assert_null(h_write(&f->d0, 0, "/still", "alive"));
    assert_null(h_read(&f->d0, 0, "/still", out));
    assert_non_null(dom(f, 1));
    assert_int_equal(xsd_domain_pump(dom(f, 1)), -EIO);
    /* introducing it again gives it a fresh connection on a clean ring */
    introduce(f, 1);
    assert_int_equal(in->error, XENSTORE_ERROR_NONE);
    assert_int_equal(in->req_prod, 0);
    {
        struct xsd_sockmsg h;
        char body[4097];

        fake_ring_req(in, XS_GET_DOMAIN_PATH, 9, "1", 2);
        assert_int_equal(xsd_domain_pump(dom(f, 1)), 0);
        assert_int_equal(fake_ring_recv(in, &h, body), 1);
        assert_string_equal(body, "/local/domain/1");
    }
    /* releasing it frees the page and fires @releaseDomain */
    assert_null(h_op2(&f->d0, XS_WATCH, 0, "@releaseDomain", "r", NULL));
    h_take_event(&f->d0, "@releaseDomain", "r");
    assert_null(h_op1(&f->d0, XS_RELEASE, 0, "1", NULL));
    assert_true(h_take_event(&f->d0, "@releaseDomain", "r") >= 0);
    assert_null(dom(f, 1));
}

static void t_garbage_rsp_and_header(void **state)
{
    struct fx *f = *state;
    struct xenstore_domain_interface *in = f->fk.page[3];
    struct xsd_sockmsg h = {XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1};

    introduce(f, 3);
    in->rsp_cons = in->rsp_prod + 4000; /* consumer ahead of producer */
    fake_ring_req(in, XS_GET_DOMAIN_PATH, 1, "3", 2);
    assert_int_equal(xsd_domain_pump(dom(f, 3)), -EIO);
    assert_int_equal(in->error, XENSTORE_ERROR_RINGIDX);
    assert_null(h_op1(&f->d0, XS_RELEASE, 0, "3", NULL));
    memset(in, 0, sizeof(*in));
    introduce(f, 3);
    fake_ring_put(in, &h, sizeof(h));
    assert_int_equal(xsd_domain_pump(dom(f, 3)), -EIO);
    assert_int_equal(in->error, XENSTORE_ERROR_PROTO);
}

static void t_backpressure(void **state)
{
    struct fx *f = *state;
    struct xenstore_domain_interface *in = f->fk.page[1];
    struct xsd_sockmsg h;
    char body[4097];
    int i, got = 0;

    char big[201];

    memset(big, 'b', 200);
    big[200] = '\0';
    assert_null(h_write(&f->d0, 0, "/local/domain/1/big", big));
    assert_null(h_chmod(&f->d0, "/local/domain/1/big", "r1", NULL));
    introduce(f, 1);
    /*
     * 40 reads of 200 bytes, never consuming: 4 replies fill the response
     * ring, 20 more queue, then the daemon stops taking requests. Nothing
     * is lost or reordered once the guest reads again.
     */
    for (i = 0; i < 40; i++)
        fake_ring_req(in, XS_READ, (uint32_t)i, "big", 4);
    assert_int_equal(xsd_domain_pump(dom(f, 1)), 0);
    assert_true(in->req_cons != in->req_prod);
    for (i = 0; i < 100 && got < 40; i++) {
        while (fake_ring_recv(in, &h, body)) {
            assert_int_equal(h.req_id, (uint32_t)got);
            assert_string_equal(body, big);
            got++;
        }
        xsd_domain_pump(dom(f, 1));
    }
    assert_int_equal(got, 40);
}

/* Release deletes what the domain owned (Xen), or gives it to dom0 (-K). */
static void t_release_orphans(void **state)
{
    struct fx *f = *state;
    int keep;

    for (keep = 0; keep < 2; keep++) {
        struct h_msg r;

        xsd_set_keep_orphans(f->x, keep);
        assert_null(h_write(&f->d0, 0, "/local/domain/2/device/vbd", "0"));
        assert_null(h_chmod(&f->d0, "/local/domain/2", "n2", "r0", NULL));
        assert_null(h_write(&f->d0, 0, "/vm/u/name", "g"));
        assert_null(h_chmod(&f->d0, "/vm/u", "b2", NULL));
        assert_null(h_write(&f->d0, 0, "/vm/mine", "dom0's"));
        assert_null(
            h_op2(&f->d0, XS_WATCH, 0, "/local/domain/2/device", "w", NULL));
        h_take_event(&f->d0, "/local/domain/2/device", "w");
        introduce(f, 2);
        assert_null(h_op1(&f->d0, XS_RELEASE, 0, "2", NULL));
        assert_null(h_read(&f->d0, 0, "/vm/mine", NULL));
        if (!keep) {
            assert_string_equal(h_read(&f->d0, 0, "/local/domain/2", NULL),
                                "ENOENT");
            assert_string_equal(h_read(&f->d0, 0, "/vm/u/name", NULL),
                                "ENOENT");
            assert_true(h_take_event(&f->d0, "/local/domain/2/device", "w") >=
                        0);
            assert_null(h_op2(&f->d0, XS_UNWATCH, 0, "/local/domain/2/device",
                              "w", NULL));
        } else {
            assert_null(h_op1(&f->d0, XS_GET_PERMS, 0, "/local/domain/2", &r));
            assert_memory_equal(r.body, "n0\0r0\0", 6);
            assert_null(h_op1(&f->d0, XS_GET_PERMS, 0, "/vm/u", &r));
            assert_memory_equal(r.body, "b0\0", 3);
            assert_null(h_read(&f->d0, 0, "/vm/u/name", NULL));
        }
    }
}

/*
 * socket_ro reads and watches only: dom0's requests from it (RELEASE of a
 * running guest deleted its nodes) are refused and change nothing.
 */
static void t_readonly_no_priv(void **state)
{
    static const struct {
        uint32_t type;
        const char *arg;
        size_t len;
    } reqs[] = {{XS_RELEASE, "2", 2},
                {XS_INTRODUCE,
                 "3\0"
                 "77\0"
                 "5",
                 7},
                {XS_SET_TARGET,
                 "2\0"
                 "2",
                 4},
                {XS_RESUME, "2", 2},
                {XS_CONTROL,
                 "quota\0set\0nodes\0"
                 "1",
                 18},
                {XS_CONTROL, "log\0off", 8},
                {XS_IS_DOMAIN_INTRODUCED, "2", 2}};
    struct fx *f = *state;
    struct h_conn ro;
    struct h_msg r;
    size_t i;

    assert_null(h_write(&f->d0, 0, "/local/domain/2/control/shutdown", ""));
    assert_null(h_chmod(&f->d0, "/local/domain/2", "n2", NULL));
    introduce(f, 2);
    memset(&ro, 0, sizeof(ro));
    ro.next_req = 1;
    assert_int_equal(xsd_conn_create(f->x, 0, XSD_CONN_RO, NULL, NULL, &ro.c),
                     0);
    for (i = 0; i < sizeof(reqs) / sizeof(reqs[0]); i++) {
        h_req(&ro, reqs[i].type, 0, reqs[i].arg, reqs[i].len, &r);
        assert_int_equal(r.type, XS_ERROR);
        assert_string_equal(r.body, "EACCES");
    }
    /* still introduced, its nodes intact, the quota unchanged */
    assert_non_null(dom(f, 2));
    assert_int_equal(f->fk.mapped, 1);
    assert_null(h_read(&ro, 0, "/local/domain/2/control/shutdown", NULL));
    assert_null(h_op1(&f->d0, XS_CONTROL, 0, "quota", &r));
    assert_non_null(strstr(r.body, "nodes            :     1000"));
    /* reads and watches work; writes do not */
    assert_null(h_op2(&ro, XS_WATCH, 0, "/local/domain/2", "t", NULL));
    assert_string_equal(h_write(&ro, 0, "/local/domain/2/x", "1"), "EROFS");
    h_close(&ro);
    assert_null(h_op1(&f->d0, XS_RELEASE, 0, "2", NULL));
}

/* A copy of file as it is now: what a kill -9 would leave behind. */
static void snapshot_file(const char *from, const char *to)
{
    char buf[65536];
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    size_t n;

    assert_non_null(in);
    assert_non_null(out);
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    fclose(out);
}

/*
 * kill -9 and restart: every acknowledged write, the introduced domain and
 * its ring's watch come back from the journal; the guest's ring works on
 * with the indices it had, and dom0's shutdown request reaches it.
 */
static void t_restart_journal(void **state)
{
    struct fx *f = *state;
    struct xenstore_domain_interface *in = f->fk.page[2];
    char dir[] = "/tmp/test_store_ring.XXXXXX", file[64], copy[64];
    char body[4097];
    unsigned int back = 0;
    struct xsd_sockmsg h;
    struct h_conn d0;
    struct xsd *y;

    assert_non_null(mkdtemp(dir));
    snprintf(file, sizeof(file), "%s/state", dir);
    snprintf(copy, sizeof(copy), "%s/copy", dir);
    assert_int_equal(xsd_state_open(f->x, file), 0);
    assert_int_equal(xsd_state_start(f->x, &back), 0);
    assert_int_equal(back, 0);
    /* a second daemon cannot take the same state */
    assert_int_equal(xsd_create(NULL, &y), 0);
    assert_int_equal(xsd_state_open(y, file), -EBUSY);
    xsd_destroy(y);
    assert_null(h_write(&f->d0, 0, "/local/domain/2/name", "web1"));
    assert_null(h_chmod(&f->d0, "/local/domain/2", "n2", NULL));
    introduce(f, 2);
    fake_ring_req(in, XS_WATCH, 1, "control/shutdown\0s", 19);
    fake_ring_req(in, XS_WRITE, 2, "data/k\0acked", 13);
    xsd_domain_pump(dom(f, 2));
    assert_int_equal(fake_ring_recv(in, &h, body), 1); /* WATCH OK */
    assert_int_equal(fake_ring_recv(in, &h, body), 1); /* its first event */
    assert_int_equal(fake_ring_recv(in, &h, body), 1); /* WRITE OK */
    assert_int_equal(h.type, XS_WRITE);
    assert_null(h_op1(&f->d0, XS_RM, 0, "/local/domain/2/name", NULL));
    assert_null(h_write(&f->d0, 0, "/local/domain/2/name", "web2"));
    /* the file as kill -9 leaves it: journal appended, never compacted */
    snapshot_file(file, copy);

    assert_int_equal(xsd_create(NULL, &y), 0);
    xsd_set_ring_ops(y, &fake_ring_ops, &f->fk);
    assert_int_equal(xsd_state_open(y, copy), 0);
    assert_int_equal(xsd_state_start(y, &back), 0);
    assert_int_equal(back, 1);
    h_open(y, 0, &d0);
    assert_null(h_read(&d0, 0, "/local/domain/2/name", body));
    assert_string_equal(body, "web2");
    assert_null(h_read(&d0, 0, "/local/domain/2/data/k", body));
    assert_string_equal(body, "acked");
    /* xm shutdown: the guest's restored watch fires on its ring */
    assert_null(h_write(&d0, 0, "/local/domain/2/control/shutdown", "halt"));
    assert_int_equal(fake_ring_recv(in, &h, body), 1);
    assert_int_equal(h.type, XS_WATCH_EVENT);
    assert_string_equal(body, "control/shutdown");
    /* and it is served on the same ring */
    fake_ring_req(in, XS_READ, 3, "control/shutdown", 17);
    xsd_domain_pump(xsd_domain_find(y, 2));
    assert_int_equal(fake_ring_recv(in, &h, body), 1);
    assert_string_equal(body, "halt");
    h_close(&d0);
    xsd_destroy(y); /* a clean stop: one snapshot, domain 2 in it */

    /* the guest died while the daemon was down: it is released */
    assert_int_equal(xsd_create(NULL, &y), 0);
    f->fk.gone = 1;
    xsd_set_ring_ops(y, &fake_ring_ops, &f->fk);
    assert_int_equal(xsd_state_open(y, copy), 0);
    assert_int_equal(xsd_state_start(y, &back), 0);
    assert_int_equal(back, 0);
    assert_null(xsd_domain_find(y, 2));
    h_open(y, 0, &d0);
    assert_string_equal(h_read(&d0, 0, "/local/domain/2/name", body), "ENOENT");
    h_close(&d0);
    xsd_destroy(y);
    f->fk.gone = 0;

    assert_null(h_op1(&f->d0, XS_RELEASE, 0, "2", NULL));
    xsd_state_close(f->x);
    assert_int_equal(unit_rm_rf(dir), 0);
}

static void t_ring_functions(void **state)
{
    struct xenstore_domain_interface in;
    char buf[2048];
    int i;

    (void)state;
    memset(&in, 0, sizeof(in));
    in.rsp_prod = in.rsp_cons = 0xfffffff0u; /* about to wrap the u32 */
    for (i = 0; i < 2048; i++)
        buf[i] = (char)i;
    assert_int_equal(ring_rsp_write(&in, buf, 2048), XENSTORE_RING_SIZE);
    assert_int_equal(ring_rsp_write(&in, buf, 10), 0);
    assert_int_equal(in.rsp_prod, 0xfffffff0u + XENSTORE_RING_SIZE);
    assert_int_equal(in.rsp[MASK_XENSTORE_IDX(0xfffffff0u + 20)], 20);
    in.req_cons = 0xfffffffeu;
    in.req_prod = 3;
    in.req[MASK_XENSTORE_IDX(0xfffffffeu)] = 'a';
    in.req[MASK_XENSTORE_IDX(0xffffffffu)] = 'b';
    in.req[0] = 'c';
    assert_int_equal(ring_req_peek(&in, buf, sizeof(buf)), 5);
    assert_memory_equal(buf, "abc", 3);
    ring_req_consume(&in, 5);
    assert_int_equal(in.req_cons, 3);
    assert_int_equal(ring_req_peek(&in, buf, sizeof(buf)), 0);
    in.req_prod = 3 + XENSTORE_RING_SIZE + 1;
    assert_int_equal(ring_req_peek(&in, buf, sizeof(buf)), -EIO);
}

UNIT_MAIN(unit_test_fx(t_introduce_and_talk), unit_test_fx(t_split_message),
          unit_test_fx(t_early_request), unit_test_fx(t_garbage_indices),
          unit_test_fx(t_garbage_rsp_and_header), unit_test_fx(t_backpressure),
          unit_test_fx(t_release_orphans), unit_test_fx(t_readonly_no_priv),
          unit_test_fx(t_restart_journal), cmocka_unit_test(t_ring_functions))
