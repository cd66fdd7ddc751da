/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * main.c: pvstack-vmm, one process per PV domain on the kvm engine (like
 * qemu-dm). Builds the domain (builder/), creates the KVM VM and vcpu
 * threads, reports "OK store_pfn console_pfn store_port console_port" or
 * "ERR errno reason" on --status-fd, then serves timers, dom0 event
 * channels and the control socket on the main thread until destroyed.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/pidfd.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/parse.h"
#include "lib/paths.h"
#include "lib/proc.h"
#include "proto/vmmexec.h"
#include "vmm/kcache.h"
#include "vmm/vmm.h"

#define EP_SIG 4ull

struct opts {
    const char *kernel, *ramdisk, *cmdline;
    uint64_t mem_kb, maxmem_kb;
    unsigned vcpus, max_vcpus;
    int paused, status_fd, debug, restore_fd;
};

static void status(int fd, int err, const char *msg)
{
    if (fd < 0)
        return;
    if (err)
        dprintf(fd, VMMEXEC_STATUS_ERR "\n", err, msg);
    else
        dprintf(fd, "%s\n", msg);
}

static unsigned long long num(const char *s, const char *what)
{
    unsigned long long v;

    if (parse_ull(s, 0, UINT32_MAX * 1024ull, &v) < 0)
        fatalx("bad %s: %s", what, s);
    return v;
}

static void parse_args(int argc, char **argv, struct vmm *vmm, struct opts *o)
{
    static const struct option lo[] = {
        {VMMEXEC_OPT_DOMID, 1, 0, 'i'},      {VMMEXEC_OPT_NAME, 1, 0, 'n'},
        {VMMEXEC_OPT_KERNEL, 1, 0, 'k'},     {VMMEXEC_OPT_RAMDISK, 1, 0, 'r'},
        {VMMEXEC_OPT_CMDLINE, 1, 0, 'c'},    {VMMEXEC_OPT_MEMORY_KB, 1, 0, 'm'},
        {VMMEXEC_OPT_MAXMEM_KB, 1, 0, 'M'},  {VMMEXEC_OPT_VCPUS, 1, 0, 'v'},
        {VMMEXEC_OPT_MAX_VCPUS, 1, 0, 'V'},  {VMMEXEC_OPT_PAUSED, 0, 0, 'p'},
        {VMMEXEC_OPT_STATUS_FD, 1, 0, 's'},  {VMMEXEC_OPT_DEBUG, 0, 0, 'd'},
        {VMMEXEC_OPT_RESTORE_FD, 1, 0, 'R'}, {0, 0, 0, 0}};
    int ch;

    memset(o, 0, sizeof(*o));
    o->status_fd = -1;
    o->restore_fd = -1;
    o->vcpus = 1;
    o->mem_kb = 32 * 1024;
    while ((ch = getopt_long(argc, argv, "d", lo, NULL)) != -1) {
        switch (ch) {
        case 'i':
            vmm->domid = (uint32_t)num(optarg, "domid");
            break;
        case 'n':
            snprintf(vmm->name, sizeof(vmm->name), "%s", optarg);
            break;
        case 'k':
            o->kernel = optarg;
            break;
        case 'r':
            o->ramdisk = optarg;
            break;
        case 'c':
            o->cmdline = optarg;
            break;
        case 'm':
            o->mem_kb = num(optarg, "memory");
            break;
        case 'M':
            o->maxmem_kb = num(optarg, "maxmem");
            break;
        case 'v':
            o->vcpus = (unsigned)num(optarg, "vcpus");
            break;
        case 'V':
            o->max_vcpus = (unsigned)num(optarg, "max-vcpus");
            break;
        case 'p':
            o->paused = 1;
            break;
        case 's':
            o->status_fd = (int)num(optarg, "status-fd");
            break;
        case 'd':
            o->debug = 1;
            break;
        case 'R':
            o->restore_fd = (int)num(optarg, "restore-fd");
            break;
        default:
            fatalx("usage: pvstack-vmm --domid N --name S --kernel F "
                   "[--ramdisk F] [--cmdline S] [--memory-kb N] "
                   "[--vcpus N] [--paused] [--status-fd FD] "
                   "[--restore-fd FD]");
        }
    }
    if ((!o->kernel && o->restore_fd < 0) || vmm->domid == 0 || !vmm->name[0])
        fatalx("--domid (non-zero), --name and --kernel (or --restore-fd) "
               "are required");
    if (o->max_vcpus < o->vcpus)
        o->max_vcpus = o->vcpus;
    if (o->vcpus < 1 || o->max_vcpus > VMM_MAX_VCPUS)
        fatalx("vcpus must be 1..%d", VMM_MAX_VCPUS);
}

