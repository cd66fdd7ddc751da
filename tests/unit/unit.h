/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * unit.h: the main() every cmocka unit test file had, written once.
 * Include after <cmocka.h> (which wants <setjmp.h>, <stdarg.h>,
 * <stddef.h> and <stdint.h> first).
 */
#ifndef TESTS_UNIT_UNIT_H
#define TESTS_UNIT_UNIT_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

/*
 * A test's scratch tree "/tmp/<name>.XXXXXX", made by mkdtemp() into dir
 * (len bytes): 0, or -1 with errno set.
 */
static inline int unit_mkdtemp(char *dir, size_t len, const char *name)
{
    if (snprintf(dir, len, "/tmp/%s.XXXXXX", name) >= (int)len) {
        errno = ENAMETOOLONG;
        return -1;
    }
    return mkdtemp(dir) ? 0 : -1;
}

/*
 * Remove a test's scratch tree (a mkdtemp() directory): 0, or -1 when rm
 * failed or the path does not fit.
 */
static inline int unit_rm_rf(const char *dir)
{
    char cmd[PATH_MAX + 16];

    if (snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir) >= (int)sizeof(cmd))
        return -1;
    return system(cmd) == 0 ? 0 : -1;
}

/*
 * A test run with the file's per-test fixture: files whose tests share one
 * name its functions setup and teardown.
 */
#define unit_test_fx(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

/*
 * main(): the CMUnitTest entries given run as one group ("tests"), with
 * the group fixture gsetup/gteardown (NULL for none).
 */
#define UNIT_MAIN_GROUP(gsetup, gteardown, ...)                                \
    int main(void)                                                             \
    {                                                                          \
        const struct CMUnitTest tests[] = {__VA_ARGS__};                       \
        return cmocka_run_group_tests(tests, gsetup, gteardown);               \
    }

#define UNIT_MAIN(...) UNIT_MAIN_GROUP(NULL, NULL, __VA_ARGS__)

#endif
