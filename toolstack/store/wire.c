/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wire.c: the request table wire_funcs[] (type -> name, handler, flags) and
 * the node requests: READ, WRITE, MKDIR, RM, DIRECTORY(_PART), GET/SET_PERMS,
 * WATCH/UNWATCH, TRANSACTION_START/END. Privilege and transaction lookup are
 * checked once in wire_process(). Domain requests live in wire_domain.c.
 */
#include "store/internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"

/* Number of NUL-terminated strings in the payload (Xen xs_count_strings). */
unsigned int wire_nstrings(const struct xs_conn *c)
{
    unsigned int i, n = 0;

    for (i = 0; i < c->hdr.len; i++)
        n += c->pay[i] == '\0';
    return n;
}

const char *wire_onearg(const struct xs_conn *c)
{
    if (!c->hdr.len || strlen(c->pay) + 1 != c->hdr.len)
        return NULL;
    return c->pay;
}

bool wire_valid_path(const struct xsd *x, const char *path)
{
    size_t len = strlen(path), off = 0;
    const char *p;

    if (path[0] != '/' || (len > 1 && path[len - 1] == '/') ||
        strstr(path, "//"))
        return false;
    /* The length limit counts below a domain's home, as Xen's. */
    if (!strncmp(path, "/local/domain/", 14)) {
        size_t d = strspn(path + 14, "0123456789");

        if (d >= 1 && d <= 5 && path[14 + d] == '/')
            off = 14 + d + 1;
    }
    if (len > off + x->quota.lim.path_max || len >= XENSTORE_ABS_PATH_MAX)
        return false;
    for (p = path; *p; p++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                    "0123456789-/_@",
                    *p))
            return false;
    return true;
}

int wire_canon(const struct xs_conn *c, const char *in, char *buf)
{
    char home[64];

    if (!in || in[0] == '@') /* special nodes are for watches only */
        return -EINVAL;
    if (in[0] == '/') {
        if (strlen(in) >= XS_PATH_BUF)
            return -EINVAL;
        strcpy(buf, in);
    } else {
        conn_home(c, home, sizeof(home));
        if (strlen(home) + 1 + strlen(in) >= XS_PATH_BUF)
            return -EINVAL;
        sprintf(buf, "%s/%s", home, in);
    }
    return wire_valid_path(c->xsd, buf) ? 0 : -EINVAL;
}

struct xs_tree *wire_tree(struct xs_conn *c)
{
    return c->cur_tx ? &c->cur_tx->tree : &c->xsd->tree;
}

/*
 * Xen's get_node(): the node if conn has perm on it; else NULL and *err =
 * EACCES, or ENOENT only if the nearest existing parent would let conn know.
 */