/* Log to /var/log/xen/vmm-<name>.log (stderr with -d). */
/* The log is stderr, redirected to a capped, rotating file: a guest's
 * console output lands there too. */
static void open_log(struct vmm *vmm, int debug)
{
    char rel[128], path[4096];
    int rc;

    log_init(1, debug);
    log_procinit("pvstack-vmm");
    conlog_limit_init(&vmm->con_limit, VMM_CON_BURST, VMM_CON_WINDOW_MS);
    if (debug)
        return;
    snprintf(rel, sizeof(rel), "/var/log/xen/vmm-%s.log", vmm->name);
    if (paths_mkdir("/var/log/xen", 0755) < 0 ||
        paths_get(path, sizeof(path), rel) < 0)
        return;
    rc = conlog_open(path, CONLOG_MAX_BYTES, CONLOG_KEEP, 2, &vmm->log);
    if (rc < 0)
        log_warnx("dom %u: log %s: %s", vmm->domid, path, strerror(-rc));
}

/* Everything up to the status line; err gets a one-line reason. */
static int build(struct vmm *vmm, const struct opts *o, uint32_t ports[2],
                 char *err, size_t errlen)
{
    void *kbuf = NULL, *rbuf = NULL;
    size_t klen = 0, rlen = 0;
    struct builder_elf elf;
    struct builder_args a;
    uint64_t avail = 0; /* unknown: no check */
    int rc;

    proc_field_kb("/proc/meminfo", "MemAvailable", &avail);

    rc = kcache_read_image(o->kernel, &kbuf, &klen, err, errlen);
    if (rc == 0)
        rc = builder_elf_parse(o->kernel, kbuf, klen, &elf, err, errlen);
    if (rc == 0 && o->ramdisk)
        rc = builder_read_image(o->ramdisk, &rbuf, &rlen, err, errlen);
    if (rc == 0 && avail && o->mem_kb > avail) {
        snprintf(err, errlen,
                 "memory %" PRIu64 " MiB is more than the host has free "
                 "(%" PRIu64 " MiB)",
                 o->mem_kb / 1024, avail / 1024);
        rc = -ENOMEM;
    }
    if (rc == 0 && (rc = mem_init(vmm, o->mem_kb / 4, o->maxmem_kb / 4)) < 0)
        snprintf(err, errlen, "guest memory: %s", strerror(-rc));
    if (rc == 0) {
        evtchn_init(vmm, &ports[0], &ports[1]);
        a = (struct builder_args){.kernel = kbuf,
                                  .kernel_len = klen,
                                  .elf = &elf,
                                  .ramdisk = rbuf,
                                  .ramdisk_len = rlen,
                                  .cmdline = o->cmdline,
                                  .ram_pages = vmm->ram_pages,
                                  .store_port = ports[0],
                                  .console_port = ports[1],
                                  .domid = vmm->domid};
        rc = builder_build(vmm->mem, &a, &vmm->br, err, errlen);
    }
    free(kbuf);
    free(rbuf);
    if (rc == 0)
        rc = kvm_setup(vmm, o->max_vcpus, err, errlen);
    if (rc == 0)
        sched_time_init(vmm); /* before the first KVM_RUN */
    return rc;
}

