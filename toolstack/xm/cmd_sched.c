/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_sched.c: xl vcpu-list, vcpu-pin, sched-credit, sched-credit2 with
 * xl's output (xl_vcpu.c, xl_sched.c) over domain/sched.h. Domain-0 is the
 * host: its vcpus are the host's CPUs, its share the default.
 */
#include "xm/dom.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include "cfg/cfg.h"
#include "domain/domain.h"
#include "domain/sched.h"
#include "lib/parse.h"
#include "xm/xm.h"

static unsigned host_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_CONF);

    return n > 0 ? (unsigned)n : 1;
}

/*
 * The affinity a domain keeps (its kept config's cpus and cpus_soft, NULL
 * when unset): Linux has one affinity per thread, so the vcpu threads run
 * on hard & soft (the preferred CPUs, where they meet; else hard), and the
 * two maps are kept here for vcpu-list, as Xen keeps both. 0 or -errno.
 */
static int kept_affinity(struct xs_handle *xs, uint32_t domid,
                         struct domain_config **out)
{
    char *json = NULL, err[128];
    int rc = domain_config_json(xs, domid, &json);

    *out = NULL;
    if (!rc && domain_config_from_json(json, out, err, sizeof(err)) < 0)
        rc = -EINVAL;
    free(json);
    return rc;
}

/* "Hard / Soft" for vcpu v: the kept maps once a soft one is kept (the
 * thread's own affinity is then their meeting), else the thread's. */
static void vcpu_row(struct xm *xm, const char *name, uint32_t domid,
                     const struct domain_vcpu *v, unsigned ncpus,
                     const struct domain_config *kept)
{
    char hard[256], soft[256] = "all";
    cpu_set_t m;

    sched_cpumap_format(&v->hard, ncpus, hard, sizeof(hard));
    if (kept && kept->cpus_soft &&
        !sched_cpumap_parse(kept->cpus_soft, ncpus, &m, NULL, 0)) {
        sched_cpumap_format(&m, ncpus, soft, sizeof(soft));
        if (!sched_cpumap_parse(kept->cpus ? kept->cpus : "all", ncpus, &m,
                                NULL, 0))
            sched_cpumap_format(&m, ncpus, hard, sizeof(hard));
    }
    fprintf(xm->out, "%-32s %5u %5u", name, domid, v->id);
    if (v->cpu < 0)
        fprintf(xm->out, "%5c %3c%cp ", '-', '-', '-');
    else
        fprintf(xm->out, "%5u %3c%c- ", (unsigned)v->cpu,
                v->running ? 'r' : '-', v->running ? '-' : 'b');
    fprintf(xm->out, "%9.1f  %s / %s\n", v->time_s, hard, soft);
}

/* Domain-0's vcpus: the host's CPUs, busy time from /proc/stat. */
static void dom0_vcpus(struct xm *xm, const char *name, unsigned ncpus)
{
    FILE *f = fopen("/proc/stat", "re");
    unsigned long long u, n, s;
    long hz = sysconf(_SC_CLK_TCK);
    struct domain_vcpu v;
    char line[512];
    unsigned id;

    while (f && fgets(line, sizeof(line), f)) {
        /* "cpuN ..." rows; "cpu  ..." is the sum */
        if (strncmp(line, "cpu", 3) || line[3] < '0' || line[3] > '9' ||
            sscanf(line, "cpu%u %llu %llu %llu", &id, &u, &n, &s) != 4)
            continue;
        memset(&v, 0, sizeof(v));
        v.id = id;
        v.cpu = (int)id;
        v.running = 1;
        v.time_s = (double)(u + n + s) / (double)(hz > 0 ? hz : 100);
        for (unsigned c = 0; c < ncpus && c < CPU_SETSIZE; c++)
            CPU_SET(c, &v.hard);
        vcpu_row(xm, name, 0, &v, ncpus, NULL);
    }
    if (f)
        fclose(f);
}

static void domain_vcpus(struct xm *xm, const struct xm_dominfo *d,
                         unsigned ncpus)
{
    struct domain_config *kept = NULL;
    struct domain_vcpu *v = NULL;
    struct xs_handle *xs;
    int n, i;

    if (d->domid == 0) {
        dom0_vcpus(xm, d->name, ncpus);
        return;
    }
    xs = xs_open(XS_OPEN_READONLY);
    if (xs) {
        kept_affinity(xs, d->domid, &kept);
        xs_close(xs);
    }
    n = domain_vcpu_list(d->domid, &v);
    for (i = 0; i < n; i++) {
        if (d->paused)
            v[i].cpu = -1; /* xl shows a paused vcpu as --p */
        vcpu_row(xm, d->name, d->domid, &v[i], ncpus, kept);
    }
    free(v);
    domain_config_free(kept);
}

