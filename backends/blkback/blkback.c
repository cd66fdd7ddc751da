/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * blkback.c: the blkback daemon. Serves every vbd under
 * /local/domain/0/backend/vbd through the xenbus framework: probe opens the
 * disk and publishes features, connect maps the frontend's ring and starts
 * a serving thread (blkring.c), disconnect stops it. Once a second the
 * connected vbds' counters go to <be>/statistics/ (vbdstats.c).
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "blkback/blkring.h"
#include "blkback/req.h"
#include "blkback/vbdstats.h"
#include "hv/hv.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "xenbus/daemon.h"
#include "xenbus/xenbus.h"
#include <xen/io/protocols.h>

#define RESCAN_MS 2000

struct vbd {
    struct blkdisk *disk;
    struct blkring *ring;
    int readonly, cdrom, removable;
    struct xenbus_dev *dev;
    struct vbdstats stats;
    struct vbd *next_live; /* on blkback.live while connected */
};

/* The daemon's own state (xenbus_daemon.arg): the connected vbds, whose
 * counters the tick publishes. Touched by the main thread only. */
struct blkback {
    struct vbd *live;
};

static void vbd_stats(struct vbd *v, struct xs_handle *xs, int force)
{
    struct blkring_iostats st;

    blkring_get_iostats(v->ring, &st);
    vbdstats_publish(&v->stats, xs, xenbus_dev_be_path(v->dev), &st, mono_ms(),
                     force);
}

/* Every second: the counters that changed, into the store. */
static void blkback_tick(struct xenbus_daemon *d)
{
    struct blkback *b = d->arg;
    struct vbd *v;

    for (v = b->live; v; v = v->next_live)
        vbd_stats(v, d->xs, 0);
}

static int key_is(struct xs_handle *xs, const char *dir, const char *key,
                  const char *val)
{
    char *v;
    int eq;

    if (xsutil_read(xs, XBT_NULL, dir, key, &v))
        return 0;
    eq = !strcmp(v, val);
    free(v);
    return eq;
}

/* Features and the hotplug keys the block script would write. */
static void vbd_publish(struct xs_handle *xs, const char *be,
                        const struct vbd *v, const char *params)
{
    struct stat st;

    xsutil_write(xs, XBT_NULL, be, "feature-flush-cache", "1");
    xsutil_write(xs, XBT_NULL, be, "feature-barrier", "1");
    xsutil_printf(xs, XBT_NULL, be, "feature-max-indirect-segments", "%d",
                  BLK_MAX_INDIRECT_SEGS);
    if (blkdisk_can_discard(v->disk) && !v->readonly &&
        !key_is(xs, be, "discard-enable", "0")) {
        xsutil_write(xs, XBT_NULL, be, "feature-discard", "1");
        xsutil_write(xs, XBT_NULL, be, "discard-granularity", "4096");
        xsutil_write(xs, XBT_NULL, be, "discard-alignment", "0");
    }
    if (!stat(params, &st) && S_ISBLK(st.st_mode))
        xsutil_printf(xs, XBT_NULL, be, "physical-device", "%x:%x",
                      major(st.st_rdev), minor(st.st_rdev));
    xsutil_write(xs, XBT_NULL, be, "hotplug-status", "connected");
}

static int vbd_probe(struct xenbus_dev *dev)
{
    struct xenbus_daemon *bb = xenbus_dev_ctx(dev);
    struct xs_handle *xs = xenbus_dev_xs(dev);
    const char *be = xenbus_dev_be_path(dev);
    struct vbd *v = calloc(1, sizeof(*v));
    char *params = NULL;
    int rc;

    if (!v)
        return -ENOMEM;
    rc = xsutil_read(xs, XBT_NULL, be, "params", &params);
    if (rc)
        goto fail;
    v->cdrom = key_is(xs, be, "device-type", "cdrom");
    v->removable = key_is(xs, be, "removable", "1");
    v->readonly = !key_is(xs, be, "mode", "w") || v->cdrom;
    /* no O_DIRECT into gntdev mappings on Xen (disk.h) */
    rc = blkdisk_open_direct(params, v->readonly,
                             strcmp(hv_engine_name(bb->hv), "xen") != 0,
                             &v->disk);
    if (rc == -EBUSY) /* the words of Xen's block script */
        xenbus_dev_why(dev, "%s is in use %s, and so cannot be attached %s now",
                       params,
                       v->readonly ? "read-write by a guest domain"
                                   : "by a guest domain or mounted",
                       v->readonly ? "read-only" : "read-write");
    else if (rc)
        xenbus_dev_why(dev, "%s: %s", params, strerror(-rc));
    if (rc)
        goto fail;
    vbd_publish(xs, be, v, params);
    log_info("dom %u vbd %u: %s (%llu sectors%s%s)", xenbus_dev_domid(dev),
             xenbus_dev_devid(dev), params,
             (unsigned long long)blkdisk_sectors(v->disk),
             v->readonly ? ", read-only" : "",
             blkdisk_direct(v->disk) ? ", O_DIRECT" : "");
    free(params);
    xenbus_dev_set_priv(dev, v);
    return 0;
fail:
    free(params);
    blkdisk_close(v->disk);
    free(v);
    return rc;
}

