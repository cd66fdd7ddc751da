/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * run.h: the image builder's log (/var/log/xen-tools/<host>.log, as
 * xen-tools writes) and the one way it runs commands: their output goes to
 * the log, and to the terminal with --verbose.
 */
#ifndef XT_XCI_RUN_H
#define XT_XCI_RUN_H

#include <stdio.h>

#include "conf.h"

struct xci_log {
    FILE *file;       /* may be NULL: terminal only */
    FILE *term;       /* progress for the user (stdout) */
    int verbose;      /* copy command output to term */
    char failed[160]; /* the last command that failed, and how */
};

/* A progress line: to the terminal and the log. */
void xci_say(struct xci_log *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A detail: to the log, and to the terminal with --verbose. */
void xci_note(struct xci_log *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

enum {
    XCI_RUN_TTY = 1, /* inherit stdin/stdout/stderr (interactive passwd) */
};

/*
 * Run argv[0] (PATH lookup) with argv, stdin from /dev/null, with the
 * variables of env (may be NULL) added to the environment. Returns 0 when
 * it exits 0, else -ECHILD with l->failed saying why (it exited non-zero,
 * died, or could not be run; logged).
 */
int xci_run(struct xci_log *l, const char *const argv[],
            const struct xci_conf *env, int flags);
/*
 * As xci_run, but stdout goes to *out_out (malloc'd, NUL-terminated, the
 * caller frees it) and only stderr to the log.
 */
int xci_run_capture(struct xci_log *l, const char *const argv[],
                    char **out_out);

/* Send sig to the command xci_run is waiting for, if any. Async-signal-
 * safe: for a SIGTERM/SIGINT handler, so a killed build stops its child
 * and then cleans up instead of leaving it running. */
void xci_run_forward_signal(int sig);

/* Backtick expansion for xen-tools.conf (conf.h xci_expand_fn): sh -c. */
int xci_expand_shell(const char *cmd, char **out);

#endif
