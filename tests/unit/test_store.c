/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_store.c: the xenstored core through xs_wire messages: tree and
 * paths, permissions (dom0 vs domUs), transactions and conflicts, watches,
 * quotas, payload limits, domain requests without an engine.
 */
#include <errno.h>
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
#include "unit.h"

#include "store/store.h"
#include "test_store_harness.h"

struct fx {
    struct xsd *x;
    struct h_conn d0, d1, d2;
};

static int setup_lim(void **state, const struct xsd_limits *lim)
{
    static struct fx f;

    memset(&f, 0, sizeof(f));
    if (xsd_create(lim, &f.x))
        return -1;
    h_open(f.x, 0, &f.d0);
    h_open(f.x, 1, &f.d1);
    h_open(f.x, 2, &f.d2);
    *state = &f;
    return 0;
}

static int setup(void **state)
{
    return setup_lim(state, NULL);
}

static int teardown(void **state)
{
    struct fx *f = *state;

    xsd_destroy(f->x); /* also closes the connections */
    return 0;
}

#define OK(e) assert_null(e)
static void err_is(const char *got, const char *want)
{
    assert_string_equal(got ? got : "(ok)", want);
}
#define ERR(e, s) err_is((e), (s))

static void t_initial_tree(void **state)
{
    struct fx *f = *state;
    struct h_msg r;

    OK(h_op1(&f->d0, XS_DIRECTORY, 0, "/", &r));
    assert_int_equal(r.len, 5);
    assert_memory_equal(r.body, "tool\0", 5);
    OK(h_op1(&f->d0, XS_GET_PERMS, 0, "/tool/xenstored", &r));
    assert_memory_equal(r.body, "n0\0", 3);
}

static void t_write_read_implicit_parents(void **state)
{
    struct fx *f = *state;
    char out[4097];
    struct h_msg r;

    OK(h_write(&f->d0, 0, "/a/b/c", "v1"));
    OK(h_read(&f->d0, 0, "/a/b/c", out));
    assert_string_equal(out, "v1");
    OK(h_read(&f->d0, 0, "/a/b", out));
    assert_string_equal(out, "");
    OK(h_op1(&f->d0, XS_DIRECTORY, 0, "/a", &r));
    assert_memory_equal(r.body, "b\0", 2);
    ERR(h_read(&f->d0, 0, "/a/x", out), "ENOENT");
    /* relative paths live under /local/domain/<id> */
    OK(h_write(&f->d0, 0, "rel", "r"));
    OK(h_read(&f->d0, 0, "/local/domain/0/rel", out));
    assert_string_equal(out, "r");
    /* binary values survive */
    h_req(&f->d0, XS_WRITE, 0, "/bin\0a\0b", 8, &r);
    h_req(&f->d0, XS_READ, 0, "/bin", 5, &r);
    assert_int_equal(r.len, 3);
    assert_memory_equal(r.body, "a\0b", 3);
}

static void t_invalid_paths(void **state)
{
    struct fx *f = *state;
    char big[3000];

    ERR(h_write(&f->d0, 0, "/a//b", "x"), "EINVAL");
    ERR(h_write(&f->d0, 0, "/a/b/", "x"), "EINVAL");
    ERR(h_write(&f->d0, 0, "/a b", "x"), "EINVAL");
    ERR(h_write(&f->d0, 0, "/a$", "x"), "EINVAL");
    memset(big, 'a', sizeof(big));
    big[0] = '/';
    big[sizeof(big) - 1] = '\0';
    ERR(h_write(&f->d0, 0, big, "x"), "EINVAL");
    OK(h_write(&f->d0, 0, "/ok-_@Z9", "x"));
}

/* 1000 levels: recursion in rm, watch firing and tx copies holds up. */
static void t_deep_path(void **state)
{
    struct fx *f = *state;
    char path[2100];
    uint32_t t;
    int i;

    for (i = 0; i < 1000; i++)
        memcpy(path + 2 * i, "/d", 2);
    path[2000] = '\0';
    OK(h_op2(&f->d0, XS_WATCH, 0, "/d", "deep", NULL));
    OK(h_write(&f->d0, 0, path, "bottom"));
    t = h_tx_start(&f->d0);
    OK(h_read(&f->d0, t, path, NULL));
    OK(h_write(&f->d0, t, path, "tx"));
    OK(h_tx_end(&f->d0, t, 1));
    t = h_tx_start(&f->d0);
    OK(h_op1(&f->d0, XS_RM, t, "/d/d", NULL));
    OK(h_tx_end(&f->d0, t, 1));
    OK(h_write(&f->d0, 0, path, "again"));
    OK(h_op1(&f->d0, XS_RM, 0, "/d", NULL));
    ERR(h_read(&f->d0, 0, "/d", NULL), "ENOENT");
    ERR(h_read(&f->d0, 0, "@introduceDomain", NULL), "EINVAL");
}

