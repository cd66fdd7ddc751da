/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_store_hv.c: xenstored's guest rings end to end through the real
 * kvm engine (libhv): a fake VMM serves dom7's memory (a memfd) and the
 * store event channel (two eventfds) on $PVSTACK_ROOT/run/pvstack/dom7.sock;
 * libxenstore introduces dom7; this test then plays the guest on the ring
 * page: requests, domU permissions, garbage indices, release, and a
 * kill -9 of the daemon under the live guest.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xenstore.h>

/* cmocka.h needs the headers above */
#include <cmocka.h>
#include "unit.h"

#include "proto/vmmctl.h"
#include "lib/sock.h"

#define DOMID 7
#define PORT 3
#define PAGES 16
#define STORE_PFN 5

struct fx {
    char root[64];
    int lfd, memfd, ev[2]; /* ev[0] guest -> daemon, ev[1] daemon -> guest */
    int pidfd;             /* the "VMM" (this process), sent with the memfd */
    pthread_t th;
    pid_t xsd;
    struct xenstore_domain_interface *ring;
    struct xs_handle *h;
    volatile uint32_t flags; /* what VMMCTL_INFO reports */
};

static void reply(int c, int rc, const int *fds, unsigned int nfds,
                  uint32_t flags)
{
    struct vmmctl_rep rep = {.rc = rc, .nfds = nfds};

    rep.info.domid = DOMID;
    rep.info.flags = flags;
    rep.info.ram_pages = PAGES - 1; /* + 1 special page */
    rep.info.total_pages = PAGES;
    rep.info.cur_pages = PAGES;
    if (sock_send_fds(c, &rep, sizeof(rep), fds, nfds, 0) != sizeof(rep))
        fprintf(stderr, "fake vmm: send failed\n");
}

static void *vmm(void *arg)
{
    struct fx *f = arg;
    struct vmmctl_req req;
    int c;

    while ((c = accept(f->lfd, NULL, NULL)) >= 0) {
        if (recv(c, &req, sizeof(req), 0) == sizeof(req) &&
            req.magic == VMMCTL_MAGIC) {
            int mem[2] = {f->memfd, f->pidfd};
            if (req.op == VMMCTL_MEMFD)
                reply(c, 0, mem, 2, f->flags);
            else if (req.op == VMMCTL_EVTCHN_BIND && req.arg == PORT)
                reply(c, 0, f->ev, 2, f->flags);
            else if (req.op == VMMCTL_EVTCHN_BIND)
                reply(c, -EINVAL, NULL, 0, f->flags);
            else
                reply(c, 0, NULL, 0, f->flags);
        }
        close(c);
    }
    return NULL;
}

/* Start build/bin/xenstored on the test's root and connect to it. */
static int start_xsd(struct fx *f)
{
    int i;

    f->xsd = fork();
    if (f->xsd == 0) {
        const char *bin = getenv("XENSTORED_BIN");

        execl(bin ? bin : "build/bin/xenstored", "xenstored", "-N",
              (char *)NULL);
        _exit(127);
    }
    f->h = NULL;
    for (i = 0; i < 200 && !f->h; i++) {
        f->h = xs_open(0);
        if (!f->h)
            usleep(20000);
    }
    return f->h ? 0 : -1;
}

static int setup(void **state)
{
    static struct fx f;
    char p[128], sp[128];

    memset(&f, 0, sizeof(f));
    f.flags = VMMCTL_F_RUNNING;
    strcpy(f.root, "/tmp/test_store_hv.XXXXXX");
    if (!mkdtemp(f.root))
        return -1;
    setenv("PVSTACK_ROOT", f.root, 1);
    setenv("PVSTACK_ENGINE", "kvm", 1);
    snprintf(p, sizeof(p), "%s/socket", f.root);
    setenv("XENSTORED_PATH", p, 1);
    snprintf(p, sizeof(p), "%s/run", f.root);
    mkdir(p, 0755);
    snprintf(p, sizeof(p), "%s/run/pvstack", f.root);
    mkdir(p, 0755);
    snprintf(sp, sizeof(sp), "%.80s/dom%d.sock", p, DOMID);
    f.lfd = sock_unix_listen(sp, SOCK_SEQPACKET, 0, 8);
    if (f.lfd < 0)
        return -1;
    f.memfd = memfd_create("guest", MFD_CLOEXEC);
    /* Guest pages, then the VMM's balloon bitmap (vmmctl.h). */
    if (ftruncate(f.memfd, (PAGES + 1) * 4096l))
        return -1;
    f.pidfd = pidfd_open(getpid(), 0);
    if (f.pidfd < 0)
        return -1;
    f.ring = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, f.memfd,
                  STORE_PFN * 4096l);
    f.ev[0] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    f.ev[1] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    pthread_create(&f.th, NULL, vmm, &f);
    *state = &f;
    return start_xsd(&f);
}

