/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvm.c: the KVM side: VM and memslot, vcpus entering the kernel at CPL3
 * (REFERENCE.md "KVM on our machines"), the vcpu threads' run loop, and the
 * kick (a signal setting kvm_run->immediate_exit) that brings a running
 * vcpu back for an upcall.
 */
#include "vmm/vmm.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "lib/log.h"
#include "proto/pvabi.h"

#define KICK_SIG SIGUSR1

/* The kick handler needs the interrupted thread's kvm_run: the one
 * thread-local the signal path requires. */
static __thread struct kvm_run *tls_run;

static void kick_handler(int sig)
{
    (void)sig;
    if (tls_run)
        __atomic_store_n(&tls_run->immediate_exit, 1, __ATOMIC_SEQ_CST);
}

/* Runs on v's own thread, where the kick signal also lands. */
static void kick_consume(struct vcpu *v)
{
    __atomic_store_n(&v->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
    atomic_store(&v->kick, 0);
}

static void seg(struct kvm_segment *s, uint16_t sel, uint8_t type, int code)
{
    memset(s, 0, sizeof(*s));
    s->selector = sel;
    s->limit = 0xfffff;
    s->type = type;
    s->present = 1;
    s->dpl = 3;
    s->s = 1;
    s->g = 1;
    s->l = code ? 1 : 0;
    s->db = code ? 0 : 1;
}

static void sregs_init(struct vmm *vmm, struct kvm_sregs *sr)
{
    seg(&sr->cs, PVABI_CS, 0xb, 1);
    seg(&sr->ss, PVABI_DS, 0x3, 0);
    sr->ds = sr->es = sr->fs = sr->gs = sr->ss;
    memset(&sr->tr, 0, sizeof(sr->tr));
    sr->tr.selector = 0x40;
    sr->tr.base = vmm->br.tss;
    sr->tr.limit = BUILDER_TSS_LIMIT;
    sr->tr.type = 0xb; /* busy 64-bit TSS */
    sr->tr.present = 1;
    memset(&sr->ldt, 0, sizeof(sr->ldt));
    sr->ldt.unusable = 1;
    sr->gdt.base = vmm->br.gdt;
    sr->gdt.limit = 10 * 8 - 1;
    sr->idt.base = vmm->br.idt; /* empty until set_trap_table */
    sr->idt.limit = 0xfff;
    sr->cr0 = 0x80050033; /* PG WP AM NE ET MP PE */
    sr->cr3 = vmm->br.cr3;
    sr->cr4 = 0x620;  /* PAE OSFXSR OSXMMEXCPT */
    sr->efer = 0x500; /* LME LMA */
}

static int vcpu_create(struct vmm *vmm, struct vcpu *v, unsigned id,
                       struct kvm_cpuid2 *cpuid, int mmap_size)
{
    struct itimerspec none = {0};

    v->vmm = vmm;
    v->id = id;
    v->fd = ioctl(vmm->vm_fd, KVM_CREATE_VCPU, id);
    if (v->fd < 0)
        return -errno;
    fcntl(v->fd, F_SETFD, FD_CLOEXEC);
    v->run_size = (size_t)mmap_size;
    v->run =
        mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->fd, 0);
    if (v->run == MAP_FAILED)
        return -errno;
    /* CPUID first: KVM refuses EFER.LME unless CPUID says long mode. */
    if (ioctl(v->fd, KVM_SET_CPUID2, cpuid) < 0)
        return -errno;
    if (ioctl(v->fd, KVM_SET_SREGS, &vmm->sregs0) < 0)
        return -errno;
    v->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    v->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
    if (v->wake_fd < 0 || v->timer_fd < 0)
        return -errno;
    timerfd_settime(v->timer_fd, 0, &none, NULL);
    v->run->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
    memset(&v->init_regs, 0, sizeof(v->init_regs));
    return 0;
}

static struct kvm_cpuid2 *get_cpuid(int kvm_fd)
{
    int n = 128;
    struct kvm_cpuid2 *c;

    for (;;) {
        c = calloc(1, sizeof(*c) + (size_t)n * sizeof(c->entries[0]));
        if (!c)
            return NULL;
        c->nent = (uint32_t)n;
        if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
            return c;
        free(c);
        if (errno != E2BIG || n > 4096)
            return NULL;
        n *= 2;
    }
}

