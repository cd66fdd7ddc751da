/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_xci_misc.c: apt sources parsing (mirror guess), LV extent ranges,
 * reading cfgs back, disk layout names, password hashing, the companion
 * tools' per-host loop, the kernel --pygrub adds to debootstrap.
 */
#include <crypt.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* cmocka needs the headers above first. */
#include <cmocka.h>
#include "unit.h"

#include "../../xen-create-image/common.h"
#include "../../xen-create-image/conf.h"
#include "../../xen-create-image/install.h"
#include "../../xen-create-image/layout.h"
#include "../../xen-create-image/lvm.h"
#include "../../xen-create-image/mirror.h"

static void test_mirror_oneline(void **state)
{
    char uri[256], suite[64];

    (void)state;
    assert_int_equal(
        xci_mirror_parse("# comment\ndeb-src http://src/ bookworm main\n"
                         "deb http://security.debian.org/debian-security "
                         "bookworm-security main\n"
                         "deb [arch=amd64 signed-by=/k.gpg] "
                         "http://ftp.de.debian.org/debian bookworm main\n",
                         0, uri, sizeof(uri), suite, sizeof(suite)),
        0);
    assert_string_equal(uri, "http://ftp.de.debian.org/debian");
    assert_string_equal(suite, "bookworm");
    assert_int_equal(xci_mirror_parse("#deb http://x/ y main\n", 0, uri,
                                      sizeof(uri), suite, sizeof(suite)),
                     -ENOENT);
}

static void test_mirror_deb822(void **state)
{
    char uri[256], suite[64];
    /* The shape of Debian 12's /etc/apt/sources.list.d/debian.sources. */
    const char *text =
        "Types: deb-src\nURIs: http://src.example/\nSuites: bookworm\n"
        "Components: main\n\n"
        "Types: deb\nURIs: http://off.example/\nSuites: bookworm\n"
        "Enabled: no\n\n"
        "Types: deb\n"
        "# http://snapshot.debian.org/archive/debian/20250520T000000Z\n"
        "URIs: http://deb.debian.org/debian\n"
        "Suites: bookworm-updates bookworm\nComponents: main\n"
        "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg\n\n"
        "Types: deb\nURIs: http://deb.debian.org/debian-security\n"
        "Suites: bookworm-security\nComponents: main\n";

    (void)state;
    assert_int_equal(
        xci_mirror_parse(text, 1, uri, sizeof(uri), suite, sizeof(suite)), 0);
    assert_string_equal(uri, "http://deb.debian.org/debian");
    assert_string_equal(suite, "bookworm");
}

static void test_mirror_guess_dir(void **state)
{
    char dir[] = "/tmp/test_xci_apt.XXXXXX", p[256], uri[256], suite[64];
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(p, sizeof(p), "%s/sources.list.d", dir);
    assert_int_equal(mkdir(p, 0755), 0);
    /* Files apt ignores (other suffixes) are ignored here too. */
    snprintf(p, sizeof(p), "%s/sources.list.d/a.list.disabled", dir);
    f = fopen(p, "w");
    fputs("deb http://wrong/ sid main\n", f);
    fclose(f);
    snprintf(p, sizeof(p), "%s/sources.list.d/debian.sources", dir);
    f = fopen(p, "w");
    fputs("Types: deb\nURIs: http://right/debian\nSuites: trixie\n", f);
    fclose(f);
    assert_int_equal(
        xci_mirror_guess(dir, uri, sizeof(uri), suite, sizeof(suite)), 0);
    assert_string_equal(uri, "http://right/debian");
    assert_string_equal(suite, "trixie");
    unlink(p);
    snprintf(p, sizeof(p), "%s/sources.list.d/a.list.disabled", dir);
    unlink(p);
    assert_int_equal(
        xci_mirror_guess(dir, uri, sizeof(uri), suite, sizeof(suite)), -ENOENT);
    snprintf(p, sizeof(p), "%s/sources.list.d", dir);
    rmdir(p);
    rmdir(dir);
}

static void test_codename(void **state)
{
    char c[32];

    (void)state;
    assert_int_equal(xci_os_codename("NAME=\"Debian\"\nVERSION_CODENAME="
                                     "bookworm\nID=debian\n",
                                     c, sizeof(c)),
                     0);
    assert_string_equal(c, "bookworm");
    assert_int_equal(xci_os_codename("XVERSION_CODENAME=x\n", c, sizeof(c)),
                     -ENOENT);
}

