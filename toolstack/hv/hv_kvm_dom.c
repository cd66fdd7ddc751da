/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_kvm_dom.c: kvm engine domain creation and listing. A domain is a
 * pvstack-vmm process (it builds the memory image itself and reports
 * "OK ..." or "ERR errno reason" on a status pipe before it detaches); the
 * list is the set of live VMM control sockets plus dom0 (the host).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hv/hv.h"
#include "hv/kvm.h"
#include "lib/paths.h"
#include "lib/spawn.h"
#include "proto/vmmexec.h"

#define KVM_CREATE_TIMEOUT_MS 30000
#define KVM_RESTORE_TIMEOUT_MS 600000 /* the stream may come over ssh */

/* $PVSTACK_VMM, else pvstack-vmm next to our own binary. */
static int kvm_vmm_path(char *buf, size_t len)
{
    const char *e = getenv("PVSTACK_VMM");
    int rc;

    if (e && *e) {
        if ((size_t)snprintf(buf, len, "%s", e) >= len)
            return -ENAMETOOLONG;
        return 0;
    }
    rc = spawn_self_path(buf, len, VMMEXEC_PROG);
    /* Missing: exec reports it on the status pipe, with the path. */
    return rc == -ENOENT ? 0 : rc;
}

/* In the grandchild: exec the VMM with status on fd 3 (and a restore
 * stream on fd 4 when rfd >= 0). Never returns. */
static void kvm_exec_vmm(const char *vmm, const struct hv_build *b, int wfd,
                         int rfd)
{
    char domid[16], mem[32], maxmem[32], vcpus[16], maxv[16];
    char *argv[32];
    int i = 0, nul;

    snprintf(domid, sizeof(domid), "%" PRIu32, b->domid);
    snprintf(mem, sizeof(mem), "%" PRIu64, b->mem_kb);
    snprintf(maxmem, sizeof(maxmem), "%" PRIu64, b->max_mem_kb);
    snprintf(vcpus, sizeof(vcpus), "%u", b->vcpus);
    snprintf(maxv, sizeof(maxv), "%u", b->max_vcpus);
    argv[i++] = (char *)(uintptr_t)vmm;
    argv[i++] = (char *)(uintptr_t) "--" VMMEXEC_OPT_DOMID, argv[i++] = domid;
    argv[i++] = (char *)(uintptr_t) "--" VMMEXEC_OPT_NAME,
    argv[i++] = (char *)(uintptr_t)b->name;
    if (rfd >= 0) {
        /* Out of the way of fds 3 and 4 first, then onto 4. */
        rfd = fcntl(rfd, F_DUPFD_CLOEXEC, 10);
        if (rfd < 0)
            _exit(127);
        argv[i++] = (char *)(uintptr_t) "--" VMMEXEC_OPT_RESTORE_FD,
        argv[i++] = (char *)(uintptr_t) "4";
    }
    if (b->kernel)
        argv[i++] = (char *)(uintptr_t) "--" VMMEXEC_OPT_KERNEL,
        argv[i++] = (char *)(uintptr_t)b->kernel;
    if (b->ramdisk)
        argv[i++] = (char *)(uintptr_t) "--" VMMEXEC_OPT_RAMDISK,
        argv[i++] = (char *)(uintptr_t)b->ramdisk;
    if (b->cmdline)
        argv[i++] = (char *)(uintptr_t) "--" VMMEXEC_OPT_CMDLINE,
        argv[i++] = (char *)(uintptr_t)b->cmdline;
    argv[i++] = (char *)(uintptr_t) "--" VMMEXEC_OPT_MEMORY_KB, argv[i++] = mem;
    argv[i++] = (char *)(uintptr_t) "--" VMMEXEC_OPT_MAXMEM_KB,
    argv[i++] = maxmem;
    argv[i++] = (char *)(uintptr_t) "--" VMMEXEC_OPT_VCPUS, argv[i++] = vcpus;
    argv[i++] = (char *)(uintptr_t) "--" VMMEXEC_OPT_MAX_VCPUS,
    argv[i++] = maxv;
    if (b->paused)
        argv[i++] = (char *)(uintptr_t) "--" VMMEXEC_OPT_PAUSED;
    argv[i++] = (char *)(uintptr_t) "--" VMMEXEC_OPT_STATUS_FD,
    argv[i++] = (char *)(uintptr_t) "3";
    argv[i] = NULL;
    /* dup2 onto itself would keep O_CLOEXEC: clear it explicitly. */
    if (wfd == 3 ? fcntl(3, F_SETFD, 0) < 0 : dup2(wfd, 3) < 0)
        _exit(127);
    if (rfd >= 0 && dup2(rfd, 4) < 0)
        _exit(127);
    nul = open("/dev/null", O_RDWR);
    if (nul >= 0) {
        dup2(nul, 0);
        dup2(nul, 1);
    }
    execv(vmm, argv);
    dprintf(3, "ERR %d cannot run %s: %s\n", errno, vmm, strerror(errno));
    _exit(127);
}

