/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * internal.h: the xenstored core's private layouts, shared by tree.c,
 * perms.c, transaction.c, watch.c, quota.c, conn.c, wire*.c and domain.c.
 * Nothing outside toolstack/store (and its unit tests) includes this.
 */
#ifndef XT_STORE_INTERNAL_H
#define XT_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/queue.h>
#include <xenstore_lib.h>

#include "store/store.h"

/* ---- tree.c: the node tree -------------------------------------------- */

struct xs_node {
    char *name; /* one path component; "" for the root */
    struct xs_node *parent;
    struct xs_node **kids; /* creation order, as Xen lists them */
    unsigned int nkids;
    size_t capkids;
    struct xs_node **kidx; /* kids by name hash (big directories), or NULL */
    unsigned int kidx_size, kidx_used; /* slots; taken incl. removed */
    char *val;
    unsigned int vlen;
    struct xs_permissions *perms; /* perms[0]: owner + default */
    unsigned int nperms;
    uint64_t gen; /* global counter value at the last change */
    bool stub;    /* tx trees: only the name is known yet (see tree.c) */
    bool partial; /* tx trees: kids[] lists only the kids walked to yet */
};

struct xs_rec_buf;

struct xs_tree {
    struct xs_node *root;
    struct xs_rec_buf *log;  /* live tree: changes journaled here, or NULL */
    uint64_t *gen;           /* shared generation counter (the xsd's) */
    struct xs_quota *acct;   /* entry accounting, NULL for tx snapshots */
    struct xs_tree *backing; /* tx trees: the live tree stubs fill from */
};

int tree_init(struct xs_tree *t, uint64_t *gen, struct xs_quota *acct);
void tree_fini(struct xs_tree *t);
/*
 * A transaction's view of src (no accounting): copy-on-access, each node
 * is copied from src the first time a walk reaches it. src must outlive
 * dst. Returns 0 or -ENOMEM.
 */
int tree_clone(struct xs_tree *dst, struct xs_tree *src);
/* Fill a stub node from the backing tree: 0, -ENOENT (gone) or -ENOMEM. */
int tree_materialize(struct xs_tree *t, struct xs_node *n);
/*
 * A tx node lists only the kids walked to: list them all (unseen ones as
 * stubs) before iterating n->kids or removing one of them. 0 or -ENOMEM;
 * nothing to do on a live tree.
 */
int tree_kids_all(struct xs_tree *t, struct xs_node *n);
/* Absolute canonical path -> node, or NULL. */
struct xs_node *tree_lookup(struct xs_tree *t, const char *path);
/* Nearest existing ancestor of path (path itself excluded). Never NULL. */
struct xs_node *tree_existing_parent(struct xs_tree *t, const char *path);
/*
 * Create path and missing parents, each inheriting its parent's perms; if
 * owner != XS_OWNER_KEEP the new nodes are owned by it. *created_out counts
 * new nodes. Returns 0 / -ENOMEM; the node in *node_out.
 */
#define XS_OWNER_KEEP UINT32_MAX
int tree_create(struct xs_tree *t, const char *path, uint32_t owner,
                struct xs_node **node_out, unsigned int *created_out);
int tree_set_value(struct xs_tree *t, struct xs_node *n, const void *val,
                   unsigned int len);
/* Takes a copy of perms. Returns 0 or -ENOMEM. */
int tree_set_perms(struct xs_tree *t, struct xs_node *n,
                   const struct xs_permissions *perms, unsigned int nperms);
/* Unlink and free n and its subtree (not the root). */
void tree_remove(struct xs_tree *t, struct xs_node *n);
/* Write n's full path into buf (size XS_PATH_BUF). */
#define XS_PATH_BUF (XENSTORE_ABS_PATH_MAX + 64)
void tree_path(const struct xs_node *n, char *buf);
/* Children as Xen's NUL-separated list; malloc'ed into *out. */
int tree_children(const struct xs_node *n, char **out, unsigned int *len_out);

