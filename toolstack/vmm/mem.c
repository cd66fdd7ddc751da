/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * mem.c: guest memory (one memfd: RAM then the special pages), the checked
 * accessor every guest pointer goes through, the balloon behind
 * XENMEM_{increase,decrease}_reservation, and the v1 grant table setup.
 */
#include "vmm/vmm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/grant_table.h>
#include <xen/memory.h>

#include "lib/log.h"
#include "proto/pvabi.h"

#define PG 4096ull

int mem_init(struct vmm *vmm, uint64_t ram_pages, uint64_t max_pages)
{
    uint64_t map_bytes;
    char name[32];
    void *m;

    snprintf(name, sizeof(name), "pvstack-dom%u", vmm->domid);
    vmm->ram_pages = ram_pages;
    vmm->total_pages = ram_pages + PVABI_SPECIAL_PAGES;
    vmm->cur_pages = ram_pages;
    vmm->max_pages = max_pages < ram_pages ? ram_pages : max_pages;
    /* Guest memory, then the balloon bitmap (vmmctl.h), which the guest
     * cannot reach but backends mapping the memfd read, then the bitmap of
     * pages written behind KVM's dirty log (ours and the backends'). */
    map_bytes = vmm->total_pages * PG +
                ((ram_pages + 7) / 8 + PG - 1) / PG * PG +
                ((vmm->total_pages + 7) / 8 + PG - 1) / PG * PG;
    vmm->mem_fd = memfd_create(name, MFD_CLOEXEC);
    if (vmm->mem_fd < 0)
        return -errno;
    if (ftruncate(vmm->mem_fd, (off_t)map_bytes) < 0)
        return -errno;
    /* Pages are allocated on first touch; NORESERVE lets many small
     * domains coexist with large nominal sizes. */
    m = mmap(NULL, map_bytes, PROT_READ | PROT_WRITE,
             MAP_SHARED | MAP_NORESERVE, vmm->mem_fd, 0);
    if (m == MAP_FAILED)
        return -errno;
    vmm->mem = m;
    vmm->mem_size = map_bytes;
    vmm->ballooned = vmm->mem + vmm->total_pages * PG;
    vmm->written = vmm->ballooned + ((ram_pages + 7) / 8 + PG - 1) / PG * PG;
    vmm->sh =
        (shared_info_t *)(vmm->mem + (ram_pages + PVABI_SP_SHARED_INFO) * PG);
    return 0;
}

static int bit_test(const uint8_t *b, uint64_t i)
{
    return (__atomic_load_n(&b[i / 8], __ATOMIC_ACQUIRE) >> (i % 8)) & 1;
}

/* Backends read the bitmap concurrently: whole-byte atomic updates. */
static void bit_set(uint8_t *b, uint64_t i, int on)
{
    if (on)
        __atomic_fetch_or(&b[i / 8], (uint8_t)(1u << (i % 8)),
                          __ATOMIC_RELEASE);
    else
        __atomic_fetch_and(&b[i / 8], (uint8_t) ~(1u << (i % 8)),
                           __ATOMIC_RELEASE);
}

/* Ballooned-out pages are PROT_NONE in our mapping: refuse them here,
 * before a memcpy would fault. */
void *gm_ptr(struct vmm *vmm, uint64_t gpa, uint64_t len)
{
    uint64_t size = vmm->total_pages * PG, pfn, last;

    if (gpa > size || len > size - gpa)
        return NULL;
    if (len && gpa < vmm->ram_pages * PG) {
        last = (gpa + len - 1) / PG;
        if (last >= vmm->ram_pages)
            last = vmm->ram_pages - 1;
        for (pfn = gpa / PG; pfn <= last; pfn++)
            if (bit_test(vmm->ballooned, pfn))
                return NULL;
    }
    return vmm->mem + gpa;
}

