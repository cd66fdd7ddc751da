/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_save_pv.c: domain/save_pv.c on fake_xs.c and a scripted engine (the
 * hv.h calls it makes are stubbed here): the suspend request and what the
 * guest's answer leads to, the stream around the engine's, the resume of
 * a guest whose save failed, and a restore's refusal of a bad stream.
 */
#include "domain/internal.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/sched.h>

#include <cmocka.h>
#include "unit.h"

#include "cfg/cfg.h"
#include "domain/libxlsr.h"
#include "domain/save.h"
#include "fake_xs.h"

#define DOMID 7u
#define SHUTDOWN_NODE "/local/domain/7/control/shutdown"

/* The scripted guest and engine. */
static struct {
    int acks;          /* the guest clears control/shutdown */
    unsigned reason;   /* ... and shuts down with this reason */
    int shut;          /* Xen reports it shut down */
    int save_rc;       /* what the engine's stream write returns after */
    int resumed, fast; /* hv_domain_resume calls, its fast flag */
    int paused_first;  /* hv_domain_pause came before the resume */
    int pauses, destroyed, restored, xs_resumed;
    int live;        /* hv_domain_save_live calls */
    int plain;       /* hv_domain_save calls */
    int no_logdirty; /* the engine has no live save (Debian's Xen) */
    char err[256];
} g;

static void guest(const char *path, const char *val)
{
    if (strcmp(path, SHUTDOWN_NODE) || strcmp(val, "suspend") || !g.acks)
        return;
    fake_xs_set(SHUTDOWN_NODE, ""); /* Linux's xenbus answer */
    g.shut = 1;
}

/* ---- the stubs ---------------------------------------------------------- */

int hv_open(struct hv **hv)
{
    *hv = (struct hv *)&g;
    return 0;
}

void hv_close(struct hv *hv)
{
    (void)hv;
}

int hv_domain_getinfo(struct hv *hv, uint32_t domid, struct hv_dominfo *out)
{
    (void)hv;
    memset(out, 0, sizeof(*out));
    out->domid = domid;
    out->flags = g.shut ? HV_DOMF_SHUTDOWN : HV_DOMF_RUNNING;
    out->shutdown_reason = g.reason;
    out->mem_kb = 1024;
    return 0;
}

int hv_domain_save(struct hv *hv, uint32_t domid, int fd,
                   int (*suspend)(void *arg), void *arg, char *err,
                   size_t errlen)
{
    int rc;

    (void)hv;
    assert_int_equal(domid, DOMID);
    g.plain++;
    assert_int_equal(write(fd, "LIBXC", 5), 5);
    rc = suspend(arg);
    if (rc < 0) {
        snprintf(err, errlen, "the guest did not suspend");
        return rc;
    }
    if (g.save_rc < 0)
        snprintf(err, errlen, "xc_domain_save failed");
    return g.save_rc;
}

/* Live: three rounds sent while it runs, then the suspend for 20 pages. */
int hv_domain_save_live(struct hv *hv, uint32_t domid, int fd,
                        int (*suspend)(void *arg), void *arg,
                        struct hv_save_stats *st, char *err, size_t errlen)
{
    const char *v;
    int rc;

    (void)hv;
    assert_int_equal(domid, DOMID);
    g.live++;
    if (g.no_logdirty) { /* refused before anything is written */
        snprintf(err, errlen, "Xen cannot track a PV guest's dirty pages");
        return -EOPNOTSUPP;
    }
    assert_int_equal(write(fd, "LIBXC", 5), 5);
    /* The guest runs through the rounds: no suspend asked yet. */
    v = fake_xs_get(SHUTDOWN_NODE);
    assert_true(!v || strcmp(v, "suspend"));
    st->rounds = 3;
    st->pages_precopy = 1000;
    st->pages_stop = 20;
    rc = suspend(arg);
    if (rc < 0) {
        snprintf(err, errlen, "the guest did not suspend");
        return rc;
    }
    return g.save_rc;
}

int hv_domain_resume(struct hv *hv, uint32_t domid, int fast)
{
    (void)hv;
    (void)domid;
    g.resumed++;
    g.fast = fast;
    g.paused_first = g.pauses > 0;
    g.shut = 0;
    return 0;
}

int hv_domain_pause(struct hv *hv, uint32_t domid)
{
    (void)hv;
    (void)domid;
    g.pauses++;
    return 0;
}

int hv_domain_destroy(struct hv *hv, uint32_t domid)
{
    (void)hv;
    (void)domid;
    g.destroyed++;
    return 0;
}

