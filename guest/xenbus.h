/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenbus.h: the guest's xenstore client over the store ring
 * (struct xenstore_domain_interface, xs_wire.h). Paths may be relative to
 * /local/domain/<domid>. Calls block the calling vcpu (vcpu 0: the store
 * event channel is bound there) and return >= 0 or -XEN_E*.
 */
#ifndef XT_GUEST_XENBUS_H
#define XT_GUEST_XENBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XBT_NIL 0u

int xenbus_init(void);
/* After a resume in a new domain: rebind, re-register the watches. */
int xenbus_resume(void);
/* Reads a value into buf (always terminated); returns its length. */
int xenbus_read(uint32_t tx, const char *path, char *buf, size_t size);
int xenbus_read_ulong(uint32_t tx, const char *path, unsigned long *val_out);
int xenbus_write(uint32_t tx, const char *path, const char *value);
int xenbus_mkdir(uint32_t tx, const char *path);
int xenbus_rm(uint32_t tx, const char *path);
/* Lists children as NUL-separated names in buf; returns the count. */
int xenbus_directory(uint32_t tx, const char *path, char *buf, size_t size);
int xenbus_watch(const char *path, const char *token);
int xenbus_unwatch(const char *path, const char *token);
int xenbus_transaction_start(uint32_t *tx_out);
/* abort != 0 discards; -XEN_EAGAIN means the caller should retry. */
int xenbus_transaction_end(uint32_t tx, int abort);
/* Waits for the next watch event until deadline_ns (0: forever);
 * -XEN_ETIMEDOUT if none came. */
int xenbus_wait_watch(char *path, size_t psize, char *token, size_t tsize,
                      uint64_t deadline_ns);
/* Same, but only for events with token want; others stay queued. */
int xenbus_wait_watch_token(const char *want, char *path, size_t psize,
                            char *token, size_t tsize, uint64_t deadline_ns);
/* Same, and returns -XEN_EAGAIN as soon as wake() is true between
 * messages (wake is evaluated with events masked; keep it trivial). */
int xenbus_wait_watch_wake(const char *want, char *path, size_t psize,
                           char *token, size_t tsize, uint64_t deadline_ns,
                           bool (*wake)(void));
/* Drops queued watch events whose token matches. */
void xenbus_flush_watch(const char *token);

/* Writes dir/node = printf(fmt, ...). */
int xenbus_printf(uint32_t tx, const char *dir, const char *node,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Waits until the integer at path is >= min_state (a XenbusState);
 * returns the state seen or -errno (-XEN_ETIMEDOUT). */
int xenbus_wait_state(const char *path, unsigned long min_state,
                      uint64_t deadline_ns);

/* One key a frontend publishes in its handshake. */
struct xenbus_kv {
    const char *key;
    const char *val;
};

/*
 * A frontend's first device of kind ("vbd", "vif"): its node
 * ("device/<kind>/<devid>"), backend path and backend domid. Returns 0,
 * -XEN_ENODEV if there is none, or -errno.
 */
int xenbus_front_find(const char *kind, char *node, size_t nsize, char *backend,
                      size_t bsize, unsigned *backend_id);
/* Writes the n keys under node and then state = Initialised in one
 * transaction, retried (up to 10 times) while the store says EAGAIN. */
int xenbus_front_publish(const char *node, const struct xenbus_kv *kv,
                         unsigned n);
/* Waits up to 10 s for backend/state to be Connected; -XEN_EIO if the
 * backend is closing instead. */
int xenbus_front_wait_connected(const char *backend);
/* The handshake's last step: node's state = Connected, then a watch
 * (token) on the backend's state for the frontend's backend_changed.
 * Returns 0 or -errno. */
int xenbus_front_connected(const char *node, const char *backend,
                           const char *token);
/*
 * Publish the requests queued on front ring r (xen/io/ring.h) and kick
 * port if the backend asked to be woken.
 */
#define XENBUS_FRONT_PUSH(r, port)                                             \
    do {                                                                       \
        int notify_;                                                           \
                                                                               \
        RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(r, notify_);                       \
        if (notify_)                                                           \
            evtchn_notify(port);                                               \
    } while (0)
/*
 * Hostile self-tests: publish a req_prod `ahead` slots beyond what front
 * ring r (xen/io/ring.h) queued, and kick port. Never our private index:
 * the backend must give the ring up, and nothing here is corrupted.
 */
#define XENBUS_FRONT_PUSH_WILD(r, ahead, port)                                 \
    do {                                                                       \
        wmb();                                                                 \
        (r)->sring->req_prod = (r)->req_prod_pvt + (ahead);                    \
        evtchn_notify(port);                                                   \
    } while (0)
/* Drop that watch (the frontend resumes or closes). */
void xenbus_front_unwatch(const char *backend, const char *token);
/* Whether the backend is closing (Closing or later) or gone: what makes a
 * frontend close too. */
bool xenbus_front_backend_closing(const char *backend);

#endif