int gm_read(struct vmm *vmm, uint64_t gpa, void *dst, size_t len)
{
    const void *p = gm_ptr(vmm, gpa, len);

    if (!p)
        return -EFAULT;
    memcpy(dst, p, len);
    return 0;
}

static void gm_mark_written(struct vmm *vmm, uint64_t gpa, uint64_t len)
{
    uint64_t pfn;

    if (!len)
        return;
    for (pfn = gpa / PG; pfn <= (gpa + len - 1) / PG; pfn++)
        if (pfn < vmm->total_pages)
            __atomic_fetch_or(&vmm->written[pfn / 8],
                              (uint8_t)(1u << (pfn % 8)), __ATOMIC_RELEASE);
}

int gm_write(struct vmm *vmm, uint64_t gpa, const void *src, size_t len)
{
    void *p = gm_ptr(vmm, gpa, len);

    if (!p)
        return -EFAULT;
    memcpy(p, src, len);
    gm_mark_written(vmm, gpa, len); /* KVM's dirty log does not see it */
    return 0;
}

static int self_domid(struct vmm *vmm, domid_t d)
{
    return d == DOMID_SELF || (uint32_t)d == vmm->domid;
}

/*
 * One extent (order 0) handed back or reclaimed; returns 1 if done. A page
 * handed back is marked, made inaccessible to the guest (KVM follows our
 * mapping: a touch faults instead of allocating it again) and its memory
 * returned to the host. Reclaimed, it comes back zeroed.
 */
static int balloon_one(struct vmm *vmm, uint64_t pfn, int give_back)
{
    unsigned char *page = vmm->mem + pfn * PG;

    if (pfn >= vmm->ram_pages)
        return 0;
    if (give_back) {
        if (bit_test(vmm->ballooned, pfn))
            return 0;
        bit_set(vmm->ballooned, pfn, 1);
        if (mprotect(page, PG, PROT_NONE) < 0) {
            /* Out of mappings (vm.max_map_count): keep the page. */
            bit_set(vmm->ballooned, pfn, 0);
            return 0;
        }
        fallocate(vmm->mem_fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
                  (off_t)(pfn * PG), (off_t)PG);
        vmm->cur_pages--;
        return 1;
    }
    if (!bit_test(vmm->ballooned, pfn) || vmm->cur_pages >= vmm->max_pages)
        return 0;
    if (mprotect(page, PG, PROT_READ | PROT_WRITE) < 0)
        return 0;
    bit_set(vmm->ballooned, pfn, 0);
    vmm->cur_pages++;
    return 1;
}

int mem_balloon_out(struct vmm *vmm, uint64_t pfn)
{
    return balloon_one(vmm, pfn, 1);
}

/* Xen's memory_op: cmd bits 6 and up are the extent a continuation starts
 * at (MEMOP_EXTENT_SHIFT in xen/common/memory.c). */
#define MEMOP_EXTENT_SHIFT 6
#define MEMOP_CMD_MASK ((1u << MEMOP_EXTENT_SHIFT) - 1)

static int64_t mem_reservation(struct vcpu *v, uint64_t cmd, uint64_t arg,
                               int give_back)
{
    struct vmm *vmm = v->vmm;
    xen_memory_reservation_t r;
    uint64_t list, i = cmd >> MEMOP_EXTENT_SHIFT;

    if (gm_read(vmm, arg, &r, sizeof(r)))
        return -EFAULT;
    if (!self_domid(vmm, r.domid))
        return -EPERM;
    if (r.extent_order != 0)
        return -EINVAL;
    if (i > r.nr_extents)
        return -EINVAL;
    list = (uint64_t)(uintptr_t)r.extent_start.p;
    for (; i < r.nr_extents; i++) {
        xen_pfn_t pfn;
        int done;
        if (i % HCALL_PREEMPT_EVERY == 0 && hcall_preempt_check(v) &&
            i != cmd >> MEMOP_EXTENT_SHIFT)
            return hcall_continue(
                v, (cmd & MEMOP_CMD_MASK) | (i << MEMOP_EXTENT_SHIFT), arg, 0,
                0, 0);
        if (gm_read(vmm, list + i * sizeof(pfn), &pfn, sizeof(pfn)))
            break;
        pthread_mutex_lock(&vmm->lock);
        done = balloon_one(vmm, pfn, give_back);
        pthread_mutex_unlock(&vmm->lock);
        if (!done)
            break;
    }
    return (int64_t)i; /* extents done, counting earlier continuations */
}

