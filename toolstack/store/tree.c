/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tree.c: the node tree: lookup, implicit creation with inherited
 * permissions, subtree removal, generation counters (for transactions) and
 * per-owner entry accounting, and on the live tree a journal record per
 * change (persist.c). Knows no connections or wire formats.
 * A transaction's tree is copy-on-access: it starts as the root alone and
 * copies a node from the live tree when a walk first reaches it, so
 * starting a transaction, or walking through a big directory in one,
 * costs nothing in the store's size.
 */
#include "store/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"

static void bump(struct xs_tree *t, struct xs_node *n)
{
    n->gen = ++*t->gen;
}

static void account(struct xs_tree *t, const struct xs_node *n, int delta)
{
    if (t->acct && n->nperms)
        quota_entry_add(t->acct, n->perms[0].id, delta);
}

static struct xs_node *node_new(const char *name, size_t len)
{
    struct xs_node *n = calloc(1, sizeof(*n));

    if (!n)
        return NULL;
    n->name = strndup(name, len);
    if (!n->name) {
        free(n);
        return NULL;
    }
    return n;
}

static void node_free(struct xs_node *n)
{
    unsigned int i;

    if (!n)
        return;
    for (i = 0; i < n->nkids; i++)
        node_free(n->kids[i]);
    free(n->kids);
    free(n->kidx);
    free(n->name);
    free(n->val);
    free(n->perms);
    free(n);
}

/*
 * Big directories (/local/domain with a thousand guests) are looked up by
 * a hash of the name instead of a scan: one walk step stays O(1) however
 * large the store grows. Open addressing over node pointers; a removed kid
 * leaves a tombstone (the parent itself, never its own kid) until the next
 * rebuild.
 */
#define KIDX_MIN 8 /* below this a scan is as fast */

static uint32_t name_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;

    while (len--)
        h = (h ^ (unsigned char)*s++) * 16777619u;
    return h;
}

static void kidx_put(struct xs_node *p, struct xs_node *k)
{
    unsigned int mask = p->kidx_size - 1;
    unsigned int i = name_hash(k->name, strlen(k->name)) & mask;

    while (p->kidx[i] && p->kidx[i] != p)
        i = (i + 1) & mask;
    if (!p->kidx[i])
        p->kidx_used++;
    p->kidx[i] = k;
}

/* (Re)build the index for the kids there are now; none on ENOMEM. */
static void kidx_build(struct xs_node *p)
{
    unsigned int size = 16, i;

    free(p->kidx);
    p->kidx = NULL;
    p->kidx_size = p->kidx_used = 0;
    if (p->nkids < KIDX_MIN)
        return;
    while (size < 4 * p->nkids)
        size *= 2;
    p->kidx = calloc(size, sizeof(*p->kidx));
    if (!p->kidx)
        return; /* scans still find everything */
    p->kidx_size = size;
    for (i = 0; i < p->nkids; i++)
        kidx_put(p, p->kids[i]);
}

static void kidx_del(struct xs_node *p, const struct xs_node *k)
{
    unsigned int mask = p->kidx_size - 1, i;

    if (!p->kidx)
        return;
    i = name_hash(k->name, strlen(k->name)) & mask;
    while (p->kidx[i] && p->kidx[i] != k)
        i = (i + 1) & mask;
    if (p->kidx[i])
        p->kidx[i] = p;
}

/* Unlink k from p's kids (creation order kept). */
static void kid_unlink(struct xs_node *p, struct xs_node *k)
{
    unsigned int i;

    kidx_del(p, k);
    for (i = 0; i < p->nkids; i++) {
        if (p->kids[i] == k) {
            memmove(&p->kids[i], &p->kids[i + 1],
                    (p->nkids - i - 1) * sizeof(*p->kids));
            p->nkids--;
            break;
        }
    }
}

static int kid_add(struct xs_node *p, struct xs_node *k)
{
    if (array_reserve(&p->kids, &p->capkids, p->nkids + 1, sizeof(*p->kids), 4))
        return -ENOMEM;
    p->kids[p->nkids++] = k;
    k->parent = p;
    if (p->kidx && 2 * (p->kidx_used + 1) <= p->kidx_size)
        kidx_put(p, k);
    else if (p->nkids >= KIDX_MIN)
        kidx_build(p);
    return 0;
}

/*
 * Set t up with only its root "" (no perms yet, nothing counted): the live
 * tree (backing NULL) or a transaction's view of backing.
 */
static int tree_start(struct xs_tree *t, uint64_t *gen, struct xs_quota *acct,
                      struct xs_tree *backing)
{
    t->gen = gen;
    t->acct = acct;
    t->log = NULL;
    t->backing = backing;
    t->root = node_new("", 0);
    return t->root ? 0 : -ENOMEM;
}

int tree_init(struct xs_tree *t, uint64_t *gen, struct xs_quota *acct)
{
    static const struct xs_permissions root_perm = {0, XS_PERM_NONE};
    int rc = tree_start(t, gen, acct, NULL);

    if (rc)
        return rc;
    bump(t, t->root);
    return tree_set_perms(t, t->root, &root_perm, 1);
}