/* ---- perms.c ------------------------------------------------------------ */

/* READ|WRITE|OWNER bits conn gets on a node with these perms (Xen rules). */
unsigned int perms_for(const struct xs_conn *conn,
                       const struct xs_permissions *p, unsigned int n);
/* Parse "r0\0w1\0" (count strings). Returns 0 or -EINVAL. */
int perms_parse(const char *s, size_t len, unsigned int count,
                struct xs_permissions *out);
/* Format into buf ("r0\0b3\0"); returns bytes or -E2BIG. */
int perms_format(const struct xs_permissions *p, unsigned int n, char *buf,
                 size_t size);

/* ---- quota.c ------------------------------------------------------------ */

struct xs_quota {
    struct xsd_limits lim;
    unsigned int *entries; /* nodes owned, indexed by domid */
    unsigned int nentries;
};
void quota_entry_add(struct xs_quota *q, uint32_t domid, int delta);
unsigned int quota_entries(const struct xs_quota *q, uint32_t domid);
void quota_fini(struct xs_quota *q);
/* The limit called name (len bytes), or NULL. */
unsigned int *quota_find(struct xsd_limits *l, const char *name, size_t len);
/* Xen's "Quota settings:" text; returns its length or -E2BIG. */
int quota_show(const struct xsd_limits *l, char *buf, size_t size);

/* ---- transaction.c ------------------------------------------------------ */

struct xs_access {
    char *path;
    uint64_t gen; /* generation seen at the start, 0 = absent */
    bool modified;
};

struct xs_tev { /* a watch event held until commit */
    char *path;
    bool exact;
};

struct xs_tx {
    struct xs_tx *next;
    uint32_t id;
    struct xs_tree tree;
    struct xs_access *acc;
    unsigned int nacc;
    size_t capacc;
    struct xs_tev *ev;
    unsigned int nev;
    size_t capev;
    int entry_delta;        /* nodes the owner created minus removed */
    unsigned int max_nodes; /* paths it may touch, 0: no limit (dom0) */
};

/* Record that the tx looked at (modified=false) or changed path. */
int tx_access(struct xs_tx *tx, const char *path, bool modified);
int tx_queue_event(struct xs_tx *tx, const char *path, bool exact);
int tx_start(struct xs_conn *c, uint32_t *id_out);
/* commit != 0: apply or -EAGAIN; always frees the tx. */
int tx_end(struct xs_conn *c, struct xs_tx *tx, int commit);
struct xs_tx *tx_find(struct xs_conn *c, uint32_t id);
void tx_free_all(struct xs_conn *c);

/* ---- watch.c ------------------------------------------------------------ */

struct xs_watch {
    struct xs_watch *next;
    char *path; /* canonical (absolute or @special) */
    char *token;
    bool relative;
};

/* relative: events name the path below the home, as it was given. */
int watch_add(struct xs_conn *c, const char *path, const char *token,
              bool relative);
int watch_del(struct xs_conn *c, const char *path, const char *token);
void watch_free_all(struct xs_conn *c);
/*
 * A node changed: queue events to every connection whose watch covers it
 * (exact: only watches on that very path). old/nold: the perms before the
 * change (or NULL) so a watcher losing access still hears of it.
 */
void watch_fire(struct xsd *x, const char *path, bool exact,
                const struct xs_permissions *old, unsigned int nold);

/* ---- conn.c ------------------------------------------------------------- */

struct xs_outbuf {
    STAILQ_ENTRY(xs_outbuf) next;
    struct xs_outbuf *hnext; /* events not yet started: the dedup table */
    uint32_t hash;
    bool hashed;
    size_t len, off;
    bool event;
    char data[]; /* header + payload */
};

