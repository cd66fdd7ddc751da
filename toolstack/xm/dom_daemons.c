/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dom_daemons.c: the host daemons as xm sees them. On a host they are
 * services (systemd units, init scripts: toolstack/xendomains), each with
 * its pid file under /run; `xm daemons start|stop|status` drives them by
 * those pid files, for test roots (PVSTACK_ROOT) and by hand. `xm create`
 * starts what a test root lacks, and on a real root says what is missing.
 */
#include "xm/dom.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "domain/domain.h"
#include "lib/fs.h"
#include "lib/paths.h"
#include "lib/pidfile.h"
#include "lib/sock.h"
#include "lib/spawn.h"
#include "lib/xsutil.h"
#include "xm/xm.h"

#define DAEMON_WAIT_MS 10000
#define DAEMON_STOP_MS 5000

/* Per daemon: its pid file (as Debian's xencommons names them) and the
 * options it gets besides -i and --pid-file. */
struct xm_daemon {
    const char *name;
    const char *pidfile; /* root-relative */
    const char *extra;   /* one more option, or NULL */
};

enum { D_STORE, D_CONSOLE, D_BLKBACK, D_NETBACK, D_COUNT };

static const struct xm_daemon xm_daemons[D_COUNT] = {
    [D_STORE] = {"xenstored", "/run/xenstored.pid", NULL},
    [D_CONSOLE] = {"xenconsoled", "/run/xenconsoled.pid", "--log=guest"},
    [D_BLKBACK] = {"blkback", "/run/blkback.pid", NULL},
    [D_NETBACK] = {"netback", "/run/netback.pid", NULL},
};

static int store_answers(void)
{
    char sock[108];

    return paths_xenstored_socket(sock, sizeof(sock)) == 0 &&
           sock_unix_answers(sock);
}

/* A pidfd of the running daemon, or -errno (-ENOENT, -ESRCH: not
 * running). xenstored counts as running while its socket answers, even
 * when started without a pid file (tests run it with -N). */
static int daemon_live(const struct xm_daemon *d, int *running)
{
    char pf[4096];
    int fd = paths_get(pf, sizeof(pf), d->pidfile);

    if (fd == 0)
        fd = pidfile_open_live(pf, d->name);
    *running = fd >= 0 || (d == &xm_daemons[D_STORE] && store_answers());
    return fd;
}

/* Wait until d is up: xenstored's socket answers, the others' pid files
 * name them. pfd is the process we started (-1: xenstored forked away). */
static int daemon_wait_up(const struct xm_daemon *d, int pfd)
{
    struct pollfd p = {.fd = pfd, .events = POLLIN};
    int i, fd, running;

    for (i = 0; i < DAEMON_WAIT_MS / 50; i++) {
        fd = daemon_live(d, &running);
        if (fd >= 0)
            close(fd);
        if (running && (d != &xm_daemons[D_STORE] || store_answers()))
            return 0;
        if (pfd >= 0 && poll(&p, 1, 50) > 0)
            return -ECHILD; /* it exited: its log says why */
        if (pfd < 0)
            poll(NULL, 0, 50);
    }
    return -ETIMEDOUT;
}

static int daemon_start(struct xm *xm, const struct xm_daemon *d, int verbose)
{
    char path[4096], pf[4096], pfarg[4200], log[4096], rel[128];
    char *argv[] = {(char *)(uintptr_t)d->name, "-i", pfarg,
                    (char *)(uintptr_t)d->extra, NULL};
    int running, rc, pfd = -1;
    pid_t pid;

    rc = daemon_live(d, &running);
    if (rc >= 0)
        close(rc);
    if (running)
        return 0;
    snprintf(rel, sizeof(rel), "/var/log/xen/%s.log", d->name);
    rc = spawn_self_path(path, sizeof(path), d->name);
    if (!rc)
        rc = paths_mkdir("/run", 0755);
    if (!rc)
        rc = paths_mkdir("/var/log/xen", 0755);
    if (!rc)
        rc = paths_get(pf, sizeof(pf), d->pidfile);
    if (!rc)
        rc = paths_get(log, sizeof(log), rel);
    if (rc)
        goto out;
    snprintf(pfarg, sizeof(pfarg), "--pid-file=%s", pf);
    if (d == &xm_daemons[D_STORE]) {
        /* xenstored detaches itself (it logs to xenstored.log) and
         * writes its pid file; its socket dir must exist. */
        char *sargv[] = {"xenstored", "--pid-file", pf, NULL};
        struct spawn_opts fg = {.keep_stdin = 1}; /* it detaches itself */
        char sock[108], *slash;

        rc = paths_xenstored_socket(sock, sizeof(sock));
        slash = rc ? NULL : strrchr(sock, '/');
        if (slash && slash != sock) {
            *slash = '\0';
            rc = fs_mkdir_p(sock, 0755);
        }
        if (!rc)
            rc = spawn_run(path, sargv, &fg, NULL, 0) == 0 ? 0 : -EIO;
    } else {
        /* -i: a daemon() fork would lose libxenstore's thread; we detach
         * it instead and its stderr is its log. */
        rc = spawn_detached(path, argv, log, &pid);
        if (!rc)
            pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    }
    if (!rc)
        rc = daemon_wait_up(d, pfd);
    if (pfd >= 0)
        close(pfd);
out:
    if (rc < 0) {
        xm_err(xm, "cannot start %s: %s%s%s", d->name,
               rc == -ECHILD ? "it exited" : strerror(-rc),
               rc == -ECHILD ? "; see " : "", rc == -ECHILD ? log : "");
        return rc;
    }
    if (verbose)
        fprintf(xm->out, "started %s\n", d->name);
    return 0;
}