static void t_rm_and_mkdir(void **state)
{
    struct fx *f = *state;
    struct h_msg r;

    OK(h_write(&f->d0, 0, "/r/a/b", "1"));
    OK(h_write(&f->d0, 0, "/r/c", "2"));
    OK(h_op1(&f->d0, XS_RM, 0, "/r/a", NULL));
    ERR(h_read(&f->d0, 0, "/r/a/b", NULL), "ENOENT");
    OK(h_op1(&f->d0, XS_DIRECTORY, 0, "/r", &r));
    assert_memory_equal(r.body, "c\0", 2);
    /* rm of a missing node whose parent exists is fine; else ENOENT */
    OK(h_op1(&f->d0, XS_RM, 0, "/r/zz", NULL));
    ERR(h_op1(&f->d0, XS_RM, 0, "/r/zz/yy", NULL), "ENOENT");
    ERR(h_op1(&f->d0, XS_RM, 0, "/", NULL), "EINVAL");
    OK(h_op1(&f->d0, XS_MKDIR, 0, "/m/n", NULL));
    OK(h_op1(&f->d0, XS_MKDIR, 0, "/m/n", NULL));
    OK(h_read(&f->d0, 0, "/m/n", NULL));
}

static void t_unknown_and_bad_args(void **state)
{
    struct fx *f = *state;
    struct h_msg r;

    h_req(&f->d0, 99, 0, "", 0, &r);
    assert_int_equal(r.type, XS_ERROR);
    assert_string_equal(r.body, "ENOSYS");
    h_req(&f->d0, XS_WATCH_EVENT, 0, "", 0, &r);
    assert_string_equal(r.body, "ENOSYS");
    h_req(&f->d0, XS_READ, 0, "/a\0/b\0", 6, &r); /* two args */
    assert_string_equal(r.body, "EINVAL");
    h_req(&f->d0, XS_READ, 0, "/a", 2, &r); /* no NUL */
    assert_string_equal(r.body, "EINVAL");
    /* a tx id that does not exist */
    ERR(h_read(&f->d0, 77, "/tool", NULL), "ENOENT");
}

static void t_perms_domu(void **state)
{
    struct fx *f = *state;
    char out[4097];
    struct h_msg r;

    OK(h_write(&f->d0, 0, "/local/domain/1/secret", "s1"));
    /* dom0 owns it, default none: dom1 sees EACCES, not ENOENT */
    ERR(h_read(&f->d1, 0, "/local/domain/1/secret", out), "EACCES");
    ERR(h_read(&f->d1, 0, "/local/domain/1/nothere", out), "EACCES");
    OK(h_chmod(&f->d0, "/local/domain/1", "n1", NULL));
    OK(h_chmod(&f->d0, "/local/domain/1/secret", "n0", "r1", NULL));
    OK(h_read(&f->d1, 0, "/local/domain/1/secret", out));
    assert_string_equal(out, "s1");
    ERR(h_write(&f->d1, 0, "/local/domain/1/secret", "x"), "EACCES");
    ERR(h_read(&f->d2, 0, "/local/domain/1/secret", out), "EACCES");
    /* dom1 owns its home: it may create, relative paths work */
    ERR(h_read(&f->d1, 0, "nothere", out), "ENOENT");
    OK(h_write(&f->d1, 0, "mine/x", "1"));
    OK(h_op1(&f->d0, XS_GET_PERMS, 0, "/local/domain/1/mine/x", &r));
    assert_memory_equal(r.body, "n1\0", 3);
    /* another domU cannot read it */
    ERR(h_read(&f->d2, 0, "/local/domain/1/mine/x", out), "EACCES");
    ERR(h_write(&f->d2, 0, "/local/domain/1/mine/y", "1"), "EACCES");
    /* owner may grant, may not give away */
    OK(h_chmod(&f->d1, "/local/domain/1/mine/x", "n1", "r2", NULL));
    OK(h_read(&f->d2, 0, "/local/domain/1/mine/x", out));
    ERR(h_chmod(&f->d1, "/local/domain/1/mine/x", "n2", NULL), "EPERM");
    ERR(h_chmod(&f->d2, "/local/domain/1/mine/x", "b2", NULL), "EACCES");
    ERR(h_chmod(&f->d0, "/local/domain/1/mine/x", "q1", NULL), "EINVAL");
    /* privileged requests */
    ERR(h_op1(&f->d1, XS_RELEASE, 0, "3", NULL), "EACCES");
    ERR(h_op1(&f->d1, XS_IS_DOMAIN_INTRODUCED, 0, "3", NULL), "EACCES");
    /* rw via 'b' grants write too */
    OK(h_chmod(&f->d0, "/local/domain/1/secret", "n0", "b1", NULL));
    OK(h_write(&f->d1, 0, "/local/domain/1/secret", "new"));
}

