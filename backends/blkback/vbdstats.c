/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vbdstats.c: a vbd's counters into the store (vbdstats.h), rate-bounded.
 */
#include "blkback/vbdstats.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/xsutil.h"

struct pub {
    const char *be;
    const struct blkring_iostats *st;
};

/* The body of the transaction: nothing when the device is gone. */
static int write_all(struct xs_handle *xs, xs_transaction_t t, void *arg)
{
    const struct pub *a = arg;
    const struct blkring_iostats *st = a->st;
    const struct {
        const char *key;
        uint64_t v;
    } f[] = {
        {"statistics/oo_req", st->oo_req},  {"statistics/rd_req", st->rd_req},
        {"statistics/wr_req", st->wr_req},  {"statistics/f_req", st->f_req},
        {"statistics/ds_req", st->ds_req},  {"statistics/rd_sect", st->rd_sect},
        {"statistics/wr_sect", st->wr_sect}};
    char *state;
    size_t i;
    int rc;

    rc = xsutil_read(xs, t, a->be, "state", &state);
    if (rc)
        return rc;
    free(state);
    for (i = 0; !rc && i < sizeof(f) / sizeof(f[0]); i++)
        rc = xsutil_printf(xs, t, a->be, f[i].key, "%" PRIu64, f[i].v);
    return rc;
}

int vbdstats_publish(struct vbdstats *p, struct xs_handle *xs, const char *be,
                     const struct blkring_iostats *st, uint64_t now_ms,
                     int force)
{
    struct pub a = {.be = be, .st = st};
    int rc;

    if (!force && p->published &&
        (now_ms - p->last_ms < VBDSTATS_MIN_MS ||
         !memcmp(&p->last, st, sizeof(*st))))
        return 0;
    rc = xsutil_transact(xs, write_all, &a);
    if (rc)
        return rc; /* the next tick tries again */
    p->last = *st;
    p->last_ms = now_ms;
    p->published = 1;
    return 1;
}
