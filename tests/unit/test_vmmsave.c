/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_vmmsave.c: vmm/savefmt.c, the checks a restoring VMM makes on a
 * stream (proto/vmmsave.h) before it trusts it: a good header and every
 * record kind pass; a foreign magic, another version, header sizes of
 * another build, bad vcpu and memory counts, a layout outside memory,
 * unknown records, wrong lengths, runs past guest memory (and overflowing
 * pfn + count), vcpu ids out of range and too many MSRs are refused with
 * one line; exact reads stop at the end of what was asked and report a
 * short stream; a whole stream loads (pages, balloon, vcpu, clock) and
 * leaves the fd right after END; a cut one is "truncated", a vcpu twice
 * refused.
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

#include "proto/pvabi.h"
#include "vmm/savefmt.h"

static char err[256];

static struct vmmsave_hdr good_hdr(void)
{
    struct vmmsave_hdr h;

    savefmt_init_hdr(&h);
    h.nr_vcpus = 2;
    h.max_online = 2;
    h.ram_pages = 8192;
    h.total_pages = 8192 + PVABI_SPECIAL_PAGES;
    h.max_pages = 8192;
    h.cur_pages = 8000;
    h.start_info = 0x319000;
    h.shared_info = 8192ull * 4096;
    h.cr3 = 0x300000;
    h.gdt = (8192ull + 6) * 4096;
    h.tss = (8192ull + 7) * 4096;
    h.idt = (8192ull + 5) * 4096;
    h.store_pfn = 0x31a;
    h.console_pfn = 0x31b;
    return h;
}

static void refused(const struct vmmsave_hdr *h, const char *why)
{
    err[0] = '\0';
    assert_int_equal(savefmt_check_hdr(h, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, why));
    assert_null(strchr(err, '\n'));
}

static void test_header(void **state)
{
    struct vmmsave_hdr h = good_hdr();

    (void)state;
    assert_int_equal(savefmt_check_hdr(&h, err, sizeof(err)), 0);
    memcpy(h.magic, "Xen\0\0\0\0\1", 8);
    refused(&h, "wrong magic");
    h = good_hdr();
    h.version = 2;
    refused(&h, "version 2");
    h = good_hdr();
    h.vcpu_len--;
    refused(&h, "sizes");
    h = good_hdr();
    h.page_size = 65536;
    refused(&h, "sizes");
    h = good_hdr();
    h.nr_vcpus = 0;
    refused(&h, "vcpu count");
    h = good_hdr();
    h.nr_vcpus = VMMSAVE_MAX_VCPUS + 1;
    refused(&h, "vcpu count");
    h = good_hdr();
    h.max_online = 3;
    refused(&h, "vcpu count");
    h = good_hdr();
    h.total_pages++;
    refused(&h, "memory size");
    h = good_hdr();
    h.ram_pages = VMMSAVE_MAX_PAGES + 1;
    h.total_pages = h.ram_pages + PVABI_SPECIAL_PAGES;
    refused(&h, "memory size");
    h = good_hdr();
    h.cur_pages = h.ram_pages + 1;
    refused(&h, "reservation");
    h = good_hdr();
    h.start_info = h.total_pages * 4096;
    refused(&h, "outside guest memory");
    h = good_hdr();
    h.store_pfn = h.total_pages;
    refused(&h, "outside guest memory");
    h = good_hdr();
    h.shared_info += 8; /* not a page */
    refused(&h, "outside guest memory");
}

static int rec_rc(uint32_t type, uint64_t len)
{
    struct vmmsave_hdr h = good_hdr();
    struct vmmsave_rec r = {.type = type, .len = len};

    err[0] = '\0';
    return savefmt_check_rec(&h, &r, err, sizeof(err));
}

