/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * quota.c: Xen's per-domain limits, their defaults and "-Q what=nb"
 * parsing, and the count of nodes each domain owns.
 */
#include "store/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"

void xsd_limits_default(struct xsd_limits *l)
{
    l->entries = 1000;
    l->entry_size = 2048;
    l->watches = 128;
    l->transactions = 10;
    l->perms = 5;
    l->path_max = XENSTORE_REL_PATH_MAX;
    l->tx_nodes = 1024;
    l->outstanding = 20;
    l->memory = 2 * 1024 * 1024 + 512 * 1024;
}

/* Names as Xen's "xenstore-control quota" and -Q use them. */
static const struct {
    const char *name;
    size_t off;
    const char *descr;
} names[] = {
    {"nodes", offsetof(struct xsd_limits, entries), "Nodes per domain"},
    {"watches", offsetof(struct xsd_limits, watches), "Watches per domain"},
    {"transactions", offsetof(struct xsd_limits, transactions),
     "Transactions per domain"},
    {"outstanding", offsetof(struct xsd_limits, outstanding),
     "Outstanding requests per domain"},
    {"transaction-nodes", offsetof(struct xsd_limits, tx_nodes),
     "Max. number of accessed nodes per transaction"},
    {"memory", offsetof(struct xsd_limits, memory),
     "Total Xenstore memory per domain (error level)"},
    {"node-size", offsetof(struct xsd_limits, entry_size),
     "Max. size of a node"},
    {"path-max", offsetof(struct xsd_limits, path_max),
     "Max. length of a node path"},
    {"permissions", offsetof(struct xsd_limits, perms),
     "Max. number of permissions per node"},
};

unsigned int *quota_find(struct xsd_limits *l, const char *name, size_t len)
{
    size_t i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (strlen(names[i].name) == len && !strncmp(name, names[i].name, len))
            return (unsigned int *)((char *)l + names[i].off);
    return NULL;
}

int quota_show(const struct xsd_limits *l, char *buf, size_t size)
{
    size_t i, off;
    int w;

    w = snprintf(buf, size, "Quota settings:\n");
    off = (size_t)w;
    for (i = 0; i < sizeof(names) / sizeof(names[0]) && off < size; i++) {
        w = snprintf(buf + off, size - off, "%-17s: %8u %s\n", names[i].name,
                     *(const unsigned int *)((const char *)l + names[i].off),
                     names[i].descr);
        if (w < 0)
            return -EINVAL;
        off += (size_t)w;
    }
    return off < size ? (int)off : -E2BIG;
}

int xsd_limits_set_quota(struct xsd_limits *l, const char *arg)
{
    const char *eq = strchr(arg, '=');
    unsigned int *q;
    long long v;

    if (!eq || parse_ll(eq + 1, 10, 0, INT32_MAX, &v))
        return -EINVAL;
    q = quota_find(l, arg, (size_t)(eq - arg));
    if (!q)
        return -EINVAL;
    *q = (unsigned int)v;
    return 0;
}

void quota_entry_add(struct xs_quota *q, uint32_t domid, int delta)
{
    if (domid >= q->nentries) {
        unsigned int n = domid + 64;
        unsigned int *e;

        if (delta < 0)
            return;
        e = realloc(q->entries, n * sizeof(*e));
        if (!e)
            return; /* accounting only; the node itself exists */
        memset(e + q->nentries, 0, (n - q->nentries) * sizeof(*e));
        q->entries = e;
        q->nentries = n;
    }
    if (delta < 0 && q->entries[domid] < (unsigned int)-delta)
        q->entries[domid] = 0;
    else
        q->entries[domid] += delta;
}

unsigned int quota_entries(const struct xs_quota *q, uint32_t domid)
{
    return domid < q->nentries ? q->entries[domid] : 0;
}

void quota_fini(struct xs_quota *q)
{
    free(q->entries);
    q->entries = NULL;
    q->nentries = 0;
}
