/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * top.h: `xm top`'s samples (cmd_top.c) and the two ways of showing them:
 * batch lines (cmd_top.c) and the interactive curses view (top_view.c),
 * both from the same rows and the same formatting.
 */
#ifndef PVSTACK_XM_TOP_H
#define PVSTACK_XM_TOP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>

#include "xm/xm.h"

/* One domain's figures in a sample, xentop's columns. */
struct top_row {
    struct xm_dominfo d;
    double cpu_pct; /* of one CPU since the previous sample */
    unsigned nets, vbds;
    unsigned long long tx, rx; /* bytes, the domain's view */
    int vbd_ok;                /* some vbd has statistics */
    unsigned long long oo, rd, wr, rsect, wsect;
};

struct top_snap {
    struct timeval when;
    struct top_row *rows; /* by domid, Domain-0 first */
    size_t n;
    struct xm_hostinfo hi;
    struct xm_enginfo e;
};

/* One sample (prev, if any, for CPU(%)). 0 or -errno; free with
 * top_snap_free. */
int top_sample(struct xm *xm, const struct top_snap *prev,
               struct top_snap *out);
void top_snap_free(struct top_snap *s);
/* xentop's table header and one row (no newline). */
void top_format_header(char *buf, size_t len);
void top_format_row(char *buf, size_t len, const struct top_row *r,
                    uint64_t total_kb);
/* xentop's four summary lines above the table. */
void top_format_summary(const struct top_snap *s, char lines[4][160]);

/*
 * The interactive view (top_view.c): xentop's keys q (quit), d (delay),
 * s (sort column), n (networks), v (vcpus), r (repeat header). iters 0:
 * until q. Returns an exit status.
 */
int top_view(struct xm *xm, unsigned delay, unsigned long iters);

#endif
