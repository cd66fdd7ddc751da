/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_builder.c: the domain builder on in-memory kernels: ELF and Xen note
 * checks with their one-line errors, gzip/xz/lzma/bzip2/zstd/lz4 images,
 * bzImages around them (synthetic, and Debian's own vmlinuz when one is at
 * hand), and the memory layout (start_info, identity page tables with U/S,
 * hypercall page, TSS I/O bitmap).
 */
#include <bzlib.h>
#include <elf.h>
#include <glob.h>
#include <lz4.h>
#include <errno.h>
#include <lzma.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include <cmocka.h>
#include "unit.h"
#include <xen/xen.h>

#include "builder/builder.h"
#include "proto/pvabi.h"

#define LOAD 0x100000ull

/* An ELF64 with one PT_LOAD (two pages at LOAD) and a PT_NOTE. */
struct kimg {
    unsigned char b[3 * 4096];
    size_t len;
};

static size_t note(unsigned char *p, uint32_t type, const void *d, uint32_t n)
{
    Elf64_Nhdr h = {.n_namesz = 4, .n_descsz = n, .n_type = type};

    memcpy(p, &h, sizeof(h));
    memcpy(p + sizeof(h), "Xen", 4);
    memcpy(p + sizeof(h) + 4, d, n);
    return sizeof(h) + 4 + ((n + 3) & ~3u);
}

static void mk_kernel(struct kimg *k, uint64_t virt_base, int with_notes)
{
    Elf64_Ehdr *eh = (Elf64_Ehdr *)k->b;
    Elf64_Phdr *ph = (Elf64_Phdr *)(k->b + sizeof(*eh));
    uint64_t entry = LOAD + 0x10, hpage = LOAD + 4096;
    size_t nlen = 0;
    unsigned char *n = k->b + 512;

    memset(k, 0, sizeof(*k));
    memcpy(eh->e_ident, ELFMAG, SELFMAG);
    eh->e_ident[EI_CLASS] = ELFCLASS64;
    eh->e_ident[EI_DATA] = ELFDATA2LSB;
    eh->e_type = ET_EXEC;
    eh->e_machine = EM_X86_64;
    eh->e_entry = entry;
    eh->e_phoff = sizeof(*eh);
    eh->e_phentsize = sizeof(*ph);
    eh->e_phnum = 2;
    if (with_notes) {
        nlen += note(n + nlen, 6, "pvtest", 7);
        nlen += note(n + nlen, 2, &hpage, 8);
        nlen += note(n + nlen, 3, &virt_base, 8);
        nlen += note(n + nlen, 1, &entry, 8);
    }
    ph[0] = (Elf64_Phdr){.p_type = PT_NOTE, .p_offset = 512, .p_filesz = nlen};
    ph[1] = (Elf64_Phdr){.p_type = PT_LOAD,
                         .p_offset = 4096,
                         .p_vaddr = LOAD,
                         .p_filesz = 8192,
                         .p_memsz = 3 * 4096};
    k->b[4096 + 0x10] = 0x90; /* the "kernel" */
    k->len = sizeof(k->b);
}

static void test_elf_ok(void **state)
{
    struct builder_elf e;
    struct kimg k;
    char err[128] = "";

    mk_kernel(&k, 0, 1);
    assert_int_equal(builder_elf_parse("k", k.b, k.len, &e, err, sizeof(err)),
                     0);
    assert_int_equal(e.entry, LOAD + 0x10);
    assert_int_equal(e.hypercall_page, LOAD + 4096);
    assert_string_equal(e.guest_os, "pvtest");
    assert_int_equal(e.lo, LOAD);
    assert_int_equal(e.hi, LOAD + 3 * 4096);
}

static void expect_err(const void *b, size_t len, const char *want)
{
    struct builder_elf e;
    char err[160] = "";

    assert_true(builder_elf_parse("/boot/k", b, len, &e, err, sizeof(err)) < 0);
    assert_non_null(strstr(err, "/boot/k: "));
    if (!strstr(err, want))
        fail_msg("error '%s' lacks '%s'", err, want);
}