static void test_lvm_range(void **state)
{
    char pv[64];
    unsigned long long a, b;

    (void)state;
    assert_int_equal(
        xci_lvm_parse_range("  /dev/loop0:25-37  \n", pv, sizeof(pv), &a, &b),
        0);
    assert_string_equal(pv, "/dev/loop0");
    assert_true(a == 25 && b == 37);
    assert_int_equal(xci_lvm_parse_range("/dev/sda:0-9 /dev/sdb:0-4", pv,
                                         sizeof(pv), &a, &b),
                     -EMLINK);
    assert_int_equal(
        xci_lvm_parse_range("/dev/sda:9-0", pv, sizeof(pv), &a, &b), -EINVAL);
    assert_int_equal(xci_lvm_parse_range("garbage", pv, sizeof(pv), &a, &b),
                     -EINVAL);
}

static void test_cfg_read(void **state)
{
    struct xci_cfginfo ci;
    char path[128];
    int phy;

    (void)state;
    assert_int_equal(
        xci_cfg_read("# c\nname = \"x1\" # trailing\nmemory = 128\n"
                     "disk = [ 'phy:/dev/vg/x1-disk,xvda2,w', # c\n"
                     "  \"/img/x.img,raw,xvda,rw\" ]\n"
                     "vif = ['ip=10.0.0.9,mac=00:16:3e:00:00:09', 'x']\n"
                     "extra = 'a=b'; vcpus = 2\n",
                     &ci),
        0);
    assert_string_equal(ci.name, "x1");
    assert_string_equal(ci.memory, "128");
    assert_int_equal(ci.ndisks, 2);
    assert_string_equal(ci.vif, "ip=10.0.0.9,mac=00:16:3e:00:00:09");
    assert_false(ci.dhcp);
    assert_int_equal(xci_cfg_disk_target(ci.disks[0], path, sizeof(path), &phy),
                     0);
    assert_string_equal(path, "/dev/vg/x1-disk");
    assert_true(phy);
    assert_int_equal(xci_cfg_disk_target(ci.disks[1], path, sizeof(path), &phy),
                     0);
    assert_string_equal(path, "/img/x.img");
    assert_false(phy);
    xci_cfg_vif_field(ci.vif, "mac", path, sizeof(path));
    assert_string_equal(path, "00:16:3e:00:00:09");
    xci_cfg_vif_field(ci.vif, "bridge", path, sizeof(path));
    assert_string_equal(path, "");
    assert_int_equal(xci_cfg_read("dhcp = 'dhcp'\nname='d'\n", &ci), 0);
    assert_true(ci.dhcp);
    assert_int_equal(xci_cfg_read("name = 'unterminated\n", &ci), -EINVAL);
    assert_int_equal(xci_cfg_read("disk = [ 'a' 'b' ]\n", &ci), -EINVAL);
    assert_int_equal(xci_cfg_read("= 1\n", &ci), -EINVAL);
}

static void test_layout(void **state)
{
    char b[256];

    (void)state;
    assert_int_equal(
        xci_layout_path(b, sizeof(b), "/srv/xen", NULL, "vm1", XCI_DISK_ROOT),
        0);
    assert_string_equal(b, "/srv/xen/domains/vm1/disk.img");
    assert_int_equal(
        xci_layout_path(b, sizeof(b), NULL, "vg0", "vm1", XCI_DISK_SWAP), 0);
    assert_string_equal(b, "/dev/vg0/vm1-swap");
    assert_int_equal(
        xci_layout_path(b, 8, "/srv/xen", NULL, "vm1", XCI_DISK_ROOT),
        -ENAMETOOLONG);
    assert_string_equal(xci_layout_vdev(XCI_DISK_ROOT, 0), "xvda2");
    assert_string_equal(xci_layout_vdev(XCI_DISK_ROOT, 1), "xvda1");
}

static void test_passwords(void **state)
{
    char pw[65], pw2[65], h[256];
    struct crypt_data cd;

    (void)state;
    assert_int_equal(xci_genpass(pw, 12), 0);
    assert_int_equal(strlen(pw), 12);
    assert_int_equal(strspn(pw, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
                                "qrstuvwxyz0123456789"),
                     12);
    assert_int_equal(xci_genpass(pw2, 12), 0);
    assert_string_not_equal(pw, pw2);
    assert_int_equal(xci_hash_password("secret", "sha512", h, sizeof(h)), 0);
    assert_memory_equal(h, "$6$", 3);
    memset(&cd, 0, sizeof(cd));
    /* crypt() with the hash as salt gives the hash back: it verifies. */
    assert_string_equal(crypt_r("secret", h, &cd), h);
    memset(&cd, 0, sizeof(cd));
    assert_string_not_equal(crypt_r("Secret", h, &cd), h);
    assert_int_equal(xci_hash_password("x", "sha256", h, sizeof(h)), 0);
    assert_memory_equal(h, "$5$", 3);
    assert_int_equal(xci_hash_password("x", "md5", h, sizeof(h)), 0);
    assert_memory_equal(h, "$1$", 3);
    assert_int_equal(xci_hash_password("x", "des", h, sizeof(h)), -EINVAL);
}