static void t_perms_pub(void **state)
{
    struct fx *f = *state;
    struct h_msg r;

    OK(h_op1(&f->d0, XS_MKDIR, 0, "/pub", NULL));
    OK(h_chmod(&f->d0, "/pub", "n0", "b1", NULL));
    OK(h_write(&f->d1, 0, "/pub/x/y", "1"));
    OK(h_op1(&f->d0, XS_GET_PERMS, 0, "/pub/x/y", &r));
    /* inherited list, owner replaced by the creator */
    assert_memory_equal(r.body, "n1\0b1\0", 6);
}

static void t_transactions(void **state)
{
    struct fx *f = *state;
    char out[4097];
    uint32_t t1, t2;

    OK(h_write(&f->d0, 0, "/t/a", "0"));
    t1 = h_tx_start(&f->d0);
    assert_true(t1 != 0);
    OK(h_write(&f->d0, t1, "/t/a", "1"));
    OK(h_write(&f->d0, t1, "/t/new/deep", "n"));
    /* isolation: outside sees the old state */
    OK(h_read(&f->d1, 0, "/t/a", out) ? h_read(&f->d0, 0, "/t/a", out)
                                      : "dom1 read dom0 node");
    assert_string_equal(out, "0");
    ERR(h_read(&f->d0, 0, "/t/new", out), "ENOENT");
    OK(h_read(&f->d0, t1, "/t/new/deep", out));
    OK(h_tx_end(&f->d0, t1, 1));
    OK(h_read(&f->d0, 0, "/t/a", out));
    assert_string_equal(out, "1");
    OK(h_read(&f->d0, 0, "/t/new/deep", out));
    assert_string_equal(out, "n");
    /* abort discards */
    t1 = h_tx_start(&f->d0);
    OK(h_write(&f->d0, t1, "/t/a", "2"));
    OK(h_op1(&f->d0, XS_RM, t1, "/t/new", NULL));
    OK(h_tx_end(&f->d0, t1, 0));
    OK(h_read(&f->d0, 0, "/t/a", out));
    assert_string_equal(out, "1");
    OK(h_read(&f->d0, 0, "/t/new/deep", NULL));
    /* conflict: t1 read /t/a, someone wrote it -> EAGAIN */
    t1 = h_tx_start(&f->d0);
    OK(h_read(&f->d0, t1, "/t/a", out));
    OK(h_write(&f->d0, t1, "/t/b", "x"));
    OK(h_write(&f->d0, 0, "/t/a", "other"));
    ERR(h_tx_end(&f->d0, t1, 1), "EAGAIN");
    ERR(h_read(&f->d0, 0, "/t/b", NULL), "ENOENT");
    /* the tx is gone after EAGAIN */
    ERR(h_read(&f->d0, t1, "/t/a", NULL), "ENOENT");
    /* disjoint transactions both commit */
    t1 = h_tx_start(&f->d0);
    t2 = h_tx_start(&f->d0);
    assert_true(t1 != t2);
    OK(h_write(&f->d0, t1, "/t/a", "A"));
    OK(h_write(&f->d0, t2, "/t/new/deep", "D"));
    OK(h_tx_end(&f->d0, t1, 1));
    OK(h_tx_end(&f->d0, t2, 1));
    OK(h_read(&f->d0, 0, "/t/new/deep", out));
    assert_string_equal(out, "D");
    /* a tx that read a missing node conflicts with its creation */
    t1 = h_tx_start(&f->d0);
    ERR(h_read(&f->d0, t1, "/t/ghost", NULL), "ENOENT");
    OK(h_write(&f->d0, t1, "/t/c", "1"));
    OK(h_write(&f->d0, 0, "/t/ghost", "boo"));
    ERR(h_tx_end(&f->d0, t1, 1), "EAGAIN");
    /* rm inside a tx conflicts with a change below the removed node */
    t1 = h_tx_start(&f->d0);
    OK(h_op1(&f->d0, XS_RM, t1, "/t/new", NULL));
    OK(h_write(&f->d0, 0, "/t/new/deep", "changed"));
    ERR(h_tx_end(&f->d0, t1, 1), "EAGAIN");
    ERR(h_tx_end(&f->d0, 12345, 1), "ENOENT");
    ERR(h_op1(&f->d0, XS_TRANSACTION_END, 0, "T", NULL), "ENOENT");
}

