/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenbus.h: the guest's xenstore client over the store ring
 * (struct xenstore_domain_interface, xs_wire.h). Paths may be relative to
 * /local/domain/<domid>. Calls block the calling vcpu (vcpu 0: the store
 * event channel is bound there) and return >= 0 or -XEN_E*.
 */
#ifndef XT_GUEST_XENBUS_H
#define XT_GUEST_XENBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define XBT_NIL 0u

int xenbus_init(void);
/* Reads a value into buf (always terminated); returns its length. */
int xenbus_read(uint32_t tx, const char *path, char *buf, size_t size);
int xenbus_read_ulong(uint32_t tx, const char *path, unsigned long *val_out);
int xenbus_write(uint32_t tx, const char *path, const char *value);
int xenbus_mkdir(uint32_t tx, const char *path);
int xenbus_rm(uint32_t tx, const char *path);
/* Lists children as NUL-separated names in buf; returns the count. */
int xenbus_directory(uint32_t tx, const char *path, char *buf, size_t size);
int xenbus_watch(const char *path, const char *token);
int xenbus_unwatch(const char *path, const char *token);
int xenbus_transaction_start(uint32_t *tx_out);
/* abort != 0 discards; -XEN_EAGAIN means the caller should retry. */
int xenbus_transaction_end(uint32_t tx, int abort);
/* Waits for the next watch event until deadline_ns (0: forever);
 * -XEN_ETIMEDOUT if none came. */
int xenbus_wait_watch(char *path, size_t psize, char *token, size_t tsize,
                      uint64_t deadline_ns);
/* Same, but only for events with token want; others stay queued. */
int xenbus_wait_watch_token(const char *want, char *path, size_t psize,
                            char *token, size_t tsize, uint64_t deadline_ns);
/* Same, and returns -XEN_EAGAIN as soon as wake() is true between
 * messages (wake is evaluated with events masked; keep it trivial). */
int xenbus_wait_watch_wake(const char *want, char *path, size_t psize,
                           char *token, size_t tsize, uint64_t deadline_ns,
                           bool (*wake)(void));
/* Drops queued watch events whose token matches. */
void xenbus_flush_watch(const char *token);

/* Writes dir/node = printf(fmt, ...). */
int xenbus_printf(uint32_t tx, const char *dir, const char *node,
                  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Waits until the integer at path is >= min_state (a XenbusState);
 * returns the state seen or -errno (-XEN_ETIMEDOUT). */
int xenbus_wait_state(const char *path, unsigned long min_state,
                      uint64_t deadline_ns);

#endif
