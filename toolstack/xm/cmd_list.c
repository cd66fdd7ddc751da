/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_list.c: `xm list [-l] [dom...]` (xl list_domains columns, -l as
 * libxl JSON) and `xm info` (xl's host facts).
 */
#include "xm/xm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <xenstore.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "cfg/cfg.h"
#include "domain/domain.h"

/* -v: the UUID (/vm/<uuid> in the store; Domain-0's is all zeros). */
static void print_verbose(struct xm *xm, struct xs_handle *xs,
                          const struct xm_dominfo *d)
{
    char path[64], *vm = NULL, *u;
    unsigned int len;

    snprintf(path, sizeof(path), "/local/domain/%u/vm", d->domid);
    if (d->domid && xs)
        vm = xs_read(xs, XBT_NULL, path, &len);
    u = vm ? strrchr(vm, '/') : NULL;
    fprintf(xm->out, " %-36s",
            u && strlen(u + 1) == 36 ? u + 1
                                     : "00000000-0000-0000-0000-000000000000");
    free(vm);
    if (d->shutdown)
        fprintf(xm->out, " %8x", (unsigned)d->shutdown_reason);
    else
        fprintf(xm->out, " %8s", "-");
    /* no XSM/FLASK labels: xl's "-" */
    fprintf(xm->out, " %16s", "-");
}

static void print_row(struct xm *xm, const struct xm_dominfo *d,
                      struct xs_handle *xs, int verbose)
{
    int r = d->shutdown_reason;

    fprintf(xm->out, "%-40s %5u %5lu %5u     %c%c%c%c%c%c  %8.1f", d->name,
            d->domid, (unsigned long)(d->mem_kb / 1024), d->vcpus,
            d->running ? 'r' : '-', d->blocked ? 'b' : '-',
            d->paused ? 'p' : '-', d->shutdown ? 's' : '-',
            d->shutdown ? (r >= 0 && r < 6 ? "-rscwS"[r] : '?') : '-',
            d->dying ? 'd' : '-', d->cpu_time);
    if (verbose)
        print_verbose(xm, xs, d);
    fputc('\n', xm->out);
}

/* A parsed JSON value written out again into g (numbers verbatim). */
static void gen_tree(yajl_gen g, yajl_val v)
{
    size_t i;

    if (YAJL_IS_OBJECT(v)) {
        yajl_gen_map_open(g);
        for (i = 0; i < v->u.object.len; i++) {
            const char *k = v->u.object.keys[i];

            yajl_gen_string(g, (const unsigned char *)k, strlen(k));
            gen_tree(g, v->u.object.values[i]);
        }
        yajl_gen_map_close(g);
    } else if (YAJL_IS_ARRAY(v)) {
        yajl_gen_array_open(g);
        for (i = 0; i < v->u.array.len; i++)
            gen_tree(g, v->u.array.values[i]);
        yajl_gen_array_close(g);
    } else if (YAJL_IS_STRING(v)) {
        yajl_gen_string(g, (const unsigned char *)v->u.string,
                        strlen(v->u.string));
    } else if (YAJL_IS_NUMBER(v)) {
        yajl_gen_number(g, v->u.number.r, strlen(v->u.number.r));
    } else if (YAJL_IS_TRUE(v) || YAJL_IS_FALSE(v)) {
        yajl_gen_bool(g, YAJL_IS_TRUE(v));
    } else {
        yajl_gen_null(g);
    }
}

/* The config domid was built from, kept by the domain library. */
static int gen_kept(yajl_gen g, struct xs_handle *xs, uint32_t domid)
{
    char *json = NULL;
    yajl_val v;

    if (!xs || domain_config_json(xs, domid, &json) < 0)
        return -ENOENT;
    v = yajl_tree_parse(json, NULL, 0);
    free(json);
    if (!v || !YAJL_IS_OBJECT(v)) {
        yajl_tree_free(v);
        return -EINVAL;
    }
    gen_tree(g, v);
    yajl_tree_free(v);
    return 0;
}

/*
 * Domain-0 (the host) and domains the library did not create have no kept
 * config: state what the list row knows, as libxl does for dom0.
 */
static void dominfo_config(const struct xm_dominfo *d, struct domain_config *c)
{
    memset(c, 0, sizeof(*c));
    c->name = (char *)(uintptr_t)d->name;
    c->type = DOMAIN_TYPE_PV;
    c->memory_mb = d->mem_kb / 1024;
    c->maxmem_mb = d->max_mem_kb / 1024;
    c->vcpus = d->vcpus;
    c->maxvcpus = d->max_vcpus;
    c->on_poweroff = ACTION_DESTROY;
    c->on_reboot = ACTION_RESTART;
    c->on_watchdog = ACTION_DESTROY;
    c->on_crash = ACTION_DESTROY;
    c->vnc = c->sdl = c->localtime = c->usb = c->vncunused = -1;
    c->vncdisplay = -1;
}

static int print_long(struct xm *xm, const struct xm_dominfo *doms,
                      const int *sel, size_t nsel)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    struct xs_handle *xs = xs_open(0);
    struct domain_config c;
    const unsigned char *buf;
    size_t i, len;

    if (!g) {
        if (xs)
            xs_close(xs);
        return -ENOMEM;
    }
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "    ");
    yajl_gen_array_open(g);
    for (i = 0; i < nsel; i++) {
        yajl_gen_map_open(g);
        yajl_gen_string(g, (const unsigned char *)"domid", 5);
        yajl_gen_integer(g, doms[sel[i]].domid);
        yajl_gen_string(g, (const unsigned char *)"config", 6);
        if (doms[sel[i]].domid && gen_kept(g, xs, doms[sel[i]].domid) == 0) {
            yajl_gen_map_close(g);
            continue;
        }
        dominfo_config(&doms[sel[i]], &c);
        domain_config_gen_json(g, &c);
        yajl_gen_map_close(g);
    }
    yajl_gen_array_close(g);
    if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok)
        fwrite(buf, 1, len, xm->out);
    yajl_gen_free(g);
    if (xs)
        xs_close(xs);
    return 0;
}

