/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_domain.c: xm lifecycle commands on one domain: destroy, shutdown
 * [-w] [-a], reboot, pause, unpause, console; plus the store
 * opener, name resolution and the guest rows of `xm list`.
 */
#include "xm/dom.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "hv/hv.h"
#include "lib/parse.h"
#include "xm/xm.h"

#define SHUTDOWN_WAIT_MS 60000

struct xs_handle *dom_xs_open(struct xm *xm)
{
    struct xs_handle *xs = xs_open(0);

    if (!xs)
        xm_err(xm, "cannot connect to xenstored: %s (try `%s daemons start`)",
               strerror(errno), xm->prog);
    return xs;
}

static int engine_has(struct xm *xm, uint32_t domid)
{
    struct hv_dominfo info;
    struct hv *hv = NULL;
    int rc = hv_open(&hv);

    (void)xm;
    if (rc == 0)
        rc = hv_domain_getinfo(hv, domid, &info);
    hv_close(hv);
    return rc == 0;
}

int dom_resolve(struct xm *xm, struct xs_handle *xs, const char *which,
                uint32_t *domid_out, char *name_out, size_t len)
{
    long long id;
    char name[128] = "";

    if (parse_ll(which, 10, 0, UINT32_MAX, &id) == 0) {
        /* A domain the engine runs counts even without store entries. */
        if (dom_store_name(xs, (uint32_t)id, name, sizeof(name)) < 0 &&
            id != 0 && !engine_has(xm, (uint32_t)id)) {
            fprintf(xm->err, "%s is an invalid domain identifier (rc=-6)\n",
                    which);
            return -ENOENT;
        }
        *domid_out = (uint32_t)id;
    } else if (dom_store_find(xs, which, domid_out) < 0) {
        fprintf(xm->err, "%s is an invalid domain identifier (rc=-6)\n", which);
        return -ENOENT;
    } else {
        snprintf(name, sizeof(name), "%s", which);
    }
    if (*domid_out && !name[0])
        snprintf(name, sizeof(name), "(null)");
    if (name_out)
        snprintf(name_out, len, "%s", *domid_out ? name : "Domain-0");
    return 0;
}

int dom_guests_append(struct xm *xm, struct xm_dominfo **doms, size_t *n)
{
    struct hv_dominfo *all = NULL;
    struct xs_handle *xs;
    struct hv *hv = NULL;
    struct xm_dominfo *grown;
    int cnt, i, rc = 0;

    if (hv_open(&hv) < 0)
        return 0; /* no engine: dom0 only */
    cnt = hv_domain_list(hv, NULL, 0);
    all = cnt > 0 ? calloc((size_t)cnt, sizeof(*all)) : NULL;
    if (all)
        cnt = hv_domain_list(hv, all, cnt);
    hv_close(hv);
    xs = all ? xs_open(0) : NULL;
    for (i = 0; all && i < cnt; i++) {
        struct xm_dominfo *d;
        if (all[i].domid == 0)
            continue;
        grown = realloc(*doms, (*n + 1) * sizeof(**doms));
        if (!grown) {
            rc = -ENOMEM;
            break;
        }
        *doms = grown;
        d = &(*doms)[(*n)++];
        memset(d, 0, sizeof(*d));
        if (!xs ||
            dom_store_name(xs, all[i].domid, d->name, sizeof(d->name)) < 0)
            snprintf(d->name, sizeof(d->name), "(null)");
        d->domid = all[i].domid;
        d->mem_kb = all[i].mem_kb;
        d->max_mem_kb = all[i].max_mem_kb;
        d->vcpus = all[i].vcpus_online;
        d->max_vcpus = all[i].vcpus;
        d->running = !!(all[i].flags & HV_DOMF_RUNNING);
        d->blocked = !!(all[i].flags & HV_DOMF_BLOCKED);
        d->paused = !!(all[i].flags & HV_DOMF_PAUSED);
        d->shutdown = !!(all[i].flags & HV_DOMF_SHUTDOWN);
        d->dying = !!(all[i].flags & HV_DOMF_DYING);
        d->shutdown_reason = (int)all[i].shutdown_reason;
        d->cpu_time = (double)all[i].cpu_ns / 1e9;
    }
    if (xs)
        xs_close(xs);
    free(all);
    return rc;
}

int dom_open_args(struct xm *xm, int argc, char **argv, int reqargs,
                  struct xs_handle **xs, uint32_t *domid)
{
    int opt;

    while ((opt = xm_getopt(xm, argc, argv, "", NULL, reqargs)) != -1) {
        if (opt == XM_OPT_HELP)
            return 1;
        if (opt == XM_OPT_ERR)
            return -1;
    }
    *xs = dom_xs_open(xm);
    if (!*xs)
        return -1;
    if (dom_resolve(xm, *xs, argv[optind], domid, NULL, 0) < 0) {
        xs_close(*xs);
        return -1;
    }
    return 0;
}