void tree_fini(struct xs_tree *t)
{
    node_free(t->root);
    t->root = NULL;
}

/*
 * Copy a live node's value, perms and generation into the tx node n. Its
 * kids are not listed: n is "partial" and a walk fetches the kid it needs
 * by name (kid_fetch), so passing through /local/domain with a thousand
 * guests costs one kid, not a thousand. Whatever needs them all (a
 * directory listing, a removal) calls tree_kids_all() first.
 */
static int fill(struct xs_node *n, const struct xs_node *live)
{
    if (tree_set_perms(NULL, n, live->perms, live->nperms))
        return -ENOMEM;
    if (live->val) {
        n->val = malloc(live->vlen ? live->vlen : 1);
        if (!n->val)
            return -ENOMEM;
        memcpy(n->val, live->val, live->vlen);
        n->vlen = live->vlen;
    }
    n->gen = live->gen;
    n->stub = false;
    n->partial = true;
    return 0;
}

int tree_materialize(struct xs_tree *t, struct xs_node *n)
{
    char path[XS_PATH_BUF];
    struct xs_node *live;

    if (!n->stub)
        return 0;
    tree_path(n, path);
    live = tree_lookup(t->backing, path);
    if (!live)
        return -ENOENT;
    return fill(n, live);
}

int tree_clone(struct xs_tree *dst, struct xs_tree *src)
{
    int rc = tree_start(dst, src->gen, NULL, src);

    if (rc)
        return rc;
    dst->root->stub = true;
    rc = tree_materialize(dst, dst->root);
    if (rc)
        tree_fini(dst);
    return rc;
}

/* A stub whose live node has gone since: drop it from the tx's view. */
static void kid_drop(struct xs_node *p, struct xs_node *k)
{
    kid_unlink(p, k);
    node_free(k);
}

static struct xs_node *kid_find(const struct xs_node *n, const char *name,
                                size_t len)
{
    unsigned int i;

    if (n->kidx) {
        unsigned int mask = n->kidx_size - 1;
        struct xs_node *k;

        for (i = name_hash(name, len) & mask; (k = n->kidx[i]);
             i = (i + 1) & mask)
            if (k != n && !strncmp(k->name, name, len) && k->name[len] == '\0')
                return k;
        return NULL;
    }
    for (i = 0; i < n->nkids; i++)
        if (!strncmp(n->kids[i]->name, name, len) &&
            n->kids[i]->name[len] == '\0')
            return n->kids[i];
    return NULL;
}

/* The live node behind the tx node n, or NULL if it is gone. */
static struct xs_node *backing_of(struct xs_tree *t, const struct xs_node *n)
{
    char path[XS_PATH_BUF];

    tree_path(n, path);
    return tree_lookup(t->backing, path);
}

/* A kid of the partial tx node n not listed yet: copied from the live one. */
static struct xs_node *kid_fetch(struct xs_tree *t, struct xs_node *n,
                                 const char *name, size_t len)
{
    struct xs_node *live = backing_of(t, n), *k;

    if (live)
        live = kid_find(live, name, len);
    if (!live)
        return NULL;
    k = node_new(name, len);
    if (!k || fill(k, live) || kid_add(n, k)) {
        node_free(k); /* ENOMEM: looks absent, as a failed materialize */
        return NULL;
    }
    return k;
}

int tree_kids_all(struct xs_tree *t, struct xs_node *n)
{
    struct xs_node *live, **kids;
    unsigned int i, nk = 0, cap;

    if (!n->partial)
        return 0;
    live = backing_of(t, n);
    if (!live) {
        n->partial = false; /* gone from the live tree: it has what it has */
        return 0;
    }
    cap = live->nkids + n->nkids;
    kids = malloc((cap ? cap : 1) * sizeof(*kids));
    if (!kids)
        return -ENOMEM;
    /* the live order first (Xen lists creation order), new stubs unowned */
    for (i = 0; i < live->nkids; i++) {
        const char *name = live->kids[i]->name;
        struct xs_node *k = kid_find(n, name, strlen(name));

        if (!k) {
            k = node_new(name, strlen(name));
            if (!k)
                goto oom;
            k->stub = true;
        }
        kids[nk++] = k;
    }
    /* then what only the tx has: its own creations, kids gone since */
    for (i = 0; i < n->nkids; i++) {
        const char *name = n->kids[i]->name;

        if (!kid_find(live, name, strlen(name)))
            kids[nk++] = n->kids[i];
    }
    for (i = 0; i < nk; i++)
        kids[i]->parent = n;
    free(n->kids);
    n->kids = kids;
    n->capkids = cap ? cap : 1;
    n->nkids = nk;
    n->partial = false;
    kidx_build(n);
    return 0;
oom:
    while (nk--)
        if (!kids[nk]->parent)
            node_free(kids[nk]);
    free(kids);
    return -ENOMEM;
}

