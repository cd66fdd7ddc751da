/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * list.c: the running guests as their types report them (state, memory,
 * vcpus, CPU time): the engine's domains and the HVM domains' QEMUs, with
 * their names from the store.
 */
#include "domain/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "dm/hvm.h"
#include "hv/hv.h"
#include "lib/xsutil.h"

/*
 * The names of all[0..cnt), asked of xenstored at once (one round trip per
 * XSUTIL_MANY_WINDOW domains, not one each). NULL, or an array of cnt
 * names (NULL where unread: fill() then reads that one itself).
 */
static char **names_read(const struct hv_dominfo *all, int cnt)
{
    char **paths = calloc((size_t)cnt + 1, sizeof(*paths));
    char **vals = calloc((size_t)cnt + 1, sizeof(*vals));
    int i, rc = paths && vals ? 0 : -ENOMEM;

    for (i = 0; rc == 0 && i < cnt; i++)
        if (asprintf(&paths[i], "/local/domain/%u/name", all[i].domid) < 0) {
            paths[i] = NULL;
            rc = -ENOMEM;
        }
    if (rc == 0)
        rc = xsutil_read_many((const char *const *)paths, (unsigned)cnt, vals);
    for (i = 0; paths && i < cnt; i++)
        free(paths[i]);
    free(paths);
    if (rc < 0) {
        free(vals);
        return NULL;
    }
    return vals;
}

void domain_info_fill(struct xs_handle *xs, const struct hv_dominfo *h,
                      const char *name, struct domain_info *d)
{
    memset(d, 0, sizeof(*d));
    if (name)
        snprintf(d->name, sizeof(d->name), "%s", name);
    else if (!xs || domain_name(xs, h->domid, d->name, sizeof(d->name)) < 0)
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

/*
 * The engine's domains into *all (malloc'd), HVM domains among them
 * dropped (their QEMU answers for them). Returns the count or -errno; no
 * engine: none.
 */
static int engine_list(struct hv_dominfo **all_out)
{
    struct hv_dominfo *all = NULL;
    struct hv *hv = NULL;
    int cap, cnt = 0, i, n = 0;

    *all_out = NULL;
    if (hv_open(&hv) < 0)
        return 0;
    /* One pass where the guess holds: asking every domain costs (a round
     * trip to each VMM on the kvm engine), so do not ask twice to count. */
    for (cap = 1024;; cap = cnt) {
        free(all);
        all = calloc((size_t)cap, sizeof(*all));
        if (!all) {
            hv_close(hv);
            return -ENOMEM;
        }
        cnt = hv_domain_list(hv, all, cap);
        if (cnt <= cap)
            break;
    }
    hv_close(hv);
    if (cnt < 0) {
        free(all);
        return cnt;
    }
    for (i = 0; i < cnt; i++)
        if (all[i].domid != 0 && !dm_hvm_exists(all[i].domid))
            all[n++] = all[i];
    *all_out = all;
    return n;
}

/* The HVM domains as their QEMUs report them, appended to *all[0..n). */
static int hvm_list(struct hv_dominfo **all, int n)
{
    uint32_t ids[256];
    struct hv_dominfo *g;
    int cnt = dm_hvm_list(ids, 256), i;

    if (cnt > 256)
        cnt = 256; /* more QEMUs than this host can run */
    if (cnt <= 0)
        return n;
    g = realloc(*all, ((size_t)n + (size_t)cnt) * sizeof(**all));
    if (!g)
        return -ENOMEM;
    *all = g;
    for (i = 0; i < cnt; i++)
        if (domain_hvm_ops.getinfo(NULL, ids[i], &g[n]) == 0)
            n++; /* else it went meanwhile */
    return n;
}

static int cmp_domid(const void *a, const void *b)
{
    const struct hv_dominfo *x = a, *y = b;

    return x->domid < y->domid ? -1 : x->domid > y->domid;
}

int domain_list(struct xs_handle *xs, struct domain_info **out)
{
    struct hv_dominfo *all = NULL;
    struct domain_info *d = NULL;
    char **names;
    int cnt, i;

    *out = NULL;
    cnt = engine_list(&all);
    if (cnt >= 0)
        cnt = hvm_list(&all, cnt);
    if (cnt < 0) {
        free(all);
        return cnt;
    }
    qsort(all, (size_t)cnt, sizeof(*all), cmp_domid);
    d = calloc((size_t)cnt + 1, sizeof(*d));
    if (!d) {
        free(all);
        return -ENOMEM;
    }
    names = xs && cnt ? names_read(all, cnt) : NULL;
    for (i = 0; i < cnt; i++)
        domain_info_fill(xs, &all[i], names ? names[i] : NULL, &d[i]);
    for (i = 0; names && i < cnt; i++)
        free(names[i]);
    free(names);
    free(all);
    *out = d;
    return cnt;
}

int domain_info(struct xs_handle *xs, uint32_t domid, struct domain_info *out)
{
    const struct domain_type_ops *ops = domain_ops_of(domid);
    struct hv_dominfo h;
    struct hv *hv = NULL;
    int rc = hv_open(&hv);

    if (rc == 0 || ops == &domain_hvm_ops)
        rc = ops->getinfo(hv, domid, &h);
    hv_close(hv);
    if (rc < 0)
        return rc == -ENOENT ? -ESRCH : rc;
    domain_info_fill(xs, &h, NULL, out);
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
