/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * paths.h: where state lives. Everything is under a root that defaults to
 * "/" and moves with PVSTACK_ROOT, so tests never touch the host's /etc/xen.
 */
#ifndef XT_LIB_PATHS_H
#define XT_LIB_PATHS_H

#include <stddef.h>

/* The root: $PVSTACK_ROOT if set and non-empty, else "". Never NULL. */
const char *paths_root(void);
/*
 * Write root + path (path absolute, e.g. "/run/xenstored/socket") into buf.
 * Returns 0 or -ENAMETOOLONG.
 */
int paths_get(char *buf, size_t len, const char *path);
/* The xenstored socket: $XENSTORED_PATH if set, else root/run/xenstored/socket
 * (the rule libxenstore's xs_daemon_socket() follows). */
int paths_xenstored_socket(char *buf, size_t len);
/* mkdir -p root + path with mode. Returns 0 or -errno. */
int paths_mkdir(const char *path, unsigned mode);

#endif
