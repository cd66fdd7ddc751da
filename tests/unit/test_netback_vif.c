/* SPDX-License-Identifier: GPL-2.0-only */
/* test_netback_vif.c: netback's taps on bridges (vif.c), in a private
 * network namespace of the test process (skipped without CAP_NET_ADMIN):
 * enslaved, up, MTU and address set, gone on destroy; the hotplug hook. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include "unit.h"

#include "netback/vif.h"

static int have_netns;

static int group_setup(void **state)
{
    (void)state;
    /* A network namespace, and a mount namespace so /sys shows it. */
    if (unshare(CLONE_NEWNET | CLONE_NEWNS) == 0 &&
        mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
        mount("sysfs", "/sys", "sysfs", 0, NULL) == 0 &&
        system("ip link add br-t0 type bridge && ip link set br-t0 up "
               "&& ip link add vt-a type veth peer name vt-b") == 0)
        have_netns = 1;
    return 0;
}

static void sysfs(const char *path, char *buf, size_t len)
{
    FILE *f = fopen(path, "r");

    buf[0] = '\0';
    if (!f)
        return;
    if (!fgets(buf, (int)len, f))
        buf[0] = '\0';
    fclose(f);
    buf[strcspn(buf, "\n")] = '\0';
}

static void test_tap_on_bridge(void **state)
{
    struct nbvif *v;
    char buf[64], link[256];
    ssize_t n;
    struct stat st;

    (void)state;
    if (!have_netns)
        skip();
    assert_int_equal(nbvif_create("vif4.0", "br-t0", 1400, &v), 0);
    assert_string_equal(nbvif_name(v), "vif4.0");
    assert_true(nbvif_fd(v) >= 0);
    n = readlink("/sys/class/net/vif4.0/master", link, sizeof(link) - 1);
    assert_true(n > 0);
    link[n] = '\0';
    assert_non_null(strstr(link, "br-t0"));
    sysfs("/sys/class/net/vif4.0/mtu", buf, sizeof(buf));
    assert_string_equal(buf, "1400");
    sysfs("/sys/class/net/vif4.0/address", buf, sizeof(buf));
    assert_string_equal(buf, "fe:ff:ff:ff:ff:ff");
    sysfs("/sys/class/net/vif4.0/flags", buf, sizeof(buf));
    assert_true(strtoul(buf, NULL, 16) & 1); /* IFF_UP */
    nbvif_destroy(v);
    assert_int_equal(stat("/sys/class/net/vif4.0", &st), -1);
    assert_int_equal(stat("/sys/class/net/br-t0/brif/vif4.0", &st), -1);
}

static void test_errors(void **state)
{
    struct nbvif *v;

    (void)state;
    if (!have_netns)
        skip();
    assert_int_equal(nbvif_create("vif4.1", "xenbr-none", 1500, &v), -ENODEV);
    assert_int_equal(nbvif_create("vif4.1", "vt-a", 1500, &v), -ENODEV);
    assert_int_equal(nbvif_create("a-name-far-too-long", "br-t0", 1500, &v),
                     -EINVAL);
    assert_int_equal(nbvif_create("", "br-t0", 1500, &v), -EINVAL);
    assert_null(v);
}

static void test_script(void **state)
{
    char dir[] = "/tmp/test_vif.XXXXXX", script[64], out[96], buf[256];
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(script, sizeof(script), "%s/vif-test", dir);
    snprintf(out, sizeof(out), "%s/out", dir);
    f = fopen(script, "w");
    assert_non_null(f);
    fprintf(f,
            "#!/bin/sh\necho \"$1 $vif $XENBUS_PATH $XENBUS_TYPE\" > %s\n"
            "[ \"$1\" = online ]\n",
            out);
    fclose(f);
    chmod(script, 0755);
    assert_int_equal(nbvif_run_script(script, "online",
                                      "/local/domain/0/backend/vif/4/0",
                                      "vif4.0"),
                     0);
    sysfs(out, buf, sizeof(buf));
    assert_string_equal(buf,
                        "online vif4.0 /local/domain/0/backend/vif/4/0 vif");
    assert_int_equal(nbvif_run_script(script, "offline", "/x", "vif4.0"), -EIO);
    assert_int_equal(nbvif_run_script("/nonexistent", "online", "/x", "v"),
                     -EIO);
    assert_int_equal(unit_rm_rf(dir), 0);
}

UNIT_MAIN_GROUP(group_setup, NULL, cmocka_unit_test(test_tap_on_bridge),
                cmocka_unit_test(test_errors), cmocka_unit_test(test_script))