/*
 * Walk as far as path exists. *rest_out points at the first missing
 * component ("" when the whole path exists).
 */
static struct xs_node *walk(struct xs_tree *t, const char *path,
                            const char **rest_out)
{
    struct xs_node *n = t->root;
    const char *p = path;

    while (*p == '/')
        p++;
    while (*p) {
        size_t len = strcspn(p, "/");
        struct xs_node *k = kid_find(n, p, len);

        if (!k && n->partial)
            k = kid_fetch(t, n, p, len);
        if (k && k->stub && tree_materialize(t, k)) {
            kid_drop(n, k);
            k = NULL;
        }
        if (!k)
            break;
        n = k;
        p += len;
        while (*p == '/')
            p++;
    }
    *rest_out = p;
    return n;
}

struct xs_node *tree_lookup(struct xs_tree *t, const char *path)
{
    const char *rest;
    struct xs_node *n = walk(t, path, &rest);

    return *rest ? NULL : n;
}

struct xs_node *tree_existing_parent(struct xs_tree *t, const char *path)
{
    const char *rest;
    struct xs_node *n = walk(t, path, &rest);

    if (!*rest && n->parent)
        return n->parent;
    return n;
}

int tree_create(struct xs_tree *t, const char *path, uint32_t owner,
                struct xs_node **node_out, unsigned int *created_out)
{
    const char *p;
    struct xs_node *n = walk(t, path, &p);
    unsigned int created = 0;
    int rc;

    while (*p) {
        size_t len = strcspn(p, "/");
        struct xs_node *k = node_new(p, len);

        if (!k)
            return -ENOMEM;
        /* Inherit the parent's perms; unprivileged creators own theirs. */
        rc = tree_set_perms(NULL, k, n->perms, n->nperms);
        if (rc || kid_add(n, k)) {
            node_free(k);
            return -ENOMEM;
        }
        if (owner != XS_OWNER_KEEP)
            k->perms[0].id = owner;
        account(t, k, 1);
        if (t->log)
            rec_node(t->log, k);
        bump(t, n);
        bump(t, k);
        created++;
        n = k;
        p += len;
        while (*p == '/')
            p++;
    }
    *node_out = n;
    if (created_out)
        *created_out = created;
    return 0;
}

int tree_set_value(struct xs_tree *t, struct xs_node *n, const void *val,
                   unsigned int len)
{
    char *v = malloc(len ? len : 1);

    if (!v)
        return -ENOMEM;
    memcpy(v, val, len);
    free(n->val);
    n->val = v;
    n->vlen = len;
    bump(t, n);
    if (t->log)
        rec_node(t->log, n);
    return 0;
}

int tree_set_perms(struct xs_tree *t, struct xs_node *n,
                   const struct xs_permissions *perms, unsigned int nperms)
{
    struct xs_permissions *p = malloc(nperms * sizeof(*p));

    if (!p)
        return -ENOMEM;
    memcpy(p, perms, nperms * sizeof(*p));
    if (t)
        account(t, n, -1);
    free(n->perms);
    n->perms = p;
    n->nperms = nperms;
    if (t) {
        account(t, n, 1);
        bump(t, n);
        if (t->log)
            rec_node(t->log, n);
    }
    return 0;
}

static void unaccount_subtree(struct xs_tree *t, const struct xs_node *n)
{
    unsigned int i;

    account(t, n, -1);
    for (i = 0; i < n->nkids; i++)
        unaccount_subtree(t, n->kids[i]);
}

void tree_remove(struct xs_tree *t, struct xs_node *n)
{
    struct xs_node *p = n->parent;

    if (!p)
        return;
    if (t->log)
        rec_rm(t->log, n);
    kid_unlink(p, n);
    bump(t, p);
    unaccount_subtree(t, n);
    node_free(n);
}

static size_t path_rec(const struct xs_node *n, char *buf)
{
    size_t off, len;

    if (!n->parent)
        return 0;
    off = path_rec(n->parent, buf);
    len = strlen(n->name);
    if (off + 1 + len >= XS_PATH_BUF)
        return off; /* cannot happen: paths are length-checked */
    buf[off] = '/';
    memcpy(buf + off + 1, n->name, len);
    return off + 1 + len;
}

void tree_path(const struct xs_node *n, char *buf)
{
    size_t len = path_rec(n, buf);

    if (len == 0)
        buf[len++] = '/';
    buf[len] = '\0';
}

int tree_children(const struct xs_node *n, char **out, unsigned int *len_out)
{
    size_t len = 0, off = 0;
    unsigned int i;
    char *b;

    for (i = 0; i < n->nkids; i++)
        len += strlen(n->kids[i]->name) + 1;
    b = malloc(len ? len : 1);
    if (!b)
        return -ENOMEM;
    for (i = 0; i < n->nkids; i++) {
        size_t l = strlen(n->kids[i]->name) + 1;

        memcpy(b + off, n->kids[i]->name, l);
        off += l;
    }
    *out = b;
    *len_out = (unsigned int)len;
    return 0;
}
