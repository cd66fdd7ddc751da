/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench_grant.c: the cost of one grant map + touch + unmap through libhv's
 * kvm engine (a checked offset into the domain's once-mapped memory),
 * printed beside a baseline measured in the same run: the per-segment
 * system calls the engine used to make (dup the memfd, pread the grant
 * entry, mmap the page, close, munmap, plus a kill(pid, 0) liveness
 * probe). The domain is a fake VMM (tests/unit/fake_vmm.c).
 */
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <xen/grant_table.h>
#include <xen/xen.h>

#include "fake_vmm.h"
#include "hv/hv.h"
#include "proto/pvabi.h"
#include "results.h"

#define RAM_PAGES 1024
#define DOMID 7
#define REFS 64
#define ROUNDS 5
#define OPS 200000

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The old path, per segment. */
static int old_map(int memfd, pid_t pid, uint32_t ref, void **out)
{
    off_t off = (off_t)((RAM_PAGES + PVABI_SP_GNTTAB) * 4096ul +
                        ref * sizeof(grant_entry_v1_t));
    grant_entry_v1_t e;
    int fd;
    void *a;

    if (kill(pid, 0) < 0)
        return -1;
    fd = fcntl(memfd, F_DUPFD_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (pread(fd, &e, sizeof(e), off) != sizeof(e) ||
        !(e.flags & GTF_permit_access)) {
        close(fd);
        return -1;
    }
    a = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
             (off_t)e.frame * 4096);
    close(fd);
    if (a == MAP_FAILED)
        return -1;
    *out = a;
    return 0;
}

int main(void)
{
    struct fake_vmm f;
    grant_entry_v1_t *gt;
    struct hv *hv;
    double best_new = 1e9, best_old = 1e9, t;
    unsigned char *whole;
    int r, i;
    void *p;

    if (fake_vmm_start(&f, DOMID, RAM_PAGES) < 0 || hv_open(&hv) < 0) {
        fprintf(stderr, "bench_grant: set-up failed\n");
        return 1;
    }
    whole = mmap(NULL, f.total_pages * 4096, PROT_READ | PROT_WRITE, MAP_SHARED,
                 f.memfd, 0);
    if (whole == MAP_FAILED)
        return 1;
    gt = (grant_entry_v1_t *)(whole + (RAM_PAGES + PVABI_SP_GNTTAB) * 4096ul);
    for (i = 0; i < REFS; i++)
        gt[i] = (grant_entry_v1_t){
            .flags = GTF_permit_access, .domid = 0, .frame = 100 + i};
    for (r = 0; r < ROUNDS; r++) {
        t = now();
        for (i = 0; i < OPS; i++) {
            if (hv_grant_map(hv, DOMID, i % REFS, 1, &p) < 0)
                return 1;
            ((volatile char *)p)[i % 4096] = (char)i;
            hv_grant_unmap(hv, p);
        }
        t = (now() - t) / OPS;
        best_new = t < best_new ? t : best_new;
        t = now();
        for (i = 0; i < OPS / 10; i++) {
            if (old_map(f.memfd, f.vmm, i % REFS, &p) < 0)
                return 1;
            ((volatile char *)p)[i % 4096] = (char)i;
            munmap(p, 4096);
        }
        t = (now() - t) / (OPS / 10);
        best_old = t < best_old ? t : best_old;
    }
    printf("grant map+touch+unmap: %.0f ns (per-segment syscall path: %.0f "
           "ns) ratio %.2e\n",
           best_new * 1e9, best_old * 1e9, best_new / best_old);
    if (bench_result("bench_grant", "grant map+touch+unmap", 1 / best_new,
                     1 / best_old, "maps/s"))
        fprintf(stderr, "bench_grant: cannot write the JSON results\n");
    munmap(whole, f.total_pages * 4096);
    hv_close(hv);
    fake_vmm_stop(&f);
    return 0;
}
