/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_sched.c: xl's cpumap syntax in and out (cpus=, vcpu-pin, vcpu-list's
 * affinity column as xl's print_bitmap), and the errors; the share's
 * fallback on the kvm engine (no scheduler of its own: the cgroup path,
 * with libxl's ranges checked before anything is touched).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs the headers above first */
#include <cmocka.h>
#include "unit.h"

#include "domain/internal.h"
#include "domain/sched.h"

void domain_err(const struct domain_ctx *c, const char *fmt, ...)
{
    (void)c;
    (void)fmt;
}

/* Every domid is PV here (no QEMU): its vcpus are a VMM's, if any. */
static const struct domain_type_ops pv_only = {.vcpu_pid = pv_vcpu_pid};

const struct domain_type_ops *domain_ops_of(uint32_t domid)
{
    (void)domid;
    return &pv_only;
}

static const char *round_trip(const char *in, unsigned ncpus)
{
    static char out[128], err[160];
    cpu_set_t s;

    err[0] = '\0';
    if (sched_cpumap_parse(in, ncpus, &s, err, sizeof(err)))
        return err;
    sched_cpumap_format(&s, ncpus, out, sizeof(out));
    return out;
}

/* cpumap text in, for 8 CPUs; its canonical form or the error out */
static const struct {
    const char *in, *out;
} cpumaps[] = {
    {"all", "all"},
    {"0-7", "all"},
    {"1", "1"},
    {"1-3,5", "1-3,5"},
    {"0-7,^2", "0-1,3-7"},
    {"6,7", "6-7"},
    {"3,1", "1,3"},
    {"1,,", "1"},
    {"8", "cpumap '8': CPU out of range 0-7"},
    {"2-1", "cpumap '2-1': bad item '2-1'"},
    {"x", "cpumap 'x': bad item 'x'"},
    {"1-", "cpumap '1-': bad item '1-'"},
    {"0,^0", "cpumap '0,^0': no CPU left"},
    {"", "cpumap '': no CPU left"},
};

static void test_cpumap(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(cpumaps) / sizeof(cpumaps[0]); i++)
        assert_string_equal(round_trip(cpumaps[i].in, 8), cpumaps[i].out);
}

static void test_share_fallback(void **state)
{
    char err[160];
    int w = -1, c = -1;

    (void)state;
    setenv("PVSTACK_ENGINE", "kvm", 1);
    assert_null(domain_sched_which()); /* kvm: Linux's, for both commands */
    /* no such domain: no group, the defaults */
    assert_int_equal(domain_sched_get(4242, &w, &c), 0);
    assert_int_equal(w, SCHED_WEIGHT_DEFAULT);
    assert_int_equal(c, 0);
    assert_int_equal(domain_sched_set(4242, 0, -1, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "cpu weight 0 out of range 1..65535");
    /* no vcpu threads to count: 64, the old limit of 6400 */
    assert_int_equal(domain_sched_set(4242, -1, 6401, err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "cpu cap 6401 out of range 0..6400 for 64 vcpus");
    assert_int_equal(domain_sched_set(4242, 70000, -1, NULL, 0), -EINVAL);
    /* in range: the cgroup path, which has no process to put in it */
    assert_int_not_equal(domain_sched_set(4242, 512, -1, err, sizeof(err)), 0);
    assert_string_not_equal(err, "");
}

UNIT_MAIN(cmocka_unit_test(test_cpumap), cmocka_unit_test(test_share_fallback))
