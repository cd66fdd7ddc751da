/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_hostmem.c: xl.conf parsing (autoballoon, dom0_mem, vif defaults,
 * errors with file:line:col) and Xen's memory accounting on top of it:
 * total = free + Domain-0 + guests + overhead, free falls as guests start,
 * autoballoon lets dom0 give memory down to its floor.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs the headers above first */
#include <cmocka.h>
#include "unit.h"

#include "cfg/cfg.h"
#include "cfg/xlconf.h"
#include "domain/domain.h"
#include "domain/hostmem.h"

/* hostmem.c's uses of the engine: no guests here, and no hypervisor of
 * its own (the kvm engine's answer), so the accounting is hostmem's. */
int domain_list(struct xs_handle *xs, struct domain_info **out)
{
    (void)xs;
    *out = NULL;
    return 0;
}

int domain_host_info(struct hv_hostinfo *out)
{
    (void)out;
    return -ENOSYS;
}

#define GIB (1024ull * 1024)

static int parse(const char *text, struct xl_conf *c, char *err, size_t len)
{
    FILE *f = fmemopen(err, len, "w");
    int rc = xl_conf_parse_buf(text, strlen(text), "xl.conf", c, f);

    fclose(f);
    return rc;
}

static void test_xlconf_defaults(void **state)
{
    struct xl_conf c;
    char err[256] = "";

    (void)state;
    assert_int_equal(parse("", &c, err, sizeof(err)), 0);
    assert_int_equal(c.autoballoon, 1); /* auto: no dom0_mem */
    assert_int_equal(c.output_json, 1);
    assert_string_equal(c.lockfile, "/var/lock/xl");
    assert_null(c.vif_bridge);
    assert_int_equal(xl_conf_dom0_kb(&c, 8 * GIB), 0);
    xl_conf_fini(&c);
}

static void test_xlconf_keys(void **state)
{
    struct xl_conf c;
    char err[256] = "";

    (void)state;
    assert_int_equal(parse("# host\nautoballoon=\"off\"\n"
                           "vif.default.bridge = \"br1\"\n"
                           "vif.default.script = \"vif-nat\"\n"
                           "lockfile = \"/run/xl.lock\"\n"
                           "output_format = \"sxp\"\n"
                           "dom0_mem = \"1536M\"\nsomething_else = 1\n",
                           &c, err, sizeof(err)),
                     0);
    assert_int_equal(c.autoballoon, 0);
    assert_string_equal(c.vif_bridge, "br1");
    assert_string_equal(c.vif_script, "vif-nat");
    assert_string_equal(c.lockfile, "/run/xl.lock");
    assert_int_equal(c.output_json, 0);
    assert_int_equal(xl_conf_dom0_kb(&c, 8 * GIB), 1536 * 1024);
    xl_conf_fini(&c);
    /* a bare number is MiB, as Xen's dom0_mem; a share in percent */
    assert_int_equal(parse("dom0_mem = 512\n", &c, err, sizeof(err)), 0);
    assert_int_equal(xl_conf_dom0_kb(&c, 8 * GIB), 512 * 1024);
    assert_int_equal(c.autoballoon, 0); /* auto: dom0_mem fixes it */
    xl_conf_fini(&c);
    assert_int_equal(parse("dom0_mem = '25%'\n", &c, err, sizeof(err)), 0);
    assert_int_equal(xl_conf_dom0_kb(&c, 8 * GIB), 2 * GIB);
    xl_conf_fini(&c);
}

/* xl's set_default_nic_values: a vif's own setting wins, field by field */
static void test_xlconf_vif_defaults(void **state)
{
    struct vif_spec bare, own;
    struct xl_conf c;
    char err[256] = "", eb[128];

    (void)state;
    assert_int_equal(parse("vif.default.bridge = 'xenbr9'\n"
                           "vif.default.script = 'vif-nat'\n"
                           "vif.default.backend = 'Domain-0'\n"
                           "vif.default.gatewaydev = 'eth1'\n",
                           &c, err, sizeof(err)),
                     0);
    assert_int_equal(
        vif_spec_parse("mac=00:16:3e:00:00:01", 0, &bare, eb, sizeof(eb)), 0);
    assert_int_equal(
        vif_spec_parse("bridge=br1,script=vif-route", 1, &own, eb, sizeof(eb)),
        0);
    assert_int_equal(xl_conf_vif_defaults(&c, &bare), 0);
    assert_int_equal(xl_conf_vif_defaults(&c, &own), 0);
    assert_string_equal(bare.bridge, "xenbr9");
    assert_string_equal(bare.script, "vif-nat");
    assert_string_equal(bare.backend_domname, "Domain-0");
    assert_string_equal(bare.gatewaydev, "eth1");
    assert_string_equal(own.bridge, "br1");
    assert_string_equal(own.script, "vif-route");
    assert_string_equal(own.gatewaydev, "eth1");
    vif_spec_fini(&bare);
    vif_spec_fini(&own);
    xl_conf_fini(&c);
    /* no defaults: nothing filled */
    assert_int_equal(parse("", &c, err, sizeof(err)), 0);
    assert_int_equal(vif_spec_parse("", 0, &bare, eb, sizeof(eb)), 0);
    assert_int_equal(xl_conf_vif_defaults(&c, &bare), 0);
    assert_null(bare.bridge);
    assert_null(bare.script);
    vif_spec_fini(&bare);
    xl_conf_fini(&c);
}

