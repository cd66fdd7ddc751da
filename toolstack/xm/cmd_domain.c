/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_domain.c: xm lifecycle commands on one domain: destroy, shutdown
 * [-w] [-a], reboot, pause, unpause, console; plus the store
 * opener, name resolution and the guest rows of `xm list`.
 */
#include "xm/dom.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "domain/domain.h"
#include "lib/parse.h"
#include "xm/xm.h"

void dom_ctx(const struct xm *xm, struct domain_ctx *c)
{
    c->prog = xm->prog;
    c->err = xm->err;
}

struct xs_handle *dom_xs_open(struct xm *xm)
{
    struct xs_handle *xs = xs_open(0);

    if (!xs)
        xm_err(xm, "cannot connect to xenstored: %s (try `%s daemons start`)",
               strerror(errno), xm->prog);
    return xs;
}

static int engine_has(uint32_t domid)
{
    struct domain_info info;

    return domain_info(NULL, domid, &info) == 0;
}

int dom_resolve(struct xm *xm, struct xs_handle *xs, const char *which,
                uint32_t *domid_out, char *name_out, size_t len)
{
    long long id;
    char name[128] = "";

    if (parse_ll(which, 10, 0, UINT32_MAX, &id) == 0) {
        /* A domain the engine runs counts even without store entries. */
        if (domain_name(xs, (uint32_t)id, name, sizeof(name)) < 0 && id != 0 &&
            !engine_has((uint32_t)id)) {
            fprintf(xm->err, "%s is an invalid domain identifier (rc=-6)\n",
                    which);
            return -ENOENT;
        }
        *domid_out = (uint32_t)id;
    } else if (domain_find(xs, which, domid_out) < 0) {
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
    struct domain_info *all = NULL;
    struct xs_handle *xs = xs_open(0);
    struct xm_dominfo *grown;
    struct domain_ctx c;
    int cnt, i, rc = 0;

    /* Whoever lists the domains finds those whose monitor died (libvirt
     * takes its domains up again when it restarts; xl never does) and
     * gives them one, so that their on_* still happens. */
    dom_ctx(xm, &c);
    if (xs)
        domain_monitor_adopt(&c, xs);
    cnt = domain_list(xs, &all);
    if (xs)
        xs_close(xs);
    if (cnt <= 0) {
        free(all);
        return cnt;
    }
    grown = realloc(*doms, (*n + (size_t)cnt) * sizeof(**doms));
    if (!grown) {
        free(all);
        return -ENOMEM;
    }
    *doms = grown;
    for (i = 0; i < cnt; i++) {
        struct xm_dominfo *d = &(*doms)[(*n)++];
        const struct domain_info *a = &all[i];

        memset(d, 0, sizeof(*d));
        snprintf(d->name, sizeof(d->name), "%s", a->name);
        d->domid = a->domid;
        d->mem_kb = a->mem_kb;
        d->max_mem_kb = a->max_mem_kb;
        d->vcpus = a->vcpus_online;
        d->max_vcpus = a->vcpus;
        d->running = a->running;
        d->blocked = a->blocked;
        d->paused = a->paused;
        d->shutdown = a->shutdown;
        d->dying = a->dying;
        d->shutdown_reason = (int)a->shutdown_reason;
        d->cpu_time = (double)a->cpu_ns / 1e9;
    }
    free(all);
    return rc;
}

/*
 * The common shape of `xm cmd [options] <Domain> [Arg...]`: options parsed
 * (reqargs positional arguments required), the store opened into *xs and
 * argv[optind] resolved into *domid. Returns 0 (caller closes *xs), 1 after
 * -h (nothing open) or -1 after an error was reported (nothing open).
 */
static int dom_open_args(struct xm *xm, int argc, char **argv, int reqargs,
                         struct xs_handle **xs, uint32_t *domid)
{
    int opt;

    if ((opt = xm_no_options(xm, argc, argv, reqargs)) >= 0)
        return opt == EXIT_SUCCESS ? 1 : -1;
    *xs = dom_xs_open(xm);
    if (!*xs)
        return -1;
    if (dom_resolve(xm, *xs, argv[optind], domid, NULL, 0) < 0) {
        xs_close(*xs);
        return -1;
    }
    return 0;
}

int dom_run_op(struct xm *xm, int argc, char **argv, int reqargs, dom_op_fn *op)
{
    struct domain_ctx c;
    struct xs_handle *xs;
    uint32_t domid;
    int rc = dom_open_args(xm, argc, argv, reqargs, &xs, &domid);

    if (rc)
        return rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    dom_ctx(xm, &c);
    rc = op(xm, &c, xs, domid, argv + optind + 1);
    xs_close(xs);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* An engine call's failure, reported as "what: domain N: why". */
static int said(struct xm *xm, const char *what, uint32_t domid, int rc)
{
    if (rc < 0)
        xm_err(xm, "%s: domain %u: %s", what, domid, strerror(-rc));
    return rc;
}

static int destroy_op(struct xm *xm, const struct domain_ctx *c,
                      struct xs_handle *xs, uint32_t domid, char **args)
{
    (void)args;
    if (domid == 0) {
        xm_err(xm, "destroy: cannot destroy Domain-0");
        return -EPERM;
    }
    return said(xm, "destroy", domid, domain_destroy(c, xs, domid));
}

int cmd_destroy(struct xm *xm, int argc, char **argv)
{
    return dom_run_op(xm, argc, argv, 1, destroy_op);
}

static int pause_op(struct xm *xm, const struct domain_ctx *c,
                    struct xs_handle *xs, uint32_t domid, char **args)
{
    (void)c, (void)xs, (void)args;
    return said(xm, "pause", domid, domain_pause(domid));
}

static int unpause_op(struct xm *xm, const struct domain_ctx *c,
                      struct xs_handle *xs, uint32_t domid, char **args)
{
    (void)c, (void)xs, (void)args;
    return said(xm, "unpause", domid, domain_unpause(domid));
}

int cmd_pause(struct xm *xm, int argc, char **argv)
{
    return dom_run_op(xm, argc, argv, 1, pause_op);
}

int cmd_unpause(struct xm *xm, int argc, char **argv)
{
    return dom_run_op(xm, argc, argv, 1, unpause_op);
}

/* xl console [-t pv|serial] [-n N] <Domain> (xl_console.c) */
int cmd_console(struct xm *xm, int argc, char **argv)
{
    const char *type = NULL;
    struct xs_handle *xs;
    long long num = 0;
    uint32_t domid;
    int opt, rc;

    while ((opt = xm_getopt(xm, argc, argv, "n:t:", NULL, 1)) != -1) {
        if (opt == XM_OPT_HELP)
            return EXIT_SUCCESS;
        if (opt == XM_OPT_ERR)
            return EXIT_FAILURE;
        if (opt == 't') {
            if (strcmp(optarg, "pv") && strcmp(optarg, "serial")) {
                fprintf(xm->err, "console type supported are: pv, serial\n");
                return EXIT_FAILURE;
            }
            type = optarg;
        }
        if (opt == 'n' && parse_ll(optarg, 10, 0, INT_MAX, &num)) {
            xm_err(xm, "console: bad console number `%s'", optarg);
            return EXIT_FAILURE;
        }
    }
    /* as xl, -n without -t is ignored: the primary console */
    if (!(xs = dom_xs_open(xm)))
        return EXIT_FAILURE;
    if (dom_resolve(xm, xs, argv[optind], &domid, NULL, 0) < 0) {
        xs_close(xs);
        return EXIT_FAILURE;
    }
    rc = dom_console_at(xm, xs, domid, type, (int)num, 0);
    xs_close(xs);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Every guest's domid (xm shutdown -a), or the one named. */
static int pick(struct xm *xm, struct xs_handle *xs, const char *which,
                uint32_t **ids_out)
{
    struct domain_info *all = NULL;
    int n, i;

    *ids_out = NULL;
    if (which) {
        *ids_out = calloc(1, sizeof(**ids_out));
        if (!*ids_out)
            return -ENOMEM;
        return dom_resolve(xm, xs, which, *ids_out, NULL, 0) < 0 ? -ENOENT : 1;
    }
    n = domain_list(xs, &all);
    if (n > 0 && !(*ids_out = calloc((size_t)n, sizeof(**ids_out))))
        n = -ENOMEM;
    for (i = 0; i < n; i++)
        (*ids_out)[i] = all[i].domid;
    free(all);
    return n;
}

static int shutdown_like(struct xm *xm, int argc, char **argv,
                         enum domain_shutdown_req req)
{
    static const struct option lo[] = {{"all", 0, NULL, 'a'},
                                       {"wait", 0, NULL, 'w'},
                                       {"help", 0, NULL, 'h'},
                                       {NULL, 0, NULL, 0}};
    const char *what = req == DOMAIN_REBOOT ? "reboot" : "shutdown";
    struct domain_ctx c;
    struct xs_handle *xs;
    uint32_t *ids = NULL;
    static const struct xm_flag fl[] = {{'a', 1}, {'w', 2}, {'F', 0}, {0, 0}};
    unsigned set;
    int every, wait, n, i;
    int rc = xm_flag_options(xm, argc, argv, fl, lo, 0, &set);

    if (rc != -1)
        return rc;
    every = set & 1;
    wait = !!(set & 2);
    rc = 0;
    if (!every && optind >= argc) {
        xm_help(xm, xm->cmd ? xm->cmd->name : what, xm->err);
        return EXIT_FAILURE;
    }
    xs = dom_xs_open(xm);
    if (!xs)
        return EXIT_FAILURE;
    dom_ctx(xm, &c);
    n = pick(xm, xs, every ? NULL : argv[optind], &ids);
    if (n < 0)
        rc = n;
    for (i = 0; i < n; i++)
        if (ids[i] && domain_shutdown(&c, xs, ids[i], req) < 0)
            rc = -EIO;
    /* As xl: wait for each to shut down or be destroyed, however long. */
    for (i = 0; wait && rc == 0 && i < n; i++)
        if (ids[i])
            rc = domain_wait_shutdown(ids[i], -1);
    if (rc < 0 && rc != -ENOENT && rc != -EIO)
        xm_err(xm, "%s: %s", what, strerror(-rc));
    free(ids);
    xs_close(xs);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int cmd_shutdown(struct xm *xm, int argc, char **argv)
{
    return shutdown_like(xm, argc, argv, DOMAIN_POWEROFF);
}

int cmd_reboot(struct xm *xm, int argc, char **argv)
{
    return shutdown_like(xm, argc, argv, DOMAIN_REBOOT);
}
