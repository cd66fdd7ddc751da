/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * clock.h: the monotonic clock in milliseconds, for deadlines, timeouts and
 * rate periods (never the wall clock, which may be set back). Signed, so a
 * deadline minus now may go below zero.
 */
#ifndef XT_LIB_CLOCK_H
#define XT_LIB_CLOCK_H

#include <time.h>

static inline long long mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

#endif
