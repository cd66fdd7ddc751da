/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_xzpipe.c: domain/xzpipe.c: a round trip through xz (fd to fd, and
 * the child between a pipe and a file), and corrupt or truncated xz data
 * refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>
#include "unit.h"

#include "domain/xzpipe.h"

#define LEN (3u << 20)

/* Half zero pages, half patterned bytes, as a guest's RAM. */
static uint8_t *data(void)
{
    uint8_t *d = calloc(1, LEN);
    size_t i;

    assert_non_null(d);
    for (i = LEN / 2; i < LEN; i++)
        d[i] = (uint8_t)(i * 2654435761u >> 13);
    return d;
}

static int memfile(const uint8_t *p, size_t len)
{
    int fd = memfd_create("xz", 0);

    assert_true(fd >= 0);
    if (len)
        assert_int_equal(write(fd, p, len), (ssize_t)len);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

static uint8_t *slurp(int fd, size_t *len)
{
    off_t n = lseek(fd, 0, SEEK_END);
    uint8_t *b = malloc((size_t)n + 1);

    assert_non_null(b);
    assert_int_equal(pread(fd, b, (size_t)n, 0), n);
    *len = (size_t)n;
    return b;
}

static void test_roundtrip(void **state)
{
    uint8_t *d = data(), *z, *back;
    size_t zlen, blen;
    char err[160] = "";
    int in = memfile(d, LEN), mid = memfile(NULL, 0), out = memfile(NULL, 0);

    (void)state;
    assert_int_equal(xz_pump(in, mid, 1, err, sizeof(err)), 0);
    z = slurp(mid, &zlen);
    assert_true(zlen < LEN / 2); /* the zero half is all but free */
    assert_memory_equal(z,
                        "\xfd"
                        "7zXZ",
                        5);
    assert_int_equal(lseek(mid, 0, SEEK_SET), 0);
    assert_int_equal(xz_pump(mid, out, 0, err, sizeof(err)), 0);
    back = slurp(out, &blen);
    assert_int_equal(blen, LEN);
    assert_memory_equal(back, d, LEN);
    free(d);
    free(z);
    free(back);
    close(in);
    close(mid);
    close(out);
}

/* Compressed data with byte at off flipped, or cut at off (cut). */
static void expect_bad(size_t off, int cut, const char *want)
{
    uint8_t *d = data(), *z;
    size_t zlen;
    char err[160] = "";
    int in = memfile(d, LEN), mid = memfile(NULL, 0), out, rc;

    assert_int_equal(xz_pump(in, mid, 1, err, sizeof(err)), 0);
    z = slurp(mid, &zlen);
    if (cut)
        zlen = off;
    else
        z[off] ^= 0x55;
    close(mid);
    mid = memfile(z, zlen);
    out = memfile(NULL, 0);
    rc = xz_pump(mid, out, 0, err, sizeof(err));
    assert_int_equal(rc, -EINVAL);
    if (!strstr(err, want))
        fail_msg("'%s' does not say '%s'", err, want);
    free(d);
    free(z);
    close(in);
    close(mid);
    close(out);
}

static void test_bad(void **state)
{
    (void)state;
    expect_bad(0, 0, "corrupt");    /* the magic */
    expect_bad(2000, 0, "corrupt"); /* inside a block */
    expect_bad(3000, 1, "truncated");
}

/* The child between a pipe and a file, as save -z runs it. */
static void test_spawn(void **state)
{
    uint8_t *d = data(), *back;
    size_t blen;
    int p[2], file = memfile(NULL, 0), out = memfile(NULL, 0);
    char err[160] = "";
    pid_t pid;

    (void)state;
    assert_int_equal(pipe(p), 0);
    pid = xz_pump_spawn(p[0], file, 1);
    assert_true(pid > 0);
    close(p[0]);
    assert_int_equal(write(p[1], d, LEN), (ssize_t)LEN);
    close(p[1]);
    assert_int_equal(xz_pump_wait(pid), 0);
    assert_int_equal(lseek(file, 0, SEEK_SET), 0);
    assert_int_equal(xz_pump(file, out, 0, err, sizeof(err)), 0);
    back = slurp(out, &blen);
    assert_int_equal(blen, LEN);
    assert_memory_equal(back, d, LEN);
    /* A child fed garbage says so by its exit status. */
    assert_int_equal(pipe(p), 0);
    pid = xz_pump_spawn(p[0], out, 0);
    close(p[0]);
    assert_int_equal(write(p[1], "not xz at all", 13), 13);
    close(p[1]);
    assert_int_equal(xz_pump_wait(pid), -EIO);
    free(d);
    free(back);
    close(file);
    close(out);
}

UNIT_MAIN(cmocka_unit_test(test_roundtrip), cmocka_unit_test(test_bad),
          cmocka_unit_test(test_spawn))
