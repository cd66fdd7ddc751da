/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_store_quota.c: the xenstored core under a hostile domain: the node
 * quota across concurrent transactions, a watcher that never reads (its
 * events are dropped within its memory quota, the writer is not held up),
 * and the one log line per burst naming the domain.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

/* cmocka.h needs the headers above */
#include <cmocka.h>

#include "lib/log.h"
#include "store/store.h"
#include "test_store_harness.h"

struct fx {
    struct xsd *x;
    struct h_conn d0, d1, d2;
};

/*
 * Run fn with stderr (the log) going to a file; return what was logged.
 * A failing assertion inside fn leaves by longjmp: the next call to
 * restore_stderr() (teardown) puts stderr back so cmocka can report it.
 */
static int saved_stderr = -1;

static void restore_stderr(void)
{
    if (saved_stderr < 0)
        return;
    fflush(stderr);
    dup2(saved_stderr, STDERR_FILENO);
    close(saved_stderr);
    saved_stderr = -1;
}

static int setup_lim(void **state, const struct xsd_limits *lim)
{
    struct fx *f = calloc(1, sizeof(*f));

    if (!f || xsd_create(lim, &f->x))
        return -1;
    h_open(f->x, 0, &f->d0);
    h_open(f->x, 1, &f->d1);
    h_open(f->x, 2, &f->d2);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    restore_stderr();
    if (!f)
        return 0;

    xsd_destroy(f->x);
    free(f);
    *state = NULL;
    return 0;
}

/* dom<id> owns /local/domain/<id> and is called name. */
static void home(struct fx *f, unsigned int id, const char *name)
{
    char p[64], own[8];

    snprintf(p, sizeof(p), "/local/domain/%u/name", id);
    assert_null(h_write(&f->d0, 0, p, name));
    snprintf(p, sizeof(p), "/local/domain/%u", id);
    snprintf(own, sizeof(own), "n%u", id);
    assert_null(h_chmod(&f->d0, p, own, "r0", NULL));
}

static char *logged(void (*fn)(struct fx *), struct fx *f)
{
    char file[] = "/tmp/test_store_quota.XXXXXX";
    int fd = mkstemp(file);
    static char buf[65536];
    ssize_t n;

    assert_true(fd >= 0);
    unlink(file);
    fflush(stderr);
    saved_stderr = dup(STDERR_FILENO);
    dup2(fd, STDERR_FILENO);
    fn(f);
    restore_stderr();
    n = pread(fd, buf, sizeof(buf) - 1, 0);
    close(fd);
    buf[n > 0 ? n : 0] = '\0';
    return buf;
}

static unsigned int count(const char *hay, const char *needle)
{
    unsigned int n = 0;

    while ((hay = strstr(hay, needle))) {
        n++;
        hay++;
    }
    return n;
}

/*
 * Each transaction alone fits the quota; all of them together do not.
 * Before the commit-time check, ten transactions of 990 nodes all
 * committed 9,901 nodes against a quota of 1,000.
 */
static void tx_quota(struct fx *f)
{
    char p[64];
    uint32_t t[3];
    int i, k;

    for (i = 0; i < 3; i++) {
        /* own directories: the transactions do not conflict */
        snprintf(p, sizeof(p), "t%d", i);
        assert_null(h_op1(&f->d1, XS_MKDIR, 0, p, NULL));
    }
    /* 4 nodes owned (home, 3 dirs; dom0 wrote name); 10 more fit 20 */
    for (i = 0; i < 3; i++) {
        t[i] = h_tx_start(&f->d1);
        assert_true(t[i] != 0);
        for (k = 0; k < 10; k++) {
            snprintf(p, sizeof(p), "t%d/k%d", i, k);
            assert_null(h_write(&f->d1, t[i], p, "v"));
        }
    }
    assert_null(h_tx_end(&f->d1, t[0], 1));
    assert_string_equal(h_tx_end(&f->d1, t[1], 1), "ENOSPC");
    assert_string_equal(h_tx_end(&f->d1, t[2], 1), "ENOSPC");
    assert_null(h_read(&f->d1, 0, "t0/k9", NULL));
    assert_string_equal(h_read(&f->d1, 0, "t1/k0", NULL), "ENOENT");
    assert_string_equal(h_read(&f->d1, 0, "t2/k0", NULL), "ENOENT");
    /* 14 owned: 6 more fit, the 7th does not, outside a tx too */
    for (k = 0; k < 6; k++) {
        snprintf(p, sizeof(p), "t1/k%d", k);
        assert_null(h_write(&f->d1, 0, p, "v"));
    }
    assert_string_equal(h_write(&f->d1, 0, "t1/k6", "v"), "ENOSPC");
    /* dom0 is not limited, and removing makes room again */
    assert_null(h_write(&f->d0, 0, "/local/domain/1/t2/dom0", "v"));
    assert_null(h_op1(&f->d1, XS_RM, 0, "t1", NULL));
    t[0] = h_tx_start(&f->d1);
    assert_null(h_write(&f->d1, t[0], "t1/k0", "v"));
    assert_null(h_tx_end(&f->d1, t[0], 1));
}

