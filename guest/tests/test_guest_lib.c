/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_guest_lib.c: the guest kernel's libc stand-ins (guest/lib.c):
 * vsnprintf's conversions, truncation and return value, lib_parse_ulong,
 * strlcpy and the string functions the compiler may call.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include "../../tests/unit/unit.h"

#include "lib.h"

#include <xen/errno.h>

static void test_format(void **state)
{
    const char *volatile null = NULL; /* hidden from format checks */
    char b[64];

    (void)state;
    assert_int_equal(snprintf(b, sizeof(b), "%d %i %u", -42, 7, 4000000000u),
                     16);
    assert_string_equal(b, "-42 7 4000000000");
    snprintf(b, sizeof(b), "%x %lx %llx", 0xbeefu, 0x123456789abUL,
             0xffffffffffffffffULL);
    assert_string_equal(b, "beef 123456789ab ffffffffffffffff");
    snprintf(b, sizeof(b), "[%5d|%-5d|%05d|%02x]", 42, 42, -42, 5);
    assert_string_equal(b, "[   42|42   |-0042|05]");
    snprintf(b, sizeof(b), "%s/%c/%%/%p", "ab", 'z', (void *)0x10);
    assert_string_equal(b, "ab/z/%/0x10");
    snprintf(b, sizeof(b), "%s|%-4s|%4s", null, "x", "y");
    assert_string_equal(b, "(null)|x   |   y");
    snprintf(b, sizeof(b), "%ld %lu", (long)INT64_MIN, (unsigned long)-1);
    assert_string_equal(b, "-9223372036854775808 18446744073709551615");
}

static void test_truncate(void **state)
{
    char b[8];

    (void)state;
    memset(b, 'x', sizeof(b));
    assert_int_equal(snprintf(b, sizeof(b), "%s", "0123456789"), 10);
    assert_string_equal(b, "0123456");
    assert_int_equal(snprintf(b, 1, "abc"), 3);
    assert_string_equal(b, "");
    assert_int_equal(snprintf(NULL, 0, "%d", 12345), 5);
}

static void test_parse(void **state)
{
    unsigned long v = 99;
    const char *end;

    (void)state;
    assert_int_equal(lib_parse_ulong("123abc", &v, &end), 0);
    assert_int_equal(v, 123);
    assert_string_equal(end, "abc");
    assert_int_equal(lib_parse_ulong("0x1F", &v, &end), 0);
    assert_int_equal(v, 31);
    assert_int_equal(lib_parse_ulong("x", &v, &end), -XEN_EINVAL);
    assert_int_equal(lib_parse_ulong("0x", &v, NULL), -XEN_EINVAL);
    assert_int_equal(v, 31); /* untouched on error */
}

static void test_strings(void **state)
{
    char b[6], m[8] = "abcdefg";

    (void)state;
    assert_int_equal(strlcpy(b, "hello world", sizeof(b)), 11);
    assert_string_equal(b, "hello");
    assert_int_equal(strlcpy(b, "hi", sizeof(b)), 2);
    assert_string_equal(b, "hi");
    assert_int_equal(strnlen("abc", 2), 2);
    assert_true(strncmp("abcd", "abce", 3) == 0);
    assert_true(strcmp("a", "b") < 0);
    assert_null(strchr("abc", 'x'));
    assert_string_equal(strchr("abc", 'b'), "bc");
    memmove(m + 1, m, 5);
    assert_string_equal(m, "aabcdeg");
    memmove(m, m + 1, 5);
    assert_string_equal(m, "abcdeeg");
}

UNIT_MAIN(cmocka_unit_test(test_format), cmocka_unit_test(test_truncate),
          cmocka_unit_test(test_parse), cmocka_unit_test(test_strings))
