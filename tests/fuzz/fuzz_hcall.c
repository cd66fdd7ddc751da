/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fuzz_hcall.c: libFuzzer harness for the VMM's hypercall argument
 * decoding (hcall.c, evtchn.c, mem.c): up to 15 hypercalls (number, five
 * argument registers, whether the domain is paused so long calls preempt),
 * the rest of the input as guest memory from address 0; each call runs
 * through hcall_dispatch() as a vcpu exit would, KVM stubbed.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "proto/pvabi.h"
#include "vmm/vmm.h"
#include "vmm_stubs.h"

#define RAM_PAGES 64
#define STUB 0x3000ull

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct rec {
    uint8_t nr, flags;
    uint64_t a[5];
} __attribute__((packed));

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int quiet;
    const uint64_t ram = RAM_PAGES * 4096ull;
    struct vmm *vmm;
    struct vcpu *v;
    struct kvm_regs *r;
    size_t nrec, i, off;
    struct rec rc;

    if (size < 1)
        return 0;
    if (!quiet) {
        log_init(1, 0);
        quiet = 1;
    }
    /* data[0] & 15 records, then guest memory from address 0. */
    nrec = data[0] & 15;
    if (nrec > (size - 1) / sizeof(rc))
        nrec = (size - 1) / sizeof(rc);
    off = 1 + nrec * sizeof(rc);
    vmm = vmm_stub_new(RAM_PAGES);
    v = &vmm->vcpus[0];
    r = &v->run->s.regs.regs;
    memcpy(vmm->mem, data + off, size - off < ram ? size - off : ram);
    for (i = 0; i < nrec; i++) {
        unsigned char stub[8] = {0xb8, 0, 0, 0, 0, 0xe7, PVABI_HCALL_PORT};
        uint32_t nr;

        memcpy(&rc, data + 1 + i * sizeof(rc), sizeof(rc));
        nr = rc.nr & 0x3f;
        memcpy(stub + 1, &nr, 4);
        if (rc.flags & 64) { /* pointers into RAM, the common case */
            rc.a[0] %= ram;
            rc.a[1] %= ram;
            rc.a[2] %= ram;
        }
        /* The stub the guest ran, unless the input overwrote it. */
        if (!(rc.flags & 1))
            memcpy(vmm->mem + STUB, stub, sizeof(stub));
        vmm->paused = (rc.flags >> 1) & 1;
        v->kick = (rc.flags >> 2) & 1;
        r->rax = nr;
        r->rip = (rc.flags & 8) ? rc.a[4] : STUB + 7;
        r->rsp = rc.a[3];
        v->pio_at = (rc.flags & 16) ? STUB + 5 : 0;
        r->rdi = rc.a[0];
        r->rsi = rc.a[1];
        r->rdx = rc.a[2];
        r->r10 = rc.a[3];
        r->r8 = rc.a[4];
        v->event_cb = (rc.flags & 32) ? rc.a[2] : 0;
        hcall_dispatch(v);
        evtchn_deliver(v);
        if (vmm->shutdown)
            break;
    }
    vmm_stub_free(vmm);
    return 0;
}