static void test_elf_bad(void **state)
{
    struct kimg k;

    expect_err("hello world, not an elf", 23, "not an ELF file");
    mk_kernel(&k, 0, 1);
    k.b[EI_CLASS] = ELFCLASS32;
    expect_err(k.b, k.len, "not a 64-bit x86 ELF");
    mk_kernel(&k, 0, 0);
    expect_err(k.b, k.len, "no Xen ELF notes");
    mk_kernel(&k, 0xffffffff80000000ull, 1);
    expect_err(k.b, k.len, "VIRT_BASE");
    mk_kernel(&k, 0, 1);
    expect_err(k.b, 6000, "outside the file");
    expect_err(k.b, 40, "truncated");
    mk_kernel(&k, 0, 1);
    ((Elf64_Ehdr *)k.b)->e_phnum = 60000; /* headers past the end */
    expect_err(k.b, k.len, "program headers");
}

static char *write_tmp(const void *b, size_t len)
{
    static char path[64];
    FILE *f;

    strcpy(path, "/tmp/test_builder.XXXXXX");
    close(mkstemp(path));
    f = fopen(path, "w");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, len, f), len);
    fclose(f);
    return path;
}

static void roundtrip(const unsigned char *z, size_t zlen, const struct kimg *k)
{
    char err[160] = "", *p = write_tmp(z, zlen);
    void *out = NULL;
    size_t olen = 0;

    assert_int_equal(builder_read_image(p, &out, &olen, err, sizeof(err)), 0);
    assert_int_equal(olen, k->len);
    assert_memory_equal(out, k->b, k->len);
    free(out);
    unlink(p);
}

static void test_compressed(void **state)
{
    static unsigned char z[64 * 1024];
    struct kimg k;
    size_t zlen = 0;
    uLongf gl = sizeof(z);
    z_stream zs = {0};
    lzma_options_lzma opt;
    lzma_stream ls = LZMA_STREAM_INIT;
    char err[160] = "", *p;
    void *out;
    size_t olen;

    mk_kernel(&k, 0, 1);
    /* xz */
    assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, k.b,
                                             k.len, z, &zlen, sizeof(z)),
                     LZMA_OK);
    roundtrip(z, zlen, &k);
    /* legacy lzma */
    lzma_lzma_preset(&opt, 6);
    assert_int_equal(lzma_alone_encoder(&ls, &opt), LZMA_OK);
    ls.next_in = k.b;
    ls.avail_in = k.len;
    ls.next_out = z;
    ls.avail_out = sizeof(z);
    assert_int_equal(lzma_code(&ls, LZMA_FINISH), LZMA_STREAM_END);
    roundtrip(z, ls.total_out, &k);
    lzma_end(&ls);
    /* gzip */
    assert_int_equal(
        deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
        Z_OK);
    zs.next_in = k.b;
    zs.avail_in = (uInt)k.len;
    zs.next_out = z;
    zs.avail_out = (uInt)gl;
    assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
    roundtrip(z, zs.total_out, &k);
    /* truncated gzip: a one-line error naming the file */
    p = write_tmp(z, zs.total_out / 2);
    assert_true(builder_read_image(p, &out, &olen, err, sizeof(err)) < 0);
    assert_non_null(strstr(err, p));
    assert_non_null(strstr(err, "bad gzip data"));
    unlink(p);
    deflateEnd(&zs);
    assert_true(builder_read_image("/nonexistent/k", &out, &olen, err,
                                   sizeof(err)) == -ENOENT);
    assert_non_null(strstr(err, "/nonexistent/k: "));
}

/* The other compressions Xen's builder reads, as plain files. */
static size_t z_bzip2(const struct kimg *k, unsigned char *z, size_t cap)
{
    unsigned int zl = (unsigned int)cap;

    assert_int_equal(BZ2_bzBuffToBuffCompress((char *)z, &zl,
                                              (char *)(uintptr_t)k->b,
                                              (unsigned int)k->len, 9, 0, 0),
                     BZ_OK);
    return zl;
}

static size_t z_zstd(const struct kimg *k, unsigned char *z, size_t cap)
{
    size_t zl = ZSTD_compress(z, cap, k->b, k->len, 19);

    assert_false(ZSTD_isError(zl));
    return zl;
}

