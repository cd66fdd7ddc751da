/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * selftest.h: what the self-test files share. A test returns NULL on
 * success or a static reason; detail is optional text for its line.
 */
#ifndef XT_GUEST_SELFTEST_H
#define XT_GUEST_SELFTEST_H

#include <stddef.h>

#define MS 1000000ULL

typedef const char *selftest_fn(char *detail, size_t size);

/* selftest_dev.c */
selftest_fn selftest_store, selftest_blk, selftest_net;
/* selftest_hostile.c */
selftest_fn selftest_hostile;
/* dirty.c */
selftest_fn selftest_dirty;

#endif
