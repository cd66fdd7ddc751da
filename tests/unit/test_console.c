/* SPDX-License-Identifier: GPL-2.0-only */
/* test_console.c: xenconsoled's ring copy (console/ring.c) and per-guest
 * console (console/condom.c) on in-memory rings, a real pty and log. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include "unit.h"

#include "console/condom.h"
#include "console/conlog.h"
#include "console/ring.h"
#include "fake_hv.h"
#include "fake_xs.h"

static void put_out(struct xencons_interface *in, const char *s)
{
    size_t i;

    for (i = 0; s[i]; i++)
        in->out[MASK_XENCONS_IDX(in->out_prod + i, in->out)] = s[i];
    in->out_prod += (XENCONS_RING_IDX)strlen(s);
}

static void test_ring_out(void **state)
{
    struct xencons_interface *in = calloc(1, sizeof(*in));
    char buf[4096];

    (void)state;
    assert_int_equal(console_ring_read_out(in, buf, sizeof(buf)), 0);
    put_out(in, "hello");
    assert_int_equal(console_ring_read_out(in, buf, 3), 3);
    assert_memory_equal(buf, "hel", 3);
    assert_int_equal(console_ring_read_out(in, buf, sizeof(buf)), 2);
    assert_memory_equal(buf, "lo", 2);
    /* Wrap: indices near 2^32 and across the ring's end. */
    in->out_cons = in->out_prod = 0xfffffffe;
    put_out(in, "wrap");
    assert_int_equal(console_ring_read_out(in, buf, sizeof(buf)), 4);
    assert_memory_equal(buf, "wrap", 4);
    assert_int_equal(in->out_cons, 2);
    /* Hostile: producer more than a ring ahead. */
    in->out_cons = 0;
    in->out_prod = sizeof(in->out) + 1;
    assert_int_equal(console_ring_read_out(in, buf, sizeof(buf)), -EPROTO);
    assert_int_equal(in->out_cons, 0);
    in->out_prod = sizeof(in->out); /* exactly full is fine */
    assert_int_equal(console_ring_read_out(in, buf, sizeof(buf)),
                     (int)sizeof(in->out));
    free(in);
}

static void test_ring_in(void **state)
{
    struct xencons_interface *in = calloc(1, sizeof(*in));
    char buf[2048];

    (void)state;
    memset(buf, 'x', sizeof(buf));
    assert_int_equal(console_ring_in_space(in), 1024);
    assert_int_equal(console_ring_write_in(in, "ab", 2), 2);
    assert_int_equal(in->in_prod, 2);
    assert_memory_equal(in->in, "ab", 2);
    assert_int_equal(console_ring_write_in(in, buf, sizeof(buf)), 1022);
    assert_int_equal(console_ring_write_in(in, buf, 1), 0); /* full */
    in->in_cons = 1000;
    assert_int_equal(console_ring_in_space(in), 1024 - 24);
    in->in_cons = in->in_prod + 1; /* consumer past producer */
    assert_int_equal(console_ring_in_space(in), -EPROTO);
    assert_int_equal(console_ring_write_in(in, "a", 1), -EPROTO);
    free(in);
}

static char logdir[64];

static int setup(void **state)
{
    (void)state;
    fake_xs_reset();
    fake_hv_reset();
    snprintf(logdir, sizeof(logdir), "/tmp/test_console.XXXXXX");
    assert_non_null(mkdtemp(logdir));
    fake_xs_set("/local/domain/3/name", "guest1");
    fake_xs_set("/local/domain/3/console/ring-ref", "5");
    fake_xs_set("/local/domain/3/console/port", "7");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    assert_int_equal(unit_rm_rf(logdir), 0);
    return 0;
}

static ssize_t read_timeout(int fd, char *buf, size_t len)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};

    if (poll(&p, 1, 2000) != 1)
        return -1;
    return read(fd, buf, len);
}

