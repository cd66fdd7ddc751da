/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dominfo.c: host facts (uname, /proc) and the domain list. Domain-0 is the
 * host itself; guests come from the engine and the store (dom_create.c:
 * dom_guests_append).
 */
#include "xm/xm.h"
#include "xm/dom.h"

#include "domain/domain.h"
#include "domain/hostmem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "domain/domain.h"
#include "hv/hv.h"
#include "lib/proc.h"

/* "Key:   value kB" from /proc/meminfo. Returns 0 or -errno. */
/* Busy CPU time of the host (user+nice+system+irq+softirq+steal), seconds. */
static double host_cpu_seconds(void)
{
    FILE *f = fopen("/proc/stat", "re");
    unsigned long long u = 0, n = 0, s = 0, idle = 0, io = 0, irq = 0, sirq = 0,
                       steal = 0;
    long hz = sysconf(_SC_CLK_TCK);
    int got;

    if (!f)
        return 0;
    got = fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &u, &n, &s,
                 &idle, &io, &irq, &sirq, &steal);
    fclose(f);
    if (got < 3 || hz <= 0)
        return 0;
    return (double)(u + n + s + irq + sirq + steal) / (double)hz;
}

static void cpuinfo(struct xm_hostinfo *hi)
{
    FILE *f = fopen("/proc/cpuinfo", "re");
    char line[512];
    unsigned siblings = 0, cores = 0;
    double mhz;

    if (!f)
        return;
    while (fgets(line, sizeof(line), f)) {
        if (!hi->cpu_khz && sscanf(line, "cpu MHz : %lf", &mhz) == 1)
            hi->cpu_khz = (unsigned)(mhz * 1000.0 + 0.5);
        else if (!cores && !strncmp(line, "cpu cores", 9))
            sscanf(strchr(line, ':') + 1, "%u", &cores);
        else if (!siblings && !strncmp(line, "siblings", 8))
            sscanf(strchr(line, ':') + 1, "%u", &siblings);
    }
    fclose(f);
    hi->cores_per_socket = cores ? cores : 1;
    hi->threads_per_core = cores && siblings >= cores ? siblings / cores : 1;
}

int xm_host_info(struct xm_hostinfo *hi)
{
    struct hv_hostinfo x;
    struct utsname u;
    long n;
    int rc;

    memset(hi, 0, sizeof(*hi));
    if (uname(&u) < 0)
        return -errno;
    snprintf(hi->host, sizeof(hi->host), "%s", u.nodename);
    snprintf(hi->release, sizeof(hi->release), "%s", u.release);
    snprintf(hi->version, sizeof(hi->version), "%s", u.version);
    snprintf(hi->machine, sizeof(hi->machine), "%s", u.machine);
    n = sysconf(_SC_NPROCESSORS_ONLN);
    hi->nr_cpus = n > 0 ? (unsigned)n : 1;
    rc = proc_field_kb("/proc/meminfo", "MemTotal", &hi->total_kb);
    if (!rc)
        rc = proc_field_kb("/proc/meminfo", "MemAvailable", &hi->free_kb);
    if (rc)
        return rc;
    cpuinfo(hi);
    if (domain_host_info(&x) == 0) {
        hi->from_hv = 1;
        hi->total_kb = x.total_kb;
        hi->free_kb = x.free_kb;
        hi->nr_cpus = x.nr_cpus ? x.nr_cpus : hi->nr_cpus;
        hi->cores_per_socket = x.cores_per_socket;
        hi->threads_per_core = x.threads_per_core;
        hi->cpu_khz = x.cpu_khz ? x.cpu_khz : hi->cpu_khz;
    }
    return 0;
}

static int dom0_info(struct xm_dominfo *d)
{
    struct domain_info x;
    struct xm_hostinfo hi;
    int rc = xm_host_info(&hi);

    if (rc)
        return rc;
    memset(d, 0, sizeof(*d));
    snprintf(d->name, sizeof(d->name), "Domain-0");
    d->domid = 0;
    /* dom0 is the host: it owns all memory the guests do not */
    d->mem_kb = hi.total_kb;
    d->max_mem_kb = hi.total_kb;
    d->vcpus = d->max_vcpus = hi.nr_cpus;
    d->running = 1;
    d->cpu_time = host_cpu_seconds();
    /* On Xen, dom0 is one domain among others: its figures are Xen's. */
    if (hi.from_hv && domain_info(NULL, 0, &x) == 0) {
        d->mem_kb = x.mem_kb;
        d->max_mem_kb = x.max_mem_kb;
        d->vcpus = x.vcpus_online ? x.vcpus_online : x.vcpus;
        d->max_vcpus = x.vcpus;
        d->cpu_time = (double)x.cpu_ns / 1e9;
    }
    return 0;
}

/*
 * Domain-0 holds its share of the host as Xen accounts it (hostmem.h), not
 * all of it: total = free + Domain-0 + guests + overhead, as Ganeti reads
 * `xl info` and `xl list`. Xen reports dom0 itself on the xen engine.
 */
static void dom0_share(struct xm *xm, struct xm_dominfo *d, size_t n)
{
    struct domain_hostmem m;
    uint64_t guests = 0;
    char engine[16];
    size_t i;

    domain_engine_name(engine, sizeof(engine));
    if (!strcmp(engine, "xen"))
        return;
    for (i = 1; i < n; i++)
        guests += d[i].mem_kb;
    if (domain_hostmem_with(xm->err, guests, &m) == 0)
        d[0].mem_kb = d[0].max_mem_kb = m.dom0_kb;
}

int xm_domains_list(struct xm *xm, struct xm_dominfo **out, size_t *n_out)
{
    struct xm_dominfo *d = calloc(1, sizeof(*d));
    int rc;

    if (!d)
        return -ENOMEM;
    rc = dom0_info(&d[0]);
    if (rc) {
        free(d);
        return rc;
    }
    *out = d;
    *n_out = 1;
    /* the guests: engine state, names from the store (dom_create.c) */
    rc = dom_guests_append(xm, out, n_out);
    if (rc == 0)
        dom0_share(xm, *out, *n_out);
    return rc;
}

int xm_domain_find(const struct xm_dominfo *doms, size_t n, const char *which)
{
    char *end;
    unsigned long id;
    size_t i;

    errno = 0;
    id = strtoul(which, &end, 10);
    if (*which >= '0' && *which <= '9' && !*end && !errno) {
        for (i = 0; i < n; i++)
            if (doms[i].domid == id)
                return (int)i;
        return -ENOENT;
    }
    for (i = 0; i < n; i++)
        if (!strcmp(doms[i].name, which))
            return (int)i;
    return -ENOENT;
}

int xm_domain_resolve(struct xm *xm, const char *which, struct xm_dominfo *out)
{
    struct xm_dominfo *doms = NULL;
    size_t n = 0;
    int rc = xm_domains_list(xm, &doms, &n), k;

    if (rc) {
        xm_err(xm, "cannot list domains: %s", strerror(-rc));
        return rc;
    }
    k = xm_domain_find(doms, n, which);
    if (k < 0) {
        fprintf(xm->err, "%s is an invalid domain identifier (rc=-6)\n", which);
        rc = k;
    } else {
        *out = doms[k];
    }
    free(doms);
    return rc;
}
