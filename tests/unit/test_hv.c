/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_hv.c: libhv's kvm primitives against a fake VMM control socket
 * (a thread serving vmmctl.h): foreign map range checks, grant checks on a
 * v1 grant table in the memfd, event channel eventfd hand-over.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>
#include <xen/grant_table.h>
#include <xen/xen.h>

#include "hv/hv.h"
#include "proto/vmmctl.h"
#include "lib/sock.h"
#include "proto/pvabi.h"

#define RAM_PAGES 64
#define TOTAL_PAGES (RAM_PAGES + PVABI_SPECIAL_PAGES)
#define DOMID 7

struct fake {
    char root[64];
    int lfd;
    int memfd;
    int ev[2]; /* from guest, to guest */
    uint64_t last_arg;
    pthread_t th;
};

static void fake_reply(int c, int rc, const int *fds, unsigned nfds)
{
    struct vmmctl_rep rep = {.rc = rc, .nfds = nfds};

    rep.info.domid = DOMID;
    rep.info.ram_pages = RAM_PAGES;
    rep.info.total_pages = TOTAL_PAGES;
    rep.info.cur_pages = RAM_PAGES;
    assert_true(sock_send_fds(c, &rep, sizeof(rep), fds, nfds, 0) ==
                sizeof(rep));
}

static void *fake_serve(void *arg)
{
    struct fake *f = arg;
    struct vmmctl_req req;
    int c;

    while ((c = accept(f->lfd, NULL, NULL)) >= 0) {
        if (recv(c, &req, sizeof(req), 0) != sizeof(req) ||
            req.magic != VMMCTL_MAGIC) {
            close(c);
            continue;
        }
        f->last_arg = req.arg;
        if (req.op == VMMCTL_MEMFD)
            fake_reply(c, 0, &f->memfd, 1);
        else if (req.op == VMMCTL_EVTCHN_BIND && req.arg == 3)
            fake_reply(c, 0, f->ev, 2);
        else if (req.op == VMMCTL_EVTCHN_BIND)
            fake_reply(c, -EINVAL, NULL, 0);
        else
            fake_reply(c, 0, NULL, 0);
        close(c);
    }
    return NULL;
}

static grant_entry_v1_t *gnt(struct fake *f, void **map)
{
    *map = mmap(NULL, TOTAL_PAGES * 4096ul, PROT_READ | PROT_WRITE, MAP_SHARED,
                f->memfd, 0);
    assert_true(*map != MAP_FAILED);
    return (grant_entry_v1_t *)((char *)*map +
                                (RAM_PAGES + PVABI_SP_GNTTAB) * 4096ul);
}

