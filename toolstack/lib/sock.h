/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * sock.h: unix-domain sockets as every pvstack program uses them: listen on
 * a path, connect to one, and pass fds (SCM_RIGHTS) beside a message. All
 * fds are opened with O_CLOEXEC.
 */
#ifndef XT_LIB_SOCK_H
#define XT_LIB_SOCK_H

#include <stddef.h>
#include <sys/types.h>

/* The most fds one sock_send_fds()/sock_recv_fds() carries. */
#define SOCK_MAX_FDS 16

/*
 * Bind a unix socket of type (SOCK_STREAM or SOCK_SEQPACKET, optionally
 * | SOCK_NONBLOCK) to path and listen. A stale socket file at path (one
 * nobody accepts on) is replaced; a live one is -EADDRINUSE (someone
 * serves there: a second xenstored, a taken domid); anything else there is
 * left alone (-EEXIST). mode != 0 chmods the socket (0 leaves the
 * umask's). Returns the fd or -errno (-ENAMETOOLONG when path does not fit
 * sun_path).
 */
int sock_unix_listen(const char *path, int type, unsigned mode, int backlog);

/* Connect a unix socket of type to path. Returns the fd or -errno. */
int sock_unix_connect(const char *path, int type);

/* 1 when something accepts a SOCK_STREAM connection at path, else 0. */
int sock_unix_answers(const char *path);

/*
 * Send len bytes of buf with nfds (<= SOCK_MAX_FDS) fds attached, in one
 * sendmsg with MSG_NOSIGNAL | flags (e.g. MSG_DONTWAIT). The fds stay the
 * caller's. Returns the bytes sent or -errno.
 */
ssize_t sock_send_fds(int fd, const void *buf, size_t len, const int *fds,
                      size_t nfds, int flags);

/*
 * Receive one message of at most len bytes and up to *nfds_inout fds
 * (opened O_CLOEXEC, owned by the caller from then on). On return
 * *nfds_inout is how many arrived. Fds beyond the caller's room, or a
 * truncated control message, are closed and the call fails with -EMSGSIZE,
 * so a peer cannot leak fds into us. Returns the bytes received (0 at EOF)
 * or -errno (-EAGAIN also after SO_RCVTIMEO expired).
 */
ssize_t sock_recv_fds(int fd, void *buf, size_t len, int *fds,
                      size_t *nfds_inout);

#endif
