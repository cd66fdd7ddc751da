/* SPDX-License-Identifier: GPL-2.0-only */
/* test_dm_argv.c: dm/argv.c golden QEMU command lines, dm/launch.c choices. */
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

#include "dm/dm.h"

/* c's argv, which must build, joined with single spaces for one-line
 * golden comparisons (the caller frees it). */
static char *build(const struct dm_config *c)
{
    struct dm_argv a;
    char err[128] = "";
    size_t i, len = 1;
    char *s;

    assert_int_equal(dm_argv_build(c, &a, err, sizeof(err)), 0);
    assert_null(a.v[a.n]);
    for (i = 0; i < a.n; i++)
        len += strlen(a.v[i]) + 1;
    s = calloc(1, len);
    assert_non_null(s);
    for (i = 0; i < a.n; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, a.v[i]);
    }
    dm_argv_fini(&a);
    return s;
}

static void base_config(struct dm_config *c)
{
    memset(c, 0, sizeof(*c));
    c->domid = 7;
    c->name = "hvm1";
    c->memory_mb = 256;
    c->vcpus = 1;
    c->accel = "tcg";
    c->qemu = "qemu-system-x86_64";
    c->qmp_path = "/run/xen/qmp-libxl-7";
    c->vncdisplay = -1;
}

#define HEAD                                                                   \
    "qemu-system-x86_64 -name hvm1,debug-threads=on -machine "                 \
    "pc,accel=tcg -m 256 -smp 1,maxcpus=1 -S -no-user-config "                 \
    "-nodefaults -action shutdown=pause,panic=pause "                          \
    "-device pvpanic -chardev socket,id=libxl-cmd,path="                       \
    "/run/xen/qmp-libxl-7,server=on,wait=off -mon "                            \
    "chardev=libxl-cmd,mode=control"

static void test_minimal(void **state)
{
    struct dm_config c;
    char *s;

    (void)state;
    base_config(&c);
    s = build(&c);
    assert_string_equal(s, HEAD " -boot order=cd -rtc base=utc -display none "
                                "-vga std");
    free(s);
}

/* pvstack-dm start: QEMU's own poweroff/panic behaviour, no -action. */
static void test_bare(void **state)
{
    struct dm_config c;
    char *s;

    (void)state;
    base_config(&c);
    c.bare = 1;
    s = build(&c);
    assert_null(strstr(s, "-action"));
    assert_non_null(strstr(s, " -nodefaults -device pvpanic "));
    free(s);
}

static void test_full(void **state)
{
    static const struct dm_disk disks[] = {
        {"/srv/a,b.img", "hda", "raw", 0, 0},
        {"/srv/d.iso", "hdc", NULL, 0, 1},
        {"/srv/q.qcow2", "xvdb", "qcow2", 0, 0},
        {"/dev/vg0/lv", "sda", NULL, 1, 0},
        {NULL, "hdd", NULL, 0, 1},
    };
    struct dm_nic nics[2] = {
        {{0x00, 0x16, 0x3e, 0x01, 0x02, 0x03}, NULL, NULL, 9},
        {{0x00, 0x16, 0x3e, 0x0a, 0x0b, 0x0c}, "e1000", "vif7.1", -1},
    };
    char *extra[] = {"-cpu", "max"};
    struct dm_config c;
    char *s;

    (void)state;
    base_config(&c);
    c.uuid = "3c9a5d42-1111-2222-3333-444455556666";
    c.vcpus = 2;
    c.maxvcpus = 4;
    c.boot = "dc";
    c.disks = disks;
    c.nr_disks = 5;
    c.nics = nics;
    c.nr_nics = 2;
    c.serial_pty = 1;
    c.vnc = 1;
    c.vnclisten = "0.0.0.0";
    c.vncunused = 1;
    c.usb = 1;
    c.localtime = 1;
    c.kernel = "/boot/vmlinuz";
    c.ramdisk = "/boot/initrd.img";
    c.cmdline = "console=ttyS0 root=/dev/sda";
    c.extra_args = extra;
    c.nr_extra = 2;
    c.event_path = "/run/xen/qmp-event-7";
    s = build(&c);
    assert_string_equal(
        s, "qemu-system-x86_64 -name hvm1,debug-threads=on "
           "-uuid 3c9a5d42-1111-2222-3333-444455556666 -machine pc,accel=tcg "
           "-m 256 -smp 2,maxcpus=4 -S -no-user-config -nodefaults "
           "-action shutdown=pause,panic=pause -device pvpanic "
           "-chardev socket,id=libxl-cmd,path=/run/xen/qmp-libxl-7,server=on,"
           "wait=off -mon chardev=libxl-cmd,mode=control "
           "-chardev socket,id=pvstack-ev,path=/run/xen/qmp-event-7,server=on,"
           "wait=off -mon chardev=pvstack-ev,mode=control "
           "-boot order=dc -rtc base=localtime "
           "-chardev pty,id=serial0 -serial chardev:serial0 "
           "-vnc 0.0.0.0:0,to=99 -vga std -usb "
           "-device lsi53c895a,id=scsi0 "
           "-drive "
           "file=/srv/a,,b.img,if=ide,index=0,media=disk,format=raw,id=ide-0 "
           "-drive file=/srv/d.iso,if=ide,index=2,media=cdrom,format=raw,"
           "readonly=on,id=ide-2 "
           "-drive file=/srv/q.qcow2,if=ide,index=1,media=disk,format=qcow2,"
           "id=ide-1 "
           "-drive file=/dev/vg0/lv,if=none,id=scsi0-0,format=raw,readonly=on "
           "-device scsi-hd,bus=scsi0.0,scsi-id=0,drive=scsi0-0 "
           "-drive if=ide,index=3,media=cdrom,readonly=on,id=ide-3 "
           "-device rtl8139,id=nic0,netdev=net0,mac=00:16:3e:01:02:03 "
           "-netdev type=tap,id=net0,fd=9 "
           "-device e1000,id=nic1,netdev=net1,mac=00:16:3e:0a:0b:0c "
           "-netdev type=tap,id=net1,ifname=vif7.1,script=no,downscript=no "
           "-kernel /boot/vmlinuz -initrd /boot/initrd.img "
           "-append console=ttyS0 root=/dev/sda -cpu max");
    free(s);
}

