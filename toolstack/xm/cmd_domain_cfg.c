/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_domain_cfg.c: xm commands that change or show one domain's settings:
 * mem-set (memory/target, the guest balloons), mem-max, vcpu-set
 * (cpu/N/availability + the engine's limit), rename, config-update,
 * domid, domname, uptime.
 */
#include "xm/dom.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenstore.h>

#include "cfg/cfg.h"
#include "domain/domain.h"
#include "lib/parse.h"
#include "xm/xm.h"

static int mem_kb(struct xm *xm, const char *s, uint64_t *kb)
{
    unsigned long long bytes;

    if (parse_size(s, 1024 * 1024, &bytes) < 0 || bytes < 1024 * 1024) {
        xm_err(xm, "invalid memory size: %s", s);
        return -EINVAL;
    }
    *kb = bytes / 1024;
    return 0;
}

/* `xm mem-set|mem-max <Domain> <Mem>`: one library call with KiB. */
static int mem_op(struct xm *xm, const struct domain_ctx *c,
                  struct xs_handle *xs, uint32_t domid, const char *mem,
                  int (*set)(const struct domain_ctx *, struct xs_handle *,
                             uint32_t, uint64_t))
{
    uint64_t kb = 0;
    int rc = mem_kb(xm, mem, &kb);

    return rc ? rc : set(c, xs, domid, kb);
}

static int mem_set_op(struct xm *xm, const struct domain_ctx *c,
                      struct xs_handle *xs, uint32_t domid, char **args)
{
    return mem_op(xm, c, xs, domid, args[0], domain_set_memory);
}

static int mem_max_op(struct xm *xm, const struct domain_ctx *c,
                      struct xs_handle *xs, uint32_t domid, char **args)
{
    return mem_op(xm, c, xs, domid, args[0], domain_set_maxmem);
}

int cmd_mem_set(struct xm *xm, int argc, char **argv)
{
    return dom_run_op(xm, argc, argv, 2, mem_set_op);
}

int cmd_mem_max(struct xm *xm, int argc, char **argv)
{
    return dom_run_op(xm, argc, argv, 2, mem_max_op);
}

static int vcpu_set_op(struct xm *xm, const struct domain_ctx *c,
                       struct xs_handle *xs, uint32_t domid, char **args)
{
    long long n = 0;

    if (parse_ll(args[0], 10, 1, UINT32_MAX, &n) < 0) {
        xm_err(xm, "vcpu-set: %s: not a vcpu count", args[0]);
        return -EINVAL;
    }
    return domain_set_vcpus(c, xs, domid, (unsigned)n);
}

int cmd_vcpu_set(struct xm *xm, int argc, char **argv)
{
    return dom_run_op(xm, argc, argv, 2, vcpu_set_op);
}

static int rename_op(struct xm *xm, const struct domain_ctx *c,
                     struct xs_handle *xs, uint32_t domid, char **args)
{
    (void)xm;
    return domain_rename(c, xs, domid, args[0]);
}

int cmd_rename(struct xm *xm, int argc, char **argv)
{
    return dom_run_op(xm, argc, argv, 2, rename_op);
}

static int config_update_op(struct xm *xm, const struct domain_ctx *c,
                            struct xs_handle *xs, uint32_t domid, char **args)
{
    struct domain_config *cfg = NULL;
    int rc = cfg_parse_file(args[0], args + 1, &cfg, xm->err);

    if (rc == 0)
        rc = domain_config_update(c, xs, domid, cfg);
    domain_config_free(cfg);
    return rc;
}

/* xl config-update <Domain> <ConfigFile> [KEY=VALUE...]: kept for the
 * domain's next restart; no immediate effect. */
int cmd_config_update(struct xm *xm, int argc, char **argv)
{
    return dom_run_op(xm, argc, argv, 2, config_update_op);
}

int cmd_domid(struct xm *xm, int argc, char **argv)
{
    struct xs_handle *xs;
    uint32_t domid;
    int opt;

    if ((opt = xm_no_options(xm, argc, argv, 1)) >= 0)
        return opt;
    xs = dom_xs_open(xm);
    if (!xs)
        return EXIT_FAILURE;
    if (strcmp(argv[optind], "Domain-0") == 0)
        domid = 0;
    else if (domain_find(xs, argv[optind], &domid) < 0) {
        xm_err(xm,
               "Can't get domid of domain name '%s', maybe this domain "
               "does not exist.",
               argv[optind]);
        xs_close(xs);
        return EXIT_FAILURE;
    }
    fprintf(xm->out, "%u\n", domid);
    xs_close(xs);
    return EXIT_SUCCESS;
}

int cmd_domname(struct xm *xm, int argc, char **argv)
{
    struct xs_handle *xs;
    long long id;
    char name[128];
    int opt, rc = -EINVAL;

    if ((opt = xm_no_options(xm, argc, argv, 1)) >= 0)
        return opt;
    xs = dom_xs_open(xm);
    if (!xs)
        return EXIT_FAILURE;
    if (parse_ll(argv[optind], 10, 0, UINT32_MAX, &id) == 0)
        rc = id == 0 ? (snprintf(name, sizeof(name), "Domain-0"), 0)
                     : domain_name(xs, (uint32_t)id, name, sizeof(name));
    if (rc < 0)
        xm_err(xm,
               "Can't get domain name of domain id '%s', maybe this "
               "domain does not exist.",
               argv[optind]);
    else
        fprintf(xm->out, "%s\n", name);
    xs_close(xs);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* Domain-0 has no start_time in the store: like xl, its uptime is the
 * host's (/proc/uptime), so the start is now minus that. */
static uint64_t dom0_start_time(void)
{
    FILE *f = fopen("/proc/uptime", "r");
    double up = 0;

    if (!f)
        return 0;
    if (fscanf(f, "%lf", &up) != 1)
        up = 0;
    fclose(f);
    return up > 0 ? (uint64_t)time(NULL) - (uint64_t)up : 0;
}

/* xl's uptime_to_string: the short form (-s) drops the seconds. */
static void print_uptime(struct xm *xm, const char *name, uint32_t domid,
                         uint64_t start, int short_mode)
{
    uint64_t now = (uint64_t)time(NULL),
             up = start && now > start ? now - start : 0;
    unsigned days = (unsigned)(up / 86400), h = (unsigned)(up / 3600 % 24),
             m = (unsigned)(up / 60 % 60), s = (unsigned)(up % 60);
    char ts[16], upstr[64];
    time_t t = (time_t)now;
    int off = 0;

    if (days)
        off = snprintf(upstr, sizeof(upstr), "%u day%s, ", days,
                       days == 1 ? "" : "s");
    if (short_mode)
        snprintf(upstr + off, sizeof(upstr) - (size_t)off, "%2u:%02u", h, m);
    else
        snprintf(upstr + off, sizeof(upstr) - (size_t)off, "%2u:%02u:%02u", h,
                 m, s);
    if (!short_mode) {
        fprintf(xm->out, "%-33s %4u %s\n", name, domid, upstr);
        return;
    }
    strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&t));
    fprintf(xm->out, " %s up %s, %s (%u)\n", ts, upstr, name, domid);
}