static void test_condom_io(void **state)
{
    struct xencons_interface *in = fake_hv_page(3, 5);
    struct condom *cd;
    struct pollfd pfd[2];
    const char *tty;
    char buf[256], path[128];
    int fd, lfd;
    ssize_t n;

    (void)state;
    put_out(in, "early boot\n");
    assert_int_equal(condom_create(xs_open(0), NULL, 3, logdir, 0, &cd), 0);
    tty = fake_xs_get("/local/domain/3/console/tty");
    assert_non_null(tty);
    assert_non_null(strstr(tty, "/dev/pts/"));
    fd = open(tty, O_RDWR | O_NOCTTY);
    assert_true(fd >= 0);
    n = read_timeout(fd, buf, sizeof(buf));
    assert_int_equal(n, 11);
    assert_memory_equal(buf, "early boot\n", 11);

    /* Guest output after an event. */
    put_out(in, "login: ");
    fake_hv_kick(3, 7);
    assert_int_equal(condom_fds(cd, pfd), 2);
    assert_int_equal(poll(pfd, 1, 1000), 1);
    assert_int_equal(condom_handle_evtchn(cd), 0);
    n = read_timeout(fd, buf, sizeof(buf));
    assert_int_equal(n, 7);
    assert_memory_equal(buf, "login: ", 7);
    assert_true(fake_hv_notified(3, 7) >= 1);

    /* Keyboard input reaches the guest's in ring. */
    assert_int_equal(write(fd, "root\r", 5), 5);
    condom_fds(cd, pfd);
    assert_int_equal(poll(&pfd[1], 1, 2000), 1);
    assert_int_equal(condom_handle_pty(cd, pfd[1].revents), 0);
    assert_int_equal(in->in_prod, 5);
    assert_memory_equal(in->in, "root\r", 5);

    /* Everything the guest wrote is in guest-<name>.log. */
    snprintf(path, sizeof(path), "%s/guest-guest1.log", logdir);
    lfd = open(path, O_RDONLY);
    assert_true(lfd >= 0);
    n = read(lfd, buf, sizeof(buf));
    assert_int_equal(n, 18);
    assert_memory_equal(buf, "early boot\nlogin: ", 18);
    close(lfd);

    /* A hostile index is a protocol error, not an overread. */
    in->out_prod = in->out_cons + 5000;
    fake_hv_kick(3, 7);
    assert_int_equal(condom_handle_evtchn(cd), -EPROTO);
    close(fd);
    condom_destroy(cd);
    assert_int_equal(fake_hv_maps(), 0);
    assert_int_equal(fake_hv_channels(), 0);
}