int cmd_list(struct xm *xm, int argc, char **argv)
{
    static const struct option opts[] = {{"long", 0, NULL, 'l'},
                                         {"verbose", 0, NULL, 'v'},
                                         {"help", 0, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    struct xs_handle *xs = NULL;
    struct xm_dominfo *doms = NULL;
    size_t n = 0, nsel = 0, i;
    int *sel = NULL;
    static const struct xm_flag fl[] = {{'l', 1}, {'v', 2}, {0, 0}};
    unsigned set;
    int details, verbose, ret = EXIT_FAILURE;
    int rc = xm_flag_options(xm, argc, argv, fl, opts, 0, &set);

    if (rc != -1)
        return rc;
    details = set & 1;
    verbose = !!(set & 2);
    rc = xm_domains_list(xm, &doms, &n);
    if (rc) {
        xm_err(xm, "list: cannot read domains: %s", strerror(-rc));
        return EXIT_FAILURE;
    }
    sel = calloc(n + (size_t)argc, sizeof(*sel));
    if (!sel)
        goto out;
    for (i = 0; optind + (int)i < argc; i++) {
        const char *w = argv[optind + i];
        int k = xm_domain_find(doms, n, w);

        if (k < 0) {
            fprintf(xm->err, "%s is an invalid domain identifier (rc=-6)\n", w);
            goto out;
        }
        sel[nsel++] = k;
    }
    if (!nsel)
        for (i = 0; i < n; i++)
            sel[nsel++] = (int)i;
    if (details) {
        xm_xlconf_json(xm); /* JSON either way: warns about sxp */
        if (print_long(xm, doms, sel, nsel))
            goto out;
    } else {
        fprintf(xm->out,
                "Name                                        ID   Mem"
                " VCPUs\tState\tTime(s)%s\n",
                verbose ? "   UUID                            Reason-Code\t"
                          "Security Label"
                        : "");
        if (verbose)
            xs = xs_open(XS_OPEN_READONLY);
        for (i = 0; i < nsel; i++)
            print_row(xm, &doms[sel[i]], xs, verbose);
        if (xs)
            xs_close(xs);
    }
    ret = EXIT_SUCCESS;
out:
    free(sel);
    free(doms);
    return ret;
}

/* The engine's facts as xl info prints Xen's (hostinfo.c). */
int cmd_info(struct xm *xm, int argc, char **argv)
{
    struct xm_hostinfo hi;
    struct xm_enginfo e;
    const uint32_t *w = e.hv.hw_cap;
    FILE *o = xm->out;
    int opt, rc;

    if ((opt = xm_no_options(xm, argc, argv, 0)) >= 0)
        return opt;
    rc = xm_host_info(&hi);
    if (!rc)
        rc = xm_engine_info(xm, &e);
    if (rc) {
        if (rc != -EINVAL) /* else xl.conf's error was printed */
            xm_err(xm, "info: cannot read host facts: %s", strerror(-rc));
        return EXIT_FAILURE;
    }
    fprintf(o, "host                   : %s\n", hi.host);
    fprintf(o, "release                : %s\n", hi.release);
    fprintf(o, "version                : %s\n", hi.version);
    fprintf(o, "machine                : %s\n", hi.machine);
    fprintf(o, "nr_cpus                : %u\n", hi.nr_cpus);
    fprintf(o, "max_cpu_id             : %u\n", hi.nr_cpus - 1);
    fprintf(o, "nr_nodes               : %u\n", e.nr_nodes);
    fprintf(o, "cores_per_socket       : %u\n", hi.cores_per_socket);
    fprintf(o, "threads_per_core       : %u\n", hi.threads_per_core);
    fprintf(o, "cpu_mhz                : %u.%03u\n", hi.cpu_khz / 1000,
            hi.cpu_khz % 1000);
    fprintf(o,
            "hw_caps                : "
            "%08x:%08x:%08x:%08x:%08x:%08x:%08x:%08x\n",
            w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]);
    fprintf(o, "virt_caps              :%s\n", e.hv.virt_caps);
    fprintf(o, "total_memory           : %llu\n",
            (unsigned long long)(e.hv.total_kb / 1024));
    fprintf(o, "free_memory            : %llu\n",
            (unsigned long long)(e.hv.free_kb / 1024));
    fprintf(o, "sharing_freed_memory   : 0\n");
    fprintf(o, "sharing_used_memory    : 0\n");
    fprintf(o, "outstanding_claims     : 0\n");
    fprintf(o, "free_cpus              : %u\n", e.free_cpus);
    fprintf(o, "xen_major              : %u\n", e.hv.xen_major);
    fprintf(o, "xen_minor              : %u\n", e.hv.xen_minor);
    fprintf(o, "xen_extra              : %s\n", e.hv.xen_extra);
    fprintf(o, "xen_version            : %u.%u%s\n", e.hv.xen_major,
            e.hv.xen_minor, e.hv.xen_extra);
    fprintf(o, "xen_caps               : %s\n", e.hv.xen_caps);
    fprintf(o, "xen_scheduler          : %s\n", e.scheduler);
    fprintf(o, "xen_pagesize           : 4096\n");
    fprintf(o, "platform_params        : virt_start=0xffff800000000000\n");
    fprintf(o, "xen_changeset          : %s\n", e.hv.changeset);
    fprintf(o, "xen_commandline        : %s\n", e.hv.commandline);
    fprintf(o, "cc_compiler            : %s\n", e.hv.cc_compiler);
    fprintf(o, "cc_compile_by          : %s\n", e.hv.cc_compile_by);
    fprintf(o, "cc_compile_domain      : %s\n", e.hv.cc_compile_domain);
    fprintf(o, "cc_compile_date        : %s\n", e.hv.cc_compile_date);
    fprintf(o, "build_id               : %s\n", e.hv.build_id);
    fprintf(o, "xend_config_format     : 4\n");
    return EXIT_SUCCESS;
}