int cmd_vcpu_list(struct xm *xm, int argc, char **argv)
{
    struct xm_dominfo *doms = NULL;
    unsigned ncpus = host_cpus();
    size_t n = 0, i;
    int opt, k, ret = EXIT_SUCCESS;

    if ((opt = xm_no_options(xm, argc, argv, 0)) >= 0)
        return opt;
    if (xm_domains_list(xm, &doms, &n) < 0) {
        free(doms);
        xm_err(xm, "vcpu-list: cannot list domains");
        return EXIT_FAILURE;
    }
    fprintf(xm->out, "%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU",
            "CPU", "State", "Time(s)", "Affinity (Hard / Soft)");
    if (optind == argc)
        for (i = 0; i < n; i++)
            domain_vcpus(xm, &doms[i], ncpus);
    for (; optind < argc; optind++) {
        k = xm_domain_find(doms, n, argv[optind]);
        if (k < 0) {
            fprintf(xm->err, "%s is an invalid domain identifier (rc=-6)\n",
                    argv[optind]);
            ret = EXIT_FAILURE;
            break;
        }
        domain_vcpus(xm, &doms[k], ncpus);
    }
    free(doms);
    return ret;
}

/*
 * Keep vcpu-pin's maps for all vcpus in the kept config (NULL: unchanged),
 * so vcpu-list shows them and a restart uses them. 0 or -errno.
 */
static int keep_affinity(struct xm *xm, uint32_t domid, const char *hard,
                         const char *soft)
{
    struct domain_config *kept = NULL;
    struct domain_ctx c;
    struct xs_handle *xs = dom_xs_open(xm);
    char *h = NULL, *s = NULL;
    int rc = xs ? kept_affinity(xs, domid, &kept) : -EIO;

    if (!rc && ((hard && !(h = strdup(hard))) || (soft && !(s = strdup(soft)))))
        rc = -ENOMEM;
    if (!rc) {
        if (h) {
            free(kept->cpus);
            kept->cpus = h;
            h = NULL;
        }
        if (s) {
            free(kept->cpus_soft);
            kept->cpus_soft = s;
            s = NULL;
        }
        dom_ctx(xm, &c);
        rc = domain_config_update(&c, xs, domid, kept);
    }
    free(h);
    free(s);
    domain_config_free(kept);
    if (xs)
        xs_close(xs);
    return rc;
}

int cmd_vcpu_pin(struct xm *xm, int argc, char **argv)
{
    static const struct option opts[] = {{"force", 0, NULL, 'f'},
                                         {NULL, 0, NULL, 0}};
    unsigned ncpus = host_cpus();
    struct domain_config *kept = NULL;
    struct xm_dominfo d;
    struct xs_handle *xs;
    cpu_set_t hard, soft, both;
    const char *hard_s, *soft_s;
    long long vcpu = -1;
    char why[160];
    int opt, rc, have_soft;

    while ((opt = xm_getopt(xm, argc, argv, "f", opts, 3)) != -1)
        if (opt == XM_OPT_HELP || opt == XM_OPT_ERR)
            return opt == XM_OPT_HELP ? EXIT_SUCCESS : EXIT_FAILURE;
    if (xm_domain_resolve(xm, argv[optind], &d))
        return EXIT_FAILURE;
    if (strcmp(argv[optind + 1], "all") &&
        parse_ll(argv[optind + 1], 10, 0, 4095, &vcpu)) {
        fprintf(xm->err, "Invalid vcpu %s\n", argv[optind + 1]);
        return EXIT_FAILURE;
    }
    if (d.domid == 0) {
        xm_err(xm, "vcpu-pin: Domain-0's vcpus are the host's CPUs");
        return EXIT_FAILURE;
    }
    /* as xl: "-" leaves that map as it is (the kept one) */
    xs = xs_open(XS_OPEN_READONLY);
    if (xs) {
        kept_affinity(xs, d.domid, &kept);
        xs_close(xs);
    }
    hard_s = argv[optind + 2];
    soft_s = optind + 3 < argc ? argv[optind + 3] : NULL;
    rc = sched_cpumap_parse(strcmp(hard_s, "-")  ? hard_s
                            : kept && kept->cpus ? kept->cpus
                                                 : "all",
                            ncpus, &hard, why, sizeof(why));
    if (soft_s && !strcmp(soft_s, "-"))
        soft_s = NULL;
    have_soft = soft_s || (kept && kept->cpus_soft);
    if (!rc && have_soft)
        rc = sched_cpumap_parse(soft_s ? soft_s : kept->cpus_soft, ncpus, &soft,
                                why, sizeof(why));
    domain_config_free(kept);
    if (rc) {
        xm_err(xm, "vcpu-pin: %s", why);
        return EXIT_FAILURE;
    }
    /* one affinity per thread: the preferred CPUs where they meet hard */
    if (have_soft) {
        CPU_AND(&both, &hard, &soft);
        if (CPU_COUNT(&both))
            hard = both;
    }
    rc = domain_vcpu_pin(d.domid, (int)vcpu, &hard);
    if (rc == -ENOENT)
        fprintf(xm->err, "Invalid vcpu %s\n", argv[optind + 1]);
    else if (rc)
        xm_err(xm, "vcpu-pin: %s: %s", d.name, strerror(-rc));
    else if (vcpu < 0 && (rc = keep_affinity(
                              xm, d.domid, strcmp(hard_s, "-") ? hard_s : NULL,
                              soft_s)) < 0)
        xm_err(xm, "vcpu-pin: %s: affinity not kept: %s", d.name,
               strerror(-rc));
    return rc ? EXIT_FAILURE : EXIT_SUCCESS;
}