static void test_xlconf_errors(void **state)
{
    struct xl_conf c;
    char err[256] = "";

    (void)state;
    assert_int_equal(parse("\ndom0_mem = \"lots\"\n", &c, err, sizeof(err)),
                     -EINVAL);
    assert_non_null(strstr(err, "xl.conf:2:12: dom0_mem: bad size `lots'"));
    assert_int_equal(parse("autoballoon = \"maybe\"\n", &c, err, sizeof(err)),
                     -EINVAL);
    assert_non_null(strstr(err, "xl.conf:1:15: invalid autoballoon option"));
    assert_int_equal(parse("dom0_mem = \"250%\"\n", &c, err, sizeof(err)),
                     -EINVAL);
    assert_int_equal(parse("output_format = \"xml\"\n", &c, err, sizeof(err)),
                     -EINVAL);
    assert_int_equal(parse("lockfile = [ 'a' ]\n", &c, err, sizeof(err)),
                     -EINVAL);
    assert_int_equal(parse("autoballoon = \n", &c, err, sizeof(err)), -EINVAL);
}

/*
 * The memory of a 16 GiB host with guests_kb in guests, into m; total =
 * free + dom0 + guests + overhead, whatever the settings.
 */
static void compute(const struct xl_conf *c, uint64_t guests_kb,
                    struct domain_hostmem *m)
{
    domain_hostmem_compute(c, 16 * GIB, guests_kb, m);
    assert_true(m->free_kb + m->dom0_kb + m->guests_kb + m->overhead_kb <=
                m->total_kb);
    if (m->free_kb)
        assert_int_equal(m->free_kb + m->dom0_kb + m->guests_kb +
                             m->overhead_kb,
                         m->total_kb);
}

static void test_fixed_dom0(void **state)
{
    struct xl_conf c;
    struct domain_hostmem a, b;
    char err[64];

    (void)state;
    assert_int_equal(parse("dom0_mem = '2G'\n", &c, err, sizeof(err)), 0);
    compute(&c, 0, &a);
    assert_int_equal(a.dom0_kb, 2 * GIB);
    assert_int_equal(a.overhead_kb, 16 * GIB / 128);
    /* a guest of 1 GiB starts: free falls by 1 GiB, dom0 stays */
    compute(&c, 1 * GIB, &b);
    assert_int_equal(b.dom0_kb, 2 * GIB);
    assert_int_equal(a.free_kb - b.free_kb, 1 * GIB);
    assert_int_equal(b.avail_kb, b.free_kb); /* no autoballoon */
    /* guests beyond the host: free is 0, never negative */
    domain_hostmem_compute(&c, 16 * GIB, 20 * GIB, &b);
    assert_int_equal(b.free_kb, 0);
    assert_int_equal(b.avail_kb, 0);
    xl_conf_fini(&c);
}

static void test_autoballoon(void **state)
{
    struct xl_conf c;
    struct domain_hostmem a, b;
    char err[64];

    (void)state;
    /* Xen without dom0_mem: dom0 has all, gives it to guests */
    assert_int_equal(parse("", &c, err, sizeof(err)), 0);
    compute(&c, 0, &a);
    assert_int_equal(a.free_kb, 0);
    assert_int_equal(a.dom0_kb, 16 * GIB - 16 * GIB / 128);
    assert_int_equal(a.avail_kb, a.dom0_kb - HOSTMEM_DOM0_MIN_KB);
    compute(&c, 4 * GIB, &b);
    assert_int_equal(a.dom0_kb - b.dom0_kb, 4 * GIB);
    xl_conf_fini(&c);
    /* dom0_mem with autoballoon forced on: free first, then dom0 */
    assert_int_equal(
        parse("dom0_mem='4G'\nautoballoon='on'\n", &c, err, sizeof(err)), 0);
    compute(&c, 0, &a);
    assert_int_equal(a.dom0_kb, 4 * GIB);
    assert_int_equal(a.avail_kb, a.free_kb + 4 * GIB - HOSTMEM_DOM0_MIN_KB);
    compute(&c, 14 * GIB, &b);
    assert_int_equal(b.free_kb, 0);
    assert_true(b.dom0_kb < 4 * GIB);
    assert_true(b.dom0_kb >= HOSTMEM_DOM0_MIN_KB);
    xl_conf_fini(&c);
}

UNIT_MAIN(cmocka_unit_test(test_xlconf_defaults),
          cmocka_unit_test(test_xlconf_keys),
          cmocka_unit_test(test_xlconf_vif_defaults),
          cmocka_unit_test(test_xlconf_errors),
          cmocka_unit_test(test_fixed_dom0), cmocka_unit_test(test_autoballoon))
