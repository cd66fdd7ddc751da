/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenbus.c: XenbusState read/switch for backends (key helpers live in
 * lib/xsutil).
 */
#include "xenbus/xenbus.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "lib/xsutil.h"

enum xenbus_state xenbus_read_state(struct xs_handle *xs, const char *dir)
{
    unsigned long long v;

    if (xsutil_read_ull(xs, XBT_NULL, dir, "state", XenbusStateReconfigured,
                        &v))
        return XenbusStateUnknown;
    return (enum xenbus_state)v;
}

struct xenbus_switch {
    const char *dir;
    enum xenbus_state st;
};

static int xenbus_switch_tx(struct xs_handle *xs, xs_transaction_t t, void *arg)
{
    const struct xenbus_switch *sw = arg;
    char *cur;
    int rc = xsutil_read(xs, t, sw->dir, "state", &cur);

    if (rc)
        return rc;
    free(cur);
    return xsutil_printf(xs, t, sw->dir, "state", "%d", (int)sw->st);
}

int xenbus_switch_state(struct xs_handle *xs, const char *dir,
                        enum xenbus_state st)
{
    struct xenbus_switch sw = {.dir = dir, .st = st};

    /* As Linux's __xenbus_switch_state: never resurrect a directory the
     * toolstack removed meanwhile (the write would recreate it and the
     * device would never go away), so check and write in one
     * transaction. */
    return xsutil_transact(xs, xenbus_switch_tx, &sw);
}

const char *xenbus_state_name(enum xenbus_state st)
{
    static const char *const names[] = {
        "Unknown", "Initialising", "InitWait",      "Initialised",  "Connected",
        "Closing", "Closed",       "Reconfiguring", "Reconfigured",
    };

    if ((unsigned)st >= sizeof(names) / sizeof(names[0]))
        return "Invalid";
    return names[st];
}
