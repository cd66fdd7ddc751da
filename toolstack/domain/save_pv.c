/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * save_pv.c: save and restore of a PV domain, as libxl does it: the guest
 * is asked over the store to suspend (control/shutdown = "suspend"; it
 * clears the node and calls SCHEDOP_shutdown(SHUTDOWN_suspend)), the
 * engine writes its libxc stream inside libxl's stream v2 (libxlsr.h), and
 * a restore builds the domain from that stream in the PV type's build step.
 */
#include "domain/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xen/sched.h>
#include <xenstore.h>

#include "cfg/cfg.h"
#include "domain/libxlsr.h"
#include "domain/save.h"
#include "hv/hv.h"

#include "lib/clock.h"

/* libxl's limits for the guest to acknowledge, then to suspend (ms). */
#define ACK_TIMEOUT_MS 60000
#define SUSPEND_TIMEOUT_MS 60000
#define POLL_MS 100

struct pv_suspend {
    const struct domain_ctx *c;
    struct xs_handle *xs;
    struct hv *hv;
    uint32_t domid;
    long long stopped_ms; /* the guest took the request: it is going down */
    char why[160];
};

static void nap(void)
{
    struct timespec ts = {0, POLL_MS * 1000000L};

    nanosleep(&ts, NULL);
}

/* Still "suspend": not acknowledged. */
static int pending(struct pv_suspend *s, const char *path)
{
    char v[32] = "";

    return dstore_read(s->xs, path, v, sizeof(v)) == 0 &&
           strcmp(v, "suspend") == 0;
}

/*
 * The guest never answered: take the request back unless it answered
 * meanwhile (libxl: "guest didn't acknowledge suspend, cancelling
 * request"), in a transaction so its ack is not overwritten.
 */
static int cancel_request(struct pv_suspend *s, const char *path)
{
    for (int tries = 0; tries < 10; tries++) {
        xs_transaction_t t = xs_transaction_start(s->xs);
        char *v;
        unsigned n = 0;
        int acked;

        if (t == XBT_NULL)
            return -EIO;
        v = xs_read(s->xs, t, path, &n);
        acked = !v || n != 7 || memcmp(v, "suspend", 7) != 0;
        free(v);
        if (!acked)
            xs_write(s->xs, t, path, "", 0);
        if (xs_transaction_end(s->xs, t, 0))
            return acked ? 0 : -ETIMEDOUT;
        if (errno != EAGAIN)
            return -EIO;
    }
    return -EIO;
}

/* libxc's suspend callback: the PV protocol, then wait for Xen's word. */
static int pv_suspend_guest(void *arg)
{
    struct pv_suspend *s = arg;
    struct hv_dominfo info;
    char path[64];
    long long end;
    int rc;

    snprintf(path, sizeof(path), "/local/domain/%u/control/shutdown", s->domid);
    if (dstore_write(s->xs, path, "suspend") < 0) {
        snprintf(s->why, sizeof(s->why), "cannot write %s", path);
        return -EIO;
    }
    end = mono_ms() + ACK_TIMEOUT_MS;
    while (pending(s, path) && mono_ms() < end)
        nap();
    s->stopped_ms = mono_ms();
    if (pending(s, path) && (rc = cancel_request(s, path)) < 0) {
        snprintf(s->why, sizeof(s->why),
                 "guest didn't acknowledge suspend, cancelling request");
        return rc;
    }
    end = mono_ms() + SUSPEND_TIMEOUT_MS;
    for (;;) {
        rc = hv_domain_getinfo(s->hv, s->domid, &info);
        if (rc < 0) {
            snprintf(s->why, sizeof(s->why), "the domain went away");
            return rc;
        }
        if (info.flags & HV_DOMF_SHUTDOWN) {
            if (info.shutdown_reason == SHUTDOWN_suspend)
                return 0;
            snprintf(s->why, sizeof(s->why),
                     "guest we were suspending has shut down with "
                     "unexpected reason code %u",
                     info.shutdown_reason);
            return -ECANCELED;
        }
        if (mono_ms() >= end) {
            snprintf(s->why, sizeof(s->why),
                     "guest did not suspend, timed out");
            return -ETIMEDOUT;
        }
        nap();
    }
}

/* Suspended for a save: is it? (Then it must be resumed or destroyed.) */
static int is_suspended(struct hv *hv, uint32_t domid)
{
    struct hv_dominfo info;

    return hv_domain_getinfo(hv, domid, &info) == 0 &&
           (info.flags & HV_DOMF_SHUTDOWN) &&
           info.shutdown_reason == SHUTDOWN_suspend;
}