/* Read the VMM's one status line. */
static int kvm_read_status(int rfd, char *line, size_t len, int timeout_ms)
{
    struct pollfd pfd = {.fd = rfd, .events = POLLIN};
    size_t got = 0;
    ssize_t n;

    while (got + 1 < len) {
        int r = poll(&pfd, 1, timeout_ms);
        if (r == 0)
            return -ETIMEDOUT;
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        n = read(rfd, line + got, len - 1 - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        got += (size_t)n;
        if (memchr(line, '\n', got))
            break;
    }
    line[got] = '\0';
    line[strcspn(line, "\n")] = '\0';
    return got ? 0 : -EPIPE;
}

static int kvm_parse_status(const char *line, struct hv_built *out, char *err,
                            size_t errlen)
{
    int e = 0, off = 0;

    if (sscanf(line, VMMEXEC_STATUS_OK_SCAN, &out->store_pfn, &out->console_pfn,
               &out->store_port, &out->console_port) == 4)
        return 0;
    if (sscanf(line, "ERR %d %n", &e, &off) >= 1 && off > 0) {
        if (err && errlen)
            snprintf(err, errlen, "%s", line + off);
        return e > 0 ? -e : -EINVAL;
    }
    if (err && errlen)
        snprintf(err, errlen, "VMM failed to start (%s)",
                 *line ? line : "no status");
    return -EIO;
}

/* A VMM for b->domid: built from b->kernel, or loaded from the stream on
 * restore_fd (>= 0). */
static int kvm_dom_spawn(struct hv *hv, const struct hv_build *b,
                         int restore_fd, struct hv_built *out, char *err,
                         size_t errlen)
{
    char vmm[PATH_MAX], line[512];
    int p[2], rc, st;
    pid_t pid;

    rc = kvm_vmm_path(vmm, sizeof(vmm));
    if (rc < 0)
        return rc;
    if (pipe2(p, O_CLOEXEC) < 0)
        return -errno;
    /* Double fork, so the VMM is reparented to init and never our zombie;
     * both with vfork: each child only execs or exits, and a fork would
     * copy our page tables for nothing (costly under nested paging). */
    pid = vfork();
    if (pid < 0) {
        rc = -errno;
        close(p[0]);
        close(p[1]);
        return rc;
    }
    if (pid == 0) {
        setsid();
        if (vfork() == 0)
            kvm_exec_vmm(vmm, b, p[1], restore_fd);
        _exit(0);
    }
    close(p[1]);
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    rc = kvm_read_status(p[0], line, sizeof(line),
                         restore_fd >= 0 ? KVM_RESTORE_TIMEOUT_MS
                                         : KVM_CREATE_TIMEOUT_MS);
    close(p[0]);
    if (rc < 0) {
        if (err && errlen)
            snprintf(err, errlen, "VMM for domain %" PRIu32 " gave no status",
                     b->domid);
        /* It may still be coming up: make sure it does not linger. */
        hv_domain_destroy(hv, b->domid);
        return rc;
    }
    return kvm_parse_status(line, out, err, errlen);
}

int kvm_dom_create(struct hv *hv, const struct hv_build *b,
                   struct hv_built *out, char *err, size_t errlen)
{
    return kvm_dom_spawn(hv, b, -1, out, err, errlen);
}

/* Memory, vcpus and their state come from the stream; left paused. */
int kvm_dom_restore(struct hv *hv, const struct hv_build *b, int fd,
                    struct hv_built *out, char *err, size_t errlen)
{
    struct hv_build rb = *b;

    rb.kernel = NULL;
    rb.ramdisk = NULL;
    rb.cmdline = NULL;
    rb.paused = 1;
    return kvm_dom_spawn(hv, &rb, fd, out, err, errlen);
}

/* Dom0 on kvm is the host itself. */
static void kvm_dom0_info(struct hv_dominfo *d)
{
    struct sysinfo si;
    unsigned long long u = 0, n = 0, s = 0;
    FILE *f;

    memset(d, 0, sizeof(*d));
    d->flags = HV_DOMF_RUNNING;
    if (sysinfo(&si) == 0) {
        d->mem_kb = (uint64_t)si.totalram * si.mem_unit / 1024;
        d->start_time = (uint64_t)time(NULL) - (uint64_t)si.uptime;
    }
    d->max_mem_kb = d->mem_kb;
    d->vcpus = d->vcpus_online = (unsigned)sysconf(_SC_NPROCESSORS_ONLN);
    f = fopen("/proc/stat", "re");
    if (f) {
        if (fscanf(f, "cpu %llu %llu %llu", &u, &n, &s) == 3)
            d->cpu_ns =
                (u + n + s) *
                (1000000000ull / (unsigned long long)sysconf(_SC_CLK_TCK));
        fclose(f);
    }
}

static int kvm_cmp_domid(const void *a, const void *b)
{
    const struct hv_dominfo *x = a, *y = b;

    return x->domid < y->domid ? -1 : x->domid > y->domid;
}

/* The domains' control sockets in the run directory, by domid. */
static int kvm_dom_ids(uint32_t **ids_out)
{
    uint32_t *ids = NULL, *g;
    size_t n = 0, cap = 0;
    struct dirent *de;
    char dir[PATH_MAX], tail[8];
    unsigned id;
    DIR *d;
    int rc = paths_get(dir, sizeof(dir), "/run/pvstack");

    *ids_out = NULL;
    if (rc < 0)
        return rc;
    d = opendir(dir);
    while (d && (de = readdir(d))) {
        if (sscanf(de->d_name, "dom%u.so%2s", &id, tail) != 2 ||
            strcmp(tail, "ck") != 0 || id == 0)
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            g = realloc(ids, cap * sizeof(*ids));
            if (!g) {
                free(ids);
                closedir(d);
                return -ENOMEM;
            }
            ids = g;
        }
        ids[n++] = id;
    }
    if (d)
        closedir(d);
    *ids_out = ids;
    return (int)n;
}