/* Nobody reads the pty: output is dropped, the guest never stalls. */
static void test_condom_unattended(void **state)
{
    struct xencons_interface *in = fake_hv_page(3, 5);
    struct condom *cd;
    char line[1025];
    int i;

    (void)state;
    memset(line, 'z', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    assert_int_equal(condom_create(xs_open(0), NULL, 3, NULL, 0, &cd), 0);
    for (i = 0; i < 300; i++) {
        put_out(in, line);
        assert_int_equal(condom_handle_evtchn(cd), 0);
        assert_int_equal(in->out_cons, in->out_prod);
    }
    assert_true(condom_dropped(cd) > 0);
    condom_destroy(cd);
}

static void test_condom_errors(void **state)
{
    struct condom *cd;

    (void)state;
    assert_int_equal(condom_create(xs_open(0), NULL, 4, NULL, 0, &cd), -ENOENT);
    assert_null(cd);
    fake_xs_set("/local/domain/3/console/ring-ref", "5000");
    assert_int_equal(condom_create(xs_open(0), NULL, 3, NULL, 0, &cd), -ERANGE);
    fake_xs_set("/local/domain/3/console/ring-ref", "5");
    fake_xs_set("/local/domain/3/console/port", "0");
    assert_int_equal(condom_create(xs_open(0), NULL, 3, NULL, 0, &cd), -EINVAL);
    fake_xs_set("/local/domain/3/console/port", "junk");
    assert_int_equal(condom_create(xs_open(0), NULL, 3, NULL, 0, &cd), -EINVAL);
    assert_int_equal(fake_hv_maps(), 0);
    assert_int_equal(fake_hv_channels(), 0);
    condom_destroy(NULL);
}

static off_t file_size(const char *path)
{
    struct stat st;

    return stat(path, &st) == 0 ? st.st_size : -1;
}

/*
 * A flooding guest: its log stops at the cap and rotates to .log.1 (the
 * old code appended without bound), and after CONDOM_EVENTS events in a
 * period its channel is left out of the poll set until the period ends,
 * so the daemon's loop serves the other consoles.
 */
static void test_condom_flood(void **state)
{
    struct xencons_interface *in = fake_hv_page(3, 5);
    struct condom *cd;
    struct pollfd pfd[2];
    char line[1001], path[128], old[136];
    int i, w;

    (void)state;
    memset(line, 'f', sizeof(line) - 1);
    line[sizeof(line) - 1] = '\0';
    assert_int_equal(condom_create(xs_open(0), NULL, 3, logdir, 4096, &cd), 0);
    for (i = 0; i < CONDOM_EVENTS - 1; i++) {
        put_out(in, line);
        assert_int_equal(condom_handle_evtchn(cd), 0);
        condom_fds(cd, pfd);
        assert_true(pfd[0].fd >= 0);
    }
    assert_int_equal(condom_wait_ms(cd), -1);
    put_out(in, line);
    assert_int_equal(condom_handle_evtchn(cd), 0);
    condom_fds(cd, pfd);
    assert_int_equal(pfd[0].fd, -1); /* throttled */
    w = condom_wait_ms(cd);
    assert_true(w >= 0 && w <= CONDOM_PERIOD_MS);
    assert_int_equal(condom_throttled(cd), 1);
    snprintf(path, sizeof(path), "%s/guest-guest1.log", logdir);
    snprintf(old, sizeof(old), "%s.1", path);
    assert_true(file_size(path) > 0 && file_size(path) <= 4096);
    assert_true(file_size(old) > 0 && file_size(old) <= 4096);
    /* The next period serves it again. */
    usleep((useconds_t)(w + 20) * 1000);
    assert_int_equal(condom_wait_ms(cd), -1);
    condom_fds(cd, pfd);
    assert_true(pfd[0].fd >= 0);
    condom_destroy(cd);
}

/* conlog on its own: the window limiter and rotation with keep copies. */
static void test_conlog(void **state)
{
    struct conlog_limit l;
    struct conlog *lg;
    char path[128], p1[136], p2[136], p3[136], buf[600];
    uint64_t rep;

    (void)state;
    conlog_limit_init(&l, 100, 1000);
    assert_int_equal(conlog_limit_take(&l, 5000000000ull, 60, &rep), 60);
    assert_int_equal(rep, 0);
    assert_int_equal(conlog_limit_take(&l, 5100000000ull, 60, &rep), 40);
    assert_int_equal(conlog_limit_take(&l, 5200000000ull, 10, &rep), 0);
    assert_int_equal(rep, 0);
    /* Next window: the drop is reported once, bytes pass again. */
    assert_int_equal(conlog_limit_take(&l, 6000000000ull, 10, &rep), 10);
    assert_int_equal(rep, 30);
    assert_int_equal(conlog_limit_take(&l, 6100000000ull, 10, &rep), 10);
    assert_int_equal(rep, 0);

    memset(buf, 'x', sizeof(buf));
    snprintf(path, sizeof(path), "%s/rot.log", logdir);
    snprintf(p1, sizeof(p1), "%s.1", path);
    snprintf(p2, sizeof(p2), "%s.2", path);
    snprintf(p3, sizeof(p3), "%s.3", path);
    assert_int_equal(conlog_open(path, 1000, 2, -1, &lg), 0);
    for (int i = 0; i < 10; i++)
        assert_int_equal(conlog_write(lg, buf, sizeof(buf)), 0);
    assert_int_equal(file_size(path), 600);
    assert_int_equal(file_size(p1), 600);
    assert_int_equal(file_size(p2), 600);
    assert_int_equal(file_size(p3), -1); /* only keep copies */
    conlog_close(lg);
    /* Reopened over its cap (a restart): rotated at once. */
    assert_int_equal(conlog_open(path, 500, 0, -1, &lg), 0);
    assert_int_equal(conlog_size(lg), 0);
    assert_int_equal(file_size(path), 0);
    conlog_close(lg);
    assert_int_equal(conlog_open(path, 0, 1, -1, &lg), -EINVAL);
}

UNIT_MAIN(cmocka_unit_test(test_ring_out), cmocka_unit_test(test_ring_in),
          unit_test_fx(test_condom_io), unit_test_fx(test_condom_unattended),
          unit_test_fx(test_condom_errors), unit_test_fx(test_condom_flood),
          unit_test_fx(test_conlog))
