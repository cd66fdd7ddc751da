/* SPDX-License-Identifier: GPL-2.0-only */
/* test_lib.c: lib/parse.c and lib/paths.c. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "unit.h"

#include "lib/log.h"
#include "lib/parse.h"
#include "lib/paths.h"

static void test_parse_ll(void **state)
{
    long long v;

    (void)state;
    assert_int_equal(parse_ll("42", 10, 0, 100, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(parse_ll("0x10", 0, 0, 100, &v), 0);
    assert_int_equal(v, 16);
    assert_int_equal(parse_ll("010", 0, 0, 100, &v), 0);
    assert_int_equal(v, 8);
    assert_int_equal(parse_ll("", 10, 0, 100, &v), -EINVAL);
    assert_int_equal(parse_ll("12x", 10, 0, 100, &v), -EINVAL);
    assert_int_equal(parse_ll(" 1", 10, 0, 100, &v), -EINVAL);
    assert_int_equal(parse_ll("101", 10, 0, 100, &v), -ERANGE);
    assert_int_equal(parse_ll("99999999999999999999", 10, 0, 100, &v), -ERANGE);
}

static void test_parse_ull(void **state)
{
    unsigned long long v;

    (void)state;
    assert_int_equal(parse_ull("18446744073709551615", 10, ~0ULL, &v), 0);
    assert_true(v == ~0ULL);
    assert_int_equal(parse_ull("-1", 10, ~0ULL, &v), -EINVAL);
}

static void test_parse_size(void **state)
{
    unsigned long long v;

    (void)state;
    assert_int_equal(parse_size("4G", 1, &v), 0);
    assert_true(v == 4ULL << 30);
    assert_int_equal(parse_size("512M", 1, &v), 0);
    assert_true(v == 512ULL << 20);
    assert_int_equal(parse_size("512", 1ULL << 20, &v), 0);
    assert_true(v == 512ULL << 20);
    assert_int_equal(parse_size("1kb", 1, &v), 0);
    assert_true(v == 1024);
    assert_int_equal(parse_size("1MiB", 1, &v), 0);
    assert_true(v == 1ULL << 20);
    assert_int_equal(parse_size("1x", 1, &v), -EINVAL);
    assert_int_equal(parse_size("G", 1, &v), -EINVAL);
    assert_int_equal(parse_size("99999999999T", 1, &v), -ERANGE);
}

static void test_paths(void **state)
{
    char buf[256];

    (void)state;
    unsetenv("XENSTORED_PATH");
    setenv("PVSTACK_ROOT", "/tmp/x", 1);
    assert_int_equal(paths_get(buf, sizeof(buf), "/etc/xen"), 0);
    assert_string_equal(buf, "/tmp/x/etc/xen");
    assert_int_equal(paths_xenstored_socket(buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/tmp/x/run/xenstored/socket");
    setenv("XENSTORED_PATH", "/s", 1);
    assert_int_equal(paths_xenstored_socket(buf, sizeof(buf)), 0);
    assert_string_equal(buf, "/s");
    unsetenv("PVSTACK_ROOT");
    assert_int_equal(paths_get(buf, sizeof(buf), "/etc/xen"), 0);
    assert_string_equal(buf, "/etc/xen");
    assert_int_equal(paths_get(buf, 4, "/etc/xen"), -ENAMETOOLONG);
}

/* log_errbuf: the line, cut to the buffer, and rc back. */
static void test_errbuf(void **state)
{
    char err[8] = "x";

    (void)state;
    assert_int_equal(log_errbuf(err, sizeof(err), -EINVAL, "%s %d", "ab", 7),
                     -EINVAL);
    assert_string_equal(err, "ab 7");
    assert_int_equal(log_errbuf(err, sizeof(err), 3, "%s", "too long a line"),
                     3);
    assert_string_equal(err, "too lon");
    assert_int_equal(log_errbuf(NULL, 0, -EIO, "nowhere"), -EIO);
}

UNIT_MAIN(cmocka_unit_test(test_parse_ll), cmocka_unit_test(test_parse_ull),
          cmocka_unit_test(test_parse_size), cmocka_unit_test(test_paths),
          cmocka_unit_test(test_errbuf))
