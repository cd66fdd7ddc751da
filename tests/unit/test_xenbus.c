/* SPDX-License-Identifier: GPL-2.0-only */
/* test_xenbus.c: backends/xenbus store helpers and the XenbusState machine,
 * on the in-memory store of fake_xs.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include "unit.h"

#include "fake_xs.h"
#include "xenbus/xenbus.h"

#define BE "/local/domain/0/backend/vbd/5/51712"
#define FE "/local/domain/5/device/vbd/51712"

struct calls {
    int probe, connect, disconnect, remove;
    int probe_rc, connect_rc;
};

static int t_probe(struct xenbus_dev *dev)
{
    struct calls *c = xenbus_dev_ctx(dev);

    c->probe++;
    if (c->probe_rc)
        return c->probe_rc;
    xsutil_write(xenbus_dev_xs(dev), XBT_NULL, xenbus_dev_be_path(dev),
                 "feature-flush-cache", "1");
    return 0;
}
static int t_connect(struct xenbus_dev *dev)
{
    struct calls *c = xenbus_dev_ctx(dev);

    c->connect++;
    return c->connect_rc;
}
static void t_disconnect(struct xenbus_dev *dev)
{
    ((struct calls *)xenbus_dev_ctx(dev))->disconnect++;
}
static void t_remove(struct xenbus_dev *dev)
{
    ((struct calls *)xenbus_dev_ctx(dev))->remove++;
}

static const struct xenbus_backend_ops t_ops = {
    .kind = "vbd",
    .probe = t_probe,
    .connect = t_connect,
    .disconnect = t_disconnect,
    .remove = t_remove,
};

/* Deliver every queued watch event, as a daemon's main loop does. */
static void pump(struct xenbus_backend *be)
{
    char path[4096], token[256];

    while (fake_xs_next_event(path, sizeof(path), token, sizeof(token)))
        assert_int_equal(xenbus_backend_handle(be, path, token), 0);
}

static void add_device(void)
{
    fake_xs_set(FE "/backend", BE);
    fake_xs_set(FE "/backend-id", "0");
    fake_xs_set(FE "/state", "1");
    fake_xs_set(BE "/frontend", FE);
    fake_xs_set(BE "/frontend-id", "5");
    fake_xs_set(BE "/online", "1");
    fake_xs_set(BE "/state", "1");
}

/* Set path = val in the store and deliver the watch events. */
static void set(struct xenbus_backend *be, const char *path, const char *val)
{
    fake_xs_set(path, val);
    pump(be);
}

/* A backend over add_device()'s device, its frontend then at fe_state
 * (NULL: left Initialising). */
static struct xenbus_backend *serving(struct calls *c, const char *fe_state)
{
    struct xenbus_backend *be;

    add_device();
    assert_int_equal(xenbus_backend_create(xs_open(0), 0, &t_ops, c, &be), 0);
    pump(be);
    if (fe_state)
        set(be, FE "/state", fe_state);
    return be;
}

static int setup(void **state)
{
    (void)state;
    fake_xs_reset();
    return 0;
}

