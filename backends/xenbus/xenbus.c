/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenbus.c: store helpers for backends: read/write keys below a device
 * directory with -errno returns, and XenbusState read/switch.
 */
#include "xenbus/xenbus.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/parse.h"

/* Store paths are bounded by XENSTORE_ABS_PATH_MAX (3072). */
#define XB_PATH_MAX 3072

static int xb_join(char *buf, size_t len, const char *dir, const char *key)
{
    int n = key ? snprintf(buf, len, "%s/%s", dir, key)
                : snprintf(buf, len, "%s", dir);

    return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

struct xs_handle *xenbus_open_store(int wait_ms)
{
    struct timespec ts = {0, 100 * 1000 * 1000};
    struct xs_handle *xs;
    int waited = 0;

    for (;;) {
        xs = xs_open(0);
        if (xs || waited >= wait_ms)
            return xs;
        nanosleep(&ts, NULL);
        waited += 100;
    }
}

int xenbus_store_alive(struct xs_handle *xs)
{
    unsigned int n;
    char **d = xs_directory(xs, XBT_NULL, "/", &n);

    if (d) {
        free(d);
        return 1;
    }
    /* an answer, even an error, means the store is there */
    return errno == ENOENT || errno == EACCES || errno == E2BIG ||
           errno == EAGAIN;
}

int xenbus_read(struct xs_handle *xs, xs_transaction_t t, const char *dir,
                const char *key, char **val_out)
{
    char path[XB_PATH_MAX];
    unsigned int len;
    char *v;
    int rc = xb_join(path, sizeof(path), dir, key);

    *val_out = NULL;
    if (rc)
        return rc;
    errno = 0;
    v = xs_read(xs, t, path, &len);
    if (!v)
        return errno ? -errno : -EIO;
    /* libxenstore NUL-terminates, but a value may hold an embedded NUL;
     * callers treat values as C strings, so cut there explicitly. */
    v[len] = '\0';
    *val_out = v;
    return 0;
}

int xenbus_read_ull(struct xs_handle *xs, xs_transaction_t t, const char *dir,
                    const char *key, unsigned long long max,
                    unsigned long long *out)
{
    char *v;
    int rc = xenbus_read(xs, t, dir, key, &v);

    if (rc)
        return rc;
    rc = parse_ull(v, 0, max, out);
    free(v);
    return rc;
}

int xenbus_write(struct xs_handle *xs, xs_transaction_t t, const char *dir,
                 const char *key, const char *val)
{
    char path[XB_PATH_MAX];
    int rc = xb_join(path, sizeof(path), dir, key);

    if (rc)
        return rc;
    errno = 0;
    if (!xs_write(xs, t, path, val, strlen(val)))
        return errno ? -errno : -EIO;
    return 0;
}

int xenbus_printf(struct xs_handle *xs, xs_transaction_t t, const char *dir,
                  const char *key, const char *fmt, ...)
{
    char val[XB_PATH_MAX];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(val, sizeof(val), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(val))
        return -E2BIG;
    return xenbus_write(xs, t, dir, key, val);
}

enum xenbus_state xenbus_read_state(struct xs_handle *xs, const char *dir)
{
    unsigned long long v;

    if (xenbus_read_ull(xs, XBT_NULL, dir, "state", XenbusStateReconfigured,
                        &v))
        return XenbusStateUnknown;
    return (enum xenbus_state)v;
}

int xenbus_switch_state(struct xs_handle *xs, const char *dir,
                        enum xenbus_state st)
{
    xs_transaction_t t;
    char *cur;
    int i, rc;

    /* As Linux's __xenbus_switch_state: never resurrect a directory the
     * toolstack removed meanwhile (the write would recreate it and the
     * device would never go away), so check and write in one
     * transaction. */
    for (i = 0; i < 16; i++) {
        t = xs_transaction_start(xs);
        if (t == XBT_NULL)
            return errno ? -errno : -EIO;
        rc = xenbus_read(xs, t, dir, "state", &cur);
        if (rc) {
            xs_transaction_end(xs, t, true);
            return rc;
        }
        free(cur);
        rc = xenbus_printf(xs, t, dir, "state", "%d", (int)st);
        if (rc) {
            xs_transaction_end(xs, t, true);
            return rc;
        }
        if (xs_transaction_end(xs, t, false))
            return 0;
        if (errno != EAGAIN)
            return -errno;
    }
    return -EAGAIN;
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
