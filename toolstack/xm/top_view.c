/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * top_view.c: `xm top`'s interactive view, xentop's screen in curses over
 * the samples and row formatting batch mode prints (top.h): the summary
 * lines, the table header in reverse video, a row per domain, and the
 * key line at the bottom. Keys as xentop's: q quit, d delay, s sort
 * column, n network lines, v vcpu lines, r repeat the header before each
 * domain. (xentop's b shows each vbd; our VBD figures are per domain, so
 * there is nothing more to show and b is not offered.)
 */
#include <ctype.h>
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "domain/sched.h"
#include "xm/top.h"

/* xentop's columns in order; -1 sorts by domid (its default). */
enum { SORT_COLUMNS = 18 };

static double col_key(const struct top_row *r, int col)
{
    const struct xm_dominfo *d = &r->d;
    /* By column; NAME and STATE (0, 1) sort otherwise (cmp_rows). */
    const double key[SORT_COLUMNS] = {
        0,         0,         d->cpu_time,   r->cpu_pct,
        d->mem_kb, d->mem_kb, d->max_mem_kb, d->max_mem_kb,
        d->vcpus,  r->nets,   r->tx,         r->rx,
        r->vbds,   r->oo,     r->rd,         r->wr,
        r->rsect,  r->wsect,
    };

    return col >= 2 && col < SORT_COLUMNS ? key[col] : d->domid;
}

/* qsort_r's: arg is the view's sort column. */
static int cmp_rows(const void *a, const void *b, void *arg)
{
    const struct top_row *x = a, *y = b;
    int sort_col = *(const int *)arg;
    double kx, ky;

    if (sort_col == 0)
        return strcmp(x->d.name, y->d.name);
    if (sort_col == 1) {
        int sx = x->d.running * 2 + x->d.blocked;
        int sy = y->d.running * 2 + y->d.blocked;

        return sy - sx;
    }
    kx = col_key(x, sort_col);
    ky = col_key(y, sort_col);
    /* figures largest first, as xentop; the domid smallest first */
    if (sort_col < 0)
        return kx < ky ? -1 : kx > ky;
    return kx > ky ? -1 : kx < ky;
}

/* The domain's vif<domid>.<n> lines of /proc/net/dev, as xentop's. */
static int net_lines(int y, uint32_t domid)
{
    FILE *f = fopen("/proc/net/dev", "re");
    unsigned long long rxb, rxp, txb, txp;
    unsigned id, n;
    char line[512], name[64];

    while (f && fgets(line, sizeof(line), f) && y < LINES - 1) {
        char *colon = strchr(line, ':');

        if (!colon)
            continue;
        *colon = ' ';
        if (sscanf(line, " %63s %llu %llu %*u %*u %*u %*u %*u %*u %llu %llu",
                   name, &rxb, &rxp, &txb, &txp) != 5 ||
            sscanf(name, "vif%u.%u", &id, &n) != 2 || id != domid)
            continue;
        /* dom0's RX on the vif is what the domain sent */
        mvprintw(y++, 0,
                 "Net%u RX: %8llubytes %8llupkts TX: %8llubytes %8llupkts", n,
                 txb, txp, rxb, rxp);
    }
    if (f)
        fclose(f);
    return y;
}

static int vcpu_line(int y, uint32_t domid)
{
    struct domain_vcpu *v = NULL;
    int n = domid ? domain_vcpu_list(domid, &v) : 0, i;

    if (n <= 0 || y >= LINES - 1) {
        free(v);
        return y;
    }
    move(y, 0);
    printw("VCPUs(sec): ");
    for (i = 0; i < n; i++)
        printw(" %2u: %10.0fs", v[i].id, v[i].time_s);
    free(v);
    return y + 1;
}

/* The key line at the bottom, the key letters in reverse as xentop's. */
static void key_line(unsigned delay)
{
    static const char *const keys[] = {"Delay",         "Networks",   "VCPUs",
                                       "Repeat header", "Sort order", "Quit"};
    size_t i;

    move(LINES - 1, 0);
    for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        attron(A_REVERSE);
        addch((chtype)(unsigned char)keys[i][0]);
        attroff(A_REVERSE);
        printw("%s  ", keys[i] + 1);
    }
    printw("(delay %us)", delay);
}

