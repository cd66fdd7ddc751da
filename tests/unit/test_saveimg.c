/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_saveimg.c: domain/saveimg.c, xl's save-image framing: the exact
 * bytes of the header, a round trip through a file, and the refusals of
 * foreign, corrupt and truncated images.
 */
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

#include "domain/saveimg.h"

static const char cfg[] = "{\"c_info\":{\"name\":\"g1\"}}";
static const char stream[] = "QEVM\0\0\0\3 some device state";

static int memfile(void)
{
    int fd = memfd_create("saveimg", 0);

    assert_true(fd >= 0);
    return fd;
}

/* A finished image of cfg + stream in a fresh file. */
static int image(uint32_t mflags)
{
    int fd = memfile();
    off_t off;

    assert_int_equal(saveimg_write(fd, mflags, cfg, strlen(cfg), &off), 0);
    assert_int_equal(write(fd, stream, sizeof(stream)),
                     (ssize_t)sizeof(stream));
    assert_int_equal(saveimg_finish(fd), 0);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

static void test_layout(void **state)
{
    uint8_t b[64];
    uint32_t v;
    int fd = image(SAVEIMG_MFLAG_JSON | SAVEIMG_MFLAG_QEMU);

    (void)state;
    assert_int_equal(read(fd, b, sizeof(b)), (ssize_t)sizeof(b));
    /* xl's magic, byte for byte, with its embedded NUL. */
    assert_memory_equal(b, "Xen saved domain, xl format\n \0 \r", 32);
    memcpy(&v, b + 32, 4);
    assert_int_equal(v, 0x01020304u);
    memcpy(&v, b + 36, 4);
    assert_int_equal(v, SAVEIMG_MFLAG_JSON | SAVEIMG_MFLAG_QEMU);
    memcpy(&v, b + 40, 4);
    assert_int_equal(v, 0);
    memcpy(&v, b + 44, 4); /* optional data: length, config, our record */
    assert_int_equal(v, 4 + strlen(cfg) + 24);
    memcpy(&v, b + 48, 4);
    assert_int_equal(v, strlen(cfg));
    assert_memory_equal(b + 52, cfg, 12);
    close(fd);
}

static void test_roundtrip(void **state)
{
    struct saveimg_header h;
    char err[200] = "", got[sizeof(stream)];
    int fd = image(SAVEIMG_MFLAG_JSON | SAVEIMG_MFLAG_QEMU);

    (void)state;
    assert_int_equal(saveimg_read(fd, &h, err, sizeof(err)), 0);
    assert_string_equal(h.config, cfg);
    assert_int_equal(h.config_len, strlen(cfg));
    assert_int_equal(h.mflags, SAVEIMG_MFLAG_JSON | SAVEIMG_MFLAG_QEMU);
    assert_true(h.has_record);
    assert_int_equal(h.stream_len, sizeof(stream));
    assert_int_equal(saveimg_verify(fd, &h, err, sizeof(err)), 0);
    assert_int_equal(read(fd, got, sizeof(got)), (ssize_t)sizeof(got));
    assert_memory_equal(got, stream, sizeof(stream));
    saveimg_header_free(&h);
    close(fd);
}

/* Read the image in fd with byte at off replaced by val (or the file cut
 * at off when val < 0); expect a refusal naming want. */
static void expect_refused(int off, int val, const char *want, int verify)
{
    struct saveimg_header h;
    char err[200] = "";
    int fd = image(SAVEIMG_MFLAG_JSON | SAVEIMG_MFLAG_QEMU), rc;

    if (val < 0) {
        assert_int_equal(ftruncate(fd, off), 0);
    } else {
        uint8_t c = (uint8_t)val;

        assert_int_equal(pwrite(fd, &c, 1, off), 1);
    }
    rc = saveimg_read(fd, &h, err, sizeof(err));
    if (verify) {
        assert_int_equal(rc, 0);
        rc = saveimg_verify(fd, &h, err, sizeof(err));
        saveimg_header_free(&h);
    }
    assert_int_equal(rc, -EINVAL);
    if (!strstr(err, want))
        fail_msg("\"%s\" does not say \"%s\"", err, want);
    assert_null(strchr(err, '\n'));
    close(fd);
}

static void test_refused(void **state)
{
    off_t end = 52 + (off_t)strlen(cfg) + 24 + (off_t)sizeof(stream);

    (void)state;
    expect_refused(0, 'Y', "wrong magic", 0);  /* foreign file */
    expect_refused(30, 'x', "wrong magic", 0); /* the embedded NUL */
    expect_refused(10, -1, "wrong magic", 0);  /* cut in the magic */
    expect_refused(32, 0x01, "byte order", 0); /* other-endian saver */
    expect_refused(38, 0x80, "mandatory flag(s) 0x800000", 0);
    expect_refused(36, 0x02, "not JSON", 0); /* xl's old config format */
    expect_refused(47, 0x7f, "optional data", 0);
    expect_refused(51, 0x10, "overruns", 0);
    expect_refused(50, -1, "truncated in its header", 0);
    expect_refused(60, -1, "truncated in its header", 0);
    /* The stream: cut short, a flipped byte, bytes appended. */
    expect_refused((int)end - 3, -1, "truncated", 1);
    expect_refused((int)end - 3, 'Z', "corrupt", 1);
    expect_refused((int)end, 'Z', "corrupt", 1);
}

static void test_unfinished(void **state)
{
    struct saveimg_header h;
    char err[200] = "";
    int fd = memfile();

    (void)state;
    /* A save that died before saveimg_finish. */
    assert_int_equal(
        saveimg_write(fd, SAVEIMG_MFLAG_JSON, cfg, strlen(cfg), NULL), 0);
    assert_int_equal(write(fd, stream, 4), 4);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    assert_int_equal(saveimg_read(fd, &h, err, sizeof(err)), 0);
    assert_int_equal(saveimg_verify(fd, &h, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "not completed"));
    saveimg_header_free(&h);
    close(fd);
}

/* saveimg_open: a path, the header read and the stream verified. */
static void test_open(void **state)
{
    struct saveimg_header h;
    char err[200] = "", path[64];
    int fd = image(SAVEIMG_MFLAG_JSON), bad = memfile(), got;

    (void)state;
    snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
    got = saveimg_open(path, &h, err, sizeof(err));
    assert_true(got >= 0);
    assert_string_equal(h.config, cfg);
    assert_int_equal(lseek(got, 0, SEEK_CUR),
                     lseek(fd, 0, SEEK_END) - (off_t)sizeof(stream));
    saveimg_header_free(&h);
    close(got);
    /* unfinished: the path and what is wrong, in one line */
    assert_int_equal(
        saveimg_write(bad, SAVEIMG_MFLAG_JSON, cfg, strlen(cfg), NULL), 0);
    snprintf(path, sizeof(path), "/proc/self/fd/%d", bad);
    assert_int_equal(saveimg_open(path, &h, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, path));
    assert_non_null(strstr(err, "not completed"));
    assert_null(h.config);
    assert_int_equal(saveimg_open("/nonexistent/img", &h, err, sizeof(err)),
                     -ENOENT);
    assert_string_equal(
        err, "cannot open /nonexistent/img: No such file or directory");
    close(bad);
    close(fd);
}

/* An image as xl writes it (no pvstack record), from a pipe. */
static void test_xl_image(void **state)
{
    struct saveimg_header h;
    uint8_t b[52 + sizeof(cfg) - 1 + 4];
    uint32_t v;
    char err[200] = "", s[4];
    int p[2];

    (void)state;
    memcpy(b, SAVEIMG_MAGIC, 32);
    v = SAVEIMG_BYTEORDER;
    memcpy(b + 32, &v, 4);
    v = SAVEIMG_MFLAG_JSON | SAVEIMG_MFLAG_STREAMV2;
    memcpy(b + 36, &v, 4);
    v = 0;
    memcpy(b + 40, &v, 4);
    v = 4 + (uint32_t)strlen(cfg);
    memcpy(b + 44, &v, 4);
    v = (uint32_t)strlen(cfg);
    memcpy(b + 48, &v, 4);
    memcpy(b + 52, cfg, strlen(cfg));
    memcpy(b + 52 + strlen(cfg), "Xen!", 4);
    assert_int_equal(pipe(p), 0);
    assert_int_equal(write(p[1], b, sizeof(b)), (ssize_t)sizeof(b));
    close(p[1]);
    assert_int_equal(saveimg_read(p[0], &h, err, sizeof(err)), 0);
    assert_false(h.has_record);
    assert_string_equal(h.config, cfg);
    assert_int_equal(read(p[0], s, 4), 4); /* left at the stream */
    assert_memory_equal(s, "Xen!", 4);
    saveimg_header_free(&h);
    close(p[0]);
}

UNIT_MAIN(cmocka_unit_test(test_layout), cmocka_unit_test(test_roundtrip),
          cmocka_unit_test(test_refused), cmocka_unit_test(test_unfinished),
          cmocka_unit_test(test_open), cmocka_unit_test(test_xl_image))
