/* SPDX-License-Identifier: GPL-2.0-only */
/* kvm_bare.c: the bare KVM VM and timing helpers (kvm_bare.h). */
#include "kvm_bare.h"

#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

double bench_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

double bench_median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(*v), cmp_d);
    return v[n / 2];
}

int bench_bare_vm(void)
{
    static const unsigned char code[] = {0xe6, 0x10, 0xf4};
    struct kvm_userspace_memory_region r = {0};
    struct kvm_regs regs = {.rip = 0, .rflags = 2};
    struct kvm_run *run = MAP_FAILED;
    struct kvm_sregs sr;
    int kvm, vm = -1, vcpu = -1, sz = 0, rc = -1;
    void *mem = MAP_FAILED;

    kvm = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (kvm < 0)
        return -1;
    vm = ioctl(kvm, KVM_CREATE_VM, 0);
    mem = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS,
               -1, 0);
    if (vm < 0 || mem == MAP_FAILED)
        goto out;
    memcpy(mem, code, sizeof(code));
    r.memory_size = 4096;
    r.userspace_addr = (unsigned long)mem;
    if (ioctl(vm, KVM_SET_USER_MEMORY_REGION, &r) ||
        (vcpu = ioctl(vm, KVM_CREATE_VCPU, 0)) < 0 ||
        (sz = ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0)) <= 0)
        goto out;
    run = mmap(NULL, (size_t)sz, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED || ioctl(vcpu, KVM_GET_SREGS, &sr))
        goto out;
    sr.cs.base = 0;
    sr.cs.selector = 0;
    if (!ioctl(vcpu, KVM_SET_SREGS, &sr) && !ioctl(vcpu, KVM_SET_REGS, &regs) &&
        !ioctl(vcpu, KVM_RUN, 0) && run->exit_reason == KVM_EXIT_IO)
        rc = 0;
out:
    if (run != MAP_FAILED)
        munmap(run, (size_t)sz);
    if (mem != MAP_FAILED)
        munmap(mem, 4096);
    if (vcpu >= 0)
        close(vcpu);
    if (vm >= 0)
        close(vm);
    close(kvm);
    return rc;
}
