/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * layout.c: lay out a PV domain's memory as pvabi.h fixes it: ELF segments,
 * hypercall page, ramdisk, p2m (identity) list, start_info, xenstore and
 * console pages, 4-level identity page tables with U/S at every level (the
 * kernel runs at CPL3), boot stack; and in the special pages above RAM the
 * GDT, the TSS with its I/O bitmap and an empty IDT. Pure memory work.
 */
#include "builder/builder.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <xen/xen.h>

#include "proto/pvabi.h"

#define PG 4096ull
#define PTE_P 0x1ull
#define PTE_RW 0x2ull
#define PTE_US 0x4ull
#define PTE_FLAGS (PTE_P | PTE_RW | PTE_US)
#define BOOT_STACK_PAGES 4

static uint64_t pg_up(uint64_t x)
{
    return (x + PG - 1) & ~(PG - 1);
}

static void write_hypercall_page(unsigned char *p)
{
    unsigned nr;

    for (nr = 0; nr < PG / PVABI_HCALL_STUB_SIZE; nr++) {
        unsigned char *s = p + nr * PVABI_HCALL_STUB_SIZE;
        if (nr == __HYPERVISOR_iret) {
            /* Xen's iret stub: push rcx, r11, rax -> struct iret_context. */
            *s++ = 0x51;
            *s++ = 0x41, *s++ = 0x53;
            *s++ = 0x50;
        }
        *s++ = 0xb8; /* mov $nr, %eax */
        memcpy(s, &nr, 4);
        s += 4;
        *s++ = 0xe7; /* out %eax, $port */
        *s++ = PVABI_HCALL_PORT;
        if (nr == __HYPERVISOR_iret)
            *s++ = 0x0f, *s++ = 0x0b; /* ud2: iret never returns */
        else
            *s++ = 0xc3; /* ret */
    }
}

/* Number of table pages to map npages 1:1 at every level. */
static uint64_t pt_pages(uint64_t npages)
{
    uint64_t pt = (npages + 511) / 512, pd = (pt + 511) / 512,
             pdpt = (pd + 511) / 512;

    return 1 + pdpt + pd + pt;
}

/* Build identity tables at base for npages; entries are guest physical. */
static void write_page_tables(unsigned char *mem, uint64_t base,
                              uint64_t npages)
{
    uint64_t pt = (npages + 511) / 512, pd = (pt + 511) / 512,
             pdpt = (pd + 511) / 512, i;
    uint64_t pml4_a = base, pdpt_a = base + PG, pd_a = pdpt_a + pdpt * PG,
             pt_a = pd_a + pd * PG;
    uint64_t *e;

    e = (uint64_t *)(mem + pml4_a);
    for (i = 0; i < pdpt; i++)
        e[i] = (pdpt_a + i * PG) | PTE_FLAGS;
    e = (uint64_t *)(mem + pdpt_a);
    for (i = 0; i < pd; i++)
        e[i] = (pd_a + i * PG) | PTE_FLAGS;
    e = (uint64_t *)(mem + pd_a);
    for (i = 0; i < pt; i++)
        e[i] = (pt_a + i * PG) | PTE_FLAGS;
    e = (uint64_t *)(mem + pt_a);
    for (i = 0; i < npages; i++)
        e[i] = (i * PG) | PTE_FLAGS;
}

static void write_gdt_tss(unsigned char *mem, uint64_t gdt_a, uint64_t tss_a)
{
    uint64_t *gdt = (uint64_t *)(mem + gdt_a);
    unsigned char *tss = mem + tss_a;
    uint64_t lim = BUILDER_TSS_LIMIT;
    unsigned port;

    gdt[1] = 0x00af9b000000ffffull; /* 0x08: code64 DPL0 (unused) */
    gdt[2] = 0x00cf93000000ffffull; /* 0x10: data DPL0 (unused) */
    gdt[5] = 0x00cff3000000ffffull; /* 0x28 (0x2b): data DPL3 */
    gdt[6] = 0x00affb000000ffffull; /* 0x30 (0x33): code64 DPL3 */
    gdt[8] = (lim & 0xffff) | ((tss_a & 0xffffff) << 16) | (0xbull << 40) |
             (1ull << 47) | (((lim >> 16) & 0xf) << 48) |
             (((tss_a >> 24) & 0xff) << 56);
    gdt[9] = tss_a >> 32;
    /* I/O bitmap right after the 0x68-byte TSS; 1 = port denied. */
    tss[0x66] = 0x68;
    tss[0x67] = 0;
    memset(tss + 0x68, 0xff, 33);
    /* A 32-bit out checks four bits: clear the whole dword of each port. */
    for (port = PVABI_HCALL_PORT; port < PVABI_HCALL_PORT + 4u; port++)
        tss[0x68 + port / 8] &= (unsigned char)~(1u << (port % 8));
    for (port = PVABI_NOTIFY_PORT; port < PVABI_NOTIFY_PORT + 4u; port++)
        tss[0x68 + port / 8] &= (unsigned char)~(1u << (port % 8));
}

