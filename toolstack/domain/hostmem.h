/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hostmem.h: the host's memory as Xen accounts it, for `xl info`,
 * Domain-0's row of `xl list` and the create-time "does it fit" check:
 *   total_memory = free_memory + Domain-0 + every guest + overhead.
 * On the kvm engine the host is dom0; its share is xl.conf's dom0_mem
 * (Xen's dom0_mem=), and with autoballoon dom0 gives memory back for new
 * guests down to a floor, as xl balloons dom0 on Xen.
 */
#ifndef XT_DOMAIN_HOSTMEM_H
#define XT_DOMAIN_HOSTMEM_H

#include <stdint.h>
#include <stdio.h>

struct xl_conf;
struct xs_handle;
struct domain_ctx;
struct domain_config;

/* dom0 never balloons below this (a host with less is all dom0). */
#define HOSTMEM_DOM0_MIN_KB (256u * 1024)

struct domain_hostmem {
    uint64_t total_kb;    /* the host's RAM (MemTotal) */
    uint64_t overhead_kb; /* the hypervisor's own: a 32-byte frame per page */
    uint64_t dom0_kb;     /* Domain-0's share */
    uint64_t guests_kb;   /* the guests' current allocations */
    uint64_t free_kb;     /* total - overhead - dom0 - guests (>= 0) */
    uint64_t avail_kb;    /* what a new guest may get (free + balloonable) */
    int autoballoon;
};

/* The accounting itself, for a host of total_kb whose guests hold
 * guests_kb. Pure: unit-tested. */
void domain_hostmem_compute(const struct xl_conf *xc, uint64_t total_kb,
                            uint64_t guests_kb, struct domain_hostmem *out);

/* The host's figures now: MemTotal, xl.conf, the engine's guests. 0 or
 * -errno (xl.conf errors are reported to err). */
int domain_hostmem(FILE *err, struct domain_hostmem *out);

/* As domain_hostmem with the guests' total given (a list already read). */
int domain_hostmem_with(FILE *err, uint64_t guests_kb,
                        struct domain_hostmem *out);

/*
 * xl's freemem() before a create: 0 if cfg's memory fits, else -ENOMEM
 * after xl's "failed to free memory for the domain" (and the figures).
 */
int domain_hostmem_check(const struct domain_ctx *c,
                         const struct domain_config *cfg);

#endif
