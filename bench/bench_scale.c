/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench_scale.c: many domains on the kvm engine (issue 15's scale goals),
 * each figure against a baseline measured in the same run:
 *  - N domains of 32 MiB created at once with `xm create` (each returns
 *    once its domain is built and unpaused) until all have returned, against
 *    N bare KVM VMs created at once by as many processes (create, one `out`,
 *    exit): what the toolstack adds to what KVM itself costs;
 *  - `xm list` with the N domains, against `xm list` with Domain-0 alone;
 *  - xenstored's resident memory per domain (its RSS grown by the N
 *    domains, over N), against its RSS with Domain-0 alone.
 *   bench_scale [BINDIR [GUEST [N]]]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kvm_bare.h"
#include "results.h"
#include "lib/proc.h"

#define LIST_RUNS 9

static double now_ms(void)
{
    return bench_now_us() / 1e3;
}

/* Run n children at once, each doing `what` (0: a bare VM, else xm create
 * of domain s<i>); ms until all have exited, < 0 if one failed. */
static double all_at_once(int n, const char *xm, const char *cfg)
{
    double t0 = now_ms();
    int i, st, bad = 0;

    for (i = 0; i < n; i++) {
        pid_t pid = fork();

        if (pid < 0)
            return -1;
        if (pid == 0) {
            char name[32];

            if (!xm)
                _exit(bench_bare_vm() ? 1 : 0);
            snprintf(name, sizeof(name), "name=\"s%d\"", i);
            if (!freopen("/dev/null", "w", stdout))
                _exit(127);
            execl(xm, xm, "create", cfg, name, (char *)NULL);
            _exit(127);
        }
    }
    while (wait(&st) > 0)
        if (!WIFEXITED(st) || WEXITSTATUS(st))
            bad++;
    if (bad)
        fprintf(stderr, "bench_scale: %d of %d %s failed\n", bad, n,
                xm ? "xm creates" : "bare VMs");
    return bad ? -1 : now_ms() - t0;
}

static int run(const char *cmd)
{
    int rc = system(cmd);

    return rc == 0 ? 0 : -1;
}

/* median ms of `xm list` with its output discarded */
static double xm_list_ms(const char *xm)
{
    char cmd[4200];
    double v[LIST_RUNS];
    int i;

    snprintf(cmd, sizeof(cmd), "%s list >/dev/null", xm);
    for (i = 0; i < LIST_RUNS; i++) {
        double t0 = now_ms();

        if (run(cmd))
            return -1;
        v[i] = now_ms() - t0;
    }
    return bench_median(v, LIST_RUNS);
}

/* xenstored's VmRSS in KiB, from its pid file; -1 if unknown */
static long store_rss_kb(const char *root)
{
    char path[4200];
    uint64_t kb;
    long pid = 0;
    FILE *f;

    snprintf(path, sizeof(path), "%s/run/xenstored.pid", root);
    f = fopen(path, "r");
    if (!f || fscanf(f, "%ld", &pid) != 1)
        pid = 0;
    if (f)
        fclose(f);
    snprintf(path, sizeof(path), "/proc/%ld/status", pid);
    if (!pid || proc_field_kb(path, "VmRSS", &kb) < 0)
        return -1;
    return (long)kb;
}

int main(int argc, char **argv)
{
    const char *bindir = argc > 1 ? argv[1] : "build/bin";
    const char *guest = argc > 2 ? argv[2] : "build/guest/pvguest.elf.xz";
    int n = argc > 3 ? atoi(argv[3]) : 100;
    char root[] = "/tmp/pvscale.XXXXXX", xm[4200], cfg[4200], cmd[13000];
    char abs_bin[4096], abs_guest[4096], sock[4200];
    double bare, made, list0, listn;
    long rss0, rssn;
    FILE *f;
    int rc = 1;

    if (access("/dev/kvm", R_OK | W_OK) != 0) {
        printf("bench_scale: SKIP (no /dev/kvm)\n");
        return 0;
    }
    if (n < 1 || !realpath(bindir, abs_bin) || !realpath(guest, abs_guest) ||
        !mkdtemp(root))
        return 1;
    setenv("PVSTACK_ROOT", root, 1);
    setenv("PVSTACK_ENGINE", "kvm", 1);
    snprintf(sock, sizeof(sock), "%s/run/xenstored/socket", root);
    setenv("XENSTORED_PATH", sock, 1);
    snprintf(xm, sizeof(xm), "%s/xm", abs_bin);
    snprintf(cfg, sizeof(cfg), "%s/scale.cfg", root);
    f = fopen(cfg, "w");
    if (!f)
        return 1;
    /* the guest stays up (no "poweroff" on its command line) */
    fprintf(f, "kernel = \"%s\"\nmemory = 32\n", abs_guest);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "%s daemons start >/dev/null", xm);
    if (run(cmd))
        goto out;
    bare = all_at_once(n, NULL, NULL);
    list0 = xm_list_ms(xm);
    rss0 = store_rss_kb(root);
    made = all_at_once(n, xm, cfg);
    listn = xm_list_ms(xm);
    rssn = store_rss_kb(root);
    if (bare < 0 || made < 0 || list0 < 0 || listn < 0 || rss0 < 0 || rssn < 0)
        goto stop;
    printf("%d bare KVM VMs at once: %.0f ms\n", n, bare);
    printf("%d domains of 32 MiB at once (xm create): %.0f ms = %.1fx the "
           "bare VMs\n",
           n, made, made / bare);
    printf("xm list: %.1f ms with %d domains, %.1f ms with Domain-0 alone "
           "(%.1fx)\n",
           listn, n, list0, listn / list0);
    printf("xenstored RSS: %ld KiB with Domain-0 alone, %.1f KiB more per "
           "domain\n",
           rss0, (double)(rssn - rss0) / n);
    if (bench_result("bench_scale", "domains created at once (ms)", made, bare,
                     "ms") ||
        bench_result("bench_scale", "xm list with the domains (ms)", listn,
                     list0, "ms") ||
        bench_result("bench_scale", "xenstored RSS per domain (KiB)",
                     (double)(rssn - rss0) / n, (double)rss0, "KiB"))
        fprintf(stderr, "bench_scale: cannot write the JSON results\n");
    rc = 0;
stop:
    snprintf(cmd, sizeof(cmd),
             "for d in $(%s list | awk 'NR > 2 {print $1}'); do %s destroy "
             "$d; done; %s daemons stop >/dev/null",
             xm, xm, xm);
    if (run(cmd))
        rc = 1;
out:
    snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
    if (run(cmd))
        rc = 1;
    return rc;
}
