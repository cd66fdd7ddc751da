/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wire_node.c: the node requests: READ, WRITE, MKDIR, RM, DIRECTORY,
 * DIRECTORY_PART, GET_PERMS, SET_PERMS. Xen's get_node() rules decide
 * between EACCES and ENOENT; inside a transaction every node touched is
 * recorded and watch events wait for the commit.
 */
#include "store/internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"

/*
 * Xen's get_node(): canonicalise arg into path, then the node if conn has
 * perm on it; else NULL and *err = EINVAL for a bad path, EACCES, or ENOENT
 * only if the nearest existing parent would let conn know.
 */
static struct xs_node *get_node(struct xs_conn *c, const char *arg,
                                char path[XS_PATH_BUF], unsigned int perm,
                                int *err)
{
    struct xs_tree *t = wire_tree(c);
    struct xs_node *n;
    int rc = wire_canon(c, arg, path);

    if (rc) {
        *err = rc;
        return NULL;
    }
    n = tree_lookup(t, path);
    if (c->cur_tx && (rc = tx_access(c->cur_tx, path, false))) {
        *err = rc;
        return NULL;
    }
    if (n) {
        if ((perms_for(c, n->perms, n->nperms) & perm) == perm)
            return n;
        *err = -EACCES;
        return NULL;
    }
    n = tree_existing_parent(t, path);
    *err = (perms_for(c, n->perms, n->nperms) & perm) ? -ENOENT : -EACCES;
    return NULL;
}

/* A node changed: fire now, or at commit inside a transaction. */
static void changed(struct xs_conn *c, const char *path, bool exact,
                    const struct xs_permissions *old, unsigned int nold)
{
    if (c->cur_tx)
        tx_queue_event(c->cur_tx, path, exact);
    else
        watch_fire(c->xsd, path, exact, old, nold);
}

int wire_read(struct xs_conn *c)
{
    char path[XS_PATH_BUF];
    struct xs_node *n;
    int rc;

    n = get_node(c, wire_onearg(c), path, XS_PERM_READ, &rc);
    if (!n)
        return rc;
    conn_reply(c, XS_READ, n->val ? n->val : "", n->vlen);
    return 0;
}

/* Record, in a transaction, the nodes creating path will add or change. */
static int tx_note_create(struct xs_conn *c, const char *path,
                          unsigned int *missing_out)
{
    struct xs_node *p = tree_existing_parent(wire_tree(c), path);
    char buf[XS_PATH_BUF];
    size_t plen;
    unsigned int missing = 0;
    const char *q;
    char *s;
    int rc;

    tree_path(p, buf);
    plen = strcmp(buf, "/") ? strlen(buf) : 0;
    for (q = path + plen; *q; q++)
        missing += *q == '/';
    *missing_out = missing;
    if (!c->cur_tx)
        return 0;
    rc = tx_access(c->cur_tx, buf, true);
    strcpy(buf, path);
    for (s = buf + plen + 1; !rc; s++) {
        if (*s == '/' || *s == '\0') {
            char save = *s;

            *s = '\0';
            rc = tx_access(c->cur_tx, buf, true);
            *s = save;
            if (!save)
                break;
        }
    }
    return rc;
}

static int create(struct xs_conn *c, const char *path, struct xs_node **out)
{
    const struct xs_quota *q = &c->xsd->quota;
    unsigned int missing, created;
    int rc = tx_note_create(c, path, &missing);

    if (rc)
        return rc;
    if (!c->priv && quota_entries(q, c->domid) + missing +
                            (c->cur_tx ? c->cur_tx->entry_delta : 0) >
                        q->lim.entries) {
        conn_warn(c, "node quota (%u) reached", q->lim.entries);
        return -ENOSPC;
    }
    rc = tree_create(wire_tree(c), path, c->priv ? XS_OWNER_KEEP : c->domid,
                     out, &created);
    if (!rc && c->cur_tx && !c->priv)
        c->cur_tx->entry_delta += (int)created;
    return rc;
}

