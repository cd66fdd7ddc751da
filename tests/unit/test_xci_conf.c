/* SPDX-License-Identifier: GPL-2.0-only */
/* test_xci_conf.c: xen-tools.conf parsing, the command line and settings. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs the headers above first. */
#include <cmocka.h>
#include "unit.h"

#include "../../xen-create-image/conf.h"
#include "../../xen-create-image/opts.h"

static int fake_expand(const char *cmd, char **out)
{
    if (!strcmp(cmd, "uname -r")) {
        *out = strdup("6.1.0-test");
        return 0;
    }
    return -ECHILD;
}

/* c holds each "key=value" of kv (NULL-terminated). */
static void assert_conf(const struct xci_conf *c, const char *const *kv)
{
    for (; *kv; kv++) {
        const char *eq = strchr(*kv, '=');
        char key[64];

        assert_non_null(eq);
        snprintf(key, sizeof(key), "%.*s", (int)(eq - *kv), *kv);
        assert_string_equal(xci_conf_get(c, key), eq + 1);
    }
}

static void test_conf_file(void **state)
{
    struct xci_conf c = {0};
    const char *text = "#\n# comment\n\nsize   = 4G       # Root disk\n"
                       "memory = 256M\nkernel = /boot/vmlinuz-`uname -r`\n"
                       "genpass_len = 12\next4_options = noatime,errors=x\n"
                       "dir =\nsize = 8G\n";

    (void)state;
    assert_int_equal(xci_conf_parse(&c, text, "t.conf", fake_expand, NULL), 0);
    assert_conf(&c, (const char *const[]){
                        "size=8G", /* last wins */
                        "memory=256M", "kernel=/boot/vmlinuz-6.1.0-test",
                        "genpass-len=12", "genpass_len=12",
                        "ext4-options=noatime,errors=x", "dir=", NULL});
    assert_null(xci_conf_get(&c, "lvm"));
    xci_conf_fini(&c);
}

static void test_conf_errors(void **state)
{
    struct xci_conf c = {0};
    char *buf = NULL;
    size_t len = 0;
    FILE *r = open_memstream(&buf, &len);

    (void)state;
    assert_int_equal(
        xci_conf_parse(&c, "a = 1\nno equals here\n", "x.conf", NULL, r),
        -EINVAL);
    fflush(r);
    assert_string_equal(buf, "x.conf:2: expected 'key = value'\n");
    assert_int_equal(xci_conf_parse(&c, "k = `uname -r`\n", "x", NULL, NULL),
                     -EINVAL); /* no expander: not allowed */
    assert_int_equal(
        xci_conf_parse(&c, "k = `false`\n", "x", fake_expand, NULL), -EINVAL);
    assert_int_equal(xci_conf_parse(&c, "k = `open\n", "x", fake_expand, NULL),
                     -EINVAL);
    assert_int_equal(xci_conf_parse(&c, "bad key = 1\n", "x", NULL, NULL),
                     -EINVAL);
    fclose(r);
    free(buf);
    xci_conf_fini(&c);
}

static int parse_argv(struct xci_conf *cl, const char *const *args)
{
    char *argv[64];
    int argc = 0;
    FILE *null = fopen("/dev/null", "w");
    int rc;

    argv[argc++] = (char *)"xen-create-image";
    while (*args)
        argv[argc++] = (char *)(uintptr_t)*args++;
    argv[argc] = NULL;
    rc = xci_opts_parse(cl, argc, argv, null, null);
    fclose(null);
    return rc;
}

static void test_cmdline(void **state)
{
    struct xci_conf cl = {0};
    const char *args[] = {
        "--hostname=test2", "--ip",       "10.0.0.2",  "--ip=10.0.0.3",
        "--noswap",         "--nopygrub", "--genpass", "--role=udev,builder",
        "--install_method", "copy",       NULL};

    (void)state;
    assert_int_equal(parse_argv(&cl, args), 0);
    assert_conf(&cl, (const char *const[]){
                         "hostname=test2", "ip=10.0.0.2 10.0.0.3", "noswap=1",
                         "pygrub=0", "genpass=1", "role=udev builder",
                         "install-method=copy", NULL});
    xci_conf_fini(&cl);

    assert_int_equal(parse_argv(&cl, (const char *[]){"--bogus", NULL}),
                     -EINVAL);
    assert_int_equal(parse_argv(&cl, (const char *[]){"--force=1", NULL}),
                     -EINVAL);
    assert_int_equal(parse_argv(&cl, (const char *[]){"--size", NULL}),
                     -EINVAL);
    assert_int_equal(parse_argv(&cl, (const char *[]){"stray", NULL}), -EINVAL);
    assert_int_equal(parse_argv(&cl, (const char *[]){"--help", NULL}), 1);
    xci_conf_fini(&cl);
}

