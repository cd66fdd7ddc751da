/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bench_store.c: xenstored throughput over its unix socket: READ and WRITE
 * ops/s with 1 and 16 concurrent clients, and transaction commits/s
 * (START + WRITE + END). Each figure is printed beside a baseline measured
 * in the same run: a single-threaded poll() echo server on a unix socket
 * answering the same request and reply sizes -- the floor of the transport.
 * Then the same with a store of 100,000 nodes, and writes while another
 * client holds 128 watches on the written path and never reads (its
 * events must cost it, not the writer). Starts build/bin/xenstored (or
 * $XENSTORED_BIN) on a private root, state file included. Figures also go
 * to bench/results.json (bench/results.h). BENCH_STORE_ONLY="a|b"
 * measures only the figures whose name contains a or b (to profile).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

#include "lib/sock.h"
#include "results.h"

#define SECS 0.4 /* per round; each figure is the best of ROUNDS */
#define ROUNDS 5
#define VAL 64 /* value size of READ/WRITE */
#define MAXCL 16
#define OP_SPREAD 1000

struct job {
    const char *sock;
    int op; /* XS_READ, XS_WRITE, or XS_TRANSACTION_START for commits */
    /* OP_SPREAD: XS_WRITE to a new key each time (no event repeats) */
    int echo;
    int id;
    volatile int *stop;
    long ops;
    int err;
};

static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int dial(const char *path)
{
    int fd = sock_unix_connect(path, SOCK_STREAM);

    return fd < 0 ? -1 : fd;
}

