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
#include <unistd.h>

#include <cmocka.h>

#include "console/condom.h"
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
    char cmd[128];

    (void)state;
    snprintf(cmd, sizeof(cmd), "rm -rf %s", logdir);
    assert_int_equal(system(cmd), 0);
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
    assert_int_equal(condom_create(xs_open(0), NULL, 3, logdir, &cd), 0);
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
    assert_int_equal(condom_create(xs_open(0), NULL, 3, NULL, &cd), 0);
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
    assert_int_equal(condom_create(xs_open(0), NULL, 4, NULL, &cd), -ENOENT);
    assert_null(cd);
    fake_xs_set("/local/domain/3/console/ring-ref", "5000");
    assert_int_equal(condom_create(xs_open(0), NULL, 3, NULL, &cd), -ERANGE);
    fake_xs_set("/local/domain/3/console/ring-ref", "5");
    fake_xs_set("/local/domain/3/console/port", "0");
    assert_int_equal(condom_create(xs_open(0), NULL, 3, NULL, &cd), -EINVAL);
    fake_xs_set("/local/domain/3/console/port", "junk");
    assert_int_equal(condom_create(xs_open(0), NULL, 3, NULL, &cd), -EINVAL);
    assert_int_equal(fake_hv_maps(), 0);
    assert_int_equal(fake_hv_channels(), 0);
    condom_destroy(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ring_out),
        cmocka_unit_test(test_ring_in),
        cmocka_unit_test_setup_teardown(test_condom_io, setup, teardown),
        cmocka_unit_test_setup_teardown(test_condom_unattended, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_condom_errors, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