int kvm_setup(struct vmm *vmm, unsigned nr_vcpus, char *err, size_t errlen)
{
    struct kvm_userspace_memory_region reg = {0};
    struct kvm_cpuid2 *cpuid = NULL;
    int mmap_size, rc;
    unsigned i;

    vmm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
    if (vmm->kvm_fd < 0) {
        rc = -errno;
        snprintf(err, errlen, "/dev/kvm: %s", strerror(errno));
        return rc;
    }
    if (ioctl(vmm->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS) <= 0) {
        snprintf(err, errlen, "/dev/kvm: KVM_CAP_SYNC_REGS missing");
        return -ENOTSUP;
    }
    vmm->vm_fd = ioctl(vmm->kvm_fd, KVM_CREATE_VM, 0);
    if (vmm->vm_fd < 0) {
        rc = -errno;
        snprintf(err, errlen, "KVM_CREATE_VM: %s", strerror(errno));
        return rc;
    }
    fcntl(vmm->vm_fd, F_SETFD, FD_CLOEXEC);
    ioctl(vmm->vm_fd, KVM_SET_TSS_ADDR, 0xfffbd000ul); /* Intel wants one */
    reg.slot = 0;
    reg.guest_phys_addr = 0;
    reg.memory_size = vmm->total_pages * 4096;
    reg.userspace_addr = (uint64_t)(uintptr_t)vmm->mem;
    if (ioctl(vmm->vm_fd, KVM_SET_USER_MEMORY_REGION, &reg) < 0) {
        rc = -errno;
        snprintf(err, errlen, "KVM memory slot: %s", strerror(errno));
        return rc;
    }
    mmap_size = ioctl(vmm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
    cpuid = get_cpuid(vmm->kvm_fd);
    if (mmap_size <= 0 || !cpuid) {
        free(cpuid);
        snprintf(err, errlen, "KVM vcpu setup failed");
        return -EIO;
    }
    sregs_init(vmm, &vmm->sregs0);
    vmm->vcpus = calloc(nr_vcpus, sizeof(*vmm->vcpus));
    if (!vmm->vcpus) {
        free(cpuid);
        return -ENOMEM;
    }
    vmm->nr_vcpus = nr_vcpus;
    for (i = 0; i < nr_vcpus; i++) {
        vmm->vcpus[i].fd = vmm->vcpus[i].wake_fd = vmm->vcpus[i].timer_fd = -1;
        rc = vcpu_create(vmm, &vmm->vcpus[i], i, cpuid, mmap_size);
        if (rc < 0) {
            snprintf(err, errlen, "vcpu %u: %s", i, strerror(-rc));
            free(cpuid);
            return rc;
        }
    }
    free(cpuid);
    /* vcpu 0 starts at the kernel entry, like Xen's boot vcpu. */
    vmm->vcpus[0].init_regs.rip = vmm->br.entry;
    vmm->vcpus[0].init_regs.rsp = vmm->br.stack_top;
    vmm->vcpus[0].init_regs.rsi = vmm->br.start_info;
    vmm->vcpus[0].init_regs.rflags = 0x202;
    vmm->vcpus[0].need_init = 1;
    vmm->vcpus[0].online = 1;
    return 0;
}

void kvm_kick(struct vcpu *v)
{
    uint64_t one = 1;

    atomic_store(&v->kick, 1);
    if (write(v->wake_fd, &one, sizeof(one)) < 0) {
        /* counter full: it is readable anyway */
    }
    /* A vcpu waiting in sched_wait() wakes on wake_fd and re-checks the
     * state the caller set before kicking; only a running one needs the
     * signal (which costs it an exit). */
    if (atomic_load(&v->started) && atomic_load(&v->state) != VCPU_BLOCKED)
        pthread_kill(v->thread, KICK_SIG);
}

void kvm_kick_all(struct vmm *vmm)
{
    unsigned i;

    for (i = 0; i < vmm->nr_vcpus; i++)
        kvm_kick(&vmm->vcpus[i]);
}

/* A fault the guest did not handle: Xen would crash the domain too. */
static void vcpu_crash(struct vcpu *v, const char *what)
{
    struct kvm_vcpu_events ev;
    struct kvm_sregs sr;
    struct kvm_regs r;
    char why[200];
    int vec = -1;

    if (ioctl(v->fd, KVM_GET_REGS, &r) < 0)
        memset(&r, 0, sizeof(r));
    if (ioctl(v->fd, KVM_GET_SREGS, &sr) < 0)
        memset(&sr, 0, sizeof(sr));
    if (ioctl(v->fd, KVM_GET_VCPU_EVENTS, &ev) == 0 && ev.exception.injected)
        vec = ev.exception.nr;
    snprintf(
        why, sizeof(why),
        "vcpu %u %s: vector %d (-1: unknown) rip %#llx rsp %#llx cr2 %#llx",
        v->id, what, vec, (unsigned long long)r.rip, (unsigned long long)r.rsp,
        (unsigned long long)sr.cr2);
    sched_shutdown(v->vmm, SHUTDOWN_crash, why);
}

static int vcpu_exit_io(struct vcpu *v)
{
    struct kvm_run *run = v->run;
    struct kvm_regs *r = &run->s.regs.regs;
    const unsigned char *ins;
    uint32_t val = 0;

    if (run->io.direction != KVM_EXIT_IO_OUT) {
        /* Reads of unknown ports see all-ones, like absent hardware. */
        memset((char *)run + run->io.data_offset, 0xff,
               (size_t)run->io.size * run->io.count);
        return 0;
    }
    /* Some KVMs report rip at the `out`, others after it; remember which
     * so an upcall frame never re-runs the out. */
    ins = gm_ptr(v->vmm, r->rip, 2);
    v->pio_at = (ins && ins[0] == 0xe7 && ins[1] == run->io.port) ? r->rip : 0;
    if (run->io.size == 4)
        memcpy(&val, (char *)run + run->io.data_offset, 4);
    switch (run->io.port) {
    case PVABI_HCALL_PORT:
        return hcall_dispatch(v);
    case PVABI_NOTIFY_PORT:
        /* Ports without an ioeventfd land here: same as EVTCHNOP_send. */
        evtchn_send(v->vmm, val);
        return 0;
    default:
        return 0;
    }
}

static int vcpu_handle_exit(struct vcpu *v)
{
    switch (v->run->exit_reason) {
    case KVM_EXIT_IO:
        return vcpu_exit_io(v);
    case KVM_EXIT_SHUTDOWN:
        vcpu_crash(v, "triple fault (unhandled exception)");
        return -EFAULT;
    case KVM_EXIT_HLT:
        vcpu_crash(v, "hlt");
        return -EFAULT;
    case KVM_EXIT_MMIO:
        vcpu_crash(v, "access outside guest memory");
        return -EFAULT;
    case KVM_EXIT_INTR:
        return 0;
    default: {
        char what[48];
        snprintf(what, sizeof(what), "KVM exit %u", v->run->exit_reason);
        vcpu_crash(v, what);
        return -EFAULT;
    }
    }
}

/* Apply VCPUOP_initialise / boot registers on the owning thread. */
static void vcpu_apply_init(struct vcpu *v)
{
    struct kvm_regs *r = &v->run->s.regs.regs;

    memset(r, 0, sizeof(*r));
    r->rip = v->init_regs.rip;
    r->rsp = v->init_regs.rsp;
    r->rsi = v->init_regs.rsi;
    r->rdi = v->init_regs.rdi;
    r->rflags = (v->init_regs.rflags & 0xcd5) | 0x202;
    v->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
    v->pio_at = 0;
    atomic_store(&v->need_init, 0);
}

static int vcpu_may_run(struct vcpu *v)
{
    struct vmm *vmm = v->vmm;

    return !atomic_load(&vmm->paused) && !atomic_load(&vmm->shutdown) &&
           atomic_load(&v->online);
}

static void *vcpu_main(void *arg)
{
    struct vcpu *v = arg;
    struct vmm *vmm = v->vmm;
    sigset_t set;

    tls_run = v->run;
    sigemptyset(&set);
    sigaddset(&set, KICK_SIG);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
    while (!atomic_load(&vmm->destroy)) {
        /*
         * Consume a kick before looking at what it was for: a kick that
         * lands after this point sets immediate_exit again, so KVM_RUN
         * returns at once and the next turn sees it. Clearing after
         * evtchn_deliver() (as before) could swallow an event raised in
         * between until the guest's next exit.
         */
        kick_consume(v);
        if (!vcpu_may_run(v)) {
            atomic_store(&v->state,
                         atomic_load(&v->online) ? VCPU_PAUSED : VCPU_OFFLINE);
            sched_wait(v, -1);
            continue;
        }
        if (atomic_load(&v->need_init))
            vcpu_apply_init(v);
        if (evtchn_deliver(v) < 0)
            continue; /* crashed */
        atomic_store(&v->state, VCPU_RUNNING);
        if (ioctl(v->fd, KVM_RUN, 0) < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            /* KVM could not fault in a page: one the guest gave back. */
            vcpu_crash(v, errno == EFAULT
                              ? "touched memory it gave back (ballooned out)"
                              : "KVM_RUN failed");
            continue;
        }
        v->run->kvm_dirty_regs = 0;
        vcpu_handle_exit(v);
    }
    atomic_store(&v->state, VCPU_OFFLINE);
    return NULL;
}

int kvm_start_vcpus(struct vmm *vmm)
{
    struct sigaction sa;
    unsigned i;
    int rc;

    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = kick_handler; /* no SA_RESTART: KVM_RUN must see EINTR */
    sigaction(KICK_SIG, &sa, NULL);
    for (i = 0; i < vmm->nr_vcpus; i++) {
        struct vcpu *v = &vmm->vcpus[i];
        char name[24];

        rc = pthread_create(&v->thread, NULL, vcpu_main, v);
        if (rc)
            return -rc;
        /* QEMU's vcpu thread names: xl vcpu-list/vcpu-pin find them */
        snprintf(name, sizeof(name), "CPU %u/KVM", i);
        name[15] = '\0'; /* the kernel's limit; ids < 10^10 fit */
        pthread_setname_np(v->thread, name);
        atomic_store(&v->started, 1);
    }
    return 0;
}
