/* SPDX-License-Identifier: GPL-2.0-only */
/* log.c: stderr/syslog logging for daemons and tools (see log.h). */
#include "lib/log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

/* Log state is the one global STYLE.md allows; log_init() resets it. */
static int log_stderr = 1;
static int log_verbose;
static const char *log_name = "pvstack";

void log_init(int to_stderr, int verbose)
{
    log_stderr = to_stderr;
    log_verbose = verbose;
    if (!to_stderr)
        openlog(log_name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void log_procinit(const char *name)
{
    if (name)
        log_name = name;
}

static void vlog(int pri, const char *fmt, va_list ap, int with_errno)
{
    int saved = errno;
    char msg[1024];

    vsnprintf(msg, sizeof(msg), fmt, ap);
    if (log_stderr) {
        if (with_errno)
            fprintf(stderr, "%s: %s: %s\n", log_name, msg, strerror(saved));
        else
            fprintf(stderr, "%s: %s\n", log_name, msg);
        fflush(stderr);
    } else if (with_errno) {
        syslog(pri, "%s: %s", msg, strerror(saved));
    } else {
        syslog(pri, "%s", msg);
    }
    errno = saved;
}

void log_msg(int pri, int with_errno, const char *fmt, ...)
{
    va_list ap;

    if (pri == LOG_DEBUG && !log_verbose)
        return;
    va_start(ap, fmt);
    vlog(pri, fmt, ap, with_errno);
    va_end(ap);
}

void log_fatal(int with_errno, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vlog(LOG_CRIT, fmt, ap, with_errno);
    va_end(ap);
    exit(EXIT_FAILURE);
}

int log_errbuf(char *err, size_t errlen, int rc, const char *fmt, ...)
{
    va_list ap;

    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return rc;
}