/* debootstrap's arguments as a stand-in saw them, after xci_install. */
static void run_fake_debootstrap(const char *opts, int pygrub, char *args,
                                 size_t len)
{
    char dir[] = "/tmp/xcit.XXXXXX", fake[64], cmd[256], mnt[64], p[96];
    struct xci_settings s = {0};
    struct xci_log l = {0};
    FILE *f;

    assert_non_null(mkdtemp(dir));
    snprintf(fake, sizeof(fake), "%s/fake-debootstrap", dir);
    snprintf(mnt, sizeof(mnt), "%s/mnt", dir);
    f = fopen(fake, "w");
    assert_non_null(f);
    /* the target is the last but one argument; it must look installed */
    fputs("#!/bin/sh\neval \"m=\\${$(($# - 1))}\"\n"
          "mkdir -p \"$m/bin\" && cp /bin/true \"$m/bin/ls\" && "
          "echo \"$*\" >\"$m/args\"\n",
          f);
    fclose(f);
    assert_int_equal(chmod(fake, 0755), 0);
    assert_int_equal(mkdir(mnt, 0755), 0);
    snprintf(cmd, sizeof(cmd), "%s%s", fake, opts);
    s.install_method = "debootstrap";
    s.debootstrap_cmd = cmd;
    s.dist = "bookworm";
    s.mirror = "http://deb.example/debian";
    s.arch = "amd64";
    s.pygrub = pygrub;
    assert_int_equal(xci_install(&l, &s, mnt), 0);
    snprintf(p, sizeof(p), "%s/args", mnt);
    f = fopen(p, "r");
    assert_non_null(f);
    assert_non_null(fgets(args, (int)len, f));
    fclose(f);
    args[strcspn(args, "\n")] = '\0';
    assert_int_equal(unit_rm_rf(dir), 0);
}

static void test_pygrub_kernel(void **state)
{
    char a[512];

    (void)state;
    assert_string_equal(xci_kernel_package("amd64"), "linux-image-amd64");
    assert_string_equal(xci_kernel_package("i386"), "linux-image-686-pae");
    assert_string_equal(xci_kernel_package("arm64"), "linux-image-arm64");
    /* debootstrap keeps only its last --include: the kernel joins it */
    run_fake_debootstrap(" --variant=minbase --include=udev,ifupdown", 1, a,
                         sizeof(a));
    assert_non_null(
        strstr(a, "--variant=minbase --include=udev,ifupdown,linux-image-amd64 "
                  "--arch=amd64 bookworm "));
    run_fake_debootstrap(" --variant=minbase", 1, a, sizeof(a));
    assert_non_null(strstr(a, "--include=linux-image-amd64 --arch=amd64"));
    /* no --pygrub: no kernel in the guest */
    run_fake_debootstrap(" --include=udev", 0, a, sizeof(a));
    assert_null(strstr(a, "linux-image"));
}

/* Records the hosts it is called for; fails for "bad". */
static int note_host(void *ctx, const char *host)
{
    char *seen = ctx;

    strcat(seen, host);
    strcat(seen, ";");
    return strcmp(host, "bad") ? 0 : -EIO;
}

static void test_each_host(void **state)
{
    struct xci_conf c = {0};
    char seen[256] = "";

    (void)state;
    assert_int_equal(xci_conf_set(&c, "hostname", "a -x bad b"), 0);
    /* xm list fails for every name: no domain runs. */
    setenv("PVSTACK_XM", "/bin/false", 1);
    assert_int_equal(xci_tool_each_host(&c, "t", note_host, seen), -EINVAL);
    assert_string_equal(seen, "a;bad;b;");
    seen[0] = '\0';
    assert_int_equal(xci_conf_set(&c, "hostname", "bad a"), 0);
    assert_int_equal(xci_tool_each_host(&c, "t", note_host, seen), -EIO);
    assert_string_equal(seen, "bad;a;");
    /* xm list succeeds for every name: all running, none touched. */
    seen[0] = '\0';
    setenv("PVSTACK_XM", "/bin/true", 1);
    assert_int_equal(xci_tool_each_host(&c, "t", note_host, seen), -EBUSY);
    assert_string_equal(seen, "");
    unsetenv("PVSTACK_XM");
    xci_conf_fini(&c);
}

UNIT_MAIN(cmocka_unit_test(test_mirror_oneline),
          cmocka_unit_test(test_mirror_deb822),
          cmocka_unit_test(test_mirror_guess_dir),
          cmocka_unit_test(test_codename), cmocka_unit_test(test_lvm_range),
          cmocka_unit_test(test_cfg_read), cmocka_unit_test(test_layout),
          cmocka_unit_test(test_passwords), cmocka_unit_test(test_each_host),
          cmocka_unit_test(test_pygrub_kernel))
