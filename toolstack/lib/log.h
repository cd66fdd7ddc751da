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

/* Route output: to_stderr != 0 -> stderr, else syslog. verbose enables debug.
 */
void log_init(int to_stderr, int verbose);
/* Tag every line with the program name ("blkback", "xenstored"). */
void log_procinit(const char *name);

/* log_warn appends ": strerror(errno)"; log_warnx does not. */
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * For code that must not print (lib/, the engine): fmt's one line into err
 * (errlen bytes; err may be NULL), and rc returned, so that a failure is
 * `return log_errbuf(err, errlen, -EINVAL, "...", ...)`.
 */
int log_errbuf(char *err, size_t errlen, int rc, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Only in main() or VMM set-up before the first KVM_RUN (STYLE.md 6). */
void fatal(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));
void fatalx(const char *fmt, ...)
    __attribute__((format(printf, 1, 2), noreturn));

#endif