static void t_tx_rm_commit(void **state)
{
    struct fx *f = *state;
    uint32_t t;
    struct h_msg r;

    OK(h_write(&f->d0, 0, "/q/a/b", "1"));
    OK(h_write(&f->d0, 0, "/q/c", "1"));
    t = h_tx_start(&f->d0);
    OK(h_op1(&f->d0, XS_RM, t, "/q/a", NULL));
    OK(h_write(&f->d0, t, "/q/a/z", "new"));
    OK(h_tx_end(&f->d0, t, 1));
    OK(h_op1(&f->d0, XS_DIRECTORY, 0, "/q/a", &r));
    assert_int_equal(r.len, 2);
    assert_memory_equal(r.body, "z\0", 2);
}

/* A tx sees each node as of its first access; stale copies conflict. */
static void t_tx_copy_on_access(void **state)
{
    struct fx *f = *state;
    char out[4097];
    uint32_t t;

    OK(h_write(&f->d0, 0, "/l/a", "1"));
    OK(h_write(&f->d0, 0, "/l/b/c", "1"));
    t = h_tx_start(&f->d0);
    OK(h_op1(&f->d0, XS_RM, 0, "/l/b", NULL));
    OK(h_write(&f->d0, 0, "/l/a", "2"));
    OK(h_read(&f->d0, t, "/l/a", out));
    assert_string_equal(out, "2");
    ERR(h_read(&f->d0, t, "/l/b/c", out), "ENOENT");
    OK(h_write(&f->d0, t, "/l/d", "x"));
    OK(h_tx_end(&f->d0, t, 1));
    OK(h_read(&f->d0, 0, "/l/d", out));
    ERR(h_read(&f->d0, 0, "/l/b", out), "ENOENT");
    /* /l copied into the tx, then changed outside: adding under it fails */
    t = h_tx_start(&f->d0);
    OK(h_read(&f->d0, t, "/l/a", out));
    OK(h_write(&f->d0, 0, "/l/e", "outside"));
    OK(h_write(&f->d0, t, "/l/f", "inside"));
    ERR(h_tx_end(&f->d0, t, 1), "EAGAIN");
    ERR(h_read(&f->d0, 0, "/l/f", out), "ENOENT");
    /* rm of a subtree whose parts vanished meanwhile */
    OK(h_write(&f->d0, 0, "/m/x/y", "1"));
    OK(h_write(&f->d0, 0, "/m/z", "1"));
    t = h_tx_start(&f->d0);
    OK(h_read(&f->d0, t, "/m", out));
    OK(h_op1(&f->d0, XS_RM, 0, "/m/x", NULL));
    OK(h_op1(&f->d0, XS_RM, t, "/m", NULL));
    ERR(h_tx_end(&f->d0, t, 1), "EAGAIN");
    t = h_tx_start(&f->d0);
    OK(h_op1(&f->d0, XS_RM, t, "/m", NULL));
    OK(h_tx_end(&f->d0, t, 1));
    ERR(h_read(&f->d0, 0, "/m", out), "ENOENT");
}

/*
 * A tx lists a directory's kids only as it walks to them: a listing or a
 * removal in it must still see them all, in Xen's order, and a kid
 * removed in the tx must not come back from the live tree.
 */
static void t_tx_partial_dir(void **state)
{
    struct fx *f = *state;
    char out[4097];
    struct h_msg r;
    uint32_t t;

    OK(h_write(&f->d0, 0, "/p/a", "1"));
    OK(h_write(&f->d0, 0, "/p/b", "2"));
    OK(h_write(&f->d0, 0, "/p/c", "3"));
    t = h_tx_start(&f->d0);
    OK(h_read(&f->d0, t, "/p/c", out));
    OK(h_write(&f->d0, t, "/p/n", "new"));
    OK(h_op1(&f->d0, XS_DIRECTORY, t, "/p", &r));
    assert_int_equal(r.len, 8);
    assert_memory_equal(r.body, "a\0b\0c\0n\0", 8);
    OK(h_tx_end(&f->d0, t, 0));
    t = h_tx_start(&f->d0);
    OK(h_read(&f->d0, t, "/p/b", out));
    OK(h_op1(&f->d0, XS_RM, t, "/p/c", NULL));
    ERR(h_read(&f->d0, t, "/p/c", out), "ENOENT");
    OK(h_read(&f->d0, t, "/p/a", out));
    assert_string_equal(out, "1");
    OK(h_op1(&f->d0, XS_DIRECTORY, t, "/p", &r));
    assert_int_equal(r.len, 4);
    assert_memory_equal(r.body, "a\0b\0", 4);
    OK(h_tx_end(&f->d0, t, 1));
    OK(h_op1(&f->d0, XS_DIRECTORY, 0, "/p", &r));
    assert_int_equal(r.len, 4);
    assert_memory_equal(r.body, "a\0b\0", 4);
    /* rm of a subtree walked into partially removes all of it */
    OK(h_write(&f->d0, 0, "/p/a/x", "1"));
    OK(h_write(&f->d0, 0, "/p/a/y", "1"));
    t = h_tx_start(&f->d0);
    OK(h_read(&f->d0, t, "/p/a/y", out));
    OK(h_op1(&f->d0, XS_RM, t, "/p/a", NULL));
    ERR(h_read(&f->d0, t, "/p/a/x", out), "ENOENT");
    OK(h_tx_end(&f->d0, t, 1));
    ERR(h_read(&f->d0, 0, "/p/a", out), "ENOENT");
}

