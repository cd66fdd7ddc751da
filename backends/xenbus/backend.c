/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * backend.c: the XenbusState machine of a backend, as Linux's xenbus
 * backend core and blkback/netback frontend_changed() walk it. Every watch
 * event re-evaluates the device from what the store says now, so the
 * machine is idempotent and tolerates skipped states (Mini-OS frontends go
 * straight from Initialising to Connected). A backend that restarts adopts
 * the devices its previous instance served (InitWait, Connected) from the
 * store, without the frontend renegotiating.
 */
#include "xenbus/xenbus.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "lib/parse.h"

#define XB_PATH_MAX 3072

struct xenbus_dev {
    struct xenbus_dev *next;
    struct xenbus_backend *be;
    uint32_t domid, devid;
    char be_path[256];
    char *fe_path;           /* from the backend's "frontend" key */
    char *fe_watch;          /* fe_path + "/state", watched */
    enum xenbus_state state; /* what we last wrote */
    int probed, connected, fe_seen;
    void *priv;
    char why[200]; /* set by the backend's probe: see xenbus_dev_why */
};

struct xenbus_backend {
    struct xs_handle *xs;
    const struct xenbus_backend_ops *ops;
    void *ctx;
    char root[128];    /* /local/domain/<bdomid>/backend/<kind> */
    char be_token[64]; /* "xbbe:<kind>" */
    char fe_token[64]; /* "xbfe:<kind>" */
    int watching;
    struct xenbus_dev *devs;
    size_t ndevs;
};

uint32_t xenbus_dev_domid(const struct xenbus_dev *dev)
{
    return dev->domid;
}
uint32_t xenbus_dev_devid(const struct xenbus_dev *dev)
{
    return dev->devid;
}
const char *xenbus_dev_be_path(const struct xenbus_dev *dev)
{
    return dev->be_path;
}
const char *xenbus_dev_fe_path(const struct xenbus_dev *dev)
{
    return dev->fe_path;
}
struct xs_handle *xenbus_dev_xs(const struct xenbus_dev *dev)
{
    return dev->be->xs;
}
void *xenbus_dev_ctx(const struct xenbus_dev *dev)
{
    return dev->be->ctx;
}
void *xenbus_dev_priv(const struct xenbus_dev *dev)
{
    return dev->priv;
}
void xenbus_dev_set_priv(struct xenbus_dev *dev, void *priv)
{
    dev->priv = priv;
}
size_t xenbus_backend_count(const struct xenbus_backend *be)
{
    return be->ndevs;
}

static void dev_switch(struct xenbus_dev *dev, enum xenbus_state st)
{
    int rc;

    if (dev->state == st)
        return;
    rc = xenbus_switch_state(dev->be->xs, dev->be_path, st);
    if (rc == -ENOENT)
        return; /* being removed: the watch event frees it */
    if (rc) {
        errno = -rc;
        log_warn("dom %u %s %u: state %s", dev->domid, dev->be->ops->kind,
                 dev->devid, xenbus_state_name(st));
        return;
    }
    log_debug("dom %u %s %u: %s -> %s", dev->domid, dev->be->ops->kind,
              dev->devid, xenbus_state_name(dev->state), xenbus_state_name(st));
    dev->state = st;
}

/* Report a device failure where libxl and the toolstack look for it. */
void xenbus_dev_why(struct xenbus_dev *dev, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(dev->why, sizeof(dev->why), fmt, ap);
    va_end(ap);
}

static void dev_fail(struct xenbus_dev *dev, const char *what, int rc)
{
    log_warnx("dom %u %s %u: %s: %s", dev->domid, dev->be->ops->kind,
              dev->devid, what, dev->why[0] ? dev->why : strerror(-rc));
    if (dev->why[0])
        xsutil_write(dev->be->xs, XBT_NULL, dev->be_path, "hotplug-error",
                     dev->why);
    else
        xsutil_printf(dev->be->xs, XBT_NULL, dev->be_path, "hotplug-error",
                      "%s: %s", what, strerror(-rc));
    xsutil_write(dev->be->xs, XBT_NULL, dev->be_path, "hotplug-status",
                 "error");
    dev_switch(dev, XenbusStateClosing);
}