int64_t mem_hc_memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
    struct vmm *vmm = v->vmm;
    domid_t d;

    switch (cmd & MEMOP_CMD_MASK) {
    case XENMEM_increase_reservation:
    case XENMEM_populate_physmap:
        return mem_reservation(v, cmd, arg, 0);
    case XENMEM_decrease_reservation:
        return mem_reservation(v, cmd, arg, 1);
    case XENMEM_current_reservation:
    case XENMEM_maximum_reservation:
        if (gm_read(vmm, arg, &d, sizeof(d)))
            return -EFAULT;
        if (!self_domid(vmm, d))
            return -EPERM;
        return (int64_t)((cmd & MEMOP_CMD_MASK) == XENMEM_current_reservation
                             ? vmm->cur_pages
                             : vmm->max_pages);
    case XENMEM_maximum_ram_page:
        return (int64_t)vmm->ram_pages;
    default:
        return -ENOSYS;
    }
}

static int64_t gnt_setup_table(struct vmm *vmm, uint64_t uop, uint64_t count)
{
    struct gnttab_setup_table t;
    uint64_t i, j;

    for (i = 0; i < count; i++) {
        uint64_t a = uop + i * sizeof(t);
        if (gm_read(vmm, a, &t, sizeof(t)))
            return -EFAULT;
        t.status = GNTST_okay;
        if (!self_domid(vmm, t.dom))
            t.status = GNTST_permission_denied;
        else if (t.nr_frames > (uint32_t)PVABI_NR_GRANT_FRAMES)
            t.status = GNTST_general_error;
        for (j = 0; t.status == GNTST_okay && j < t.nr_frames; j++) {
            xen_pfn_t f = vmm->ram_pages + PVABI_SP_GNTTAB + j;
            uint64_t dst = (uint64_t)(uintptr_t)t.frame_list.p + j * sizeof(f);
            if (gm_write(vmm, dst, &f, sizeof(f)))
                t.status = GNTST_bad_virt_addr;
        }
        if (gm_write(vmm, a, &t, sizeof(t)))
            return -EFAULT;
    }
    return 0;
}

int64_t mem_hc_grant_table_op(struct vcpu *v, uint64_t cmd, uint64_t uop,
                              uint64_t count)
{
    struct vmm *vmm = v->vmm;
    struct gnttab_query_size q;
    struct gnttab_set_version sv;

    if (count > 64)
        return -EINVAL;
    switch (cmd) {
    case GNTTABOP_setup_table:
        return gnt_setup_table(vmm, uop, count);
    case GNTTABOP_query_size:
        if (gm_read(vmm, uop, &q, sizeof(q)))
            return -EFAULT;
        q.nr_frames = PVABI_NR_GRANT_FRAMES;
        q.max_nr_frames = PVABI_NR_GRANT_FRAMES;
        q.status =
            self_domid(vmm, q.dom) ? GNTST_okay : GNTST_permission_denied;
        return gm_write(vmm, uop, &q, sizeof(q));
    case GNTTABOP_set_version:
        if (gm_read(vmm, uop, &sv, sizeof(sv)))
            return -EFAULT;
        if (sv.version != 1) {
            sv.version = 1;
            gm_write(vmm, uop, &sv, sizeof(sv));
            return -EINVAL;
        }
        return 0;
    case GNTTABOP_get_version:
        return 1;
    default:
        return -ENOSYS;
    }
}
