/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * device.c: the generic part of PV device entries in the store: the
 * transactional writer (libxl__device_generic_add), waiting for a backend
 * state, removal, and listing. Kind-specific keys live in kinds.c.
 */
#include "device/device.h"

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "device/internal.h"
#include "lib/clock.h"
#include "lib/parse.h"

#define TX_RETRIES 32

void dev_paths_make(struct dev_paths *p, const char *kind, uint32_t domid,
                    uint32_t devid, uint32_t bdomid)
{
    if (!strcmp(kind, "console") && devid == 0)
        snprintf(p->fe, sizeof(p->fe), "/local/domain/%u/console", domid);
    else
        snprintf(p->fe, sizeof(p->fe), "/local/domain/%u/device/%s/%u", domid,
                 kind, devid);
    snprintf(p->be, sizeof(p->be), "/local/domain/%u/backend/%s/%u/%u", bdomid,
             kind, domid, devid);
    snprintf(p->lx, sizeof(p->lx), "/libxl/%u/device/%s/%u", domid, kind,
             devid);
}

char *dev_read(struct xs_handle *xs, const char *dir, const char *key)
{
    char path[512];
    unsigned int len;

    snprintf(path, sizeof(path), "%s/%s", dir, key);
    return xs_read(xs, XBT_NULL, path, &len);
}

int dev_read_int(struct xs_handle *xs, const char *dir, const char *key)
{
    char *v = dev_read(xs, dir, key);
    long long n;
    int rc;

    if (!v)
        return -1;
    rc = parse_ll(v, 10, 0, INT32_MAX, &n);
    free(v);
    return rc ? -1 : (int)n;
}

static bool kv_write(struct xs_handle *xs, xs_transaction_t t, const char *dir,
                     const char *k, const char *v, struct xs_permissions *perms)
{
    char path[512];

    snprintf(path, sizeof(path), "%s/%s", dir, k);
    if (!xs_write(xs, t, path, v, (unsigned int)strlen(v)))
        return false;
    return !perms || xs_set_permissions(xs, t, path, perms, 2);
}

static bool kvs_write(struct xs_handle *xs, xs_transaction_t t, const char *dir,
                      const struct dev_kv *kv, struct xs_permissions *perms)
{
    for (; kv && kv->k; kv++)
        if (kv->v && !kv_write(xs, t, dir, kv->k, kv->v, perms))
            return false;
    return true;
}

/* One attempt; false with errno set on failure. */
static bool generic_add_tx(struct xs_handle *xs, xs_transaction_t t,
                           const struct dev_paths *p, uint32_t domid,
                           uint32_t bdomid, const struct dev_kv *back,
                           const struct dev_kv *front,
                           const struct dev_kv *ro_front, int ro_dir)
{
    struct xs_permissions fe_perms[2] = {
        {.id = domid, .perms = XS_PERM_NONE},
        {.id = bdomid, .perms = XS_PERM_READ},
    };
    struct xs_permissions ro_perms[2] = {
        {.id = bdomid, .perms = XS_PERM_NONE},
        {.id = domid, .perms = XS_PERM_READ},
    };

    xs_rm(xs, t, p->lx);
    if (!kv_write(xs, t, p->lx, "frontend", p->fe, NULL) ||
        !kv_write(xs, t, p->lx, "backend", p->be, NULL))
        return false;
    xs_rm(xs, t, p->fe);
    if (!xs_mkdir(xs, t, p->fe) ||
        !xs_set_permissions(xs, t, p->fe, ro_dir ? ro_perms : fe_perms, 2) ||
        !kv_write(xs, t, p->fe, "backend", p->be, NULL) ||
        !kvs_write(xs, t, p->fe, front, fe_perms) ||
        !kvs_write(xs, t, p->fe, ro_front, ro_perms))
        return false;
    xs_rm(xs, t, p->be);
    /* Children created in this transaction inherit the directory's
     * permissions, so the backend keys are readable by the guest. */
    return xs_mkdir(xs, t, p->be) &&
           xs_set_permissions(xs, t, p->be, ro_perms, 2) &&
           kv_write(xs, t, p->be, "frontend", p->fe, NULL) &&
           kvs_write(xs, t, p->be, back, NULL) &&
           kvs_write(xs, t, p->lx, back, NULL);
}

