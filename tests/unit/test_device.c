/* SPDX-License-Identifier: GPL-2.0-only */
/* test_device.c: toolstack/device store entries (libxl's keys, perms and
 * libxl copy), waits, removal and xl's list rows, on fake_xs.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include "unit.h"

#include "device/attach.h"
#include "device/device.h"
#include "fake_xs.h"

#define BE "/local/domain/0/backend/vbd/5/51712"
#define FE "/local/domain/5/device/vbd/51712"
#define LX "/libxl/5/device/vbd/51712"

static int setup(void **state)
{
    (void)state;
    fake_xs_reset();
    return 0;
}

static struct device_vbd vbd(uint32_t devid, const char *vdev)
{
    struct device_vbd d = {
        .domid = 5,
        .devid = devid,
        .vdev = vdev,
        .target = "/srv/disk.img",
        .readwrite = 1,
        .discard = -1,
    };

    return d;
}

static void test_vbd_add(void **state)
{
    struct device_vbd d = vbd(51712, "xvda");

    (void)state;
    assert_int_equal(device_vbd_add(xs_open(0), &d), 0);
    assert_string_equal(fake_xs_get(BE "/params"), "/srv/disk.img");
    assert_string_equal(fake_xs_get(BE "/frontend"), FE);
    assert_string_equal(fake_xs_get(BE "/frontend-id"), "5");
    assert_string_equal(fake_xs_get(BE "/online"), "1");
    assert_string_equal(fake_xs_get(BE "/state"), "1");
    assert_string_equal(fake_xs_get(BE "/dev"), "xvda");
    assert_string_equal(fake_xs_get(BE "/type"), "phy");
    assert_string_equal(fake_xs_get(BE "/mode"), "w");
    assert_string_equal(fake_xs_get(BE "/device-type"), "disk");
    assert_string_equal(fake_xs_get(BE "/removable"), "0");
    assert_null(fake_xs_get(BE "/script"));
    assert_null(fake_xs_get(BE "/discard-enable"));
    assert_string_equal(fake_xs_get(FE "/backend"), BE);
    assert_string_equal(fake_xs_get(FE "/backend-id"), "0");
    assert_string_equal(fake_xs_get(FE "/state"), "1");
    assert_string_equal(fake_xs_get(FE "/virtual-device"), "51712");
    assert_string_equal(fake_xs_get(LX "/frontend"), FE);
    assert_string_equal(fake_xs_get(LX "/backend"), BE);
    assert_string_equal(fake_xs_get(LX "/params"), "/srv/disk.img");
    /* The guest owns its frontend; the backend is read-only to it. */
    assert_string_equal(fake_xs_perms(FE), "n5,r0");
    assert_string_equal(fake_xs_perms(FE "/state"), "n5,r0");
    assert_string_equal(fake_xs_perms(BE), "n0,r5");
    assert_string_equal(fake_xs_perms(BE "/params"), "n0,r5");

    /* Read-only cdrom with script and discard. */
    d = vbd(51728, "xvdb");
    d.readwrite = 0;
    d.is_cdrom = 1;
    d.script = "/etc/xen/scripts/block";
    d.discard = 1;
    assert_int_equal(device_vbd_add(xs_open(0), &d), 0);
    assert_string_equal(fake_xs_get("/local/domain/0/backend/vbd/5/51728/mode"),
                        "r");
    assert_string_equal(
        fake_xs_get("/local/domain/0/backend/vbd/5/51728/device-type"),
        "cdrom");
    assert_string_equal(
        fake_xs_get("/local/domain/0/backend/vbd/5/51728/discard-enable"), "1");
    assert_string_equal(
        fake_xs_get("/local/domain/0/backend/vbd/5/51728/script"),
        "/etc/xen/scripts/block");

    d.target = NULL;
    assert_int_equal(device_vbd_add(xs_open(0), &d), -EINVAL);
}

