/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvm_run.c: starting an HVM domain for the domain library: taps, QEMU,
 * monitor, store entries; the store cleanup once QEMU goes is the caller's
 * (dm_store_remove_fn). Its state afterwards: state.c.
 */
#include "dm/hvm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include "dm/internal.h"

/* The store side of the monitor: xm shutdown/reboot write control/shutdown;
 * once QEMU is gone the domain leaves the store. */
struct hvm_req {
    struct xs_handle *xs;
    dm_store_remove_fn remove;
};

/* In the monitor, once QEMU is gone. */
static void hvm_gone(void *arg, uint32_t domid)
{
    struct hvm_req *r = arg;
    struct xs_handle *xs;

    if (!r->remove || !(xs = xs_open(0)))
        return;
    r->remove(xs, domid);
    xs_close(xs);
}

static int hvm_req_open(void *arg, uint32_t domid)
{
    struct hvm_req *r = arg;
    char p[96];

    r->xs = xs_open(0);
    if (!r->xs)
        return -errno;
    snprintf(p, sizeof(p), "/local/domain/%u/control/shutdown", domid);
    if (!xs_watch(r->xs, p, "hvm-shutdown"))
        return -EIO;
    return xs_fileno(r->xs);
}

static int hvm_req_read(void *arg, uint32_t domid, char *what, size_t len)
{
    struct hvm_req *r = arg;
    unsigned vlen;
    char p[96], **ev, *v;
    int got = 0;

    ev = xs_check_watch(r->xs);
    free(ev);
    snprintf(p, sizeof(p), "/local/domain/%u/control/shutdown", domid);
    v = xs_read(r->xs, XBT_NULL, p, &vlen);
    if (v && vlen && vlen < len) {
        memcpy(what, v, vlen);
        what[vlen] = '\0';
        got = 1;
        /* An HVM guest has no PV driver to ack it: we do, as we act. */
        xs_rm(r->xs, XBT_NULL, p);
    }
    free(v);
    return got;
}

static int store_write(struct xs_handle *xs, uint32_t domid, const char *fmt,
                       const char *val)
{
    char p[160];

    snprintf(p, sizeof(p), fmt, domid);
    return xs_write(xs, XBT_NULL, p, val, strlen(val)) ? 0 : -EIO;
}

/* What xl console and libxl's users find: the serial pty and the DM. */
static int write_store(struct xs_handle *xs, uint32_t domid, pid_t qpid)
{
    char pty[64] = "", pid[16];
    int rc = 0;

    snprintf(pid, sizeof(pid), "%d", (int)qpid);
    if (dm_console_pty(domid, pty, sizeof(pty)) == 0) {
        rc = store_write(xs, domid, "/local/domain/%u/console/tty", pty);
        if (!rc)
            rc = store_write(xs, domid, "/local/domain/%u/serial/0/tty", pty);
    }
    if (!rc)
        rc = store_write(xs, domid, "/local/domain/%u/console/type", "ioemu");
    if (!rc)
        rc = store_write(xs, domid, "/local/domain/%u/image/device-model-pid",
                         pid);
    if (!rc)
        rc = store_write(xs, domid, "/local/domain/0/device-model/%u/state",
                         "running");
    if (!rc)
        rc = store_write(xs, domid, "/libxl/%u/dm-version", "qemu_xen");
    return rc;
}

static int open_taps(struct dm_hvm *h, char *err, size_t errlen)
{
    struct dm_nic *n;
    size_t i;
    int rc;

    for (i = 0; (n = dm_hvm_nic(h, i)); i++) {
        const char *br = dm_hvm_bridge(h, i);

        rc = dm_tap_open(n->ifname, br, &n->tap_fd);
        if (rc) {
            snprintf(err, errlen, "vif %s on bridge %s: %s", n->ifname, br,
                     strerror(-rc));
            return rc;
        }
    }
    return 0;
}

static void close_taps(struct dm_hvm *h)
{
    struct dm_nic *n;
    size_t i;

    for (i = 0; (n = dm_hvm_nic(h, i)); i++) {
        if (n->tap_fd >= 0)
            close(n->tap_fd);
        n->tap_fd = -1;
    }
}

int dm_hvm_start(struct dm_hvm *h, struct xs_handle *xs, int paused,
                 dm_store_remove_fn remove, char *err, size_t errlen)
{
    const struct dm_config *c = dm_hvm_settings(h);
    struct hvm_req req = {NULL, remove};
    /* the monitor's own copy of req after fork */
    struct dm_monitor_ops ops = {.gone = hvm_gone,
                                 .req_open = hvm_req_open,
                                 .req_read = hvm_req_read,
                                 .arg = &req};
    pid_t qpid, mpid;
    int rc;

    rc = open_taps(h, err, errlen);
    if (!rc)
        rc = dm_launch(c, dm_hvm_log(h), 15000, &qpid, err, errlen);
    /* QEMU holds the taps now; ours would keep them alive after it. */
    close_taps(h);
    if (rc)
        return rc;
    rc = dm_monitor_spawn(c->domid, qpid, &ops, &mpid);
    if (rc) {
        snprintf(err, errlen, "device model monitor: %s", strerror(-rc));
        goto fail;
    }
    rc = write_store(xs, c->domid, qpid);
    if (rc) {
        snprintf(err, errlen, "store entries: %s", strerror(-rc));
        goto fail;
    }
    if (!paused && (rc = dm_unpause(c->domid))) {
        snprintf(err, errlen, "device model cont: %s", strerror(-rc));
        goto fail;
    }
    return 0;
fail:
    dm_destroy(c->domid, 2000);
    return rc;
}

int dm_hvm_create(struct xs_handle *xs, const struct domain_config *cfg,
                  uint32_t domid, const uint8_t uuid[16],
                  dm_store_remove_fn remove, char *err, size_t errlen)
{
    struct dm_hvm *h = NULL;
    int rc = dm_hvm_config(cfg, domid, uuid, &h, err, errlen);

    /* on_* are the domain library's monitor's, as for every type */
    if (!rc)
        rc = dm_hvm_start(h, xs, 1, remove, err, errlen);
    dm_hvm_free(h);
    return rc;
}
