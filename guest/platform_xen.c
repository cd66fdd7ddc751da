/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * platform_xen.c: real Xen's side of platform.h (x86_64 PV, as Mini-OS
 * boots). Xen's builder maps only the bootstrap region (image, p2m list,
 * start_info, store and console pages, page tables, boot stack, and at
 * least 512 KiB of padding) at VIRT_BASE 0 + pfn << PAGE_SHIFT; page
 * tables are read-only to us and change only through mmu_update /
 * update_va_mapping, which Xen validates. map_ram() extends that map to
 * every pfn, taking new page-table pages from the padding first; they are
 * made read-only before they are linked, or Xen refuses them.
 * p2m is start_info->mfn_list (ours, writable); m2p is Xen's read-only
 * table at MACH2PHYS_VIRT_START. For a save, libxc finds the p2m through
 * shared_info's frame list (p2m_publish) and refuses any mapping of a
 * frame that is not guest RAM, so shared_info and the grant frames are
 * unmapped around a suspend (as Linux's xen_pv_pre_suspend does).
 */
#include "kernel.h"
#include "platform.h"

#define PTE_P 0x001UL
#define PTE_RW 0x002UL
#define PTE_US 0x004UL /* a 64-bit PV kernel runs in ring 3 */
#define PTE_A 0x020UL
#define PTE_ADDR 0x000ffffffffff000UL
#define PT_PROT (PTE_P | PTE_RW | PTE_US | PTE_A)
#define PT_PROT_RO (PTE_P | PTE_US | PTE_A)
#define INVALID_MFN (~0UL)
#define BATCH 512

typedef uint64_t pte_t;

extern char hypervisor_callback[];

/* Page-aligned holes in the image whose mappings we point elsewhere. */
static char shared_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static char gnt_pages[PVABI_NR_GRANT_FRAMES][PAGE_SIZE]
    __attribute__((aligned(PAGE_SIZE)));
static struct mmu_update batch[BATCH];
static unsigned batch_n;
/* The grant frames mapped last, to map again when a suspend is cancelled. */
static xen_pfn_t gnt_mfns[PVABI_NR_GRANT_FRAMES];
static unsigned gnt_n;
/* Where shared_info points while the real one is unmapped: every vcpu's
 * events masked, nothing pending. */
static char dummy_shared[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));

/*
 * The p2m's frame list, Xen's three-level tree that libxc's save walks
 * (Linux's xen_build_mfn_list_list): shared_info's
 * pfn_to_mfn_frame_list_list is the frame of a page listing the frames of
 * pages that list the frames of the p2m itself; arch.max_pfn counts its
 * entries. 16 list pages cover 16 GiB of guest RAM.
 */
#define FPP (PAGE_SIZE / sizeof(unsigned long))
#define P2M_FL_PAGES 16
static unsigned long p2m_fll[FPP] __attribute__((aligned(PAGE_SIZE)));
static unsigned long p2m_fl[P2M_FL_PAGES][FPP]
    __attribute__((aligned(PAGE_SIZE)));

static unsigned long *p2m(void)
{
    return (unsigned long *)start_info->mfn_list;
}

static unsigned long xen_pfn_to_mfn(unsigned long pfn)
{
    return pfn < start_info->nr_pages ? p2m()[pfn] : INVALID_MFN;
}

static unsigned long xen_mfn_to_pfn(unsigned long mfn)
{
    return ((const unsigned long *)MACH2PHYS_VIRT_START)[mfn];
}

static void p2m_publish(void)
{
    unsigned long n = start_info->nr_pages, pages = (n + FPP - 1) / FPP, i;

    if (pages > P2M_FL_PAGES * FPP) {
        printk("xen: %lu pages: too many for the p2m frame list, no save\n", n);
        return;
    }
    for (i = 0; i < pages; i++)
        p2m_fl[i / FPP][i % FPP] = virt_to_mfn(p2m() + i * FPP);
    for (i = 0; i < (pages + FPP - 1) / FPP; i++)
        p2m_fll[i] = virt_to_mfn(p2m_fl[i]);
    shared_info->arch.max_pfn = n;
    shared_info->arch.pfn_to_mfn_frame_list_list = virt_to_mfn(p2m_fll);
}

static long mmu_update(struct mmu_update *req, unsigned n)
{
    return hypercall(__HYPERVISOR_mmu_update, (unsigned long)req, n, 0,
                     DOMID_SELF, 0);
}

