/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fake_vmm.h: a stand-in for one domain's VMM control socket (vmmctl.h),
 * served by a thread: MEMFD hands over a memfd (guest memory plus the
 * balloon bitmap page) and the pidfd of a child process standing in for
 * the VMM; EVTCHN_BIND of port 3 hands over an eventfd pair; everything
 * else answers 0. For test_hv and bench_grant, under a private
 * PVSTACK_ROOT it creates and sets.
 */
#ifndef XT_UNIT_FAKE_VMM_H
#define XT_UNIT_FAKE_VMM_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

struct fake_vmm {
    char root[64];
    uint32_t domid;
    uint64_t ram_pages, total_pages;
    int lfd;
    int memfd;
    pid_t vmm;         /* kill it to "destroy" the domain */
    int pidfd;         /* its pidfd, handed over with the memfd */
    int ev[2];         /* from guest, to guest */
    uint64_t last_arg; /* of the last request */
    pthread_t th;
};

/* Start serving domid with ram_pages of RAM. Returns 0 or -errno. */
int fake_vmm_start(struct fake_vmm *f, uint32_t domid, uint64_t ram_pages);
/* Stop the thread, kill the child, remove the root. */
void fake_vmm_stop(struct fake_vmm *f);

#endif
