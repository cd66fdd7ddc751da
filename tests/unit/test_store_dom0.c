/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_store_dom0.c: dom0's own xenstore ring. Finding it (dom0.c) on
 * stand-in files: the port from the text file when the backend device
 * has no ioctl, the page from the device or the kva file, clear errors
 * when neither is there. Serving it: domain 0 introduced by the daemon
 * (XS_INTRODUCE refuses it) is privileged on its ring, and a restart that
 * cannot find dom0's ring again forgets the ring but keeps dom0's nodes.
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
#include "unit.h"

#include "store/dom0.h"
#include "store/store.h"
#include "fake_ring.h"
#include "test_store_harness.h"

struct fx {
    char dir[64];
    char backend[96], port[96], kva[96];
    struct dom0_paths p;
};

static void put(const char *path, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    close(fd);
}

static void put_page(const char *path, char fill)
{
    char page[4096];

    memset(page, fill, sizeof(page));
    put(path, page, sizeof(page));
}

/* The port file holding text, then dom0_ring_open() of the fixture's files. */
static int open_port(struct fx *f, const char *text, struct dom0_ring *r,
                     const char **what)
{
    put(f->port, text, strlen(text));
    return dom0_ring_open(&f->p, r, what);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof(*f));

    if (!f || unit_mkdtemp(f->dir, sizeof(f->dir), "test_store_dom0"))
        return -1;
    snprintf(f->backend, sizeof(f->backend), "%s/xenbus_backend", f->dir);
    snprintf(f->port, sizeof(f->port), "%s/xsd_port", f->dir);
    snprintf(f->kva, sizeof(f->kva), "%s/xsd_kva", f->dir);
    f->p.backend = f->backend;
    f->p.port = f->port;
    f->p.kva = f->kva;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;

    assert_int_equal(unit_rm_rf(f->dir), 0);
    free(f);
    return 0;
}

static void t_paths_default(void **state)
{
    struct dom0_paths p;

    (void)state;
    dom0_paths_default(&p);
    assert_string_equal(p.backend, "/dev/xen/xenbus_backend");
    assert_string_equal(p.port, "/proc/xen/xsd_port");
    assert_string_equal(p.kva, "/proc/xen/xsd_kva");
}

/* Not a dom0 with a local store: nothing there, -ENOENT, no page. */
static void t_none(void **state)
{
    struct fx *f = *state;
    struct dom0_ring r;
    const char *what;

    assert_int_equal(dom0_ring_open(&f->p, &r, &what), -ENOENT);
    assert_null(r.page);
    assert_string_equal(what, f->port);
    dom0_ring_close(&r); /* harmless on a failed open */
}

/*
 * The backend file takes no ioctl (a regular file): the port comes from
 * the text file, the page from the backend; writes through the mapping
 * reach the file, so it is shared, not a private copy.
 */