static int vbd_connect(struct xenbus_dev *dev)
{
    struct xenbus_daemon *bb = xenbus_dev_ctx(dev);
    struct vbd *v = xenbus_dev_priv(dev);
    struct xs_handle *xs = bb->xs;
    const char *fe = xenbus_dev_fe_path(dev), *be = xenbus_dev_be_path(dev);
    unsigned long long ref, port;
    char *proto = NULL;
    int rc;

    rc = xsutil_read_ull(xs, XBT_NULL, fe, "ring-ref", UINT32_MAX, &ref);
    if (rc == -ENOENT)
        rc = xsutil_read_ull(xs, XBT_NULL, fe, "ring-ref0", UINT32_MAX, &ref);
    if (!rc)
        rc = xsutil_read_ull(xs, XBT_NULL, fe, "event-channel", UINT32_MAX,
                             &port);
    if (rc)
        return rc;
    /* Only the native (x86_64) layout: others would misparse requests. */
    if (!xsutil_read(xs, XBT_NULL, fe, "protocol", &proto) &&
        strcmp(proto, XEN_IO_PROTO_ABI_NATIVE)) {
        log_warnx("dom %u vbd %u: protocol %s unsupported",
                  xenbus_dev_domid(dev), xenbus_dev_devid(dev), proto);
        free(proto);
        return -EPROTONOSUPPORT;
    }
    free(proto);
    rc = blkring_create(bb->hv, xenbus_dev_domid(dev), (uint32_t)ref,
                        (uint32_t)port, v->disk, BLK_MAX_INDIRECT_SEGS,
                        &v->ring);
    if (!rc)
        rc = blkring_start(v->ring);
    if (rc) {
        blkring_destroy(v->ring);
        v->ring = NULL;
        return rc;
    }
    xsutil_printf(xs, XBT_NULL, be, "sectors", "%llu",
                  (unsigned long long)blkdisk_sectors(v->disk));
    xsutil_write(xs, XBT_NULL, be, "sector-size", "512");
    xsutil_write(xs, XBT_NULL, be, "physical-sector-size", "512");
    /* zeros at once: xentop shows 0, not '-', before the first I/O */
    v->dev = dev;
    memset(&v->stats, 0, sizeof(v->stats));
    vbd_stats(v, xs, 1);
    v->next_live = ((struct blkback *)bb->arg)->live;
    ((struct blkback *)bb->arg)->live = v;
    xsutil_printf(xs, XBT_NULL, be, "info", "%d",
                  (v->readonly ? VDISK_READONLY : 0) |
                      (v->cdrom ? VDISK_CDROM : 0) |
                      (v->removable ? VDISK_REMOVABLE : 0));
    return 0;
}

static void vbd_disconnect(struct xenbus_dev *dev)
{
    struct xenbus_daemon *bb = xenbus_dev_ctx(dev);
    struct blkback *b = bb->arg;
    struct vbd *v = xenbus_dev_priv(dev), **pp;
    struct blkring_stats st;

    if (!v->ring)
        return;
    blkring_stop(v->ring);
    for (pp = &b->live; *pp; pp = &(*pp)->next_live)
        if (*pp == v) {
            *pp = v->next_live;
            break;
        }
    vbd_stats(v, bb->xs, 1); /* the last figures (none if removed) */
    blkring_get_stats(v->ring, &st);
    log_info("dom %u vbd %u: disconnected after %llu requests (%llu errors)",
             xenbus_dev_domid(dev), xenbus_dev_devid(dev),
             (unsigned long long)st.requests, (unsigned long long)st.errors);
    blkring_destroy(v->ring);
    v->ring = NULL;
}

static void vbd_remove(struct xenbus_dev *dev)
{
    struct vbd *v = xenbus_dev_priv(dev);

    blkdisk_close(v->disk);
    free(v);
    xenbus_dev_set_priv(dev, NULL);
}

static const struct xenbus_backend_ops vbd_ops = {
    .kind = "vbd",
    .probe = vbd_probe,
    .connect = vbd_connect,
    .disconnect = vbd_disconnect,
    .remove = vbd_remove,
};

int main(int argc, char **argv)
{
    static const struct xenbus_daemon_spec spec = {
        .name = "blkback",
        .ops = &vbd_ops,
        .rescan_ms = RESCAN_MS,
        .tick = blkback_tick,
        .tick_ms = VBDSTATS_MIN_MS,
    };
    struct blkback b = {NULL};

    return xenbus_daemon_main(&spec, &b, argc, argv);
}