static void test_helpers(void **state)
{
    struct xs_handle *xs = xs_open(0);
    unsigned long long v;
    char *s;

    (void)state;
    assert_int_equal(xsutil_printf(xs, XBT_NULL, "/a", "n", "%d", 42), 0);
    assert_int_equal(xsutil_read(xs, XBT_NULL, "/a", "n", &s), 0);
    assert_string_equal(s, "42");
    free(s);
    assert_int_equal(xsutil_read_ull(xs, XBT_NULL, "/a", "n", 100, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(xsutil_read_ull(xs, XBT_NULL, "/a", "n", 10, &v), -ERANGE);
    assert_int_equal(xsutil_read(xs, XBT_NULL, "/a", "missing", &s), -ENOENT);
    assert_null(s);
    fake_xs_set("/a/bad", "12junk");
    assert_int_equal(xsutil_read_ull(xs, XBT_NULL, "/a", "bad", 100, &v),
                     -EINVAL);
    /* No state node: nothing is written (no resurrected directory). */
    assert_int_equal(xenbus_switch_state(xs, "/a", XenbusStateInitWait),
                     -ENOENT);
    assert_null(fake_xs_get("/a/state"));
    fake_xs_set("/a/state", "1");
    assert_int_equal(xenbus_switch_state(xs, "/a", XenbusStateInitWait), 0);
    assert_string_equal(fake_xs_get("/a/state"), "2");
    fake_xs_fail_tx(2); /* EAGAIN twice: retried */
    assert_int_equal(xenbus_switch_state(xs, "/a", XenbusStateConnected), 0);
    assert_string_equal(fake_xs_get("/a/state"), "4");
    fake_xs_set("/a/state", "2");
    assert_int_equal(xenbus_read_state(xs, "/a"), XenbusStateInitWait);
    fake_xs_set("/a/state", "99");
    assert_int_equal(xenbus_read_state(xs, "/a"), XenbusStateUnknown);
    assert_string_equal(xenbus_state_name(XenbusStateConnected), "Connected");
    assert_string_equal(xenbus_state_name((enum xenbus_state)42), "Invalid");
}

static void test_full_lifecycle(void **state)
{
    struct calls c = {0};
    struct xenbus_backend *be;

    (void)state;
    be = serving(&c, NULL);
    assert_int_equal(c.probe, 1);
    assert_int_equal(xenbus_backend_count(be), 1);
    assert_string_equal(fake_xs_get(BE "/state"), "2");
    assert_string_equal(fake_xs_get(BE "/feature-flush-cache"), "1");
    assert_int_equal(c.connect, 0);

    set(be, FE "/state", "3");
    assert_int_equal(c.connect, 1);
    assert_string_equal(fake_xs_get(BE "/state"), "4");
    set(be, FE "/state", "4");
    assert_int_equal(c.connect, 1); /* idempotent */

    set(be, FE "/state", "5");
    assert_int_equal(c.disconnect, 1);
    assert_string_equal(fake_xs_get(BE "/state"), "5");
    set(be, FE "/state", "6");
    assert_string_equal(fake_xs_get(BE "/state"), "6");
    assert_int_equal(c.disconnect, 1);

    /* The toolstack removes the device: the driver frees it. */
    fake_xs_rm("/local/domain/0/backend/vbd/5");
    pump(be);
    assert_int_equal(c.remove, 1);
    assert_int_equal(xenbus_backend_count(be), 0);
    xenbus_backend_destroy(be);
}

/* Mini-OS blkfront jumps from Initialising straight to Connected. */
static void test_minios_jump(void **state)
{
    struct calls c = {0};
    struct xenbus_backend *be;

    (void)state;
    assert_int_equal(xenbus_backend_create(xs_open(0), 0, &t_ops, &c, &be), 0);
    add_device(); /* after the backend started: found via the watch */
    pump(be);
    assert_int_equal(c.probe, 1);
    set(be, FE "/state", "4");
    assert_int_equal(c.connect, 1);
    assert_string_equal(fake_xs_get(BE "/state"), "4");
    /* Destroy with a connected device disconnects and removes it. */
    xenbus_backend_destroy(be);
    assert_int_equal(c.disconnect, 1);
    assert_int_equal(c.remove, 1);
}

static void test_probe_failure(void **state)
{
    struct calls c = {.probe_rc = -ENOENT};
    struct xenbus_backend *be;

    (void)state;
    be = serving(&c, NULL);
    assert_int_equal(c.probe, 1);
    assert_string_equal(fake_xs_get(BE "/state"), "5");
    assert_string_equal(fake_xs_get(BE "/hotplug-status"), "error");
    assert_non_null(strstr(fake_xs_get(BE "/hotplug-error"), "probe"));
    set(be, FE "/state", "3");
    assert_int_equal(c.connect, 0); /* never connects a failed device */
    xenbus_backend_destroy(be);
    assert_int_equal(c.remove, 0);
}

static void test_connect_failure(void **state)
{
    struct calls c = {.connect_rc = -EACCES};
    struct xenbus_backend *be;

    (void)state;
    be = serving(&c, "3");
    assert_int_equal(c.connect, 1);
    assert_string_equal(fake_xs_get(BE "/state"), "5");
    assert_int_equal(c.disconnect, 0);
    xenbus_backend_destroy(be);
    assert_int_equal(c.remove, 1);
}

/* libxl's detach: online=0 then state 5; backend goes Closed. */
static void test_offline(void **state)
{
    struct calls c = {0};
    struct xenbus_backend *be;

    (void)state;
    be = serving(&c, "4");
    assert_int_equal(c.connect, 1);
    set(be, BE "/online", "0");
    assert_int_equal(c.disconnect, 1);
    assert_string_equal(fake_xs_get(BE "/state"), "5");
    set(be, FE "/state", "6");
    assert_string_equal(fake_xs_get(BE "/state"), "6");
    assert_int_equal(c.remove, 1); /* resources go at Closed */
    /* Re-attached under the same devid: probed afresh. */
    fake_xs_set(FE "/state", "1");
    fake_xs_set(BE "/online", "1");
    set(be, BE "/state", "1");
    assert_int_equal(c.probe, 2);
    assert_string_equal(fake_xs_get(BE "/state"), "2");
    xenbus_backend_destroy(be);
    assert_int_equal(c.remove, 2);
}

/* The domain dies: its frontend directory vanishes. */
static void test_frontend_gone(void **state)
{
    struct calls c = {0};
    struct xenbus_backend *be;

    (void)state;
    be = serving(&c, "4");
    fake_xs_rm("/local/domain/5");
    pump(be);
    assert_int_equal(c.disconnect, 1);
    assert_string_equal(fake_xs_get(BE "/state"), "6");
    xenbus_backend_destroy(be);
}

/*
 * A backend restarted while its devices are connected (kill -9 blkback,
 * then xm daemons start) adopts them from the store: probe and connect
 * again, state stays Connected, the frontend is not asked to renegotiate.
 * A device left in InitWait is probed again and connects when the
 * frontend does.
 */
static void test_restart_adopts(void **state)
{
    struct calls c = {0};
    struct xenbus_backend *be;

    (void)state;
    be = serving(&c, "4");
    assert_string_equal(fake_xs_get(BE "/state"), "4");
    fake_xs_set("/local/domain/0/backend/vbd/6/1/frontend",
                "/local/domain/6/device/vbd/1");
    fake_xs_set("/local/domain/0/backend/vbd/6/1/state", "1");
    set(be, "/local/domain/6/device/vbd/1/state", "1");
    assert_string_equal(fake_xs_get("/local/domain/0/backend/vbd/6/1/state"),
                        "2");
    /* The daemon dies: nothing of it runs, the store keeps its states. */
    xenbus_backend_destroy(be);
    fake_xs_set(BE "/state", "4");
    fake_xs_set("/local/domain/0/backend/vbd/6/1/state", "2");
    memset(&c, 0, sizeof(c));

    assert_int_equal(xenbus_backend_create(xs_open(0), 0, &t_ops, &c, &be), 0);
    pump(be);
    assert_int_equal(xenbus_backend_count(be), 2);
    assert_int_equal(c.probe, 2);
    assert_int_equal(c.connect, 1);
    assert_string_equal(fake_xs_get(BE "/state"), "4");
    assert_string_equal(fake_xs_get("/local/domain/0/backend/vbd/6/1/state"),
                        "2");
    set(be, "/local/domain/6/device/vbd/1/state", "3");
    assert_int_equal(c.connect, 2);
    assert_string_equal(fake_xs_get("/local/domain/0/backend/vbd/6/1/state"),
                        "4");
    /* Adopted devices go away as any other. */
    set(be, FE "/state", "5");
    assert_int_equal(c.disconnect, 1);
    assert_string_equal(fake_xs_get(BE "/state"), "5");
    xenbus_backend_destroy(be);
    assert_int_equal(c.remove, 2);
}

/* Directories that are not devices, other kinds and junk paths. */
static void test_ignores_junk(void **state)
{
    struct calls c = {0};
    struct xenbus_backend *be;

    (void)state;
    fake_xs_set("/local/domain/0/backend/vbd/x/1/state", "1");
    fake_xs_set("/local/domain/0/backend/vbd/5/notanumber/state", "1");
    fake_xs_set("/local/domain/0/backend/vbd/5/7/params", "nostate");
    fake_xs_set("/local/domain/0/backend/vif/5/0/state", "1");
    assert_int_equal(xenbus_backend_create(xs_open(0), 0, &t_ops, &c, &be), 0);
    pump(be);
    assert_int_equal(xenbus_backend_handle(be, "/elsewhere", "xbbe:vbd"), 0);
    assert_int_equal(xenbus_backend_handle(be, BE, "other-token"), 0);
    assert_int_equal(c.probe, 0);
    assert_int_equal(xenbus_backend_count(be), 0);
    xenbus_backend_destroy(be);
}

UNIT_MAIN(cmocka_unit_test_setup(test_helpers, setup),
          cmocka_unit_test_setup(test_full_lifecycle, setup),
          cmocka_unit_test_setup(test_minios_jump, setup),
          cmocka_unit_test_setup(test_probe_failure, setup),
          cmocka_unit_test_setup(test_connect_failure, setup),
          cmocka_unit_test_setup(test_offline, setup),
          cmocka_unit_test_setup(test_frontend_gone, setup),
          cmocka_unit_test_setup(test_ignores_junk, setup),
          cmocka_unit_test_setup(test_restart_adopts, setup))