static long update_va_mapping(const void *va, pte_t val)
{
    return HC(__HYPERVISOR_update_va_mapping, va, val, UVMF_INVLPG);
}

static void batch_flush(void)
{
    long rc;

    if (!batch_n)
        return;
    rc = mmu_update(batch, batch_n);
    if (rc < 0)
        panic("xen: mmu_update of %u entries failed (%ld)", batch_n, rc);
    batch_n = 0;
}

/* Machine address of entry idx of the page table at va. */
static uint64_t pte_maddr(const pte_t *table, unsigned idx)
{
    return (virt_to_mfn(table) << PAGE_SHIFT) + idx * sizeof(pte_t);
}

static pte_t *pte_table(pte_t e)
{
    return mfn_to_virt((e & PTE_ADDR) >> PAGE_SHIFT);
}

/* Returns the table entry idx of table points at, making a new one (a
 * zeroed page, read-only, then linked; Xen checks it as that level). */
static pte_t *next_table(pte_t *table, unsigned idx)
{
    void *page;
    unsigned long mfn;
    struct mmu_update u;

    if (READ_ONCE(table[idx]) & PTE_P)
        return pte_table(table[idx]);
    batch_flush(); /* the new page must be mapped already */
    page = page_alloc();
    if (!page)
        panic("xen: out of memory for page tables");
    mfn = virt_to_mfn(page);
    if (update_va_mapping(page, (mfn << PAGE_SHIFT) | PT_PROT_RO) < 0)
        panic("xen: cannot make page table %p read-only", page);
    u.ptr = pte_maddr(table, idx) | MMU_NORMAL_PT_UPDATE;
    u.val = (mfn << PAGE_SHIFT) | PT_PROT;
    if (mmu_update(&u, 1) < 0)
        panic("xen: cannot link page table %p", page);
    return page;
}

static void xen_map_ram(void)
{
    pte_t *l4 = (pte_t *)start_info->pt_base;
    unsigned long pfn, n = start_info->nr_pages, added = 0;

    /* pfn 0 stays as the builder left it; NULL should fault when it can. */
    for (pfn = 1; pfn < n; pfn++) {
        uintptr_t va = pfn << PAGE_SHIFT;
        pte_t *l3 = next_table(l4, (va >> 39) & 511);
        pte_t *l2 = next_table(l3, (va >> 30) & 511);
        pte_t *l1 = next_table(l2, (va >> 21) & 511);
        unsigned i = (va >> 12) & 511;

        if (READ_ONCE(l1[i]) & PTE_P)
            continue;
        batch[batch_n].ptr = pte_maddr(l1, i) | MMU_NORMAL_PT_UPDATE;
        batch[batch_n].val = (p2m()[pfn] << PAGE_SHIFT) | PT_PROT;
        added++;
        if (++batch_n == BATCH)
            batch_flush();
    }
    batch_flush();
    printk("xen: mapped %lu more pages, all %lu pfns reachable\n", added, n);
    p2m_publish();
}

static void xen_early_init(struct start_info *si)
{
    if (update_va_mapping(shared_page, si->shared_info | PT_PROT) < 0)
        panic("xen: cannot map shared_info at %lx",
              (unsigned long)si->shared_info);
    shared_info = (struct shared_info *)shared_page;
}

static void *xen_map_frames(const xen_pfn_t *mfns, unsigned n)
{
    unsigned i;

    if (n > PVABI_NR_GRANT_FRAMES)
        return NULL;
    gnt_n = 0;
    for (i = 0; i < n; i++) {
        if (update_va_mapping(gnt_pages[i], (mfns[i] << PAGE_SHIFT) | PT_PROT) <
            0)
            return NULL;
        gnt_mfns[gnt_n++] = mfns[i];
    }
    return gnt_pages;
}

static void xen_suspend_prepare(void)
{
    struct shared_info *dummy = (struct shared_info *)dummy_shared;
    unsigned i;

    start_info->store_mfn = xen_mfn_to_pfn(start_info->store_mfn);
    start_info->console.domU.mfn = xen_mfn_to_pfn(start_info->console.domU.mfn);
    for (i = 0; i < ARRAY_SIZE(dummy->vcpu_info); i++)
        dummy->vcpu_info[i].evtchn_upcall_mask = 1;
    shared_info = dummy;
    if (update_va_mapping(shared_page, 0) < 0)
        panic("xen: cannot unmap shared_info for a suspend");
    for (i = 0; i < gnt_n; i++)
        if (update_va_mapping(gnt_pages[i], 0) < 0)
            panic("xen: cannot unmap grant frame %u for a suspend", i);
}