static int io_all(int fd, void *buf, size_t len, int wr)
{
    char *p = buf;

    while (len) {
        ssize_t n = wr ? write(fd, p, len) : read(fd, p, len);

        if (n <= 0) {
            if (n < 0 && errno == EINTR)
                continue;
            return -1;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/*
 * One round trip. The echo server answers with rsp_len bytes (carried in
 * tx_id, which it ignores otherwise), xenstored with its real reply.
 */
static int rt(int fd, int echo, uint32_t type, uint32_t tx, const void *p,
              size_t len, size_t rsp_len, char *rsp)
{
    char buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
    struct xsd_sockmsg h = {type, 1, echo ? (uint32_t)rsp_len : tx,
                            (uint32_t)len};

    memcpy(buf, &h, sizeof(h));
    memcpy(buf + sizeof(h), p, len);
    if (io_all(fd, buf, sizeof(h) + len, 1) || io_all(fd, &h, sizeof(h), 0) ||
        h.len > XENSTORE_PAYLOAD_MAX || io_all(fd, rsp, h.len, 0))
        return -1;
    rsp[h.len] = '\0';
    if (!echo && h.type == XS_ERROR)
        return -1;
    return 0;
}

static void *client(void *arg)
{
    struct job *j = arg;
    char path[64], req[256], rsp[XENSTORE_PAYLOAD_MAX + 1];
    size_t plen;
    int fd = dial(j->sock);

    if (fd < 0) {
        j->err = 1;
        return NULL;
    }
    plen = (size_t)snprintf(path, sizeof(path), "/bench/c%d/key", j->id) + 1;
    memcpy(req, path, plen);
    memset(req + plen, 'v', VAL);
    /* make sure the key exists for READ */
    if (rt(fd, j->echo, XS_WRITE, 0, req, plen + VAL, 3, rsp))
        j->err = 1;
    while (!*j->stop && !j->err) {
        int rc;

        if (j->op == XS_READ) {
            rc = rt(fd, j->echo, XS_READ, 0, path, plen, VAL, rsp);
        } else if (j->op == XS_WRITE) {
            rc = rt(fd, j->echo, XS_WRITE, 0, req, plen + VAL, 3, rsp);
        } else if (j->op == OP_SPREAD) {
            char sp[256];
            int l = snprintf(sp, sizeof(sp), "/bench/c%d/k%ld", j->id,
                             j->ops % 4096) +
                    1;

            memset(sp + l, 'v', VAL);
            rc = rt(fd, j->echo, XS_WRITE, 0, sp, (size_t)l + VAL, 3, rsp);
        } else {
            uint32_t tx;

            rc = rt(fd, j->echo, XS_TRANSACTION_START, 0, "", 1, 2, rsp);
            tx = j->echo ? 1 : (uint32_t)strtoul(rsp, NULL, 10);
            if (!rc)
                rc = rt(fd, j->echo, XS_WRITE, tx, req, plen + VAL, 3, rsp);
            if (!rc)
                rc = rt(fd, j->echo, XS_TRANSACTION_END, tx, "T", 2, 3, rsp);
        }
        if (rc)
            j->err = 1;
        else
            j->ops++;
    }
    close(fd);
    return NULL;
}

static double run(const char *sock, int echo, int op, int ncl)
{
    struct job jobs[MAXCL];
    pthread_t th[MAXCL];
    volatile int stop = 0;
    double t0, t;
    long ops = 0;
    int i;

    for (i = 0; i < ncl; i++) {
        jobs[i] = (struct job){sock, op, echo, i, &stop, 0, 0};
        pthread_create(&th[i], NULL, client, &jobs[i]);
    }
    t0 = now();
    usleep((useconds_t)(SECS * 1e6));
    stop = 1;
    for (i = 0; i < ncl; i++) {
        pthread_join(th[i], NULL);
        if (jobs[i].err)
            return -1;
        ops += jobs[i].ops;
    }
    t = now() - t0;
    return (double)ops / t;
}

/*
 * The baseline: a poll() loop answering each request with tx_id bytes,
 * reading and writing as xenstored does (one recv per wakeup, one send
 * per reply), so the only difference is the store's own work.
 */
struct echo_cl {
    int fd;
    size_t have;
    char in[2 * (sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX)];
};

static int echo_serve(struct echo_cl *c, char *out)
{
    ssize_t n = recv(c->fd, c->in + c->have, sizeof(c->in) - c->have, 0);
    size_t off = 0;

    if (n <= 0)
        return -1;
    c->have += (size_t)n;
    for (;;) {
        struct xsd_sockmsg h;

        if (c->have - off < sizeof(h))
            break;
        memcpy(&h, c->in + off, sizeof(h));
        if (h.len > XENSTORE_PAYLOAD_MAX || h.tx_id > XENSTORE_PAYLOAD_MAX)
            return -1;
        if (c->have - off < sizeof(h) + h.len)
            break;
        off += sizeof(h) + h.len;
        h.len = h.tx_id;
        memcpy(out, &h, sizeof(h));
        if (io_all(c->fd, out, sizeof(h) + h.len, 1))
            return -1;
    }
    memmove(c->in, c->in + off, c->have - off);
    c->have -= off;
    return 0;
}

static void echo_server(int lfd)
{
    static struct echo_cl cl[MAXCL + 1];
    static char out[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
    struct pollfd fds[MAXCL + 1];
    int n = 1, i;

    memset(out, 'e', sizeof(out));
    fds[0] = (struct pollfd){.fd = lfd, .events = POLLIN};
    for (;;) {
        if (poll(fds, (nfds_t)n, -1) < 0)
            continue;
        for (i = 1; i < n; i++) {
            if (!(fds[i].revents & (POLLIN | POLLHUP)))
                continue;
            if (echo_serve(&cl[i], out)) {
                close(fds[i].fd);
                fds[i] = fds[n - 1];
                cl[i] = cl[n - 1];
                n--;
                i--;
            }
        }
        if ((fds[0].revents & POLLIN) && n <= MAXCL) {
            int fd = accept(lfd, NULL, NULL);

            if (fd >= 0) {
                fds[n] = (struct pollfd){.fd = fd, .events = POLLIN};
                cl[n].fd = fd;
                cl[n].have = 0;
                n++;
            }
        }
    }
}

static pid_t start_echo(const char *path)
{
    int fd = sock_unix_listen(path, SOCK_STREAM, 0, 64);
    pid_t pid;

    if (fd < 0)
        return -1;
    pid = fork();
    if (pid == 0) {
        echo_server(fd);
        _exit(0);
    }
    close(fd);
    return pid;
}

static pid_t start_xenstored(const char *root, const char *sock)
{
    const char *bin = getenv("XENSTORED_BIN");
    pid_t pid;
    int i;

    setenv("PVSTACK_ROOT", root, 1);
    setenv("XENSTORED_PATH", sock, 1);
    pid = fork();
    if (pid == 0) {
        execl(bin ? bin : "build/bin/xenstored", "xenstored", "-N",
              (char *)NULL);
        _exit(127);
    }
    for (i = 0; i < 200; i++) {
        int fd = dial(sock);

        if (fd >= 0) {
            close(fd);
            return pid;
        }
        usleep(20000);
    }
    kill(pid, SIGTERM);
    return -1;
}

/*
 * Alternate store and echo rounds so both see the same machine load (the
 * build machines are shared); keep each side's best round.
 */
static void best_of(const char *sock, const char *esock, int op, int ncl,
                    double *a_out, double *b_out)
{
    double a = 0, b = 0, v;
    int r;

    *a_out = *b_out = -1;
    for (r = 0; r < ROUNDS; r++) {
        v = run(sock, 0, op, ncl);
        if (v < 0)
            return;
        a = v > a ? v : a;
        v = run(esock, 1, op, ncl);
        if (v < 0)
            return;
        b = v > b ? v : b;
    }
    *a_out = a;
    *b_out = b;
}

/* Fill the store with n more nodes, as n/50 domains' worth of keys. */
static int populate(const char *sock, int n)
{
    char req[128], rsp[XENSTORE_PAYLOAD_MAX + 1];
    int fd = dial(sock), i, rc = 0;

    if (fd < 0)
        return -1;
    for (i = 0; i < n && !rc; i++) {
        int len =
            snprintf(req, sizeof(req), "/local/domain/%d/device/vbd/%d/state",
                     i / 50, i % 50);

        memcpy(req + len + 1, "4", 1);
        rc = rt(fd, 0, XS_WRITE, 0, req, (size_t)len + 2, 3, rsp);
    }
    close(fd);
    return rc;
}

/*
 * A client with 128 watches on /bench that reads its replies but never an
 * event again: the fd to keep open while the writers run, or -1.
 */
static int sleeper(const char *sock)
{
    char req[64], rsp[XENSTORE_PAYLOAD_MAX + 1];
    struct xsd_sockmsg h;
    int fd = dial(sock), i;

    if (fd < 0)
        return -1;
    for (i = 0; i < 128; i++) {
        int len = snprintf(req, sizeof(req), "/bench%ct%d", '\0', i);
        struct xsd_sockmsg w = {XS_WATCH, 1, 0, (uint32_t)len + 1};

        /* the reply, then the watch's first event */
        if (io_all(fd, &w, sizeof(w), 1) || io_all(fd, req, w.len, 1) ||
            io_all(fd, &h, sizeof(h), 0) || io_all(fd, rsp, h.len, 0) ||
            io_all(fd, &h, sizeof(h), 0) || io_all(fd, rsp, h.len, 0)) {
            close(fd);
            return -1;
        }
    }
    return fd;
}

/* BENCH_STORE_ONLY="a|b": only figures whose name contains a or b */
static int selected(const char *name, const char *only)
{
    char buf[256], *tok, *save = NULL;

    if (!only)
        return 1;
    snprintf(buf, sizeof(buf), "%s", only);
    for (tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save))
        if (strstr(name, tok))
            return 1;
    return 0;
}

static int figure(const char *name, const char *sock, const char *esock, int op,
                  int ncl)
{
    const char *only = getenv("BENCH_STORE_ONLY");
    double a, b;

    if (!selected(name, only))
        return 0;
    best_of(sock, esock, op, ncl, &a, &b);
    if (a < 0 || b < 0) {
        fprintf(stderr, "bench_store: %s failed\n", name);
        return -1;
    }
    printf("%-34s %14.0f %14.0f %6.2fx\n", name, a, b, a / b);
    fflush(stdout);
    if (bench_result("bench_store", name, a, b, "ops/s"))
        fprintf(stderr, "bench_store: cannot write the JSON results\n");
    return 0;
}

int main(void)
{
    static const struct {
        const char *name;
        int op;
    } ops[] = {{"read", XS_READ},
               {"write", XS_WRITE},
               {"tx commit", XS_TRANSACTION_START}};
    static const int ncls[] = {1, 16};
    char root[] = "/tmp/bench-store.XXXXXX", sock[128], esock[128], cmd[160];
    char name[64];
    pid_t xs, echo;
    size_t i, k;
    int rc = 0, sfd;

    if (!mkdtemp(root))
        return 1;
    snprintf(sock, sizeof(sock), "%s/socket", root);
    snprintf(esock, sizeof(esock), "%s/echo", root);
    xs = start_xenstored(root, sock);
    echo = start_echo(esock);
    if (xs < 0 || echo < 0) {
        fprintf(stderr, "bench_store: cannot start the servers\n");
        rc = 1;
        goto out;
    }
    printf("xenstored over its unix socket vs a unix-socket echo of the "
           "same sizes (best of %d rounds of %.1f s)\n",
           ROUNDS, SECS);
    printf("%-34s %14s %14s %7s\n", "op, clients", "xenstored/s", "echo/s",
           "ratio");
    for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        for (k = 0; k < sizeof(ncls) / sizeof(ncls[0]); k++) {
            snprintf(name, sizeof(name), "%s, %d client%s", ops[i].name,
                     ncls[k], ncls[k] > 1 ? "s" : "");
            if (figure(name, sock, esock, ops[i].op, ncls[k])) {
                rc = 1;
                goto out;
            }
        }
    }
    /* new keys each time, then with a client that never reads events */
    if (figure("write new keys, 1 client", sock, esock, OP_SPREAD, 1)) {
        rc = 1;
        goto out;
    }
    sfd = sleeper(sock);
    if (sfd < 0 ||
        figure("same, 128-watch non-reader", sock, esock, OP_SPREAD, 1)) {
        rc = 1;
        goto out;
    }
    close(sfd);
    /* single-node operations must not care how big the store is */
    if (populate(sock, 100000)) {
        rc = 1;
        goto out;
    }
    for (i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
        snprintf(name, sizeof(name), "%s, 1 client, 100k nodes", ops[i].name);
        if (figure(name, sock, esock, ops[i].op, 1)) {
            rc = 1;
            goto out;
        }
    }
out:
    if (xs > 0) {
        kill(xs, SIGTERM);
        waitpid(xs, NULL, 0);
    }
    if (echo > 0) {
        kill(echo, SIGKILL);
        waitpid(echo, NULL, 0);
    }
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    if (system(cmd) != 0)
        rc = 1;
    return rc;
}