int wire_write(struct xs_conn *c)
{
    char path[XS_PATH_BUF];
    struct xs_node *n;
    size_t off;
    int rc = 0;

    if (!wire_nstrings(c))
        return -EINVAL;
    off = strlen(c->pay) + 1;
    if (!c->priv && c->hdr.len - off > c->xsd->quota.lim.entry_size)
        return -ENOSPC;
    n = get_node(c, c->pay, path, XS_PERM_WRITE, &rc);
    if (!n) {
        if (rc != -ENOENT)
            return rc;
        rc = create(c, path, &n);
    } else if (c->cur_tx) {
        rc = tx_access(c->cur_tx, path, true);
    }
    if (!rc)
        rc = tree_set_value(wire_tree(c), n, c->pay + off,
                            (unsigned int)(c->hdr.len - off));
    if (rc)
        return rc;
    changed(c, path, false, NULL, 0);
    conn_reply_ok(c);
    return 0;
}

int wire_mkdir(struct xs_conn *c)
{
    char path[XS_PATH_BUF];
    struct xs_node *n;
    int rc;

    n = get_node(c, wire_onearg(c), path, XS_PERM_WRITE, &rc);
    if (!n) {
        if (rc != -ENOENT)
            return rc;
        rc = create(c, path, &n);
        if (rc)
            return rc;
        changed(c, path, false, NULL, 0);
    }
    conn_reply_ok(c);
    return 0;
}

/*
 * Fire (or queue) removal events and note the subtree in the tx. path
 * holds n's path (len bytes) and is extended in place for the children:
 * one buffer for the whole walk, as paths may be 1500 levels deep.
 */
static int rm_note(struct xs_conn *c, struct xs_node *n, char *path, size_t len,
                   bool top, unsigned int *owned)
{
    unsigned int i;
    int rc = 0;

    if (n->stub)
        return 0; /* gone from the live tree since the tx began */
    if (c->cur_tx)
        rc = tx_access(c->cur_tx, path, true);
    if (!rc)
        rc = tree_kids_all(wire_tree(c), n);
    for (i = 0; !rc && i < n->nkids; i++) {
        /* a tx's view holds stubs; gone ones leave it */
        int m = tree_materialize(wire_tree(c), n->kids[i]);

        if (m == -ENOMEM)
            rc = m;
    }
    if (n->perms && n->perms[0].id == c->domid)
        (*owned)++;
    for (i = 0; !rc && i < n->nkids; i++) {
        size_t l = strlen(n->kids[i]->name);

        if (len + 1 + l >= XS_PATH_BUF)
            return -EINVAL; /* cannot happen: paths are length-checked */
        path[len] = '/';
        memcpy(path + len + 1, n->kids[i]->name, l + 1);
        rc = rm_note(c, n->kids[i], path, len + 1 + l, false, owned);
        path[len] = '\0';
    }
    changed(c, path, !top, n->perms, n->nperms);
    return rc;
}

int wire_rm(struct xs_conn *c)
{
    char path[XS_PATH_BUF], parent[XS_PATH_BUF], walk[XS_PATH_BUF];
    unsigned int owned = 0;
    struct xs_node *n;
    int rc;

    n = get_node(c, wire_onearg(c), path, XS_PERM_WRITE, &rc);
    if (!n) {
        /* Removing what is not there is fine if its parent exists. */
        if (rc == -ENOENT) {
            char *slash;

            strcpy(parent, path);
            slash = strrchr(parent, '/');
            if (slash == parent)
                slash[1] = '\0';
            else
                *slash = '\0';
            if (tree_lookup(wire_tree(c), parent)) {
                conn_reply_ok(c);
                return 0;
            }
        }
        return rc;
    }
    if (!n->parent)
        return -EINVAL;
    tree_path(n->parent, parent);
    if (c->cur_tx && (rc = tx_access(c->cur_tx, parent, true)))
        return rc;
    /* a kid unlinked from a partial list would come back from the live */
    rc = tree_kids_all(wire_tree(c), n->parent);
    if (rc)
        return rc;
    strcpy(walk, path);
    rc = rm_note(c, n, walk, strlen(walk), true, &owned);
    if (rc)
        return rc;
    if (c->cur_tx && !c->priv)
        c->cur_tx->entry_delta -= (int)owned;
    tree_remove(wire_tree(c), n);
    conn_reply_ok(c);
    return 0;
}

