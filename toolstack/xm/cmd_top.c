/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_top.c: `xm top`, xentop's columns and batch mode (-b -i N -d S).
 * Figures: the engine's (state, CPU time, memory, vcpus), network bytes
 * of the domain's vif<id>.<n> interfaces (/proc/net/dev, seen from dom0:
 * the domain's TX is the vif's RX), block requests from the backends'
 * statistics/ nodes (as Linux blkback publishes them) or, for HVM disks,
 * QEMU's query-blockstats. Without -b the screen is redrawn in place.
 */
#include "xm/dom.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>
#include <yajl/yajl_tree.h>

#include "dm/dm.h"
#include "lib/parse.h"
#include "xm/xm.h"

struct top_row {
    const struct xm_dominfo *d;
    double cpu_pct;
    unsigned nets, vbds;
    unsigned long long tx, rx; /* bytes, the domain's view */
    int vbd_ok;                /* some vbd has statistics */
    unsigned long long oo, rd, wr, rsect, wsect;
};

/* The vif<domid>.<n> rows of /proc/net/dev. */
static void net_stats(struct top_row *r)
{
    FILE *f = fopen("/proc/net/dev", "re");
    unsigned long long rxb, txb;
    unsigned id, n;
    char line[512], name[64];

    while (f && fgets(line, sizeof(line), f)) {
        char *colon = strchr(line, ':');

        if (!colon)
            continue;
        *colon = ' ';
        if (sscanf(line, " %63s %llu %*u %*u %*u %*u %*u %*u %*u %llu", name,
                   &rxb, &txb) != 3 ||
            sscanf(name, "vif%u.%u", &id, &n) != 2 || id != r->d->domid)
            continue;
        r->nets++;
        r->tx += rxb; /* what dom0 received the domain sent */
        r->rx += txb;
    }
    if (f)
        fclose(f);
}

static unsigned long long xs_ull(struct xs_handle *xs, const char *dir,
                                 const char *key, int *ok)
{
    char path[256], *v;
    unsigned int len;
    long long x = 0;

    snprintf(path, sizeof(path), "%s/statistics/%s", dir, key);
    v = xs_read(xs, XBT_NULL, path, &len);
    if (!v || parse_ll(v, 10, 0, LLONG_MAX, &x))
        *ok = 0;
    free(v);
    return (unsigned long long)x;
}

/* PV disks: /local/domain/0/backend/vbd/<domid>/<dev>/statistics/. */
static void vbd_stats_pv(struct xs_handle *xs, struct top_row *r)
{
    char dir[128], sub[256];
    unsigned int n = 0, i;
    char **devs;

    snprintf(dir, sizeof(dir), "/local/domain/0/backend/vbd/%u", r->d->domid);
    devs = xs ? xs_directory(xs, XBT_NULL, dir, &n) : NULL;
    for (i = 0; i < n; i++) {
        unsigned long long oo, rd, wr, rs, ws;
        int ok = 1;

        snprintf(sub, sizeof(sub), "%s/%s", dir, devs[i]);
        r->vbds++;
        oo = xs_ull(xs, sub, "oo_req", &ok);
        rd = xs_ull(xs, sub, "rd_req", &ok);
        wr = xs_ull(xs, sub, "wr_req", &ok);
        rs = xs_ull(xs, sub, "rd_sect", &ok);
        ws = xs_ull(xs, sub, "wr_sect", &ok);
        if (!ok)
            continue; /* xenstat_vbd_error: shown as '-' */
        r->vbd_ok = 1;
        r->oo += oo, r->rd += rd, r->wr += wr, r->rsect += rs, r->wsect += ws;
    }
    free(devs);
}

