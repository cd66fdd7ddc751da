/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * restore.c: a domain loaded from a VMM stream (proto/vmmsave.h) by a
 * VMM started with --restore-fd: guest memory, balloon, vcpu state and
 * system time in place before any vcpu runs. Every header field, record
 * length, pfn and vcpu id is checked (savefmt.c) before it is used; the
 * reader stops right after END, where libxl's records go on.
 */
#include "vmm/vmm.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "lib/log.h"
#include "lib/proc.h"
#include "proto/pvabi.h"
#include "vmm/savefmt.h"

static int load_vcpu(struct vcpu *v, const struct vmmsave_vcpu *s)
{
    uint64_t buf[(sizeof(struct kvm_msrs) +
                  VMMSAVE_MAX_MSRS * sizeof(struct kvm_msr_entry)) /
                 8];
    struct kvm_msrs *m = (struct kvm_msrs *)buf;
    unsigned i;

    if (ioctl(v->fd, KVM_SET_SREGS, &s->sregs) < 0 ||
        ioctl(v->fd, KVM_SET_REGS, &s->regs) < 0 ||
        ioctl(v->fd, KVM_SET_FPU, &s->fpu) < 0)
        return -errno;
    memset(buf, 0, sizeof(buf));
    m->nmsrs = s->nr_msrs;
    for (i = 0; i < s->nr_msrs; i++) {
        m->entries[i].index = s->msrs[i].index;
        m->entries[i].data = s->msrs[i].data;
    }
    if (s->nr_msrs && ioctl(v->fd, KVM_SET_MSRS, m) != (int)s->nr_msrs)
        log_warnx("dom %u: vcpu %u: not every MSR restored", v->vmm->domid,
                  v->id);
    /* The upcall path reads the synced copy before the first KVM_RUN. */
    v->run->s.regs.regs = s->regs;
    v->run->s.regs.sregs = s->sregs;
    v->run->kvm_dirty_regs = 0;
    v->event_cb = s->event_cb;
    v->failsafe_cb = s->failsafe_cb;
    v->pio_at = 0;
    atomic_store(&v->need_init, 0);
    atomic_store(&v->online, 1);
    return 0;
}

int restore_load(struct vmm *vmm, int fd, unsigned max_vcpus_hint,
                 uint32_t ports[2], char *err, size_t errlen)
{
    struct vmmsave_hdr h;
    struct savefmt_loaded *l;
    struct start_info *si;
    uint64_t pfn, avail = 0;
    unsigned i;
    int rc;

    (void)max_vcpus_hint;
    rc = savefmt_read_hdr(fd, &h, err, errlen);
    if (rc < 0)
        return rc;
    if (proc_field_kb("/proc/meminfo", "MemAvailable", &avail) == 0 && avail &&
        h.cur_pages * 4 > avail) {
        snprintf(err, errlen,
                 "memory %" PRIu64 " MiB is more than the host has free "
                 "(%" PRIu64 " MiB)",
                 h.cur_pages / 256, avail / 1024);
        return -ENOMEM;
    }
    rc = mem_init(vmm, h.ram_pages, h.max_pages);
    if (rc < 0) {
        snprintf(err, errlen, "guest memory: %s", strerror(-rc));
        return rc;
    }
    evtchn_init(vmm, &ports[0], &ports[1]);
    l = calloc(1, sizeof(*l));
    if (!l)
        return -ENOMEM;
    rc = savefmt_load(fd, &h, vmm->mem, l, err, errlen);
    if (!rc && !(l->have & 1)) {
        snprintf(err, errlen, "domain stream: no state for vcpu 0");
        rc = -EINVAL;
    }
    if (rc < 0)
        goto out;
    vmm->br.entry = h.entry;
    vmm->br.stack_top = h.stack_top;
    vmm->br.start_info = h.start_info;
    vmm->br.cr3 = h.cr3;
    vmm->br.store_pfn = h.store_pfn;
    vmm->br.console_pfn = h.console_pfn;
    vmm->br.shared_info = h.shared_info;
    vmm->br.gdt = h.gdt;
    vmm->br.tss = h.tss;
    vmm->br.idt = h.idt;
    vmm->br.free_pfn = h.free_pfn;
    /* The new domain's store and console channels, as Xen's restore
     * writes them into start_info. */
    si = gm_ptr(vmm, h.start_info, sizeof(*si));
    if (si) {
        si->store_evtchn = ports[0];
        si->console.domU.evtchn = ports[1];
    }
    for (pfn = 0; l->balloon && pfn < h.ram_pages; pfn++)
        if ((l->balloon[pfn / 8] >> (pfn % 8)) & 1)
            mem_balloon_out(vmm, pfn);
    vmm->max_pages = h.max_pages;
    rc = kvm_setup(vmm, h.nr_vcpus, err, errlen);
    if (rc < 0)
        goto out;
    vmm->max_online = h.max_online;
    atomic_store(&vmm->vcpus[0].need_init, 0);
    atomic_store(&vmm->vcpus[0].online, 0);
    for (i = 0; i < h.nr_vcpus && !rc; i++)
        if ((l->have >> i) & 1 && (rc = load_vcpu(&vmm->vcpus[i], &l->vcpu[i])))
            snprintf(err, errlen, "vcpu %u: loading its state: %s", i,
                     strerror(-rc));
    /* Guest time carries on from the save. */
    vmm->sys0 = l->have_clock ? l->clock : h.system_time;
out:
    free(l->balloon);
    free(l);
    return rc;
}
