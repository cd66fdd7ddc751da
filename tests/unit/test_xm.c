/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_xm.c: the xm frame: command lookup (exact, unambiguous prefix),
 * help text, per-command option parsing, and the domain finder.
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

#include "xm/xm.h"

static int dummy(struct xm *xm, int argc, char **argv)
{
    (void)xm;
    (void)argc;
    (void)argv;
    return 0;
}

static void test_lookup(void **state)
{
    static const struct xm_cmd t[] = {
        {"block-attach", dummy, 0, "", "", NULL},
        {"block-list", dummy, 0, "", "", NULL},
        {"list", dummy, 0, "", "", NULL},
        {"list-vm", dummy, 0, "", "", NULL},
    };

    (void)state;
    assert_ptr_equal(xm_cmd_find(t, 4, "block-list"), &t[1]);
    assert_ptr_equal(xm_cmd_find(t, 4, "block-a"), &t[0]);
    assert_null(xm_cmd_find(t, 4, "block"));            /* ambiguous */
    assert_ptr_equal(xm_cmd_find(t, 4, "list"), &t[2]); /* exact wins */
    assert_ptr_equal(xm_cmd_find(t, 4, "list-"), &t[3]);
    assert_null(xm_cmd_find(t, 4, "lists"));
    assert_null(xm_cmd_find(t, 4, ""));
    assert_null(xm_cmd_find(t, 4, NULL));
    /* the real table: every row is found by its own name */
    for (size_t i = 0; i < xm_cmd_count; i++) {
        assert_ptr_equal(xm_cmd_lookup(xm_cmd_table[i].name), &xm_cmd_table[i]);
        assert_non_null(xm_cmd_table[i].fn);
        assert_non_null(xm_cmd_table[i].help);
        assert_non_null(xm_cmd_table[i].usage);
    }
    assert_string_equal(xm_cmd_lookup("cr")->name, "create");
}

static void test_help(void **state)
{
    char buf[4096] = "";
    FILE *f = fmemopen(buf, sizeof(buf), "w");
    struct xm xm = {.prog = "xl"};

    (void)state;
    xm_help(&xm, "li", f);
    fflush(f);
    assert_string_equal(buf, "Usage: xl [-vtT] list [options] [Domain]\n\n"
                             "List information about all/some domains.\n\n"
                             "Options:\n\n"
                             "-l, --long              Output all VM details\n"
                             "-v, --verbose           Prints out UUIDs and "
                             "security context\n");
    rewind(f);
    xm_help(&xm, NULL, f);
    fputc(0, f);
    fflush(f);
    assert_memory_equal(buf,
                        "Usage xl [-vfNtT] <subcommand> [args]\n\n"
                        "xl full list of subcommands:\n\n create   ",
                        68);
    assert_non_null(strstr(buf, "\n list                List information"));
    fclose(f);
}

static void test_getopt(void **state)
{
    char ebuf[1024] = "", obuf[1024] = "";
    struct xm xm = {.prog = "xm"};
    char *ok_argv[] = {"create", "-n", "f.cfg", NULL};
    char *bad_argv[] = {"create", "-z", "f.cfg", NULL};
    char *short_argv[] = {"create", NULL};
    char *help_argv[] = {"create", "--help", NULL};

    (void)state;
    xm.cmd = xm_cmd_lookup("create");
    xm.err = fmemopen(ebuf, sizeof(ebuf), "w");
    xm.out = fmemopen(obuf, sizeof(obuf), "w");
    optind = 1;
    assert_int_equal(xm_getopt(&xm, 3, ok_argv, "n", NULL, 1), 'n');
    assert_int_equal(xm_getopt(&xm, 3, ok_argv, "n", NULL, 1), -1);
    assert_int_equal(optind, 2);
    optind = 1;
    assert_int_equal(xm_getopt(&xm, 3, bad_argv, "n", NULL, 1), XM_OPT_ERR);
    fflush(xm.err);
    assert_memory_equal(ebuf, "option `z' not supported.\nUsage: xm", 35);
    optind = 1;
    rewind(xm.err);
    assert_int_equal(xm_getopt(&xm, 1, short_argv, "n", NULL, 1), XM_OPT_ERR);
    fflush(xm.err);
    assert_memory_equal(ebuf, "'xm create' requires at least 1 argument.\n",
                        42);
    optind = 1;
    assert_int_equal(xm_getopt(&xm, 2, help_argv, "n", NULL, 1), XM_OPT_HELP);
    fflush(xm.out);
    assert_memory_equal(obuf, "Usage: xm [-vtTfN] create", 25);
    fclose(xm.err);
    fclose(xm.out);
}

