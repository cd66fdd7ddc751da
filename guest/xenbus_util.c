/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenbus_util.c: conveniences over the xenbus client (xenbus.c) that
 * frontends use: numbers, printf-style writes, waiting for a XenbusState.
 */
#include "xenbus.h"

#include "kernel.h"

int xenbus_read_ulong(uint32_t tx, const char *path, unsigned long *val_out)
{
    char buf[32];
    const char *end;
    int rc = xenbus_read(tx, path, buf, sizeof(buf));
    if (rc < 0)
        return rc;
    rc = lib_parse_ulong(buf, val_out, &end);
    return rc < 0 || *end ? -XEN_EINVAL : 0;
}

int xenbus_printf(uint32_t tx, const char *dir, const char *node,
                  const char *fmt, ...)
{
    char path[160], val[160];
    va_list ap;

    if (snprintf(path, sizeof(path), "%s/%s", dir, node) >= (int)sizeof(path))
        return -XEN_E2BIG;
    va_start(ap, fmt);
    vsnprintf(val, sizeof(val), fmt, ap);
    va_end(ap);
    return xenbus_write(tx, path, val);
}

int xenbus_wait_state(const char *path, unsigned long min_state,
                      uint64_t deadline_ns)
{
    char wpath[160], token[64];
    unsigned long st = 0;
    int rc;

    rc = xenbus_watch(path, "state-wait");
    if (rc < 0)
        return rc;
    for (;;) {
        if (xenbus_read_ulong(XBT_NIL, path, &st) == 0 && st >= min_state)
            break;
        rc = xenbus_wait_watch_token("state-wait", wpath, sizeof(wpath), token,
                                     sizeof(token), deadline_ns);
        if (rc < 0)
            break;
    }
    xenbus_unwatch(path, "state-wait");
    xenbus_flush_watch("state-wait");
    return rc < 0 ? rc : (int)st;
}
