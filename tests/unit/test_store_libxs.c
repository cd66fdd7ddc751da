/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_store_libxs.c: Debian's libxenstore against build/bin/xenstored:
 * xs_open via XENSTORED_PATH, read/write/directory (with DIRECTORY_PART
 * paging), perms, a transaction conflict and the clients' retry loop,
 * watches, a raw client sending a bogus header. Starts its own daemon on a
 * private root unless XENSTORED_BIN=none (then XENSTORED_PATH is used).
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

/* cmocka.h needs the headers above */
#include <cmocka.h>
#include "unit.h"

struct daemon {
    pid_t pid;
    char root[64];
    char sock[128];
};

static int group_setup(void **state)
{
    static struct daemon d;
    const char *bin = getenv("XENSTORED_BIN");
    int i;

    memset(&d, 0, sizeof(d));
    *state = &d;
    if (bin && !strcmp(bin, "none"))
        return getenv("XENSTORED_PATH") ? 0 : -1;
    snprintf(d.root, sizeof(d.root), "/tmp/test-store-libxs.XXXXXX");
    if (!mkdtemp(d.root))
        return -1;
    snprintf(d.sock, sizeof(d.sock), "%s/socket", d.root);
    setenv("PVSTACK_ROOT", d.root, 1);
    setenv("XENSTORED_PATH", d.sock, 1);
    d.pid = fork();
    if (d.pid == 0) {
        execl(bin ? bin : "build/bin/xenstored", "xenstored", "-N",
              (char *)NULL);
        _exit(127);
    }
    for (i = 0; i < 200; i++) {
        struct xs_handle *h = xs_open(0);

        if (h) {
            xs_close(h);
            return 0;
        }
        usleep(20000);
    }
    return -1;
}

