/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * domain.c: introduced domains. Each owns a connection (acting as that
 * domid) fed from its xenstore ring page; the page and event channel come
 * from the xsd_ring_ops the daemon installed (domain_hv.c, or tests).
 * A guest that breaks the ring protocol loses its connection, not the
 * daemon; the domain stays introduced until XS_RELEASE.
 */
#include "store/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store/ring.h"

struct xs_domain {
    struct xs_domain *next;
    struct xsd *xsd;
    uint32_t domid;
    struct xenstore_domain_interface *intf; /* NULL: restored, not mapped */
    void *h;
    uint64_t mfn; /* as XS_INTRODUCE named them: a restart maps them again */
    uint32_t port;
    struct xs_conn *conn; /* NULL once the guest broke the protocol */
    unsigned int broken;  /* XENSTORE_ERROR_* seen, conn not yet freed */
    bool shutdown;        /* @releaseDomain fired for its shutdown */
};

struct xs_domain *domain_find(const struct xsd *x, uint32_t domid)
{
    struct xs_domain *d;

    for (d = x->domains; d; d = d->next)
        if (d->domid == domid)
            return d;
    return NULL;
}

static void domain_break(struct xs_domain *d, unsigned int err)
{
    conn_warn(d->conn, "%s: its xenstore connection is dropped",
              err == XENSTORE_ERROR_RINGIDX ? "bad ring indices"
              : err == XENSTORE_ERROR_PROTO ? "bad message header"
                                            : "ring error");
    ring_set_error(d->intf, err);
    xsd_conn_destroy(d->conn);
    d->conn = NULL;
}

/*
 * Replies and events onto the ring; true if anything moved. Runs from
 * inside request processing and watch firing (wake), so a broken ring is
 * only noted here; xsd_domain_pump() frees the connection.
 */
static bool flush(struct xs_domain *d)
{
    bool moved = false;
    const void *p;
    size_t len;

    while (d->intf && d->conn && !d->broken &&
           (p = xsd_conn_output(d->conn, &len))) {
        int w = ring_rsp_write(d->intf, p, len);

        if (w < 0) {
            d->broken = XENSTORE_ERROR_RINGIDX;
            return false;
        }
        if (w == 0)
            break;
        xsd_conn_consume(d->conn, (size_t)w);
        moved = true;
    }
    return moved;
}

static void wake(void *arg, struct xs_conn *c)
{
    struct xs_domain *d = arg;

    (void)c;
    if (flush(d) && d->intf)
        d->xsd->ring_ops->notify(d->xsd->ring_arg, d->h);
}

int xsd_domain_pump(struct xs_domain *d)
{
    char buf[XENSTORE_RING_SIZE];
    bool moved = false;

    if (!d->intf)
        return -EIO;
    while (d->conn && !d->broken) {
        int n = ring_req_peek(d->intf, buf, sizeof(buf));
        long used;

        if (n < 0) {
            domain_break(d, XENSTORE_ERROR_RINGIDX);
            moved = true;
            break;
        }
        if (n == 0)
            break;
        used = xsd_conn_input(d->conn, buf, (size_t)n);
        if (used < 0) {
            domain_break(d, XENSTORE_ERROR_PROTO);
            moved = true;
            break;
        }
        if (used == 0)
            break; /* back-pressure: too many unread replies */
        ring_req_consume(d->intf, (size_t)used);
        moved = true;
        moved |= flush(d);
    }
    moved |= flush(d);
    if (d->conn && d->broken) {
        domain_break(d, d->broken);
        moved = true;
    }
    if (moved)
        d->xsd->ring_ops->notify(d->xsd->ring_arg, d->h);
    return d->conn ? 0 : -EIO;
}

/*
 * XS_INTRODUCE of a known domain, as Xen's domain_conn_reset(): a fresh
 * connection on an emptied ring (a guest that broke it, or rebooted its
 * kernel in place, starts over); SET_TARGET survives.
 */
static int domain_reset(struct xs_domain *d)
{
    uint32_t target = d->conn ? d->conn->target : XS_NO_TARGET;
    struct xs_conn *c;
    int rc = xsd_conn_create(d->xsd, d->domid, 0, wake, d, &c);

    if (rc)
        return rc;
    xsd_conn_destroy(d->conn);
    c->target = target;
    c->ring = true;
    d->conn = c;
    d->broken = 0;
    if (d->xsd->tree.log)
        rec_reset_watches(d->xsd->tree.log, d->domid);
    __atomic_store_n(&d->intf->req_cons, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&d->intf->req_prod, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&d->intf->rsp_cons, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&d->intf->rsp_prod, 0, __ATOMIC_RELEASE);
    ring_init(d->intf);
    d->xsd->ring_ops->notify(d->xsd->ring_arg, d->h);
    return 0;
}

