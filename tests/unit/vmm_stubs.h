/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmm_stubs.h: what the VMM's hypercall services (hcall.c, evtchn.c,
 * mem.c) need from kvm.c, sched.c and ctl.c, stubbed for test_vmm and
 * fuzz_hcall: kicks and shutdowns are counted, blocking never waits.
 */
#ifndef XT_UNIT_VMM_STUBS_H
#define XT_UNIT_VMM_STUBS_H

#include "vmm/vmm.h"

/* Kicks per vcpu id (0 and 1), and the last shutdown reason (~0u: none). */
extern int vmm_stub_kicks[2];
extern unsigned vmm_stub_last_shutdown;

/* A struct vmm with ram_pages of real guest memory (a memfd), two vcpus
 * and the event channels of a booted domain; free with vmm_stub_free(). */
struct vmm *vmm_stub_new(uint64_t ram_pages);
void vmm_stub_free(struct vmm *vmm);

#endif