int hv_domain_restore(struct hv *hv, const struct hv_build *b, int fd,
                      struct hv_built *out, char *err, size_t errlen)
{
    char x[5];

    (void)hv;
    (void)b;
    (void)err;
    (void)errlen;
    assert_int_equal(read(fd, x, 5), 5);
    assert_memory_equal(x, "LIBXC", 5);
    g.restored++;
    out->store_pfn = 0x1234;
    return 0;
}

bool xs_resume_domain(struct xs_handle *h, unsigned int domid)
{
    (void)h;
    (void)domid;
    g.xs_resumed++;
    return true;
}

void domain_err(const struct domain_ctx *c, const char *fmt, ...)
{
    va_list ap;

    (void)c;
    va_start(ap, fmt);
    vsnprintf(g.err, sizeof(g.err), fmt, ap);
    va_end(ap);
}

int dstore_read(struct xs_handle *xs, const char *path, char *buf, size_t len)
{
    unsigned n = 0;
    char *v = xs_read(xs, XBT_NULL, path, &n);

    if (!v)
        return -ENOENT;
    snprintf(buf, len, "%.*s", (int)n, v);
    free(v);
    return 0;
}

int dstore_write(struct xs_handle *xs, const char *path, const char *val)
{
    return xs_write(xs, XBT_NULL, path, val, (unsigned)strlen(val)) ? 0 : -EIO;
}

/* ---- the tests ---------------------------------------------------------- */

/* Every test's store handle and image (an empty memfd). */
static struct {
    struct xs_handle *xs;
    int fd;
} fx;

static int setup(void **state)
{
    (void)state;
    memset(&g, 0, sizeof(g));
    fake_xs_reset();
    fake_xs_on_write(guest);
    fx.xs = xs_open(0);
    fx.fd = memfd_create("img", 0);
    return fx.xs && fx.fd >= 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    close(fx.fd);
    xs_close(fx.xs);
    fake_xs_on_write(NULL);
    return 0;
}

static const struct domain_ctx ctx = {.prog = "xm"};

/* The guest will answer the suspend request and shut down with reason. */
static void guest_answers(unsigned reason)
{
    g.acks = 1;
    g.reason = reason;
}

/* pvsave_write(), or with st pvsave_write_live(), into the fixture's image. */
static int save(struct domain_save_stats *st)
{
    return st ? pvsave_write_live(&ctx, fx.xs, DOMID, fx.fd, st)
              : pvsave_write(&ctx, fx.xs, DOMID, fx.fd);
}

static void test_saved(void **state)
{
    struct xs_handle *xs = fx.xs;
    char b[64];
    int fd = fx.fd, n;

    (void)state;
    guest_answers(SHUTDOWN_suspend);
    assert_int_equal(save(NULL), 0);
    assert_int_equal(g.live, 0); /* xm save: never the live stream */
    /* The guest answered; it stays suspended for the caller to destroy. */
    assert_string_equal(fake_xs_get(SHUTDOWN_NODE), "");
    assert_int_equal(g.resumed, 0);
    /* libxl's header and LIBXC_CONTEXT, the engine's bytes, END. */
    n = (int)pread(fd, b, sizeof(b), 0);
    assert_int_equal(n, 16 + 8 + 5 + 8);
    assert_memory_equal(b, "LibxlFmt", 8);
    assert_memory_equal(b + 24, "LIBXC", 5);
    assert_memory_equal(b + 29, "\0\0\0\0\0\0\0\0", 8);
    /* save -c: resumed fast (suspend cancelled), xenstored re-armed. */
    assert_int_equal(pvsave_resume(&ctx, xs, DOMID, 0), 0);
    assert_int_equal(g.resumed, 1);
    assert_int_equal(g.fast, 1);
    assert_int_equal(g.xs_resumed, 1);
    assert_int_equal(g.pauses, 0);
}

static void test_live(void **state)
{
    struct domain_save_stats st = {-1, -1, -1, -1};

    (void)state;
    guest_answers(SHUTDOWN_suspend);
    assert_int_equal(save(&st), 0);
    assert_int_equal(g.live, 1);
    assert_string_equal(fake_xs_get(SHUTDOWN_NODE), "");
    assert_int_equal(g.resumed, 0);
    /* What was sent: all rounds plus the last one, of 256 pages of RAM. */
    assert_int_equal(st.rounds, 3);
    assert_int_equal(st.pages_sent, 1020);
    assert_int_equal(st.pages_ram, 256);
    assert_true(st.downtime_ms >= 0);
    /* A live stream that fails after the suspend resumes the guest. */
    g.save_rc = -EPIPE;
    assert_int_equal(save(&st), -EPIPE);
    assert_int_equal(g.resumed, 1);
}