struct xs_conn {
    struct xs_conn *next; /* in xsd->conns */
    struct xsd *xsd;
    uint32_t domid;
    uint32_t target; /* SET_TARGET, XS_NO_TARGET if none */
    bool priv;
    bool readonly;
    bool ring; /* a domain's ring: survives a restart with its watches */
    bool dead; /* protocol error: transport must close it */
    /* input: a header, then its payload */
    struct xsd_sockmsg hdr;
    size_t hdr_used, pay_used;
    char *pay; /* XENSTORE_PAYLOAD_MAX + 1, NUL after payload */
    /* output */
    STAILQ_HEAD(, xs_outbuf) out;
    size_t out_bytes;
    unsigned int out_replies;
    /* queued events by hash of "path\0token\0": O(1) duplicate check */
    struct xs_outbuf **evtab;
    unsigned int evtab_size, nhashed;
    unsigned long ev_dropped; /* since the connection was made */
    /* conn_warn(): once per burst */
    uint64_t warn_ms;
    unsigned int warn_quiet;
    struct xs_watch *watches;
    unsigned int nwatches;
    struct xs_tx *txs;
    unsigned int ntx;
    uint32_t next_txid;
    struct xs_tx *cur_tx; /* during one request */
    xsd_wake_fn *wake;
    void *wake_arg;
};
#define XS_NO_TARGET UINT32_MAX

/*
 * Does conn live under the per-domain resource limits? Domains do; so does
 * the read-only socket, which reads as dom0 but must not consume as dom0.
 */
static inline bool conn_limited(const struct xs_conn *c)
{
    return !c->priv || c->readonly;
}

/* Queue a reply (payload copied); len > PAYLOAD_MAX turns into E2BIG. */
void conn_reply(struct xs_conn *c, uint32_t type, const void *p, size_t len);
void conn_reply_err(struct xs_conn *c, int err);
void conn_reply_ok(struct xs_conn *c);
/*
 * Queue a watch event "path\0token\0", unless it would take c past its
 * memory quota: then it is dropped, counted and logged once a burst, as
 * conn_events_lost() does for n events.
 */
void conn_event(struct xs_conn *c, const char *path, const char *token);
void conn_events_lost(struct xs_conn *c, unsigned long n);
/*
 * An error this client caused, logged as "dom N (name): ..." at most once
 * per second per connection; the lines dropped meanwhile are counted in
 * the next one.
 */