static void xen_suspend_done(bool cancelled)
{
    unsigned i, n = gnt_n;

    if (cancelled) {
        start_info->store_mfn = xen_pfn_to_mfn(start_info->store_mfn);
        start_info->console.domU.mfn =
            xen_pfn_to_mfn(start_info->console.domU.mfn);
    }
    xen_early_init(start_info); /* a new domain: a new frame */
    p2m_publish();
    /* A new domain sets its grant table up again (gnttab_resume); a
     * cancelled suspend keeps the same frames. */
    if (cancelled)
        for (i = 0; i < n; i++)
            if (update_va_mapping(gnt_pages[i],
                                  (gnt_mfns[i] << PAGE_SHIFT) | PT_PROT) < 0)
                panic("xen: cannot map grant frame %u again", i);
}

static void xen_notify(evtchn_port_t port)
{
    evtchn_send(port);
}

static long one_extent(int op, xen_pfn_t *frame)
{
    struct xen_memory_reservation r = {
        .nr_extents = 1,
        .extent_order = 0,
        .domid = DOMID_SELF,
    };
    set_xen_guest_handle(r.extent_start, frame);
    return hyp_memory_op(op, &r);
}

/* Out: unmap, give the mfn back, forget it in p2m. In: take a new mfn,
 * tell m2p and p2m, map it. One page per hypercall keeps the error path
 * exact (the balloon moves a few MiB at most). */
static long xen_reservation(int op, xen_pfn_t *pfns, unsigned n)
{
    unsigned i;

    for (i = 0; i < n; i++) {
        unsigned long pfn = pfns[i];
        void *va = (void *)(pfn << PAGE_SHIFT);
        xen_pfn_t mfn;
        struct mmu_update u;

        if (pfn >= start_info->nr_pages)
            return i ? (long)i : -XEN_EINVAL;
        if (op == XENMEM_decrease_reservation) {
            mfn = p2m()[pfn];
            if (update_va_mapping(va, 0) < 0)
                break;
            if (one_extent(op, &mfn) != 1) {
                update_va_mapping(va, (mfn << PAGE_SHIFT) | PT_PROT);
                break;
            }
            p2m()[pfn] = INVALID_MFN;
            continue;
        }
        if (op != XENMEM_increase_reservation)
            return -XEN_EINVAL;
        mfn = 0;
        if (one_extent(op, &mfn) != 1)
            break;
        u.ptr = (mfn << PAGE_SHIFT) | MMU_MACHPHYS_UPDATE;
        u.val = pfn;
        if (mmu_update(&u, 1) < 0 ||
            update_va_mapping(va, (mfn << PAGE_SHIFT) | PT_PROT) < 0) {
            one_extent(XENMEM_decrease_reservation, &mfn);
            break;
        }
        p2m()[pfn] = mfn;
    }
    return (long)i;
}

static void xen_vcpu_context(struct vcpu_guest_context *ctx)
{
    /* VGCF_online would clear _VPF_down in VCPUOP_initialise without a
     * wake-up, and VCPUOP_up then finds nothing to wake: the vcpu stays
     * offline for good (Xen 4.17). Linux leaves it out too. */
    ctx->flags &= ~VGCF_online;
    ctx->user_regs.cs = FLAT_KERNEL_CS;
    ctx->user_regs.ss = FLAT_KERNEL_SS;
    ctx->kernel_ss = FLAT_KERNEL_SS;
    ctx->ctrlreg[3] = xen_pfn_to_cr3(virt_to_mfn((void *)start_info->pt_base));
    ctx->event_callback_eip = (unsigned long)hypervisor_callback;
}

const struct platform platform_xen = {
    .name = "Xen PV",
    .kernel_cs = FLAT_KERNEL_CS,
    .kernel_ss = FLAT_KERNEL_SS,
    .early_init = xen_early_init,
    .map_ram = xen_map_ram,
    .pfn_to_mfn = xen_pfn_to_mfn,
    .mfn_to_pfn = xen_mfn_to_pfn,
    .map_frames = xen_map_frames,
    .notify = xen_notify,
    .reservation = xen_reservation,
    .suspend_prepare = xen_suspend_prepare,
    .suspend_done = xen_suspend_done,
    .vcpu_context = xen_vcpu_context,
    .trap_frame_rcx_r11 = true,
};
