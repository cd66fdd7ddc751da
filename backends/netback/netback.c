/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netback.c: the netback daemon. Serves every vif under
 * /local/domain/0/backend/vif: probe creates the tap on its bridge and runs
 * the hotplug script, connect maps the frontend's TX/RX rings and starts a
 * serving thread (netring.c), remove takes the tap away.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "lib/parse.h"
#include "lib/rand.h"
#include "netback/netring.h"
#include "netback/vif.h"
#include "xenbus/daemon.h"
#include "xenbus/xenbus.h"

#define RESCAN_MS 2000

struct vif {
    struct nbvif *tap;
    struct netring *ring;
    char *script;
    unsigned mtu;
};

/* The MAC is the toolstack's; if it wrote none, make one as libxl does
 * (rand_mac) and publish it on both ends for the frontend. Returns 0 or
 * -errno (no randomness: the device fails rather than get a weak MAC). */
static int vif_mac(struct xenbus_dev *dev)
{
    struct xs_handle *xs = xenbus_dev_xs(dev);
    uint8_t m[6];
    char *mac;
    int rc;

    if (!xsutil_read(xs, XBT_NULL, xenbus_dev_be_path(dev), "mac", &mac)) {
        free(mac);
        return 0;
    }
    rc = rand_mac(m);
    if (rc)
        return rc;
    xsutil_printf(xs, XBT_NULL, xenbus_dev_be_path(dev), "mac",
                  "00:16:3e:%02x:%02x:%02x", m[3], m[4], m[5]);
    if (xenbus_dev_fe_path(dev))
        xsutil_printf(xs, XBT_NULL, xenbus_dev_fe_path(dev), "mac",
                      "00:16:3e:%02x:%02x:%02x", m[3], m[4], m[5]);
    return 0;
}

static void vif_publish(struct xs_handle *xs, const char *be)
{
    xsutil_write(xs, XBT_NULL, be, "feature-sg", "1");
    xsutil_write(xs, XBT_NULL, be, "feature-rx-copy", "1");
    xsutil_write(xs, XBT_NULL, be, "feature-rx-flip", "0");
    xsutil_write(xs, XBT_NULL, be, "feature-gso-tcpv4", "0");
    xsutil_write(xs, XBT_NULL, be, "feature-gso-tcpv6", "0");
    xsutil_write(xs, XBT_NULL, be, "feature-ipv6-csum-offload", "1");
    xsutil_write(xs, XBT_NULL, be, "feature-split-event-channels", "0");
    xsutil_write(xs, XBT_NULL, be, "hotplug-status", "connected");
}

static void vif_free(struct vif *v)
{
    nbvif_destroy(v->tap);
    free(v->script);
    free(v);
}

static int vif_probe(struct xenbus_dev *dev)
{
    struct xs_handle *xs = xenbus_dev_xs(dev);
    const char *be = xenbus_dev_be_path(dev);
    struct vif *v = calloc(1, sizeof(*v));
    char *bridge = NULL, *name = NULL, defname[32];
    unsigned long long mtu = 1500;
    int rc;

    if (!v)
        return -ENOMEM;
    if (xsutil_read(xs, XBT_NULL, be, "bridge", &bridge))
        bridge = strdup("xenbr0");
    if (xsutil_read(xs, XBT_NULL, be, "vifname", &name) || !*name) {
        free(name);
        snprintf(defname, sizeof(defname), "vif%u.%u", xenbus_dev_domid(dev),
                 xenbus_dev_devid(dev));
        name = strdup(defname);
    }
    rc = xsutil_read_ull(xs, XBT_NULL, be, "mtu", 65000, &mtu);
    if (rc && rc != -ENOENT)
        goto out;
    v->mtu = (unsigned)mtu;
    if (xsutil_read(xs, XBT_NULL, be, "script", &v->script) == 0 &&
        !*v->script) {
        free(v->script);
        v->script = NULL;
    }
    rc = vif_mac(dev);
    if (rc)
        goto out;
    rc = (!bridge || !name) ? -ENOMEM
                            : nbvif_create(name, bridge, v->mtu, &v->tap);
    if (rc) {
        log_warnx("dom %u vif %u: %s on %s: %s", xenbus_dev_domid(dev),
                  xenbus_dev_devid(dev), name, bridge, strerror(-rc));
        goto out;
    }
    if (v->script) {
        rc = nbvif_run_script(v->script, "online", be, name);
        if (rc)
            goto out;
    }
    vif_publish(xs, be);
    log_info("dom %u vif %u: %s on %s", xenbus_dev_domid(dev),
             xenbus_dev_devid(dev), name, bridge);
    xenbus_dev_set_priv(dev, v);
    v = NULL;
out:
    if (v)
        vif_free(v);
    free(bridge);
    free(name);
    return rc;
}