static int group_teardown(void **state)
{
    struct daemon *d = *state;
    int st = -1;

    if (d->pid <= 0)
        return 0;
    kill(d->pid, SIGTERM);
    waitpid(d->pid, &st, 0);
    if (unit_rm_rf(d->root))
        return -1;
    /* SIGTERM is a clean shutdown: exit status 0 */
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static struct xs_handle *xopen(void)
{
    struct xs_handle *h = xs_open(0);

    assert_non_null(h);
    return h;
}

static void t_basic(void **state)
{
    struct xs_handle *h = xopen();
    unsigned int len, n;
    char *v, **dir;

    (void)state;
    assert_true(xs_write(h, XBT_NULL, "/libxs/a", "hello", 5));
    v = xs_read(h, XBT_NULL, "/libxs/a", &len);
    assert_non_null(v);
    assert_int_equal(len, 5);
    assert_string_equal(v, "hello");
    free(v);
    assert_null(xs_read(h, XBT_NULL, "/libxs/none", &len));
    assert_int_equal(errno, ENOENT);
    assert_true(xs_mkdir(h, XBT_NULL, "/libxs/d"));
    dir = xs_directory(h, XBT_NULL, "/libxs", &n);
    assert_non_null(dir);
    assert_int_equal(n, 2);
    assert_string_equal(dir[0], "a");
    assert_string_equal(dir[1], "d");
    free(dir);
    assert_true(xs_rm(h, XBT_NULL, "/libxs"));
    assert_null(xs_directory(h, XBT_NULL, "/libxs", &n));
    v = xs_get_domain_path(h, 3);
    assert_string_equal(v, "/local/domain/3");
    free(v);
    assert_true(xs_is_domain_introduced(h, 0));
    assert_false(xs_is_domain_introduced(h, 42));
    xs_close(h);
}

static void t_big_directory(void **state)
{
    struct xs_handle *h = xopen();
    char path[64];
    unsigned int n, i;
    char **dir;

    (void)state;
    for (i = 0; i < 600; i++) {
        snprintf(path, sizeof(path), "/bigdir/child-number-%u", i);
        assert_true(xs_write(h, XBT_NULL, path, "", 0));
    }
    /* DIRECTORY answers E2BIG; libxenstore pages with DIRECTORY_PART */
    dir = xs_directory(h, XBT_NULL, "/bigdir", &n);
    assert_non_null(dir);
    assert_int_equal(n, 600);
    assert_string_equal(dir[599], "child-number-599");
    free(dir);
    xs_close(h);
}

static void t_perms(void **state)
{
    struct xs_handle *h = xopen();
    struct xs_permissions set[2] = {{7, XS_PERM_NONE}, {0, XS_PERM_READ}};
    struct xs_permissions *p;
    unsigned int n;

    (void)state;
    assert_true(xs_write(h, XBT_NULL, "/perm/x", "1", 1));
    assert_true(xs_set_permissions(h, XBT_NULL, "/perm/x", set, 2));
    p = xs_get_permissions(h, XBT_NULL, "/perm/x", &n);
    assert_non_null(p);
    assert_int_equal(n, 2);
    assert_int_equal(p[0].id, 7);
    assert_int_equal(p[0].perms, XS_PERM_NONE);
    assert_int_equal(p[1].perms, XS_PERM_READ);
    free(p);
    xs_close(h);
}

/* The clients' loop: read, bump, commit; retry on EAGAIN. */
static int increment(struct xs_handle *h, struct xs_handle *other, int *tries)
{
    for (*tries = 1;; (*tries)++) {
        xs_transaction_t t = xs_transaction_start(h);
        unsigned int len;
        char *v, buf[16];

        assert_true(t != XBT_NULL);
        v = xs_read(h, t, "/tx/counter", &len);
        assert_non_null(v);
        snprintf(buf, sizeof(buf), "%d", atoi(v) + 1);
        free(v);
        if (other && *tries == 1) /* someone else changes it meanwhile */
            assert_true(xs_write(other, XBT_NULL, "/tx/counter", "100", 3));
        assert_true(xs_write(h, t, "/tx/counter", buf, strlen(buf)));
        if (xs_transaction_end(h, t, false))
            return 0;
        if (errno != EAGAIN)
            return -errno;
    }
}

static void t_transaction_conflict(void **state)
{
    struct xs_handle *h = xopen(), *o = xopen();
    unsigned int len;
    int tries;
    char *v;

    (void)state;
    assert_true(xs_write(h, XBT_NULL, "/tx/counter", "1", 1));
    assert_int_equal(increment(h, o, &tries), 0);
    assert_int_equal(tries, 2); /* first commit hit EAGAIN */
    v = xs_read(h, XBT_NULL, "/tx/counter", &len);
    assert_string_equal(v, "101");
    free(v);
    assert_int_equal(increment(h, NULL, &tries), 0);
    assert_int_equal(tries, 1);
    /* abort leaves no trace */
    {
        xs_transaction_t t = xs_transaction_start(h);

        assert_true(xs_write(h, t, "/tx/aborted", "x", 1));
        assert_true(xs_transaction_end(h, t, true));
        assert_null(xs_read(h, XBT_NULL, "/tx/aborted", &len));
    }
    xs_close(o);
    xs_close(h);
}

/* The retry loop again, without cmocka asserts (they may not run here). */
static void *incr_thread(void *arg)
{
    struct xs_handle *h = xs_open(0);
    int i, *fails = arg;

    for (i = 0; h && i < 50; i++) {
        for (;;) {
            xs_transaction_t t = xs_transaction_start(h);
            unsigned int len;
            char buf[16], *v = xs_read(h, t, "/tx/counter", &len);

            if (t == XBT_NULL || !v) {
                (*fails)++;
                free(v);
                break;
            }
            snprintf(buf, sizeof(buf), "%d", atoi(v) + 1);
            free(v);
            if (!xs_write(h, t, "/tx/counter", buf, strlen(buf)))
                (*fails)++;
            if (xs_transaction_end(h, t, false))
                break;
            if (errno != EAGAIN) {
                (*fails)++;
                break;
            }
        }
    }
    if (!h)
        (*fails)++;
    else
        xs_close(h);
    return NULL;
}

/* 8 clients race on one counter: every increment lands exactly once. */
static void t_concurrent_increments(void **state)
{
    struct xs_handle *h = xopen();
    pthread_t th[8];
    int fails[8] = {0}, i;
    unsigned int len;
    char *v;

    (void)state;
    assert_true(xs_write(h, XBT_NULL, "/tx/counter", "0", 1));
    for (i = 0; i < 8; i++)
        pthread_create(&th[i], NULL, incr_thread, &fails[i]);
    for (i = 0; i < 8; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(fails[i], 0);
    }
    v = xs_read(h, XBT_NULL, "/tx/counter", &len);
    assert_string_equal(v, "400");
    free(v);
    xs_close(h);
}

static void t_watch(void **state)
{
    struct xs_handle *h = xopen(), *w = xopen();
    unsigned int n;
    char **ev;

    (void)state;
    assert_true(xs_watch(w, "/watched", "tok"));
    ev = xs_read_watch(w, &n); /* the initial event */
    assert_non_null(ev);
    assert_string_equal(ev[XS_WATCH_PATH], "/watched");
    assert_string_equal(ev[XS_WATCH_TOKEN], "tok");
    free(ev);
    assert_true(xs_write(h, XBT_NULL, "/watched/leaf", "1", 1));
    ev = xs_read_watch(w, &n);
    assert_non_null(ev);
    assert_string_equal(ev[XS_WATCH_PATH], "/watched/leaf");
    free(ev);
    assert_true(xs_watch(w, "@releaseDomain", "rel"));
    ev = xs_read_watch(w, &n);
    assert_string_equal(ev[XS_WATCH_PATH], "@releaseDomain");
    free(ev);
    assert_true(xs_unwatch(w, "/watched", "tok"));
    xs_close(w);
    xs_close(h);
}

/*
 * socket_ro through libxenstore: reads and watches only. RELEASE and
 * INTRODUCE are dom0's and must be refused there (EACCES), not just ENOENT.
 */
static void t_readonly_socket(void **state)
{
    char ro[200], *old = strdup(getenv("XENSTORED_PATH"));
    struct xs_handle *w = xopen(), *h;
    unsigned int len;
    char *v;

    (void)state;
    assert_true(xs_write(w, XBT_NULL, "/libxs-ro/x", "1", 1));
    snprintf(ro, sizeof(ro), "%s_ro", old);
    setenv("XENSTORED_PATH", ro, 1);
    h = xs_open(0);
    setenv("XENSTORED_PATH", old, 1);
    free(old);
    assert_non_null(h);
    v = xs_read(h, XBT_NULL, "/libxs-ro/x", &len);
    assert_non_null(v);
    free(v);
    assert_true(xs_watch(h, "/libxs-ro", "t"));
    assert_false(xs_write(h, XBT_NULL, "/libxs-ro/x", "2", 1));
    assert_int_equal(errno, EROFS);
    assert_false(xs_release_domain(h, 5));
    assert_int_equal(errno, EACCES);
    assert_false(xs_introduce_domain(h, 5, 77, 5));
    assert_int_equal(errno, EACCES);
    assert_false(xs_resume_domain(h, 5));
    assert_int_equal(errno, EACCES);
    xs_close(h);
    assert_true(xs_rm(w, XBT_NULL, "/libxs-ro"));
    xs_close(w);
}

static void t_bogus_client(void **state)
{
    struct sockaddr_un a = {.sun_family = AF_UNIX};
    uint32_t hdr[4] = {2, 1, 0, 100000}; /* len > XENSTORE_PAYLOAD_MAX */
    struct xs_handle *h;
    char c;
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

    (void)state;
    snprintf(a.sun_path, sizeof(a.sun_path), "%s", getenv("XENSTORED_PATH"));
    assert_int_equal(connect(fd, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(write(fd, hdr, sizeof(hdr)), sizeof(hdr));
    assert_int_equal(read(fd, &c, 1), 0); /* dropped */
    close(fd);
    h = xopen();
    assert_true(xs_write(h, XBT_NULL, "/alive", "1", 1));
    xs_close(h);
}

UNIT_MAIN_GROUP(group_setup, group_teardown, cmocka_unit_test(t_basic),
                cmocka_unit_test(t_big_directory), cmocka_unit_test(t_perms),
                cmocka_unit_test(t_transaction_conflict),
                cmocka_unit_test(t_concurrent_increments),
                cmocka_unit_test(t_watch), cmocka_unit_test(t_readonly_socket),
                cmocka_unit_test(t_bogus_client))
