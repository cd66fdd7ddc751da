/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_libxlsr.c: domain/libxlsr.c, libxl's migration stream v2 around a
 * PV domain's libxc stream: the exact bytes libxl writes (big-endian
 * header, native records), a round trip, and the refusals of a foreign,
 * other-endian, legacy, cut or unexpected stream.
 */
#include <endian.h>
#include <errno.h>
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

#include "domain/libxlsr.h"

static const char libxc[] = "Xen\0\0\0\0\1 a libxc stream";

static int memfile(void)
{
    int fd = memfd_create("libxlsr", 0);

    assert_true(fd >= 0);
    return fd;
}

/* fd holding the n bytes of b, at offset 0. */
static int file_of(const void *b, size_t n)
{
    int fd = memfile();

    assert_int_equal(write(fd, b, n), (ssize_t)n);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

/* What libxl_stream_write.c writes for a PV domain: header, LIBXC_CONTEXT,
 * libxc's stream, END. */
static size_t libxl_bytes(uint8_t *b, uint32_t opts, uint32_t version)
{
    uint64_t ident = htobe64(LIBXLSR_IDENT);
    uint32_t v = htobe32(version), o = htobe32(opts), rec[2];
    size_t n = 0;

    memcpy(b + n, &ident, 8), n += 8;
    memcpy(b + n, &v, 4), n += 4;
    memcpy(b + n, &o, 4), n += 4;
    rec[0] = LIBXLSR_REC_LIBXC_CONTEXT, rec[1] = 0;
    memcpy(b + n, rec, 8), n += 8;
    memcpy(b + n, libxc, sizeof(libxc)), n += sizeof(libxc);
    rec[0] = LIBXLSR_REC_END, rec[1] = 0;
    memcpy(b + n, rec, 8), n += 8;
    return n;
}

static void test_layout(void **state)
{
    uint8_t want[128], got[128];
    size_t n = libxl_bytes(want, 0, 2);
    int fd = memfile();

    (void)state;
    assert_int_equal(libxlsr_write_begin(fd), 0);
    assert_int_equal(write(fd, libxc, sizeof(libxc)), (ssize_t)sizeof(libxc));
    assert_int_equal(libxlsr_write_end(fd), 0);
    assert_int_equal(lseek(fd, 0, SEEK_END), (off_t)n);
    assert_int_equal(pread(fd, got, n, 0), (ssize_t)n);
    assert_memory_equal(got, "LibxlFmt", 8);
    assert_memory_equal(got, want, n);
    close(fd);
}

static void test_roundtrip(void **state)
{
    uint8_t b[128];
    char mid[sizeof(libxc)], err[128] = "";
    int fd = file_of(b, libxl_bytes(b, 0, 2));

    (void)state;
    assert_int_equal(libxlsr_read_begin(fd, err, sizeof(err)), 0);
    /* fd is left exactly at the libxc stream, and after it the END. */
    assert_int_equal(read(fd, mid, sizeof(mid)), (ssize_t)sizeof(mid));
    assert_memory_equal(mid, libxc, sizeof(libxc));
    assert_int_equal(libxlsr_read_end(fd, err, sizeof(err)), 0);
    assert_string_equal(err, "");
    close(fd);
}

/* The stream in b (n bytes) is refused at begin with want in the error. */
static void refused_begin(const uint8_t *b, size_t n, const char *want)
{
    char err[160] = "";
    int fd = file_of(b, n);

    assert_int_equal(libxlsr_read_begin(fd, err, sizeof(err)), -EINVAL);
    if (!strstr(err, want))
        fail_msg("error \"%s\" lacks \"%s\"", err, want);
    close(fd);
}

static void test_refused(void **state)
{
    uint8_t b[128], c[128];
    size_t n = libxl_bytes(b, 0, 2);
    uint32_t rec[2] = {LIBXLSR_REC_EMULATOR_CONTEXT, 8};

    (void)state;
    memcpy(c, b, n);
    c[0] = 'X';
    refused_begin(c, n, "bad ident");
    refused_begin(b, 10, "truncated header");
    refused_begin(b, 16, "truncated");
    n = libxl_bytes(c, 0, 1);
    refused_begin(c, n, "version");
    n = libxl_bytes(c, LIBXLSR_OPT_BIG_ENDIAN, 2);
    refused_begin(c, n, "byte order");
    n = libxl_bytes(c, LIBXLSR_OPT_LEGACY, 2);
    refused_begin(c, n, "legacy");
    /* An HVM domain's emulator record where a PV one has its domain. */
    memcpy(c, b, 16);
    memcpy(c + 16, rec, 8);
    refused_begin(c, 32, "EMULATOR_CONTEXT");
    /* END straight away: no domain at all. */
    rec[0] = LIBXLSR_REC_END, rec[1] = 0;
    memcpy(c + 16, rec, 8);
    refused_begin(c, 24, "no domain");
}

static void test_refused_end(void **state)
{
    uint32_t rec[2] = {LIBXLSR_REC_CHECKPOINT_END, 0};
    char err[160] = "";
    int fd;

    (void)state;
    /* The libxc stream ran to the file's end: the END record is missing. */
    fd = file_of("", 0);
    assert_int_equal(libxlsr_read_end(fd, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "truncated"));
    close(fd);
    /* A checkpoint (Remus/COLO) stream is not a saved domain. */
    fd = file_of(rec, sizeof(rec));
    assert_int_equal(libxlsr_read_end(fd, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "CHECKPOINT_END"));
    close(fd);
}

UNIT_MAIN(cmocka_unit_test(test_layout), cmocka_unit_test(test_roundtrip),
          cmocka_unit_test(test_refused), cmocka_unit_test(test_refused_end))
