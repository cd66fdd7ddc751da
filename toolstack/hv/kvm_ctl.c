/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvm_ctl.c: client side of the VMM control socket (vmmctl.h): one
 * SOCK_SEQPACKET request, one reply with optional SCM_RIGHTS fds.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "hv/hv.h"
#include "hv/kvm.h"
#include "lib/paths.h"

#define KVMCTL_MAXFDS 4

static int kvmctl_connect(uint32_t domid, pid_t *peer_out)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char rel[64];
    struct ucred cred;
    socklen_t cl = sizeof(cred);
    int fd, rc;

    snprintf(rel, sizeof(rel), VMMCTL_SOCK_FMT, domid);
    rc = paths_get(sa.sun_path, sizeof(sa.sun_path), rel);
    if (rc < 0)
        return rc;
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
        rc = errno;
        close(fd);
        /* No socket or nobody listening: the domain does not exist. */
        if (rc == ENOENT || rc == ECONNREFUSED)
            return -ESRCH;
        return -rc;
    }
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
    union {
        char buf[CMSG_SPACE(KVMCTL_MAXFDS * sizeof(int))];
        struct cmsghdr align;
    } cm;
    struct iovec iov = {.iov_base = rep, .iov_len = sizeof(*rep)};
    struct msghdr msg = {.msg_iov = &iov,
                         .msg_iovlen = 1,
                         .msg_control = cm.buf,
                         .msg_controllen = sizeof(cm.buf)};
    struct cmsghdr *c;
    unsigned n = 0, i;
    ssize_t r;

    r = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
    if (r < 0)
        return errno == EAGAIN ? -ETIMEDOUT : -errno;
    for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        unsigned cnt = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        int *p = (int *)CMSG_DATA(c);
        for (i = 0; i < cnt; i++) {
            if (n < maxfds)
                fds[n++] = p[i];
            else
                close(p[i]);
        }
    }
    if (nfds_out)
        *nfds_out = n;
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

int kvmctl_call(uint32_t domid, uint32_t op, uint64_t arg,
                struct vmmctl_rep *rep, int *fds, unsigned maxfds,
                unsigned *nfds_out, int timeout_ms, pid_t *peer_out)
{
    struct vmmctl_req req = {.magic = VMMCTL_MAGIC, .op = op, .arg = arg};
    int fd, rc;

    if (nfds_out)
        *nfds_out = 0;
    memset(rep, 0, sizeof(*rep));
    fd = kvmctl_connect(domid, peer_out);
    if (fd < 0)
        return fd;
    if (timeout_ms >= 0) {
        struct timeval tv = {.tv_sec = timeout_ms / 1000,
                             .tv_usec = (timeout_ms % 1000) * 1000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    }
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