/* HVM disks: QEMU's counters for its drives (not the empty cdroms). */
static void vbd_stats_hvm(struct top_row *r)
{
    char *reply = NULL, why[128];
    const char *ret_path[] = {"return", NULL};
    const char *st_path[] = {"stats", NULL};
    yajl_val root, list;
    size_t i;

    if (dm_qmp_command(r->d->domid, "query-blockstats", NULL, &reply)) {
        free(reply);
        return;
    }
    root = yajl_tree_parse(reply, why, sizeof(why));
    free(reply);
    list = yajl_tree_get(root, ret_path, yajl_t_array);
    for (i = 0; list && i < list->u.array.len; i++) {
        yajl_val st =
            yajl_tree_get(list->u.array.values[i], st_path, yajl_t_object);
        const char *k[] = {"rd_operations", NULL};
        yajl_val v;

        if (!st)
            continue;
        r->vbds++;
        r->vbd_ok = 1;
        if ((v = yajl_tree_get(st, k, yajl_t_number)))
            r->rd += (unsigned long long)YAJL_GET_INTEGER(v);
        k[0] = "wr_operations";
        if ((v = yajl_tree_get(st, k, yajl_t_number)))
            r->wr += (unsigned long long)YAJL_GET_INTEGER(v);
        k[0] = "rd_bytes";
        if ((v = yajl_tree_get(st, k, yajl_t_number)))
            r->rsect += (unsigned long long)YAJL_GET_INTEGER(v) / 512;
        k[0] = "wr_bytes";
        if ((v = yajl_tree_get(st, k, yajl_t_number)))
            r->wsect += (unsigned long long)YAJL_GET_INTEGER(v) / 512;
    }
    yajl_tree_free(root);
}

static int is_hvm(uint32_t domid)
{
    char path[512];

    return domid && dm_qmp_path(domid, path, sizeof(path)) == 0 &&
           access(path, F_OK) == 0;
}

/* xentop's state letters: d s b c p r */
static void state(const struct xm_dominfo *d, char *s)
{
    int crashed = d->shutdown && d->shutdown_reason == 3;

    snprintf(s, 7, "%c%c%c%c%c%c", d->dying ? 'd' : '-',
             d->shutdown && !crashed ? 's' : '-', d->blocked ? 'b' : '-',
             crashed ? 'c' : '-', d->paused ? 'p' : '-',
             d->running ? 'r' : '-');
}

static void print_header(FILE *o)
{
    fprintf(o,
            "%10s %6s %10s %6s %10s %6s %10s %9s %5s %4s %8s %8s %4s %8s %8s "
            "%8s %10s %10s %4s\n",
            "NAME", "STATE", "CPU(sec)", "CPU(%)", "MEM(k)", "MEM(%)",
            "MAXMEM(k)", "MAXMEM(%)", "VCPUS", "NETS", "NETTX(k)", "NETRX(k)",
            "VBDS", "VBD_OO", "VBD_RD", "VBD_WR", "VBD_RSECT", "VBD_WSECT",
            "SSID");
}

static void print_row(FILE *o, const struct top_row *r, uint64_t total_kb)
{
    const struct xm_dominfo *d = r->d;
    char st[8];

    state(d, st);
    fprintf(o,
            "%10.10s %6s %10llu %6.1f %10llu %6.1f %10llu %9.1f %5u %4u "
            "%8llu %8llu %4u ",
            d->name, st, (unsigned long long)d->cpu_time, r->cpu_pct,
            (unsigned long long)d->mem_kb,
            total_kb ? (double)d->mem_kb / (double)total_kb * 100 : 0.0,
            (unsigned long long)d->max_mem_kb,
            total_kb ? (double)d->max_mem_kb / (double)total_kb * 100 : 0.0,
            d->vcpus, r->nets, r->tx / 1024, r->rx / 1024, r->vbds);
    if (r->vbd_ok || !r->vbds)
        fprintf(o, "%8llu %8llu %8llu %10llu %10llu", r->oo, r->rd, r->wr,
                r->rsect, r->wsect);
    else
        fprintf(o, "%8c %8c %8c %10c %10c", '-', '-', '-', '-', '-');
    fprintf(o, " %4u\n", 0u);
}

/* CPU seconds of domid in the previous sample, or < 0. */
struct top_prev {
    uint32_t domid;
    double cpu;
};

static double prev_cpu(const struct top_prev *p, size_t n, uint32_t domid)
{
    size_t i;

    for (i = 0; i < n; i++)
        if (p[i].domid == domid)
            return p[i].cpu;
    return -1;
}