static int sched_row(struct xm *xm, const struct xm_dominfo *d)
{
    int w, c;

    if (!d) {
        fprintf(xm->out, "%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
        return 0;
    }
    /* xl: an error line and no row for a domain it cannot read */
    if (domain_sched_get(d->domid, &w, &c) < 0) {
        fprintf(xm->err, "libxl_domain_sched_params_get failed.\n");
        return -1;
    }
    fprintf(xm->out, "%-33s %4d %6d %4d\n", d->name, (int)d->domid, w, c);
    return 0;
}

/*
 * The pool line. On Xen the running scheduler's own figures; on kvm no
 * scheduler of the engine's has any, so Xen's defaults stand (Linux's CFS
 * runs the vcpu threads).
 */
static void pool_line(struct xm *xm, int credit2)
{
    struct hv_sched_pool p;
    int rc = domain_sched_pool_get(&p);

    if (rc == -ENOSYS) {
        p.tslice_ms = 30;
        p.ratelimit_us = 1000;
        p.migr_delay_us = 0;
    } else if (rc < 0) {
        fprintf(xm->out, "Cpupool Pool-0: [sched params unavailable]\n");
        return;
    }
    if (credit2)
        fprintf(xm->out, "Cpupool Pool-0: ratelimit=%dus\n", p.ratelimit_us);
    else
        fprintf(xm->out,
                "Cpupool Pool-0: tslice=%dms ratelimit=%dus "
                "migration-delay=%dus\n",
                p.tslice_ms, p.ratelimit_us, p.migr_delay_us);
}

/* -s with -t/-r/-m: set the pool's parameters, as xl does on Xen. */
static int pool_set(struct xm *xm, const char *cmd,
                    const struct hv_sched_pool *set)
{
    char err[160];
    int rc = domain_sched_pool_set(set, err, sizeof(err));

    if (rc == -ENOSYS) {
        xm_err(xm,
               "%s: the kvm engine's vcpus are Linux threads: no time "
               "slice or rate limit is set here",
               cmd);
        return EXIT_FAILURE;
    }
    if (rc < 0) {
        fprintf(xm->err, "%s\n", err);
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

/* xl sched-credit and sched-credit2: one pool (Pool-0), weight and cap.
 * On Xen the running scheduler decides: the other command lists no pool
 * and refuses a domain, as xl does. */
static int sched_cmd(struct xm *xm, int argc, char **argv, int credit2)
{
    static const struct option opts[] = {
        {"domain", 1, NULL, 'd'},       {"weight", 1, NULL, 'w'},
        {"cap", 1, NULL, 'c'},          {"schedparam", 0, NULL, 's'},
        {"cpupool", 1, NULL, 'p'},      {"tslice_ms", 1, NULL, 't'},
        {"ratelimit_us", 1, NULL, 'r'}, {NULL, 0, NULL, 0}};
    const char *want = credit2 ? "credit2" : "credit";
    struct xm_dominfo *doms = NULL, d;
    const char *dom = NULL, *pool = NULL, *running;
    long long weight = -1, cap = -1, v;
    struct hv_sched_pool set = {0, -1, -1, -1};
    int opt, rc, opt_s = 0, ours;
    char err[160];
    size_t n = 0, i;

    while ((opt = xm_getopt(xm, argc, argv, "d:w:c:p:t:r:m:s", opts, 0)) !=
           -1) {
        if (opt == XM_OPT_HELP || opt == XM_OPT_ERR)
            return opt == XM_OPT_HELP ? EXIT_SUCCESS : EXIT_FAILURE;
        if (opt == 'd')
            dom = optarg;
        else if (opt == 'p')
            pool = optarg;
        else if (opt == 's')
            opt_s = 1;
        else if (opt == 'w' || opt == 'c') {
            long long *wc = opt == 'w' ? &weight : &cap;

            if (parse_ll(optarg, 10, -0x7fffffff, 0x7fffffff, wc) || *wc < 0) {
                xm_err(xm,
                       "%s: -%c %s: out of range (weight 1-65535, cap 0-100 "
                       "per vcpu)",
                       argv[0], opt, optarg);
                return EXIT_FAILURE;
            }
        } else if (opt == 't' || opt == 'r' || opt == 'm') {
            if (parse_ll(optarg, 10, 0, 0x7fffffff, &v)) {
                xm_err(xm, "%s: -%c %s: not a number", argv[0], opt, optarg);
                return EXIT_FAILURE;
            }
            *(opt == 't'   ? &set.tslice_ms
              : opt == 'r' ? &set.ratelimit_us
                           : &set.migr_delay_us) = (int)v;
        }
    }
    if ((pool || opt_s) && (dom || weight >= 0 || cap >= 0)) {
        fprintf(xm->err, "Specifying a cpupool or schedparam is not "
                         "allowed with domain options.\n");
        return EXIT_FAILURE;
    }
    if (!dom && (weight >= 0 || cap >= 0)) {
        fprintf(xm->err, "Must specify a domain.\n");
        return EXIT_FAILURE;
    }
    if (!opt_s && (set.tslice_ms >= 0 || set.ratelimit_us >= 0 ||
                   set.migr_delay_us >= 0)) {
        fprintf(xm->err, "Must specify schedparam to set schedule "
                         "parameter values.\n");
        return EXIT_FAILURE;
    }
    if (credit2 && (set.tslice_ms >= 0 || set.migr_delay_us >= 0)) {
        xm_err(xm, "%s: credit2 has only -r (ratelimit_us)", argv[0]);
        return EXIT_FAILURE;
    }
    if (pool && strcmp(pool, "Pool-0")) {
        fprintf(xm->err, "unknown cpupool '%s'\n", pool);
        return EXIT_FAILURE;
    }
    running = domain_sched_which(); /* NULL: kvm, Linux's for both */
    ours = !running || !strcmp(running, want);
    if (!dom && !ours)
        return EXIT_SUCCESS; /* xl: no pool runs this scheduler */
    if (opt_s && (set.tslice_ms >= 0 || set.ratelimit_us >= 0 ||
                  set.migr_delay_us >= 0)) {
        if (!ours) {
            xm_err(xm, "%s: the running scheduler is %s, not %s", argv[0],
                   running, want);
            return EXIT_FAILURE;
        }
        return pool_set(xm, argv[0], &set);
    }
    if (opt_s || !dom) {
        pool_line(xm, credit2);
        if (opt_s)
            return EXIT_SUCCESS;
        if (xm_domains_list(xm, &doms, &n) < 0) {
            free(doms);
            fprintf(xm->err, "libxl_list_domain failed.\n");
            return EXIT_FAILURE;
        }
        sched_row(xm, NULL);
        for (i = 0; i < n; i++)
            sched_row(xm, &doms[i]);
        free(doms);
        return EXIT_SUCCESS;
    }
    if (xm_domain_resolve(xm, dom, &d))
        return EXIT_FAILURE;
    if (!ours) {
        xm_err(xm, "%s: the running scheduler is %s, not %s", argv[0], running,
               want);
        return EXIT_FAILURE;
    }
    if (weight < 0 && cap < 0) {
        sched_row(xm, NULL);
        return sched_row(xm, &d) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
    }
    if (d.domid == 0 && !running) {
        xm_err(xm, "%s: Domain-0 is the host: its share is not set here",
               argv[0]);
        return EXIT_FAILURE;
    }
    rc = domain_sched_set(d.domid, (int)weight, (int)cap, err, sizeof(err));
    if (rc)
        xm_err(xm, "%s: %s: %s", argv[0], d.name, err);
    return rc ? EXIT_FAILURE : EXIT_SUCCESS;
}

int cmd_sched_credit(struct xm *xm, int argc, char **argv)
{
    return sched_cmd(xm, argc, argv, 0);
}

int cmd_sched_credit2(struct xm *xm, int argc, char **argv)
{
    return sched_cmd(xm, argc, argv, 1);
}