static void test_vbd_replaces_stale(void **state)
{
    struct device_vbd d = vbd(51712, "xvda");

    (void)state;
    fake_xs_set(BE "/stale-key", "x");
    fake_xs_set(FE "/ring-ref", "99");
    fake_xs_fail_tx(3); /* EAGAIN thrice: retried */
    assert_int_equal(device_vbd_add(xs_open(0), &d), 0);
    assert_null(fake_xs_get(BE "/stale-key"));
    assert_null(fake_xs_get(FE "/ring-ref"));
    assert_string_equal(fake_xs_get(BE "/state"), "1");
}

static void test_vif_add(void **state)
{
    struct device_vif v = {
        .domid = 7,
        .devid = 1,
        .mac = {0x00, 0x16, 0x3e, 0x0a, 0xbb, 0x0c},
    };
    const char *be = "/local/domain/0/backend/vif/7/1";
    const char *fe = "/local/domain/7/device/vif/1";
    char p[128];

    (void)state;
    assert_int_equal(device_vif_add(xs_open(0), &v), 0);
#define G(dir, k) (snprintf(p, sizeof(p), "%s/%s", dir, k), fake_xs_get(p))
    assert_string_equal(G(be, "mac"), "00:16:3e:0a:bb:0c");
    assert_string_equal(G(be, "bridge"), "xenbr0");
    assert_string_equal(G(be, "handle"), "1");
    assert_string_equal(G(be, "type"), "vif");
    assert_string_equal(G(be, "frontend-id"), "7");
    assert_null(G(be, "mtu"));
    assert_null(G(be, "vifname"));
    assert_null(G(be, "rate"));
    assert_string_equal(G(fe, "mac"), "00:16:3e:0a:bb:0c");
    assert_string_equal(G(fe, "handle"), "1");
    assert_string_equal(G(fe, "mtu"), "1500");
    snprintf(p, sizeof(p), "%s/mtu", fe);
    assert_string_equal(fake_xs_perms(p), "n0,r7"); /* read-only to guest */

    v.devid = 2;
    v.bridge = "br-test";
    v.vifname = "myvif";
    v.mtu = 9000;
    v.rate_bytes_per_interval = 100000;
    v.rate_interval_usecs = 50000;
    v.ip = "10.0.0.2";
    assert_int_equal(device_vif_add(xs_open(0), &v), 0);
    be = "/local/domain/0/backend/vif/7/2";
    assert_string_equal(G(be, "bridge"), "br-test");
    assert_string_equal(G(be, "vifname"), "myvif");
    assert_string_equal(G(be, "mtu"), "9000");
    assert_string_equal(G(be, "rate"), "100000,50000");
    assert_string_equal(G(be, "ip"), "10.0.0.2");
#undef G
    v.mac[0] = 0x01; /* multicast */
    assert_int_equal(device_vif_add(xs_open(0), &v), -EINVAL);
}

static void test_console_add(void **state)
{
    (void)state;
    assert_int_equal(device_console_add(xs_open(0), 3, 0, 1234, 2), 0);
    assert_string_equal(fake_xs_get("/local/domain/3/console/ring-ref"),
                        "1234");
    assert_string_equal(fake_xs_get("/local/domain/3/console/port"), "2");
    assert_string_equal(fake_xs_get("/local/domain/3/console/type"),
                        "xenconsoled");
    assert_string_equal(fake_xs_get("/local/domain/3/console/output"), "pty");
    assert_string_equal(fake_xs_get("/local/domain/3/console/tty"), "");
    assert_string_equal(fake_xs_get("/local/domain/3/console/limit"),
                        "1048576");
    assert_string_equal(fake_xs_perms("/local/domain/3/console"), "n0,r3");
    assert_string_equal(
        fake_xs_get("/local/domain/0/backend/console/3/0/protocol"), "vt100");
    assert_string_equal(
        fake_xs_get("/local/domain/0/backend/console/3/0/frontend"),
        "/local/domain/3/console");
}

