/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * socket.c: unix-socket clients of xenstored. Bytes read go straight to the
 * core; replies and watch events are flushed with non-blocking writes, the
 * rest waits for POLLOUT. A client that errs is closed after the current
 * pass, never from inside a watch firing.
 */
#include "store/socket.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/array.h"
#include "lib/log.h"
#include "lib/sock.h"

struct sock_client {
    int fd;
    struct xs_conn *conn;
    int closing;
    int blocked; /* the socket was full: wait for POLLOUT, no send per event */
};

struct sock_server {
    struct xsd *xsd;
    int lfd;
    unsigned int flags;
    char path[sizeof(((struct sockaddr_un *)0)->sun_path)];
    struct sock_client **cl;
    size_t ncl, capcl;
};

int sock_server_create(struct xsd *x, const char *path, unsigned int flags,
                       struct sock_server **s_out)
{
    struct sock_server *s;
    int fd;

    *s_out = NULL;
    if (strlen(path) >= sizeof(s->path))
        return -ENAMETOOLONG;
    /* A live xenstored at path keeps it (-EADDRINUSE); a stale socket
     * left by a crashed one is replaced. */
    fd = sock_unix_listen(path, SOCK_STREAM | SOCK_NONBLOCK, 0600, 64);
    if (fd < 0)
        return fd;
    s = calloc(1, sizeof(*s));
    if (!s) {
        close(fd);
        return -ENOMEM;
    }
    s->xsd = x;
    s->flags = flags;
    s->lfd = fd;
    strcpy(s->path, path);
    *s_out = s;
    return 0;
}

static void client_free(struct sock_client *c)
{
    xsd_conn_destroy(c->conn);
    close(c->fd);
    free(c);
}

void sock_server_destroy(struct sock_server *s)
{
    size_t i;

    if (!s)
        return;
    for (i = 0; i < s->ncl; i++)
        client_free(s->cl[i]);
    free(s->cl);
    close(s->lfd);
    unlink(s->path);
    free(s);
}

/* Write what the socket takes now; mark the client on a hard error. */
static void flush(struct sock_client *c)
{
    const void *p;
    size_t len;

    while (!c->closing && !c->blocked && (p = xsd_conn_output(c->conn, &len))) {
        ssize_t w = send(c->fd, p, len, MSG_NOSIGNAL | MSG_DONTWAIT);

        if (w < 0) {
            if (errno == EAGAIN)
                c->blocked = 1;
            else if (errno != EINTR)
                c->closing = 1;
            return;
        }
        xsd_conn_consume(c->conn, (size_t)w);
    }
}

static void wake(void *arg, struct xs_conn *conn)
{
    (void)conn;
    flush(arg);
}

static void accept_one(struct sock_server *s)
{
    struct sock_client *c;
    int fd = accept4(s->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);

    if (fd < 0) {
        if (errno != EAGAIN && errno != EINTR)
            log_warn("xenstored socket: accept");
        return;
    }
    if (array_reserve(&s->cl, &s->capcl, s->ncl + 1, sizeof(*s->cl), 16)) {
        close(fd);
        return;
    }
    c = calloc(1, sizeof(*c));
    if (!c || xsd_conn_create(s->xsd, 0, s->flags, wake, c, &c->conn)) {
        log_warnx("xenstored socket: out of memory for a client");
        free(c);
        close(fd);
        return;
    }
    c->fd = fd;
    s->cl[s->ncl++] = c;
}

static void client_read(struct sock_client *c)
{
    char buf[16384];
    ssize_t n = recv(c->fd, buf, sizeof(buf), MSG_DONTWAIT);

    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        c->closing = 1;
        return;
    }
    if (n < 0)
        return;
    /*
     * Socket clients are dom0: the core takes all of it (back-pressure is
     * for domains). A bogus header drops the client, as Xen does.
     */
    if (xsd_conn_input(c->conn, buf, (size_t)n) != n)
        c->closing = 1;
    flush(c);
}

size_t sock_server_pollfds(struct sock_server *s, struct pollfd *fds,
                           size_t max)
{
    size_t i, n = 0;

    if (!s || max < 1)
        return 0;
    fds[n++] = (struct pollfd){.fd = s->lfd, .events = POLLIN};
    for (i = 0; i < s->ncl && n < max; i++) {
        size_t len;

        fds[n].fd = s->cl[i]->fd;
        fds[n].events = POLLIN;
        if (xsd_conn_output(s->cl[i]->conn, &len))
            fds[n].events |= POLLOUT;
        fds[n].revents = 0;
        n++;
    }
    return n;
}

void sock_server_handle(struct sock_server *s, const struct pollfd *fds,
                        size_t n)
{
    size_t i, j;

    if (!s)
        return;
    /* Clients first: fds[1..] map to s->cl[0..] as filled. */
    for (i = 1; i < n && i - 1 < s->ncl; i++) {
        struct sock_client *c = s->cl[i - 1];

        if (fds[i].revents & (POLLERR | POLLHUP | POLLNVAL) &&
            !(fds[i].revents & POLLIN))
            c->closing = 1;
        if (fds[i].revents & POLLOUT) {
            c->blocked = 0;
            flush(c);
        }
        if (fds[i].revents & POLLIN)
            client_read(c);
    }
    for (i = j = 0; i < s->ncl; i++) {
        if (s->cl[i]->closing)
            client_free(s->cl[i]);
        else
            s->cl[j++] = s->cl[i];
    }
    s->ncl = j;
    if (n && (fds[0].revents & POLLIN))
        accept_one(s);
}
