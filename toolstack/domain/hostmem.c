/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hostmem.c: Xen's memory accounting on any engine (see hostmem.h).
 */
#include "domain/hostmem.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cfg/cfg.h"
#include "cfg/xlconf.h"
#include "domain/domain.h"
#include "domain/internal.h"
#include "hv/hv.h"
#include "lib/proc.h"

void domain_hostmem_compute(const struct xl_conf *xc, uint64_t total_kb,
                            uint64_t guests_kb, struct domain_hostmem *out)
{
    uint64_t left, dom0, floor;

    memset(out, 0, sizeof(*out));
    out->total_kb = total_kb;
    out->autoballoon = xc->autoballoon;
    /* Xen's frame table: a 32-byte struct page_info per 4 KiB page */
    out->overhead_kb = total_kb / 128;
    out->guests_kb = guests_kb;
    left = total_kb - out->overhead_kb;
    left = guests_kb < left ? left - guests_kb : 0;
    /* dom0_mem, else (Xen without dom0_mem) all there is */
    dom0 = xl_conf_dom0_kb(xc, total_kb);
    if (!dom0)
        dom0 = total_kb - out->overhead_kb;
    floor = HOSTMEM_DOM0_MIN_KB < dom0 ? HOSTMEM_DOM0_MIN_KB : dom0;
    /* ballooning dom0 gave the guests what they took beyond the free */
    if (xc->autoballoon && dom0 > left)
        dom0 = left > floor ? left : floor;
    out->dom0_kb = dom0;
    out->free_kb = left > dom0 ? left - dom0 : 0;
    out->avail_kb = out->free_kb;
    if (xc->autoballoon && dom0 > floor)
        out->avail_kb += dom0 - floor;
}

int domain_hostmem_with(FILE *err, uint64_t guests_kb,
                        struct domain_hostmem *out)
{
    struct xl_conf xc;
    uint64_t total = 0;
    int rc = proc_field_kb("/proc/meminfo", "MemTotal", &total);

    if (rc)
        return rc;
    rc = xl_conf_read(&xc, err);
    if (rc)
        return rc;
    domain_hostmem_compute(&xc, total, guests_kb, out);
    xl_conf_fini(&xc);
    return 0;
}

/*
 * On Xen the hypervisor keeps the books: total and free come from
 * physinfo, dom0 is a domain like the others, and what a new guest may
 * get is Xen's free memory (pvstack does not balloon dom0 there).
 */
static int hostmem_from_hv(const struct domain_info *d, int n,
                           struct domain_hostmem *out)
{
    struct hv_hostinfo x;
    uint64_t held = 0;
    int i;

    if (domain_host_info(&x) != 0)
        return -ENOSYS;
    memset(out, 0, sizeof(*out));
    out->total_kb = x.total_kb;
    out->free_kb = out->avail_kb = x.free_kb;
    for (i = 0; i < n; i++) {
        if (d[i].domid == 0)
            out->dom0_kb = d[i].mem_kb;
        else
            out->guests_kb += d[i].mem_kb;
        held += d[i].mem_kb;
    }
    if (x.total_kb > x.free_kb + held)
        out->overhead_kb = x.total_kb - x.free_kb - held;
    return 0;
}

int domain_hostmem(FILE *err, struct domain_hostmem *out)
{
    struct domain_info *d = NULL;
    uint64_t sum = 0;
    int n, i, rc;

    n = domain_list(NULL, &d);
    if (n < 0)
        return n;
    rc = hostmem_from_hv(d, n, out);
    for (i = 0; i < n; i++)
        sum += d[i].mem_kb;
    free(d);
    if (rc == 0)
        return 0;
    return domain_hostmem_with(err, sum, out);
}

int domain_hostmem_check(const struct domain_ctx *c,
                         const struct domain_config *cfg)
{
    struct domain_hostmem m;
    uint64_t need = cfg->memory_mb * 1024;
    int rc = domain_hostmem(c ? c->err : NULL, &m);

    if (rc == -EINVAL)
        return rc; /* xl.conf is wrong: reported */
    if (rc)
        return 0; /* cannot tell: let the engine decide */
    if (need <= m.avail_kb)
        return 0;
    if (c && c->err)
        fprintf(c->err,
                "failed to free memory for the domain\n"
                "%s: %s needs %" PRIu64 " MiB, the host has %" PRIu64
                " MiB free%s\n",
                c->prog, cfg->name, need / 1024, m.avail_kb / 1024,
                m.autoballoon ? " (Domain-0 ballooned to its minimum)"
                              : " (autoballoon is off)");
    return -ENOMEM;
}
