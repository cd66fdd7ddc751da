/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_xs_many.c: xsutil_read_many() against a stand-in xenstored on a
 * unix socket that answers pairs of requests in reverse order (replies
 * are matched by req_id, not by order), reports a missing node as
 * XS_ERROR, and counts how many requests it saw before its first reply
 * (the reads are pipelined, not one round trip each); and the raw
 * requests (xsutil_raw_call, xsutil_raw_many) in a transaction.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>
#include <cmocka.h>
#include "unit.h"

#include "lib/fs.h"
#include "lib/xsutil.h"

struct req {
    struct xsd_sockmsg h;
    char body[XENSTORE_PAYLOAD_MAX + 1];
};

struct server {
    int lfd, reads_only;
    uint32_t tx;
    unsigned served, most_queued;
    char sock[100];
    pthread_t th;
};

static int req_read(int fd, struct req *r)
{
    if (fs_read_all(fd, &r->h, sizeof(r->h)) < 0 ||
        r->h.len > XENSTORE_PAYLOAD_MAX ||
        fs_read_all(fd, r->body, r->h.len) < 0)
        return -1;
    r->body[r->h.len] = '\0';
    return 0;
}

static void reply(int fd, const struct req *r)
{
    struct xsd_sockmsg h = r->h;
    char val[XENSTORE_PAYLOAD_MAX + 8];

    if (strstr(r->body, "missing")) {
        h.type = XS_ERROR;
        snprintf(val, sizeof(val), "ENOENT");
    } else {
        snprintf(val, sizeof(val), "v:%s", r->body);
    }
    h.len = (uint32_t)strlen(val) + (h.type == XS_ERROR);
    assert_int_equal(fs_write_all(fd, &h, sizeof(h)), 0);
    assert_int_equal(fs_write_all(fd, val, h.len), 0);
}

/* Is another request waiting, sent before this one was answered? */
static int more_waiting(int fd)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};

    return poll(&p, 1, 50) == 1;
}

/* Answers every request, a pair at a time in reverse order when the
 * client sent the second before the first's reply. Every request is in
 * transaction s->tx; with s->reads_only, every one is an XS_READ. */
static void *serve(void *arg)
{
    struct server *s = arg;
    struct req *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
    int fd = accept(s->lfd, NULL, NULL);

    assert_true(fd >= 0 && a && b);
    while (req_read(fd, a) == 0) {
        if (s->reads_only)
            assert_int_equal(a->h.type, XS_READ);
        assert_int_equal(a->h.tx_id, s->tx);
        if (more_waiting(fd) && req_read(fd, b) == 0) {
            /* the client did not wait for a's reply before sending b */
            s->most_queued = 2;
            reply(fd, b);
            s->served++;
        }
        reply(fd, a);
        s->served++;
    }
    close(fd);
    free(a);
    free(b);
    return NULL;
}

/* The stand-in daemon on dir/socket, found through XENSTORED_PATH. */
static void server_start(struct server *s, char *dir)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};

    assert_non_null(mkdtemp(dir));
    snprintf(s->sock, sizeof(s->sock), "%s/socket", dir);
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", s->sock);
    s->lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_int_equal(bind(s->lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(s->lfd, 4), 0);
    setenv("XENSTORED_PATH", s->sock, 1);
    assert_int_equal(pthread_create(&s->th, NULL, serve, s), 0);
}

/* After the client has closed its connection: the counts, then no daemon. */
static void server_stop(struct server *s, unsigned served)
{
    pthread_join(s->th, NULL);
    assert_int_equal(s->served, served);
    assert_int_equal(s->most_queued, 2);
    close(s->lfd);
    unlink(s->sock);
}

static void test_read_many(void **state)
{
    char dir[] = "/tmp/xsmany.XXXXXX", *paths[100], *out[100];
    struct server s = {.reads_only = 1};
    unsigned i;

    (void)state;
    server_start(&s, dir);
    /* more than one window's worth, with missing nodes among them */
    for (i = 0; i < 100; i++) {
        assert_true(
            asprintf(&paths[i], i % 7 == 3 ? "/missing/%u" : "/k/%u", i) > 0);
    }
    assert_int_equal(xsutil_read_many((const char *const *)paths, 100, out), 0);
    for (i = 0; i < 100; i++) {
        char want[64];

        if (i % 7 == 3) {
            assert_null(out[i]);
        } else {
            snprintf(want, sizeof(want), "v:/k/%u", i);
            assert_non_null(out[i]);
            assert_string_equal(out[i], want);
        }
        free(out[i]);
        free(paths[i]);
    }
    server_stop(&s, 100);
    /* no daemon: an error, every out[] NULL, for the caller's fallback */
    paths[0] = "/k/0";
    out[0] = (char *)1;
    assert_true(xsutil_read_many((const char *const *)paths, 1, out) < 0);
    assert_null(out[0]);
    rmdir(dir);
    unsetenv("XENSTORED_PATH");
}

/* The raw requests: any type, in transaction 7. */
static void test_raw_many(void **state)
{
    char dir[] = "/tmp/xsraw.XXXXXX", bufs[50][32], *vals[50];
    struct xsutil_req r[50];
    struct server s = {.tx = 7};
    int errs[50], fd;
    char *v = NULL;
    unsigned i;

    (void)state;
    server_start(&s, dir);
    fd = xsutil_raw_open();
    assert_true(fd >= 0);
    /* one call: its reply, or its error as -errno */
    assert_int_equal(xsutil_raw_call(fd, XS_READ, 7, "/k/x", 5, &v, NULL), 0);
    assert_string_equal(v, "v:/k/x");
    free(v);
    assert_int_equal(xsutil_raw_call(fd, XS_READ, 7, "/missing", 9, &v, NULL),
                     -ENOENT);
    assert_null(v);
    /* writes ("path\0value") and reads, more than a window of them */
    for (i = 0; i < 50; i++) {
        int n = snprintf(bufs[i], sizeof(bufs[i]), "%s/%u",
                         i % 5 == 2 ? "/missing" : "/k", i);
        r[i] = (struct xsutil_req){i % 2 ? XS_WRITE : XS_READ, bufs[i],
                                   (size_t)n + 1};
    }
    assert_int_equal(xsutil_raw_many(fd, 7, r, 50, errs, vals), 0);
    for (i = 0; i < 50; i++) {
        char want[64];

        if (i % 5 == 2) {
            assert_int_equal(errs[i], -ENOENT);
            assert_null(vals[i]);
            continue;
        }
        assert_int_equal(errs[i], 0);
        snprintf(want, sizeof(want), "v:/k/%u", i);
        assert_string_equal(vals[i], want);
        free(vals[i]);
    }
    close(fd);
    server_stop(&s, 52);
    rmdir(dir);
    unsetenv("XENSTORED_PATH");
}

UNIT_MAIN(cmocka_unit_test(test_read_many), cmocka_unit_test(test_raw_many))
