/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * list.c: the running guests as the engine reports them (state, memory,
 * vcpus, CPU time) with their names from the store.
 */
#include "domain/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "hv/hv.h"

static void fill(struct xs_handle *xs, const struct hv_dominfo *h,
                 struct domain_info *d)
{
    memset(d, 0, sizeof(*d));
    if (!xs || domain_name(xs, h->domid, d->name, sizeof(d->name)) < 0)
        snprintf(d->name, sizeof(d->name), "(null)");
    d->domid = h->domid;
    d->mem_kb = h->mem_kb;
    d->max_mem_kb = h->max_mem_kb;
    d->vcpus_online = h->vcpus_online;
    d->vcpus = h->vcpus;
    d->running = !!(h->flags & HV_DOMF_RUNNING);
    d->blocked = !!(h->flags & HV_DOMF_BLOCKED);
    d->paused = !!(h->flags & HV_DOMF_PAUSED);
    d->shutdown = !!(h->flags & HV_DOMF_SHUTDOWN);
    d->dying = !!(h->flags & HV_DOMF_DYING);
    d->shutdown_reason = h->shutdown_reason;
    d->cpu_ns = h->cpu_ns;
    d->start_time = h->start_time;
}

int domain_list(struct xs_handle *xs, struct domain_info **out)
{
    struct hv_dominfo *all = NULL;
    struct domain_info *d = NULL;
    struct hv *hv = NULL;
    int cnt, i, n = 0;

    *out = NULL;
    if (hv_open(&hv) < 0)
        return 0; /* no engine: no guests */
    cnt = hv_domain_list(hv, NULL, 0);
    all = cnt > 0 ? calloc((size_t)cnt, sizeof(*all)) : NULL;
    if (all)
        cnt = hv_domain_list(hv, all, cnt);
    hv_close(hv);
    if (cnt > 0 && !all)
        return -ENOMEM;
    if (cnt < 0) {
        free(all);
        return cnt;
    }
    d = calloc((size_t)cnt + 1, sizeof(*d));
    if (!d) {
        free(all);
        return -ENOMEM;
    }
    for (i = 0; i < cnt; i++)
        if (all[i].domid != 0)
            fill(xs, &all[i], &d[n++]);
    free(all);
    *out = d;
    return n;
}

int domain_info(struct xs_handle *xs, uint32_t domid, struct domain_info *out)
{
    struct hv_dominfo h;
    struct hv *hv = NULL;
    int rc = hv_open(&hv);

    if (rc == 0)
        rc = hv_domain_getinfo(hv, domid, &h);
    hv_close(hv);
    if (rc < 0)
        return rc == -ENOENT ? -ESRCH : rc;
    fill(xs, &h, out);
    return 0;
}

int domain_host_info(struct hv_hostinfo *out)
{
    struct hv *hv = NULL;
    int rc = hv_open(&hv);

    if (rc == 0)
        rc = hv_host_info(hv, out);
    hv_close(hv);
    return rc < 0 ? rc : 0;
}

void domain_engine_name(char *buf, size_t len)
{
    struct hv *hv = NULL;

    snprintf(buf, len, "%s", hv_open(&hv) ? "none" : hv_engine_name(hv));
    hv_close(hv);
}
