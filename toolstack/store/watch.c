/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * watch.c: XS_WATCH registrations and firing. A watch on P fires for
 * changes to P and anything below it; removals fire watches set on removed
 * descendants too. Events go only to connections allowed to read the node
 * (or its parent, or the node before the change), as Xen's watch_permitted().
 */
#include "store/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int watch_add(struct xs_conn *c, const char *path, const char *token,
              bool relative)
{
    struct xs_watch *w, **pp;

    for (w = c->watches; w; w = w->next)
        if (!strcmp(w->path, path) && !strcmp(w->token, token))
            return -EEXIST;
    if (conn_limited(c) && c->nwatches >= c->xsd->quota.lim.watches) {
        conn_warn(c, "watch quota (%u) reached", c->xsd->quota.lim.watches);
        return -E2BIG;
    }
    w = calloc(1, sizeof(*w));
    if (!w)
        return -ENOMEM;
    w->path = strdup(path);
    w->token = strdup(token);
    if (!w->path || !w->token) {
        free(w->path);
        free(w->token);
        free(w);
        return -ENOMEM;
    }
    w->relative = relative;
    /* Append: events of one connection keep registration order. */
    for (pp = &c->watches; *pp; pp = &(*pp)->next)
        ;
    *pp = w;
    c->nwatches++;
    return 0;
}

static void watch_free(struct xs_watch *w)
{
    free(w->path);
    free(w->token);
    free(w);
}

int watch_del(struct xs_conn *c, const char *path, const char *token)
{
    struct xs_watch **pp;

    for (pp = &c->watches; *pp; pp = &(*pp)->next) {
        struct xs_watch *w = *pp;

        if (!strcmp(w->path, path) && !strcmp(w->token, token)) {
            *pp = w->next;
            watch_free(w);
            c->nwatches--;
            return 0;
        }
    }
    return -ENOENT;
}

void watch_free_all(struct xs_conn *c)
{
    while (c->watches) {
        struct xs_watch *w = c->watches;

        c->watches = w->next;
        watch_free(w);
    }
    c->nwatches = 0;
}

/* Is path at or below dir? */
static bool is_child(const char *path, const char *dir)
{
    size_t len = strlen(dir);

    if (!strcmp(dir, "/"))
        return path[0] == '/';
    return !strncmp(path, dir, len) && (path[len] == '/' || !path[len]);
}

static bool permitted(struct xs_conn *c, const char *path,
                      const struct xs_permissions *old, unsigned int nold)
{
    struct xsd *x = c->xsd;
    struct xs_node *n;

    if (c->priv)
        return true;
    if (path[0] == '@') {
        if (!strcmp(path, "@introduceDomain"))
            return perms_for(c, x->intro_perms, x->n_intro_perms) &
                   XS_PERM_READ;
        return perms_for(c, x->release_perms, x->n_release_perms) &
               XS_PERM_READ;
    }
    if (old && (perms_for(c, old, nold) & XS_PERM_READ))
        return true;
    n = tree_lookup(&x->tree, path);
    if (!n)
        n = tree_existing_parent(&x->tree, path);
    else if (perms_for(c, n->perms, n->nperms) & XS_PERM_READ)
        return true;
    else if (n->parent)
        n = n->parent;
    return perms_for(c, n->perms, n->nperms) & XS_PERM_READ;
}

/* The path as the watcher named it: relative watches get relative paths. */
static const char *event_path(const struct xs_conn *c, const struct xs_watch *w,
                              const char *path)
{
    char home[64];
    size_t len;

    if (!w->relative)
        return path;
    conn_home(c, home, sizeof(home));
    len = strlen(home);
    if (strncmp(path, home, len))
        return path;
    path += len;
    return *path == '/' ? path + 1 : path;
}

void watch_fire(struct xsd *x, const char *path, bool exact,
                const struct xs_permissions *old, unsigned int nold)
{
    struct xs_conn *c;

    size_t least = sizeof(struct xsd_sockmsg) + strlen(path) + 2;

    for (c = x->conns; c; c = c->next) {
        struct xs_watch *w;
        bool checked = false, ok = false;
        /* a client that stopped reading: count its losses, build nothing */
        bool full = c->out_bytes + least > x->quota.lim.memory;
        unsigned long lost = 0;

        for (w = c->watches; w; w = w->next) {
            if (exact ? strcmp(path, w->path) : !is_child(path, w->path))
                continue;
            if (full) {
                lost++;
                continue;
            }
            if (!checked) {
                ok = permitted(c, path, old, nold);
                checked = true;
            }
            if (ok)
                conn_event(c, event_path(c, w, path), w->token);
        }
        if (lost)
            conn_events_lost(c, lost);
    }
}