static void summary(struct xm *xm, const struct xm_dominfo *doms, size_t n,
                    const struct xm_hostinfo *hi, const struct xm_enginfo *e)
{
    unsigned run = 0, blk = 0, pau = 0, cra = 0, dying = 0, shut = 0;
    char ts[16];
    time_t now = time(NULL);
    size_t i;

    for (i = 0; i < n; i++) {
        run += doms[i].running, blk += doms[i].blocked;
        pau += doms[i].paused, dying += doms[i].dying;
        cra += doms[i].shutdown && doms[i].shutdown_reason == 3;
        shut += doms[i].shutdown && doms[i].shutdown_reason != 3;
    }
    strftime(ts, sizeof(ts), "%H:%M:%S", localtime(&now));
    fprintf(xm->out, "xentop - %s   Xen %d.%d%s\n", ts, e->major, e->minor,
            e->extra);
    fprintf(xm->out,
            "%u domains: %u running, %u blocked, %u paused, %u crashed, %u "
            "dying, %u shutdown \n",
            (unsigned)n, run, blk, pau, cra, dying, shut);
    fprintf(xm->out, "Mem: %lluk total, %lluk used, %lluk free    ",
            (unsigned long long)e->total_kb,
            (unsigned long long)(e->total_kb - e->free_kb),
            (unsigned long long)e->free_kb);
    fprintf(xm->out, "CPUs: %u @ %uMHz\n", hi->nr_cpus, hi->cpu_khz / 1000);
}

static volatile sig_atomic_t top_stop;
static void on_signal(int sig)
{
    (void)sig;
    top_stop = 1;
}

int cmd_top(struct xm *xm, int argc, char **argv)
{
    static const struct option opts[] = {{"batch", 0, NULL, 'b'},
                                         {"iterations", 1, NULL, 'i'},
                                         {"delay", 1, NULL, 'd'},
                                         {NULL, 0, NULL, 0}};
    struct top_prev *prev = NULL;
    size_t nprev = 0;
    long long iters = 0, delay = 3;
    struct timeval t0 = {0, 0}, t1;
    int opt, batch = 0, ret = EXIT_SUCCESS;

    while ((opt = xm_getopt(xm, argc, argv, "bi:d:", opts, 0)) != -1) {
        if (opt == XM_OPT_HELP || opt == XM_OPT_ERR)
            return opt == XM_OPT_HELP ? EXIT_SUCCESS : EXIT_FAILURE;
        if (opt == 'b')
            batch = 1;
        else if ((opt == 'i' && parse_ll(optarg, 10, 1, 1000000, &iters)) ||
                 (opt == 'd' && parse_ll(optarg, 10, 1, 3600, &delay))) {
            xm_err(xm, "top: -%c %s: want a positive number", opt, optarg);
            return EXIT_FAILURE;
        }
    }
    top_stop = 0;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    for (long long it = 0; !top_stop && (!iters || it < iters); it++) {
        struct xm_dominfo *doms = NULL;
        struct xm_hostinfo hi;
        struct xm_enginfo e;
        struct top_prev *np;
        struct xs_handle *xs;
        size_t n = 0, i;
        double el;

        if (it)
            sleep((unsigned)delay);
        if (top_stop)
            break;
        gettimeofday(&t1, NULL);
        if (xm_domains_list(xm, &doms, &n) < 0 || xm_host_info(&hi) ||
            xm_engine_info(xm, &e)) {
            free(doms);
            xm_err(xm, "top: cannot read the domains");
            ret = EXIT_FAILURE;
            break;
        }
        el = (double)(t1.tv_sec - t0.tv_sec) +
             (double)(t1.tv_usec - t0.tv_usec) / 1e6;
        if (!batch) {
            fprintf(xm->out, "\033[H\033[2J");
            summary(xm, doms, n, &hi, &e);
        }
        print_header(xm->out);
        xs = xs_open(XS_OPEN_READONLY);
        np = calloc(n ? n : 1, sizeof(*np));
        for (i = 0; i < n; i++) {
            struct top_row r = {.d = &doms[i]};
            double pc = prev_cpu(prev, nprev, doms[i].domid);

            if (pc >= 0 && el > 0)
                r.cpu_pct = (doms[i].cpu_time - pc) / el * 100;
            net_stats(&r);
            if (is_hvm(doms[i].domid))
                vbd_stats_hvm(&r);
            else if (doms[i].domid)
                vbd_stats_pv(xs, &r);
            print_row(xm->out, &r, e.total_kb);
            if (np)
                np[i] = (struct top_prev){doms[i].domid, doms[i].cpu_time};
        }
        fflush(xm->out);
        if (xs)
            xs_close(xs);
        free(prev);
        prev = np;
        nprev = np ? n : 0;
        t0 = t1;
        free(doms);
    }
    free(prev);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    return ret;
}