static int setup_loop(struct vmm *vmm, char *err, size_t errlen)
{
    struct epoll_event ev = {.events = EPOLLIN};
    sigset_t set;
    unsigned i;
    int sfd, rc;

    vmm->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (vmm->epfd < 0)
        return -errno;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGUSR1); /* only vcpu threads take kicks */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    sigdelset(&set, SIGUSR1);
    sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    ev.data.u64 = EP_TAG(EP_SIG, 0);
    if (sfd < 0 || epoll_ctl(vmm->epfd, EPOLL_CTL_ADD, sfd, &ev) < 0)
        return -errno;
    for (i = 0; i < vmm->nr_vcpus; i++) {
        ev.data.u64 = EP_TAG(EP_TIMER, i);
        if (epoll_ctl(vmm->epfd, EPOLL_CTL_ADD, vmm->vcpus[i].timer_fd, &ev))
            return -errno;
    }
    rc = ctl_listen(vmm);
    if (rc < 0)
        snprintf(err, errlen, "domain %u: control socket: %s", vmm->domid,
                 rc == -EEXIST ? "domain id in use" : strerror(-rc));
    return rc;
}

static void serve(struct vmm *vmm)
{
    struct epoll_event evs[16];
    int n, i;

    while (!atomic_load(&vmm->destroy)) {
        n = epoll_wait(vmm->epfd, evs, 16, -1);
        for (i = 0; i < n; i++) {
            uint64_t t = evs[i].data.u64 >> 32;
            uint32_t idx = (uint32_t)evs[i].data.u64;
            if (t == EP_CTL)
                ctl_accept(vmm);
            else if (t == EP_TIMER)
                sched_timer_fired(vmm, idx);
            else if (t == EP_PORT)
                evtchn_port_input(vmm, idx);
            else if (t == EP_SIG) {
                log_info("dom %u: signal, destroying", vmm->domid);
                atomic_store(&vmm->destroy, 1);
            }
        }
    }
}

int main(int argc, char **argv)
{
    struct vmm vmm;
    struct opts o;
    uint32_t ports[2];
    char err[512] = "", ok[128];
    int rc;

    memset(&vmm, 0, sizeof(vmm));
    vmm.mem_fd = vmm.kvm_fd = vmm.vm_fd = vmm.epfd = vmm.ctl_fd = -1;
    vmm.pid_fd = pidfd_open(getpid(), 0); /* always close-on-exec */
    pthread_mutex_init(&vmm.lock, NULL);
    /* A save's reader may go away (a migration target failing): the write
     * fails with EPIPE and the guest is resumed, the VMM lives on. */
    signal(SIGPIPE, SIG_IGN);
    parse_args(argc, argv, &vmm, &o);
    open_log(&vmm, o.debug);
    vmm.start_time = time(NULL);
    vmm.max_online = o.vcpus;
    vmm.paused = o.paused;
    if (o.restore_fd >= 0) {
        rc = restore_load(&vmm, o.restore_fd, o.max_vcpus, ports, err,
                          sizeof(err));
        close(o.restore_fd);
        if (rc == 0)
            sched_time_init(&vmm); /* before the first KVM_RUN */
    } else
        rc = build(&vmm, &o, ports, err, sizeof(err));
    if (rc == 0)
        rc = setup_loop(&vmm, err, sizeof(err));
    if (rc == 0 && (rc = kvm_start_vcpus(&vmm)) < 0)
        snprintf(err, sizeof(err), "vcpu threads: %s", strerror(-rc));
    if (rc < 0) {
        if (!err[0])
            snprintf(err, sizeof(err), "%s", strerror(-rc));
        log_warnx("dom %u (%s): create failed: %s", vmm.domid, vmm.name, err);
        status(o.status_fd, -rc, err);
        if (vmm.sock_path[0])
            unlink(vmm.sock_path);
        return EXIT_FAILURE;
    }
    snprintf(ok, sizeof(ok), VMMEXEC_STATUS_OK, vmm.br.store_pfn,
             vmm.br.console_pfn, ports[0], ports[1]);
    log_info("dom %u (%s): %s, %" PRIu64 " MiB, %u vcpus%s", vmm.domid,
             vmm.name, o.restore_fd >= 0 ? "restored" : "started",
             vmm.ram_pages / 256, vmm.nr_vcpus, o.paused ? ", paused" : "");
    status(o.status_fd, 0, ok);
    if (o.status_fd >= 0)
        close(o.status_fd);
    serve(&vmm);
    unlink(vmm.sock_path);
    log_info("dom %u (%s): destroyed", vmm.domid, vmm.name);
    conlog_close(vmm.log);
    return EXIT_SUCCESS;
}