static void dev_disconnect(struct xenbus_dev *dev)
{
    if (!dev->connected)
        return;
    dev->be->ops->disconnect(dev);
    dev->connected = 0;
}

static void dev_free(struct xenbus_backend *be, struct xenbus_dev *dev)
{
    struct xenbus_dev **pp;

    dev_disconnect(dev);
    if (dev->probed && be->ops->remove)
        be->ops->remove(dev);
    if (dev->fe_watch && be->watching)
        xs_unwatch(be->xs, dev->fe_watch, be->fe_token);
    for (pp = &be->devs; *pp; pp = &(*pp)->next) {
        if (*pp == dev) {
            *pp = dev->next;
            be->ndevs--;
            break;
        }
    }
    free(dev->fe_path);
    free(dev->fe_watch);
    free(dev);
}

static int dev_online(struct xenbus_dev *dev)
{
    unsigned long long v;

    /* libxl always writes online; treat a missing key as online. */
    if (xsutil_read_ull(dev->be->xs, XBT_NULL, dev->be_path, "online", 1, &v))
        return 1;
    return v == 1;
}

static void dev_probe(struct xenbus_dev *dev, enum xenbus_state be_state)
{
    int rc;

    /*
     * InitWait or Connected on a device we have not probed: we restarted
     * (one instance per host, pid file) and the previous one served it.
     * Probe again (open the disk or tap), keep the state the frontend
     * saw; dev_frontend() then connects to the rings and event channel
     * named in the store. Closing/Closed devices are on their way out.
     */
    if (be_state != XenbusStateInitialising &&
        be_state != XenbusStateInitWait && be_state != XenbusStateConnected)
        return;
    dev->why[0] = '\0';
    rc = dev->be->ops->probe(dev);
    if (rc) {
        dev_fail(dev, "probe", rc);
        return;
    }
    dev->probed = 1;
    if (be_state == XenbusStateInitialising)
        dev_switch(dev, XenbusStateInitWait);
    else
        log_info("dom %u %s %u: adopted in state %s", dev->domid,
                 dev->be->ops->kind, dev->devid, xenbus_state_name(be_state));
}

static void dev_frontend(struct xenbus_dev *dev, enum xenbus_state fe)
{
    int rc;

    switch (fe) {
    case XenbusStateInitialising:
    case XenbusStateInitWait:
        /* A frontend reconnecting after Closed (Linux does this on
         * module reload): offer the device again. */
        if (dev->state == XenbusStateClosed)
            dev_switch(dev, XenbusStateInitWait);
        break;
    case XenbusStateInitialised:
    case XenbusStateConnected:
        /* Connected but not connected: adopted after a restart. */
        if (dev->connected || (dev->state != XenbusStateInitWait &&
                               dev->state != XenbusStateConnected))
            break;
        rc = dev->be->ops->connect(dev);
        if (rc) {
            dev_fail(dev, "connect", rc);
            break;
        }
        dev->connected = 1;
        dev_switch(dev, XenbusStateConnected);
        break;
    case XenbusStateClosing:
        dev_disconnect(dev);
        dev_switch(dev, XenbusStateClosing);
        break;
    case XenbusStateClosed:
        dev_disconnect(dev);
        dev_switch(dev, XenbusStateClosed);
        break;
    case XenbusStateUnknown:
        /* Frontend directory gone (domain destroyed): only meaningful
         * once we have seen the frontend. */
        if (dev->fe_seen) {
            dev_disconnect(dev);
            dev_switch(dev, XenbusStateClosed);
        }
        break;
    default:
        break;
    }
}

