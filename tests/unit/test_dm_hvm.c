/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_dm_hvm.c: dm/hvm.c: HVM cfgs (parsed by the real cfg library) to
 * golden QEMU command lines, cfg errors; dm_hvm_list.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include "unit.h"

#include "cfg/cfg.h"
#include "dm/hvm.h"

static const uint8_t uuid[16] = {0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc,
                                 0xde, 0xf0, 0x01, 0x23, 0x45, 0x67,
                                 0x89, 0xab, 0xcd, 0xef};

/* Parse cfg text, build the HVM settings for domid 5 and the argv. */
static int build(const char *text, char **argv_out, struct dm_hvm **h_out,
                 char *err, size_t errlen)
{
    struct domain_config *cfg = NULL;
    struct dm_argv a;
    size_t i, len = 1;
    int rc;

    *argv_out = NULL;
    *h_out = NULL;
    rc = cfg_parse_buf(text, strlen(text), "t.cfg", NULL, &cfg, stderr);
    assert_int_equal(rc, 0);
    rc = dm_hvm_config(cfg, 5, uuid, h_out, err, errlen);
    domain_config_free(cfg); /* the settings must not borrow from it */
    if (rc)
        return rc;
    rc = dm_argv_build(dm_hvm_settings(*h_out), &a, err, errlen);
    if (rc) {
        dm_argv_fini(&a);
        return rc;
    }
    for (i = 0; i < a.n; i++)
        len += strlen(a.v[i]) + 1;
    *argv_out = calloc(1, len);
    assert_non_null(*argv_out);
    for (i = 0; i < a.n; i++) {
        if (i)
            strcat(*argv_out, " ");
        strcat(*argv_out, a.v[i]);
    }
    dm_argv_fini(&a);
    return 0;
}

static void test_xlexample_hvm(void **state)
{
    struct dm_hvm *h;
    char err[256] = "", *s;

    (void)state;
    setenv("PVSTACK_ROOT", "/r", 1);
    setenv("PVSTACK_QEMU", "qemu-system-x86_64", 1);
    assert_int_equal(build("type = \"hvm\"\n"
                           "name = \"win\"\n"
                           "memory = 512\n"
                           "vcpus = 2\n"
                           "boot = \"dc\"\n"
                           "disk = [ 'file:/srv/win.img,hda,w', "
                           "'/srv/inst.iso,,hdc:cdrom,r', "
                           "'format=qcow2,vdev=hdb,target=/srv/data.qcow2' ]\n"
                           "vif = [ 'mac=00:16:3e:aa:bb:cc,bridge=br1,"
                           "model=e1000' ]\n"
                           "serial = 'pty'\n"
                           "vnc = 1\nvnclisten = '0.0.0.0'\nvncdisplay = 3\n"
                           "usb = 1\nlocaltime = 1\n"
                           "device_model_accel = 'tcg'\n"
                           "device_model_args = [ '-cpu', 'max' ]\n"
                           "on_poweroff = 'preserve'\non_reboot = 'destroy'\n"
                           "on_crash = 'restart'\n",
                           &s, &h, err, sizeof(err)),
                     0);
    assert_string_equal(
        s,
        "qemu-system-x86_64 -name win,debug-threads=on "
        "-uuid 12345678-9abc-def0-0123-456789abcdef -machine pc,accel=tcg "
        "-m 512 -smp 2,maxcpus=2 -S -no-user-config -nodefaults "
        "-action shutdown=pause,panic=pause -device pvpanic "
        "-chardev socket,id=libxl-cmd,path=/r/run/xen/qmp-libxl-5,server=on,"
        "wait=off -mon chardev=libxl-cmd,mode=control "
        "-chardev socket,id=pvstack-ev,path=/r/run/xen/qmp-event-5,server=on,"
        "wait=off -mon chardev=pvstack-ev,mode=control "
        "-boot order=dc -rtc base=localtime "
        "-chardev pty,id=serial0 -serial chardev:serial0 "
        "-vnc 0.0.0.0:3,to=99 -vga std -usb "
        "-drive "
        "file=/srv/win.img,if=ide,index=0,media=disk,format=raw,id=ide-0 "
        "-drive file=/srv/inst.iso,if=ide,index=2,media=cdrom,format=raw,"
        "readonly=on,id=ide-2 "
        "-drive file=/srv/data.qcow2,if=ide,index=1,media=disk,format=qcow2,"
        "id=ide-1 "
        "-device e1000,id=nic0,netdev=net0,mac=00:16:3e:aa:bb:cc "
        "-netdev type=tap,id=net0,ifname=vif5.0,script=no,downscript=no "
        "-cpu max");
    free(s);
    dm_hvm_free(h);
}

