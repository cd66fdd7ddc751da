/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * store.h: the xenstored core. It speaks xs_wire.h on byte buffers and
 * owns the tree, transactions, watches, permissions and quotas; transports
 * (socket.c, ring.c via domain.c) only move bytes in and out of it.
 * Single-threaded: every call on one struct xsd from one thread.
 */
#ifndef XT_STORE_STORE_H
#define XT_STORE_STORE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct xsd;
struct xs_conn;

/* Xen's defaults (tools/xenstore/xenstored_core.c), changed by flags. */
struct xsd_limits {
    unsigned int entries;      /* -E: nodes owned per domain (1000) */
    unsigned int entry_size;   /* -S: bytes per node value (2048) */
    unsigned int watches;      /* -W: watches per domain (128) */
    unsigned int transactions; /* -t: open transactions per conn (10) */
    unsigned int perms;        /* -A: perms per node (5) */
    unsigned int path_max;     /* -M: path length below the home (2048) */
    unsigned int tx_nodes;     /* -Q transaction-nodes=N (1024) */
    unsigned int outstanding;  /* -Q outstanding=N: replies queued (20) */
    unsigned int memory;       /* -Q memory=N: output bytes queued (2.5M) */
};
void xsd_limits_default(struct xsd_limits *l);
/* Parse "what=nb" as Xen's -Q. Returns 0 or -EINVAL. */
int xsd_limits_set_quota(struct xsd_limits *l, const char *arg);

/*
 * How xenstored reaches a domain's ring: supplied by the daemon (hv.h
 * engine) or by tests (an in-memory page). map() returns the
 * xenstore_domain_interface page of domid and a handle; notify() raises the
 * event channel; unmap() undoes map(). A NULL ops table makes
 * XS_INTRODUCE fail with ENOSYS.
 */
struct xenstore_domain_interface;
struct xsd_ring_ops {
    int (*map)(void *arg, uint32_t domid, uint64_t mfn, uint32_t port,
               struct xenstore_domain_interface **intf_out, void **h_out);
    void (*notify)(void *arg, void *h);
    void (*unmap)(void *arg, void *h);
};

/* Creates the tree with Xen's initial nodes (/, /tool, /tool/xenstored). */
int xsd_create(const struct xsd_limits *lim, struct xsd **xsd_out);
void xsd_destroy(struct xsd *x);
/* Borrowed until xsd_destroy(). */
void xsd_set_ring_ops(struct xsd *x, const struct xsd_ring_ops *ops, void *arg);
/*
 * On XS_RELEASE the nodes the domain owned are deleted, as Xen does; with
 * keep != 0 (-K) they are handed to dom0 instead.
 */
void xsd_set_keep_orphans(struct xsd *x, int keep);
/* Log every message in and out to f (borrowed), or stop with NULL. */
void xsd_set_trace(struct xsd *x, FILE *f);

/*
 * A snapshot of every node (path, value, perms) and introduced domain,
 * written atomically (file.tmp + rename); loaded back into a fresh store.
 * Returns 0 or -errno; a corrupt file gives -EINVAL, with the records
 * before the damage loaded.
 */
int xsd_save(struct xsd *x, const char *file);
int xsd_load(struct xsd *x, const char *file);

/*
 * --state-file: the store outlives the daemon (kill -9 included).
 * xsd_state_open() locks file (-EBUSY if another daemon holds it) and
 * replays it into a fresh x: nodes, introduced domains and their ring
 * watches. A file from an earlier boot of the host is ignored (-ESTALE,
 * store empty); a damaged tail gives -EINVAL with what came before loaded.
 * xsd_state_start(), once the ring ops are installed, maps the restored
 * domains' rings again (one that cannot be mapped is released as dead),
 * rewrites the file and starts journaling; reattached_out gets how many
 * came back. From then on every change is in the file (its page cache)
 * before any output about it is handed out (xsd_conn_output). xsd_state_sync()
 * runs once per poll round: it returns the ms after which it wants to run again
 * (fdatasync pending), or -1. xsd_state_close() leaves a snapshot and drops the
 * lock; xsd_destroy() calls it.
 */
int xsd_state_open(struct xsd *x, const char *file);
int xsd_state_start(struct xsd *x, unsigned int *reattached_out);
int xsd_state_sync(struct xsd *x);
void xsd_state_close(struct xsd *x);

/* Called when conn has new output that its transport should flush. */
typedef void xsd_wake_fn(void *arg, struct xs_conn *c);

/*
 * Read-only client (socket_ro): reads and watches only. Writes get EROFS,
 * dom0's requests (RELEASE, INTRODUCE, CONTROL, ...) EACCES; it is held to
 * the per-domain watch and transaction limits.
 */
#define XSD_CONN_RO 1u
/*
 * A client connection acting as domid (0 = dom0, privileged). wake may be
 * NULL. Destroy with xsd_conn_destroy (drops its watches and transactions).
 */
int xsd_conn_create(struct xsd *x, uint32_t domid, unsigned int flags,
                    xsd_wake_fn *wake, void *arg, struct xs_conn **c_out);
void xsd_conn_destroy(struct xs_conn *c);

/*
 * Feed bytes from the client; complete requests are processed at once.
 * Returns how many bytes were taken (fewer than len when the client has
 * too many unread replies: the rest must wait), or -EPROTO after a bogus
 * header (payload above XENSTORE_PAYLOAD_MAX): drop the connection.
 */
long xsd_conn_input(struct xs_conn *c, const void *buf, size_t len);
/*
 * Next output bytes (NULL/0 if none); valid until the next call on c.
 * With a state file, the changes they may tell of are journaled first.
 */
const void *xsd_conn_output(struct xs_conn *c, size_t *len_out);
/* n bytes of that output were sent. */
void xsd_conn_consume(struct xs_conn *c, size_t n);
int xsd_conn_dead(const struct xs_conn *c);

/* Domain transports (domain.c): each introduced domain with its ring. */
struct xs_domain;
/* Iterate: pass NULL for the first; NULL at the end. */
struct xs_domain *xsd_domain_next(struct xsd *x, struct xs_domain *d);
/* The introduced domain domid, or NULL. */
struct xs_domain *xsd_domain_find(struct xsd *x, uint32_t domid);
/*
 * Introduce domid with its ring as XS_INTRODUCE does (which refuses
 * domain 0: the daemon introduces dom0's own ring itself). 0 or -errno.
 */
int xsd_domain_introduce(struct xsd *x, uint32_t domid, uint64_t mfn,
                         uint32_t port);
/* The handle map() returned (for the transport's poll fd). */
void *xsd_domain_handle(const struct xs_domain *d);
uint32_t xsd_domain_id(const struct xs_domain *d);
/*
 * The engine saw domid shut down: fire @releaseDomain once (until
 * XS_RESUME), as Xen does on VIRQ_DOM_EXC. Unknown domids are ignored.
 */
void xsd_domain_shutdown(struct xsd *x, uint32_t domid);
/*
 * The domain is gone: release it as XS_RELEASE would (its nodes go, the
 * ring is unmapped, @releaseDomain fires). Unknown domids are ignored.
 */
void xsd_domain_dead(struct xsd *x, uint32_t domid);
/* 0 once the guest broke the ring protocol (its fd need not be polled). */
int xsd_domain_alive(const struct xs_domain *d);
/*
 * Move bytes: requests off the ring into the core, replies and events onto
 * the ring; notifies the guest when something moved. A guest that wrote
 * garbage indices or a bogus header loses its connection (the ring's error
 * field says why); the domain stays introduced. Returns 0 or -EIO.
 */
int xsd_domain_pump(struct xs_domain *d);

#endif
