/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * conlog.h: bounded logging of guest output, shared by xenconsoled
 * (condom.c) and the VMM's console_io: a per-guest byte limiter (bursts
 * pass, a flood is dropped and reported once per window, as Xen's printk
 * ratelimit does) and a log file capped in size that rotates <path> ->
 * <path>.1 -> ... -> <path>.<keep>, the way logrotate rotates
 * xenconsoled's logs. Neither is thread-safe: the caller serialises.
 */
#ifndef XT_CONSOLE_CONLOG_H
#define XT_CONSOLE_CONLOG_H

#include <stddef.h>
#include <stdint.h>

/* Default cap of one guest log file, and the rotated copies kept. */
#define CONLOG_MAX_BYTES (1024 * 1024)
#define CONLOG_KEEP 1

struct conlog_limit {
    uint64_t window_ns; /* length of one window */
    uint64_t burst;     /* bytes that pass per window */
    uint64_t start_ns;  /* current window's start */
    uint64_t used;      /* bytes passed in it */
    uint64_t dropped;   /* bytes dropped since the last report */
};

/* burst bytes pass per window of window_ms; the rest is dropped. */
void conlog_limit_init(struct conlog_limit *l, uint64_t burst,
                       unsigned window_ms);
/*
 * n bytes arrive at now_ns (CLOCK_MONOTONIC): returns how many of the
 * first bytes may pass (0..n); the rest count as dropped. When a window
 * opens after drops, *report_out is set once to the bytes dropped (the
 * caller logs "suppressed N bytes"), else to 0.
 */
size_t conlog_limit_take(struct conlog_limit *l, uint64_t now_ns, size_t n,
                         uint64_t *report_out);

struct conlog;

/*
 * Open (append, create 0644) the log at path, capped at max_bytes with
 * keep rotated copies (0: truncate instead). at_fd >= 0: the file is also
 * kept at that descriptor number (dup2), for a log written through stderr.
 * The path is copied. Returns 0 or -errno.
 */
int conlog_open(const char *path, uint64_t max_bytes, unsigned keep, int at_fd,
                struct conlog **out);
/* Append, rotating first if the file would pass its cap. 0 or -errno. */
int conlog_write(struct conlog *lg, const void *buf, size_t n);
/* Someone else appended through at_fd: rotate if the file is over its
 * cap. 0 or -errno. */
int conlog_check(struct conlog *lg);
/* Size of the current file as far as we know. */
uint64_t conlog_size(const struct conlog *lg);
/* Close (at_fd stays open on the last file). NULL ok. */
void conlog_close(struct conlog *lg);

#endif
