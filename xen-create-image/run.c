/* SPDX-License-Identifier: GPL-2.0-only */
/* run.c: logging and command execution for the image tools (see run.h). */
#include "run.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* The running child, for xci_run_forward_signal() (STYLE.md allows
 * volatile sig_atomic_t globals for signal handlers). */
static volatile sig_atomic_t run_child;

void xci_run_forward_signal(int sig)
{
    pid_t pid = (pid_t)run_child;

    if (pid > 0)
        kill(pid, sig);
}

static void vsay(struct xci_log *l, int term, const char *fmt, va_list ap)
{
    va_list ap2;

    va_copy(ap2, ap);
    if (term && l->term) {
        vfprintf(l->term, fmt, ap);
        fputc('\n', l->term);
        fflush(l->term);
    }
    if (l->file) {
        vfprintf(l->file, fmt, ap2);
        fputc('\n', l->file);
        fflush(l->file);
    }
    va_end(ap2);
}

void xci_say(struct xci_log *l, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsay(l, 1, fmt, ap);
    va_end(ap);
}

void xci_note(struct xci_log *l, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsay(l, l->verbose, fmt, ap);
    va_end(ap);
}

static void log_argv(struct xci_log *l, const char *const argv[])
{
    char line[1024];
    size_t n = 0;
    int i;

    for (i = 0; argv[i] && n < sizeof(line) - 1; i++) {
        int w =
            snprintf(line + n, sizeof(line) - n, "%s%s", i ? " " : "", argv[i]);

        if (w < 0)
            break;
        n += (size_t)w;
    }
    xci_note(l, "Running: %s", line);
}

static void child(const char *const argv[], const struct xci_conf *env,
                  int outfd, int errfd, int flags)
{
    size_t i;

    if (!(flags & XCI_RUN_TTY)) {
        int nul = open("/dev/null", O_RDONLY);

        if (nul < 0 || dup2(nul, 0) < 0 || dup2(outfd, 1) < 0 ||
            dup2(errfd, 2) < 0)
            _exit(126);
    }
    for (i = 0; env && i < env->n; i++)
        if (setenv(env->v[i].key, env->v[i].val, 1))
            _exit(126);
    signal(SIGPIPE, SIG_DFL);
    execvp(argv[0], (char *const *)(uintptr_t)argv);
    fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
    _exit(127);
}

static void copy_out(struct xci_log *l, const char *buf, size_t n)
{
    if (l->file) {
        fwrite(buf, 1, n, l->file);
        fflush(l->file);
    }
    if (l->verbose && l->term) {
        fwrite(buf, 1, n, l->term);
        fflush(l->term);
    }
}

static int finish(struct xci_log *l, const char *name, pid_t pid)
{
    int st;

    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -errno;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    if (WIFEXITED(st))
        snprintf(l->failed, sizeof(l->failed), "%.100s exited with status %d",
                 name, WEXITSTATUS(st));
    else
        snprintf(l->failed, sizeof(l->failed), "%.100s killed by signal %d",
                 name, WTERMSIG(st));
    xci_note(l, "%s", l->failed);
    return -ECHILD;
}

/* Pump the child's pipes: err -> log; out -> log or the capture stream. */
static void pump(struct xci_log *l, int errfd, int outfd, FILE *cap)
{
    struct pollfd p[2] = {{.fd = errfd, .events = POLLIN},
                          {.fd = outfd, .events = POLLIN}};
    int open_n = outfd >= 0 ? 2 : 1;
    char buf[4096];

    while (open_n > 0) {
        int i;

        if (poll(p, outfd >= 0 ? 2 : 1, -1) < 0) {
            if (errno == EINTR)
                continue;
            break;
        }
        for (i = 0; i < (outfd >= 0 ? 2 : 1); i++) {
            ssize_t n;

            if (p[i].fd < 0 || !p[i].revents)
                continue;
            n = read(p[i].fd, buf, sizeof(buf));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0) {
                p[i].fd = -1;
                open_n--;
            } else if (i == 1 && cap) {
                fwrite(buf, 1, (size_t)n, cap);
            } else {
                copy_out(l, buf, (size_t)n);
            }
        }
    }
}

static int spawn(struct xci_log *l, const char *const argv[],
                 const struct xci_conf *env, int flags, FILE *cap)
{
    int ep[2] = {-1, -1}, op[2] = {-1, -1};
    pid_t pid;
    int rc;

    log_argv(l, argv);
    if (!(flags & XCI_RUN_TTY)) {
        if (pipe2(ep, O_CLOEXEC))
            return -errno;
        if (cap && pipe2(op, O_CLOEXEC)) {
            rc = -errno;
            close(ep[0]);
            close(ep[1]);
            return rc;
        }
    }
    if (l->term)
        fflush(l->term);
    if (l->file)
        fflush(l->file);
    pid = fork();
    if (pid < 0) {
        rc = -errno;
        goto out;
    }
    if (pid == 0)
        child(argv, env, cap ? op[1] : ep[1], ep[1], flags);
    run_child = pid;
    if (!(flags & XCI_RUN_TTY)) {
        close(ep[1]);
        ep[1] = -1;
        if (cap) {
            close(op[1]);
            op[1] = -1;
        }
        pump(l, ep[0], cap ? op[0] : -1, cap);
    }
    rc = finish(l, argv[0], pid);
    run_child = 0;
out:
    for (int i = 0; i < 2; i++) {
        if (ep[i] >= 0)
            close(ep[i]);
        if (op[i] >= 0)
            close(op[i]);
    }
    return rc;
}

int xci_run(struct xci_log *l, const char *const argv[],
            const struct xci_conf *env, int flags)
{
    return spawn(l, argv, env, flags, NULL);
}

int xci_run_capture(struct xci_log *l, const char *const argv[], char **out_out)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    int rc;

    if (!m)
        return -errno;
    rc = spawn(l, argv, NULL, 0, m);
    if (fclose(m) && !rc)
        rc = -ENOMEM;
    if (rc) {
        free(buf);
        return rc;
    }
    *out_out = buf;
    return 0;
}

int xci_expand_shell(const char *cmd, char **out)
{
    struct xci_log quiet = {.file = NULL};
    const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
    char *o = NULL;
    size_t n;
    int rc = xci_run_capture(&quiet, argv, &o);

    if (rc)
        return rc;
    n = strlen(o);
    while (n && o[n - 1] == '\n')
        o[--n] = '\0';
    *out = o;
    return 0;
}