/*
 * What `xm create` needs: on a test root, started when absent; on the
 * host's root (services), a clear line naming what is missing.
 */
static int daemon_need(struct xm *xm, const struct xm_daemon *d)
{
    int running, fd;

    if (*paths_root())
        return daemon_start(xm, d, 0);
    fd = daemon_live(d, &running);
    if (fd >= 0)
        close(fd);
    if (running)
        return 0;
    xm_err(xm, "%s is not running (systemctl start %s, or `%s daemons start`)",
           d->name, d->name, xm->prog);
    return -ESRCH;
}

int dom_daemons_start(struct xm *xm, int verbose)
{
    int rc;

    (void)verbose;
    rc = daemon_need(xm, &xm_daemons[D_STORE]);
    if (!rc)
        rc = daemon_need(xm, &xm_daemons[D_CONSOLE]);
    return rc;
}

int dom_backends_start(struct xm *xm, int blk, int net, int verbose)
{
    int rc = 0;

    (void)verbose;
    if (blk)
        rc = daemon_need(xm, &xm_daemons[D_BLKBACK]);
    if (!rc && net)
        rc = daemon_need(xm, &xm_daemons[D_NETBACK]);
    return rc;
}

/*
 * On a Xen host, dom0's own entries and the name of the one cpupool, as
 * xen-init-dom0 (xencommons) writes them: Debian's xl shows dom0 as
 * "(null)" without its name, and its sched-credit and cpupool-list name
 * the pool from /local/pool/0/name. On the kvm engine Domain-0 is xm's own
 * row and the store has no dom0 entries.
 */
static int dom0_entries(struct xm *xm)
{
    char engine[16];
    struct xs_handle *xs;
    int rc;

    domain_engine_name(engine, sizeof(engine));
    if (strcmp(engine, "xen"))
        return 0;
    xs = dom_xs_open(xm);
    if (!xs)
        return -EIO;
    rc = xsutil_write(xs, XBT_NULL, "/local/domain/0", "domid", "0");
    if (!rc)
        rc = xsutil_write(xs, XBT_NULL, "/local/domain/0", "name", "Domain-0");
    if (!rc)
        rc = xsutil_write(xs, XBT_NULL, "/local/pool/0", "name", "Pool-0");
    xs_close(xs);
    if (rc)
        xm_err(xm, "cannot write dom0's store entries: %s", strerror(-rc));
    return rc;
}

static int daemons_start_all(struct xm *xm)
{
    int i, rc = 0;

    for (i = 0; i < D_COUNT && !rc; i++)
        rc = daemon_start(xm, &xm_daemons[i], 1);
    return rc ? rc : dom0_entries(xm);
}

/* Backends first: they serve nothing once xenstored is gone. */
static int daemons_stop_all(struct xm *xm)
{
    char pf[4096];
    int i, rc, ret = 0;

    for (i = D_COUNT - 1; i >= 0; i--) {
        const struct xm_daemon *d = &xm_daemons[i];

        rc = paths_get(pf, sizeof(pf), d->pidfile);
        if (!rc)
            rc = pidfile_stop(pf, d->name, DAEMON_STOP_MS);
        if (rc == -ESRCH && i == D_STORE && store_answers()) {
            xm_err(xm, "xenstored: answers but has no pid file %s", pf);
            ret = rc;
        } else if (rc && rc != -ESRCH) {
            xm_err(xm, "cannot stop %s: %s", d->name, strerror(-rc));
            ret = rc;
        } else if (!rc) {
            fprintf(xm->out, "stopped %s\n", d->name);
        }
    }
    return ret;
}

/* One line per daemon, as init scripts' status: name, state, pid. */
static int daemons_status(struct xm *xm)
{
    char pf[4096];
    int i, fd, running, down = 0;
    pid_t pid;

    for (i = 0; i < D_COUNT; i++) {
        const struct xm_daemon *d = &xm_daemons[i];

        fd = daemon_live(d, &running);
        if (fd >= 0 && paths_get(pf, sizeof(pf), d->pidfile) == 0 &&
            pidfile_read(pf, &pid) == 0)
            fprintf(xm->out, "%-12s running (pid %d)\n", d->name, (int)pid);
        else if (running)
            fprintf(xm->out, "%-12s running (no pid file)\n", d->name);
        else
            fprintf(xm->out, "%-12s stopped\n", d->name);
        if (fd >= 0)
            close(fd);
        down += !running;
    }
    return down ? -ESRCH : 0;
}

int cmd_daemons(struct xm *xm, int argc, char **argv)
{
    const char *what;
    int opt, rc;

    if ((opt = xm_no_options(xm, argc, argv, 1)) >= 0)
        return opt;
    what = argv[optind];
    if (!strcmp(what, "start"))
        rc = daemons_start_all(xm);
    else if (!strcmp(what, "stop"))
        rc = daemons_stop_all(xm);
    else if (!strcmp(what, "status"))
        rc = daemons_status(xm);
    else {
        xm_err(xm, "daemons: unknown action '%s' (start, stop or status)",
               what);
        return EXIT_FAILURE;
    }
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
