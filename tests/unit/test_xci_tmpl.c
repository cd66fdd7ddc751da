/* SPDX-License-Identifier: GPL-2.0-only */
/* test_xci_tmpl.c: the cfg template language and the generated cfg. */
#include <errno.h>
#include <libgen.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* cmocka needs the headers above first. */
#include <cmocka.h>
#include "unit.h"

#include "cfg/cfg.h"

#include "../../xen-create-image/common.h"
#include "../../xen-create-image/conf.h"
#include "../../xen-create-image/opts.h"
#include "../../xen-create-image/tmpl.h"

/* Render tmpl with vars; returns rc, output in *out (caller frees). */
static int render(const char *tmpl, const struct xci_conf *vars, char **out,
                  char **err)
{
    size_t len = 0, elen = 0;
    FILE *o = open_memstream(out, &len);
    FILE *e = open_memstream(err, &elen);
    int rc = xci_tmpl_render(tmpl, vars, o, e);

    fclose(o);
    fclose(e);
    return rc;
}

static void test_language(void **state)
{
    struct xci_conf v = {0};
    char *out, *err;

    (void)state;
    xci_conf_set(&v, "name", "vm1");
    xci_conf_set(&v, "on", "1");
    xci_conf_set(&v, "off", "");
    xci_conf_set(&v, "zero", "0");
    assert_int_equal(render("a {$name} b {$name}\n{if on}\nyes\n{else}\nno\n"
                            "{endif}\n{if !off}\nneg\n{endif}\n"
                            "{if zero}\nz\n{endif}\n"
                            "{if off}\n{if on}\nhidden\n{endif}\n{else}\n"
                            "  {if on}\nnested\n  {endif}\n{endif}\nend",
                            &v, &out, &err),
                     0);
    assert_string_equal(out, "a vm1 b vm1\nyes\nneg\nnested\nend\n");
    free(out);
    free(err);

    assert_int_equal(render("x {$nope}\n", &v, &out, &err), -EINVAL);
    assert_string_equal(err, "template:1: unknown variable\n");
    free(out);
    free(err);
    assert_int_equal(render("{if on}\nx\n", &v, &out, &err), -EINVAL);
    assert_string_equal(err, "template:2: {if} without {endif}\n");
    free(out);
    free(err);
    assert_int_equal(render("ok\n{endif}\n", &v, &out, &err), -EINVAL);
    free(out);
    free(err);
    assert_int_equal(
        render("{if on}\n{else}\n{else}\n{endif}\n", &v, &out, &err), -EINVAL);
    free(out);
    free(err);
    assert_int_equal(render("{if nope}\n{endif}\n", &v, &out, &err), -EINVAL);
    free(out);
    free(err);
    assert_int_equal(render("x {$name\n", &v, &out, &err), -EINVAL);
    free(out);
    free(err);
    xci_conf_fini(&v);
}

static void settings(struct xci_settings *s, struct xci_conf *c,
                     const char *const *kv)
{
    FILE *null = fopen("/dev/null", "w");

    for (; *kv; kv++) {
        char *k = strdup(*kv), *eq = strchr(k, '=');

        *eq = '\0';
        xci_conf_set(c, k, eq + 1);
        free(k);
    }
    assert_int_equal(xci_settings_resolve(s, c, null), 0);
    fclose(null);
}

static char *cfg_for(const char *const *kv)
{
    struct xci_conf c = {0}, vars = {0};
    struct xci_settings s;
    char *out, *err;

    settings(&s, &c, kv);
    assert_int_equal(xci_tmpl_vars(&vars, &s, "DATE"), 0);
    assert_int_equal(render(xci_tmpl_default, &vars, &out, &err), 0);
    free(err);
    xci_conf_fini(&vars);
    xci_settings_fini(&s);
    xci_conf_fini(&c);
    return out;
}

static void test_cfg_file_image(void **state)
{
    char *cfg = cfg_for((const char *[]){
        "hostname=vm1", "dir=/srv/xen", "ip=192.168.1.10", "memory=512M",
        "kernel=/boot/vmlinuz-6.1", "initrd=/boot/initrd.img-6.1",
        "mac=00:16:3e:01:02:03", "bridge=xenbr0", "vcpus=2", NULL});
    struct xci_cfginfo ci;

    (void)state;
    assert_non_null(strstr(cfg, "# Configuration file for the Xen instance "
                                "vm1, created\n# by pvstack xen-create-image "
                                "on DATE.\n"));
    assert_non_null(strstr(cfg, "\nkernel      = '/boot/vmlinuz-6.1'\n"));
    assert_non_null(strstr(cfg, "\nramdisk     = '/boot/initrd.img-6.1'\n"));
    assert_non_null(strstr(cfg, "\nvcpus       = '2'\n"));
    assert_non_null(strstr(cfg, "\nmemory      = '512'\n"));
    assert_null(strstr(cfg, "maxmem"));
    assert_null(strstr(cfg, "bootloader"));
    assert_non_null(strstr(cfg, "\nroot        = '/dev/xvda2 ro'\n"));
    assert_non_null(strstr(
        cfg, "\ndisk        = [\n"
             "                  'file:/srv/xen/domains/vm1/disk.img,xvda2,w',\n"
             "                  'file:/srv/xen/domains/vm1/swap.img,xvda1,w',\n"
             "              ]\n"));
    assert_non_null(strstr(cfg, "\nname        = 'vm1'\n"));
    assert_null(strstr(cfg, "dhcp"));
    assert_non_null(
        strstr(cfg, "\nvif         = [ 'ip=192.168.1.10,mac=00:16:3e:01:02:03,"
                    "bridge=xenbr0' ]\n"));
    assert_non_null(strstr(cfg, "\non_poweroff = 'destroy'\non_reboot   = "
                                "'restart'\non_crash    = 'restart'\n"));
    /* Our own cfg reader (xen-list-images) reads it back. */
    assert_int_equal(xci_cfg_read(cfg, &ci), 0);
    assert_string_equal(ci.name, "vm1");
    assert_string_equal(ci.memory, "512");
    assert_int_equal(ci.ndisks, 2);
    assert_string_equal(ci.disks[1],
                        "file:/srv/xen/domains/vm1/swap.img,xvda1,w");
    free(cfg);
}