static void t_backend_page(void **state)
{
    struct fx *f = *state;
    struct dom0_ring r;
    const char *what;
    char c = 0;
    int fd;

    put_page(f->backend, 'b');
    assert_int_equal(open_port(f, "7\n", &r, &what), 0);
    assert_int_equal(r.port, 7);
    assert_non_null(r.page);
    assert_int_equal(((char *)r.page)[100], 'b');
    ((char *)r.page)[5] = 'X';
    dom0_ring_close(&r);
    assert_null(r.page);
    fd = open(f->backend, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(pread(fd, &c, 1, 5), 1);
    close(fd);
    assert_int_equal(c, 'X');
}

/* No backend device (older kernels): xenfs's xsd_kva gives the page. */
static void t_kva_page(void **state)
{
    struct fx *f = *state;
    struct dom0_ring r;
    const char *what;

    put_page(f->kva, 'k');
    assert_int_equal(open_port(f, "12", &r, &what), 0);
    assert_int_equal(r.port, 12);
    assert_int_equal(((char *)r.page)[0], 'k');
    dom0_ring_close(&r);
}

/* A port that is not a number, or 0, is refused; so is a missing page. */
static void t_bad(void **state)
{
    struct fx *f = *state;
    struct dom0_ring r;
    const char *what;

    put_page(f->kva, 'k');
    assert_int_equal(open_port(f, "seven\n", &r, &what), -EINVAL);
    assert_string_equal(what, f->port);
    assert_int_equal(open_port(f, "0\n", &r, &what), -EINVAL);
    assert_int_equal(open_port(f, "", &r, &what), -EINVAL);
    unlink(f->kva);
    assert_int_equal(open_port(f, "3\n", &r, &what), -ENOENT);
    assert_string_equal(what, f->kva);
    assert_null(r.page);
}

/* ---- serving it -------------------------------------------------------- */

/*
 * The kernel's ring, found through dom0.c on a stand-in page: requests it
 * queued before the daemon came (as the kernel does at boot) are served,
 * as dom0: it may write under another domain's home and read what the
 * toolstack wrote over the socket.
 */
static void t_serve(void **state)
{
    struct fx *f = *state;
    struct fake_ring g = {0};
    struct dom0_ring r;
    struct xenstore_domain_interface *in;
    struct xsd_sockmsg h;
    char body[4097];
    const char *what;
    struct h_conn tool;
    struct h_msg m;
    struct xsd *x;

    put_page(f->kva, 0);
    assert_int_equal(open_port(f, "9\n", &r, &what), 0);
    in = r.page;
    g.page[0] = r.page;
    assert_int_equal(xsd_create(NULL, &x), 0);
    xsd_set_ring_ops(x, &fake_ring_ops, &g);
    h_open(x, 0, &tool);
    assert_null(h_write(&tool, 0, "/local/domain/0/name", "Domain-0"));
    /* over the wire, domain 0 cannot be introduced (nor released) */
    assert_string_equal(h_op2(&tool, XS_INTRODUCE, 0, "0", "0", &m), "EINVAL");
    fake_ring_req(in, XS_READ, 1, "name", 5);
    assert_int_equal(xsd_domain_introduce(x, 0, 0, r.port), 0);
    assert_int_equal(g.mapped, 1);
    assert_int_equal(in->server_features, XENSTORE_SERVER_FEATURE_ERROR);
    assert_int_equal(in->connection, XENSTORE_CONNECTED);
    assert_int_equal(fake_ring_recv(in, &h, body), 1);
    assert_int_equal(h.type, XS_READ);
    assert_int_equal(h.req_id, 1);
    assert_string_equal(body, "Domain-0");
    assert_true(g.notified > 0);
    /* privileged: a domU's home is dom0's to write */
    fake_ring_req(in, XS_WRITE, 2, "/local/domain/5/backend\0x", 25);
    assert_int_equal(xsd_domain_pump(xsd_domain_find(x, 0)), 0);
    assert_int_equal(fake_ring_recv(in, &h, body), 1);
    assert_int_equal(h.type, XS_WRITE);
    assert_string_equal(body, "OK");
    assert_null(h_read(&tool, 0, "/local/domain/5/backend", body));
    assert_string_equal(body, "x");
    h_close(&tool);
    xsd_destroy(x);
    assert_int_equal(g.mapped, 0);
    dom0_ring_close(&r);
}

/* An xenstored on g's rings started from the state file; *back: reattached. */
static struct xsd *start_from(const char *file, struct fake_ring *g,
                              unsigned int *back)
{
    struct xsd *x;

    assert_int_equal(xsd_create(NULL, &x), 0);
    xsd_set_ring_ops(x, &fake_ring_ops, g);
    assert_int_equal(xsd_state_open(x, file), 0);
    assert_int_equal(xsd_state_start(x, back), 0);
    return x;
}

/*
 * A restart with the state file: dom0's ring found again is reattached; not
 * found (a kernel without it), dom0 is forgotten as a ring but keeps its
 * nodes, where a vanished domU's would go.
 */
static void t_restart(void **state)
{
    struct fx *f = *state;
    struct xenstore_domain_interface page;
    struct fake_ring g = {.page = {&page}};
    char file[128], body[4097];
    struct xsd_sockmsg h;
    unsigned int back = 0;
    struct h_conn tool;
    struct xsd *x;

    memset(&page, 0, sizeof(page));
    snprintf(file, sizeof(file), "%s/state", f->dir);
    x = start_from(file, &g, &back);
    assert_int_equal(xsd_domain_introduce(x, 0, 0, 9), 0);
    /* the kernel's xenbus watches backend/ (journaled as domain 0's) */
    fake_ring_req(&page, XS_WATCH, 1, "backend\0be", 11);
    assert_int_equal(xsd_domain_pump(xsd_domain_find(x, 0)), 0);
    h_open(x, 0, &tool);
    assert_null(h_write(&tool, 0, "/local/domain/0/name", "Domain-0"));
    h_close(&tool);
    xsd_destroy(x);
    page.rsp_cons = page.rsp_prod; /* the kernel read its replies */

    x = start_from(file, &g, &back);
    assert_int_equal(back, 1);
    assert_non_null(xsd_domain_find(x, 0));
    /* and its watch with it: a backend appearing reaches the kernel */
    h_open(x, 0, &tool);
    assert_null(h_write(&tool, 0, "/local/domain/0/backend/vbd", ""));
    h_close(&tool);
    assert_int_equal(fake_ring_recv(&page, &h, body), 1);
    assert_int_equal(h.type, XS_WATCH_EVENT);
    assert_memory_equal(body, "backend/vbd\0be", 15); /* relative */
    xsd_destroy(x);

    g.page[0] = NULL;
    x = start_from(file, &g, &back);
    assert_int_equal(back, 0);
    assert_null(xsd_domain_find(x, 0));
    h_open(x, 0, &tool);
    assert_null(h_read(&tool, 0, "/local/domain/0/name", body));
    assert_string_equal(body, "Domain-0");
    h_close(&tool);
    xsd_destroy(x);
    assert_int_equal(g.mapped, 0);
}

UNIT_MAIN(cmocka_unit_test(t_paths_default), unit_test_fx(t_none),
          unit_test_fx(t_backend_page), unit_test_fx(t_kva_page),
          unit_test_fx(t_bad), unit_test_fx(t_serve), unit_test_fx(t_restart))
