/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmmsave.h: the kvm engine's PV domain stream, written by a domain's VMM
 * on VMMCTL_SAVE (to the fd that rides along) and read by a VMM started
 * with --restore-fd. It is the engine's part of libxl's stream (inside
 * xl's save-image framing, whose length and CRC32 cover it, or a
 * migration pipe). Host byte order; the same host type at both ends.
 *
 *   header (struct vmmsave_hdr)
 *   records: struct vmmsave_rec, then len bytes of payload (a live save
 *   sends a page again when it changed: the last copy counts):
 *     PAGES   u64 first pfn, u64 count (1..VMMSAVE_MAX_RUN), count pages;
 *             pages not sent are zero
 *     BALLOON the ballooned-out bitmap, (ram_pages + 7) / 8 bytes
 *     VCPU    struct vmmsave_vcpu, one per vcpu online in the guest
 *     CLOCK   u64 guest system time when the guest stopped (a live save
 *             wrote its header while the guest still ran)
 *     END     no payload; the reader stops right after it
 *
 * A reader checks the magic, the version and the header's sizes before it
 * allocates, and every record's type, length, pfn and vcpu id against the
 * header; anything else is refused with a one-line reason.
 */
#ifndef XT_PROTO_VMMSAVE_H
#define XT_PROTO_VMMSAVE_H

#include <linux/kvm.h>
#include <stdint.h>

#define VMMSAVE_MAGIC "pvstkPV\n"
#define VMMSAVE_MAGIC_LEN 8
#define VMMSAVE_VERSION 1u
#define VMMSAVE_PAGE 4096u
#define VMMSAVE_MAX_RUN 1024u          /* pages in one PAGES record */
#define VMMSAVE_MAX_VCPUS 32u          /* VMM_MAX_VCPUS */
#define VMMSAVE_MAX_PAGES (1ull << 28) /* 1 TiB of guest memory */
#define VMMSAVE_MAX_MSRS 16u

enum vmmsave_type {
    VMMSAVE_PAGES = 1,
    VMMSAVE_BALLOON = 2,
    VMMSAVE_VCPU = 3,
    VMMSAVE_END = 4,
    VMMSAVE_CLOCK = 5,
};

struct vmmsave_hdr {
    char magic[VMMSAVE_MAGIC_LEN];
    uint32_t version;
    uint32_t hdr_len;    /* sizeof(struct vmmsave_hdr) */
    uint32_t page_size;  /* VMMSAVE_PAGE */
    uint32_t vcpu_len;   /* sizeof(struct vmmsave_vcpu) */
    uint32_t nr_vcpus;   /* created (max_vcpus) */
    uint32_t max_online; /* xm vcpu-set limit */
    uint64_t ram_pages;  /* boot RAM; PVABI_SPECIAL_PAGES follow */
    uint64_t total_pages;
    uint64_t max_pages;
    uint64_t cur_pages;
    uint64_t system_time; /* guest system time (ns) when written */
    /* The builder's layout (gpas), as struct builder_result. */
    uint64_t entry, stack_top, start_info, cr3;
    uint64_t store_pfn, console_pfn, shared_info;
    uint64_t gdt, tss, idt, free_pfn;
};

struct vmmsave_rec {
    uint32_t type;
    uint32_t pad;
    uint64_t len; /* payload bytes after this header */
};

struct vmmsave_msr {
    uint32_t index;
    uint32_t pad;
    uint64_t data;
};

struct vmmsave_vcpu {
    uint32_t id;
    uint32_t nr_msrs; /* <= VMMSAVE_MAX_MSRS */
    uint64_t event_cb, failsafe_cb;
    struct kvm_regs regs;
    struct kvm_sregs sregs;
    struct kvm_fpu fpu;
    struct vmmsave_msr msrs[VMMSAVE_MAX_MSRS];
};

#endif