static void test_cfg_lvm_dhcp(void **state)
{
    char *cfg = cfg_for((const char *[]){"hostname=db", "lvm=vg0", "dhcp=1",
                                         "noswap=1", "pygrub=1", "maxmem=1G",
                                         "mac=00:16:3e:0a:0b:0c", NULL});

    (void)state;
    assert_non_null(strstr(cfg, "\nbootloader  = 'pygrub'\n"));
    assert_null(strstr(cfg, "kernel"));
    assert_non_null(strstr(cfg, "\nmaxmem      = '1024'\n"));
    assert_non_null(strstr(cfg, "\nroot        = '/dev/xvda1 ro'\n"));
    assert_non_null(strstr(cfg, "\ndisk        = [\n"
                                "                  'phy:/dev/vg0/db-disk,"
                                "xvda1,w',\n              ]\n"));
    assert_null(strstr(cfg, "swap"));
    assert_non_null(strstr(cfg, "\ndhcp        = 'dhcp'\n"
                                "vif         = [ 'mac=00:16:3e:0a:0b:0c' ]\n"));
    free(cfg);
}

/* The cfg engineer's parser (what xm create reads) accepts our cfg, with
 * no warnings, and sees what we meant. */
static void test_cfg_parses(void **state)
{
    char *cfg = cfg_for((const char *[]){
        "hostname=vm2", "lvm=vg0", "ip=10.0.0.7", "memory=384M",
        "kernel=/boot/k", "initrd=/boot/i", "mac=00:16:3e:01:02:03",
        "bridge=xenbr0", "vcpus=2", "maxmem=512M", NULL});
    struct domain_config *dc = NULL;
    char *err = NULL;
    size_t elen = 0;
    FILE *e = open_memstream(&err, &elen);

    (void)state;
    assert_int_equal(cfg_parse_buf(cfg, strlen(cfg), "vm2.cfg", NULL, &dc, e),
                     0);
    fclose(e);
    assert_string_equal(err, "");
    assert_string_equal(dc->name, "vm2");
    assert_int_equal(dc->type, DOMAIN_TYPE_PV);
    assert_int_equal(dc->memory_mb, 384);
    assert_int_equal(dc->maxmem_mb, 512);
    assert_int_equal(dc->vcpus, 2);
    assert_string_equal(dc->kernel, "/boot/k");
    assert_string_equal(dc->ramdisk, "/boot/i");
    assert_string_equal(dc->cmdline,
                        "root=/dev/xvda2 ro elevator=noop console=hvc0");
    assert_int_equal(dc->nr_disks, 2);
    assert_string_equal(dc->disks[0].pdev_path, "/dev/vg0/vm2-disk");
    assert_string_equal(dc->disks[0].vdev, "xvda2");
    assert_int_equal(dc->disks[0].readwrite, 1);
    assert_string_equal(dc->disks[1].pdev_path, "/dev/vg0/vm2-swap");
    assert_string_equal(dc->disks[1].vdev, "xvda1");
    assert_int_equal(dc->nr_vifs, 1);
    assert_true(dc->vifs[0].has_mac);
    assert_memory_equal(dc->vifs[0].mac, "\x00\x16\x3e\x01\x02\x03", 6);
    assert_string_equal(dc->vifs[0].bridge, "xenbr0");
    assert_string_equal(dc->vifs[0].ip, "10.0.0.7");
    assert_int_equal(dc->on_poweroff, ACTION_DESTROY);
    assert_int_equal(dc->on_reboot, ACTION_RESTART);
    assert_int_equal(dc->on_crash, ACTION_RESTART);
    domain_config_free(dc);
    free(err);
    free(cfg);
}

static void test_default_matches_file(void **state)
{
    char exe[4096], path[4200], up[32] = "", *dir;
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *text = NULL;
    int i;

    (void)state;
    assert_true(n > 0);
    exe[n] = '\0';
    dir = dirname(exe);
    /* build/tests/test_xci_tmpl (or build/nolibxen/tests/...): the source
     * tree is a few levels up. */
    for (i = 0; i < 4 && !text; i++) {
        strcat(up, "/..");
        snprintf(path, sizeof(path), "%s%s/xen-create-image/xm.tmpl", dir, up);
        text = xci_slurp(path);
    }
    assert_non_null(text);
    assert_string_equal(text, xci_tmpl_default);
    free(text);
}

UNIT_MAIN(cmocka_unit_test(test_language),
          cmocka_unit_test(test_cfg_file_image),
          cmocka_unit_test(test_cfg_lvm_dhcp),
          cmocka_unit_test(test_cfg_parses),
          cmocka_unit_test(test_default_matches_file))