static void test_records(void **state)
{
    (void)state;
    assert_int_equal(rec_rc(VMMSAVE_PAGES, 16 + 4096), 0);
    assert_int_equal(rec_rc(VMMSAVE_PAGES, 16 + VMMSAVE_MAX_RUN * 4096ull), 0);
    assert_int_equal(rec_rc(VMMSAVE_PAGES, 16), -EINVAL);
    assert_int_equal(rec_rc(VMMSAVE_PAGES, 8), -EINVAL);
    assert_int_equal(rec_rc(VMMSAVE_PAGES, 16 + 4095), -EINVAL);
    assert_int_equal(
        rec_rc(VMMSAVE_PAGES, 16 + (VMMSAVE_MAX_RUN + 1) * 4096ull), -EINVAL);
    assert_int_equal(rec_rc(VMMSAVE_PAGES, UINT64_MAX), -EINVAL);
    assert_int_equal(rec_rc(VMMSAVE_BALLOON, 8192 / 8), 0);
    assert_int_equal(rec_rc(VMMSAVE_BALLOON, 8192 / 8 + 1), -EINVAL);
    assert_int_equal(rec_rc(VMMSAVE_VCPU, sizeof(struct vmmsave_vcpu)), 0);
    assert_int_equal(rec_rc(VMMSAVE_VCPU, sizeof(struct vmmsave_vcpu) - 1),
                     -EINVAL);
    assert_int_equal(rec_rc(VMMSAVE_CLOCK, 8), 0);
    assert_int_equal(rec_rc(VMMSAVE_CLOCK, 16), -EINVAL);
    assert_int_equal(rec_rc(VMMSAVE_END, 0), 0);
    assert_int_equal(rec_rc(VMMSAVE_END, 1), -EINVAL);
    assert_int_equal(rec_rc(99, 0), -EINVAL);
    assert_non_null(strstr(err, "unknown record type 99"));
}

static void test_runs_and_vcpus(void **state)
{
    struct vmmsave_hdr h = good_hdr();
    struct vmmsave_rec r = {.type = VMMSAVE_PAGES, .len = 16 + 2 * 4096};
    struct vmmsave_vcpu v;

    (void)state;
    assert_int_equal(savefmt_check_run(&h, &r, 0, 2, err, sizeof(err)), 0);
    assert_int_equal(
        savefmt_check_run(&h, &r, h.total_pages - 2, 2, err, sizeof(err)), 0);
    assert_int_equal(
        savefmt_check_run(&h, &r, h.total_pages - 1, 2, err, sizeof(err)),
        -EINVAL);
    assert_non_null(strstr(err, "outside guest memory"));
    assert_int_equal(
        savefmt_check_run(&h, &r, UINT64_MAX - 1, 2, err, sizeof(err)),
        -EINVAL);
    assert_int_equal(savefmt_check_run(&h, &r, 0, 3, err, sizeof(err)),
                     -EINVAL);
    assert_non_null(strstr(err, "does not match"));
    memset(&v, 0, sizeof(v));
    v.id = 1;
    v.nr_msrs = VMMSAVE_MAX_MSRS;
    assert_int_equal(savefmt_check_vcpu(&h, &v, err, sizeof(err)), 0);
    v.id = 2;
    assert_int_equal(savefmt_check_vcpu(&h, &v, err, sizeof(err)), -EINVAL);
    v.id = 0;
    v.nr_msrs = VMMSAVE_MAX_MSRS + 1;
    assert_int_equal(savefmt_check_vcpu(&h, &v, err, sizeof(err)), -EINVAL);
}

/* Reads stop at what was asked (libxl's records follow on the fd) and a
 * short stream is -ENODATA. */
static void test_exact_io(void **state)
{
    char buf[16];
    int p[2];

    (void)state;
    assert_int_equal(pipe(p), 0);
    assert_int_equal(savefmt_write(p[1], "0123456789", 10), 0);
    assert_int_equal(savefmt_read(p[0], buf, 4), 0);
    assert_memory_equal(buf, "0123", 4);
    assert_int_equal(savefmt_read(p[0], buf, 6), 0);
    assert_memory_equal(buf, "456789", 6);
    assert_int_equal(savefmt_write(p[1], "ab", 2), 0);
    close(p[1]);
    assert_int_equal(savefmt_read(p[0], buf, 4), -ENODATA);
    close(p[0]);
}

