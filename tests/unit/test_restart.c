/* SPDX-License-Identifier: GPL-2.0-only */
/* test_restart.c: the domain monitor's restart-loop guard (restart.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include "unit.h"

#include "domain/restart.h"

/* A guest that fails at once: restarted RESTART_FAST_MAX - 1 times, then
 * refused. */
static void test_loop_refused(void **state)
{
    struct restart_guard g = {0};
    int i;

    (void)state;
    for (i = 0; i < RESTART_FAST_MAX - 1; i++)
        assert_int_equal(restart_allowed(&g, 0.3), 1);
    assert_int_equal(restart_allowed(&g, 0.3), 0);
}

/* Quick reboots with a long run between them never add up. */
static void test_long_run_resets(void **state)
{
    struct restart_guard g = {0};
    int i;

    (void)state;
    for (i = 0; i < 20; i++) {
        assert_int_equal(restart_allowed(&g, 1.0), 1);
        assert_int_equal(restart_allowed(&g, RESTART_MIN_S), 1);
    }
    /* one just under the limit counts as fast */
    for (i = 0; i < RESTART_FAST_MAX - 1; i++)
        assert_int_equal(restart_allowed(&g, RESTART_MIN_S - 0.01), 1);
    assert_int_equal(restart_allowed(&g, RESTART_MIN_S - 0.01), 0);
}

UNIT_MAIN(cmocka_unit_test(test_loop_refused),
          cmocka_unit_test(test_long_run_resets))
