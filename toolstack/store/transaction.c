/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * transaction.c: optimistic transactions. A transaction works on a snapshot
 * of the tree and records every path it read or changed with the
 * generation it saw. Commit fails with EAGAIN if any of those nodes changed
 * meanwhile; otherwise the changed nodes are copied into the live tree
 * (shallow first) and the queued watch events fire.
 */
#include "store/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"

int tx_access(struct xs_tx *tx, const char *path, bool modified)
{
    struct xs_node *n;
    unsigned int i;

    for (i = 0; i < tx->nacc; i++) {
        if (!strcmp(tx->acc[i].path, path)) {
            tx->acc[i].modified |= modified;
            return 0;
        }
    }
    /* Xen's transaction-nodes quota: a domU cannot grow this forever. */
    if (tx->max_nodes && tx->nacc >= tx->max_nodes)
        return -ENOSPC;
    if (array_reserve(&tx->acc, &tx->capacc, tx->nacc + 1, sizeof(*tx->acc), 8))
        return -ENOMEM;
    /*
     * Callers record a path before changing it, so the generation found in
     * the snapshot now is the one the live tree had when the tx started.
     */
    n = tree_lookup(&tx->tree, path);
    tx->acc[tx->nacc].path = strdup(path);
    if (!tx->acc[tx->nacc].path)
        return -ENOMEM;
    tx->acc[tx->nacc].gen = n ? n->gen : 0;
    tx->acc[tx->nacc].modified = modified;
    tx->nacc++;
    return 0;
}

int tx_queue_event(struct xs_tx *tx, const char *path, bool exact)
{
    if (array_reserve(&tx->ev, &tx->capev, tx->nev + 1, sizeof(*tx->ev), 8))
        return -ENOMEM;
    tx->ev[tx->nev].path = strdup(path);
    if (!tx->ev[tx->nev].path)
        return -ENOMEM;
    tx->ev[tx->nev].exact = exact;
    tx->nev++;
    return 0;
}

int tx_start(struct xs_conn *c, uint32_t *id_out)
{
    struct xs_tx *tx;
    int rc;

    if (conn_limited(c) && c->ntx >= c->xsd->quota.lim.transactions) {
        conn_warn(c, "transaction quota (%u) reached",
                  c->xsd->quota.lim.transactions);
        return -ENOSPC;
    }
    tx = calloc(1, sizeof(*tx));
    if (!tx)
        return -ENOMEM;
    rc = tree_clone(&tx->tree, &c->xsd->tree);
    if (rc) {
        free(tx);
        return rc;
    }
    tx->max_nodes = conn_limited(c) ? c->xsd->quota.lim.tx_nodes : 0;
    if (c->next_txid == 0)
        c->next_txid = 1;
    tx->id = c->next_txid++;
    tx->next = c->txs;
    c->txs = tx;
    c->ntx++;
    *id_out = tx->id;
    return 0;
}

struct xs_tx *tx_find(struct xs_conn *c, uint32_t id)
{
    struct xs_tx *tx;

    for (tx = c->txs; tx; tx = tx->next)
        if (tx->id == id)
            return tx;
    return NULL;
}

static void tx_free(struct xs_tx *tx)
{
    unsigned int i;

    for (i = 0; i < tx->nacc; i++)
        free(tx->acc[i].path);
    for (i = 0; i < tx->nev; i++)
        free(tx->ev[i].path);
    free(tx->acc);
    free(tx->ev);
    tree_fini(&tx->tree);
    free(tx);
}

static void tx_unlink(struct xs_conn *c, struct xs_tx *tx)
{
    struct xs_tx **pp;

    for (pp = &c->txs; *pp; pp = &(*pp)->next) {
        if (*pp == tx) {
            *pp = tx->next;
            c->ntx--;
            return;
        }
    }
}

void tx_free_all(struct xs_conn *c)
{
    while (c->txs) {
        struct xs_tx *tx = c->txs;

        c->txs = tx->next;
        tx_free(tx);
    }
    c->ntx = 0;
}

static unsigned int depth(const char *path)
{
    unsigned int d = 0;

    for (; *path; path++)
        d += *path == '/';
    return d;
}

static int by_depth(const void *a, const void *b)
{
    const struct xs_access *x = a, *y = b;
    unsigned int dx = depth(x->path), dy = depth(y->path);

    return dx < dy ? -1 : dx > dy;
}

/* Copy one changed node from the snapshot into the live tree. */
static int apply_one(struct xs_tree *live, struct xs_tree *snap,
                     const char *path)
{
    struct xs_node *s = tree_lookup(snap, path);
    struct xs_node *m = tree_lookup(live, path);
    int rc;

    if (!s) {
        if (m && m->parent)
            tree_remove(live, m);
        return 0;
    }
    if (!m) {
        rc = tree_create(live, path, XS_OWNER_KEEP, &m, NULL);
        if (rc)
            return rc;
    }
    rc = tree_set_perms(live, m, s->perms, s->nperms);
    if (!rc &&
        (s->vlen != m->vlen || (s->vlen && memcmp(s->val, m->val, s->vlen))))
        rc = tree_set_value(live, m, s->val ? s->val : "", s->vlen);
    return rc;
}

int tx_end(struct xs_conn *c, struct xs_tx *tx, int commit)
{
    struct xsd *x = c->xsd;
    unsigned int i;
    int rc = 0;

    tx_unlink(c, tx);
    if (!commit)
        goto out;
    for (i = 0; i < tx->nacc; i++) {
        struct xs_node *n = tree_lookup(&x->tree, tx->acc[i].path);

        if ((n ? n->gen : 0) != tx->acc[i].gen) {
            rc = -EAGAIN;
            goto out;
        }
    }
    /*
     * The node quota was checked against the live count when the tx began
     * writing; other transactions of the same domain may have committed
     * since. Ten concurrent transactions must not hold ten quotas.
     */
    if (!c->priv && tx->entry_delta > 0 &&
        quota_entries(&x->quota, c->domid) + (unsigned int)tx->entry_delta >
            x->quota.lim.entries) {
        conn_warn(c, "transaction would own %u nodes, quota %u",
                  quota_entries(&x->quota, c->domid) +
                      (unsigned int)tx->entry_delta,
                  x->quota.lim.entries);
        rc = -ENOSPC;
        goto out;
    }
    qsort(tx->acc, tx->nacc, sizeof(*tx->acc), by_depth);
    for (i = 0; i < tx->nacc; i++) {
        if (!tx->acc[i].modified)
            continue;
        rc = apply_one(&x->tree, &tx->tree, tx->acc[i].path);
        if (rc)
            goto out; /* only -ENOMEM; the client sees it */
    }
    for (i = 0; i < tx->nev; i++)
        watch_fire(x, tx->ev[i].path, tx->ev[i].exact, NULL, 0);
out:
    tx_free(tx);
    return rc;
}