static void put(int fd, const void *p, size_t n)
{
    assert_int_equal(write(fd, p, n), (ssize_t)n);
}

static void rec(int fd, uint32_t type, uint64_t len)
{
    struct vmmsave_rec r = {.type = type, .len = len};
    put(fd, &r, sizeof(r));
}

/* A stream as a VMM writes it, then libxl's bytes after END. */
static int stream(int vcpus, int cut)
{
    struct vmmsave_hdr h = good_hdr();
    struct vmmsave_vcpu v;
    unsigned char page[4096], bal[8192 / 8];
    uint64_t run[2] = {3, 1}, clock = 123456789;
    int fd = memfd_create("vmmsave", 0), i;
    off_t end;

    assert_true(fd >= 0);
    memset(page, 0xab, sizeof(page));
    memset(bal, 0, sizeof(bal));
    bal[1] = 0x80; /* pfn 15 ballooned */
    put(fd, &h, sizeof(h));
    rec(fd, VMMSAVE_PAGES, 16 + 4096);
    put(fd, run, sizeof(run));
    put(fd, page, sizeof(page));
    rec(fd, VMMSAVE_BALLOON, sizeof(bal));
    put(fd, bal, sizeof(bal));
    for (i = 0; i < vcpus; i++) {
        memset(&v, 0, sizeof(v));
        v.id = 1;
        v.regs.rip = 0x1234;
        rec(fd, VMMSAVE_VCPU, sizeof(v));
        put(fd, &v, sizeof(v));
    }
    rec(fd, VMMSAVE_CLOCK, 8);
    put(fd, &clock, 8);
    rec(fd, VMMSAVE_END, 0);
    end = lseek(fd, 0, SEEK_CUR);
    put(fd, "LIBXL", 5);
    if (cut)
        assert_int_equal(ftruncate(fd, end - cut), 0);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return fd;
}

static int load(int fd, unsigned char *mem, struct savefmt_loaded *l)
{
    struct vmmsave_hdr h;
    int rc;

    memset(l, 0, sizeof(*l));
    err[0] = '\0';
    rc = savefmt_read_hdr(fd, &h, err, sizeof(err));
    if (rc == 0)
        rc = savefmt_load(fd, &h, mem, l, err, sizeof(err));
    return rc;
}

static void test_load(void **state)
{
    const size_t size = (8192 + PVABI_SPECIAL_PAGES) * 4096ul;
    unsigned char *mem = calloc(1, size), tail[8];
    struct savefmt_loaded l;
    int fd;

    (void)state;
    assert_non_null(mem);
    fd = stream(1, 0);
    assert_int_equal(load(fd, mem, &l), 0);
    assert_int_equal(mem[3 * 4096], 0xab);
    assert_int_equal(mem[3 * 4096 + 4095], 0xab);
    assert_int_equal(mem[4 * 4096], 0);
    assert_int_equal(l.have, 2u);
    assert_int_equal(l.vcpu[1].regs.rip, 0x1234);
    assert_true(l.have_clock);
    assert_int_equal(l.clock, 123456789);
    assert_non_null(l.balloon);
    assert_int_equal(l.balloon[1], 0x80);
    /* Nothing read past END: libxl's bytes are next on the fd. */
    assert_int_equal(read(fd, tail, 5), 5);
    assert_memory_equal(tail, "LIBXL", 5);
    free(l.balloon);
    close(fd);
    /* Cut anywhere before END's end: truncated, one line. */
    fd = stream(1, 1);
    assert_int_equal(load(fd, mem, &l), -EINVAL);
    assert_string_equal(err, "domain stream: truncated");
    free(l.balloon);
    close(fd);
    fd = stream(2, 0);
    assert_int_equal(load(fd, mem, &l), -EINVAL);
    assert_string_equal(err, "domain stream: vcpu 1 twice");
    free(l.balloon);
    close(fd);
    free(mem);
}

UNIT_MAIN(cmocka_unit_test(test_header), cmocka_unit_test(test_records),
          cmocka_unit_test(test_runs_and_vcpus),
          cmocka_unit_test(test_exact_io), cmocka_unit_test(test_load))
