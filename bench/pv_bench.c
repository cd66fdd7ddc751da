/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * pv_bench.c: kvm-engine benchmarks, each a ratio against a floor measured
 * in the same run: a bare KVM VM that is created, runs one `out`, exits.
 *  - xm create: `xm create -c` of the bundled guest (daemons already up)
 *    until its first console line arrives through xenconsoled's pty
 *  - vmm create: pvstack-vmm alone on a PV test kernel until its first
 *    console line (the VMM's share of the above)
 *  - evtchn: dom0 -> guest -> dom0 event-channel round trip through libhv
 *    (eventfd -> upcall-pending -> block wake -> ioeventfd notify)
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hv/hv.h"
#include "kvm_bare.h"
#include "results.h"

#define RUNS 15
#define ROUNDTRIPS 2000

/* The floor: one bare VM, created, run to its `out`, freed. */
static double floor_once(void)
{
    double t0 = bench_now_us();

    if (bench_bare_vm() < 0)
        fprintf(stderr, "floor: the bare VM failed\n");
    return bench_now_us() - t0;
}

/* Start the VMM (-d: log on its stderr, our pipe); return its pid. */
static pid_t vmm_start(const char *vmm, const char *kernel, unsigned domid,
                       int *errfd)
{
    char id[16];
    int p[2];
    pid_t pid;

    snprintf(id, sizeof(id), "%u", domid);
    if (pipe(p) < 0)
        return -1;
    pid = fork();
    if (pid == 0) {
        dup2(p[1], 2);
        close(p[0]);
        execl(vmm, vmm, "-d", "--domid", id, "--name", "bench", "--kernel",
              kernel, "--memory-kb", "16384", (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    *errfd = p[0];
    return pid;
}

/* Read the VMM's log until a line containing s (or EOF). */
static int wait_line(int fd, const char *s)
{
    char buf[8192];
    size_t got = 0;
    ssize_t n;

    while (got < sizeof(buf) - 1 &&
           (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0) {
        got += (size_t)n;
        buf[got] = '\0';
        if (strstr(buf, s))
            return 0;
    }
    return -1;
}

static void vmm_stop(pid_t pid, int fd)
{
    kill(pid, SIGTERM);
    waitpid(pid, NULL, 0);
    close(fd);
}

static double create_once(const char *vmm, const char *kernel)
{
    double t0 = bench_now_us(), t;
    int fd;
    pid_t pid = vmm_start(vmm, kernel, 4001, &fd);

    if (pid < 0 || wait_line(fd, "console: ") < 0)
        return -1;
    t = bench_now_us() - t0;
    vmm_stop(pid, fd);
    return t;
}

/* `xm create -c` with its stdout on a pipe: time to the banner. */
static double xm_create_once(const char *xm, const char *cfg)
{
    double t0 = bench_now_us(), t;
    int p[2], nul;
    pid_t pid;

    if (pipe(p) < 0)
        return -1;
    pid = fork();
    if (pid == 0) {
        nul = open("/dev/null", O_RDWR);
        dup2(nul, 0);
        dup2(p[1], 1);
        dup2(nul, 2);
        close(p[0]);
        execl(xm, xm, "create", "-c", cfg, (char *)NULL);
        _exit(127);
    }
    close(p[1]);
    t = wait_line(p[0], "pvstack guest: booting") == 0 ? bench_now_us() - t0
                                                       : -1;
    close(p[0]); /* the guest powers off by itself (extra="poweroff") */
    waitpid(pid, NULL, 0);
    return t;
}

static double xm_create(const char *bindir, const char *guest, const char *root)
{
    char xm[4200], cfg[4200], cmd[8600];
    double v[RUNS];
    FILE *f;
    int i, n = 0;

    snprintf(xm, sizeof(xm), "%s/xm", bindir);
    snprintf(cfg, sizeof(cfg), "%s/bench.cfg", root);
    f = fopen(cfg, "w");
    if (!f)
        return -1;
    fprintf(f,
            "name = \"bench\"\nkernel = \"%s\"\nmemory = 32\n"
            "extra = \"poweroff\"\n",
            guest);
    fclose(f);
    snprintf(cmd, sizeof(cmd), "%s daemons start >/dev/null", xm);
    if (system(cmd) != 0)
        return -1;
    for (i = 0; i < RUNS; i++) {
        v[n] = xm_create_once(xm, cfg);
        if (v[n] > 0)
            n++;
        usleep(200000); /* the monitor destroys the powered-off domain */
    }
    snprintf(cmd, sizeof(cmd),
             "for p in xenconsoled xenstored; do kill $(cat %s/run/$p.pid); "
             "done",
             root);
    if (system(cmd) != 0)
        fprintf(stderr, "pv_bench: stopping daemons failed\n");
    return n ? bench_median(v, n) : -1;
}

static double evtchn_roundtrip(const char *vmm, const char *kernel)
{
    struct hv_evtchn *ch = NULL;
    struct hv *hv = NULL;
    double t0, t = -1;
    struct pollfd p;
    int fd, i, rc = -1;
    pid_t pid = vmm_start(vmm, kernel, 4002, &fd);

    if (pid < 0 || wait_line(fd, "console: ") < 0 || hv_open(&hv) < 0 ||
        hv_evtchn_bind(hv, 4002, 1, &ch) < 0)
        goto out;
    p.fd = hv_evtchn_fd(ch);
    p.events = POLLIN;
    t0 = bench_now_us();
    for (i = 0; i < ROUNDTRIPS; i++) {
        hv_evtchn_notify(ch);
        if (poll(&p, 1, 2000) != 1)
            goto out;
        hv_evtchn_ack(ch);
    }
    t = (bench_now_us() - t0) / ROUNDTRIPS;
    rc = 0;
out:
    if (rc < 0)
        fprintf(stderr, "evtchn bench failed\n");
    hv_evtchn_close(ch);
    hv_close(hv);
    if (pid > 0)
        vmm_stop(pid, fd);
    return t;
}

int main(int argc, char **argv)
{
    const char *vmm = argc > 1 ? argv[1] : "build/bin/pvstack-vmm";
    const char *hello = argc > 2 ? argv[2] : "build/tests/pvtest-hello.elf";
    const char *echo = argc > 3 ? argv[3] : "build/tests/pvtest-echo.elf";
    const char *guest = argc > 4 ? argv[4] : "build/guest/pvguest.elf.xz";
    double fl[RUNS], cr[RUNS], f, c, e, x;
    char abs_guest[4096], bindir[4096], sock[4200];
    char root[] = "/tmp/pvbench.XXXXXX";
    int i;

    if (access("/dev/kvm", R_OK | W_OK) != 0) {
        printf("pv_bench: SKIP (no /dev/kvm)\n");
        return 0;
    }
    if (!mkdtemp(root))
        return 1;
    setenv("PVSTACK_ROOT", root, 1);
    setenv("PVSTACK_ENGINE", "kvm", 1);
    snprintf(sock, sizeof(sock), "%s/run/xenstored/socket", root);
    setenv("XENSTORED_PATH", sock, 1);
    if (!realpath(guest, abs_guest) || !realpath(vmm, bindir))
        return 1;
    *strrchr(bindir, '/') = '\0';
    for (i = 0; i < RUNS; i++)
        fl[i] = floor_once();
    for (i = 0; i < RUNS; i++)
        cr[i] = create_once(vmm, hello);
    f = bench_median(fl, RUNS);
    c = bench_median(cr, RUNS);
    e = evtchn_roundtrip(vmm, echo);
    x = xm_create(bindir, abs_guest, root);
    printf("floor (bare KVM VM: create, one out, exit): %.0f us\n", f);
    printf("xm create -c to first console line: %.0f us = %.1fx floor\n", x,
           x / f);
    printf("vmm alone to first console line: %.0f us = %.1fx floor\n", c,
           c / f);
    printf("event-channel round trip: %.1f us = %.3fx floor\n", e, e / f);
    /* latencies: the ratio is times the floor (lower is better) */
    if (bench_result("pv_bench", "xm create -c to first console line", x, f,
                     "us") ||
        bench_result("pv_bench", "vmm alone to first console line", c, f,
                     "us") ||
        bench_result("pv_bench", "event-channel round trip", e, f, "us"))
        fprintf(stderr, "pv_bench: cannot write the JSON results\n");
    {
        char cmd[64];
        snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
        if (system(cmd) != 0)
            return 1;
    }
    return c > 0 && e > 0 && x > 0 ? 0 : 1;
}