/* lz4 -l: the legacy frame, as Linux's bzImage carries it */
static size_t z_lz4(const struct kimg *k, unsigned char *z, size_t cap)
{
    int n = LZ4_compress_default((const char *)k->b, (char *)z + 8, (int)k->len,
                                 (int)cap - 8);
    uint32_t magic = 0x184c2102u, bl = (uint32_t)n;

    assert_true(n > 0);
    memcpy(z, &magic, 4);
    memcpy(z + 4, &bl, 4);
    return (size_t)n + 8;
}

static void test_more_compressions(void **state)
{
    static unsigned char z[64 * 1024];
    char err[200] = "", *p;
    struct kimg k;
    void *out;
    size_t olen, zl;

    (void)state;
    mk_kernel(&k, 0, 1);
    roundtrip(z, z_bzip2(&k, z, sizeof(z)), &k);
    roundtrip(z, z_zstd(&k, z, sizeof(z)), &k);
    roundtrip(z, z_lz4(&k, z, sizeof(z)), &k);
    /* damaged ones: one line, naming the file and the format */
    zl = z_zstd(&k, z, sizeof(z));
    p = write_tmp(z, zl - 6);
    assert_int_equal(builder_read_image(p, &out, &olen, err, sizeof(err)),
                     -EINVAL);
    assert_non_null(strstr(err, "bad zstd data"));
    unlink(p);
    zl = z_bzip2(&k, z, sizeof(z));
    z[zl / 2] ^= 0x55;
    p = write_tmp(z, zl);
    assert_int_equal(builder_read_image(p, &out, &olen, err, sizeof(err)),
                     -EINVAL);
    assert_non_null(strstr(err, "bad bzip2 data"));
    unlink(p);
    /* an lz4 block cut short (its size field says so) */
    zl = z_lz4(&k, z, sizeof(z));
    {
        uint32_t bl = (uint32_t)(zl - 8 - 7);

        memcpy(z + 4, &bl, 4);
    }
    p = write_tmp(z, zl - 7);
    assert_int_equal(builder_read_image(p, &out, &olen, err, sizeof(err)),
                     -EINVAL);
    assert_non_null(strstr(err, "bad lz4 data"));
    unlink(p);
}

/*
 * A bzImage as Linux's build makes it: setup sectors with the boot
 * protocol header, then the compressed vmlinux and its decompressed size
 * (size_append), payload_offset/length naming the compressed part.
 */
static size_t mk_bzimage(unsigned char *img, size_t cap, const void *payload,
                         size_t plen, unsigned version)
{
    const unsigned sects = 4, start = (sects + 1) * 512, poff = 0x3c0;
    uint32_t v, size = 3 * 4096;

    assert_true(start + poff + plen + 4 <= cap);
    memset(img, 0, start + poff);
    img[0] = 'M', img[1] = 'Z';
    img[0x1f1] = (unsigned char)sects;
    memcpy(img + 0x202, "HdrS", 4);
    img[0x206] = (unsigned char)(version & 0xff);
    img[0x207] = (unsigned char)(version >> 8);
    v = poff;
    memcpy(img + 0x248, &v, 4);
    v = (uint32_t)plen;
    memcpy(img + 0x24c, &v, 4);
    memcpy(img + start + poff, payload, plen);
    memcpy(img + start + poff + plen, &size, 4);
    return start + poff + plen + 4;
}

static void bz_roundtrip(const unsigned char *z, size_t zlen,
                         const struct kimg *k)
{
    static unsigned char img[80 * 1024];

    roundtrip(img, mk_bzimage(img, sizeof(img), z, zlen, 0x20f), k);
}

