/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * spawn.h: starting helper programs: find one next to our own binary, run
 * one detached (its own session, stdin from /dev/null, stdout and stderr
 * appended to a log), as xm starts the daemons and the VMMs, or run one and
 * wait for it with its output logged, captured or read line by line.
 */
#ifndef XT_LIB_SPAWN_H
#define XT_LIB_SPAWN_H

#include <signal.h>
#include <stddef.h>
#include <sys/types.h>

/*
 * Write "<directory of /proc/self/exe>/<prog>" into buf: the build tree and
 * an installed sbin keep their programs side by side. Returns 0, -ENOENT
 * when that file is not executable, or -ENAMETOOLONG.
 */
int spawn_self_path(char *buf, size_t len, const char *prog);

/*
 * fork() twice, so that what runs on is nobody's child and, in its own
 * session (setsid), outlives us: returns 0 in that detached grandchild and
 * 1 here once the middle child is reaped, or -errno when the first fork
 * fails. Whether the second fork worked the caller learns from the
 * grandchild itself (a pipe it writes to: EOF means it never ran).
 */
int spawn_fork_detached(void);
/*
 * spawn_fork_detached with that pipe (close-on-exec): *fd is its write end
 * in the grandchild (0 returned), its read end here (1), each side's
 * other end closed; on -errno there is no pipe.
 */
int spawn_fork_detached_pipe(int *fd);
/*
 * In such a grandchild that runs on without exec (a monitor): stdin from
 * /dev/null, stdout and stderr appended to log_path (created 0644; NULL
 * means /dev/null), as spawn_detached sets them for a program. 0 or -errno.
 */
int spawn_stdio_detached(const char *log_path);

/*
 * Run path with argv (argv[0] included, NULL-terminated) detached from us:
 * double fork, setsid(), stdin /dev/null, stdout and stderr appended to
 * log_path (created 0644; NULL means /dev/null). The direct child is reaped
 * here, so the caller never sees a zombie. *pid_out (may be NULL) is the
 * pid of the detached process, which exec keeps. Returns 0 or -errno: a
 * failed exec (path missing, not executable) is reported as that errno,
 * not as a process that exits at once.
 */
int spawn_detached(const char *path, char *const argv[], const char *log_path,
                   pid_t *pid_out);

/* Where a child's stdout or stderr goes (struct spawn_out). */
enum spawn_to {
    SPAWN_INHERIT = 0, /* ours */
    SPAWN_NULL,        /* /dev/null */
    SPAWN_LOG,         /* appended to log_path (created 0644) */
    SPAWN_CAPTURE,     /* into cap: see struct spawn_out */
    SPAWN_LINES,       /* each line to line_fn */
};

/*
 * One line of a child's output, its '\n' included (the last line may lack
 * one; a line longer than 4 KiB comes in pieces). line is NUL-terminated
 * and borrowed for the call.
 */
typedef void spawn_line_fn(void *arg, const char *line, size_t len);

struct spawn_out {
    enum spawn_to to;
    const char *log_path; /* SPAWN_LOG */
    /*
     * SPAWN_CAPTURE: the first cap_len - 1 bytes land in cap, NUL-
     * terminated, their count in cap_used; the rest is read and dropped
     * (cap_truncated = 1), so a chatty child neither blocks nor dies of
     * SIGPIPE.
     */
    char *cap;
    size_t cap_len, cap_used;
    int cap_truncated;
    spawn_line_fn *line_fn; /* SPAWN_LINES */
    void *line_arg;
};

/* Run in the child before exec (the environment, say): 0 or -errno. */
typedef int spawn_setup_fn(void *arg);

/* How spawn_run runs a program; all-zero (or NULL) is the plain case. */
struct spawn_opts {
    struct spawn_out out, err; /* its stdout and stderr */
    int keep_stdin;            /* 0: stdin is /dev/null; 1: ours */
    /*
     * 0: no limit. Otherwise the child runs in a process group of its own
     * and past this many milliseconds the whole group gets SIGKILL.
     */
    unsigned timeout_ms;
    /* NULL-terminated, may be NULL: where else to look for argv[0] when it
     * has no '/' and PATH has no such program. */
    const char *const *exec_dirs;
    spawn_setup_fn *setup;
    void *setup_arg;
    /* May be NULL: the child's pid while it runs, then 0 (for a signal
     * handler that passes a signal on). */
    volatile sig_atomic_t *pid_out;
};

/*
 * Run argv (argv[0] included, NULL-terminated) and wait for it: path, or
 * argv[0] looked up in PATH when path is NULL, with stdio as o says (NULL:
 * stdin /dev/null, stdout and stderr ours, no time limit). Returns its exit
 * status (0..255), -ECHILD when a signal killed it, -ETIMEDOUT when the
 * time limit did, or -errno when it could not be run (a missing program
 * included). Unless it is 0, err (may be NULL) gets one line saying so:
 * "<argv[0]> exited with status N", "<argv[0]> killed by signal N",
 * "<argv[0]>: no answer within N s", "cannot run <argv[0]>: <why>".
 */
int spawn_run(const char *path, char *const argv[], struct spawn_opts *o,
              char *err, size_t errlen);

#endif
