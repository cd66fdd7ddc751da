/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenbus_util.c: conveniences over the xenbus client (xenbus.c) that
 * frontends use: numbers, printf-style writes, waiting for a XenbusState,
 * and the steps of the frontend handshake blkfront and netfront share.
 */
#include "xenbus.h"

#include "kernel.h"

#include <xen/io/xenbus.h>

int xenbus_read_ulong(uint32_t tx, const char *path, unsigned long *val_out)
{
    char buf[32];
    const char *end;
    int rc = xenbus_read(tx, path, buf, sizeof(buf));
    if (rc < 0)
        return rc;
    rc = lib_parse_ulong(buf, val_out, &end);
    return rc < 0 || *end ? -XEN_EINVAL : 0;
}

int xenbus_printf(uint32_t tx, const char *dir, const char *node,
                  const char *fmt, ...)
{
    char path[160], val[160];
    va_list ap;

    if (snprintf(path, sizeof(path), "%s/%s", dir, node) >= (int)sizeof(path))
        return -XEN_E2BIG;
    va_start(ap, fmt);
    vsnprintf(val, sizeof(val), fmt, ap);
    va_end(ap);
    return xenbus_write(tx, path, val);
}

int xenbus_wait_state(const char *path, unsigned long min_state,
                      uint64_t deadline_ns)
{
    char wpath[160], token[64];
    unsigned long st = 0;
    int rc;

    rc = xenbus_watch(path, "state-wait");
    if (rc < 0)
        return rc;
    for (;;) {
        if (xenbus_read_ulong(XBT_NIL, path, &st) == 0 && st >= min_state)
            break;
        rc = xenbus_wait_watch_token("state-wait", wpath, sizeof(wpath), token,
                                     sizeof(token), deadline_ns);
        if (rc < 0)
            break;
    }
    xenbus_unwatch(path, "state-wait");
    xenbus_flush_watch("state-wait");
    return rc < 0 ? rc : (int)st;
}

int xenbus_front_find(const char *kind, char *node, size_t nsize, char *backend,
                      size_t bsize, unsigned *backend_id)
{
    char names[128], path[160];
    unsigned long v;
    int rc;

    snprintf(path, sizeof(path), "device/%s", kind);
    rc = xenbus_directory(XBT_NIL, path, names, sizeof(names));
    if (rc <= 0)
        return rc < 0 ? rc : -XEN_ENODEV;
    if (snprintf(node, nsize, "device/%s/%s", kind, names) >= (int)nsize)
        return -XEN_E2BIG;
    snprintf(path, sizeof(path), "%s/backend-id", node);
    if (xenbus_read_ulong(XBT_NIL, path, &v) < 0 || v >= DOMID_FIRST_RESERVED)
        return -XEN_EIO;
    *backend_id = (unsigned)v;
    snprintf(path, sizeof(path), "%s/backend", node);
    if (xenbus_read(XBT_NIL, path, backend, bsize) <= 0)
        return -XEN_EIO;
    return 0;
}

/* Writes kv and the state in tx; aborts tx on a failed write. */
static int publish_tx(uint32_t tx, const char *node, const struct xenbus_kv *kv,
                      unsigned n)
{
    unsigned i;
    int rc = 0;

    for (i = 0; i < n && !rc; i++)
        rc = xenbus_printf(tx, node, kv[i].key, "%s", kv[i].val);
    if (!rc)
        rc = xenbus_printf(tx, node, "state", "%d", XenbusStateInitialised);
    if (rc)
        xenbus_transaction_end(tx, 1);
    return rc;
}

int xenbus_front_publish(const char *node, const struct xenbus_kv *kv,
                         unsigned n)
{
    uint32_t tx;
    int rc = 0, tries;

    for (tries = 0; tries < 10; tries++) {
        rc = xenbus_transaction_start(&tx);
        if (rc < 0)
            return rc;
        rc = publish_tx(tx, node, kv, n);
        if (rc)
            return rc;
        rc = xenbus_transaction_end(tx, 0);
        if (rc != -XEN_EAGAIN)
            return rc;
    }
    return rc;
}

int xenbus_front_wait_connected(const char *backend)
{
    char path[192];
    int rc;

    snprintf(path, sizeof(path), "%s/state", backend);
    rc = xenbus_wait_state(path, XenbusStateConnected,
                           time_now_ns() + 10ULL * 1000000000ULL);
    if (rc < 0)
        return rc;
    return rc == XenbusStateConnected ? 0 : -XEN_EIO;
}

int xenbus_front_connected(const char *node, const char *backend,
                           const char *token)
{
    char path[192];
    int rc;

    rc = xenbus_printf(XBT_NIL, node, "state", "%d", XenbusStateConnected);
    if (rc < 0)
        return rc;
    snprintf(path, sizeof(path), "%s/state", backend);
    xenbus_watch(path, token);
    return 0;
}

void xenbus_front_unwatch(const char *backend, const char *token)
{
    char path[192];

    snprintf(path, sizeof(path), "%s/state", backend);
    xenbus_unwatch(path, token);
}

bool xenbus_front_backend_closing(const char *backend)
{
    char path[192];
    unsigned long st;

    snprintf(path, sizeof(path), "%s/state", backend);
    return xenbus_read_ulong(XBT_NIL, path, &st) != 0 ||
           st >= XenbusStateClosing;
}