static void test_domain_find(void **state)
{
    struct xm_dominfo d[3] = {{.name = "Domain-0", .domid = 0},
                              {.name = "web", .domid = 3},
                              {.name = "7", .domid = 9}};
    struct xm xm = {.prog = "xm"};
    struct xm_dominfo *list = NULL;
    size_t n = 0;

    (void)state;
    assert_int_equal(xm_domain_find(d, 3, "Domain-0"), 0);
    assert_int_equal(xm_domain_find(d, 3, "3"), 1);
    assert_int_equal(xm_domain_find(d, 3, "web"), 1);
    assert_int_equal(xm_domain_find(d, 3, "9"), 2);
    assert_int_equal(xm_domain_find(d, 3, "4"), -ENOENT);
    assert_int_equal(xm_domain_find(d, 3, "db"), -ENOENT);
    /* Domain-0 is always there, with the host's memory and cpus */
    assert_int_equal(xm_domains_list(&xm, &list, &n), 0);
    assert_true(n >= 1);
    assert_string_equal(list[0].name, "Domain-0");
    assert_int_equal(list[0].domid, 0);
    assert_true(list[0].mem_kb > 0);
    assert_true(list[0].vcpus >= 1);
    assert_true(list[0].running);
    free(list);
}

/* Command name with argv refused before any store connection, its
 * message starting with want (xm->err writes into ebuf). */
static void refused(struct xm *xm, const char *ebuf, const char *name,
                    int (*cmd)(struct xm *, int, char **), char **argv,
                    const char *want)
{
    int argc = 0;

    while (argv[argc])
        argc++;
    rewind(xm->err);
    xm->cmd = xm_cmd_lookup(name);
    optind = 1;
    assert_int_equal(cmd(xm, argc, argv), EXIT_FAILURE);
    fflush(xm->err);
    assert_memory_equal(ebuf, want, strlen(want));
}

/* The device commands: rows as xl's, and argument checks made before any
 * store connection (these run with no xenstored). */
static void test_device_cmds(void **state)
{
    char ebuf[512] = "";
    struct xm xm = {.prog = "xm"};
    char *detach1[] = {"block-detach", "hp", NULL};
    char *detachz[] = {"block-detach", "-z", "hp", "xvdb", NULL};
    char *ndetach_f[] = {"network-detach", "-f", "hp", "0", NULL};
    char *list0[] = {"block-list", NULL};
    const struct xm_cmd *c;

    (void)state;
    c = xm_cmd_lookup("block-detach");
    assert_non_null(c);
    assert_true(c->flags & XM_CMD_MODIFIES);
    assert_string_equal(c->usage, "[-f] <Domain> <DevId>");
    assert_false(xm_cmd_lookup("block-list")->flags & XM_CMD_MODIFIES);
    assert_string_equal(xm_cmd_lookup("network-d")->name, "network-detach");
    assert_string_equal(xm_cmd_lookup("network-l")->name, "network-list");
    assert_null(xm_cmd_lookup("block-")); /* ambiguous */
    xm.err = fmemopen(ebuf, sizeof(ebuf), "w");
    xm.out = xm.err;
    refused(&xm, ebuf, "block-detach", cmd_block_detach, detach1,
            "'xm block-detach' requires at least 2");
    refused(&xm, ebuf, "block-detach", cmd_block_detach, detachz,
            "option `z' not supported.");
    /* network-detach has no -f (xl's neither) */
    refused(&xm, ebuf, "network-detach", cmd_network_detach, ndetach_f,
            "option `f' not supported.");
    refused(&xm, ebuf, "block-list", cmd_block_list, list0, "");
    fclose(xm.err);
}

UNIT_MAIN(cmocka_unit_test(test_lookup), cmocka_unit_test(test_help),
          cmocka_unit_test(test_getopt), cmocka_unit_test(test_domain_find),
          cmocka_unit_test(test_device_cmds))
