/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenbus.h: the backend side of Xen's split-driver protocol over the store
 * (libxenstore): XenbusState helpers, and a small driver
 * framework that walks the XenbusState machine for every device directory
 * under /local/domain/0/backend/<kind>/, calling the driver's callbacks.
 * Shared by blkback, netback and (store helpers only) xenconsoled.
 */
#ifndef XT_XENBUS_XENBUS_H
#define XT_XENBUS_XENBUS_H

#include <stddef.h>
#include <stdint.h>
#include <xen/io/xenbus.h>
#include <xenstore.h>

#include "lib/xsutil.h"

/* ---- Store helpers ------------------------------------------------------ */

/* The state at dir/state; XenbusStateUnknown when missing or malformed. */
enum xenbus_state xenbus_read_state(struct xs_handle *xs, const char *dir);
/* Write dir/state, unless dir/state is gone (the toolstack removed the
 * device): then -ENOENT and nothing is written. Returns 0 or -errno. */
int xenbus_switch_state(struct xs_handle *xs, const char *dir,
                        enum xenbus_state st);
/* "InitWait", "Connected", ... ("Invalid" outside the enum). */
const char *xenbus_state_name(enum xenbus_state st);

/* ---- Backend driver framework ------------------------------------------ */

struct xenbus_backend;
struct xenbus_dev;

/*
 * Driver callbacks, all called from the thread that calls
 * xenbus_backend_handle(). Each returns 0 or -errno.
 *  probe:      a new device directory appeared in state Initialising. Read
 *              the toolstack's keys (params, mode, bridge...), open what the
 *              device needs, publish features. On success the framework
 *              switches to InitWait.
 *  connect:    the frontend reached Initialised (or jumped to Connected, as
 *              Mini-OS does). Read ring refs and the event channel, map,
 *              start serving. On success the framework switches to
 *              Connected.
 *  disconnect: stop serving and unmap (idempotent; only called after a
 *              successful connect).
 *  remove:     the device is going away: free what probe made (called
 *              once, after a successful probe).
 */
struct xenbus_backend_ops {
    const char *kind; /* "vbd", "vif" */
    int (*probe)(struct xenbus_dev *dev);
    int (*connect)(struct xenbus_dev *dev);
    void (*disconnect)(struct xenbus_dev *dev);
    void (*remove)(struct xenbus_dev *dev);
};

/*
 * Serve every <kind> device below /local/domain/<backend_domid>/backend/.
 * Borrows xs and ops (both must outlive the backend); ctx is handed to the
 * callbacks via xenbus_dev_ctx(). Sets up the store watches (token
 * "xbbe:<kind>") and scans what already exists. Returns 0 or -errno.
 */
int xenbus_backend_create(struct xs_handle *xs, uint32_t backend_domid,
                          const struct xenbus_backend_ops *ops, void *ctx,
                          struct xenbus_backend **out);
/*
 * Feed one watch event (path, token as xs_read_watch returned them).
 * Events whose token is not ours are ignored (returns 0), so a daemon can
 * hand every event to each of its backends.
 */
int xenbus_backend_handle(struct xenbus_backend *be, const char *path,
                          const char *token);
/* Re-evaluate every device (a periodic safety net). */
void xenbus_backend_rescan(struct xenbus_backend *be);
/* Number of devices currently known. */
size_t xenbus_backend_count(const struct xenbus_backend *be);
/* Disconnect and remove every device, unwatch, free. NULL ok. */
void xenbus_backend_destroy(struct xenbus_backend *be);

/* Accessors for callbacks. Strings are borrowed for the device's life. */
uint32_t xenbus_dev_domid(const struct xenbus_dev *dev);
uint32_t xenbus_dev_devid(const struct xenbus_dev *dev);
const char *xenbus_dev_be_path(const struct xenbus_dev *dev);
/* Frontend path as read from the backend's "frontend" key. */
const char *xenbus_dev_fe_path(const struct xenbus_dev *dev);
struct xs_handle *xenbus_dev_xs(const struct xenbus_dev *dev);
void *xenbus_dev_ctx(const struct xenbus_dev *dev);
void *xenbus_dev_priv(const struct xenbus_dev *dev);
void xenbus_dev_set_priv(struct xenbus_dev *dev, void *priv);
/* Why probe failed, in the user's words: written to the backend's
 * hotplug-error (what `xm block-attach` and create print) instead of the
 * bare errno. */
void xenbus_dev_why(struct xenbus_dev *dev, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
