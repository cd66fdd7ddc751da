/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dom_console.c: `xm console` and `xm create -c`: relay the terminal to the
 * pty xenconsoled publishes at /local/domain/<id>/console/tty, with xl's
 * Ctrl-] escape. Ends when the domain goes away or the pty closes.
 */
#include "xm/dom.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "domain/domain.h"
#include "xm/xm.h"
#include "lib/clock.h"
#include "lib/fs.h"

#define ESCAPE_CHAR 0x1d /* Ctrl-] */
#define TTY_WAIT_MS 10000

static int dom_console_key(uint32_t domid, const char *type, int num, char *buf,
                           size_t len)
{
    if (num < 0)
        return -EINVAL;
    if (!type || (!strcmp(type, "pv") && num == 0))
        snprintf(buf, len, "/local/domain/%u/console/tty", domid);
    else if (!strcmp(type, "pv"))
        snprintf(buf, len, "/local/domain/%u/device/console/%d/tty", domid,
                 num);
    else if (!strcmp(type, "serial"))
        snprintf(buf, len, "/local/domain/%u/serial/%d/tty", domid, num);
    else
        return -EINVAL;
    return 0;
}

static int read_tty(struct xs_handle *xs, const char *p, char *tty, size_t len)
{
    char *v = xs_read(xs, XBT_NULL, p, NULL);
    int found = v && *v;

    if (found)
        snprintf(tty, len, "%s", v);
    free(v);
    return found;
}

/* The tty at store path p; up to wait_ms for it to appear (xenconsoled
 * writes it a few ms after the create): woken by a watch, not a timer. */
static int wait_tty(struct xs_handle *xs, const char *p, int wait_ms, char *tty,
                    size_t len)
{
    long long end = mono_ms() + wait_ms, left;
    struct pollfd pfd = {.events = POLLIN};
    char **ev;
    int rc = -ENOENT;

    if (read_tty(xs, p, tty, len))
        return 0;
    if (wait_ms <= 0 || !xs_watch(xs, p, "xm-console-tty"))
        return -ENOENT;
    pfd.fd = xs_fileno(xs);
    for (;;) {
        if (read_tty(xs, p, tty, len)) {
            rc = 0;
            break;
        }
        left = end - mono_ms();
        if (left <= 0)
            break;
        /* Recheck at least every 100 ms: a watch can race the read. */
        poll(&pfd, 1, left < 100 ? (int)left : 100);
        while ((ev = xs_check_watch(xs)))
            free(ev);
    }
    xs_unwatch(xs, p, "xm-console-tty");
    return rc;
}

/* The domain is gone: show what xenconsoled still passes on, briefly. */
static void drain(int pty)
{
    struct pollfd p = {.fd = pty, .events = POLLIN};
    char buf[4096];
    ssize_t n;

    while (poll(&p, 1, 200) == 1 && (n = read(pty, buf, sizeof(buf))) > 0)
        if (fs_write_all(1, buf, (size_t)n) < 0)
            return;
}

/* Fork the monitor if it is still ours to fork (domain_monitor_spawn). */
static void monitor_go(uint32_t domid, const struct domain_config **monitor)
{
    if (*monitor)
        domain_monitor_spawn(*monitor, domid);
    *monitor = NULL;
}

/* Copy pty -> stdout and stdin -> pty until escape, EOF or domain gone.
 * A monitor left to us is forked once the guest's first output is shown
 * (the fork would hold it up) or the console is idle, at the latest. */