static void test_wait(void **state)
{
    struct device_vbd d = vbd(51712, "xvda");
    struct xs_handle *xs = xs_open(0);

    (void)state;
    assert_int_equal(device_vbd_add(xs, &d), 0);
    assert_int_equal(
        device_wait_backend(xs, "vbd", 5, 51712, 0, XenbusStateInitWait, 50),
        -ETIMEDOUT);
    fake_xs_set(BE "/state", "2");
    assert_int_equal(
        device_wait_backend(xs, "vbd", 5, 51712, 0, XenbusStateInitWait, 50),
        0);
    fake_xs_set(BE "/state", "5");
    assert_int_equal(
        device_wait_backend(xs, "vbd", 5, 51712, 0, XenbusStateInitWait, 50),
        -EIO);
    fake_xs_set(BE "/state", "1");
    fake_xs_set(BE "/hotplug-status", "error");
    assert_int_equal(
        device_wait_backend(xs, "vbd", 5, 51712, 0, XenbusStateInitWait, 50),
        -EIO);
}

static void test_remove(void **state)
{
    struct device_vbd d = vbd(51712, "xvda");
    struct xs_handle *xs = xs_open(0);

    (void)state;
    assert_int_equal(device_vbd_add(xs, &d), 0);
    /* A backend that never answers: entries go anyway, caller is told. */
    assert_int_equal(device_remove(xs, "vbd", 5, 51712, 0, 50), -ETIMEDOUT);
    assert_null(fake_xs_get(BE));
    assert_null(fake_xs_get(FE));
    assert_null(fake_xs_get(LX));
    assert_int_equal(device_remove(xs, "vbd", 5, 51712, 0, 0), -ENOENT);

    /* A backend already Closed: no waiting. */
    assert_int_equal(device_vbd_add(xs, &d), 0);
    fake_xs_set(BE "/state", "6");
    fake_xs_set(BE "/online", "1");
    assert_int_equal(device_remove(xs, "vbd", 5, 51712, 0, 0), 0);
    assert_null(fake_xs_get(BE));
}

static void test_list_find(void **state)
{
    struct device_vbd a = vbd(51728, "xvdb"), b = vbd(51712, "xvda");
    struct xs_handle *xs = xs_open(0);
    uint32_t ids[4], id;

    (void)state;
    assert_int_equal(device_list(xs, "vbd", 5, ids, 4), 0);
    assert_int_equal(device_vbd_add(xs, &a), 0);
    assert_int_equal(device_vbd_add(xs, &b), 0);
    assert_int_equal(device_list(xs, "vbd", 5, ids, 4), 2);
    assert_int_equal(ids[0], 51712);
    assert_int_equal(ids[1], 51728);
    assert_int_equal(device_vbd_find(xs, 5, "xvdb", &id), 0);
    assert_int_equal(id, 51728);
    assert_int_equal(device_vbd_find(xs, 5, "51712", &id), 0);
    assert_int_equal(id, 51712);
    assert_int_equal(device_vbd_find(xs, 5, "xvdc", &id), -ENOENT);
    assert_int_equal(device_backend_domid(xs, "vbd", 5, 51712, &id), 0);
    assert_int_equal(id, 0);
}

static void test_list_output(void **state)
{
    struct device_vbd d = vbd(51712, "xvda");
    struct device_vif v = {
        .domid = 5,
        .devid = 0,
        .mac = {0x00, 0x16, 0x3e, 0x01, 0x02, 0x03},
    };
    struct xs_handle *xs = xs_open(0);
    char *buf;
    size_t len;
    FILE *f;

    (void)state;
    assert_int_equal(device_vbd_add(xs, &d), 0);
    assert_int_equal(device_vif_add(xs, &v), 0);
    fake_xs_set(FE "/state", "4");
    fake_xs_set(FE "/event-channel", "9");
    fake_xs_set(FE "/ring-ref", "8");
    fake_xs_set("/local/domain/5/device/vif/0/state", "4");
    fake_xs_set("/local/domain/5/device/vif/0/event-channel", "10");
    fake_xs_set("/local/domain/5/device/vif/0/tx-ring-ref", "768");
    fake_xs_set("/local/domain/5/device/vif/0/rx-ring-ref", "769");
    f = open_memstream(&buf, &len);
    device_block_list_header(f);
    assert_int_equal(device_block_list(xs, 5, f), 1);
    device_network_list_header(f);
    assert_int_equal(device_network_list(xs, 5, f), 1);
    fclose(f);
    assert_string_equal(
        buf, "Vdev  BE  handle state evt-ch ring-ref BE-path                   "
             "    \n"
             "51712 0   5      4     9      8        "
             "/local/domain/0/backend/vbd/5/51712\n"
             "Idx BE Mac Addr.         handle state evt-ch   tx-/rx-ring-ref "
             "BE-path                       \n"
             "0   0  00:16:3e:01:02:03     0     4     10   768/769         "
             "/local/domain/0/backend/vif/5/0\n");
    free(buf);
}