int cmd_uptime(struct xm *xm, int argc, char **argv)
{
    struct xm_dominfo *doms = NULL;
    struct domain_info info;
    size_t n = 0, i;
    int opt, k, rc = EXIT_SUCCESS, short_mode = 0;

    while ((opt = xm_getopt(xm, argc, argv, "s", NULL, 0)) != -1) {
        if (opt == XM_OPT_HELP || opt == XM_OPT_ERR)
            return opt == XM_OPT_HELP ? EXIT_SUCCESS : EXIT_FAILURE;
        short_mode |= opt == 's';
    }
    if (xm_domains_list(xm, &doms, &n) < 0) {
        free(doms);
        xm_err(xm, "uptime: cannot list domains");
        return EXIT_FAILURE;
    }
    if (!short_mode)
        fprintf(xm->out, "%-33s %4s %s\n", "Name", "ID", "Uptime");
    for (i = 0; i < n; i++) {
        if (optind < argc) {
            for (k = optind; k < argc; k++)
                if (xm_domain_find(&doms[i], 1, argv[k]) == 0)
                    break;
            if (k == argc)
                continue;
        }
        if (doms[i].domid == 0)
            info.start_time = dom0_start_time();
        else if (domain_info(NULL, doms[i].domid, &info) < 0)
            info.start_time = 0;
        print_uptime(xm, doms[i].name, doms[i].domid, info.start_time,
                     short_mode);
    }
    free(doms);
    return rc;
}
