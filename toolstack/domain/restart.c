/* SPDX-License-Identifier: GPL-2.0-only */
/* restart.c: the restart-loop guard (restart.h says why and how). */
#include "domain/restart.h"

int restart_allowed(struct restart_guard *g, double lived)
{
    if (lived >= RESTART_MIN_S) {
        g->fast = 0;
        return 1;
    }
    return ++g->fast < RESTART_FAST_MAX;
}
