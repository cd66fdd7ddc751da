/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * savefmt.h: the checks on a VMM stream (proto/vmmsave.h) a reader makes
 * before it trusts a header or record, and exact reads and writes on a
 * file or pipe (the reader must not read past its END: the stream goes on
 * with libxl's records). No KVM, no VMM state: unit-tested alone.
 */
#ifndef XT_VMM_SAVEFMT_H
#define XT_VMM_SAVEFMT_H

#include <stddef.h>
#include <stdint.h>

#include "proto/vmmsave.h"

/* Exactly len bytes: 0, -ENODATA at an early end of stream, or -errno. */
int savefmt_read(int fd, void *buf, size_t len);
int savefmt_write(int fd, const void *buf, size_t len);

/* A header zeroed but for what every stream has: magic, version, sizes. */
void savefmt_init_hdr(struct vmmsave_hdr *h);
/* 0, or -EINVAL with a one-line reason in err. */
int savefmt_check_hdr(const struct vmmsave_hdr *h, char *err, size_t errlen);
int savefmt_check_rec(const struct vmmsave_hdr *h, const struct vmmsave_rec *r,
                      char *err, size_t errlen);
/* A PAGES record's run, after its record passed savefmt_check_rec. */
int savefmt_check_run(const struct vmmsave_hdr *h, const struct vmmsave_rec *r,
                      uint64_t pfn, uint64_t count, char *err, size_t errlen);
int savefmt_check_vcpu(const struct vmmsave_hdr *h,
                       const struct vmmsave_vcpu *v, char *err, size_t errlen);

/* What savefmt_load() found besides pages. */
struct savefmt_loaded {
    struct vmmsave_vcpu vcpu[VMMSAVE_MAX_VCPUS];
    uint32_t have;    /* bit per vcpu id */
    uint8_t *balloon; /* malloc'd, (ram_pages + 7) / 8 bytes, or NULL */
    uint64_t clock;
    int have_clock;
};

/* The header from fd, checked. 0 or -errno with a one-line reason. */
int savefmt_read_hdr(int fd, struct vmmsave_hdr *h, char *err, size_t errlen);
/*
 * The records after h from fd up to END, each checked before it is used:
 * pages into mem (h->total_pages pages), the rest into *l (zeroed by the
 * caller; l->balloon is the caller's to free, also on failure). Reads
 * nothing past END. 0 or -errno with a one-line reason.
 */
int savefmt_load(int fd, const struct vmmsave_hdr *h, unsigned char *mem,
                 struct savefmt_loaded *l, char *err, size_t errlen);

#endif
