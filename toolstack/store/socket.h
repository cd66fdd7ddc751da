/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * socket.h: the unix-socket transport of xenstored: a listener and its
 * clients, each a dom0 connection of the core. Driven by the daemon's poll
 * loop; never blocks.
 */
#ifndef XT_STORE_SOCKET_H
#define XT_STORE_SOCKET_H

#include <poll.h>
#include <stddef.h>

#include "store/store.h"

struct sock_server;

/*
 * Listen on path (replacing a stale socket file, mode 0600). flags are
 * XSD_CONN_* given to every client. Returns 0 or -errno.
 */
int sock_server_create(struct xsd *x, const char *path, unsigned int flags,
                       struct sock_server **s_out);
/* Closes every client and unlinks the socket. Accepts NULL. */
void sock_server_destroy(struct sock_server *s);
/* Fill at most max pollfds (listener first); returns how many (0 for a
 * NULL server, which sock_server_handle() also accepts). */
size_t sock_server_pollfds(struct sock_server *s, struct pollfd *fds,
                           size_t max);
/* Serve what poll() reported on the n fds filled above. */
void sock_server_handle(struct sock_server *s, const struct pollfd *fds,
                        size_t n);

#endif
