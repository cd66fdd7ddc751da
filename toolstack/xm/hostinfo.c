/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hostinfo.c: the engine's side of `xl info`: what Xen reports through
 * physinfo and xen_version, told truthfully for the kvm engine (the Xen
 * PV ABI release its VMM implements, the capabilities this host really
 * has, memory as Xen accounts it: domain/hostmem.h).
 */
#include "xm/xm.h"

#include <cpuid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dm/dm.h"
#include "domain/domain.h"
#include "domain/hostmem.h"
#include "domain/sched.h"
#include "hv/hv.h"
#include "proto/pvabi.h"

#define PVSTACK_VERSION "0.1"

/* NUMA nodes the kernel knows (1 on a host without NUMA). */
static unsigned nr_nodes(void)
{
    DIR *d = opendir("/sys/devices/system/node");
    struct dirent *de;
    unsigned n = 0, id;

    while (d && (de = readdir(d)))
        if (sscanf(de->d_name, "node%u", &id) == 1)
            n++;
    if (d)
        closedir(d);
    return n ? n : 1;
}

/* Xen's hw_cap words: cpuid 1 edx/ecx, e1 edx/ecx, 0xd.1 eax, 7.0 ebx/ecx,
 * e7 edx (its featureset order). */
static void hw_caps(uint32_t w[8])
{
    unsigned a, b, c, d, max = __get_cpuid_max(0, NULL),
                         emax = __get_cpuid_max(0x80000000, NULL);

    if (__get_cpuid(1, &a, &b, &c, &d))
        w[0] = d, w[1] = c;
    if (emax >= 0x80000001 && __get_cpuid(0x80000001, &a, &b, &c, &d))
        w[2] = d, w[3] = c;
    if (max >= 0xd) {
        __cpuid_count(0xd, 1, a, b, c, d);
        w[4] = a;
    }
    if (max >= 7) {
        __cpuid_count(7, 0, a, b, c, d);
        w[5] = b, w[6] = c;
    }
    if (emax >= 0x80000007 && __get_cpuid(0x80000007, &a, &b, &c, &d))
        w[7] = d;
}

/* QEMU runs: HVM domains can be made. */
static int have_qemu(void)
{
    const char *q = dm_qemu_path(), *path = getenv("PATH");
    char buf[4096];

    if (strchr(q, '/'))
        return access(q, X_OK) == 0;
    while (path && *path) {
        size_t n = strcspn(path, ":");

        snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, path, q);
        if (access(buf, X_OK) == 0)
            return 1;
        path += n + (path[n] == ':');
    }
    return 0;
}

/* PV domains on the kvm engine need /dev/kvm for their VMM. */
static int have_kvm(void)
{
    int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);

    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

/*
 * The kvm engine's facts in Xen's fields: the Xen PV ABI release its VMM
 * implements, the guests this host can run, and our build as the
 * hypervisor's.
 */
static void own_facts(struct hv_hostinfo *x)
{
    int pv = have_kvm(), hvm = have_qemu();

    hw_caps(x->hw_cap);
    snprintf(x->virt_caps, sizeof(x->virt_caps), "%s%s", pv ? " pv" : "",
             hvm ? " hvm" : "");
    x->xen_major = PVABI_XEN_MAJOR;
    x->xen_minor = PVABI_XEN_MINOR;
    snprintf(x->xen_extra, sizeof(x->xen_extra), "-pvabi%d", PVABI_VERSION);
    /* xen_caps lists the guest ABIs one can build here */
    snprintf(x->xen_caps, sizeof(x->xen_caps), "%s%s%s",
             pv ? "xen-3.0-x86_64" : "", pv && hvm ? " " : "",
             hvm ? "hvm-3.0-x86_32 hvm-3.0-x86_32p hvm-3.0-x86_64" : "");
    snprintf(x->cc_compiler, sizeof(x->cc_compiler), "%s",
#ifdef __clang__
             "clang " __clang_version__
#else
             "gcc " __VERSION__
#endif
    );
    snprintf(x->changeset, sizeof(x->changeset), "pvstack %s", PVSTACK_VERSION);
    snprintf(x->cc_compile_by, sizeof(x->cc_compile_by), "pvstack");
    snprintf(x->cc_compile_date, sizeof(x->cc_compile_date), "%s", __DATE__);
}

int xm_engine_info(struct xm *xm, struct xm_enginfo *e)
{
    struct domain_hostmem m;
    const char *sched;
    int rc;

    memset(e, 0, sizeof(*e));
    e->nr_nodes = nr_nodes();
    /* weight and cap per domain (cgroup cpu.weight/cpu.max): credit's */
    snprintf(e->scheduler, sizeof(e->scheduler), "credit");
    if (domain_host_info(&e->hv) == 0) {
        /* Xen's own word, its build facts included */
        sched = domain_sched_which();
        if (sched)
            snprintf(e->scheduler, sizeof(e->scheduler), "%s", sched);
    } else {
        own_facts(&e->hv);
    }
    rc = domain_hostmem(xm->err, &m);
    if (rc)
        return rc;
    e->hv.total_kb = m.total_kb;
    e->hv.free_kb = m.free_kb;
    /* every CPU is in Pool-0, as on Xen without cpupools */
    e->free_cpus = 0;
    return 0;
}