static void relay_loop(uint32_t domid, int pty,
                       const struct domain_config **monitor)
{
    struct pollfd p[2] = {{.fd = pty, .events = POLLIN},
                          {.fd = 0, .events = POLLIN}};
    struct domain_info info;
    char buf[4096];
    ssize_t n;
    int nfds = 2, r;

    for (;;) {
        r = poll(p, (nfds_t)nfds, 500);
        if (r == 0) {
            monitor_go(domid, monitor);
            if (domain_info(NULL, domid, &info) == -ESRCH) {
                drain(pty);
                return;
            }
            continue;
        }
        if (r < 0) {
            if (errno == EINTR) /* a child's SIGCHLD: revents are stale */
                continue;
            return;
        }
        if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
            n = read(pty, buf, sizeof(buf));
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (n <= 0) {
                /* said, so a session that ends early can be told apart */
                fprintf(stderr, "\r\nxm console: the console pty %s\r\n",
                        n ? strerror(errno) : "closed");
                return;
            }
            if (fs_write_all(1, buf, (size_t)n) < 0)
                return;
            monitor_go(domid, monitor);
        }
        if (nfds == 2 && (p[1].revents & (POLLIN | POLLHUP))) {
            char *esc;
            n = read(0, buf, sizeof(buf));
            if (n <= 0) {
                nfds = 1; /* no more input; keep showing output */
                continue;
            }
            esc = memchr(buf, ESCAPE_CHAR, (size_t)n);
            if (esc) {
                fs_write_all(pty, buf, (size_t)(esc - buf));
                return;
            }
            fs_write_all(pty, buf, (size_t)n);
        }
    }
}

static void relay(uint32_t domid, int pty, const struct domain_config *monitor)
{
    relay_loop(domid, pty, &monitor);
    monitor_go(domid, &monitor);
}

/* The pty is open (or will not be): let the guest run, then fork its
 * monitor if we are to. */
static void start_guest(uint32_t domid, int unpause,
                        const struct domain_config *monitor)
{
    if (unpause)
        domain_unpause(domid);
    if (monitor)
        domain_monitor_spawn(monitor, domid);
}

static int attach(struct xm *xm, struct xs_handle *xs, uint32_t domid,
                  const char *type, int num, int unpause,
                  const struct domain_config *monitor)
{
    struct termios old, raw;
    char key[128], tty[256];
    int pty = -1, rc, is_tty = isatty(0);

    rc = dom_console_key(domid, type, num, key, sizeof(key));
    /* The primary console may lag the create (xenconsoled); others are
     * there from the start or not at all. */
    if (!rc)
        rc = wait_tty(xs, key,
                      !type || (!strcmp(type, "pv") && !num) ? TTY_WAIT_MS : 0,
                      tty, sizeof(tty));
    if (rc == 0 && (pty = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
        rc = -errno;
    if (rc < 0 && type) {
        xm_err(xm, "console: domain %u: %s console %d not available (no %s)",
               domid, type, num, key);
        fprintf(xm->err, "Unable to attach console\n"); /* xl's last word */
        return rc;
    }
    if (rc < 0) {
        xm_err(xm,
               "console: domain %u has no console pty (is xenconsoled "
               "running?)",
               domid);
        start_guest(domid, unpause, monitor);
        return rc;
    }
    /* The pty side raw too, so what we type is not echoed twice. */
    if (tcgetattr(pty, &raw) == 0) {
        cfmakeraw(&raw);
        tcsetattr(pty, TCSANOW, &raw);
    }
    start_guest(domid, unpause, NULL);
    if (is_tty && tcgetattr(0, &old) == 0) {
        raw = old;
        cfmakeraw(&raw);
        tcsetattr(0, TCSANOW, &raw);
    }
    relay(domid, pty, monitor);
    if (is_tty)
        tcsetattr(0, TCSANOW, &old);
    close(pty);
    return 0;
}

int dom_console(struct xm *xm, struct xs_handle *xs, uint32_t domid,
                int unpause, const struct domain_config *monitor)
{
    return attach(xm, xs, domid, NULL, 0, unpause, monitor);
}

int dom_console_at(struct xm *xm, struct xs_handle *xs, uint32_t domid,
                   const char *type, int num, int unpause)
{
    return attach(xm, xs, domid, type, num, unpause, NULL);
}
