/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvm_ctl.c: client side of the VMM control socket (vmmctl.h): one
 * SOCK_SEQPACKET request, one reply with optional SCM_RIGHTS fds.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <unistd.h>

#include "hv/hv.h"
#include "hv/kvm.h"
#include "lib/clock.h"
#include "lib/paths.h"
#include "lib/sock.h"

#define KVMCTL_MAXFDS 4

static int kvmctl_connect(uint32_t domid, pid_t *peer_out)
{
    char rel[64], path[108];
    struct ucred cred;
    socklen_t cl = sizeof(cred);
    int fd, rc;

    snprintf(rel, sizeof(rel), VMMCTL_SOCK_FMT, domid);
    rc = paths_get(path, sizeof(path), rel);
    if (rc < 0)
        return rc;
    fd = sock_unix_connect(path, SOCK_SEQPACKET);
    /* No socket or nobody listening: the domain does not exist. */
    if (fd == -ENOENT || fd == -ECONNREFUSED)
        return -ESRCH;
    if (fd < 0)
        return fd;
    if (peer_out) {
        if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl) == 0)
            *peer_out = cred.pid;
        else
            *peer_out = 0;
    }
    return fd;
}

static int kvmctl_recv(int fd, struct vmmctl_rep *rep, int *fds,
                       unsigned maxfds, unsigned *nfds_out)
{
    size_t n = maxfds < KVMCTL_MAXFDS ? maxfds : KVMCTL_MAXFDS;
    unsigned i;
    ssize_t r;

    r = sock_recv_fds(fd, rep, sizeof(*rep), fds, &n);
    if (r == -EAGAIN)
        return -ETIMEDOUT;
    if (r == -EMSGSIZE)
        return -EPROTO; /* more fds than the request wants */
    if (r < 0)
        return (int)r;
    if (nfds_out)
        *nfds_out = (unsigned)n;
    if (r == 0)
        return -ESRCH; /* the VMM went away (destroyed) */
    if ((size_t)r != sizeof(*rep)) {
        for (i = 0; i < n; i++)
            close(fds[i]);
        if (nfds_out)
            *nfds_out = 0;
        return -EPROTO;
    }
    return 0;
}

/* kvmctl_connect, its replies awaited timeout_ms at the most (< 0: no
 * limit). */
static int connect_timed(uint32_t domid, int timeout_ms, pid_t *peer_out)
{
    int fd = kvmctl_connect(domid, peer_out);

    if (fd >= 0 && timeout_ms >= 0) {
        struct timeval tv = {.tv_sec = timeout_ms / 1000,
                             .tv_usec = (timeout_ms % 1000) * 1000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    }
    return fd;
}

int kvmctl_call(uint32_t domid, uint32_t op, uint64_t arg,
                struct vmmctl_rep *rep, int *fds, unsigned maxfds,
                unsigned *nfds_out, int timeout_ms, pid_t *peer_out)
{
    struct vmmctl_req req = {.magic = VMMCTL_MAGIC, .op = op, .arg = arg};
    int fd, rc;

    if (nfds_out)
        *nfds_out = 0;
    memset(rep, 0, sizeof(*rep));
    fd = connect_timed(domid, timeout_ms, peer_out);
    if (fd < 0)
        return fd;
    if (send(fd, &req, sizeof(req), MSG_NOSIGNAL) != sizeof(req)) {
        rc = -errno;
        close(fd);
        return rc == -EPIPE ? -ESRCH : rc;
    }
    rc = kvmctl_recv(fd, rep, fds, maxfds, nfds_out);
    close(fd);
    if (rc < 0)
        return rc;
    return rep->rc;
}

int kvmctl_call_fd(uint32_t domid, uint32_t op, uint64_t arg, int fd,
                   struct vmmctl_rep *rep, int timeout_ms)
{
    struct vmmctl_req req = {.magic = VMMCTL_MAGIC, .op = op, .arg = arg};
    int c, rc;
    ssize_t n;

    memset(rep, 0, sizeof(*rep));
    c = connect_timed(domid, timeout_ms, NULL);
    if (c < 0)
        return c;
    n = sock_send_fds(c, &req, sizeof(req), &fd, 1, 0);
    if (n != (ssize_t)sizeof(req)) {
        close(c);
        return n == -EPIPE ? -ESRCH : n < 0 ? (int)n : -EIO;
    }
    rc = kvmctl_recv(c, rep, NULL, 0, NULL);
    close(c);
    return rc < 0 ? rc : rep->rc;
}

/*
 * VMMCTL_INFO of n domains at once: every request is sent before the first
 * reply is read, so the VMMs answer side by side and `xm list` of many
 * domains costs about one round trip, not one per domain. ok[i] is 1 where
 * out[i] was filled (0: no such domain, a stale socket, or no answer
 * within timeout_ms). Returns how many were filled, or -errno.
 */
int kvmctl_info_many(const uint32_t *ids, unsigned n, struct vmmctl_info *out,
                     int *ok, int timeout_ms)
{
    struct vmmctl_req req = {.magic = VMMCTL_MAGIC, .op = VMMCTL_INFO};
    struct pollfd *p = calloc(n ? n : 1, sizeof(*p));
    unsigned i, left = 0;
    long end = mono_ms() + timeout_ms;
    int got = 0;

    for (i = 0; i < n; i++)
        ok[i] = 0; /* also when we cannot ask: the caller reads ok[] */
    if (!p)
        return -ENOMEM;
    for (i = 0; i < n; i++) {
        p[i].fd = kvmctl_connect(ids[i], NULL);
        p[i].events = POLLIN;
        if (p[i].fd >= 0 &&
            send(p[i].fd, &req, sizeof(req), MSG_NOSIGNAL) != sizeof(req)) {
            close(p[i].fd);
            p[i].fd = -1;
        }
        if (p[i].fd < 0)
            p[i].fd = -1; /* poll ignores it */
        else
            left++;
    }
    while (left) {
        long wait = end - mono_ms();

        if (wait <= 0 || poll(p, n, (int)wait) <= 0)
            break;
        for (i = 0; i < n; i++) {
            struct vmmctl_rep rep;

            if (p[i].fd < 0 || !p[i].revents)
                continue;
            if (kvmctl_recv(p[i].fd, &rep, NULL, 0, NULL) == 0 && rep.rc == 0) {
                out[i] = rep.info;
                ok[i] = 1;
                got++;
            }
            close(p[i].fd);
            p[i].fd = -1;
            left--;
        }
    }
    for (i = 0; i < n; i++)
        if (p[i].fd >= 0)
            close(p[i].fd);
    free(p);
    return got;
}