struct view {
    unsigned delay;
    int nets, vcpus, repeat;
    int sort_col; /* a column (key s), or -1: by domid */
};

static void draw(const struct view *v, struct top_snap *s)
{
    char sum[4][160], line[512];
    int y = 3, col = v->sort_col;
    size_t i;

    erase();
    top_format_summary(s, sum);
    mvprintw(0, 0, "%s", sum[0]);
    mvprintw(1, 0, "%s", sum[1]);
    mvprintw(2, 0, "%s%s", sum[2], sum[3]);
    top_format_header(line, sizeof(line));
    qsort_r(s->rows, s->n, sizeof(*s->rows), cmp_rows, &col);
    for (i = 0; i < s->n && y < LINES - 1; i++) {
        if (i == 0 || v->repeat) {
            attron(A_REVERSE);
            mvprintw(y++, 0, "%-*.*s", COLS, COLS, line);
            attroff(A_REVERSE);
        }
        if (y >= LINES - 1)
            break;
        top_format_row(line, sizeof(line), &s->rows[i], s->e.hv.total_kb);
        mvprintw(y++, 0, "%.*s", COLS, line);
        if (v->vcpus)
            y = vcpu_line(y, s->rows[i].d.domid);
        if (v->nets)
            y = net_lines(y, s->rows[i].d.domid);
        top_format_header(line, sizeof(line));
    }
    key_line(v->delay);
    refresh();
}

/* d: ask for the delay on the bottom line. */
static void ask_delay(struct view *v)
{
    char buf[16] = "";
    long d;

    move(LINES - 1, 0);
    clrtoeol();
    printw("Delay(sec): ");
    echo();
    timeout(-1);
    getnstr(buf, sizeof(buf) - 1);
    noecho();
    d = strtol(buf, NULL, 10);
    if (d >= 1 && d <= 3600)
        v->delay = (unsigned)d;
}

static double since(const struct timeval *t0)
{
    struct timeval t;

    gettimeofday(&t, NULL);
    return (double)(t.tv_sec - t0->tv_sec) +
           (double)(t.tv_usec - t0->tv_usec) / 1e6;
}

int top_view(struct xm *xm, unsigned delay, unsigned long iters)
{
    struct view v = {.delay = delay, .sort_col = -1};
    struct top_snap prev = {0}, cur;
    SCREEN *scr = newterm(NULL, stdout, stdin);
    unsigned long it = 0;
    int ch, quit = 0, ret = EXIT_SUCCESS;

    if (!scr) {
        xm_err(xm, "top: cannot drive this terminal (TERM=%s); use -b",
               getenv("TERM") ? getenv("TERM") : "");
        return EXIT_FAILURE;
    }
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    curs_set(0);
    while (!quit && (!iters || it < iters)) {
        if (top_sample(xm, it ? &prev : NULL, &cur)) {
            ret = EXIT_FAILURE;
            break;
        }
        it++;
        draw(&v, &cur);
        top_snap_free(&prev);
        prev = cur;
        /* keys are read while waiting out the delay; one redraws at once */
        timeout(100);
        while (!quit && since(&prev.when) < v.delay) {
            ch = getch();
            if (ch == ERR)
                continue;
            switch (tolower(ch)) {
            case 'q':
                quit = 1;
                break;
            case 'd':
                ask_delay(&v);
                break;
            case 's':
                v.sort_col =
                    v.sort_col + 1 >= SORT_COLUMNS ? -1 : v.sort_col + 1;
                break;
            case 'n':
                v.nets = !v.nets;
                break;
            case 'v':
                v.vcpus = !v.vcpus;
                break;
            case 'r':
                v.repeat = !v.repeat;
                break;
            default:
                continue;
            }
            timeout(100);
            draw(&v, &prev);
        }
    }
    top_snap_free(&prev);
    endwin();
    delscreen(scr);
    if (ret)
        xm_err(xm, "top: cannot read the domains");
    return ret;
}