/* No log-dirty: said in one line, then the suspended copy, one stream. */
static void test_live_fallback(void **state)
{
    struct domain_save_stats st = {-1, -1, -1, -1};
    char b[64];
    int fd = fx.fd;

    (void)state;
    guest_answers(SHUTDOWN_suspend);
    g.no_logdirty = 1;
    assert_int_equal(save(&st), 0);
    assert_int_equal(g.live, 1);
    assert_int_equal(g.plain, 1);
    assert_non_null(strstr(g.err, "not live: Xen cannot track"));
    assert_int_equal(st.pages_sent, -1);
    assert_int_equal(st.rounds, 0);
    assert_true(st.downtime_ms >= 0);
    /* The libxl header once, the engine's bytes once, END. */
    assert_int_equal(pread(fd, b, sizeof(b), 0), 16 + 8 + 5 + 8);
    assert_memory_equal(b + 24, "LIBXC", 5);
}

static void test_failed_stream_resumes(void **state)
{
    (void)state;
    guest_answers(SHUTDOWN_suspend);
    g.save_rc = -ENOSPC;
    assert_int_equal(save(NULL), -ENOSPC);
    assert_non_null(strstr(g.err, "xc_domain_save failed"));
    /* libxl: the guest it suspended carries on. */
    assert_int_equal(g.resumed, 1);
    assert_int_equal(g.xs_resumed, 1);
}

static void test_wrong_reason(void **state)
{
    (void)state;
    guest_answers(SHUTDOWN_poweroff);
    assert_int_equal(save(NULL), -ECANCELED);
    assert_non_null(strstr(g.err, "unexpected reason code 0"));
    /* Powered off is not suspended: nothing to resume. */
    assert_int_equal(g.resumed, 0);
}

static void test_resume_guards(void **state)
{
    struct xs_handle *xs = fx.xs;

    (void)state;
    /* Running: a cooperative resume would clobber its rax; none is made. */
    assert_int_equal(pvsave_resume(&ctx, xs, DOMID, 0), 0);
    assert_int_equal(g.resumed, 0);
    /* save -c -p: paused before the resume, so it stays stopped. */
    g.shut = 1;
    g.reason = SHUTDOWN_suspend;
    assert_int_equal(pvsave_resume(&ctx, xs, DOMID, 1), 0);
    assert_int_equal(g.resumed, 1);
    assert_int_equal(g.paused_first, 1);
}

/* pv_restore_build on the stream in fd. */
static int restore(int fd, struct domain_build *b)
{
    static struct domain_config cfg = {.name = "g1"};
    struct hv_build hb = {.domid = DOMID};

    memset(b, 0, sizeof(*b));
    b->c = &ctx;
    b->cfg = &cfg;
    b->domid = DOMID;
    b->restore_fd = fd;
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    return pv_restore_build(b, &hb);
}

static void test_restore(void **state)
{
    struct domain_build b;
    int fd = fx.fd;

    (void)state;
    assert_int_equal(libxlsr_write_begin(fd), 0);
    assert_int_equal(write(fd, "LIBXC", 5), 5);
    assert_int_equal(libxlsr_write_end(fd), 0);
    assert_int_equal(restore(fd, &b), 0);
    assert_int_equal(g.restored, 1);
    assert_int_equal(b.built.store_pfn, 0x1234);
    /* Without the END record: the made domain is destroyed again. */
    assert_int_equal(ftruncate(fd, 16 + 8 + 5), 0);
    assert_int_equal(restore(fd, &b), -EINVAL);
    assert_non_null(strstr(b.err, "g1: libxl stream: truncated"));
    assert_int_equal(g.destroyed, 1);
    /* A foreign stream: refused before the engine makes anything. */
    assert_int_equal(pwrite(fd, "NotLibxl", 8, 0), 8);
    assert_int_equal(restore(fd, &b), -EINVAL);
    assert_non_null(strstr(b.err, "bad ident"));
    assert_int_equal(g.restored, 2);
}

UNIT_MAIN(unit_test_fx(test_saved), unit_test_fx(test_live),
          unit_test_fx(test_live_fallback),
          unit_test_fx(test_failed_stream_resumes),
          unit_test_fx(test_wrong_reason), unit_test_fx(test_resume_guards),
          unit_test_fx(test_restore))