/* Resolve "base" settings plus extra "key=value" pairs. */
/* Each "key=value" of kv (NULL-terminated, or NULL for none) into c. */
static void set_all(struct xci_conf *c, const char *const *kv)
{
    for (; kv && *kv; kv++) {
        char *k = strdup(*kv), *eq = strchr(k, '=');

        *eq = '\0';
        xci_conf_set(c, k, eq + 1);
        free(k);
    }
}

static int resolve(struct xci_settings *s, struct xci_conf *c,
                   const char *const *kv)
{
    static const char *const base[] = {"hostname=vm1",
                                       "dir=/srv/xen",
                                       "ip=192.168.1.10",
                                       "kernel=/boot/k",
                                       "dist=bookworm",
                                       "mirror=http://deb.debian.org/debian",
                                       NULL};
    FILE *null = fopen("/dev/null", "w");
    int rc;

    set_all(c, base);
    set_all(c, kv);
    rc = xci_settings_resolve(s, c, null);
    fclose(null);
    return rc;
}

/* What resolve() made, freed for the next. */
static void release(struct xci_settings *s, struct xci_conf *c)
{
    xci_settings_fini(s);
    xci_conf_fini(c);
}

#define EXPECT_BAD(...)                                                        \
    do {                                                                       \
        struct xci_conf c_ = {0};                                              \
        struct xci_settings s_;                                                \
        assert_int_equal(                                                      \
            resolve(&s_, &c_, (const char *[]){__VA_ARGS__, NULL}), -EINVAL);  \
        release(&s_, &c_);                                                     \
    } while (0)

static void test_settings_defaults(void **state)
{
    static const char *const no_genpass[] = {"password=x", "genpass=0"};
    struct xci_conf c = {0};
    struct xci_settings s;
    size_t i;

    (void)state;
    assert_int_equal(resolve(&s, &c, NULL), 0);
    assert_string_equal(s.hostname, "vm1");
    assert_true(s.size_bytes == 4ULL << 30);
    assert_true(s.swap_bytes == 512ULL << 20);
    assert_int_equal(s.memory_mb, 256);
    assert_int_equal(s.vcpus, 1);
    assert_string_equal(s.fs, "ext4");
    assert_string_equal(s.fs_options, "noatime,nodiratime,errors=remount-ro");
    assert_true(s.sparse);
    assert_false(s.noswap);
    assert_string_equal(s.install_method, "debootstrap");
    assert_string_equal(s.netmask, "255.255.255.0");
    assert_int_equal(s.nips, 1);
    assert_string_equal(s.ips[0], "192.168.1.10");
    /* Xen's OUI and the libxl mask on the first random byte. */
    assert_memory_equal(s.mac, "00:16:3e:", 9);
    assert_true(strtoul(s.mac + 9, NULL, 16) < 0x80);
    assert_string_equal(s.output, "/etc/xen");
    assert_string_equal(s.extension, ".cfg");
    assert_true(s.genpass); /* xen-tools' default */
    assert_string_equal(s.hash_method, "sha512");
    release(&s, &c);

    /* A password given, or genpass = 0: none is generated. */
    for (i = 0; i < sizeof(no_genpass) / sizeof(no_genpass[0]); i++) {
        assert_int_equal(resolve(&s, &c, (const char *[]){no_genpass[i], NULL}),
                         0);
        assert_false(s.genpass);
        release(&s, &c);
    }
}

static void test_settings_values(void **state)
{
    struct xci_conf c = {0};
    struct xci_settings s;

    (void)state;
    assert_int_equal(
        resolve(&s, &c,
                (const char *[]){
                    "size=2Gb", "swap=128M", "memory=1G", "maxmem=2048",
                    "vcpus=4", "fs=xfs", "image=full", "mac=00:16:3E:AB:cd:01",
                    "ip=10.1.1.1 10.1.1.2", "netmask=255.255.0.0",
                    "gateway=10.1.0.1", "nameserver=1.1.1.1 8.8.8.8",
                    "role=udev builder", NULL}),
        0);
    assert_true(s.size_bytes == 2ULL << 30);
    assert_true(s.swap_bytes == 128ULL << 20);
    assert_int_equal(s.memory_mb, 1024);
    assert_int_equal(s.maxmem_mb, 2048);
    assert_int_equal(s.vcpus, 4);
    assert_string_equal(s.fs_options, "defaults");
    assert_false(s.sparse);
    assert_string_equal(s.mac, "00:16:3e:ab:cd:01");
    assert_int_equal(s.nips, 2);
    assert_string_equal(s.ips[1], "10.1.1.2");
    assert_int_equal(s.nroles, 2);
    assert_string_equal(s.roles[1], "builder");
    /* The conf's own strings are untouched by the splitting. */
    assert_string_equal(xci_conf_get(&c, "ip"), "10.1.1.1 10.1.1.2");
    release(&s, &c);

    assert_int_equal(resolve(&s, &c, (const char *[]){"swap=0", NULL}), 0);
    assert_true(s.noswap);
    release(&s, &c);
}