static int setup(void **state)
{
    struct fake *f = calloc(1, sizeof(*f));
    char dir[80], path[128];

    strcpy(f->root, "/tmp/test_hv.XXXXXX");
    assert_non_null(mkdtemp(f->root));
    setenv("PVSTACK_ROOT", f->root, 1);
    setenv("PVSTACK_ENGINE", "kvm", 1);
    snprintf(dir, sizeof(dir), "%s/run", f->root);
    mkdir(dir, 0755);
    snprintf(dir, sizeof(dir), "%s/run/pvstack", f->root);
    mkdir(dir, 0755);
    snprintf(path, sizeof(path), "%s/dom%d.sock", dir, DOMID);
    f->lfd = sock_unix_listen(path, SOCK_SEQPACKET, 0, 8);
    assert_true(f->lfd >= 0);
    f->memfd = memfd_create("guest", 0);
    assert_int_equal(ftruncate(f->memfd, TOTAL_PAGES * 4096l), 0);
    f->ev[0] = eventfd(0, EFD_NONBLOCK);
    f->ev[1] = eventfd(0, EFD_NONBLOCK);
    pthread_create(&f->th, NULL, fake_serve, f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fake *f = *state;
    char cmd[128];

    shutdown(f->lfd, SHUT_RDWR);
    close(f->lfd);
    pthread_join(f->th, NULL);
    close(f->memfd);
    close(f->ev[0]);
    close(f->ev[1]);
    snprintf(cmd, sizeof(cmd), "rm -rf %s", f->root);
    assert_int_equal(system(cmd), 0);
    free(f);
    return 0;
}

static void test_foreign_map(void **state)
{
    struct fake *f = *state;
    struct hv *hv;
    void *a, *whole;
    char *g;

    assert_int_equal(hv_open(&hv), 0);
    assert_string_equal(hv_engine_name(hv), "kvm");
    gnt(f, &whole);
    g = whole;
    assert_int_equal(hv_foreign_map(hv, DOMID, 2, 2, 1, &a), 0);
    /* Writes on either side are seen by the other: same memfd. */
    ((char *)a)[4096] = 'x';
    assert_int_equal(g[3 * 4096], 'x');
    hv_foreign_unmap(hv, a, 2);
    assert_int_equal(hv_foreign_map(hv, DOMID, TOTAL_PAGES - 1, 2, 0, &a),
                     -ERANGE);
    assert_int_equal(hv_foreign_map(hv, DOMID, UINT64_MAX, 2, 0, &a), -ERANGE);
    assert_int_equal(hv_foreign_map(hv, 99, 0, 1, 0, &a), -ESRCH);
    munmap(whole, TOTAL_PAGES * 4096ul);
    hv_close(hv);
}

static void test_grant_map(void **state)
{
    struct fake *f = *state;
    grant_entry_v1_t *gt;
    struct hv *hv;
    void *whole, *a;

    gt = gnt(f, &whole);
    gt[8] =
        (grant_entry_v1_t){.flags = GTF_permit_access, .domid = 0, .frame = 5};
    gt[9] = (grant_entry_v1_t){
        .flags = GTF_permit_access | GTF_readonly, .domid = 0, .frame = 6};
    gt[10] =
        (grant_entry_v1_t){.flags = GTF_permit_access, .domid = 3, .frame = 6};
    gt[11] = (grant_entry_v1_t){
        .flags = GTF_permit_access, .domid = 0, .frame = RAM_PAGES};
    gt[12] = (grant_entry_v1_t){.flags = 0, .domid = 0, .frame = 1};
    ((char *)whole)[5 * 4096 + 17] = 'g';
    assert_int_equal(hv_open(&hv), 0);
    assert_int_equal(hv_grant_map(hv, DOMID, 8, 1, &a), 0);
    assert_int_equal(((char *)a)[17], 'g');
    hv_grant_unmap(hv, a);
    assert_int_equal(hv_grant_map(hv, DOMID, 9, 0, &a), 0);
    hv_grant_unmap(hv, a);
    assert_int_equal(hv_grant_map(hv, DOMID, 9, 1, &a), -EACCES);
    assert_int_equal(hv_grant_map(hv, DOMID, 10, 0, &a), -EACCES);
    assert_int_equal(hv_grant_map(hv, DOMID, 11, 0, &a), -EINVAL);
    assert_int_equal(hv_grant_map(hv, DOMID, 12, 0, &a), -EACCES);
    assert_int_equal(hv_grant_map(hv, DOMID, 1u << 20, 0, &a), -EINVAL);
    munmap(whole, TOTAL_PAGES * 4096ul);
    hv_close(hv);
}

static void test_evtchn(void **state)
{
    struct fake *f = *state;
    struct hv_evtchn *ch;
    struct hv *hv;
    uint64_t v = 1;

    assert_int_equal(hv_open(&hv), 0);
    assert_int_equal(hv_evtchn_bind(hv, DOMID, 4, &ch), -EINVAL);
    assert_int_equal(hv_evtchn_bind(hv, DOMID, 3, &ch), 0);
    assert_int_equal(hv_evtchn_port(ch), 3);
    /* Guest -> us: the VMM's eventfd makes our fd readable. */
    assert_int_equal(write(f->ev[0], &v, 8), 8);
    assert_int_equal(hv_evtchn_ack(ch), 0);
    assert_int_equal(hv_evtchn_ack(ch), 0); /* nothing pending: no error */
    /* Us -> guest: lands on the VMM's eventfd. */
    assert_int_equal(hv_evtchn_notify(ch), 0);
    assert_int_equal(read(f->ev[1], &v, 8), 8);
    assert_int_equal(v, 1);
    hv_evtchn_close(ch);
    assert_int_equal(f->last_arg, 3); /* the close named the port */
    hv_close(hv);
}

static void test_domain_ops_no_vmm(void **state)
{
    struct hv_dominfo d[4];
    struct hv *hv;
    int n;

    assert_int_equal(hv_open(&hv), 0);
    assert_int_equal(hv_domain_pause(hv, 42), -ESRCH);
    assert_int_equal(hv_domain_getinfo(hv, 42, &d[0]), -ESRCH);
    n = hv_domain_list(hv, d, 4);
    assert_int_equal(n, 2); /* dom0 + the fake */
    assert_int_equal(d[0].domid, 0);
    assert_int_equal(d[1].domid, DOMID);
    assert_int_equal(d[1].mem_kb, RAM_PAGES * 4);
    hv_close(hv);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_foreign_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_grant_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_evtchn, setup, teardown),
        cmocka_unit_test_setup_teardown(test_domain_ops_no_vmm, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
