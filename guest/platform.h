/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * platform.h: the few things that differ between the two hypervisors the
 * kernel boots on, behind one table chosen at entry (main.c):
 *  - the kvm engine (platform_kvm.c, include/proto/pvabi.h): everything
 *    identity-mapped by the VMM, mfn == pfn, shared_info and grant frames
 *    in guest RAM, port-I/O notify, CPL3 user selectors;
 *  - real Xen (platform_xen.c): Xen's builder maps only the bootstrap
 *    region, the guest maps the rest of RAM with mmu_update, shared_info
 *    and grant frames are machine frames mapped with update_va_mapping,
 *    p2m = start_info->mfn_list, m2p at MACH2PHYS_VIRT_START, traps arrive
 *    with rcx/r11 on top of the frame, FLAT_KERNEL_* selectors.
 * Drivers (events, gnttab, xenbus, console, blkfront, netfront, selftests)
 * call only these and stay shared.
 */
#ifndef XT_GUEST_PLATFORM_H
#define XT_GUEST_PLATFORM_H

#include "hypercall.h"

struct platform {
    const char *name;
    uint16_t kernel_cs, kernel_ss; /* trap table, VCPUOP_initialise */
    /* Sets shared_info (mapping it if need be); nothing else ran yet. */
    void (*early_init)(struct start_info *si);
    /* After mm_init(): makes every RAM page reachable at pfn << PAGE_SHIFT. */
    void (*map_ram)(void);
    unsigned long (*pfn_to_mfn)(unsigned long pfn);
    unsigned long (*mfn_to_pfn)(unsigned long mfn);
    /* Maps n machine frames (grant-table frames) contiguously; NULL on
     * failure. */
    void *(*map_frames)(const xen_pfn_t *mfns, unsigned n);
    void (*notify)(evtchn_port_t port);
    /* XENMEM_{decrease,increase}_reservation of n pages, extent order 0,
     * named by pfn; the pages are unmapped and remapped as need be.
     * Returns how many were done, or -errno. */
    long (*reservation)(int op, xen_pfn_t *pfns, unsigned n);
    /* Around SCHEDOP_shutdown(SHUTDOWN_suspend), events masked (NULL:
     * nothing to do): prepare leaves only guest RAM mapped and start_info's
     * store and console frames as pfns, as libxc's save wants them; done
     * undoes that (cancelled: the same frames again) and publishes the p2m
     * anew (a new domain has new machine frames everywhere). */
    void (*suspend_prepare)(void);
    void (*suspend_done)(bool cancelled);
    /* Fills ctrlreg[3], the selectors and the callbacks of a new vcpu. */
    void (*vcpu_context)(struct vcpu_guest_context *ctx);
    /* Xen's trap bounce frame has rcx, r11 above the CPU's frame: the
     * trap table then points at head.S's xtrap_N stubs, not trap_N. */
    bool trap_frame_rcx_r11;
};

extern const struct platform *platform;
extern const struct platform platform_kvm, platform_xen;

static inline void *mfn_to_virt(unsigned long mfn)
{
    return (void *)(platform->mfn_to_pfn(mfn) << PAGE_SHIFT);
}

static inline unsigned long virt_to_mfn(const void *va)
{
    return platform->pfn_to_mfn((uintptr_t)va >> PAGE_SHIFT);
}

#endif