static void test_bzimage(void **state)
{
    static unsigned char z[64 * 1024], img[80 * 1024];
    char err[200] = "", *p;
    struct kimg k;
    size_t zl, il, olen;
    uLongf gl = sizeof(z);
    void *out;

    (void)state;
    mk_kernel(&k, 0, 1);
    zl = 0;
    assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, k.b,
                                             k.len, z, &zl, sizeof(z)),
                     LZMA_OK);
    bz_roundtrip(z, zl, &k);
    assert_int_equal(compress2(z, &gl, k.b, k.len, 9), Z_OK);
    /* zlib's wrapper is not gzip's: rewrap as gzip for the magic */
    {
        z_stream zs = {0};

        assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8,
                                      Z_DEFAULT_STRATEGY),
                         Z_OK);
        zs.next_in = k.b;
        zs.avail_in = (uInt)k.len;
        zs.next_out = z;
        zs.avail_out = sizeof(z);
        assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
        bz_roundtrip(z, zs.total_out, &k);
        deflateEnd(&zs);
    }
    bz_roundtrip(z, z_bzip2(&k, z, sizeof(z)), &k);
    bz_roundtrip(z, z_zstd(&k, z, sizeof(z)), &k);
    bz_roundtrip(z, z_lz4(&k, z, sizeof(z)), &k);
    bz_roundtrip(k.b, k.len, &k); /* CONFIG_KERNEL_UNCOMPRESSED */

    /* boot protocol before 2.08: no payload fields */
    zl = z_zstd(&k, z, sizeof(z));
    il = mk_bzimage(img, sizeof(img), z, zl, 0x207);
    p = write_tmp(img, il);
    assert_int_equal(builder_read_image(p, &out, &olen, err, sizeof(err)),
                     -ENOEXEC);
    assert_non_null(strstr(err, "boot protocol 2.07"));
    unlink(p);
    /* a payload running past the end of the file */
    il = mk_bzimage(img, sizeof(img), z, zl, 0x20f);
    p = write_tmp(img, il - zl);
    assert_int_equal(builder_read_image(p, &out, &olen, err, sizeof(err)),
                     -ENOEXEC);
    assert_non_null(strstr(err, "outside the"));
    unlink(p);
    /* a damaged payload names itself */
    img[il - 4 - zl / 2] ^= 0x55;
    img[il - 5 - zl / 2] ^= 0x55;
    p = write_tmp(img, il);
    assert_int_equal(builder_read_image(p, &out, &olen, err, sizeof(err)),
                     -EINVAL);
    assert_non_null(strstr(err, "bzImage payload: bad zstd data"));
    unlink(p);
}

/*
 * Debian's own kernel, as mkimage fetches it (linux-image-amd64) or as the
 * host booted: the vmlinux comes out of the bzImage with Xen's notes, and
 * the kvm engine's refusal says what will run it.
 */
static void test_debian_vmlinuz(void **state)
{
    const char *env = getenv("PVSTACK_TEST_VMLINUZ");
    char err[400] = "";
    struct builder_elf e;
    glob_t g = {0};
    const char *path = NULL;
    void *out = NULL;
    size_t olen = 0, i;

    (void)state;
    if (env && *env)
        path = env;
    else if (!glob("build/xenlab/cache-*/x/boot/vmlinuz-*", 0, NULL, &g) ||
             !glob("/boot/vmlinuz-*", GLOB_APPEND, NULL, &g))
        for (i = 0; i < g.gl_pathc && !path; i++)
            if (access(g.gl_pathv[i], R_OK) == 0)
                path = g.gl_pathv[i];
    if (!path) {
        globfree(&g);
        print_message("no Debian vmlinuz readable here: skipped\n");
        skip();
    }
    print_message("kernel: %s\n", path);
    assert_int_equal(builder_read_image(path, &out, &olen, err, sizeof(err)),
                     0);
    assert_true(olen > (1u << 20));
    assert_memory_equal(out, ELFMAG, SELFMAG);
    assert_int_equal(
        builder_elf_parse("vmlinuz", out, olen, &e, err, sizeof(err)),
        -ENOEXEC);
    print_message("%s\n", err);
    assert_string_equal(e.guest_os, "linux");
    assert_true(e.virt_base == 0xffffffff80000000ull);
    assert_non_null(strstr(err, "vmlinuz: a Linux kernel for Xen's PV MMU"));
    assert_non_null(strstr(err, "real Xen"));
    assert_non_null(strstr(err, "type = \"hvm\""));
    free(out);
    globfree(&g);
}

