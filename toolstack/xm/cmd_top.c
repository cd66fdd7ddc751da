/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_top.c: `xm top`, xentop's columns and batch mode (-b -i N -d S).
 * Figures: the engine's (state, CPU time, memory, vcpus), network bytes
 * of the domain's vif<id>.<n> interfaces (/proc/net/dev, seen from dom0:
 * the domain's TX is the vif's RX), block requests from the backends'
 * statistics/ nodes (as Linux blkback publishes them) or, for HVM disks,
 * QEMU's query-blockstats. This file samples and formats (top.h); -b
 * prints each sample, the interactive view (top_view.c) draws them.
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
#include "xm/top.h"
#include "xm/xm.h"

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
            sscanf(name, "vif%u.%u", &id, &n) != 2 || id != r->d.domid)
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

    snprintf(dir, sizeof(dir), "/local/domain/0/backend/vbd/%u", r->d.domid);
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

    if (dm_qmp_command(r->d.domid, "query-blockstats", NULL, &reply)) {
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

void top_format_header(char *buf, size_t len)
{
    snprintf(buf, len,
             "%10s %6s %10s %6s %10s %6s %10s %9s %5s %4s %8s %8s %4s %8s %8s "
             "%8s %10s %10s %4s",
             "NAME", "STATE", "CPU(sec)", "CPU(%)", "MEM(k)", "MEM(%)",
             "MAXMEM(k)", "MAXMEM(%)", "VCPUS", "NETS", "NETTX(k)", "NETRX(k)",
             "VBDS", "VBD_OO", "VBD_RD", "VBD_WR", "VBD_RSECT", "VBD_WSECT",
             "SSID");
}

void top_format_row(char *buf, size_t len, const struct top_row *r,
                    uint64_t total_kb)
{
    const struct xm_dominfo *d = &r->d;
    char st[8];
    int n;

    state(d, st);
    n = snprintf(buf, len,
                 "%10.10s %6s %10llu %6.1f %10llu %6.1f %10llu %9.1f %5u %4u "
                 "%8llu %8llu %4u ",
                 d->name, st, (unsigned long long)d->cpu_time, r->cpu_pct,
                 (unsigned long long)d->mem_kb,
                 total_kb ? (double)d->mem_kb / (double)total_kb * 100 : 0.0,
                 (unsigned long long)d->max_mem_kb,
                 total_kb ? (double)d->max_mem_kb / (double)total_kb * 100
                          : 0.0,
                 d->vcpus, r->nets, r->tx / 1024, r->rx / 1024, r->vbds);
    if (n < 0 || (size_t)n >= len)
        return;
    if (r->vbd_ok || !r->vbds)
        snprintf(buf + n, len - (size_t)n,
                 "%8llu %8llu %8llu %10llu %10llu %4u", r->oo, r->rd, r->wr,
                 r->rsect, r->wsect, 0u);
    else
        snprintf(buf + n, len - (size_t)n, "%8c %8c %8c %10c %10c %4u", '-',
                 '-', '-', '-', '-', 0u);
}

/* CPU seconds of domid in the previous sample, or < 0. */
static double prev_cpu(const struct top_snap *prev, uint32_t domid)
{
    size_t i;

    for (i = 0; prev && i < prev->n; i++)
        if (prev->rows[i].d.domid == domid)
            return prev->rows[i].d.cpu_time;
    return -1;
}

void top_format_summary(const struct top_snap *s, char lines[4][160])
{
    unsigned run = 0, blk = 0, pau = 0, cra = 0, dying = 0, shut = 0;
    char ts[16];
    struct tm tm;
    time_t t = (time_t)s->when.tv_sec;
    size_t i;

    for (i = 0; i < s->n; i++) {
        const struct xm_dominfo *d = &s->rows[i].d;

        run += d->running, blk += d->blocked;
        pau += d->paused, dying += d->dying;
        cra += d->shutdown && d->shutdown_reason == 3;
        shut += d->shutdown && d->shutdown_reason != 3;
    }
    strftime(ts, sizeof(ts), "%H:%M:%S", localtime_r(&t, &tm));
    snprintf(lines[0], 160, "xentop - %s   Xen %u.%u%s", ts, s->e.hv.xen_major,
             s->e.hv.xen_minor, s->e.hv.xen_extra);
    snprintf(lines[1], 160,
             "%zu domains: %u running, %u blocked, %u paused, %u crashed, %u "
             "dying, %u shutdown ",
             s->n, run, blk, pau, cra, dying, shut);
    snprintf(lines[2], 160, "Mem: %lluk total, %lluk used, %lluk free    ",
             (unsigned long long)s->e.hv.total_kb,
             (unsigned long long)(s->e.hv.total_kb - s->e.hv.free_kb),
             (unsigned long long)s->e.hv.free_kb);
    snprintf(lines[3], 160, "CPUs: %u @ %uMHz", s->hi.nr_cpus,
             s->hi.cpu_khz / 1000);
}

int top_sample(struct xm *xm, const struct top_snap *prev, struct top_snap *out)
{
    struct xm_dominfo *doms = NULL;
    struct xs_handle *xs;
    size_t n = 0, i;
    double el = 0;

    memset(out, 0, sizeof(*out));
    gettimeofday(&out->when, NULL);
    if (xm_domains_list(xm, &doms, &n) < 0 || xm_host_info(&out->hi) ||
        xm_engine_info(xm, &out->e)) {
        free(doms);
        return -EIO;
    }
    out->rows = calloc(n ? n : 1, sizeof(*out->rows));
    if (!out->rows) {
        free(doms);
        return -ENOMEM;
    }
    if (prev)
        el = (double)(out->when.tv_sec - prev->when.tv_sec) +
             (double)(out->when.tv_usec - prev->when.tv_usec) / 1e6;
    xs = xs_open(XS_OPEN_READONLY);
    for (i = 0; i < n; i++) {
        struct top_row *r = &out->rows[i];
        double pc = prev_cpu(prev, doms[i].domid);

        r->d = doms[i];
        if (pc >= 0 && el > 0)
            r->cpu_pct = (doms[i].cpu_time - pc) / el * 100;
        net_stats(r);
        if (is_hvm(doms[i].domid))
            vbd_stats_hvm(r);
        else if (doms[i].domid)
            vbd_stats_pv(xs, r);
    }
    out->n = n;
    if (xs)
        xs_close(xs);
    free(doms);
    return 0;
}

void top_snap_free(struct top_snap *s)
{
    free(s->rows);
    memset(s, 0, sizeof(*s));
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
    struct top_snap prev = {0}, cur;
    long long iters = 0, delay = 3;
    char line[512];
    int opt, batch = 0, ret = EXIT_SUCCESS;
    size_t i;

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
    if (!batch)
        return top_view(xm, (unsigned)delay, (unsigned long)iters);
    top_stop = 0;
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    for (long long it = 0; !top_stop && (!iters || it < iters); it++) {
        if (it)
            sleep((unsigned)delay);
        if (top_stop)
            break;
        if (top_sample(xm, it ? &prev : NULL, &cur)) {
            xm_err(xm, "top: cannot read the domains");
            ret = EXIT_FAILURE;
            break;
        }
        top_format_header(line, sizeof(line));
        fprintf(xm->out, "%s\n", line);
        for (i = 0; i < cur.n; i++) {
            top_format_row(line, sizeof(line), &cur.rows[i], cur.e.hv.total_kb);
            fprintf(xm->out, "%s\n", line);
        }
        fflush(xm->out);
        top_snap_free(&prev);
        prev = cur;
    }
    top_snap_free(&prev);
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    return ret;
}