static struct xs_node *get_node(struct xs_conn *c, const char *path,
                                unsigned int perm, int *err)
{
    struct xs_tree *t = wire_tree(c);
    struct xs_node *n = tree_lookup(t, path);

    if (c->cur_tx && tx_access(c->cur_tx, path, false)) {
        *err = -ENOMEM;
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

static int h_read(struct xs_conn *c)
{
    char path[XS_PATH_BUF];
    struct xs_node *n;
    int rc = wire_canon(c, wire_onearg(c), path);

    if (rc)
        return rc;
    n = get_node(c, path, XS_PERM_READ, &rc);
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
                        q->lim.entries)
        return -ENOSPC;
    if (c->cur_tx && c->cur_tx->nacc > q->lim.tx_nodes && !c->priv)
        return -ENOSPC;
    rc = tree_create(wire_tree(c), path, c->priv ? XS_OWNER_KEEP : c->domid,
                     out, &created);
    if (!rc && c->cur_tx && !c->priv)
        c->cur_tx->entry_delta += (int)created;
    return rc;
}

static int h_write(struct xs_conn *c)
{
    char path[XS_PATH_BUF];
    struct xs_node *n;
    size_t off;
    int rc;

    if (!wire_nstrings(c))
        return -EINVAL;
    off = strlen(c->pay) + 1;
    rc = wire_canon(c, c->pay, path);
    if (rc)
        return rc;
    if (!c->priv && c->hdr.len - off > c->xsd->quota.lim.entry_size)
        return -ENOSPC;
    n = get_node(c, path, XS_PERM_WRITE, &rc);
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

static int h_mkdir(struct xs_conn *c)
{
    char path[XS_PATH_BUF];
    struct xs_node *n;
    int rc = wire_canon(c, wire_onearg(c), path);

    if (rc)
        return rc;
    n = get_node(c, path, XS_PERM_WRITE, &rc);
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

static int h_rm(struct xs_conn *c)
{
    char path[XS_PATH_BUF], parent[XS_PATH_BUF], walk[XS_PATH_BUF];
    unsigned int owned = 0;
    struct xs_node *n;
    int rc = wire_canon(c, wire_onearg(c), path);

    if (rc)
        return rc;
    n = get_node(c, path, XS_PERM_WRITE, &rc);
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

static int h_directory(struct xs_conn *c)
{
    char path[XS_PATH_BUF];
    struct xs_node *n;
    unsigned int len;
    char *kids;
    int rc = wire_canon(c, wire_onearg(c), path);

    if (rc)
        return rc;
    n = get_node(c, path, XS_PERM_READ, &rc);
    if (!n)
        return rc;
    rc = tree_children(n, &kids, &len);
    if (rc)
        return rc;
    conn_reply(c, XS_DIRECTORY, kids, len);
    free(kids);
    return 0;
}

/* path\0offset\0 -> "gen\0" + children from byte offset, "" at the end. */
static int h_directory_part(struct xs_conn *c)
{
    char path[XS_PATH_BUF], out[XENSTORE_PAYLOAD_MAX];
    unsigned int len, off, genlen, take = 0;
    long long o;
    struct xs_node *n;
    char *kids;
    int rc;

    if (wire_nstrings(c) != 2)
        return -EINVAL;
    rc = wire_canon(c, c->pay, path);
    if (rc)
        return rc;
    n = get_node(c, path, XS_PERM_READ, &rc);
    if (!n)
        return rc;
    if (parse_ll(c->pay + strlen(c->pay) + 1, 10, 0, INT32_MAX, &o))
        return -EINVAL;
    off = (unsigned int)o;
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

static int h_get_perms(struct xs_conn *c)
{
    char path[XS_PATH_BUF], out[XENSTORE_PAYLOAD_MAX];
    struct xs_node *n;
    int rc = wire_canon(c, wire_onearg(c), path);

    if (rc)
        return rc;
    n = get_node(c, path, XS_PERM_READ, &rc);
    if (!n)
        return rc;
    rc = perms_format(n->perms, n->nperms, out, sizeof(out));
    if (rc < 0)
        return rc;
    conn_reply(c, XS_GET_PERMS, out, (size_t)rc);
    return 0;
}

static int h_set_perms(struct xs_conn *c)
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
    rc = wire_canon(c, c->pay, path);
    if (rc)
        return rc;
    n = get_node(c, path, XS_PERM_WRITE | XS_PERM_OWNER, &rc);
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

static int h_watch(struct xs_conn *c)
{
    char path[XS_PATH_BUF];
    const char *tok;
    int rc;

    if (wire_nstrings(c) != 2)
        return -EINVAL;
    tok = c->pay + strlen(c->pay) + 1;
    if (c->pay[0] == '@') {
        if (strlen(c->pay) > XENSTORE_REL_PATH_MAX)
            return -EINVAL;
        strcpy(path, c->pay);
    } else if ((rc = wire_canon(c, c->pay, path))) {
        return rc;
    }
    rc = watch_add(c, path, tok);
    if (rc)
        return rc;
    if (c->pay[0] != '/' && c->pay[0] != '@') {
        struct xs_watch *w;

        for (w = c->watches; w->next; w = w->next)
            ;
        w->relative = true;
    }
    conn_reply_ok(c);
    /* Xen fires once at registration: clients rely on it. */
    conn_event(c, c->pay, tok);
    return 0;
}

static int h_unwatch(struct xs_conn *c)
{
    char path[XS_PATH_BUF];
    const char *tok;
    int rc;

    if (wire_nstrings(c) != 2)
        return -EINVAL;
    tok = c->pay + strlen(c->pay) + 1;
    if (c->pay[0] == '@') {
        if (strlen(c->pay) >= sizeof(path))
            return -EINVAL;
        strcpy(path, c->pay);
    } else if (wire_canon(c, c->pay, path)) {
        return -ENOENT;
    }
    rc = watch_del(c, path, tok);
    if (!rc)
        conn_reply_ok(c);
    return rc;
}

static int h_tx_start(struct xs_conn *c)
{
    char buf[16];
    uint32_t id;
    int rc;

    if (c->cur_tx)
        return -EBUSY;
    rc = tx_start(c, &id);
    if (rc)
        return rc;
    snprintf(buf, sizeof(buf), "%u", id);
    conn_reply(c, XS_TRANSACTION_START, buf, strlen(buf) + 1);
    return 0;
}

static int h_tx_end(struct xs_conn *c)
{
    const char *a = wire_onearg(c);
    struct xs_tx *tx = c->cur_tx;
    int rc;

    if (!a || (strcmp(a, "T") && strcmp(a, "F")))
        return -EINVAL;
    if (!tx)
        return -ENOENT;
    c->cur_tx = NULL;
    rc = tx_end(c, tx, a[0] == 'T');
    if (!rc)
        conn_reply_ok(c);
    return rc;
}

#define F_PRIV 1u  /* dom0 only */
#define F_NOTID 2u /* ignores tx_id */
#define F_WRITE 4u /* refused on read-only connections */

static const struct {
    const char *name;
    int (*fn)(struct xs_conn *c);
    unsigned int flags;
} wire_funcs[XS_TYPE_COUNT] = {
    [XS_CONTROL] = {"CONTROL", wire_control, F_PRIV},
    [XS_DIRECTORY] = {"DIRECTORY", h_directory, 0},
    [XS_READ] = {"READ", h_read, 0},
    [XS_GET_PERMS] = {"GET_PERMS", h_get_perms, 0},
    [XS_WATCH] = {"WATCH", h_watch, F_NOTID},
    [XS_UNWATCH] = {"UNWATCH", h_unwatch, F_NOTID},
    [XS_TRANSACTION_START] = {"TRANSACTION_START", h_tx_start, 0},
    [XS_TRANSACTION_END] = {"TRANSACTION_END", h_tx_end, 0},
    [XS_INTRODUCE] = {"INTRODUCE", wire_introduce, F_PRIV},
    [XS_RELEASE] = {"RELEASE", wire_release, F_PRIV},
    [XS_GET_DOMAIN_PATH] = {"GET_DOMAIN_PATH", wire_get_domain_path, 0},
    [XS_WRITE] = {"WRITE", h_write, F_WRITE},
    [XS_MKDIR] = {"MKDIR", h_mkdir, F_WRITE},
    [XS_RM] = {"RM", h_rm, F_WRITE},
    [XS_SET_PERMS] = {"SET_PERMS", h_set_perms, F_WRITE},
    [XS_WATCH_EVENT] = {"WATCH_EVENT", NULL, 0},
    [XS_ERROR] = {"ERROR", NULL, 0},
    [XS_IS_DOMAIN_INTRODUCED] = {"IS_DOMAIN_INTRODUCED",
                                 wire_is_domain_introduced, F_PRIV},
    [XS_RESUME] = {"RESUME", wire_resume, F_PRIV},
    [XS_SET_TARGET] = {"SET_TARGET", wire_set_target, F_PRIV},
    [XS_RESET_WATCHES] = {"RESET_WATCHES", wire_reset_watches, 0},
    [XS_DIRECTORY_PART] = {"DIRECTORY_PART", h_directory_part, 0},
};

const char *wire_name(uint32_t type)
{
    if (type < XS_TYPE_COUNT && wire_funcs[type].name)
        return wire_funcs[type].name;
    return "UNKNOWN";
}

void wire_process(struct xs_conn *c)
{
    uint32_t type = c->hdr.type;
    unsigned int flags;
    int rc;

    if (type >= XS_TYPE_COUNT || !wire_funcs[type].fn) {
        conn_reply_err(c, ENOSYS);
        return;
    }
    flags = wire_funcs[type].flags;
    if ((flags & F_PRIV) && !c->priv) {
        conn_reply_err(c, EACCES);
        return;
    }
    if ((flags & F_WRITE) && c->readonly) {
        conn_reply_err(c, EROFS);
        return;
    }
    c->cur_tx = NULL;
    if (!(flags & F_NOTID) && c->hdr.tx_id) {
        c->cur_tx = tx_find(c, c->hdr.tx_id);
        if (!c->cur_tx) {
            conn_reply_err(c, ENOENT);
            return;
        }
    }
    rc = wire_funcs[type].fn(c);
    c->cur_tx = NULL;
    if (rc)
        conn_reply_err(c, -rc);
}