static void test_display(void **state)
{
    struct dm_config c;
    char *s;

    (void)state;
    base_config(&c);
    c.sdl = 1;
    c.vnc = 1;
    c.vncdisplay = 5;
    s = build(&c);
    assert_non_null(strstr(s, " -vnc 127.0.0.1:5 -display sdl -vga std"));
    assert_null(strstr(s, "none"));
    free(s);
    /* vncpasswd: QEMU refuses clients until QMP sets it (libxl) */
    c.vncpasswd = "s3cret";
    s = build(&c);
    assert_non_null(strstr(s, " -vnc 127.0.0.1:5,password=on "));
    assert_null(strstr(s, "s3cret")); /* never on the command line */
    free(s);
    c.vncpasswd = "";
    s = build(&c);
    assert_null(strstr(s, "password"));
    free(s);
}

static void expect_einval(struct dm_config *c, const char *msg_part)
{
    struct dm_argv a;
    char err[160] = "";

    assert_int_equal(dm_argv_build(c, &a, err, sizeof(err)), -EINVAL);
    if (!strstr(err, msg_part))
        fail_msg("error '%s' lacks '%s'", err, msg_part);
    dm_argv_fini(&a);
}

static void test_errors(void **state)
{
    struct dm_disk d[2] = {{"/a", "xvde", NULL, 0, 0},
                           {"/b", "hda", NULL, 0, 0}};
    struct dm_nic n = {{0}, "fancy", NULL, 3};
    struct dm_config c;

    (void)state;
    base_config(&c);
    c.disks = d;
    c.nr_disks = 1;
    expect_einval(&c, "xvde");
    d[0].vdev = "xvda1";
    c.nr_disks = 2;
    expect_einval(&c, "already IDE disk 0");
    d[0].vdev = "hdb";
    d[1].format = "vmdk-ish";
    expect_einval(&c, "format 'vmdk-ish'");
    d[1].format = NULL;
    d[1].readonly = 1;
    expect_einval(&c, "read-only IDE");
    d[1].readonly = 0;
    d[1].target = NULL;
    expect_einval(&c, "no target");
    base_config(&c);
    c.nics = &n;
    c.nr_nics = 1;
    expect_einval(&c, "model 'fancy'");
    base_config(&c);
    c.ramdisk = "/x";
    expect_einval(&c, "without kernel");
    base_config(&c);
    c.memory_mb = 0;
    expect_einval(&c, "memory");
    base_config(&c);
    c.name = "";
    expect_einval(&c, "name");
}

static void test_accel_and_paths(void **state)
{
    char buf[256];

    (void)state;
    unsetenv("PVSTACK_DM_ACCEL");
    assert_string_equal(dm_accel_choose("kvm"), "kvm");
    assert_string_equal(dm_accel_choose("tcg"), "tcg");
    assert_null(dm_accel_choose("xen"));
    setenv("PVSTACK_DM_ACCEL", "tcg", 1);
    assert_string_equal(dm_accel_choose(NULL), "tcg");
    assert_string_equal(dm_accel_choose("kvm"), "kvm"); /* the cfg wins */
    setenv("PVSTACK_DM_ACCEL", "hax", 1);
    assert_null(dm_accel_choose(NULL));
    unsetenv("PVSTACK_DM_ACCEL");
    assert_non_null(dm_accel_choose(NULL));

    setenv("PVSTACK_ROOT", "/tmp/r", 1);
    assert_int_equal(dm_qmp_path(12, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/tmp/r/run/xen/qmp-libxl-12");
    assert_int_equal(dm_log_path("web", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/tmp/r/var/log/xen/qemu-dm-web.log");
    assert_int_equal(dm_log_path("../x", buf, sizeof(buf)), -EINVAL);
    assert_int_equal(dm_qmp_path(12, buf, 10), -ENAMETOOLONG);
    unsetenv("PVSTACK_ROOT");
    setenv("PVSTACK_QEMU", "/opt/qemu", 1);
    assert_string_equal(dm_qemu_path(), "/opt/qemu");
    unsetenv("PVSTACK_QEMU");
    assert_string_equal(dm_qemu_path(), "qemu-system-x86_64");
}

UNIT_MAIN(cmocka_unit_test(test_minimal), cmocka_unit_test(test_full),
          cmocka_unit_test(test_display), cmocka_unit_test(test_errors),
          cmocka_unit_test(test_accel_and_paths), cmocka_unit_test(test_bare))
