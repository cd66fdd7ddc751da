/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * platform_kvm.c: the kvm engine's side of platform.h (include/proto/
 * pvabi.h): the VMM maps all guest pages 1:1 (RAM and its special pages),
 * so frames are pfns, shared_info and the grant frames are used in place,
 * and a notify is one outl the VMM may serve with an ioeventfd.
 */
#include "kernel.h"
#include "platform.h"

extern char hypervisor_callback[];

static void kvm_early_init(struct start_info *si)
{
    shared_info = (struct shared_info *)si->shared_info;
}

static void kvm_map_ram(void)
{
}

static unsigned long kvm_identity(unsigned long frame)
{
    return frame;
}

static void *kvm_map_frames(const xen_pfn_t *mfns, unsigned n)
{
    unsigned i;

    for (i = 1; i < n; i++)
        if (mfns[i] != mfns[0] + i)
            return NULL; /* we use the frames as one array */
    return (void *)(mfns[0] << PAGE_SHIFT);
}

static void kvm_notify(evtchn_port_t port)
{
    hyp_notify(port);
}

static long kvm_reservation(int op, xen_pfn_t *pfns, unsigned n)
{
    struct xen_memory_reservation r = {
        .nr_extents = n,
        .extent_order = 0,
        .domid = DOMID_SELF,
    };
    /* extent_start is in/out for increase_reservation; the VMM only
     * re-populates the pfns it is given (pvabi.h) and writes them back. */
    set_xen_guest_handle(r.extent_start, pfns);
    return hyp_memory_op(op, &r);
}

static void kvm_vcpu_context(struct vcpu_guest_context *ctx)
{
    ctx->user_regs.cs = PVABI_CS;
    ctx->user_regs.ss = PVABI_DS;
    ctx->kernel_ss = PVABI_DS;
    ctx->ctrlreg[3] = start_info->pt_base;
    ctx->event_callback_eip = (unsigned long)hypervisor_callback;
}

const struct platform platform_kvm = {
    .name = "kvm engine (pvabi)",
    .kernel_cs = PVABI_CS,
    .kernel_ss = PVABI_DS,
    .early_init = kvm_early_init,
    .map_ram = kvm_map_ram,
    .pfn_to_mfn = kvm_identity,
    .mfn_to_pfn = kvm_identity,
    .map_frames = kvm_map_frames,
    .notify = kvm_notify,
    .reservation = kvm_reservation,
    .vcpu_context = kvm_vcpu_context,
    .trap_frame_rcx_r11 = false,
};
