/* SPDX-License-Identifier: GPL-2.0-only */
/* daemon.c: the life of a backend daemon around its devices (see daemon.h). */
#include "xenbus/daemon.h"

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include <xenstore.h>

#include "hv/hv.h"
#include "lib/log.h"
#include "xenbus/xenbus.h"

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

int xenbus_daemon_stopping(void)
{
    return stop_flag;
}

int xenbus_daemon_getopt(struct xenbus_daemon *d, int argc, char **argv)
{
    static const struct option opts[] = {
        {"interactive", no_argument, NULL, 'i'},
        {"verbose", no_argument, NULL, 'v'},
        {"pid-file", required_argument, NULL, 'p'},
        {NULL, 0, NULL, 0},
    };
    int c;

    while ((c = getopt_long(argc, argv, "ivp:", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            d->interactive = 1;
            break;
        case 'v':
            d->verbose++;
            break;
        case 'p':
            d->pidfile = optarg;
            break;
        default:
            fprintf(stderr, "usage: %s [-i] [-v] [--pid-file=FILE]\n", d->name);
            return -EINVAL;
        }
    }
    return 0;
}

int xenbus_daemon_open(struct xenbus_daemon *d, const char **what_out)
{
    int rc;

    log_init(d->interactive, d->verbose);
    log_procinit(d->name);
    d->xs = xsutil_open(10000);
    if (!d->xs) {
        *what_out = "xs_open";
        return errno ? -errno : -ECONNREFUSED;
    }
    rc = hv_open(&d->hv);
    if (rc) {
        xs_close(d->xs);
        d->xs = NULL;
        d->hv = NULL;
        *what_out = "hv_open";
    }
    return rc;
}

int xenbus_daemon_start(struct xenbus_daemon *d)
{
    struct sigaction sa = {.sa_handler = on_signal};
    FILE *f;

    if (!d->interactive && daemon(0, 0))
        return -errno;
    if (d->pidfile) {
        f = fopen(d->pidfile, "we");
        if (!f)
            return -errno;
        fprintf(f, "%d\n", (int)getpid());
        fclose(f);
    }
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    return 0;
}

void xenbus_daemon_serve(struct xenbus_daemon *d, struct xenbus_backend *be,
                         int rescan_ms)
{
    struct pollfd pfd = {.fd = xs_fileno(d->xs), .events = POLLIN};
    char **ev;
    int rc;

    while (!stop_flag) {
        rc = poll(&pfd, 1, rescan_ms);
        if (rc < 0 && errno != EINTR) {
            log_warn("poll");
            break;
        }
        if (rc == 0 && !xsutil_alive(d->xs)) {
            log_warnx("xenstored went away; exiting");
            break;
        }
        if (rc <= 0) {
            xenbus_backend_rescan(be);
            continue;
        }
        while ((ev = xs_check_watch(d->xs))) {
            xenbus_backend_handle(be, ev[XS_WATCH_PATH], ev[XS_WATCH_TOKEN]);
            free(ev);
        }
    }
}

void xenbus_daemon_close(struct xenbus_daemon *d)
{
    if (d->hv)
        hv_close(d->hv);
    if (d->xs)
        xs_close(d->xs);
    d->hv = NULL;
    d->xs = NULL;
    if (d->pidfile)
        unlink(d->pidfile);
}
