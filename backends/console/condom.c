/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * condom.c: one guest console (see condom.h). Guest output goes to the log
 * first, then to the pty through a bounded buffer that drops the oldest
 * bytes when nobody reads, so a guest never stalls on an unattended
 * console (Xen's xenconsoled discards in the same way). As xenconsoled,
 * a guest gets CONDOM_EVENTS events per CONDOM_PERIOD_MS and is then not
 * served until the period ends, so a flood cannot starve other consoles;
 * its log is capped and rotated (conlog.c).
 */
#include "console/condom.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "console/conlog.h"
#include "console/ring.h"
#include "lib/clock.h"
#include "lib/log.h"
#include "xenbus/xenbus.h"

#define PEND_MAX (64 * 1024)

struct condom {
    struct xs_handle *xs;
    struct hv *hv;
    uint32_t domid;
    struct xencons_interface *intf;
    struct hv_evtchn *ch;
    int master, slave;
    struct conlog *log;
    uint64_t log_max;
    size_t pend_len;
    uint64_t dropped;
    unsigned events;       /* in the current period */
    uint64_t period_start; /* ms, CLOCK_MONOTONIC */
    uint64_t throttled;    /* periods a flood was held back */
    int flooding;          /* throttled and not yet quiet again */
    char dir[64];          /* /local/domain/<id>/console */
    char pend[PEND_MAX];
};

uint32_t condom_domid(const struct condom *cd)
{
    return cd->domid;
}
uint64_t condom_dropped(const struct condom *cd)
{
    return cd->dropped;
}

static int cd_open_pty(struct condom *cd, char *tty, size_t len)
{
    struct termios tio;
    int fl;

    cd->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (cd->master < 0)
        return -errno;
    if (grantpt(cd->master) || unlockpt(cd->master) ||
        ptsname_r(cd->master, tty, len))
        return -errno;
    /* Keep the slave open ourselves: with no slave open, reads on the
     * master fail with EIO and output written meanwhile is lost. */
    cd->slave = open(tty, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (cd->slave < 0)
        return -errno;
    if (tcgetattr(cd->slave, &tio))
        return -errno;
    cfmakeraw(&tio);
    if (tcsetattr(cd->slave, TCSANOW, &tio))
        return -errno;
    fl = fcntl(cd->master, F_GETFL);
    if (fl < 0 || fcntl(cd->master, F_SETFL, fl | O_NONBLOCK))
        return -errno;
    return 0;
}

static int cd_open_log(struct condom *cd, const char *log_dir)
{
    char path[4096], *name = NULL, dom[64];

    snprintf(dom, sizeof(dom), "/local/domain/%u", cd->domid);
    if (xsutil_read(cd->xs, XBT_NULL, dom, "name", &name) || !*name ||
        strchr(name, '/')) {
        free(name);
        name = NULL;
    }
    if (name)
        snprintf(path, sizeof(path), "%s/guest-%s.log", log_dir, name);
    else
        snprintf(path, sizeof(path), "%s/guest-%u.log", log_dir, cd->domid);
    free(name);
    return conlog_open(path, cd->log_max, CONLOG_KEEP, -1, &cd->log);
}

/* Xen's xenconsoled: RATE_LIMIT_ALLOWANCE events per RATE_LIMIT_PERIOD. */
static int cd_throttled(const struct condom *cd, uint64_t now)
{
    return cd->events >= CONDOM_EVENTS &&
           now - cd->period_start < CONDOM_PERIOD_MS;
}

int condom_wait_ms(const struct condom *cd)
{
    uint64_t now = mono_ms();

    if (!cd_throttled(cd, now))
        return -1;
    return (int)(CONDOM_PERIOD_MS - (now - cd->period_start));
}

uint64_t condom_throttled(const struct condom *cd)
{
    return cd->throttled;
}

static void cd_flush(struct condom *cd)
{
    ssize_t n;

    while (cd->pend_len) {
        n = write(cd->master, cd->pend, cd->pend_len);
        if (n <= 0)
            return; /* EAGAIN: nobody reads; keep for later */
        memmove(cd->pend, cd->pend + n, cd->pend_len - (size_t)n);
        cd->pend_len -= (size_t)n;
    }
}

static void cd_queue(struct condom *cd, const char *buf, size_t n)
{
    size_t drop;

    if (n > PEND_MAX) {
        cd->dropped += n - PEND_MAX;
        buf += n - PEND_MAX;
        n = PEND_MAX;
    }
    if (cd->pend_len + n > PEND_MAX) {
        drop = cd->pend_len + n - PEND_MAX;
        memmove(cd->pend, cd->pend + drop, cd->pend_len - drop);
        cd->pend_len -= drop;
        cd->dropped += drop;
    }
    memcpy(cd->pend + cd->pend_len, buf, n);
    cd->pend_len += n;
}

/* Move what the guest wrote, at most one ring's worth per call (it
 * notifies again when it writes more); returns bytes moved or -EPROTO. */
static int cd_drain(struct condom *cd)
{
    char buf[sizeof(cd->intf->out)];
    int n;

    n = console_ring_read_out(cd->intf, buf, sizeof(buf));
    if (n <= 0)
        return n;
    if (cd->log && conlog_write(cd->log, buf, (size_t)n) < 0)
        log_warn("dom %u console: log write", cd->domid);
    cd_queue(cd, buf, (size_t)n);
    cd_flush(cd);
    return n;
}

int condom_handle_evtchn(struct condom *cd)
{
    uint64_t now = mono_ms();
    int n;

    if (now - cd->period_start >= CONDOM_PERIOD_MS) {
        /* A period that stayed under the allowance ends the burst. */
        if (cd->events < CONDOM_EVENTS)
            cd->flooding = 0;
        cd->period_start = now;
        cd->events = 0;
    }
    if (++cd->events == CONDOM_EVENTS) {
        cd->throttled++;
        if (!cd->flooding) /* once per burst */
            log_warnx("dom %u console: more than %d events in %d ms, "
                      "throttled",
                      cd->domid, CONDOM_EVENTS, CONDOM_PERIOD_MS);
        cd->flooding = 1;
    }
    hv_evtchn_ack(cd->ch);
    n = cd_drain(cd);
    if (n < 0) {
        log_warnx("dom %u console: bad ring indices", cd->domid);
        return n;
    }
    /* The guest may wait for ring space (output) or have consumed input. */
    if (n > 0)
        hv_evtchn_notify(cd->ch);
    return 0;
}

int condom_handle_pty(struct condom *cd, short revents)
{
    char buf[sizeof(cd->intf->in)];
    int space;
    ssize_t n;

    if (revents & POLLOUT)
        cd_flush(cd);
    if (!(revents & POLLIN))
        return 0;
    space = console_ring_in_space(cd->intf);
    if (space < 0)
        return space;
    if (space == 0)
        return 0;
    n = read(cd->master, buf, (size_t)space);
    if (n <= 0)
        return 0;
    if (console_ring_write_in(cd->intf, buf, (size_t)n) < 0)
        return -EPROTO;
    hv_evtchn_notify(cd->ch);
    return 0;
}

int condom_fds(const struct condom *cd, struct pollfd pfd[2])
{
    /* A throttled guest's channel is not polled: its ring fills and it
     * waits, as it would behind xenconsoled's masked port. */
    pfd[0].fd = cd_throttled(cd, mono_ms()) ? -1 : hv_evtchn_fd(cd->ch);
    pfd[0].events = POLLIN;
    pfd[0].revents = 0;
    pfd[1].fd = cd->master;
    pfd[1].events = (short)((console_ring_in_space(cd->intf) > 0 ? POLLIN : 0) |
                            (cd->pend_len ? POLLOUT : 0));
    pfd[1].revents = 0;
    return 2;
}

int condom_create(struct xs_handle *xs, struct hv *hv, uint32_t domid,
                  const char *log_dir, uint64_t log_max, struct condom **out)
{
    struct condom *cd = calloc(1, sizeof(*cd));
    unsigned long long ref, port;
    char tty[64];
    void *page;
    int rc;

    *out = NULL;
    if (!cd)
        return -ENOMEM;
    cd->xs = xs;
    cd->hv = hv;
    cd->domid = domid;
    cd->master = cd->slave = -1;
    cd->log_max = log_max ? log_max : CONLOG_MAX_BYTES;
    snprintf(cd->dir, sizeof(cd->dir), "/local/domain/%u/console", domid);
    rc = xsutil_read_ull(xs, XBT_NULL, cd->dir, "ring-ref", UINT64_MAX, &ref);
    if (!rc)
        rc = xsutil_read_ull(xs, XBT_NULL, cd->dir, "port", UINT32_MAX, &port);
    if (rc)
        goto out;
    rc = hv_foreign_map(hv, domid, ref, 1, 1, &page);
    if (rc)
        goto out;
    cd->intf = page;
    rc = hv_evtchn_bind(hv, domid, (uint32_t)port, &cd->ch);
    if (rc)
        goto out;
    rc = cd_open_pty(cd, tty, sizeof(tty));
    if (rc)
        goto out;
    if (log_dir && (rc = cd_open_log(cd, log_dir)))
        goto out;
    rc = xsutil_write(xs, XBT_NULL, cd->dir, "tty", tty);
    if (rc)
        goto out;
    /* Output the guest wrote before we attached. */
    rc = cd_drain(cd) < 0 ? -EPROTO : 0;
    if (rc)
        goto out;
    hv_evtchn_notify(cd->ch);
    log_info("dom %u console: %s", domid, tty);
    *out = cd;
    return 0;
out:
    condom_destroy(cd);
    return rc;
}

void condom_destroy(struct condom *cd)
{
    if (!cd)
        return;
    if (cd->ch)
        hv_evtchn_close(cd->ch);
    if (cd->intf)
        hv_foreign_unmap(cd->hv, cd->intf, 1);
    if (cd->master >= 0)
        close(cd->master);
    if (cd->slave >= 0)
        close(cd->slave);
    conlog_close(cd->log);
    free(cd);
}