static void test_defaults(void **state)
{
    const struct dm_config *c;
    struct dm_hvm *h;
    char err[256] = "", *s;

    (void)state;
    setenv("PVSTACK_DM_ACCEL", "tcg", 1);
    assert_int_equal(
        build("builder = 'hvm'\nname = 'tiny'\nmemory = 96\n"
              "kernel = '/boot/vmlinuz'\nramdisk = '/boot/initrd'\n"
              "extra = 'console=ttyS0'\nvif = [ '' ]\n",
              &s, &h, err, sizeof(err)),
        0);
    c = dm_hvm_settings(h);
    assert_int_equal(c->memory_mb, 96);
    assert_string_equal(c->accel, "tcg");
    assert_int_equal(c->nr_nics, 1);
    /* A random MAC as libxl: 00:16:3e, 4th byte top bit clear. */
    assert_int_equal(c->nics[0].mac[0], 0x00);
    assert_int_equal(c->nics[0].mac[1], 0x16);
    assert_int_equal(c->nics[0].mac[2], 0x3e);
    assert_int_equal(c->nics[0].mac[3] & 0x80, 0);
    assert_non_null(
        strstr(s, " -device rtl8139,id=nic0,netdev=net0,mac=00:16:3e:"));
    assert_non_null(strstr(s, " -kernel /boot/vmlinuz -initrd /boot/initrd "
                              "-append console=ttyS0"));
    assert_non_null(strstr(s, " -display none "));
    assert_null(strstr(s, "serial"));
    free(s);
    dm_hvm_free(h);
    unsetenv("PVSTACK_DM_ACCEL");
}

/* xl.cfg hpet: off is a machine property; on (the default) adds nothing. */
static void test_hpet(void **state)
{
    static const struct {
        const char *cfg;
        const char *has; /* NULL: no "hpet" anywhere */
    } cases[] = {
        {"type = 'hvm'\nname = 'h'\nhpet = 0\n"
         "device_model_args = [ '-no-shutdown' ]\n",
         " -machine hpet=off -no-shutdown"},
        {"type = 'hvm'\nname = 'h'\nhpet = 1\n", NULL},
        {"type = 'hvm'\nname = 'h'\n", NULL},
    };
    struct dm_hvm *h;
    char err[256] = "", *s;
    size_t i;

    (void)state;
    setenv("PVSTACK_DM_ACCEL", "tcg", 1);
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        assert_int_equal(build(cases[i].cfg, &s, &h, err, sizeof(err)), 0);
        if (cases[i].has)
            assert_non_null(strstr(s, cases[i].has));
        else
            assert_null(strstr(s, "hpet"));
        free(s);
        dm_hvm_free(h);
    }
    unsetenv("PVSTACK_DM_ACCEL");
}

static void test_errors(void **state)
{
    struct dm_hvm *h;
    char err[256] = "", *s;

    (void)state;
    assert_int_equal(build("type='hvm'\nname='a'\nserial='/dev/ttyS1'\n", &s,
                           &h, err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "serial '/dev/ttyS1' not supported (only 'pty')");
    assert_int_equal(build("type='hvm'\nname='a'\ndevice_model_accel='xen'\n",
                           &s, &h, err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "device_model_accel 'xen' must be kvm or tcg");
    assert_null(h);
    assert_int_equal(
        build("type='hvm'\nname='a'\ndisk=['file:/x.img,xvdf,w']\n", &s, &h,
              err, sizeof(err)),
        -EINVAL);
    assert_non_null(strstr(err, "vdev 'xvdf' cannot be emulated"));
    dm_hvm_free(h);
    assert_int_equal(build("type='hvm'\nname='a'\nvif=['model=ne2000-isa']\n",
                           &s, &h, err, sizeof(err)),
                     -EINVAL);
    assert_non_null(strstr(err, "model 'ne2000-isa' not supported"));
    dm_hvm_free(h);
}

static void test_list(void **state)
{
    char root[] = "/tmp/test_dm_hvm.XXXXXX", p[64];
    uint32_t ids[4];
    const int want[] = {12, 3, 7};
    size_t i;

    (void)state;
    assert_non_null(mkdtemp(root));
    setenv("PVSTACK_ROOT", root, 1);
    assert_int_equal(dm_hvm_list(ids, 4), 0);
    snprintf(p, sizeof(p), "%s/run/xen", root);
    assert_int_equal(mkdir(strcat(strcpy(p, root), "/run"), 0755), 0);
    assert_int_equal(mkdir(strcat(p, "/xen"), 0755), 0);
    for (i = 0; i < 3; i++) {
        struct sockaddr_un sa = {.sun_family = AF_UNIX};
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);

        snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/qmp-libxl-%d", p,
                 want[i]);
        assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
        close(fd);
    }
    snprintf(p, sizeof(p), "%s/run/xen/qmp-libxl-junk", root);
    fclose(fopen(p, "w"));
    assert_int_equal(dm_hvm_list(ids, 4), 3);
    assert_int_equal(ids[0], 3);
    assert_int_equal(ids[1], 7);
    assert_int_equal(ids[2], 12);
    assert_int_equal(dm_hvm_list(ids, 2), 3);
    assert_int_equal(dm_hvm_exists(7), 1);
    assert_int_equal(dm_hvm_exists(8), 0);
    for (i = 0; i < 3; i++) {
        snprintf(p, sizeof(p), "%s/run/xen/qmp-libxl-%d", root, want[i]);
        unlink(p);
    }
    snprintf(p, sizeof(p), "%s/run/xen/qmp-libxl-junk", root);
    unlink(p);
    snprintf(p, sizeof(p), "%s/run/xen", root);
    rmdir(p);
    snprintf(p, sizeof(p), "%s/run", root);
    rmdir(p);
    rmdir(root);
    unsetenv("PVSTACK_ROOT");
}

UNIT_MAIN(cmocka_unit_test(test_xlexample_hvm), cmocka_unit_test(test_defaults),
          cmocka_unit_test(test_hpet), cmocka_unit_test(test_errors),
          cmocka_unit_test(test_list))