/* libxl's "rate" = "<bytes>,<usecs>" (xl vif rate=10MB/s@20ms). */
static void vif_rate(struct xenbus_dev *dev, struct netring *ring)
{
    unsigned long long bytes, usecs;
    char *rate, *comma;

    if (xsutil_read(xenbus_dev_xs(dev), XBT_NULL, xenbus_dev_be_path(dev),
                    "rate", &rate))
        return;
    comma = strchr(rate, ',');
    if (comma) {
        *comma = '\0';
        if (!parse_ull(rate, 10, UINT64_MAX, &bytes) &&
            !parse_ull(comma + 1, 10, UINT32_MAX, &usecs)) {
            netring_set_rate(ring, bytes, (uint32_t)usecs);
            log_info("dom %u vif %u: rate %llu bytes per %llu us",
                     xenbus_dev_domid(dev), xenbus_dev_devid(dev), bytes,
                     usecs);
        }
    }
    free(rate);
}

static int vif_connect(struct xenbus_dev *dev)
{
    struct xenbus_daemon *nb = xenbus_dev_ctx(dev);
    struct vif *v = xenbus_dev_priv(dev);
    const char *fe = xenbus_dev_fe_path(dev);
    unsigned long long tx, rx, port, copy = 0;
    int rc;

    rc = xsutil_read_ull(nb->xs, XBT_NULL, fe, "tx-ring-ref", UINT32_MAX, &tx);
    if (!rc)
        rc = xsutil_read_ull(nb->xs, XBT_NULL, fe, "rx-ring-ref", UINT32_MAX,
                             &rx);
    if (!rc)
        rc = xsutil_read_ull(nb->xs, XBT_NULL, fe, "event-channel", UINT32_MAX,
                             &port);
    if (rc)
        return rc;
    /* Page flipping is long gone from Xen: copy is all we do. */
    xsutil_read_ull(nb->xs, XBT_NULL, fe, "request-rx-copy", 1, &copy);
    if (!copy) {
        log_warnx("dom %u vif %u: frontend without request-rx-copy",
                  xenbus_dev_domid(dev), xenbus_dev_devid(dev));
        return -EOPNOTSUPP;
    }
    rc = netring_create(nb->hv, xenbus_dev_domid(dev), (uint32_t)tx,
                        (uint32_t)rx, (uint32_t)port, nbvif_fd(v->tap), v->mtu,
                        &v->ring);
    if (!rc) {
        vif_rate(dev, v->ring);
        rc = netring_start(v->ring);
    }
    if (rc) {
        netring_destroy(v->ring);
        v->ring = NULL;
    }
    return rc;
}

static void vif_disconnect(struct xenbus_dev *dev)
{
    struct vif *v = xenbus_dev_priv(dev);
    struct netring_stats st;

    if (!v->ring)
        return;
    netring_stop(v->ring);
    netring_get_stats(v->ring, &st);
    log_info(
        "dom %u vif %u: disconnected: tx %llu packets (%llu malformed, "
        "%llu too large, %llu bad refs, %llu dropped), rx %llu packets "
        "(%llu errors)",
        xenbus_dev_domid(dev), xenbus_dev_devid(dev),
        (unsigned long long)st.tx_packets, (unsigned long long)st.tx_malformed,
        (unsigned long long)st.tx_too_large, (unsigned long long)st.tx_bad_ref,
        (unsigned long long)st.tx_dropped, (unsigned long long)st.rx_packets,
        (unsigned long long)st.rx_errors);
    netring_destroy(v->ring);
    v->ring = NULL;
}

static void vif_remove(struct xenbus_dev *dev)
{
    struct vif *v = xenbus_dev_priv(dev);

    if (v->script)
        nbvif_run_script(v->script, "offline", xenbus_dev_be_path(dev),
                         nbvif_name(v->tap));
    vif_free(v);
    xenbus_dev_set_priv(dev, NULL);
}

static const struct xenbus_backend_ops vif_ops = {
    .kind = "vif",
    .probe = vif_probe,
    .connect = vif_connect,
    .disconnect = vif_disconnect,
    .remove = vif_remove,
};

int main(int argc, char **argv)
{
    static const struct xenbus_daemon_spec spec = {
        .name = "netback",
        .ops = &vif_ops,
        .rescan_ms = RESCAN_MS,
    };

    return xenbus_daemon_main(&spec, NULL, argc, argv);
}