int wire_directory(struct xs_conn *c)
{
    char path[XS_PATH_BUF];
    struct xs_node *n;
    unsigned int len;
    char *kids;
    int rc;

    n = get_node(c, wire_onearg(c), path, XS_PERM_READ, &rc);
    if (!n)
        return rc;
    rc = tree_kids_all(wire_tree(c), n);
    if (!rc)
        rc = tree_children(n, &kids, &len);
    if (rc)
        return rc;
    conn_reply(c, XS_DIRECTORY, kids, len);
    free(kids);
    return 0;
}

/* path\0offset\0 -> "gen\0" + children from byte offset, "" at the end. */
int wire_directory_part(struct xs_conn *c)
{
    char path[XS_PATH_BUF], out[XENSTORE_PAYLOAD_MAX];
    unsigned int len, off, genlen, take = 0;
    long long o;
    struct xs_node *n;
    char *kids;
    int rc;

    if (wire_nstrings(c) != 2)
        return -EINVAL;
    n = get_node(c, c->pay, path, XS_PERM_READ, &rc);
    if (!n)
        return rc;
    if (parse_ll(c->pay + strlen(c->pay) + 1, 10, 0, INT32_MAX, &o))
        return -EINVAL;
    off = (unsigned int)o;
    rc = tree_kids_all(wire_tree(c), n);
    if (!rc)
        rc = tree_children(n, &kids, &len);
    if (rc)
        return rc;
    genlen = (unsigned int)snprintf(out, sizeof(out), "%" PRIu64, n->gen) + 1;
    if (off >= len) {
        out[genlen] = '\0';
        conn_reply(c, XS_DIRECTORY_PART, out, genlen + 1);
        free(kids);
        return 0;
    }
    /* Whole names only; the last chunk ends with an empty name. */
    while (off + take < len) {
        unsigned int l = (unsigned int)strlen(kids + off + take) + 1;

        if (genlen + take + l + 1 > XENSTORE_PAYLOAD_MAX)
            break;
        take += l;
    }
    memcpy(out + genlen, kids + off, take);
    if (off + take == len)
        out[genlen + take++] = '\0';
    free(kids);
    conn_reply(c, XS_DIRECTORY_PART, out, genlen + take);
    return 0;
}

int wire_get_perms(struct xs_conn *c)
{
    char path[XS_PATH_BUF], out[XENSTORE_PAYLOAD_MAX];
    struct xs_node *n;
    int rc;

    n = get_node(c, wire_onearg(c), path, XS_PERM_READ, &rc);
    if (!n)
        return rc;
    rc = perms_format(n->perms, n->nperms, out, sizeof(out));
    if (rc < 0)
        return rc;
    conn_reply(c, XS_GET_PERMS, out, (size_t)rc);
    return 0;
}

int wire_set_perms(struct xs_conn *c)
{
    struct xs_permissions p[XENSTORE_PAYLOAD_MAX / 3], *old = NULL;
    char path[XS_PATH_BUF];
    unsigned int np = wire_nstrings(c), nold;
    size_t off;
    struct xs_node *n;
    int rc;

    if (np < 2)
        return -EINVAL;
    np--;
    if (!c->priv && np > c->xsd->quota.lim.perms)
        return -ENOSPC;
    off = strlen(c->pay) + 1;
    if (perms_parse(c->pay + off, c->hdr.len - off, np, p))
        return -EINVAL;
    if (c->pay[0] == '@')
        return wire_set_perms_special(c, c->pay, p, np);
    n = get_node(c, c->pay, path, XS_PERM_WRITE | XS_PERM_OWNER, &rc);
    if (!n)
        return rc;
    if (!c->priv && p[0].id != n->perms[0].id)
        return -EPERM;
    if (c->cur_tx && (rc = tx_access(c->cur_tx, path, true)))
        return rc;
    nold = n->nperms;
    old = malloc(nold * sizeof(*old));
    if (!old)
        return -ENOMEM;
    memcpy(old, n->perms, nold * sizeof(*old));
    rc = tree_set_perms(wire_tree(c), n, p, np);
    if (!rc) {
        changed(c, path, false, old, nold);
        conn_reply_ok(c);
    }
    free(old);
    return rc;
}