int pvsave_resume(const struct domain_ctx *c, struct xs_handle *xs,
                  uint32_t domid, int paused)
{
    struct hv *hv = NULL;
    int rc = hv_open(&hv);

    if (rc < 0)
        return rc;
    /*
     * Only a guest that is suspended: a cooperative resume sets the
     * return value of its suspend hypercall, which in a running guest
     * would clobber a register.
     */
    if (!is_suspended(hv, domid)) {
        hv_close(hv);
        return 0;
    }
    /* A pause taken now outlives the resume: -p leaves it stopped. */
    if (paused)
        hv_domain_pause(hv, domid);
    /* fast: the guest sees its suspend cancelled and keeps its rings. */
    rc = hv_domain_resume(hv, domid, 1);
    hv_close(hv);
    if (rc < 0) {
        domain_err(c, "save: domain %u: resume failed: %s", domid,
                   strerror(-rc));
        return rc;
    }
    /* xenstored fires @releaseDomain once per shutdown: re-arm it. */
    xs_resume_domain(xs, domid);
    return 0;
}

static int write_stream(const struct domain_ctx *c, struct xs_handle *xs,
                        uint32_t domid, int fd, struct domain_save_stats *st)
{
    struct pv_suspend s = {.c = c, .xs = xs, .domid = domid};
    struct hv_save_stats hst = {0};
    struct hv_dominfo info;
    char err[256] = "";
    int rc = hv_open(&s.hv), live = !!st;

    if (rc < 0) {
        domain_err(c, "save: engine: %s", strerror(-rc));
        return rc;
    }
    if (st && hv_domain_getinfo(s.hv, domid, &info) == 0)
        st->pages_ram = (long long)(info.mem_kb / 4);
    rc = libxlsr_write_begin(fd);
    if (rc < 0)
        snprintf(err, sizeof(err), "writing: %s", strerror(-rc));
    if (!rc && st) {
        rc = hv_domain_save_live(s.hv, domid, fd, pv_suspend_guest, &s, &hst,
                                 err, sizeof(err));
        /* Nothing of libxc's stream was written: say so, go suspended. */
        if (rc == -EOPNOTSUPP) {
            domain_err(c,
                       "save: domain %u: not live: %s; the guest is "
                       "suspended for the whole copy",
                       domid, err);
            err[0] = '\0';
            live = 0;
            rc = hv_domain_save(s.hv, domid, fd, pv_suspend_guest, &s, err,
                                sizeof(err));
        }
    } else if (!rc)
        rc = hv_domain_save(s.hv, domid, fd, pv_suspend_guest, &s, err,
                            sizeof(err));
    if (!rc && (rc = libxlsr_write_end(fd)) < 0)
        snprintf(err, sizeof(err), "writing: %s", strerror(-rc));
    if (!rc && st) {
        /* The sender's share of the stop: the guest took the suspend
         * request until its last page is on its way (QEMU counts alike). */
        st->downtime_ms = s.stopped_ms ? mono_ms() - s.stopped_ms : -1;
        st->rounds = hst.rounds;
        st->pages_sent =
            live ? (long long)(hst.pages_precopy + hst.pages_stop) : -1;
    }
    if (rc < 0) {
        domain_err(c, "save: domain %u: %s%s%s", domid, err,
                   s.why[0] ? ": " : "", s.why);
        /* libxl: a failed save resumes the guest it suspended. */
        if (is_suspended(s.hv, domid)) {
            hv_close(s.hv);
            pvsave_resume(c, xs, domid, 0);
            return rc;
        }
    }
    hv_close(s.hv);
    return rc;
}

int pvsave_write(const struct domain_ctx *c, struct xs_handle *xs,
                 uint32_t domid, int fd)
{
    return write_stream(c, xs, domid, fd, NULL);
}

int pvsave_write_live(const struct domain_ctx *c, struct xs_handle *xs,
                      uint32_t domid, int fd, struct domain_save_stats *st)
{
    struct domain_save_stats dummy;

    return write_stream(c, xs, domid, fd, st ? st : &dummy);
}

int pv_save_stream(const struct domain_ctx *c, struct xs_handle *xs,
                   uint32_t domid, int fd, int live,
                   struct domain_save_stats *st)
{
    return live ? pvsave_write_live(c, xs, domid, fd, st)
                : pvsave_write(c, xs, domid, fd);
}

int pv_restore_build(struct domain_build *b, const struct hv_build *hb)
{
    char err[300] = "";
    int rc = libxlsr_read_begin(b->restore_fd, err, sizeof(err));

    if (rc < 0) {
        snprintf(b->err, sizeof(b->err), "%s: %s", b->cfg->name, err);
        return rc;
    }
    rc = hv_domain_restore(b->hv, hb, b->restore_fd, &b->built, err,
                           sizeof(err));
    if (rc < 0) {
        snprintf(b->err, sizeof(b->err), "%s: %s", b->cfg->name, err);
        return rc;
    }
    rc = libxlsr_read_end(b->restore_fd, err, sizeof(err));
    if (rc < 0) {
        snprintf(b->err, sizeof(b->err), "%s: %s", b->cfg->name, err);
        /* create.c undoes only a build that succeeded. */
        hv_domain_destroy(b->hv, b->domid);
    }
    return rc;
}
