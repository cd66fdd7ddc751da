/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * savefmt.c: validation of a VMM stream's header and records
 * (savefmt.h), exact reads and writes, and the record loader a restoring
 * VMM runs (restore.c), without KVM: unit-tested and fuzzed alone.
 */
#include "vmm/savefmt.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/fs.h"
#include "proto/pvabi.h"

int savefmt_read(int fd, void *buf, size_t len)
{
    int rc = fs_read_all(fd, buf, len);

    return rc == -EPIPE ? -ENODATA : rc; /* -EPIPE: its early end */
}

int savefmt_write(int fd, const void *buf, size_t len)
{
    return fs_write_all(fd, buf, len);
}

static int bad(char *err, size_t errlen, const char *why)
{
    if (err && errlen)
        snprintf(err, errlen, "domain stream: %s", why);
    return -EINVAL;
}

void savefmt_init_hdr(struct vmmsave_hdr *h)
{
    memset(h, 0, sizeof(*h));
    memcpy(h->magic, VMMSAVE_MAGIC, VMMSAVE_MAGIC_LEN);
    h->version = VMMSAVE_VERSION;
    h->hdr_len = sizeof(*h);
    h->page_size = VMMSAVE_PAGE;
    h->vcpu_len = sizeof(struct vmmsave_vcpu);
}

int savefmt_check_hdr(const struct vmmsave_hdr *h, char *err, size_t errlen)
{
    uint64_t size;

    if (memcmp(h->magic, VMMSAVE_MAGIC, VMMSAVE_MAGIC_LEN) != 0)
        return bad(err, errlen, "not a kvm engine PV stream (wrong magic)");
    if (h->version != VMMSAVE_VERSION) {
        if (err && errlen)
            snprintf(err, errlen,
                     "domain stream: version %" PRIu32 ", this VMM reads %u",
                     h->version, VMMSAVE_VERSION);
        return -EINVAL;
    }
    if (h->hdr_len != sizeof(*h) || h->page_size != VMMSAVE_PAGE ||
        h->vcpu_len != sizeof(struct vmmsave_vcpu))
        return bad(err, errlen, "header sizes do not match this VMM");
    if (h->nr_vcpus < 1 || h->nr_vcpus > VMMSAVE_MAX_VCPUS ||
        h->max_online < 1 || h->max_online > h->nr_vcpus)
        return bad(err, errlen, "bad vcpu count");
    if (h->ram_pages < 1 || h->ram_pages > VMMSAVE_MAX_PAGES ||
        h->total_pages != h->ram_pages + PVABI_SPECIAL_PAGES)
        return bad(err, errlen, "bad memory size");
    if (h->cur_pages > h->ram_pages || h->max_pages > VMMSAVE_MAX_PAGES)
        return bad(err, errlen, "bad memory reservation");
    size = h->total_pages * VMMSAVE_PAGE;
    if (h->start_info >= size || h->shared_info >= size || h->cr3 >= size ||
        h->gdt >= size || h->tss >= size || h->idt >= size ||
        h->store_pfn >= h->total_pages || h->console_pfn >= h->total_pages ||
        h->start_info % VMMSAVE_PAGE || h->shared_info % VMMSAVE_PAGE)
        return bad(err, errlen, "layout outside guest memory");
    return 0;
}

int savefmt_check_rec(const struct vmmsave_hdr *h, const struct vmmsave_rec *r,
                      char *err, size_t errlen)
{
    uint64_t n;

    switch (r->type) {
    case VMMSAVE_PAGES:
        if (r->len < 16 || (r->len - 16) % VMMSAVE_PAGE)
            return bad(err, errlen, "bad page record length");
        n = (r->len - 16) / VMMSAVE_PAGE;
        if (n < 1 || n > VMMSAVE_MAX_RUN)
            return bad(err, errlen, "bad page record length");
        return 0;
    case VMMSAVE_BALLOON:
        if (r->len != (h->ram_pages + 7) / 8)
            return bad(err, errlen, "bad balloon record length");
        return 0;
    case VMMSAVE_VCPU:
        if (r->len != sizeof(struct vmmsave_vcpu))
            return bad(err, errlen, "bad vcpu record length");
        return 0;
    case VMMSAVE_CLOCK:
        if (r->len != 8)
            return bad(err, errlen, "bad clock record length");
        return 0;
    case VMMSAVE_END:
        if (r->len != 0)
            return bad(err, errlen, "bad end record length");
        return 0;
    default:
        if (err && errlen)
            snprintf(err, errlen, "domain stream: unknown record type %" PRIu32,
                     r->type);
        return -EINVAL;
    }
}