static void test_layout(void **state)
{
    const uint64_t ram = 256; /* 1 MiB... too small for LOAD at 1 MiB */
    struct builder_result r;
    struct builder_elf e;
    struct builder_args a;
    struct kimg k;
    unsigned char *mem, *hp, *tss;
    char err[160] = "";
    const start_info_t *si;
    uint64_t *pml4, *pt, ram_pages = 1024; /* 4 MiB */

    mk_kernel(&k, 0, 1);
    assert_int_equal(builder_elf_parse("k", k.b, k.len, &e, err, sizeof(err)),
                     0);
    a = (struct builder_args){.kernel = k.b,
                              .kernel_len = k.len,
                              .elf = &e,
                              .cmdline = "selftest=all",
                              .ram_pages = ram,
                              .store_port = 1,
                              .console_port = 2};
    mem = calloc(ram + PVABI_SPECIAL_PAGES, 4096);
    assert_int_equal(builder_build(mem, &a, &r, err, sizeof(err)), -ENOMEM);
    assert_non_null(strstr(err, "memory"));
    free(mem);

    a.ram_pages = ram_pages;
    mem = calloc(ram_pages + PVABI_SPECIAL_PAGES, 4096);
    assert_int_equal(builder_build(mem, &a, &r, err, sizeof(err)), 0);
    assert_int_equal(r.entry, LOAD + 0x10);
    assert_int_equal(mem[LOAD + 0x10], 0x90);
    si = (const start_info_t *)(mem + r.start_info);
    assert_int_equal(strncmp(si->magic, "xen-3.0-x86_64", 14), 0);
    assert_int_equal(si->nr_pages, ram_pages);
    assert_int_equal(si->shared_info,
                     (ram_pages + PVABI_SP_SHARED_INFO) * 4096);
    assert_int_equal(si->store_evtchn, 1);
    assert_int_equal(si->console.domU.evtchn, 2);
    assert_int_equal(si->store_mfn, r.store_pfn);
    assert_string_equal((const char *)si->cmd_line, "selftest=all");
    assert_int_equal(si->pt_base, r.cr3);
    assert_true(r.stack_top <= ram_pages * 4096);
    assert_true(r.start_info >= LOAD + 3 * 4096);
    /* Identity map with U/S|RW|P at every level, incl. special pages. */
    pml4 = (uint64_t *)(mem + r.cr3);
    assert_int_equal(pml4[0] & 7, 7);
    pt = (uint64_t *)(mem + r.cr3 + 3 * 4096);
    assert_int_equal(pt[5], 5 * 4096 | 7);
    assert_int_equal(pt[ram_pages + PVABI_SP_GNTTAB],
                     (ram_pages + PVABI_SP_GNTTAB) * 4096 | 7);
    assert_int_equal(pt[ram_pages + PVABI_SPECIAL_PAGES], 0);
    /* Hypercall stubs: mov $nr,%eax; out %eax,$port; ret. */
    hp = mem + LOAD + 4096;
    assert_int_equal(hp[18 * 32], 0xb8);
    assert_int_equal(hp[18 * 32 + 1], 18);
    assert_int_equal(hp[18 * 32 + 5], 0xe7);
    assert_int_equal(hp[18 * 32 + 6], PVABI_HCALL_PORT);
    assert_int_equal(hp[18 * 32 + 7], 0xc3);
    assert_int_equal(hp[23 * 32], 0x51); /* iret: push %rcx first */
    /* TSS I/O bitmap: hypercall/notify dwords open, neighbours closed. */
    tss = mem + r.tss;
    assert_int_equal(tss[0x66], 0x68);
    assert_int_equal((tss[0x68 + 0xe4 / 8] >> (0xe4 % 8)) & 0xf, 0);
    assert_int_equal(tss[0x68 + 0xe8 / 8] & 0xf, 0);
    assert_int_equal((tss[0x68 + 0xe0 / 8]) & 0xf, 0xf);
    assert_int_equal(tss[0x68 + 0x60 / 8], 0xff);
    free(mem);
}

UNIT_MAIN(cmocka_unit_test(test_elf_ok), cmocka_unit_test(test_elf_bad),
          cmocka_unit_test(test_compressed),
          cmocka_unit_test(test_more_compressions),
          cmocka_unit_test(test_bzimage), cmocka_unit_test(test_debian_vmlinuz),
          cmocka_unit_test(test_layout))