int dev_generic_add(struct xs_handle *xs, const struct dev_paths *p,
                    uint32_t domid, uint32_t bdomid, const struct dev_kv *back,
                    const struct dev_kv *front, const struct dev_kv *ro_front,
                    int ro_dir)
{
    xs_transaction_t t;
    int i, rc;

    for (i = 0; i < TX_RETRIES; i++) {
        t = xs_transaction_start(xs);
        if (t == XBT_NULL)
            return errno ? -errno : -EIO;
        if (!generic_add_tx(xs, t, p, domid, bdomid, back, front, ro_front,
                            ro_dir)) {
            rc = errno ? -errno : -EIO;
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

/* 1: reached, 0: keep waiting, <0: failed. */
static int wait_check(struct xs_handle *xs, const char *be,
                      enum xenbus_state want)
{
    char *hs = dev_read(xs, be, "hotplug-status");
    int st = dev_read_int(xs, be, "state");
    int failed = hs && !strcmp(hs, "error");

    free(hs);
    if (st == (int)want)
        return 1;
    if (failed)
        return -EIO;
    if (st >= XenbusStateClosing && want < XenbusStateClosing)
        return -EIO;
    if (st < 0 && want == XenbusStateClosed)
        return 1; /* the backend already removed it */
    return 0;
}

int device_wait_backend(struct xs_handle *xs, const char *kind, uint32_t domid,
                        uint32_t devid, uint32_t backend_domid,
                        enum xenbus_state want, int timeout_ms)
{
    struct dev_paths p;
    char watch[160], **ev;
    long long end = mono_ms() + timeout_ms, left;
    struct pollfd pfd;
    int rc;

    dev_paths_make(&p, kind, domid, devid, backend_domid);
    snprintf(watch, sizeof(watch), "%s/state", p.be);
    if (!xs_watch(xs, watch, "pvstack-devwait"))
        return errno ? -errno : -EIO;
    for (;;) {
        rc = wait_check(xs, p.be, want);
        if (rc)
            break;
        left = end - mono_ms();
        if (left <= 0) {
            rc = -ETIMEDOUT;
            break;
        }
        pfd.fd = xs_fileno(xs);
        pfd.events = POLLIN;
        /* Recheck at least every 100 ms: a watch can race the read. */
        poll(&pfd, 1, left < 100 ? (int)left : 100);
        while ((ev = xs_check_watch(xs)))
            free(ev);
    }
    xs_unwatch(xs, watch, "pvstack-devwait");
    return rc < 0 ? rc : 0;
}

static int remove_tx(struct xs_handle *xs, const struct dev_paths *p,
                     int offline)
{
    xs_transaction_t t;
    int i;

    for (i = 0; i < TX_RETRIES; i++) {
        t = xs_transaction_start(xs);
        if (t == XBT_NULL)
            return errno ? -errno : -EIO;
        if (offline) {
            kv_write(xs, t, p->be, "online", "0", NULL);
            kv_write(xs, t, p->be, "state", "5", NULL);
        } else {
            xs_rm(xs, t, p->fe);
            xs_rm(xs, t, p->be);
            xs_rm(xs, t, p->lx);
        }
        if (xs_transaction_end(xs, t, false))
            return 0;
        if (errno != EAGAIN)
            return -errno;
    }
    return -EAGAIN;
}

int device_remove(struct xs_handle *xs, const char *kind, uint32_t domid,
                  uint32_t devid, uint32_t backend_domid, int timeout_ms)
{
    struct dev_paths p;
    char *be_state, *lx;
    int rc, wrc = 0;

    dev_paths_make(&p, kind, domid, devid, backend_domid);
    lx = dev_read(xs, p.lx, "backend");
    be_state = dev_read(xs, p.be, "state");
    if (!lx && !be_state) {
        free(lx);
        return -ENOENT;
    }
    free(lx);
    if (be_state && timeout_ms > 0) {
        rc = remove_tx(xs, &p, 1);
        if (rc) {
            free(be_state);
            return rc;
        }
        wrc = device_wait_backend(xs, kind, domid, devid, backend_domid,
                                  XenbusStateClosed, timeout_ms);
    }
    free(be_state);
    rc = remove_tx(xs, &p, 0);
    return rc ? rc : (wrc == -ETIMEDOUT ? wrc : 0);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

    return x < y ? -1 : x > y;
}

int device_list(struct xs_handle *xs, const char *kind, uint32_t domid,
                uint32_t *devids_out, int max)
{
    char dir[128], **ents;
    unsigned int n = 0, i;
    long long v;
    int cnt = 0;

    snprintf(dir, sizeof(dir), "/libxl/%u/device/%s", domid, kind);
    ents = xs_directory(xs, XBT_NULL, dir, &n);
    if (!ents)
        return errno == ENOENT ? 0 : -errno;
    for (i = 0; i < n && cnt < max; i++)
        if (!parse_ll(ents[i], 10, 0, UINT32_MAX, &v))
            devids_out[cnt++] = (uint32_t)v;
    free(ents);
    if (cnt > 1)
        qsort(devids_out, (size_t)cnt, sizeof(*devids_out), cmp_u32);
    return cnt;
}

int device_backend_domid(struct xs_handle *xs, const char *kind, uint32_t domid,
                         uint32_t devid, uint32_t *out)
{
    struct dev_paths p;
    char *be;
    unsigned int b;
    int rc = -ENOENT;

    dev_paths_make(&p, kind, domid, devid, 0);
    be = dev_read(xs, p.lx, "backend");
    if (be && sscanf(be, "/local/domain/%u/", &b) == 1) {
        *out = b;
        rc = 0;
    }
    free(be);
    return rc;
}