static void t_watches(void **state)
{
    struct fx *f = *state;
    uint32_t t;

    OK(h_op2(&f->d0, XS_WATCH, 0, "/w", "tok", NULL));
    /* the initial event */
    assert_true(h_take_event(&f->d0, "/w", "tok") >= 0);
    ERR(h_op2(&f->d0, XS_WATCH, 0, "/w", "tok", NULL), "EEXIST");
    OK(h_write(&f->d0, 0, "/w/a/b", "1"));
    assert_true(h_take_event(&f->d0, "/w/a/b", "tok") >= 0);
    OK(h_write(&f->d0, 0, "/wx", "1")); /* not below /w */
    assert_int_equal(f->d0.nev, 0);
    /* relative watch, relative event path */
    OK(h_op2(&f->d0, XS_WATCH, 0, "dev", "rel", NULL));
    assert_true(h_take_event(&f->d0, "dev", "rel") >= 0);
    OK(h_write(&f->d0, 0, "/local/domain/0/dev/vbd", "1"));
    assert_true(h_take_event(&f->d0, "dev/vbd", "rel") >= 0);
    /* removal fires watches set on removed descendants too */
    OK(h_op2(&f->d0, XS_WATCH, 0, "/w/a/b", "deep", NULL));
    assert_true(h_take_event(&f->d0, "/w/a/b", "deep") >= 0);
    OK(h_op1(&f->d0, XS_RM, 0, "/w/a", NULL));
    assert_true(h_take_event(&f->d0, "/w/a", "tok") >= 0);
    assert_true(h_take_event(&f->d0, "/w/a/b", "deep") >= 0);
    /* transactions fire at commit, not before, and not on abort */
    t = h_tx_start(&f->d0);
    OK(h_write(&f->d0, t, "/w/t", "1"));
    h_drain(&f->d0);
    assert_int_equal(f->d0.nev, 0);
    OK(h_tx_end(&f->d0, t, 1));
    assert_true(h_take_event(&f->d0, "/w/t", "tok") >= 0);
    t = h_tx_start(&f->d0);
    OK(h_write(&f->d0, t, "/w/t", "2"));
    OK(h_tx_end(&f->d0, t, 0));
    h_drain(&f->d0);
    assert_int_equal(f->d0.nev, 0);
    /* unwatch */
    OK(h_op2(&f->d0, XS_UNWATCH, 0, "/w", "tok", NULL));
    ERR(h_op2(&f->d0, XS_UNWATCH, 0, "/w", "tok", NULL), "ENOENT");
    OK(h_write(&f->d0, 0, "/w/z", "1"));
    assert_int_equal(h_take_event(&f->d0, "/w/z", "tok"), -1);
}

static void t_watch_perms(void **state)
{
    struct fx *f = *state;

    OK(h_op2(&f->d2, XS_WATCH, 0, "/local/domain/1", "spy", NULL));
    h_take_event(&f->d2, "/local/domain/1", "spy");
    OK(h_write(&f->d0, 0, "/local/domain/1/key", "v"));
    /* dom2 may not read it: no event */
    assert_int_equal(h_take_event(&f->d2, "/local/domain/1/key", "spy"), -1);
    OK(h_chmod(&f->d0, "/local/domain/1/key", "n0", "r2", NULL));
    assert_true(h_take_event(&f->d2, "/local/domain/1/key", "spy") >= 0);
    /* special watches: dom0 only by default */
    OK(h_op2(&f->d0, XS_WATCH, 0, "@releaseDomain", "rel", NULL));
    assert_true(h_take_event(&f->d0, "@releaseDomain", "rel") >= 0);
}