static void test_settings_rejects(void **state)
{
    (void)state;
    EXPECT_BAD("hostname=");
    EXPECT_BAD("hostname=-bad");
    EXPECT_BAD("hostname=bad-");
    EXPECT_BAD("hostname=a..b");
    EXPECT_BAD("hostname=under_score");
    EXPECT_BAD("hostname=../../etc");
    EXPECT_BAD("size=lots");
    EXPECT_BAD("size=1M"); /* too small for a root fs */
    EXPECT_BAD("swap=12Q");
    EXPECT_BAD("memory=0");
    EXPECT_BAD("memory=1G", "maxmem=512M");
    EXPECT_BAD("vcpus=0");
    EXPECT_BAD("fs=ntfs");
    EXPECT_BAD("image=thin");
    EXPECT_BAD("ip=10.0.0.256");
    EXPECT_BAD("ip=10.0.0.1", "dhcp=1");
    EXPECT_BAD("ip=");
    EXPECT_BAD("netmask=255.0.255.0");
    EXPECT_BAD("gateway=gw");
    EXPECT_BAD("nameserver=1.1.1.1 x");
    EXPECT_BAD("mac=01:16:3e:00:00:01"); /* multicast */
    EXPECT_BAD("mac=00:16:3e:00:00");
    EXPECT_BAD("mac=00-16-3e-00-00-01");
    EXPECT_BAD("lvm=vg0");      /* with dir: both */
    EXPECT_BAD("dir=", "lvm="); /* neither */
    EXPECT_BAD("dir=relative/path");
    EXPECT_BAD("dir=/with,comma");
    EXPECT_BAD("dir=/it's");
    EXPECT_BAD("dir=", "lvm=vg/0");
    EXPECT_BAD("install-method=rinse");
    EXPECT_BAD("install-method=copy"); /* needs a source */
    EXPECT_BAD("kernel=", "pygrub=0");
    EXPECT_BAD("hash-method=des");
    EXPECT_BAD("role=../evil");
    EXPECT_BAD("role=a b c d e f g h i"); /* at most XCI_MAX_ROLES (8) */
    EXPECT_BAD("ip=10.0.0.1 10.0.0.2 10.0.0.3 10.0.0.4 10.0.0.5 10.0.0.6 "
               "10.0.0.7 10.0.0.8 10.0.0.9"); /* at most XCI_MAX_IPS (8) */
    EXPECT_BAD("bridge=br 0");
    EXPECT_BAD("extension=/x");
}

static void test_merge(void **state)
{
    struct xci_conf file = {0}, cl = {0};

    (void)state;
    xci_conf_set(&file, "dir", "/home/xen");
    xci_conf_set(&file, "dhcp", "1");
    xci_conf_set(&file, "size", "4G");
    xci_conf_set(&cl, "lvm", "vg0");
    xci_conf_set(&cl, "ip", "10.0.0.1");
    xci_conf_set(&cl, "size", "8G");
    assert_int_equal(xci_opts_merge(&file, &cl), 0);
    /* The command line's storage and network choices replace the file's. */
    assert_string_equal(xci_conf_get(&file, "dir"), "");
    assert_string_equal(xci_conf_get(&file, "lvm"), "vg0");
    assert_string_equal(xci_conf_get(&file, "dhcp"), "");
    assert_string_equal(xci_conf_get(&file, "size"), "8G");
    xci_conf_fini(&file);
    xci_conf_fini(&cl);
}

static void test_checks(void **state)
{
    char mac[18];

    (void)state;
    assert_int_equal(xci_check_hostname("web1.example.org"), 0);
    assert_int_equal(xci_check_hostname("a"), 0);
    assert_int_equal(
        xci_check_hostname("a234567890123456789012345678901234567890123456789"
                           "012345678901234"),
        -EINVAL); /* 64-character label */
    assert_int_equal(xci_check_netmask("255.255.255.0"), 0);
    assert_int_equal(xci_check_netmask("0.0.0.0"), 0);
    assert_int_equal(xci_check_netmask("255.255.255.255"), 0);
    assert_int_equal(xci_check_netmask("255.255.254.1"), -EINVAL);
    assert_int_equal(xci_check_mac("02:00:00:00:00:01", mac), 0); /* LAA ok */
    assert_int_equal(xci_check_mac("ff:ff:ff:ff:ff:ff", mac), -EINVAL);
    assert_int_equal(xci_check_mac("00:16:3e:0g:00:01", mac), -EINVAL);
}

UNIT_MAIN(cmocka_unit_test(test_conf_file), cmocka_unit_test(test_conf_errors),
          cmocka_unit_test(test_cmdline),
          cmocka_unit_test(test_settings_defaults),
          cmocka_unit_test(test_settings_values),
          cmocka_unit_test(test_settings_rejects), cmocka_unit_test(test_merge),
          cmocka_unit_test(test_checks))
