/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * daemon.h: what every dom0 backend daemon (blkback, netback, xenconsoled)
 * does around its devices: the common flags, logging, the store and engine
 * handles, detaching, the pid file, stop signals, and the serve loop. A
 * daemon's main() is one xenbus_daemon_main() call with its spec.
 */
#ifndef XT_XENBUS_DAEMON_H
#define XT_XENBUS_DAEMON_H

#include <getopt.h>

struct hv;
struct xs_handle;
struct xenbus_backend;
struct xenbus_backend_ops;

struct xenbus_daemon {
    const char *name;    /* log tag and usage name: set by the caller */
    int interactive;     /* -i: foreground, log to stderr */
    int verbose;         /* -v, repeatable */
    const char *pidfile; /* --pid-file */
    int pidfile_ours;    /* we wrote it: remove it at exit */
    struct xs_handle *xs;
    struct hv *hv;
    void *arg; /* the daemon's own state, as given to xenbus_daemon_main() */
};

/*
 * What a daemon is. Either ops (a backend on the xenbus framework: its
 * callbacks get the struct xenbus_daemon as xenbus_dev_ctx()) or run (a
 * daemon with its own loop, xenconsoled).
 */
struct xenbus_daemon_spec {
    const char *name; /* "blkback": log tag, usage name */
    const struct xenbus_backend_ops *ops;
    int rescan_ms; /* ops: rescan the store this often when quiet */
    /* Options beyond -i, -v, --pid-file, --help (may be NULL): long
     * options with val >= 256, their usage text, and the handler, which
     * returns 0 or -EINVAL (then the usage is printed). */
    const struct option *opts;
    const char *usage;
    int (*opt)(struct xenbus_daemon *d, int val, const char *optarg);
    /* After the store and engine are open, before detaching (may be
     * NULL). Returns 0 or -errno (the daemon then exits). */
    int (*setup)(struct xenbus_daemon *d);
    /* ops: called every tick_ms from the serve loop, between store
     * events (may be NULL): periodic work such as publishing counters. */
    void (*tick)(struct xenbus_daemon *d);
    int tick_ms;
    /* Instead of ops: serve until xenbus_daemon_stopping(). */
    void (*run)(struct xenbus_daemon *d);
};

/*
 * The whole life of a daemon: options, open, detach and pid file, serve
 * (ops or run), close. arg becomes d->arg. Returns main()'s exit status.
 */
int xenbus_daemon_main(const struct xenbus_daemon_spec *spec, void *arg,
                       int argc, char **argv);

/* Non-zero once SIGTERM or SIGINT arrived (run loops poll it). */
int xenbus_daemon_stopping(void);

#endif