static void t_quotas(void **state)
{
    struct xsd_limits lim;
    struct fx *f;
    char val[3000];
    uint32_t t[4];
    int i;

    xsd_limits_default(&lim);
    lim.entries = 4;
    lim.entry_size = 100;
    lim.watches = 2;
    lim.transactions = 2;
    teardown(state);
    assert_int_equal(setup_lim(state, &lim), 0);
    f = *state;
    OK(h_op1(&f->d0, XS_MKDIR, 0, "/local/domain/1", NULL));
    OK(h_chmod(&f->d0, "/local/domain/1", "n1", NULL));
    /* dom1 owns its home (1 entry) + 3 more = 4 */
    OK(h_write(&f->d1, 0, "a", "1"));
    OK(h_write(&f->d1, 0, "b", "1"));
    OK(h_write(&f->d1, 0, "c", "1"));
    ERR(h_write(&f->d1, 0, "d", "1"), "ENOSPC");
    /* overwriting is not a new entry */
    OK(h_write(&f->d1, 0, "a", "2"));
    /* dom0 is not limited, others keep working */
    OK(h_write(&f->d0, 0, "/x/1/2/3/4/5", "1"));
    /* freeing one makes room again */
    OK(h_op1(&f->d1, XS_RM, 0, "c", NULL));
    OK(h_write(&f->d1, 0, "d", "1"));
    memset(val, 'v', sizeof(val));
    val[101] = '\0';
    ERR(h_write(&f->d1, 0, "a", val), "ENOSPC");
    val[100] = '\0';
    OK(h_write(&f->d1, 0, "a", val));
    OK(h_op2(&f->d1, XS_WATCH, 0, "/w1", "t", NULL));
    OK(h_op2(&f->d1, XS_WATCH, 0, "/w2", "t", NULL));
    ERR(h_op2(&f->d1, XS_WATCH, 0, "/w3", "t", NULL), "E2BIG");
    for (i = 0; i < 2; i++) {
        t[i] = h_tx_start(&f->d1);
        assert_true(t[i] != 0);
    }
    assert_int_equal(h_tx_start(&f->d1), 0);
    /* dom0 gets more */
    for (i = 0; i < 4; i++)
        assert_true(h_tx_start(&f->d0) != 0);
    /* a domU transaction may touch transaction-nodes paths, no more */
    {
        char p[64];
        uint32_t tx;

        h_close(&f->d2);
        h_open(f->x, 2, &f->d2);
        tx = h_tx_start(&f->d2);
        assert_true(tx != 0);
        for (i = 0; i < 1024; i++) {
            snprintf(p, sizeof(p), "/nothere/%d", i);
            ERR(h_read(&f->d2, tx, p, NULL), "EACCES");
        }
        ERR(h_read(&f->d2, tx, "/nothere/x", NULL), "ENOSPC");
    }
    /* perms per node */
    ERR(h_chmod(&f->d1, "/local/domain/1/a", "n1", "r2", "r3", "r4", "r5", "r6",
                NULL),
        "ENOSPC");
}

static void t_payload_limits(void **state)
{
    struct fx *f = *state;
    struct xsd_sockmsg h = {XS_READ, 1, 0, XENSTORE_PAYLOAD_MAX + 1};
    char name[32];
    struct h_msg r;
    int i;

    /* a directory listing above the payload max is E2BIG ... */
    for (i = 0; i < 800; i++) {
        snprintf(name, sizeof(name), "/big/n%04d", i);
        OK(h_op1(&f->d0, XS_MKDIR, 0, name, NULL));
    }
    ERR(h_op1(&f->d0, XS_DIRECTORY, 0, "/big", &r), "E2BIG");
    /* ... and DIRECTORY_PART pages through it */
    {
        unsigned int off = 0, total = 0;
        char offs[16];

        for (;;) {
            const char *p;
            size_t glen;

            snprintf(offs, sizeof(offs), "%u", off);
            OK(h_op2(&f->d0, XS_DIRECTORY_PART, 0, "/big", offs, &r));
            assert_true(r.len <= XENSTORE_PAYLOAD_MAX);
            glen = strlen(r.body) + 1;
            for (p = r.body + glen; p < r.body + r.len && *p;
                 p += strlen(p) + 1) {
                total++;
                off += (unsigned int)strlen(p) + 1;
            }
            if (p < r.body + r.len)
                break; /* the empty string: end of list */
        }
        assert_int_equal(total, 800);
    }
    /* a header claiming more than XENSTORE_PAYLOAD_MAX kills the conn */
    assert_int_equal(xsd_conn_input(f->d2.c, &h, sizeof(h)), -EPROTO);
    assert_true(xsd_conn_dead(f->d2.c));
}

