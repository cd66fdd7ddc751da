/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_domain_cfg.c: xm commands that change or show one domain's settings:
 * mem-set (memory/target, the guest balloons), mem-max, vcpu-set
 * (cpu/N/availability + the engine's limit), rename, domid, domname,
 * uptime.
 */
#include "xm/dom.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenstore.h>

#include "hv/hv.h"
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

int cmd_mem_set(struct xm *xm, int argc, char **argv)
{
    struct xs_handle *xs;
    char p[64], v[32], max[32];
    uint32_t domid;
    uint64_t kb = 0;
    int rc = dom_open_args(xm, argc, argv, 2, &xs, &domid);

    if (rc)
        return rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    rc = mem_kb(xm, argv[optind + 1], &kb);
    snprintf(p, sizeof(p), "/local/domain/%u/memory/static-max", domid);
    if (rc == 0 && dom_store_read(xs, p, max, sizeof(max)) == 0 &&
        strtoull(max, NULL, 10) < kb) {
        xm_err(xm, "mem-set: %llu MiB is above maxmem (%s KiB)",
               (unsigned long long)(kb / 1024), max);
        rc = -EINVAL;
    }
    snprintf(p, sizeof(p), "/local/domain/%u/memory/target", domid);
    snprintf(v, sizeof(v), "%llu", (unsigned long long)kb);
    if (rc == 0 && (rc = dom_store_write(xs, p, v)) < 0)
        xm_err(xm, "mem-set: cannot write %s", p);
    xs_close(xs);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int cmd_mem_max(struct xm *xm, int argc, char **argv)
{
    struct xs_handle *xs;
    struct hv *hv = NULL;
    char p[64], v[32];
    uint32_t domid;
    uint64_t kb = 0;
    int rc = dom_open_args(xm, argc, argv, 2, &xs, &domid);

    if (rc)
        return rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    rc = mem_kb(xm, argv[optind + 1], &kb);
    if (rc == 0 && (rc = hv_open(&hv)) == 0)
        rc = hv_domain_set_maxmem(hv, domid, kb);
    hv_close(hv);
    if (rc == 0) {
        snprintf(p, sizeof(p), "/local/domain/%u/memory/static-max", domid);
        snprintf(v, sizeof(v), "%llu", (unsigned long long)kb);
        rc = dom_store_write(xs, p, v);
    }
    if (rc < 0 && rc != -EINVAL)
        xm_err(xm, "mem-max: domain %u: %s", domid, strerror(-rc));
    xs_close(xs);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int cmd_vcpu_set(struct xm *xm, int argc, char **argv)
{
    struct hv_dominfo info;
    struct xs_handle *xs;
    struct hv *hv = NULL;
    long long n = 0;
    char p[80];
    uint32_t domid;
    unsigned i;
    int rc = dom_open_args(xm, argc, argv, 2, &xs, &domid);

    if (rc)
        return rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    rc = hv_open(&hv);
    if (rc == 0)
        rc = hv_domain_getinfo(hv, domid, &info);
    if (rc == 0 && (parse_ll(argv[optind + 1], 10, 1, info.vcpus, &n) < 0)) {
        xm_err(xm, "vcpu-set: %s: need 1..%u vcpus", argv[optind + 1],
               info.vcpus);
        rc = -EINVAL;
    } else if (rc == 0) {
        /* The limit first, so vcpus above it cannot come back up. */
        rc = hv_domain_set_vcpus(hv, domid, (unsigned)n);
        for (i = 0; rc == 0 && i < info.vcpus; i++) {
            snprintf(p, sizeof(p), "/local/domain/%u/cpu/%u/availability",
                     domid, i);
            rc = dom_store_write(xs, p, i < n ? "online" : "offline");
        }
        if (rc < 0)
            xm_err(xm, "vcpu-set: domain %u: %s", domid, strerror(-rc));
    } else {
        xm_err(xm, "vcpu-set: domain %u: %s", domid, strerror(-rc));
    }
    hv_close(hv);
    xs_close(xs);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int cmd_rename(struct xm *xm, int argc, char **argv)
{
    struct xs_handle *xs;
    char p[160], vm[128];
    uint32_t domid, other;
    const char *name;
    int rc = dom_open_args(xm, argc, argv, 2, &xs, &domid);

    if (rc)
        return rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    name = argv[optind + 1];
    if (!*name || domid == 0 || dom_store_find(xs, name, &other) == 0 ||
        strcmp(name, "Domain-0") == 0) {
        xm_err(xm, "rename: cannot rename domain %u to '%s'", domid, name);
        rc = -EEXIST;
    }
    snprintf(p, sizeof(p), "/local/domain/%u/name", domid);
    if (rc == 0)
        rc = dom_store_write(xs, p, name);
    snprintf(p, sizeof(p), "/local/domain/%u/vm", domid);
    if (rc == 0 && dom_store_read(xs, p, vm, sizeof(vm)) == 0) {
        snprintf(p, sizeof(p), "%s/name", vm);
        dom_store_write(xs, p, name);
    }
    xs_close(xs);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int cmd_domid(struct xm *xm, int argc, char **argv)
{
    struct xs_handle *xs;
    uint32_t domid;
    int opt;

    while ((opt = xm_getopt(xm, argc, argv, "", NULL, 1)) != -1)
        if (opt == XM_OPT_HELP || opt == XM_OPT_ERR)
            return opt == XM_OPT_HELP ? EXIT_SUCCESS : EXIT_FAILURE;
    xs = dom_xs_open(xm);
    if (!xs)
        return EXIT_FAILURE;
    if (strcmp(argv[optind], "Domain-0") == 0)
        domid = 0;
    else if (dom_store_find(xs, argv[optind], &domid) < 0) {
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

    while ((opt = xm_getopt(xm, argc, argv, "", NULL, 1)) != -1)
        if (opt == XM_OPT_HELP || opt == XM_OPT_ERR)
            return opt == XM_OPT_HELP ? EXIT_SUCCESS : EXIT_FAILURE;
    xs = dom_xs_open(xm);
    if (!xs)
        return EXIT_FAILURE;
    if (parse_ll(argv[optind], 10, 0, UINT32_MAX, &id) == 0)
        rc = id == 0 ? (snprintf(name, sizeof(name), "Domain-0"), 0)
                     : dom_store_name(xs, (uint32_t)id, name, sizeof(name));
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

static void print_uptime(struct xm *xm, const char *name, uint32_t domid,
                         uint64_t start)
{
    uint64_t now = (uint64_t)time(NULL),
             up = start && now > start ? now - start : 0;
    unsigned days = (unsigned)(up / 86400), h = (unsigned)(up / 3600 % 24),
             m = (unsigned)(up / 60 % 60), s = (unsigned)(up % 60);

    fprintf(xm->out, "%-33s %4u ", name, domid);
    if (days)
        fprintf(xm->out, "%u day%s, ", days, days == 1 ? "" : "s");
    fprintf(xm->out, "%2u:%02u:%02u\n", h, m, s);
}

int cmd_uptime(struct xm *xm, int argc, char **argv)
{
    struct xm_dominfo *doms = NULL;
    struct hv_dominfo info;
    struct hv *hv = NULL;
    size_t n = 0, i;
    int opt, k, rc = EXIT_SUCCESS;

    while ((opt = xm_getopt(xm, argc, argv, "s", NULL, 0)) != -1)
        if (opt == XM_OPT_HELP || opt == XM_OPT_ERR)
            return opt == XM_OPT_HELP ? EXIT_SUCCESS : EXIT_FAILURE;
    if (xm_domains_list(xm, &doms, &n) < 0 || hv_open(&hv) < 0) {
        free(doms);
        xm_err(xm, "uptime: cannot list domains");
        return EXIT_FAILURE;
    }
    fprintf(xm->out, "%-33s %4s %s\n", "Name", "ID", "Uptime");
    for (i = 0; i < n; i++) {
        if (optind < argc) {
            for (k = optind; k < argc; k++)
                if (xm_domain_find(&doms[i], 1, argv[k]) == 0)
                    break;
            if (k == argc)
                continue;
        }
        if (hv_domain_getinfo(hv, doms[i].domid, &info) < 0)
            info.start_time = 0;
        print_uptime(xm, doms[i].name, doms[i].domid, info.start_time);
    }
    hv_close(hv);
    free(doms);
    return rc;
}