/* Sockets open at once while asking: below the usual 1024-fd limit. */
#define KVM_LIST_BATCH 256

int kvm_dom_list(struct hv *hv, struct hv_dominfo *out, int max)
{
    struct vmmctl_info info[KVM_LIST_BATCH];
    int ok[KVM_LIST_BATCH];
    struct hv_dominfo *all;
    uint32_t *ids;
    size_t n = 1;
    int nids = kvm_dom_ids(&ids), i, j, b;

    (void)hv;
    if (nids < 0)
        return nids;
    all = calloc((size_t)nids + 1, sizeof(*all));
    if (!all) {
        free(ids);
        return -ENOMEM;
    }
    kvm_dom0_info(&all[0]);
    for (i = 0; i < nids; i += KVM_LIST_BATCH) {
        b = nids - i < KVM_LIST_BATCH ? nids - i : KVM_LIST_BATCH;
        kvmctl_info_many(ids + i, (unsigned)b, info, ok, 2000);
        for (j = 0; j < b; j++)
            if (ok[j]) /* else a stale socket or a VMM going away */
                kvm_info_to_dominfo(&info[j], &all[n++]);
    }
    free(ids);
    qsort(all + 1, n - 1, sizeof(*all), kvm_cmp_domid);
    if (out && max > 0)
        memcpy(out, all, (n < (size_t)max ? n : (size_t)max) * sizeof(*all));
    free(all);
    return (int)n;
}