/* A read-only connection reads but cannot change anything. */
static void t_readonly_conn(void **state)
{
    struct fx *f = *state;
    struct h_conn ro;

    OK(h_write(&f->d0, 0, "/ro/x", "1"));
    h_close(&f->d2);
    memset(&ro, 0, sizeof(ro));
    ro.next_req = 1;
    assert_int_equal(xsd_conn_create(f->x, 0, XSD_CONN_RO, NULL, NULL, &ro.c),
                     0);
    OK(h_read(&ro, 0, "/ro/x", NULL));
    ERR(h_write(&ro, 0, "/ro/x", "2"), "EROFS");
    ERR(h_op1(&ro, XS_RM, 0, "/ro/x", NULL), "EROFS");
    ERR(h_op1(&ro, XS_MKDIR, 0, "/ro/y", NULL), "EROFS");
    ERR(h_chmod(&ro, "/ro/x", "b1", NULL), "EROFS");
    OK(h_op2(&ro, XS_WATCH, 0, "/ro", "t", NULL));
    h_close(&ro);
    h_open(f->x, 2, &f->d2);
}

/* --state-file: nodes, values (binary too) and perms survive; junk does not
 * crash the loader. */
static void t_persist(void **state)
{
    struct fx *f = *state;
    char file[] = "/tmp/test_store_state.XXXXXX", out[4097];
    struct xsd *y;
    struct h_conn c;
    struct h_msg r;
    FILE *fp;
    int fd = mkstemp(file);

    assert_true(fd >= 0);
    close(fd);
    OK(h_write(&f->d0, 0, "/p/a/b", "v"));
    h_req(&f->d0, XS_WRITE, 0, "/p/bin\0x\0y", 10, &r);
    OK(h_op1(&f->d0, XS_MKDIR, 0, "/p/empty", NULL));
    OK(h_chmod(&f->d0, "/p/a", "n3", "r4", NULL));
    assert_int_equal(xsd_save(f->x, file), 0);
    assert_int_equal(xsd_create(NULL, &y), 0);
    assert_int_equal(xsd_load(y, file), 0);
    h_open(y, 0, &c);
    OK(h_read(&c, 0, "/p/a/b", out));
    assert_string_equal(out, "v");
    h_req(&c, XS_READ, 0, "/p/bin", 7, &r);
    assert_int_equal(r.len, 3);
    assert_memory_equal(r.body, "x\0y", 3);
    OK(h_read(&c, 0, "/p/empty", out));
    OK(h_op1(&c, XS_GET_PERMS, 0, "/p/a", &r));
    assert_memory_equal(r.body, "n3\0r4\0", 6);
    OK(h_op1(&c, XS_DIRECTORY, 0, "/", &r));
    assert_memory_equal(r.body, "tool\0p\0", 7);
    xsd_destroy(y);
    /* a truncated / corrupted file: -EINVAL, no crash */
    fp = fopen(file, "r+");
    assert_non_null(fp);
    fseek(fp, 70, SEEK_SET); /* past the 62-byte header, in a record */
    fputs("\xff\xff\xff\x7f garbage", fp);
    fclose(fp);
    assert_int_equal(xsd_create(NULL, &y), 0);
    assert_int_equal(xsd_load(y, file), -EINVAL);
    xsd_destroy(y);
    assert_int_equal(xsd_create(NULL, &y), 0);
    assert_int_equal(xsd_load(y, "/nonexistent/state"), -ENOENT);
    xsd_destroy(y);
    unlink(file);
}

/*
 * A directory of 300 (looked up by hash): every child found, removals and
 * re-creations keep creation order, as Xen lists children.
 */