void conn_warn(struct xs_conn *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* "/local/domain/<domid>" for relative paths. */
void conn_home(const struct xs_conn *c, char *buf, size_t len);

/* ---- wire.c ------------------------------------------------------------- */

void wire_process(struct xs_conn *c);
/* Payload helpers (Xen's xs_count_strings, onearg). */
unsigned int wire_nstrings(const struct xs_conn *c);
const char *wire_onearg(const struct xs_conn *c);
/* The tree a request works on: its transaction's snapshot or the live one. */
struct xs_tree *wire_tree(struct xs_conn *c);
/* wire_node.c and wire_domain.c: 0 (reply queued) or -errno. */
int wire_read(struct xs_conn *c);
int wire_write(struct xs_conn *c);
int wire_mkdir(struct xs_conn *c);
int wire_rm(struct xs_conn *c);
int wire_directory(struct xs_conn *c);
int wire_directory_part(struct xs_conn *c);
int wire_get_perms(struct xs_conn *c);
int wire_set_perms(struct xs_conn *c);
int wire_control(struct xs_conn *c);
int wire_introduce(struct xs_conn *c);
int wire_release(struct xs_conn *c);
int wire_get_domain_path(struct xs_conn *c);
int wire_is_domain_introduced(struct xs_conn *c);
int wire_resume(struct xs_conn *c);
int wire_set_target(struct xs_conn *c);
int wire_reset_watches(struct xs_conn *c);
int wire_set_perms_special(struct xs_conn *c, const char *name,
                           const struct xs_permissions *p, unsigned int n);
/* Path checks as Xen's is_valid_nodename(). */
bool wire_valid_path(const struct xsd *x, const char *path);
/* Make path absolute into buf; -EINVAL if invalid. */
int wire_canon(const struct xs_conn *c, const char *in, char *buf);

/* ---- domain.c ----------------------------------------------------------- */

struct xs_domain;
int domain_introduce(struct xsd *x, uint32_t domid, uint64_t mfn,
                     uint32_t port);
int domain_release(struct xsd *x, uint32_t domid);
struct xs_domain *domain_find(const struct xsd *x, uint32_t domid);
int domain_set_target(struct xsd *x, uint32_t domid, uint32_t target);
/* XS_RESUME: a later shutdown fires @releaseDomain again. */
int domain_resume(struct xsd *x, uint32_t domid);
void domain_free_all(struct xsd *x);

/* ---- persist.c: state-file records ------------------------------------ */

struct xs_rec_buf { /* encoded records waiting for write(2) */
    char *p;
    size_t len, cap;
    bool oom; /* a record was lost: the journal must be rewritten */
};
void rec_node(struct xs_rec_buf *b, const struct xs_node *n);
void rec_node_path(struct xs_rec_buf *b, const struct xs_node *n,
                   const char *path);
void rec_rm(struct xs_rec_buf *b, const struct xs_node *n);
void rec_domain(struct xs_rec_buf *b, uint32_t domid, uint64_t mfn,
                uint32_t port, uint32_t target);
void rec_release(struct xs_rec_buf *b, uint32_t domid);
void rec_watch(struct xs_rec_buf *b, uint32_t domid, const char *path,
               const char *token, bool relative, bool add);
void rec_reset_watches(struct xs_rec_buf *b, uint32_t domid);
/* Header + every node, domain and ring watch, appended to b. */
int persist_snapshot(struct xsd *x, const char *boot_id, struct xs_rec_buf *b);
/*
 * Replay a state stream into x (the fuzzer uses memory). want_boot: NULL,
 * or -ESTALE (nothing loaded) if the file is from another boot.
 */
int persist_load_fp(struct xsd *x, FILE *f, const char *want_boot);
int persist_save_fp(struct xsd *x, FILE *f);

/* ---- journal.c ---------------------------------------------------------- */

struct xs_journal;
/* write(2) what is buffered: before any reply leaves (conn.c). */
void journal_flush(struct xsd *x);
/* The journal buffer if c's watches are kept (a domain's ring), or NULL. */
struct xs_rec_buf *journal_of(const struct xs_conn *c);

/* ---- domain.c: restart ------------------------------------------------- */

/* Every domain and its ring watches as records (persist_snapshot). */
void domain_snapshot(struct xsd *x, struct xs_rec_buf *b);
/* Replay: a domain known but not yet mapped (domain_reattach_all maps). */
int domain_restore(struct xsd *x, uint32_t domid, uint64_t mfn, uint32_t port,
                   uint32_t target);
/* Replay a ring watch; path NULL drops them all. 0 or -errno. */
int domain_restore_watch(struct xsd *x, uint32_t domid, const char *path,
                         const char *token, bool relative, bool add);
void domain_forget(struct xsd *x, uint32_t domid);
/*
 * Map every restored domain's ring again; one that cannot be mapped died
 * while xenstored was down and is released. Returns how many came back.
 */
unsigned int domain_reattach_all(struct xsd *x);

/* ---- the daemon context ------------------------------------------------- */

struct xsd {
    struct xs_tree tree;
    uint64_t gen;
    struct xs_quota quota;
    struct xs_conn *conns;
    struct xs_domain *domains;
    const struct xsd_ring_ops *ring_ops;
    void *ring_arg;
    struct xs_permissions intro_perms[8], release_perms[8];
    unsigned int n_intro_perms, n_release_perms;
    FILE *trace;
    bool trace_off;        /* "xenstore-control log off" */
    bool keep_orphans;     /* -K: a released domain's nodes go to dom0 */
    char boot_id[40];      /* this host boot's, stamped on the state file */
    struct xs_journal *jr; /* --state-file, or NULL */
};

#endif
