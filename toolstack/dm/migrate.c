/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * migrate.c: QEMU's migration stream to and from a file descriptor for
 * save, restore and migrate of HVM domains (migrate.h).
 */
#include "dm/migrate.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dm/dm.h"
#include "dm/hvm.h"
#include "dm/qmp.h"

#define CMD_MS 10000
/* A stopped guest's RAM goes as fast as the disk takes it; QEMU's default
 * cap (32 MiB/s) is for live migration over a shared link. */
#define SAVE_BANDWIDTH "{\"max-bandwidth\": 10000000000}"

static int connect_dm(uint32_t domid, struct qmp **q)
{
    char path[512];
    int rc = dm_qmp_path(domid, path, sizeof(path));

    return rc ? rc : qmp_connect(path, CMD_MS, q);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* QMP error text of a failed reply, or strerror. */
static void qmp_why(char *err, size_t errlen, const char *what, int rc,
                    const struct qmp_msg *m)
{
    snprintf(err, errlen, "%s: %s", what,
             m && m->err_desc ? m->err_desc : strerror(-rc));
}

static int run(struct qmp *q, const char *cmd, const char *args, int fd,
               char *err, size_t errlen)
{
    struct qmp_msg *m = NULL;
    int rc = fd >= 0 ? qmp_execute_fd(q, cmd, args, fd, CMD_MS, &m)
                     : qmp_execute(q, cmd, args, CMD_MS, &m);

    if (rc)
        qmp_why(err, errlen, cmd, rc, m);
    qmp_msg_free(m);
    return rc;
}

/* Poll query-migrate until completed or failed (no timeout: a big guest on
 * a slow disk takes what it takes; QEMU reports failures itself). */
static void get_stats(yajl_val v, struct dm_save_stats *st)
{
    const char *ram[] = {"ram", NULL};
    yajl_val r = yajl_tree_get(v, ram, yajl_t_object);
    long long psize = r ? qmp_get_int(r, "page-size", 4096) : 4096;

    st->downtime_ms = qmp_get_int(v, "downtime", -1);
    if (!r || psize <= 0)
        return;
    st->pages_sent = qmp_get_int(r, "normal", -1);
    st->pages_ram = qmp_get_int(r, "total", -psize) / psize;
    st->rounds = qmp_get_int(r, "dirty-sync-count", -1);
}

static int wait_migrate(struct qmp *q, struct dm_save_stats *out, char *err,
                        size_t errlen)
{
    for (;;) {
        struct qmp_msg *m = NULL;
        const char *st;
        int rc = qmp_execute(q, "query-migrate", NULL, CMD_MS, &m);

        if (rc) {
            qmp_why(err, errlen, "query-migrate", rc, m);
            qmp_msg_free(m);
            return rc;
        }
        st = qmp_get_str(m->value, "status");
        if (st && !strcmp(st, "completed")) {
            if (out)
                get_stats(m->value, out);
            qmp_msg_free(m);
            return 0;
        }
        if (st && (!strcmp(st, "failed") || !strcmp(st, "cancelled"))) {
            const char *e = qmp_get_str(m->value, "error-desc");

            snprintf(err, errlen, "QEMU migration %s%s%s", st, e ? ": " : "",
                     e ? e : "");
            qmp_msg_free(m);
            return -EIO;
        }
        qmp_msg_free(m);
        sleep_ms(50);
    }
}

int dm_save_stream(uint32_t domid, int fd, int live, struct dm_save_stats *st,
                   char *err, size_t errlen)
{
    struct qmp *q = NULL;
    int rc = connect_dm(domid, &q);

    if (rc) {
        snprintf(err, errlen, "device model of domain %u: %s", domid,
                 strerror(-rc));
        return rc;
    }
    if (st)
        *st = (struct dm_save_stats){-1, -1, -1, -1};
    if (!(rc = live ? 0 : run(q, "stop", NULL, -1, err, errlen)) &&
        !(rc = run(q, "migrate-set-parameters", SAVE_BANDWIDTH, -1, err,
                   errlen)) &&
        !(rc = run(q, "getfd", "{\"fdname\": \"pvsave\"}", fd, err, errlen)) &&
        !(rc = run(q, "migrate", "{\"uri\": \"fd:pvsave\"}", -1, err, errlen)))
        rc = wait_migrate(q, st, err, errlen);
    qmp_close(q);
    return rc;
}

static int load(uint32_t domid, int fd, char *err, size_t errlen)
{
    struct qmp *q = NULL;
    int rc = connect_dm(domid, &q);

    if (rc) {
        snprintf(err, errlen, "device model: %s", strerror(-rc));
        return rc;
    }
    if (!(rc = run(q, "getfd", "{\"fdname\": \"pvrestore\"}", fd, err,
                   errlen)) &&
        !(rc = run(q, "migrate-incoming", "{\"uri\": \"fd:pvrestore\"}", -1,
                   err, errlen)))
        rc = wait_migrate(q, NULL, err, errlen);
    qmp_close(q);
    return rc;
}

int dm_hvm_restore(struct xs_handle *xs, const struct domain_config *cfg,
                   uint32_t domid, const uint8_t uuid[16], int fd,
                   dm_store_remove_fn remove, char *err, size_t errlen)
{
    struct dm_hvm *h = NULL;
    int rc = dm_hvm_config(cfg, domid, uuid, &h, err, errlen);

    if (!rc) {
        dm_hvm_set_incoming(h);
        rc = dm_hvm_start(h, xs, 1, remove, err, errlen);
    }
    dm_hvm_free(h);
    if (!rc && (rc = load(domid, fd, err, errlen)))
        dm_destroy(domid, 2000);
    return rc;
}