static void t_big_directory(void **state)
{
    struct fx *f = *state;
    char p[64], want[4096];
    struct h_msg r;
    size_t off = 0;
    uint32_t tx;
    int i;

    for (i = 0; i < 300; i++) {
        snprintf(p, sizeof(p), "/big/k%d", i);
        OK(h_write(&f->d0, 0, p, p));
    }
    for (i = 0; i < 300; i += 2) {
        snprintf(p, sizeof(p), "/big/k%d", i);
        OK(h_op1(&f->d0, XS_RM, 0, p, NULL));
    }
    for (i = 0; i < 300; i += 4) {
        snprintf(p, sizeof(p), "/big/k%d", i);
        OK(h_write(&f->d0, 0, p, "again"));
    }
    for (i = 0; i < 300; i++) {
        char out[4097];

        snprintf(p, sizeof(p), "/big/k%d", i);
        if (i % 4 == 0) {
            OK(h_read(&f->d0, 0, p, out));
            assert_string_equal(out, "again");
        } else if (i % 2 == 0) {
            ERR(h_read(&f->d0, 0, p, NULL), "ENOENT");
        } else {
            OK(h_read(&f->d0, 0, p, out));
            assert_string_equal(out, p);
        }
    }
    for (i = 1; i < 300; i += 2)
        off += (size_t)sprintf(want + off, "k%d", i) + 1;
    for (i = 0; i < 300; i += 4)
        off += (size_t)sprintf(want + off, "k%d", i) + 1;
    OK(h_op1(&f->d0, XS_DIRECTORY, 0, "/big", &r));
    assert_int_equal(r.len, off);
    assert_memory_equal(r.body, want, off);
    /* the same through a transaction's copy-on-access view */
    tx = h_tx_start(&f->d0);
    OK(h_read(&f->d0, tx, "/big/k299", NULL));
    ERR(h_read(&f->d0, tx, "/big/k298", NULL), "ENOENT");
    OK(h_op1(&f->d0, XS_RM, tx, "/big/k1", NULL));
    OK(h_write(&f->d0, tx, "/big/new", "1"));
    OK(h_tx_end(&f->d0, tx, 1));
    ERR(h_read(&f->d0, 0, "/big/k1", NULL), "ENOENT");
    OK(h_read(&f->d0, 0, "/big/new", NULL));
}

static void t_domain_requests(void **state)
{
    struct fx *f = *state;
    struct h_msg r;

    OK(h_op1(&f->d0, XS_GET_DOMAIN_PATH, 0, "7", &r));
    assert_string_equal(r.body, "/local/domain/7");
    OK(h_op1(&f->d0, XS_IS_DOMAIN_INTRODUCED, 0, "7", &r));
    assert_string_equal(r.body, "F");
    OK(h_op1(&f->d0, XS_IS_DOMAIN_INTRODUCED, 0, "0", &r));
    assert_string_equal(r.body, "T");
    /* without ring ops, INTRODUCE answers ENOSYS */
    h_req(&f->d0, XS_INTRODUCE, 0,
          "7\0"
          "4096\0"
          "3\0",
          9, &r);
    assert_string_equal(r.body, "ENOSYS");
    ERR(h_op1(&f->d0, XS_RELEASE, 0, "7", NULL), "ENOENT");
    ERR(h_op1(&f->d0, XS_RELEASE, 0, "0", NULL), "EINVAL");
    OK(h_op1(&f->d0, XS_RESET_WATCHES, 0, "", NULL));
    OK(h_op1(&f->d0, XS_CONTROL, 0, "quota", &r));
    assert_non_null(strstr(r.body, "nodes            :     1000"));
    h_req(&f->d0, XS_CONTROL, 0,
          "quota\0set\0nodes\0"
          "5\0",
          18, &r);
    assert_string_equal(r.body, "OK");
    OK(h_op1(&f->d0, XS_CONTROL, 0, "quota", &r));
    assert_non_null(strstr(r.body, "nodes            :        5"));
    /* the -T trace switches off and on at run time */
    {
        FILE *t = tmpfile();
        long a, b;

        assert_non_null(t);
        xsd_set_trace(f->x, t);
        OK(h_write(&f->d0, 0, "/tr", "1"));
        a = ftell(t);
        assert_true(a > 0);
        OK(h_op2(&f->d0, XS_CONTROL, 0, "log", "off", NULL));
        b = ftell(t);
        OK(h_write(&f->d0, 0, "/tr", "2"));
        assert_int_equal(ftell(t), b);
        OK(h_op2(&f->d0, XS_CONTROL, 0, "log", "on", NULL));
        OK(h_write(&f->d0, 0, "/tr", "3"));
        assert_true(ftell(t) > b);
        ERR(h_op2(&f->d0, XS_CONTROL, 0, "log", "maybe", NULL), "EINVAL");
        xsd_set_trace(f->x, NULL);
        fclose(t);
    }
}

UNIT_MAIN(unit_test_fx(t_initial_tree),
          unit_test_fx(t_write_read_implicit_parents),
          unit_test_fx(t_invalid_paths), unit_test_fx(t_rm_and_mkdir),
          unit_test_fx(t_deep_path), unit_test_fx(t_unknown_and_bad_args),
          unit_test_fx(t_perms_domu), unit_test_fx(t_perms_pub),
          unit_test_fx(t_transactions), unit_test_fx(t_tx_rm_commit),
          unit_test_fx(t_tx_copy_on_access), unit_test_fx(t_tx_partial_dir),
          unit_test_fx(t_watches), unit_test_fx(t_watch_perms),
          unit_test_fx(t_quotas), unit_test_fx(t_payload_limits),
          unit_test_fx(t_readonly_conn), unit_test_fx(t_persist),
          unit_test_fx(t_big_directory), unit_test_fx(t_domain_requests))