/* Bring the device in line with the store. Returns 1 if it was freed. */
static int dev_evaluate(struct xenbus_backend *be, struct xenbus_dev *dev)
{
    enum xenbus_state be_state = xenbus_read_state(be->xs, dev->be_path);
    enum xenbus_state fe_state;

    if (be_state == XenbusStateUnknown) {
        /* The toolstack removed the backend directory. */
        log_debug("dom %u %s %u: removed", dev->domid, be->ops->kind,
                  dev->devid);
        dev_free(be, dev);
        return 1;
    }
    if (!dev->probed) {
        if (dev->state == XenbusStateUnknown)
            dev->state = be_state;
        dev_probe(dev, be_state);
        if (!dev->probed)
            return 0;
    }
    fe_state = dev->fe_watch ? xenbus_read_state(be->xs, dev->fe_path)
                             : XenbusStateUnknown;
    if (fe_state != XenbusStateUnknown)
        dev->fe_seen = 1;
    if (!dev_online(dev)) {
        /* libxl's removal: online=0, then wait for Closed. */
        dev_disconnect(dev);
        if (dev->state < XenbusStateClosing)
            dev_switch(dev, XenbusStateClosing);
        if (fe_state == XenbusStateUnknown || fe_state == XenbusStateClosed ||
            fe_state == XenbusStateInitialising ||
            fe_state == XenbusStateInitWait) {
            dev_switch(dev, XenbusStateClosed);
            /* Detached: let go of the disk or tap now, as Linux does,
             * rather than when the toolstack removes the directory. A
             * later online=1 + Initialising probes it afresh. */
            if (dev->probed && dev->be->ops->remove)
                dev->be->ops->remove(dev);
            dev->probed = 0;
        }
        return 0;
    }
    dev_frontend(dev, fe_state);
    return 0;
}

static struct xenbus_dev *dev_find(struct xenbus_backend *be, uint32_t domid,
                                   uint32_t devid)
{
    struct xenbus_dev *d;

    for (d = be->devs; d; d = d->next)
        if (d->domid == domid && d->devid == devid)
            return d;
    return NULL;
}

static int dev_new(struct xenbus_backend *be, uint32_t domid, uint32_t devid,
                   struct xenbus_dev **out)
{
    struct xenbus_dev *dev = calloc(1, sizeof(*dev));
    size_t n;
    int rc;

    if (!dev)
        return -ENOMEM;
    dev->be = be;
    dev->domid = domid;
    dev->devid = devid;
    snprintf(dev->be_path, sizeof(dev->be_path), "%s/%u/%u", be->root, domid,
             devid);
    rc = xsutil_read(be->xs, XBT_NULL, dev->be_path, "frontend", &dev->fe_path);
    if (rc == 0 && dev->fe_path[0] == '/') {
        n = strlen(dev->fe_path) + sizeof("/state");
        dev->fe_watch = malloc(n);
        if (!dev->fe_watch) {
            free(dev->fe_path);
            free(dev);
            return -ENOMEM;
        }
        snprintf(dev->fe_watch, n, "%s/state", dev->fe_path);
        if (!xs_watch(be->xs, dev->fe_watch, be->fe_token))
            log_warn("dom %u %s %u: watch %s", domid, be->ops->kind, devid,
                     dev->fe_watch);
    }
    dev->next = be->devs;
    be->devs = dev;
    be->ndevs++;
    *out = dev;
    return 0;
}

static int parse_id(const char *s, size_t len, uint32_t *out)
{
    char buf[16];
    long long v;

    if (len == 0 || len >= sizeof(buf))
        return -EINVAL;
    memcpy(buf, s, len);
    buf[len] = '\0';
    if (parse_ll(buf, 10, 0, UINT32_MAX, &v))
        return -EINVAL;
    *out = (uint32_t)v;
    return 0;
}