int domain_introduce(struct xsd *x, uint32_t domid, uint64_t mfn, uint32_t port)
{
    struct xs_domain *d;
    int rc;

    d = domain_find(x, domid);
    if (d)
        return domain_reset(d);
    if (!x->ring_ops)
        return -ENOSYS;
    d = calloc(1, sizeof(*d));
    if (!d)
        return -ENOMEM;
    d->xsd = x;
    d->domid = domid;
    rc = x->ring_ops->map(x->ring_arg, domid, mfn, port, &d->intf, &d->h);
    if (rc) {
        free(d);
        return rc;
    }
    rc = xsd_conn_create(x, domid, 0, wake, d, &d->conn);
    if (rc) {
        x->ring_ops->unmap(x->ring_arg, d->h);
        free(d);
        return rc;
    }
    d->conn->ring = true;
    d->mfn = mfn;
    d->port = port;
    ring_init(d->intf);
    d->next = x->domains;
    x->domains = d;
    if (x->tree.log)
        rec_domain(x->tree.log, domid, mfn, port, XS_NO_TARGET);
    watch_fire(x, "@introduceDomain", true, NULL, 0);
    /* A guest may have queued requests before we were told about it. */
    xsd_domain_pump(d);
    return 0;
}

static void domain_free(struct xs_domain *d)
{
    xsd_conn_destroy(d->conn);
    if (d->intf)
        d->xsd->ring_ops->unmap(d->xsd->ring_arg, d->h);
    free(d);
}

/*
 * Fire removal events for n's subtree, as XS_RM does; path holds n's path
 * (len bytes) and is extended in place (paths may be 1500 levels deep).
 */
static void fire_removed(struct xsd *x, const struct xs_node *n, char *path,
                         size_t len, bool top)
{
    unsigned int i;

    for (i = 0; i < n->nkids; i++) {
        size_t l = strlen(n->kids[i]->name);

        if (len + 1 + l >= XS_PATH_BUF)
            continue; /* cannot happen: paths are length-checked */
        path[len] = '/';
        memcpy(path + len + 1, n->kids[i]->name, l + 1);
        fire_removed(x, n->kids[i], path, len + 1 + l, false);
        path[len] = '\0';
    }
    watch_fire(x, path, !top, n->perms, n->nperms);
}

/* Out of line: remove_owned() recurses and must keep a small frame. */
__attribute__((noinline)) static void remove_one(struct xsd *x,
                                                 struct xs_node *k)
{
    char path[XS_PATH_BUF];

    tree_path(k, path);
    fire_removed(x, k, path, strlen(path), true);
    tree_remove(&x->tree, k);
}

/*
 * Xen's domain_tree_remove(): nodes a dead domain owned are deleted with
 * their subtrees, or handed to dom0 with -K (keep orphans).
 */
static void remove_owned(struct xsd *x, struct xs_node *n, uint32_t domid)
{
    unsigned int i = 0;

    while (i < n->nkids) {
        struct xs_node *k = n->kids[i];

        if (k->perms[0].id != domid) {
            remove_owned(x, k, domid);
            i++;
        } else if (x->keep_orphans) {
            struct xs_permissions *p = malloc(k->nperms * sizeof(*p));

            if (p) {
                memcpy(p, k->perms, k->nperms * sizeof(*p));
                p[0].id = 0;
                tree_set_perms(&x->tree, k, p, k->nperms);
                free(p);
            }
            remove_owned(x, k, domid);
            i++;
        } else {
            remove_one(x, k);
        }
    }
}

/* Drop domid from a special node's grants (Xen remove_domid_from_perm). */
static void forget_perm(struct xs_permissions *p, unsigned int *n,
                        uint32_t domid)
{
    unsigned int i, j;

    if (p[0].id == domid)
        p[0].id = 0;
    for (i = j = 1; i < *n; i++)
        if (p[i].id != domid)
            p[j++] = p[i];
    *n = j;
}

int domain_release(struct xsd *x, uint32_t domid)
{
    struct xs_domain **pp;

    for (pp = &x->domains; *pp; pp = &(*pp)->next) {
        struct xs_domain *d = *pp;

        if (d->domid == domid) {
            *pp = d->next;
            domain_free(d);
            if (x->tree.log)
                rec_release(x->tree.log, domid);
            if (quota_entries(&x->quota, domid))
                remove_owned(x, x->tree.root, domid);
            forget_perm(x->intro_perms, &x->n_intro_perms, domid);
            forget_perm(x->release_perms, &x->n_release_perms, domid);
            watch_fire(x, "@releaseDomain", true, NULL, 0);
            return 0;
        }
    }
    return -ENOENT;
}

int domain_set_target(struct xsd *x, uint32_t domid, uint32_t target)
{
    struct xs_domain *d = domain_find(x, domid);

    if (!d || !domain_find(x, target))
        return -ENOENT;
    if (!d->conn)
        return -EINVAL;
    d->conn->target = target;
    if (x->tree.log)
        rec_domain(x->tree.log, domid, d->mfn, d->port, target);
    return 0;
}

