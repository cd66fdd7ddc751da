/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * condom.h: one guest's console in xenconsoled: the mapped ring and event
 * channel, the pty whose slave path goes to /local/domain/<id>/console/tty,
 * and the optional log file. Single-threaded: the daemon's loop calls
 * condom_handle_*() when the fds from condom_fds() are ready.
 */
#ifndef XT_CONSOLE_CONDOM_H
#define XT_CONSOLE_CONDOM_H

#include <poll.h>
#include <stdint.h>
#include <xenstore.h>

#include "hv/hv.h"

struct condom;

/* Xen xenconsoled's RATE_LIMIT_ALLOWANCE and RATE_LIMIT_PERIOD: events a
 * guest gets served per period before it waits for the next one. */
#define CONDOM_EVENTS 30
#define CONDOM_PERIOD_MS 200

/*
 * Attach domid's console: read console/ring-ref (a guest frame number) and
 * console/port, map the ring, bind the channel, open a pty and write its
 * slave path to console/tty. log_dir non-NULL: append guest output to
 * <log_dir>/guest-<name>.log, rotated to .log.1 past log_max bytes (0:
 * CONLOG_MAX_BYTES). Borrows xs and hv. Returns 0, -ENOENT (the domain has
 * no console keys yet) or -errno.
 */
int condom_create(struct xs_handle *xs, struct hv *hv, uint32_t domid,
                  const char *log_dir, uint64_t log_max, struct condom **out);
/* Unbind, unmap, close the pty and log. NULL ok. */
void condom_destroy(struct condom *cd);
uint32_t condom_domid(const struct condom *cd);
/* Fill pfd[0] (event channel) and pfd[1] (pty master); returns 2. */
int condom_fds(const struct condom *cd, struct pollfd pfd[2]);
/* The event channel fired: drain output, feed input, notify. 0 or
 * -EPROTO (hostile ring: the caller destroys the console). */
int condom_handle_evtchn(struct condom *cd);
/* The pty master is readable/writable (revents from poll). */
int condom_handle_pty(struct condom *cd, short revents);
/* Bytes of guest output dropped because nobody read the pty. */
uint64_t condom_dropped(const struct condom *cd);
/* -1, or the ms until a throttled console is served again (a poll
 * timeout for the daemon's loop). */
int condom_wait_ms(const struct condom *cd);
/* Periods in which the guest used up its events (flood count). */
uint64_t condom_throttled(const struct condom *cd);

#endif
