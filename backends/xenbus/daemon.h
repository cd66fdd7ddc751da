/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * daemon.h: what every dom0 backend daemon (blkback, netback, xenconsoled)
 * does around its devices: the common flags, logging, the store and engine
 * handles, detaching, the pid file, stop signals, and the serve loop.
 */
#ifndef XT_XENBUS_DAEMON_H
#define XT_XENBUS_DAEMON_H

struct hv;
struct xs_handle;
struct xenbus_backend;

struct xenbus_daemon {
    const char *name;    /* log tag and usage name: set by the caller */
    int interactive;     /* -i: foreground, log to stderr */
    int verbose;         /* -v, repeatable */
    const char *pidfile; /* --pid-file */
    struct xs_handle *xs;
    struct hv *hv;
};

/*
 * Parse -i, -v and --pid-file=FILE (the whole command line of blkback and
 * netback). Returns 0, or -EINVAL after printing the usage line.
 */
int xenbus_daemon_getopt(struct xenbus_daemon *d, int argc, char **argv);
/*
 * Start logging, open the store (waiting up to 10 s for xenstored: the
 * daemons are started together) and the engine. Returns 0 or -errno with
 * *what_out naming what failed; d->xs and d->hv are then NULL.
 */
int xenbus_daemon_open(struct xenbus_daemon *d, const char **what_out);
/*
 * Detach unless interactive, write the pid file, stop on SIGTERM/SIGINT,
 * ignore SIGPIPE. Call after xenbus_daemon_open() and before the first
 * xs_watch (libxenstore's reader thread would not survive the fork).
 * Returns 0 or -errno.
 */
int xenbus_daemon_start(struct xenbus_daemon *d);
/* Non-zero once SIGTERM or SIGINT arrived. */
int xenbus_daemon_stopping(void);
/*
 * Serve be until a stop signal or until xenstored goes away (then there is
 * nobody left to serve: the daemon exits instead of lingering). Rescans
 * the store every rescan_ms when it is quiet.
 */
void xenbus_daemon_serve(struct xenbus_daemon *d, struct xenbus_backend *be,
                         int rescan_ms);
/* Close the engine and the store, remove the pid file. */
void xenbus_daemon_close(struct xenbus_daemon *d);

#endif