/* A stand-in backend: InitWait for good devices, an error for "/bad". */
static void fake_backend(const char *path, const char *val)
{
    char dir[256], p[300];
    const char *params;

    if (strncmp(path, "/local/domain/0/backend/", 24) ||
        strcmp(path + strlen(path) - 6, "/state") || strcmp(val, "1"))
        return;
    snprintf(dir, sizeof(dir), "%.*s", (int)(strlen(path) - 6), path);
    snprintf(p, sizeof(p), "%s/params", dir);
    params = fake_xs_get(p);
    if (params && !strcmp(params, "/bad")) {
        snprintf(p, sizeof(p), "%s/hotplug-error", dir);
        fake_xs_set(p, "/bad: No such file or directory");
        snprintf(p, sizeof(p), "%s/hotplug-status", dir);
        fake_xs_set(p, "error");
        return;
    }
    snprintf(p, sizeof(p), "%s/state", dir);
    fake_xs_set(p, "2");
}

static struct disk_spec spec(const char *target, const char *vdev, int devid)
{
    struct disk_spec d;

    memset(&d, 0, sizeof(d));
    d.pdev_path = (char *)(uintptr_t)target;
    d.vdev = (char *)(uintptr_t)vdev;
    d.devid = devid;
    d.format = DISK_FORMAT_RAW;
    d.readwrite = 1;
    d.discard_enable = -1;
    return d;
}

static void test_attach_disk(void **state)
{
    struct xs_handle *xs = xs_open(0);
    struct disk_spec d = spec("/srv/a.img", "xvdb", 51728);
    char err[256];

    (void)state;
    fake_xs_on_write(fake_backend);
    assert_int_equal(device_attach_disk(xs, 5, &d, 1000, err, sizeof(err)), 0);
    assert_string_equal(
        fake_xs_get("/local/domain/0/backend/vbd/5/51728/params"),
        "/srv/a.img");
    assert_string_equal(
        fake_xs_get("/local/domain/0/backend/vbd/5/51728/state"), "2");
    /* Same vdev again. */
    assert_int_equal(device_attach_disk(xs, 5, &d, 1000, err, sizeof(err)),
                     -EEXIST);
    /* The backend refuses: nothing left behind, its reason reported. */
    d = spec("/bad", "xvdc", 51744);
    assert_int_equal(device_attach_disk(xs, 5, &d, 1000, err, sizeof(err)),
                     -EIO);
    assert_non_null(strstr(err, "No such file"));
    assert_null(fake_xs_get("/local/domain/0/backend/vbd/5/51744"));
    assert_null(fake_xs_get("/libxl/5/device/vbd/51744"));
    /* No backend at all. */
    fake_xs_on_write(NULL);
    d = spec("/srv/c.img", "xvdd", 51760);
    assert_int_equal(device_attach_disk(xs, 5, &d, 100, err, sizeof(err)),
                     -ETIMEDOUT);
    assert_non_null(strstr(err, "blkback"));
    assert_null(fake_xs_get("/local/domain/5/device/vbd/51760"));
    /* What blkback does not serve. */
    d.format = DISK_FORMAT_QCOW2;
    assert_int_equal(device_attach_disk(xs, 5, &d, 100, err, sizeof(err)),
                     -ENOTSUP);
    assert_non_null(strstr(err, "qcow2"));
    d = spec("/srv/c.img", "xvdd", 51760);
    d.backend_domname = (char *)(uintptr_t) "stubdom";
    assert_int_equal(device_attach_disk(xs, 5, &d, 100, err, sizeof(err)),
                     -ENOTSUP);
    d = spec(NULL, "hdc", 5632);
    d.is_cdrom = 1;
    assert_int_equal(device_attach_disk(xs, 5, &d, 100, err, sizeof(err)),
                     -ENOTSUP);

    /* Detach by name; then it is gone. */
    assert_int_equal(device_detach_disk(xs, 5, "xvdb", 0), 0);
    assert_null(fake_xs_get("/local/domain/0/backend/vbd/5/51728"));
    assert_int_equal(device_detach_disk(xs, 5, "xvdb", 0), -ENOENT);
}