static void t_tx_quota_at_commit(void **state)
{
    struct xsd_limits lim;
    struct fx *f;
    char *log;

    xsd_limits_default(&lim);
    lim.entries = 20;
    assert_int_equal(setup_lim(state, &lim), 0);
    f = *state;
    home(f, 1, "greedy");
    log = logged(tx_quota, f);
    /* one line for the burst, naming the domain */
    assert_int_equal(count(log, "dom 1 (greedy): transaction would own"), 1);
}

/* Bytes of output queued on c, read and freed as a socket would. */
static size_t drain_bytes(struct xs_conn *c, unsigned int *events_out)
{
    size_t total = 0, len;
    const void *p;

    *events_out = 0;
    while ((p = xsd_conn_output(c, &len))) {
        struct xsd_sockmsg h;

        if (len >= sizeof(h)) {
            memcpy(&h, p, sizeof(h));
            *events_out += h.type == XS_WATCH_EVENT;
        }
        total += len;
        xsd_conn_consume(c, len);
    }
    return total;
}

static struct xs_conn *sleeper;

static size_t drain_bytes(struct xs_conn *c, unsigned int *events_out);

/*
 * dom1 sets 128 watches on dom2's home (reading the replies), then never
 * reads again. dom2 writes on:
 * each write must still succeed at once, dom1's queue stays within its
 * memory quota, and the events beyond it are dropped and logged once.
 */
static void slow_reader(struct fx *f)
{
    char p[64], tok[16], buf[64];
    unsigned int i, k;
    size_t off;

    for (i = 0; i < 128; i++) {
        struct xsd_sockmsg h = {XS_WATCH, i + 1, 0, 0};

        off = (size_t)snprintf(buf + sizeof(h), sizeof(buf) - sizeof(h),
                               "/local/domain/2") +
              1;
        snprintf(tok, sizeof(tok), "t%u", i);
        memcpy(buf + sizeof(h) + off, tok, strlen(tok) + 1);
        h.len = (uint32_t)(off + strlen(tok) + 1);
        memcpy(buf, &h, sizeof(h));
        assert_int_equal(xsd_conn_input(sleeper, buf, sizeof(h) + h.len),
                         (long)(sizeof(h) + h.len));
        drain_bytes(sleeper, &k);
    }
    for (k = 0; k < 200; k++) {
        snprintf(p, sizeof(p), "data/%u", k % 50);
        assert_null(h_write(&f->d2, 0, p, "x"));
    }
}

static void t_slow_reader(void **state)
{
    struct xsd_limits lim;
    unsigned int events;
    struct fx *f;
    size_t bytes;
    char *log;

    xsd_limits_default(&lim);
    lim.memory = 64 * 1024;
    assert_int_equal(setup_lim(state, &lim), 0);
    f = *state;
    home(f, 1, "sleeper");
    home(f, 2, "writer");
    assert_null(h_chmod(&f->d0, "/local/domain/2", "n2", "r1", NULL));
    /* dom1's connection, driven raw: nothing ever reads it */
    assert_int_equal(xsd_conn_create(f->x, 1, 0, NULL, NULL, &sleeper), 0);
    log = logged(slow_reader, f);
    assert_int_equal(count(log, "dom 1 (sleeper): not reading its watch"), 1);
    assert_int_equal(count(log, "dom 2"), 0);
    bytes = drain_bytes(sleeper, &events);
    assert_true(bytes <= lim.memory);
    /* 128 tokens x 50 paths would be 6,400 events: cut short */
    assert_true(events > 100 && events < 128 * 50);
    /* drained, it hears the next change again, once per token */
    assert_null(h_write(&f->d2, 0, "data/new", "y"));
    drain_bytes(sleeper, &events);
    assert_int_equal(events, 128);
    /* identical events still queued are not duplicated */
    assert_null(h_write(&f->d2, 0, "data/new", "z"));
    assert_null(h_write(&f->d2, 0, "data/new", "w"));
    drain_bytes(sleeper, &events);
    assert_int_equal(events, 128);
    xsd_conn_destroy(sleeper);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(t_tx_quota_at_commit, teardown),
        cmocka_unit_test_teardown(t_slow_reader, teardown),
    };

    log_procinit("xenstored");
    log_init(1, 0);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
