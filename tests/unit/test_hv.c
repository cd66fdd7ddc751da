/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_hv.c: libhv's kvm primitives against a fake VMM control socket
 * (a thread serving vmmctl.h): foreign map range checks, grant checks on a
 * v1 grant table in the memfd, event channel eventfd hand-over.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <setjmp.h>
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

#include <cmocka.h>
#include "unit.h"
#include <xen/grant_table.h>
#include <xen/xen.h>

#include "hv/hv.h"
#include "proto/vmmctl.h"
#include "fake_vmm.h"
#include "proto/pvabi.h"

#define RAM_PAGES 64
#define TOTAL_PAGES (RAM_PAGES + PVABI_SPECIAL_PAGES)
#define DOMID 7

static grant_entry_v1_t *gnt(struct fake_vmm *f, void **map)
{
    *map = mmap(NULL, (TOTAL_PAGES + 1) * 4096ul, PROT_READ | PROT_WRITE,
                MAP_SHARED, f->memfd, 0);
    assert_true(*map != MAP_FAILED);
    return (grant_entry_v1_t *)((char *)*map +
                                (RAM_PAGES + PVABI_SP_GNTTAB) * 4096ul);
}

static int setup(void **state)
{
    struct fake_vmm *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    assert_int_equal(fake_vmm_start(f, DOMID, RAM_PAGES), 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fake_vmm_stop(*state);
    free(*state);
    return 0;
}

static void test_foreign_map(void **state)
{
    struct fake_vmm *f = *state;
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
    munmap(whole, (TOTAL_PAGES + 1) * 4096ul);
    hv_close(hv);
}

static void test_grant_map(void **state)
{
    struct fake_vmm *f = *state;
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
    /* Frame 5 ballooned out (the VMM's bitmap after guest memory). */
    ((unsigned char *)whole)[TOTAL_PAGES * 4096ul] = 1 << 5;
    assert_int_equal(hv_grant_map(hv, DOMID, 8, 1, &a), -EINVAL);
    assert_int_equal(hv_foreign_map(hv, DOMID, 4, 2, 1, &a), -EINVAL);
    ((unsigned char *)whole)[TOTAL_PAGES * 4096ul] = 0;
    assert_int_equal(hv_grant_map(hv, DOMID, 8, 1, &a), 0);
    hv_grant_unmap(hv, a);
    munmap(whole, (TOTAL_PAGES + 1) * 4096ul);
    hv_close(hv);
}

static void test_evtchn(void **state)
{
    struct fake_vmm *f = *state;
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

/* Our mappings and fds of the fake guest's memfd. */
static int memfd_refs(void)
{
    char line[512], path[64], link[256];
    FILE *f = fopen("/proc/self/maps", "r");
    int n = 0, fd;
    ssize_t l;

    assert_non_null(f);
    while (fgets(line, sizeof(line), f))
        n += strstr(line, "memfd:guest") != NULL;
    fclose(f);
    for (fd = 0; fd < 1024; fd++) {
        snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
        l = readlink(path, link, sizeof(link) - 1);
        if (l <= 0)
            continue;
        link[l] = '\0';
        n += strstr(link, "memfd:guest") != NULL;
    }
    return n;
}

/*
 * The domain's memory is mapped once (many grant maps, one mapping, no fd
 * kept) and dropped the moment its VMM exits, with grant maps still out:
 * those keep reading (zeros) instead of faulting. A new map of the dead
 * domain is refused through the pidfd, not a kill(pid, 0) probe.
 */
static void test_dies(void **state)
{
    struct fake_vmm *f = *state;
    grant_entry_v1_t *gt;
    struct hv *hv;
    void *whole, *a, *b, *c;
    int i, base;

    gt = gnt(f, &whole);
    gt[8] =
        (grant_entry_v1_t){.flags = GTF_permit_access, .domid = 0, .frame = 5};
    ((char *)whole)[5 * 4096 + 17] = 'g';
    munmap(whole, (TOTAL_PAGES + 1) * 4096ul);
    base = memfd_refs(); /* the fake VMM's own fd */
    assert_int_equal(hv_open(&hv), 0);
    assert_int_equal(hv_grant_map(hv, DOMID, 8, 1, &a), 0);
    assert_int_equal(hv_grant_map(hv, DOMID, 8, 0, &b), 0);
    assert_int_equal(hv_foreign_map(hv, DOMID, 3, 1, 1, &c), 0);
    assert_ptr_equal(a, b);
    assert_int_equal(((char *)a)[17], 'g');
    assert_int_equal(memfd_refs(), base + 1); /* one mapping, no fd */
    hv_grant_unmap(hv, b);
    assert_int_equal(kill(f->vmm, SIGKILL), 0);
    assert_int_equal(waitpid(f->vmm, NULL, 0), f->vmm);
    for (i = 0; i < 200 && memfd_refs() > base; i++)
        usleep(10000);
    assert_int_equal(memfd_refs(), base);
    assert_int_equal(((char *)a)[17], 0); /* still mapped, memory gone */
    assert_int_equal(hv_grant_map(hv, DOMID, 8, 1, &b), -ESRCH);
    hv_grant_unmap(hv, a);
    hv_foreign_unmap(hv, c, 1);
    hv_close(hv);
}

/* Backend threads mapping and unmapping while the domain dies: each ends
 * on -ESRCH (gone), or -EACCES when it read the grant table just after the
 * memory was dropped (zeros); none faults on the dropped mapping. */
struct mapper {
    struct hv *hv;
    long maps;
    int rc;
};

static void *mapper_run(void *arg)
{
    struct mapper *m = arg;
    void *a;

    for (;;) {
        m->rc = hv_grant_map(m->hv, DOMID, 8, 1, &a);
        if (m->rc < 0)
            return NULL;
        ((volatile char *)a)[m->maps % 4096]++;
        hv_grant_unmap(m->hv, a);
        __atomic_fetch_add(&m->maps, 1, __ATOMIC_RELAXED);
    }
}

static void test_threads_die(void **state)
{
    struct fake_vmm *f = *state;
    struct mapper m[2];
    pthread_t t[2];
    grant_entry_v1_t *gt;
    struct hv *hv;
    void *whole;
    int i;

    gt = gnt(f, &whole);
    gt[8] =
        (grant_entry_v1_t){.flags = GTF_permit_access, .domid = 0, .frame = 5};
    assert_int_equal(hv_open(&hv), 0);
    for (i = 0; i < 2; i++) {
        m[i] = (struct mapper){.hv = hv};
        assert_int_equal(pthread_create(&t[i], NULL, mapper_run, &m[i]), 0);
    }
    while (__atomic_load_n(&m[0].maps, __ATOMIC_RELAXED) < 1000 ||
           __atomic_load_n(&m[1].maps, __ATOMIC_RELAXED) < 1000)
        usleep(1000);
    kill(f->vmm, SIGKILL);
    for (i = 0; i < 2; i++) {
        pthread_join(t[i], NULL);
        assert_true(m[i].rc == -ESRCH || m[i].rc == -EACCES);
    }
    munmap(whole, (TOTAL_PAGES + 1) * 4096ul);
    hv_close(hv);
}

static int suspend_refused(void *arg)
{
    ++*(int *)arg;
    return -ECANCELED;
}

/* kvm saves through the VMM once the guest has suspended: a guest that
 * does not suspend fails the save before the VMM or the fd is touched;
 * resume of a domain nobody serves is -ESRCH. */
static void test_save_kvm(void **state)
{
    struct hv *hv;
    char err[128] = "x";
    int fds[2], calls = 0;

    (void)state;
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(hv_open(&hv), 0);
    assert_int_equal(hv_domain_save(hv, DOMID, fds[1], suspend_refused, &calls,
                                    err, sizeof(err)),
                     -ECANCELED);
    assert_int_equal(calls, 1);
    assert_non_null(strstr(err, "did not suspend"));
    assert_int_equal(hv_domain_resume(hv, 4242, 1), -ESRCH);
    /* Nothing was written to the stream. */
    assert_int_equal(write(fds[1], "z", 1), 1);
    assert_int_equal(read(fds[0], err, sizeof(err)), 1);
    assert_int_equal(err[0], 'z');
    hv_close(hv);
    close(fds[0]);
    close(fds[1]);
}

/* libxl's ranges (weight 1..65535, cap 0..100 per vcpu, < 0 unchanged),
 * and the kvm engine has no scheduler of its own: -ENOSYS, so the domain
 * library falls back to its cgroup. */
static void test_sched(void **state)
{
    struct hv_sched s;
    struct hv *hv;
    char err[128];

    (void)state;
    assert_int_equal(hv_sched_check(1, 0, 1, err, sizeof(err)), 0);
    assert_int_equal(hv_sched_check(65535, 100, 1, err, sizeof(err)), 0);
    assert_int_equal(hv_sched_check(-1, -1, 1, err, sizeof(err)), 0);
    assert_string_equal(err, "");
    assert_int_equal(hv_sched_check(0, -1, 1, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "cpu weight 0 out of range 1..65535");
    assert_int_equal(hv_sched_check(65536, -1, 1, err, sizeof(err)), -EINVAL);
    assert_int_equal(hv_sched_check(512, 200, 2, err, sizeof(err)), 0);
    assert_int_equal(hv_sched_check(512, 201, 2, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "cpu cap 201 out of range 0..200 for 2 vcpus");
    assert_int_equal(hv_sched_check(-1, 101, 1, NULL, 0), -EINVAL);
    assert_string_equal(hv_sched_name(HV_SCHED_CREDIT), "credit");
    assert_string_equal(hv_sched_name(HV_SCHED_CREDIT2), "credit2");
    assert_string_equal(hv_sched_name(42), "unknown");

    assert_int_equal(hv_open(&hv), 0);
    assert_int_equal(hv_domain_sched_get(hv, DOMID, &s), -ENOSYS);
    assert_int_equal(hv_domain_sched_set(hv, DOMID, 512, -1, err, sizeof(err)),
                     -ENOSYS);
    assert_string_equal(err, "the kvm engine has no scheduler of its own");
    assert_int_equal(hv_domain_sched_set(hv, DOMID, 512, -1, NULL, 0), -ENOSYS);
    hv_close(hv);
}

UNIT_MAIN(unit_test_fx(test_foreign_map), unit_test_fx(test_grant_map),
          unit_test_fx(test_evtchn), unit_test_fx(test_dies),
          unit_test_fx(test_threads_die), unit_test_fx(test_domain_ops_no_vmm),
          unit_test_fx(test_save_kvm), cmocka_unit_test(test_sched))