static int teardown(void **state)
{
    struct fx *f = *state;
    int st = -1;

    xs_close(f->h);
    kill(f->xsd, SIGTERM);
    waitpid(f->xsd, &st, 0);
    if (f->lfd >= 0) {
        shutdown(f->lfd, SHUT_RDWR);
        close(f->lfd);
        pthread_join(f->th, NULL);
    }
    if (unit_rm_rf(f->root))
        return -1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static void guest_send(struct fx *f, uint32_t type, uint32_t req, const void *p,
                       uint32_t len)
{
    struct xenstore_domain_interface *r = f->ring;
    struct xsd_sockmsg h = {type, req, 0, len};
    const char *b = (const char *)&h;
    uint64_t one = 1;
    uint32_t i;

    for (i = 0; i < sizeof(h); i++)
        r->req[MASK_XENSTORE_IDX(r->req_prod + i)] = b[i];
    for (i = 0; i < len; i++)
        r->req[MASK_XENSTORE_IDX(r->req_prod + sizeof(h) + i)] =
            ((const char *)p)[i];
    __atomic_store_n(&r->req_prod, r->req_prod + sizeof(h) + len,
                     __ATOMIC_RELEASE);
    assert_int_equal(write(f->ev[0], &one, sizeof(one)), sizeof(one));
}

/* Wait for the daemon's notification and one whole reply. */
static void guest_recv(struct fx *f, struct xsd_sockmsg *h, char *body)
{
    struct xenstore_domain_interface *r = f->ring;
    struct pollfd pfd = {.fd = f->ev[1], .events = POLLIN};
    uint64_t v;
    uint32_t i;
    int tries;

    for (tries = 0; tries < 50; tries++) {
        uint32_t avail =
            __atomic_load_n(&r->rsp_prod, __ATOMIC_ACQUIRE) - r->rsp_cons;

        if (avail >= sizeof(*h)) {
            for (i = 0; i < sizeof(*h); i++)
                ((char *)h)[i] = r->rsp[MASK_XENSTORE_IDX(r->rsp_cons + i)];
            if (avail >= sizeof(*h) + h->len)
                break;
        }
        poll(&pfd, 1, 100);
        if (read(f->ev[1], &v, sizeof(v)) < 0 && errno != EAGAIN)
            fail();
    }
    assert_true(tries < 50);
    for (i = 0; i < h->len; i++)
        body[i] = r->rsp[MASK_XENSTORE_IDX(r->rsp_cons + sizeof(*h) + i)];
    body[h->len] = '\0';
    r->rsp_cons += sizeof(*h) + h->len;
}

static void t_guest_ring(void **state)
{
    struct fx *f = *state;
    struct xs_permissions home[1] = {{DOMID, XS_PERM_NONE}};
    struct xsd_sockmsg h;
    char body[4097];
    unsigned int n, len;
    char **ev, *v;

    assert_true(xs_watch(f->h, "@introduceDomain", "intro"));
    ev = xs_read_watch(f->h, &n);
    free(ev);
    assert_false(xs_is_domain_introduced(f->h, DOMID));
    assert_true(xs_write(f->h, XBT_NULL, "/local/domain/7/name", "g", 1));
    assert_true(xs_set_permissions(f->h, XBT_NULL, "/local/domain/7", home, 1));
    assert_true(xs_write(f->h, XBT_NULL, "/local/domain/0/private", "p", 1));
    assert_true(xs_introduce_domain(f->h, DOMID, STORE_PFN, PORT));
    ev = xs_read_watch(f->h, &n);
    assert_string_equal(ev[XS_WATCH_PATH], "@introduceDomain");
    free(ev);
    assert_true(xs_is_domain_introduced(f->h, DOMID));
    assert_int_equal(f->ring->server_features & XENSTORE_SERVER_FEATURE_ERROR,
                     XENSTORE_SERVER_FEATURE_ERROR);

    /* the guest writes under its home, relative path */
    guest_send(f, XS_WRITE, 1,
               "device/vbd/state\0"
               "4",
               18);
    guest_recv(f, &h, body);
    assert_int_equal(h.type, XS_WRITE);
    assert_int_equal(h.req_id, 1);
    assert_string_equal(body, "OK");
    v = xs_read(f->h, XBT_NULL, "/local/domain/7/device/vbd/state", &len);
    assert_string_equal(v, "4");
    free(v);
    /* and may not read dom0's keys */
    guest_send(f, XS_READ, 2, "/local/domain/0/private", 24);
    guest_recv(f, &h, body);
    assert_int_equal(h.type, XS_ERROR);
    assert_string_equal(body, "EACCES");
    /* a guest watch fires through the ring */
    guest_send(f, XS_WATCH, 3, "device\0tok", 11);
    guest_recv(f, &h, body);
    assert_string_equal(body, "OK");
    guest_recv(f, &h, body);
    assert_int_equal(h.type, XS_WATCH_EVENT);
    assert_string_equal(body, "device");
    assert_true(xs_write(f->h, XBT_NULL, "/local/domain/7/device/x", "1", 1));
    guest_recv(f, &h, body);
    assert_int_equal(h.type, XS_WATCH_EVENT);
    assert_string_equal(body, "device/x");

    /* garbage indices: the guest's connection goes, the daemon stays */
    f->ring->req_prod = f->ring->req_cons + 100000;
    {
        uint64_t one = 1;
        int i;

        assert_int_equal(write(f->ev[0], &one, sizeof(one)), sizeof(one));
        for (i = 0; i < 500 && f->ring->error == XENSTORE_ERROR_NONE; i++)
            usleep(10000);
    }
    assert_int_equal(f->ring->error, XENSTORE_ERROR_RINGIDX);
    v = xs_read(f->h, XBT_NULL, "/local/domain/7/name", &len);
    assert_string_equal(v, "g");
    free(v);

    assert_true(xs_watch(f->h, "@releaseDomain", "rel"));
    ev = xs_read_watch(f->h, &n);
    free(ev);
    assert_true(xs_release_domain(f->h, DOMID));
    ev = xs_read_watch(f->h, &n);
    assert_string_equal(ev[XS_WATCH_PATH], "@releaseDomain");
    free(ev);
    assert_false(xs_is_domain_introduced(f->h, DOMID));
    /* a port the guest never allocated: the engine refuses, so do we */
    assert_false(xs_introduce_domain(f->h, DOMID, STORE_PFN, PORT + 1));
    assert_false(xs_introduce_domain(f->h, DOMID, PAGES + 5, PORT));
}

/* Next watch event within ms, or NULL. */
static char **event_within(struct xs_handle *h, int ms)
{
    struct pollfd p = {.fd = xs_fileno(h), .events = POLLIN};
    unsigned int n;

    if (poll(&p, 1, ms) <= 0)
        return NULL;
    return xs_read_watch(h, &n);
}

/* The engine's view of the domain drives @releaseDomain, as VIRQ_DOM_EXC. */
static void t_liveness(void **state)
{
    struct fx *f = *state;
    struct xs_permissions home[1] = {{DOMID, XS_PERM_NONE}};
    char path[128], **ev;
    unsigned int len;

    assert_true(xs_write(f->h, XBT_NULL, "/local/domain/7/name", "g", 1));
    assert_true(xs_set_permissions(f->h, XBT_NULL, "/local/domain/7", home, 1));
    assert_true(xs_introduce_domain(f->h, DOMID, STORE_PFN, PORT));
    assert_true(xs_watch(f->h, "@releaseDomain", "rel"));
    free(event_within(f->h, 1000)); /* the initial event */
    assert_null(event_within(f->h, 1200));
    f->flags = VMMCTL_F_SHUTDOWN;
    ev = event_within(f->h, 5000);
    assert_non_null(ev);
    assert_string_equal(ev[XS_WATCH_PATH], "@releaseDomain");
    free(ev);
    /* once per shutdown ... */
    assert_null(event_within(f->h, 1200));
    /* ... until XS_RESUME */
    assert_true(xs_resume_domain(f->h, DOMID));
    ev = event_within(f->h, 5000);
    assert_non_null(ev);
    free(ev);
    f->flags = VMMCTL_F_RUNNING;
    assert_true(xs_is_domain_introduced(f->h, DOMID));
    /* the VMM goes away: the domain is released and its nodes go */
    snprintf(path, sizeof(path), "%s/run/pvstack/dom%d.sock", f->root, DOMID);
    unlink(path);
    shutdown(f->lfd, SHUT_RDWR);
    close(f->lfd);
    pthread_join(f->th, NULL);
    f->lfd = -1;
    ev = event_within(f->h, 5000);
    assert_non_null(ev);
    assert_string_equal(ev[XS_WATCH_PATH], "@releaseDomain");
    free(ev);
    assert_false(xs_is_domain_introduced(f->h, DOMID));
    assert_null(xs_read(f->h, XBT_NULL, "/local/domain/7/name", &len));
}

/*
 * kill -9 xenstored under a live guest, start it again: the acknowledged
 * writes, the introduced domain and the guest's ring watch are back, and
 * dom0's shutdown request reaches the guest on the same ring.
 */
static void t_kill9_restart(void **state)
{
    struct fx *f = *state;
    struct xs_permissions home[1] = {{DOMID, XS_PERM_NONE}};
    struct xsd_sockmsg h;
    char body[4097], *v;
    unsigned int len;
    int st;

    assert_true(xs_write(f->h, XBT_NULL, "/local/domain/7/name", "web1", 4));
    assert_true(xs_set_permissions(f->h, XBT_NULL, "/local/domain/7", home, 1));
    assert_true(xs_introduce_domain(f->h, DOMID, STORE_PFN, PORT));
    guest_send(f, XS_WATCH, 1, "control/shutdown\0s", 19);
    guest_recv(f, &h, body);
    assert_string_equal(body, "OK");
    guest_recv(f, &h, body); /* the watch's first event */
    guest_send(f, XS_WRITE, 2, "data/k\0acked", 13);
    guest_recv(f, &h, body);
    assert_string_equal(body, "OK");
    assert_true(xs_write(f->h, XBT_NULL, "/local/domain/0/acked", "yes", 3));

    kill(f->xsd, SIGKILL);
    assert_int_equal(waitpid(f->xsd, &st, 0), f->xsd);
    xs_close(f->h);
    assert_int_equal(start_xsd(f), 0);

    v = xs_read(f->h, XBT_NULL, "/local/domain/7/name", &len);
    assert_non_null(v);
    assert_string_equal(v, "web1");
    free(v);
    v = xs_read(f->h, XBT_NULL, "/local/domain/7/data/k", &len);
    assert_non_null(v);
    assert_string_equal(v, "acked");
    free(v);
    v = xs_read(f->h, XBT_NULL, "/local/domain/0/acked", &len);
    assert_non_null(v);
    free(v);
    assert_true(xs_is_domain_introduced(f->h, DOMID));
    /* xm shutdown: the guest's watch survived the restart */
    assert_true(xs_write(f->h, XBT_NULL, "/local/domain/7/control/shutdown",
                         "poweroff", 8));
    guest_recv(f, &h, body);
    assert_int_equal(h.type, XS_WATCH_EVENT);
    assert_string_equal(body, "control/shutdown");
    guest_send(f, XS_READ, 3, "control/shutdown", 17);
    guest_recv(f, &h, body);
    assert_int_equal(h.req_id, 3);
    assert_string_equal(body, "poweroff");
}

UNIT_MAIN(unit_test_fx(t_guest_ring), unit_test_fx(t_liveness),
          unit_test_fx(t_kill9_restart))