static void test_attach_nic(void **state)
{
    struct xs_handle *xs = xs_open(0);
    struct vif_spec v;
    uint32_t devid;
    char err[256];
    const char *mac;

    (void)state;
    fake_xs_on_write(fake_backend);
    memset(&v, 0, sizeof(v));
    v.devid = -1;
    assert_int_equal(
        device_attach_nic(xs, 4, &v, 1000, &devid, err, sizeof(err)), 0);
    assert_int_equal(devid, 0);
    mac = fake_xs_get("/local/domain/0/backend/vif/4/0/mac");
    assert_non_null(mac);
    assert_memory_equal(mac, "00:16:3e:", 9);
    assert_true(strchr("01234567", mac[9]) != NULL);
    v.has_mac = 1;
    memcpy(v.mac, "\x00\x16\x3e\x00\x00\x02", 6);
    v.bridge = (char *)(uintptr_t) "br1";
    assert_int_equal(
        device_attach_nic(xs, 4, &v, 1000, &devid, err, sizeof(err)), 0);
    assert_int_equal(devid, 1);
    assert_int_equal(device_next_devid(xs, "vif", 4), 2);
    assert_string_equal(fake_xs_get("/local/domain/0/backend/vif/4/1/bridge"),
                        "br1");
    v.devid = 1;
    assert_int_equal(
        device_attach_nic(xs, 4, &v, 1000, &devid, err, sizeof(err)), -EEXIST);
    /* Detach by MAC (any case) and by devid. */
    assert_int_equal(device_detach_nic(xs, 4, "00:16:3E:00:00:02", 0), 0);
    assert_null(fake_xs_get("/local/domain/0/backend/vif/4/1"));
    assert_int_equal(device_detach_nic(xs, 4, "0", 0), 0);
    assert_int_equal(device_detach_nic(xs, 4, "0", 0), -ENOENT);
}

static void test_remove_all(void **state)
{
    struct xs_handle *xs = xs_open(0);
    struct device_vbd d = vbd(51712, "xvda");
    struct device_vif v = {.domid = 5};

    (void)state;
    assert_int_equal(device_vbd_add(xs, &d), 0);
    assert_int_equal(device_vif_add(xs, &v), 0);
    assert_int_equal(device_console_add(xs, 5, 0, 1, 2), 0);
    device_remove_all(xs, 5);
    assert_null(fake_xs_get(BE));
    assert_null(fake_xs_get("/local/domain/0/backend/vif/5/0"));
    assert_null(fake_xs_get("/local/domain/0/backend/console/5/0"));
    assert_null(fake_xs_get("/local/domain/5/console"));
    assert_int_equal(device_list(xs, "vbd", 5, NULL, 0), 0);
}

UNIT_MAIN(cmocka_unit_test_setup(test_vbd_add, setup),
          cmocka_unit_test_setup(test_vbd_replaces_stale, setup),
          cmocka_unit_test_setup(test_vif_add, setup),
          cmocka_unit_test_setup(test_console_add, setup),
          cmocka_unit_test_setup(test_wait, setup),
          cmocka_unit_test_setup(test_remove, setup),
          cmocka_unit_test_setup(test_list_find, setup),
          cmocka_unit_test_setup(test_list_output, setup),
          cmocka_unit_test_setup(test_attach_disk, setup),
          cmocka_unit_test_setup(test_attach_nic, setup),
          cmocka_unit_test_setup(test_remove_all, setup))
