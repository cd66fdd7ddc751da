/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmm_stubs.c: kvm.c, sched.c and ctl.c stand-ins for the VMM's hypercall
 * services without KVM (see vmm_stubs.h).
 */
#include "vmm_stubs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "proto/pvabi.h"

int vmm_stub_kicks[2];
unsigned vmm_stub_last_shutdown = ~0u;

void kvm_kick(struct vcpu *v)
{
    if (v->id < 2)
        vmm_stub_kicks[v->id]++;
}

void kvm_kick_all(struct vmm *vmm)
{
    (void)vmm;
}

void sched_shutdown(struct vmm *vmm, unsigned reason, const char *why)
{
    (void)why;
    vmm->shutdown = 1;
    vmm_stub_last_shutdown = reason;
}

void ctl_notify_waiters(struct vmm *vmm)
{
    (void)vmm;
}

int64_t sched_hc_sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
    (void)v, (void)cmd, (void)arg;
    return -ENOSYS;
}

int64_t sched_hc_set_timer(struct vcpu *v, uint64_t timeout)
{
    (void)v, (void)timeout;
    return 0;
}

int64_t sched_hc_vcpu_op(struct vcpu *v, uint64_t cmd, uint64_t vid,
                         uint64_t arg)
{
    (void)v, (void)cmd, (void)vid, (void)arg;
    return -ENOSYS;
}

struct vmm *vmm_stub_new(uint64_t ram_pages)
{
    struct vmm *vmm = calloc(1, sizeof(*vmm));
    uint32_t sp, cp;
    unsigned i;

    if (!vmm)
        return NULL;
    vmm->domid = 9;
    snprintf(vmm->name, sizeof(vmm->name), "stub");
    vmm->vm_fd = vmm->epfd = vmm->pid_fd = -1;
    pthread_mutex_init(&vmm->lock, NULL);
    if (mem_init(vmm, ram_pages, ram_pages) < 0)
        abort();
    vmm->br.idt = (ram_pages + PVABI_SP_IDT) * 4096ull;
    vmm->nr_vcpus = 2;
    vmm->vcpus = calloc(2, sizeof(*vmm->vcpus));
    if (!vmm->vcpus)
        abort();
    for (i = 0; i < 2; i++) {
        vmm->vcpus[i].vmm = vmm;
        vmm->vcpus[i].id = i;
        vmm->vcpus[i].run = calloc(1, sizeof(struct kvm_run));
        if (!vmm->vcpus[i].run)
            abort();
    }
    conlog_limit_init(&vmm->con_limit, VMM_CON_BURST, VMM_CON_WINDOW_MS);
    evtchn_init(vmm, &sp, &cp);
    memset(vmm_stub_kicks, 0, sizeof(vmm_stub_kicks));
    vmm_stub_last_shutdown = ~0u;
    return vmm;
}

void vmm_stub_free(struct vmm *vmm)
{
    free(vmm->vcpus[0].run);
    free(vmm->vcpus[1].run);
    free(vmm->vcpus);
    munmap(vmm->mem, vmm->mem_size);
    close(vmm->mem_fd);
    pthread_mutex_destroy(&vmm->lock);
    free(vmm);
}