int savefmt_check_run(const struct vmmsave_hdr *h, const struct vmmsave_rec *r,
                      uint64_t pfn, uint64_t count, char *err, size_t errlen)
{
    if (count != (r->len - 16) / VMMSAVE_PAGE)
        return bad(err, errlen, "page count does not match its record");
    if (pfn >= h->total_pages || count > h->total_pages - pfn)
        return bad(err, errlen, "pages outside guest memory");
    return 0;
}

int savefmt_check_vcpu(const struct vmmsave_hdr *h,
                       const struct vmmsave_vcpu *v, char *err, size_t errlen)
{
    if (v->id >= h->nr_vcpus)
        return bad(err, errlen, "vcpu id out of range");
    if (v->nr_msrs > VMMSAVE_MAX_MSRS)
        return bad(err, errlen, "too many MSRs");
    return 0;
}

static int rd(int fd, void *buf, size_t len, char *err, size_t errlen)
{
    int rc = savefmt_read(fd, buf, len);

    if (rc == -ENODATA)
        snprintf(err, errlen, "domain stream: truncated");
    else if (rc < 0)
        snprintf(err, errlen, "domain stream: %s", strerror(-rc));
    return rc < 0 ? (rc == -ENODATA ? -EINVAL : rc) : 0;
}

int savefmt_read_hdr(int fd, struct vmmsave_hdr *h, char *err, size_t errlen)
{
    int rc = rd(fd, h, sizeof(*h), err, errlen);

    return rc < 0 ? rc : savefmt_check_hdr(h, err, errlen);
}

int savefmt_load(int fd, const struct vmmsave_hdr *h, unsigned char *mem,
                 struct savefmt_loaded *l, char *err, size_t errlen)
{
    struct vmmsave_rec r;
    struct vmmsave_vcpu v;
    uint64_t run[2];
    int rc;

    for (;;) {
        rc = rd(fd, &r, sizeof(r), err, errlen);
        if (!rc)
            rc = savefmt_check_rec(h, &r, err, errlen);
        if (rc < 0)
            return rc;
        switch (r.type) {
        case VMMSAVE_PAGES:
            rc = rd(fd, run, sizeof(run), err, errlen);
            if (!rc)
                rc = savefmt_check_run(h, &r, run[0], run[1], err, errlen);
            if (!rc)
                rc = rd(fd, mem + run[0] * VMMSAVE_PAGE, run[1] * VMMSAVE_PAGE,
                        err, errlen);
            break;
        case VMMSAVE_BALLOON:
            free(l->balloon);
            l->balloon = malloc(r.len);
            rc = l->balloon ? rd(fd, l->balloon, r.len, err, errlen) : -ENOMEM;
            break;
        case VMMSAVE_VCPU:
            rc = rd(fd, &v, sizeof(v), err, errlen);
            if (!rc)
                rc = savefmt_check_vcpu(h, &v, err, errlen);
            if (!rc && (l->have >> v.id) & 1) {
                snprintf(err, errlen, "domain stream: vcpu %u twice", v.id);
                rc = -EINVAL;
            }
            if (!rc) {
                l->vcpu[v.id] = v;
                l->have |= 1u << v.id;
            }
            break;
        case VMMSAVE_CLOCK:
            rc = rd(fd, &l->clock, sizeof(l->clock), err, errlen);
            l->have_clock = 1;
            break;
        case VMMSAVE_END:
            return 0;
        }
        if (rc < 0)
            return rc;
    }
}