static int load_segments(unsigned char *mem, uint64_t ram,
                         const struct builder_args *a)
{
    const struct builder_elf *elf = a->elf;
    unsigned i;

    for (i = 0; i < elf->nsegs; i++) {
        const struct builder_seg *s = &elf->segs[i];
        if (s->paddr > ram || s->memsz > ram - s->paddr)
            return -ENOMEM;
        if (s->offset > a->kernel_len || s->filesz > a->kernel_len - s->offset)
            return -EINVAL;
        memcpy(mem + s->paddr, (const unsigned char *)a->kernel + s->offset,
               s->filesz);
        /* filesz..memsz (the bss) stays as it is: mem is zeroed (builder.h),
         * and pages never written are never allocated. */
    }
    return 0;
}

static void fill_start_info(unsigned char *mem, const struct builder_args *a,
                            const struct builder_result *r, uint64_t rd,
                            uint64_t p2m, uint64_t nr_pt)
{
    start_info_t *si = (start_info_t *)(mem + r->start_info);

    snprintf(si->magic, sizeof(si->magic), "xen-3.0-x86_64");
    si->nr_pages = a->ram_pages;
    si->shared_info = r->shared_info;
    si->flags = 0;
    si->store_mfn = r->store_pfn;
    si->store_evtchn = a->store_port;
    si->console.domU.mfn = r->console_pfn;
    si->console.domU.evtchn = a->console_port;
    si->pt_base = r->cr3;
    si->nr_pt_frames = nr_pt;
    si->mfn_list = p2m;
    si->mod_start = a->ramdisk ? rd : 0;
    si->mod_len = a->ramdisk ? a->ramdisk_len : 0;
    if (a->cmdline)
        snprintf((char *)si->cmd_line, sizeof(si->cmd_line), "%s", a->cmdline);
}

int builder_build(void *memv, const struct builder_args *a,
                  struct builder_result *r, char *err, size_t errlen)
{
    unsigned char *mem = memv;
    uint64_t ram = a->ram_pages * PG,
             total = a->ram_pages + PVABI_SPECIAL_PAGES;
    uint64_t next, rd, p2m, nr_pt, i, *l;
    shared_info_t *sh;
    int rc;

    memset(r, 0, sizeof(*r));
    rc = load_segments(mem, ram, a);
    if (rc < 0) {
        if (err && errlen)
            snprintf(err, errlen, "kernel does not fit in %llu MiB of memory",
                     (unsigned long long)(ram >> 20));
        return rc;
    }
    if (a->elf->hypercall_page)
        write_hypercall_page(mem + a->elf->hypercall_page);
    /* Xen's order after the kernel: ramdisk, p2m, start_info, store, console,
     * page tables, boot stack. Check the total before writing any of it. */
    next = pg_up(a->elf->hi);
    rd = next;
    next += pg_up(a->ramdisk_len);
    p2m = next;
    next += pg_up(a->ram_pages * 8);
    r->start_info = next;
    r->store_pfn = next / PG + 1;
    r->console_pfn = next / PG + 2;
    r->cr3 = next + 3 * PG;
    nr_pt = pt_pages(total);
    next = r->cr3 + nr_pt * PG + BOOT_STACK_PAGES * PG;
    if (next > ram) {
        if (err && errlen)
            snprintf(err, errlen,
                     "kernel, ramdisk and boot data need %llu KiB, "
                     "memory is %llu KiB",
                     (unsigned long long)(next >> 10),
                     (unsigned long long)(ram >> 10));
        return -ENOMEM;
    }
    r->stack_top = next;
    r->free_pfn = next / PG;
    r->entry = a->elf->entry;
    r->shared_info = (a->ram_pages + PVABI_SP_SHARED_INFO) * PG;
    r->gdt = (a->ram_pages + PVABI_SP_GDT) * PG;
    r->tss = (a->ram_pages + PVABI_SP_TSS) * PG;
    r->idt = (a->ram_pages + PVABI_SP_IDT) * PG;
    if (a->ramdisk)
        memcpy(mem + rd, a->ramdisk, a->ramdisk_len);
    l = (uint64_t *)(mem + p2m);
    for (i = 0; i < a->ram_pages; i++)
        l[i] = i;
    fill_start_info(mem, a, r, rd, p2m, nr_pt);
    write_page_tables(mem, r->cr3, total);
    write_gdt_tss(mem, r->gdt, r->tss);
    sh = (shared_info_t *)(mem + r->shared_info);
    for (i = 0; i < XEN_LEGACY_MAX_VCPUS; i++)
        sh->vcpu_info[i].evtchn_upcall_mask = 1; /* as Xen: masked at boot */
    return 0;
}
