/* SPDX-License-Identifier: GPL-2.0-only */
/* daemon.c: the life of a backend daemon around its devices (see daemon.h). */
#include "xenbus/daemon.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "hv/hv.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "lib/pidfile.h"
#include "xenbus/xenbus.h"

#define DAEMON_MAX_OPTS 16

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

static void daemon_usage(const struct xenbus_daemon_spec *spec)
{
    fprintf(stderr, "usage: %s [-i] [-v] [--pid-file=FILE]%s\n", spec->name,
            spec->usage ? spec->usage : "");
}

/* -i, -v, --pid-file=FILE, --help and the spec's own options. */
static int daemon_getopt(const struct xenbus_daemon_spec *spec,
                         struct xenbus_daemon *d, int argc, char **argv)
{
    static const struct option base[] = {
        {"interactive", no_argument, NULL, 'i'},
        {"verbose", no_argument, NULL, 'v'},
        {"pid-file", required_argument, NULL, 'p'},
        {"help", no_argument, NULL, 'h'},
    };
    struct option opts[DAEMON_MAX_OPTS + 5];
    size_t n = 0, i;
    int c;

    memcpy(opts, base, sizeof(base));
    n = sizeof(base) / sizeof(base[0]);
    for (i = 0; spec->opts && spec->opts[i].name && i < DAEMON_MAX_OPTS; i++)
        opts[n++] = spec->opts[i];
    memset(&opts[n], 0, sizeof(opts[n]));
    while ((c = getopt_long(argc, argv, "ivh", opts, NULL)) != -1) {
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
            if (c >= 256 && spec->opt && spec->opt(d, c, optarg) == 0)
                break;
            daemon_usage(spec);
            return -EINVAL;
        }
    }
    if (optind < argc) {
        daemon_usage(spec);
        return -EINVAL;
    }
    return 0;
}

/* Logging, the store (waiting up to 10 s for xenstored: the daemons are
 * started together) and the engine. */
static int daemon_open(struct xenbus_daemon *d, const char **what_out)
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
        d->hv = NULL;
        *what_out = "hv_open";
    }
    return rc;
}

/*
 * Detach unless interactive, write the pid file, stop on SIGTERM/SIGINT,
 * ignore SIGPIPE, wait for our children (hotplug scripts). Before the
 * first xs_watch: libxenstore's reader thread would not survive the fork.
 */
static int daemon_start(struct xenbus_daemon *d)
{
    struct sigaction sa = {.sa_handler = on_signal};
    int rc;

    /* Two instances would both serve (and fight over) every device. */
    if (d->pidfile) {
        rc = pidfile_open_live(d->pidfile, d->name);
        if (rc >= 0) {
            close(rc);
            log_warnx("already running (%s)", d->pidfile);
            return -EEXIST;
        }
    }
    if (!d->interactive && daemon(0, 0))
        return -errno;
    if (d->pidfile) {
        rc = pidfile_write(d->pidfile);
        if (rc)
            return rc;
        d->pidfile_ours = 1;
    }
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGCHLD, SIG_DFL);
    return 0;
}

/* Serve be until a stop signal or until xenstored goes away (then there
 * is nobody left to serve: exit instead of lingering). The store is
 * rescanned after rescan_ms without events; spec->tick runs every tick_ms
 * whatever the store does. */
static void daemon_serve(struct xenbus_daemon *d, struct xenbus_backend *be,
                         const struct xenbus_daemon_spec *spec)
{
    struct pollfd pfd = {.fd = xs_fileno(d->xs), .events = POLLIN};
    uint64_t now = mono_ms(), quiet_since = now, due;
    uint64_t next_tick = now + (uint64_t)spec->tick_ms;
    int rescan_ms = spec->rescan_ms, timeout, rc;
    char **ev;

    while (!stop_flag) {
        due = quiet_since + (uint64_t)rescan_ms;
        if (spec->tick && next_tick < due)
            due = next_tick;
        timeout = due > now ? (int)(due - now) : 0;
        rc = poll(&pfd, 1, timeout);
        if (rc < 0 && errno != EINTR) {
            log_warn("poll");
            break;
        }
        now = mono_ms();
        if (rc > 0) {
            while ((ev = xs_check_watch(d->xs))) {
                xenbus_backend_handle(be, ev[XS_WATCH_PATH],
                                      ev[XS_WATCH_TOKEN]);
                free(ev);
            }
            quiet_since = now;
        } else if (now - quiet_since >= (uint64_t)rescan_ms) {
            if (rc == 0 && !xsutil_alive(d->xs)) {
                log_warnx("xenstored went away; exiting");
                break;
            }
            xenbus_backend_rescan(be);
            quiet_since = now;
        }
        if (spec->tick && now >= next_tick) {
            spec->tick(d);
            next_tick = now + (uint64_t)spec->tick_ms;
        }
    }
}

static void daemon_close(struct xenbus_daemon *d)
{
    if (d->hv)
        hv_close(d->hv);
    if (d->xs)
        xs_close(d->xs);
    d->hv = NULL;
    d->xs = NULL;
    if (d->pidfile_ours)
        unlink(d->pidfile);
}

int xenbus_daemon_main(const struct xenbus_daemon_spec *spec, void *arg,
                       int argc, char **argv)
{
    struct xenbus_daemon d = {.name = spec->name, .arg = arg};
    struct xenbus_backend *be = NULL;
    const char *what = "start";
    int rc;

    if (daemon_getopt(spec, &d, argc, argv))
        return EXIT_FAILURE;
    rc = daemon_open(&d, &what);
    if (!rc && spec->setup && (rc = spec->setup(&d)))
        what = "setup";
    if (!rc && (rc = daemon_start(&d)))
        what = "start";
    if (!rc && spec->ops &&
        (rc = xenbus_backend_create(d.xs, 0, spec->ops, &d, &be)))
        what = "watch backend";
    if (rc) {
        errno = -rc;
        log_warn("%s", what);
        daemon_close(&d);
        return EXIT_FAILURE;
    }
    if (be)
        daemon_serve(&d, be, spec);
    else if (spec->run)
        spec->run(&d);
    xenbus_backend_destroy(be);
    daemon_close(&d);
    return EXIT_SUCCESS;
}
