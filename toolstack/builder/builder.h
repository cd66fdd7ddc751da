/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * builder.h: the domain builder. Reads a PV kernel (ELF64 with Xen ELF
 * notes; raw, gzip, xz, lzma, bzip2, zstd or lz4, or inside a Linux
 * bzImage), checks it, and lays out a domain's memory
 * image as pvabi.h describes: kernel, ramdisk, start_info, xenstore and
 * console pages, identity page tables, boot stack; GDT, TSS (I/O bitmap),
 * IDT, shared_info and the hypercall page. Works on a caller's buffer, so it
 * is testable without KVM.
 */
#ifndef XT_BUILDER_BUILDER_H
#define XT_BUILDER_BUILDER_H

#include <stddef.h>
#include <stdint.h>

#define BUILDER_MAX_SEGS 16
#define BUILDER_MAX_IMAGE (256u << 20) /* decompressed kernel/ramdisk cap */

struct builder_seg {
    uint64_t paddr;  /* guest physical (= virtual - VIRT_BASE) */
    uint64_t filesz; /* bytes from the file at offset */
    uint64_t memsz;  /* filesz..memsz is zeroed */
    uint64_t offset;
};

/* What a kernel's ELF headers and Xen notes say. */
struct builder_elf {
    uint64_t entry;
    uint64_t hypercall_page; /* 0: none */
    uint64_t virt_base;
    uint64_t lo, hi; /* physical extent of loadable segments */
    char guest_os[32];
    char xen_version[32];
    char features[128];
    unsigned nsegs;
    struct builder_seg segs[BUILDER_MAX_SEGS];
};

/*
 * Read path fully, decompressing gzip, xz, lzma, bzip2, zstd or lz4 (by
 * magic); a bzImage gives the vmlinux inside it, decompressed. On success
 * *buf_out is malloc'd (caller frees) and *len_out its size. Returns 0 or
 * -errno with a one-line "path: reason" in err.
 */
int builder_read_image(const char *path, void **buf_out, size_t *len_out,
                       char *err, size_t errlen);

/*
 * Parse an in-memory kernel. name is used in messages only. Requires an
 * ELF64 x86-64 executable with Xen ELF notes (GUEST_OS or ENTRY), VIRT_BASE 0
 * and at least one PT_LOAD inside the file. Returns 0 or -EINVAL/-ENOEXEC
 * with "name: reason" in err.
 */
int builder_elf_parse(const char *name, const void *buf, size_t len,
                      struct builder_elf *out, char *err, size_t errlen);

struct builder_args {
    const void *kernel; /* the ELF, parsed as elf */
    size_t kernel_len;
    const struct builder_elf *elf;
    const void *ramdisk; /* NULL: none */
    size_t ramdisk_len;
    const char *cmdline; /* NULL: empty */
    uint64_t ram_pages;  /* boot RAM; PVABI_SPECIAL_PAGES follow */
    uint32_t store_port;
    uint32_t console_port;
    uint32_t domid;
};

struct builder_result {
    uint64_t entry;
    uint64_t stack_top;
    uint64_t start_info; /* gpa, passed in rsi */
    uint64_t cr3;
    uint64_t store_pfn;
    uint64_t console_pfn;
    uint64_t shared_info;   /* gpa */
    uint64_t gdt, tss, idt; /* gpas of the special pages */
    uint64_t free_pfn;      /* first pfn after the boot stack */
};

/*
 * Lay out the domain in mem, which holds ram_pages + PVABI_SPECIAL_PAGES
 * pages and must be all zero (a fresh memfd): segments' bss parts are left
 * as they are, so their pages stay unallocated until used. Returns 0, or
 * -ENOMEM with "not enough memory" in err when the image does not fit,
 * -EINVAL for a bad layout.
 */
int builder_build(void *mem, const struct builder_args *a,
                  struct builder_result *out, char *err, size_t errlen);

/* The GDT descriptor for TR, exposed for the VMM's initial sregs. */
#define BUILDER_TSS_LIMIT (0x68 + 32 + 1 - 1)

#endif
