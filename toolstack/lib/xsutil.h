/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xsutil.h: libxenstore helpers every store client here needs: open with a
 * wait for xenstored, liveness, key reads and writes below a directory
 * with -errno returns, and the transaction retry loop (start, body,
 * commit; again on EAGAIN) written once.
 */
#ifndef XT_LIB_XSUTIL_H
#define XT_LIB_XSUTIL_H

#include <stddef.h>
#include <stdint.h>
#include <xenstore.h>

/* How often xsutil_transact() retries a transaction that hit EAGAIN. */
#define XSUTIL_TX_RETRIES 16

/*
 * xs_open, retried for up to wait_ms while xenstored is not up yet (the
 * daemons may be started together). NULL with errno set on failure.
 */
struct xs_handle *xsutil_open(int wait_ms);

/*
 * 1 while xenstored answers on xs, 0 once the connection is gone (the
 * daemon died or was stopped; libxenstore does not wake the watch fd then).
 */
int xsutil_alive(struct xs_handle *xs);

/*
 * Read dir/key (key may be NULL: read dir itself). *val_out is malloc'd and
 * NUL-terminated (cut at an embedded NUL); the caller frees it. Returns 0,
 * -ENOENT, -ENAMETOOLONG or -errno.
 */
int xsutil_read(struct xs_handle *xs, xs_transaction_t t, const char *dir,
                const char *key, char **val_out);
/* Read dir/key as an unsigned integer in [0, max] (base 0: decimal, 0x
 * hex). Returns 0, -ENOENT, -EINVAL (not a number) or -ERANGE. */
int xsutil_read_ull(struct xs_handle *xs, xs_transaction_t t, const char *dir,
                    const char *key, unsigned long long max,
                    unsigned long long *out);
/* Write dir/key = val (key may be NULL). Returns 0 or -errno. */
int xsutil_write(struct xs_handle *xs, xs_transaction_t t, const char *dir,
                 const char *key, const char *val);
/* Write dir/key = printf(fmt, ...). Returns 0, -E2BIG or -errno. */
int xsutil_printf(struct xs_handle *xs, xs_transaction_t t, const char *dir,
                  const char *key, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/*
 * The body of a transaction: do the reads and writes on t, return 0 to
 * commit or -errno to abort (that error is then xsutil_transact()'s).
 * It may run several times (after a conflict), so it must not keep state
 * from an earlier run except through arg, which it may reset.
 */
typedef int (*xsutil_tx_fn)(struct xs_handle *xs, xs_transaction_t t,
                            void *arg);

/*
 * Run fn in a transaction until it commits: on EAGAIN (another writer
 * changed what it read) start again, up to XSUTIL_TX_RETRIES times.
 * Returns 0 once committed, fn's error, -EAGAIN when every try conflicted,
 * or -errno from libxenstore.
 */
int xsutil_transact(struct xs_handle *xs, xsutil_tx_fn fn, void *arg);

/*
 * Read n nodes over a connection of its own to the xenstored socket, with
 * up to XSUTIL_MANY_WINDOW requests on the wire before their replies are
 * read (xs_wire.h: replies come in order, tagged with the req_id), so n
 * reads cost about n / window round trips instead of n (`xm list` of many
 * domains). out[i] is malloc'd or NULL where the node is missing or
 * unreadable. Returns 0, or -errno where the socket cannot be used (the
 * kernel's xenbus device, no daemon): the caller then reads one by one.
 */
#define XSUTIL_MANY_WINDOW 32
int xsutil_read_many(const char *const *paths, unsigned n, char **out);

/*
 * Requests on a connection of its own to the xenstored socket (xs_wire.h),
 * for a batch that libxenstore would send one round trip at a time: open
 * it with xsutil_raw_open() (an fd, or -errno where there is no socket:
 * the kernel's xenbus device; then use libxenstore), make single calls
 * with xsutil_raw_call() (a transaction's start and end, a directory) and
 * pipeline the rest with xsutil_raw_many(). tx is a transaction id (0:
 * none). The payloads are as on the wire: "path\0" (XS_MKDIR, XS_READ),
 * "path\0value" (XS_WRITE), "path\0n0\0r5\0" (XS_SET_PERMS).
 */
struct xsutil_req {
    uint32_t type; /* XS_* */
    const char *buf;
    size_t len;
};
int xsutil_raw_open(void);
/* One request and its reply: 0 with the reply (malloc'd, NUL-terminated)
 * in *out when out is set, the XS_ERROR as -errno, or -EIO/-EPROTO. */
int xsutil_raw_call(int fd, uint32_t type, uint32_t tx, const void *payload,
                    size_t len, char **out, size_t *out_len);
/* n requests, up to XSUTIL_MANY_WINDOW on the wire before their replies
 * are read: errs[i] = 0 or the -errno of reqs[i]'s XS_ERROR; vals (may be
 * NULL) gets each reply (malloc'd, NULL on an error). Returns 0, or -errno
 * when the connection failed (then some errs/vals are unset). */
int xsutil_raw_many(int fd, uint32_t tx, const struct xsutil_req *reqs,
                    unsigned n, int *errs, char **vals);

#endif
