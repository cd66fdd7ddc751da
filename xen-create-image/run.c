/* SPDX-License-Identifier: GPL-2.0-only */
/* run.c: logging and command execution for the image tools (see run.h). */
#include "run.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "lib/spawn.h"

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

static void to_log(void *l, const char *line, size_t n)
{
    copy_out(l, line, n);
}

static void to_cap(void *cap, const char *line, size_t n)
{
    fwrite(line, 1, n, cap);
}

/* In the child: env's variables added to its environment. */
static int set_env(void *arg)
{
    const struct xci_conf *env = arg;
    size_t i;

    for (i = 0; i < env->n; i++)
        if (setenv(env->v[i].key, env->v[i].val, 1))
            return -errno;
    return 0;
}

static int spawn(struct xci_log *l, const char *const argv[],
                 const struct xci_conf *env, int flags, FILE *cap)
{
    struct spawn_out log = {
        .to = SPAWN_LINES, .line_fn = to_log, .line_arg = l};
    struct spawn_opts o = {.out = log,
                           .err = log,
                           .setup = env ? set_env : NULL,
                           .setup_arg = (void *)(uintptr_t)env,
                           .pid_out = &run_child};

    log_argv(l, argv);
    if (cap)
        o.out = (struct spawn_out){
            .to = SPAWN_LINES, .line_fn = to_cap, .line_arg = cap};
    if (flags & XCI_RUN_TTY) {
        o.out.to = o.err.to = SPAWN_INHERIT;
        o.keep_stdin = 1;
    }
    if (!spawn_run(NULL, (char *const *)(uintptr_t)argv, &o, l->failed,
                   sizeof(l->failed)))
        return 0;
    xci_note(l, "%s", l->failed);
    return -ECHILD;
}

int xci_run(struct xci_log *l, const char *const argv[],
            const struct xci_conf *env, int flags)
{
    return spawn(l, argv, env, flags, NULL);
}

int xci_run_capture(struct xci_log *l, const char *const argv[], char **out_out)
{
    struct xci_membuf m;
    int rc = xci_membuf_open(&m);

    if (rc)
        return rc;
    rc = xci_membuf_close(&m, spawn(l, argv, NULL, 0, m.f));
    if (rc == 0)
        *out_out = m.buf;
    return rc;
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