void domain_free_all(struct xsd *x)
{
    while (x->domains) {
        struct xs_domain *d = x->domains;

        x->domains = d->next;
        domain_free(d);
    }
}

struct xs_domain *xsd_domain_next(struct xsd *x, struct xs_domain *d)
{
    return d ? d->next : x->domains;
}

void *xsd_domain_handle(const struct xs_domain *d)
{
    return d->h;
}

uint32_t xsd_domain_id(const struct xs_domain *d)
{
    return d->domid;
}

int xsd_domain_alive(const struct xs_domain *d)
{
    return d->intf && d->conn != NULL && !d->broken;
}

int domain_resume(struct xsd *x, uint32_t domid)
{
    struct xs_domain *d = domain_find(x, domid);

    if (!d)
        return -ENOENT;
    d->shutdown = false;
    return 0;
}

void xsd_domain_shutdown(struct xsd *x, uint32_t domid)
{
    struct xs_domain *d = domain_find(x, domid);

    /* Xen fires once per shutdown (domain_cleanup()); RESUME re-arms. */
    if (!d || d->shutdown)
        return;
    d->shutdown = true;
    watch_fire(x, "@releaseDomain", true, NULL, 0);
}

void xsd_domain_dead(struct xsd *x, uint32_t domid)
{
    /* As Xen's destroy_domain(): clean up and fire @releaseDomain. */
    domain_release(x, domid);
}

int xsd_domain_introduce(struct xsd *x, uint32_t domid, uint64_t mfn,
                         uint32_t port)
{
    return domain_introduce(x, domid, mfn, port);
}

struct xs_domain *xsd_domain_find(struct xsd *x, uint32_t domid)
{
    return domain_find(x, domid);
}

void domain_snapshot(struct xsd *x, struct xs_rec_buf *b)
{
    struct xs_domain *d;
    struct xs_watch *w;

    for (d = x->domains; d; d = d->next) {
        if (!d->conn)
            continue; /* broke its ring: a restart need not keep it */
        rec_domain(b, d->domid, d->mfn, d->port, d->conn->target);
        for (w = d->conn->watches; w; w = w->next)
            rec_watch(b, d->domid, w->path, w->token, w->relative, true);
    }
}

int domain_restore(struct xsd *x, uint32_t domid, uint64_t mfn, uint32_t port,
                   uint32_t target)
{
    struct xs_domain *d = domain_find(x, domid);
    int rc;

    if (!d) {
        d = calloc(1, sizeof(*d));
        if (!d)
            return -ENOMEM;
        d->xsd = x;
        d->domid = domid;
        rc = xsd_conn_create(x, domid, 0, wake, d, &d->conn);
        if (rc) {
            free(d);
            return rc;
        }
        d->conn->ring = true;
        d->next = x->domains;
        x->domains = d;
    }
    d->mfn = mfn;
    d->port = port;
    d->conn->target = target;
    return 0;
}

int domain_restore_watch(struct xsd *x, uint32_t domid, const char *path,
                         const char *token, bool relative, bool add)
{
    struct xs_domain *d = domain_find(x, domid);
    int rc;

    if (!d || !d->conn)
        return -EINVAL;
    if (!path) {
        watch_free_all(d->conn);
        return 0;
    }
    if (!add) {
        rc = watch_del(d->conn, path, token);
        return rc == -ENOENT ? -EINVAL : rc;
    }
    /* a restored ring keeps what it had, whatever the quota is now */
    d->conn->priv = true;
    rc = watch_add(d->conn, path, token, relative);
    d->conn->priv = false;
    return rc == -EEXIST ? -EINVAL : rc;
}

void domain_forget(struct xsd *x, uint32_t domid)
{
    struct xs_domain **pp;

    for (pp = &x->domains; *pp; pp = &(*pp)->next) {
        if ((*pp)->domid == domid) {
            struct xs_domain *d = *pp;

            *pp = d->next;
            domain_free(d);
            return;
        }
    }
}

unsigned int domain_reattach_all(struct xsd *x)
{
    struct xs_domain *d, *next;
    unsigned int n = 0;

    for (d = x->domains; d; d = next) {
        next = d->next;
        if (d->intf)
            continue;
        if (!x->ring_ops || x->ring_ops->map(x->ring_arg, d->domid, d->mfn,
                                             d->port, &d->intf, &d->h)) {
            /*
             * gone while we were down: as if the engine had said so. Not
             * dom0 (its ring was not found this time): it owns most of
             * the store, which must stay.
             */
            d->intf = NULL;
            if (d->domid == 0)
                domain_forget(x, 0);
            else
                xsd_domain_dead(x, d->domid);
            continue;
        }
        /*
         * The guest's indices stay as they are: requests it queued while
         * we were down are served now, the replies it is owed were lost.
         */
        ring_init(d->intf);
        xsd_domain_pump(d);
        n++;
    }
    return n;
}
