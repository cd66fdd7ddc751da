/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * spawn.h: starting helper programs: find one next to our own binary, and
 * run one detached (its own session, stdin from /dev/null, stdout and
 * stderr appended to a log), as xm starts the daemons and the VMMs.
 */
#ifndef XT_LIB_SPAWN_H
#define XT_LIB_SPAWN_H

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

/*
 * Run path with argv in the foreground, stdio inherited, and wait for it.
 * Returns its exit status (0..255), -ECHILD when it died of a signal, or
 * -errno when it could not be run.
 */
int spawn_wait(const char *path, char *const argv[]);

#endif