/* Find or create the device for root/<domid>/<devid>, then evaluate it. */
static void backend_touch(struct xenbus_backend *be, uint32_t domid,
                          uint32_t devid)
{
    struct xenbus_dev *dev = dev_find(be, domid, devid);
    char path[256];
    char *v;

    if (!dev) {
        /* Only a directory with a state key is a device. */
        snprintf(path, sizeof(path), "%s/%u/%u", be->root, domid, devid);
        if (xsutil_read(be->xs, XBT_NULL, path, "state", &v))
            return;
        free(v);
        if (dev_new(be, domid, devid, &dev))
            return;
    }
    dev_evaluate(be, dev);
}

void xenbus_backend_rescan(struct xenbus_backend *be)
{
    struct xenbus_dev *d, *next;
    char **doms, **devs, path[256];
    unsigned int nd = 0, nv = 0, i, j;
    uint32_t domid, devid;

    for (d = be->devs; d; d = next) {
        next = d->next;
        dev_evaluate(be, d);
    }
    doms = xs_directory(be->xs, XBT_NULL, be->root, &nd);
    for (i = 0; doms && i < nd; i++) {
        if (parse_id(doms[i], strlen(doms[i]), &domid))
            continue;
        snprintf(path, sizeof(path), "%s/%s", be->root, doms[i]);
        devs = xs_directory(be->xs, XBT_NULL, path, &nv);
        for (j = 0; devs && j < nv; j++)
            if (!parse_id(devs[j], strlen(devs[j]), &devid) &&
                !dev_find(be, domid, devid))
                backend_touch(be, domid, devid);
        free(devs);
    }
    free(doms);
}

int xenbus_backend_handle(struct xenbus_backend *be, const char *path,
                          const char *token)
{
    size_t rl = strlen(be->root);
    const char *p, *slash;
    struct xenbus_dev *d, *next;
    uint32_t domid, devid;

    if (!strcmp(token, be->fe_token)) {
        for (d = be->devs; d; d = next) {
            next = d->next;
            if (d->fe_watch && !strcmp(d->fe_watch, path))
                dev_evaluate(be, d);
        }
        return 0;
    }
    if (strcmp(token, be->be_token))
        return 0;
    if (strncmp(path, be->root, rl) || (path[rl] && path[rl] != '/'))
        return 0;
    p = path + rl + (path[rl] == '/');
    slash = strchr(p, '/');
    if (!*p || !slash || parse_id(p, (size_t)(slash - p), &domid)) {
        /* The kind or a whole domain's directory changed. */
        xenbus_backend_rescan(be);
        return 0;
    }
    p = slash + 1;
    slash = strchr(p, '/');
    if (parse_id(p, slash ? (size_t)(slash - p) : strlen(p), &devid))
        return 0;
    backend_touch(be, domid, devid);
    return 0;
}

int xenbus_backend_create(struct xs_handle *xs, uint32_t backend_domid,
                          const struct xenbus_backend_ops *ops, void *ctx,
                          struct xenbus_backend **out)
{
    struct xenbus_backend *be = calloc(1, sizeof(*be));

    *out = NULL;
    if (!be)
        return -ENOMEM;
    be->xs = xs;
    be->ops = ops;
    be->ctx = ctx;
    snprintf(be->root, sizeof(be->root), "/local/domain/%u/backend/%s",
             backend_domid, ops->kind);
    snprintf(be->be_token, sizeof(be->be_token), "xbbe:%s", ops->kind);
    snprintf(be->fe_token, sizeof(be->fe_token), "xbfe:%s", ops->kind);
    if (!xs_watch(xs, be->root, be->be_token)) {
        int rc = errno ? -errno : -EIO;

        free(be);
        return rc;
    }
    be->watching = 1;
    xenbus_backend_rescan(be);
    *out = be;
    return 0;
}

void xenbus_backend_destroy(struct xenbus_backend *be)
{
    if (!be)
        return;
    while (be->devs)
        dev_free(be, be->devs);
    if (be->watching)
        xs_unwatch(be->xs, be->root, be->be_token);
    free(be);
}
