/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * log.h: the one logging API of every pvstack daemon and tool, shaped like
 * OpenBSD vmd's log.c. stderr when started with -d (or log_init(1)), syslog
 * otherwise. Logging preserves errno.
 */
#ifndef XT_LIB_LOG_H
#define XT_LIB_LOG_H

#include <stdarg.h>
#include <stddef.h>
#include <syslog.h>

/* Route output: to_stderr != 0 -> stderr, else syslog. verbose enables debug.
 */
void log_init(int to_stderr, int verbose);
/* Tag every line with the program name ("blkback", "xenstored"). */
void log_procinit(const char *name);

/*
 * One line at syslog priority pri; with_errno appends ": strerror(errno)".
 * LOG_DEBUG lines are dropped unless log_init() was given verbose. The
 * names below are the API; log_msg is what they share.
 */
void log_msg(int pri, int with_errno, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define log_warn(...) log_msg(LOG_WARNING, 1, __VA_ARGS__)
#define log_warnx(...) log_msg(LOG_WARNING, 0, __VA_ARGS__)
#define log_info(...) log_msg(LOG_INFO, 0, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_DEBUG, 0, __VA_ARGS__)

/*
 * For code that must not print (lib/, the engine): fmt's one line into err
 * (errlen bytes; err may be NULL), and rc returned, so that a failure is
 * `return log_errbuf(err, errlen, -EINVAL, "...", ...)`.
 */
int log_errbuf(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/*
 * log_msg at LOG_CRIT, then exit(EXIT_FAILURE). Only in main() or VMM set-up
 * before the first KVM_RUN (STYLE.md 6).
 */
void log_fatal(int with_errno, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), noreturn));
#define fatal(...) log_fatal(1, __VA_ARGS__)
#define fatalx(...) log_fatal(0, __VA_ARGS__)

#endif