static int hv_op(struct xm *xm, const char *what, uint32_t domid,
                 int (*op)(struct hv *, uint32_t))
{
    struct hv *hv = NULL;
    int rc = hv_open(&hv);

    if (rc == 0)
        rc = op(hv, domid);
    hv_close(hv);
    if (rc < 0)
        xm_err(xm, "%s: domain %u: %s", what, domid, strerror(-rc));
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int cmd_destroy(struct xm *xm, int argc, char **argv)
{
    struct xs_handle *xs;
    uint32_t domid;
    int rc = dom_open_args(xm, argc, argv, 1, &xs, &domid);

    if (rc)
        return rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    if (domid == 0) {
        xm_err(xm, "destroy: cannot destroy Domain-0");
        xs_close(xs);
        return EXIT_FAILURE;
    }
    rc = dom_destroy(xm, xs, domid);
    xs_close(xs);
    if (rc < 0)
        xm_err(xm, "destroy: domain %u: %s", domid, strerror(-rc));
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* `xm what <Domain>` answered by one engine operation. */
static int one_domain_hv_op(struct xm *xm, int argc, char **argv,
                            const char *what, int (*op)(struct hv *, uint32_t))
{
    struct xs_handle *xs;
    uint32_t domid;
    int rc = dom_open_args(xm, argc, argv, 1, &xs, &domid);

    if (rc)
        return rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    xs_close(xs);
    return hv_op(xm, what, domid, op);
}

int cmd_pause(struct xm *xm, int argc, char **argv)
{
    return one_domain_hv_op(xm, argc, argv, "pause", hv_domain_pause);
}

int cmd_unpause(struct xm *xm, int argc, char **argv)
{
    return one_domain_hv_op(xm, argc, argv, "unpause", hv_domain_unpause);
}

int cmd_console(struct xm *xm, int argc, char **argv)
{
    struct xs_handle *xs;
    uint32_t domid;
    int rc = dom_open_args(xm, argc, argv, 1, &xs, &domid);

    if (rc)
        return rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    rc = dom_console(xm, xs, domid, 0);
    xs_close(xs);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Ask the guest (control/shutdown), as xl does for PV domains. */
static int ask(struct xm *xm, struct xs_handle *xs, uint32_t domid,
               const char *what)
{
    char p[64];

    snprintf(p, sizeof(p), "/local/domain/%u/control/shutdown", domid);
    if (dom_store_write(xs, p, what) < 0) {
        xm_err(xm, "%s: domain %u: cannot write %s", what, domid, p);
        return -EIO;
    }
    return 0;
}

/* -w: until the domain is gone (or shut down and preserved). */
static int wait_gone(struct hv *hv, uint32_t domid)
{
    struct hv_dominfo info;
    int t;

    for (t = 0; t < SHUTDOWN_WAIT_MS; t += 100) {
        int rc = hv_domain_getinfo(hv, domid, &info);
        if (rc == -ESRCH)
            return 0;
        poll(NULL, 0, 100);
    }
    return -ETIMEDOUT;
}

static int shutdown_like(struct xm *xm, int argc, char **argv, const char *what)
{
    static const struct option lo[] = {{"all", 0, NULL, 'a'},
                                       {"wait", 0, NULL, 'w'},
                                       {"help", 0, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    struct hv_dominfo *all = NULL;
    struct xs_handle *xs;
    struct hv *hv = NULL;
    uint32_t domid;
    int opt, every = 0, wait = 0, rc = 0, n = 0, i;

    while ((opt = xm_getopt(xm, argc, argv, "awF", lo, 0)) != -1) {
        if (opt == XM_OPT_HELP)
            return EXIT_SUCCESS;
        if (opt == XM_OPT_ERR)
            return EXIT_FAILURE;
        every |= opt == 'a';
        wait |= opt == 'w';
    }
    if (!every && optind >= argc) {
        xm_help(xm, xm->cmd ? xm->cmd->name : what, xm->err);
        return EXIT_FAILURE;
    }
    xs = dom_xs_open(xm);
    if (!xs || hv_open(&hv) < 0) {
        if (xs)
            xs_close(xs);
        return EXIT_FAILURE;
    }
    if (every) {
        n = hv_domain_list(hv, NULL, 0);
        all = n > 0 ? calloc((size_t)n, sizeof(*all)) : NULL;
        n = all ? hv_domain_list(hv, all, n) : 0;
    } else if (dom_resolve(xm, xs, argv[optind], &domid, NULL, 0) == 0) {
        all = calloc(1, sizeof(*all));
        if (all) {
            all[0].domid = domid;
            n = 1;
        }
    } else {
        rc = -ENOENT;
    }
    for (i = 0; i < n; i++)
        if (all[i].domid && ask(xm, xs, all[i].domid, what) < 0)
            rc = -EIO;
    for (i = 0; wait && rc == 0 && i < n; i++)
        if (all[i].domid && wait_gone(hv, all[i].domid) < 0) {
            xm_err(xm, "%s: domain %u did not go away", what, all[i].domid);
            rc = -ETIMEDOUT;
        }
    free(all);
    hv_close(hv);
    xs_close(xs);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int cmd_shutdown(struct xm *xm, int argc, char **argv)
{
    return shutdown_like(xm, argc, argv, "poweroff");
}

int cmd_reboot(struct xm *xm, int argc, char **argv)
{
    return shutdown_like(xm, argc, argv, "reboot");
}
