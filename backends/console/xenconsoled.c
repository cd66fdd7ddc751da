/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenconsoled.c: the console daemon. Finds domains in the store
 * (/local/domain/<id>/console/{ring-ref,port}), attaches each console to
 * a pty (condom.c) and serves them all from one poll loop. Domains come
 * and go on @introduceDomain/@releaseDomain, with a periodic rescan as a
 * safety net.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console/condom.h"
#include "lib/log.h"
#include "lib/parse.h"
#include "lib/fs.h"
#include "lib/paths.h"
#include "xenbus/daemon.h"
#include "xenbus/xenbus.h"

#define MAX_DOMS 256
#define RESCAN_MS 1000

struct xcd {
    struct xs_handle *xs;
    struct hv *hv;
    const char *log_dir; /* NULL: no guest logs */
    char log_buf[4096];  /* --log-dir, or the default */
    int log_guest;       /* --log=guest|all */
    struct condom *doms[MAX_DOMS];
    size_t ndoms;
    uint32_t failed[MAX_DOMS]; /* attach failed: do not retry or re-log */
    size_t nfailed;
};

static int id_in(const uint32_t *ids, size_t n, uint32_t id)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (ids[i] == id)
            return 1;
    return 0;
}

static void xcd_detach(struct xcd *x, size_t i)
{
    log_info("dom %u console: detached", condom_domid(x->doms[i]));
    condom_destroy(x->doms[i]);
    x->doms[i] = x->doms[--x->ndoms];
}

static void xcd_attach(struct xcd *x, uint32_t domid)
{
    struct condom *cd;
    int rc;

    if (x->ndoms >= MAX_DOMS || id_in(x->failed, x->nfailed, domid))
        return;
    rc = condom_create(x->xs, x->hv, domid, x->log_dir, 0, &cd);
    if (rc == -ENOENT)
        return; /* console keys not written yet */
    if (rc) {
        log_warnx("dom %u console: attach: %s", domid, strerror(-rc));
        if (x->nfailed < MAX_DOMS)
            x->failed[x->nfailed++] = domid;
        return;
    }
    x->doms[x->ndoms++] = cd;
}

static void xcd_scan(struct xcd *x)
{
    uint32_t live[MAX_DOMS];
    size_t nlive = 0, i;
    unsigned int n = 0, j;
    char **ents = xs_directory(x->xs, XBT_NULL, "/local/domain", &n);
    long long id;

    for (j = 0; ents && j < n && nlive < MAX_DOMS; j++)
        if (!parse_ll(ents[j], 10, 1, UINT32_MAX, &id))
            live[nlive++] = (uint32_t)id;
    free(ents);
    for (i = 0; i < x->ndoms;) {
        if (!id_in(live, nlive, condom_domid(x->doms[i])))
            xcd_detach(x, i);
        else
            i++;
    }
    for (i = 0; i < x->nfailed;) {
        if (!id_in(live, nlive, x->failed[i]))
            x->failed[i] = x->failed[--x->nfailed];
        else
            i++;
    }
    for (i = 0; i < nlive; i++) {
        size_t k;
        int have = 0;

        for (k = 0; k < x->ndoms; k++)
            have |= condom_domid(x->doms[k]) == live[i];
        if (!have)
            xcd_attach(x, live[i]);
    }
}

static void xcd_loop(struct xcd *x)
{
    struct pollfd pfd[1 + 2 * MAX_DOMS];
    char **ev;
    size_t i, n;
    int rc, wait, w;

    while (!xenbus_daemon_stopping()) {
        pfd[0].fd = xs_fileno(x->xs);
        pfd[0].events = POLLIN;
        wait = RESCAN_MS;
        for (i = 0; i < x->ndoms; i++) {
            condom_fds(x->doms[i], &pfd[1 + 2 * i]);
            w = condom_wait_ms(x->doms[i]);
            if (w >= 0 && w < wait)
                wait = w; /* a throttled guest's period ends */
        }
        n = x->ndoms;
        rc = poll(pfd, 1 + 2 * n, wait);
        if (rc < 0 && errno != EINTR)
            fatal("poll");
        if (rc == 0 && !xsutil_alive(x->xs)) {
            log_warnx("xenstored went away; exiting");
            break;
        }
        if (rc <= 0) {
            xcd_scan(x);
            continue;
        }
        /* Serve consoles first: a scan may reorder x->doms. */
        for (i = n; i-- > 0;) {
            struct pollfd *p = &pfd[1 + 2 * i];

            rc = 0;
            if (p[0].revents)
                rc = condom_handle_evtchn(x->doms[i]);
            if (!rc && p[1].revents)
                rc = condom_handle_pty(x->doms[i], p[1].revents);
            if (rc) {
                uint32_t d = condom_domid(x->doms[i]);

                xcd_detach(x, i);
                if (x->nfailed < MAX_DOMS)
                    x->failed[x->nfailed++] = d;
            }
        }
        if (pfd[0].revents) {
            while ((ev = xs_check_watch(x->xs)))
                free(ev);
            xcd_scan(x);
        }
    }
}

enum { OPT_LOG = 256, OPT_LOG_DIR };

static int xcd_opt(struct xenbus_daemon *d, int val, const char *arg)
{
    struct xcd *x = d->arg;

    /* As Xen's xenconsoled: --log picks what is logged, --log-dir only
     * where (default /var/log/xen/console), in either order. */
    if (val == OPT_LOG_DIR) {
        snprintf(x->log_buf, sizeof(x->log_buf), "%s", arg);
        return 0;
    }
    if (!strcmp(arg, "guest") || !strcmp(arg, "all"))
        x->log_guest = 1;
    else if (!strcmp(arg, "none") || !strcmp(arg, "hv"))
        x->log_guest = 0;
    else
        return -EINVAL;
    return 0;
}

static int xcd_setup(struct xenbus_daemon *d)
{
    struct xcd *x = d->arg;
    int rc;

    x->xs = d->xs;
    x->hv = d->hv;
    if (!x->log_guest)
        return 0;
    if (!x->log_buf[0] &&
        paths_get(x->log_buf, sizeof(x->log_buf), "/var/log/xen/console"))
        return -ENAMETOOLONG;
    /* --log-dir may be any path, not only one below PVSTACK_ROOT. */
    rc = fs_mkdir_p(x->log_buf, 0755);
    if (rc)
        return rc;
    x->log_dir = x->log_buf;
    return 0;
}

static void xcd_run(struct xenbus_daemon *d)
{
    struct xcd *x = d->arg;

    /*
     * After daemon(): the first watch starts libxenstore's reader thread,
     * which a fork would leave behind (the daemon then hung).
     */
    if (!xs_watch(x->xs, "@introduceDomain", "introduce") ||
        !xs_watch(x->xs, "@releaseDomain", "release"))
        log_warn("watch special paths (rescanning every %d ms)", RESCAN_MS);
    xcd_scan(x);
    xcd_loop(x);
    while (x->ndoms)
        xcd_detach(x, x->ndoms - 1);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"log", required_argument, NULL, OPT_LOG},
        {"log-dir", required_argument, NULL, OPT_LOG_DIR},
        {NULL, 0, NULL, 0},
    };
    static const struct xenbus_daemon_spec spec = {
        .name = "xenconsoled",
        .opts = opts,
        .usage = " [--log=none|guest|all] [--log-dir=DIR]",
        .opt = xcd_opt,
        .setup = xcd_setup,
        .run = xcd_run,
    };
    struct xcd x = {0};

    return xenbus_daemon_main(&spec, &x, argc, argv);
}
