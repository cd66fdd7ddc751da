/* SPDX-License-Identifier: GPL-2.0-only */
/* sock.c: unix sockets and SCM_RIGHTS (see sock.h). */
#include "lib/sock.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

static int sock_addr(struct sockaddr_un *sa, const char *path)
{
    size_t n = strlen(path);

    memset(sa, 0, sizeof(*sa));
    sa->sun_family = AF_UNIX;
    if (n == 0 || n >= sizeof(sa->sun_path))
        return -ENAMETOOLONG;
    memcpy(sa->sun_path, path, n + 1);
    return 0;
}

int sock_unix_connect(const char *path, int type)
{
    struct sockaddr_un sa;
    int fd, rc;

    rc = sock_addr(&sa, path);
    if (rc)
        return rc;
    fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
        rc = -errno;
        close(fd);
        return rc;
    }
    return fd;
}

/* Remove path only if it is a socket nobody serves: never delete
 * someone's file, never steal a live server's address. */
static int sock_unlink_stale(const char *path, int type)
{
    struct stat st;
    int fd;

    if (lstat(path, &st) != 0)
        return errno == ENOENT ? 0 : -errno;
    if (!S_ISSOCK(st.st_mode))
        return -EEXIST;
    fd = sock_unix_connect(path, type & ~SOCK_NONBLOCK);
    if (fd >= 0) {
        close(fd);
        return -EADDRINUSE;
    }
    if (unlink(path) != 0 && errno != ENOENT)
        return -errno;
    return 0;
}

int sock_unix_listen(const char *path, int type, unsigned mode, int backlog)
{
    struct sockaddr_un sa;
    int fd = -1;
    int rc;

    rc = sock_addr(&sa, path);
    if (rc)
        return rc;
    rc = sock_unlink_stale(path, type);
    if (rc)
        return rc;
    fd = socket(AF_UNIX, type | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
        (mode && chmod(path, mode) != 0) || listen(fd, backlog) != 0) {
        rc = -errno;
        close(fd);
        return rc;
    }
    return fd;
}

int sock_unix_answers(const char *path)
{
    int fd = sock_unix_connect(path, SOCK_STREAM);

    if (fd < 0)
        return 0;
    close(fd);
    return 1;
}

ssize_t sock_send_fds(int fd, const void *buf, size_t len, const int *fds,
                      size_t nfds, int flags)
{
    union {
        char buf[CMSG_SPACE(SOCK_MAX_FDS * sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = {.iov_base = (void *)(uintptr_t)buf, .iov_len = len};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
    struct cmsghdr *c;
    ssize_t n;

    if (nfds > SOCK_MAX_FDS)
        return -EINVAL;
    if (nfds) {
        memset(&u, 0, sizeof(u));
        m.msg_control = u.buf;
        m.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
        c = CMSG_FIRSTHDR(&m);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(nfds * sizeof(int));
        memcpy(CMSG_DATA(c), fds, nfds * sizeof(int));
    }
    do
        n = sendmsg(fd, &m, MSG_NOSIGNAL | flags);
    while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

/* Close every fd a control message carries (after a failure). */
static void sock_close_cmsg_fds(struct cmsghdr *c)
{
    size_t i, n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    int fd;

    for (i = 0; i < n; i++) {
        memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
        close(fd);
    }
}

ssize_t sock_recv_fds(int fd, void *buf, size_t len, int *fds,
                      size_t *nfds_inout)
{
    union {
        char buf[CMSG_SPACE(SOCK_MAX_FDS * sizeof(int))];
        struct cmsghdr align;
    } u;
    struct iovec iov = {.iov_base = buf, .iov_len = len};
    struct msghdr m = {.msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = u.buf,
                       .msg_controllen = sizeof(u.buf)};
    size_t room = *nfds_inout, got = 0, n_here;
    struct cmsghdr *c;
    int bad = 0;
    ssize_t n;

    *nfds_inout = 0;
    do
        n = recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    for (c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
            continue;
        n_here = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        if (bad || got + n_here > room) {
            sock_close_cmsg_fds(c);
            bad = 1;
            continue;
        }
        memcpy(fds + got, CMSG_DATA(c), n_here * sizeof(int));
        got += n_here;
    }
    if (bad || (m.msg_flags & MSG_CTRUNC)) {
        while (got)
            close(fds[--got]);
        return -EMSGSIZE;
    }
    *nfds_inout = got;
    return n;
}
