/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * gnttab.c: grant table v1. GNTTABOP_setup_table hands back machine
 * frames; platform->map_frames makes them one array (in place on the kvm
 * engine, where they are identity-mapped special pages; remapped on Xen).
 * Entries name machine frames: callers pass pfns, we translate. Entries below
 * GNTTAB_NR_RESERVED_ENTRIES belong to the toolstack (xenstore, console) and
 * are never handed out.
 */
#include "kernel.h"
#include "platform.h"

#define ENTRIES_PER_FRAME (PAGE_SIZE / sizeof(struct grant_entry_v1))

static struct grant_entry_v1 *table;
static unsigned nr_frames;
static struct spinlock gnt_lock;
static bool in_use[PVABI_NR_GRANT_FRAMES * ENTRIES_PER_FRAME];

int gnttab_init(void)
{
    xen_pfn_t frames[PVABI_NR_GRANT_FRAMES];
    struct gnttab_setup_table op = {
        .dom = DOMID_SELF,
        .nr_frames = PVABI_NR_GRANT_FRAMES,
    };
    long rc;

    set_xen_guest_handle(op.frame_list, frames);
    rc = hyp_gnttab_op(GNTTABOP_setup_table, &op, 1);
    if (rc < 0 || op.status != GNTST_okay)
        return rc < 0 ? (int)rc : -XEN_EINVAL;
    if (op.nr_frames > PVABI_NR_GRANT_FRAMES)
        return -XEN_EINVAL;
    table = platform->map_frames(frames, op.nr_frames);
    if (!table)
        return -XEN_EINVAL;
    nr_frames = op.nr_frames;
    return 0;
}

/* In a new domain: the frames again (on Xen they moved), and nobody maps
 * any of our grants any more, whatever the old backends left in flags. */
int gnttab_resume(void)
{
    unsigned i, n;
    int rc;

    if (!table)
        return 0;
    rc = gnttab_init();
    if (rc < 0)
        return rc;
    n = nr_frames * ENTRIES_PER_FRAME;
    for (i = GNTTAB_NR_RESERVED_ENTRIES; i < n; i++)
        __atomic_fetch_and(&table[i].flags,
                           (uint16_t) ~(GTF_reading | GTF_writing),
                           __ATOMIC_SEQ_CST);
    return 0;
}

unsigned gnttab_nr_frames(void)
{
    return nr_frames;
}

const struct grant_entry_v1 *gnttab_entry(grant_ref_t ref)
{
    if (!table || ref >= nr_frames * ENTRIES_PER_FRAME)
        return NULL;
    return &table[ref];
}

int gnttab_grant_access(domid_t dom, unsigned long frame, bool readonly)
{
    unsigned n = nr_frames * ENTRIES_PER_FRAME;
    grant_ref_t ref;

    if (!table)
        return -XEN_ENODEV;
    spin_lock(&gnt_lock);
    for (ref = GNTTAB_NR_RESERVED_ENTRIES; ref < n && in_use[ref]; ref++)
        ;
    if (ref < n)
        in_use[ref] = true;
    spin_unlock(&gnt_lock);
    if (ref >= n)
        return -XEN_ENOSPC;
    table[ref].frame = (uint32_t)platform->pfn_to_mfn(frame);
    table[ref].domid = dom;
    wmb(); /* the grantee may look as soon as flags say permit */
    WRITE_ONCE(table[ref].flags,
               GTF_permit_access | (readonly ? GTF_readonly : 0));
    return (int)ref;
}

int gnttab_end_access(grant_ref_t ref)
{
    uint16_t flags;

    if (!table || ref < GNTTAB_NR_RESERVED_ENTRIES ||
        ref >= nr_frames * ENTRIES_PER_FRAME || !in_use[ref])
        return -XEN_EINVAL;
    /* Xen's rule: clear permit only while nobody has it mapped. */
    flags = READ_ONCE(table[ref].flags);
    do {
        if (flags & (GTF_reading | GTF_writing))
            return -XEN_EBUSY;
    } while (!__atomic_compare_exchange_n(&table[ref].flags, &flags, 0, false,
                                          __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST));
    spin_lock(&gnt_lock);
    in_use[ref] = false;
    spin_unlock(&gnt_lock);
    return 0;
}
