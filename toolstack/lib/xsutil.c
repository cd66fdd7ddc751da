/* SPDX-License-Identifier: GPL-2.0-only */
/* xsutil.c: libxenstore helpers and the transaction loop (see xsutil.h). */
#include "lib/xsutil.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <xen/io/xs_wire.h>

#include "lib/fs.h"
#include "lib/parse.h"
#include "lib/paths.h"
#include "lib/sock.h"

/* Store paths are bounded by XENSTORE_ABS_PATH_MAX (3072). */
#define XSUTIL_PATH_MAX 3072

static int xsutil_join(char *buf, size_t len, const char *dir, const char *key)
{
    int n = key ? snprintf(buf, len, "%s/%s", dir, key)
                : snprintf(buf, len, "%s", dir);

    return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

struct xs_handle *xsutil_open(int wait_ms)
{
    struct timespec ts = {0, 100 * 1000 * 1000};
    struct xs_handle *xs;
    int waited = 0;

    for (;;) {
        xs = xs_open(0);
        if (xs || waited >= wait_ms)
            return xs;
        nanosleep(&ts, NULL);
        waited += 100;
    }
}

int xsutil_alive(struct xs_handle *xs)
{
    unsigned int n;
    char **d = xs_directory(xs, XBT_NULL, "/", &n);

    if (d) {
        free(d);
        return 1;
    }
    /* an answer, even an error, means the store is there */
    return errno == ENOENT || errno == EACCES || errno == E2BIG ||
           errno == EAGAIN;
}

int xsutil_read(struct xs_handle *xs, xs_transaction_t t, const char *dir,
                const char *key, char **val_out)
{
    char path[XSUTIL_PATH_MAX];
    unsigned int len;
    char *v;
    int rc = xsutil_join(path, sizeof(path), dir, key);

    *val_out = NULL;
    if (rc)
        return rc;
    errno = 0;
    v = xs_read(xs, t, path, &len);
    if (!v)
        return errno ? -errno : -EIO;
    /* libxenstore NUL-terminates, but a value may hold an embedded NUL;
     * callers treat values as C strings, so cut there explicitly. */
    v[len] = '\0';
    *val_out = v;
    return 0;
}

int xsutil_read_ull(struct xs_handle *xs, xs_transaction_t t, const char *dir,
                    const char *key, unsigned long long max,
                    unsigned long long *out)
{
    char *v;
    int rc = xsutil_read(xs, t, dir, key, &v);

    if (rc)
        return rc;
    rc = parse_ull(v, 0, max, out);
    free(v);
    return rc;
}

int xsutil_write(struct xs_handle *xs, xs_transaction_t t, const char *dir,
                 const char *key, const char *val)
{
    char path[XSUTIL_PATH_MAX];
    int rc = xsutil_join(path, sizeof(path), dir, key);

    if (rc)
        return rc;
    errno = 0;
    if (!xs_write(xs, t, path, val, strlen(val)))
        return errno ? -errno : -EIO;
    return 0;
}

int xsutil_printf(struct xs_handle *xs, xs_transaction_t t, const char *dir,
                  const char *key, const char *fmt, ...)
{
    char val[XSUTIL_PATH_MAX];
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(val, sizeof(val), fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof(val))
        return -E2BIG;
    return xsutil_write(xs, t, dir, key, val);
}

int xsutil_transact(struct xs_handle *xs, xsutil_tx_fn fn, void *arg)
{
    xs_transaction_t t;
    int i, rc;

    for (i = 0; i < XSUTIL_TX_RETRIES; i++) {
        errno = 0;
        t = xs_transaction_start(xs);
        if (t == XBT_NULL)
            return errno ? -errno : -EIO;
        rc = fn(xs, t, arg);
        if (rc) {
            xs_transaction_end(xs, t, true);
            return rc;
        }
        errno = 0;
        if (xs_transaction_end(xs, t, false))
            return 0;
        if (errno != EAGAIN)
            return errno ? -errno : -EIO;
    }
    return -EAGAIN;
}

int xsutil_raw_open(void)
{
    char sock[108];
    int rc = paths_xenstored_socket(sock, sizeof(sock));

    return rc < 0 ? rc : sock_unix_connect(sock, SOCK_STREAM);
}

static int raw_send(int fd, uint32_t type, uint32_t id, uint32_t tx,
                    const void *payload, size_t len)
{
    char buf[sizeof(struct xsd_sockmsg) + XENSTORE_PAYLOAD_MAX];
    struct xsd_sockmsg m = {
        .type = type, .req_id = id, .tx_id = tx, .len = (uint32_t)len};
    size_t off = 0;
    ssize_t w;

    if (len > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    memcpy(buf, &m, sizeof(m));
    memcpy(buf + sizeof(m), payload, len);
    len += sizeof(m);
    while (off < len) { /* MSG_NOSIGNAL: a daemon gone is an error here */
        w = send(fd, buf + off, len - off, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -EIO;
        off += (size_t)w;
    }
    return 0;
}

/* One message in: its header into *m, its payload (NUL-terminated, the
 * caller frees it) into *v. -EIO/-EPROTO: the link is bad. */
static int msg_recv(int fd, struct xsd_sockmsg *m, char **v)
{
    if (fs_read_all(fd, m, sizeof(*m)) < 0)
        return -EIO;
    if (m->len > XENSTORE_PAYLOAD_MAX || m->type == XS_WATCH_EVENT)
        return -EPROTO; /* no watches on this connection */
    *v = malloc(m->len + 1);
    if (!*v)
        return -ENOMEM;
    if (m->len && fs_read_all(fd, *v, m->len) < 0) {
        free(*v);
        return -EIO;
    }
    (*v)[m->len] = '\0';
    return 0;
}

static int many_send(int fd, uint32_t id, const char *path)
{
    size_t len = strlen(path) + 1;

    if (len > XENSTORE_ABS_PATH_MAX + 1)
        return -ENAMETOOLONG;
    return raw_send(fd, XS_READ, id, 0, path, len);
}

/* One reply: the value for req_id i goes to out[i] (NULL on XS_ERROR). */
static int many_recv(int fd, unsigned n, char **out)
{
    struct xsd_sockmsg m;
    char *v;
    int rc = msg_recv(fd, &m, &v);

    if (rc < 0)
        return rc;
    if (m.req_id >= n) {
        free(v);
        return -EPROTO;
    }
    if (m.type != XS_READ) {
        free(v); /* XS_ERROR: ENOENT, EACCES ... a missing node */
        v = NULL;
    }
    free(out[m.req_id]);
    out[m.req_id] = v;
    return 0;
}

/* xenstored's error names (XS_ERROR replies), as libxenstore maps them. */
static int raw_errno(const char *s)
{
    static const struct {
        const char *name;
        int err;
    } t[] = {{"ENOENT", ENOENT}, {"EEXIST", EEXIST}, {"EAGAIN", EAGAIN},
             {"EACCES", EACCES}, {"EINVAL", EINVAL}, {"E2BIG", E2BIG},
             {"ENOSPC", ENOSPC}, {"EBUSY", EBUSY},   {"EROFS", EROFS},
             {"EISDIR", EISDIR}, {"ENOMEM", ENOMEM}, {"EPERM", EPERM}};
    unsigned i;

    for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
        if (!strcmp(s, t[i].name))
            return -t[i].err;
    return -EIO;
}

/* One reply: 0 (value, NUL-terminated, into *out when out is set) or the
 * XS_ERROR's -errno; *id gets its req_id. -EIO/-EPROTO: the link is bad. */
static int raw_recv(int fd, uint32_t *id, char **out, size_t *out_len)
{
    struct xsd_sockmsg m;
    char *v;
    int rc = msg_recv(fd, &m, &v);

    if (rc < 0)
        return rc;
    *id = m.req_id;
    if (m.type == XS_ERROR)
        rc = raw_errno(v);
    if (rc == 0 && out) {
        *out = v;
        if (out_len)
            *out_len = m.len;
        return 0;
    }
    free(v);
    return rc;
}

int xsutil_read_many(const char *const *paths, unsigned n, char **out)
{
    unsigned sent = 0, got = 0, i;
    int fd, rc = 0;

    for (i = 0; i < n; i++)
        out[i] = NULL;
    fd = xsutil_raw_open();
    if (fd < 0)
        return fd;
    while (rc == 0 && got < n) {
        while (rc == 0 && sent < n && sent - got < XSUTIL_MANY_WINDOW) {
            rc = many_send(fd, sent, paths[sent]);
            sent++;
        }
        if (rc == 0)
            rc = many_recv(fd, n, out);
        got++;
    }
    close(fd);
    if (rc < 0)
        for (i = 0; i < n; i++) {
            free(out[i]);
            out[i] = NULL;
        }
    return rc;
}

int xsutil_raw_call(int fd, uint32_t type, uint32_t tx, const void *payload,
                    size_t len, char **out, size_t *out_len)
{
    uint32_t id = 0;
    int rc = raw_send(fd, type, 0, tx, payload, len);

    if (out)
        *out = NULL;
    return rc < 0 ? rc : raw_recv(fd, &id, out, out_len);
}

int xsutil_raw_many(int fd, uint32_t tx, const struct xsutil_req *reqs,
                    unsigned n, int *errs, char **vals)
{
    unsigned sent = 0, got = 0;
    uint32_t id;
    char *v;
    int rc;

    while (got < n) {
        while (sent < n && sent - got < XSUTIL_MANY_WINDOW) {
            rc = raw_send(fd, reqs[sent].type, sent, tx, reqs[sent].buf,
                          reqs[sent].len);
            if (rc < 0)
                return rc;
            sent++;
        }
        v = NULL;
        rc = raw_recv(fd, &id, vals ? &v : NULL, NULL);
        if (rc == -EIO || rc == -EPROTO || rc == -ENOMEM || id >= n) {
            free(v);
            return rc < 0 ? rc : -EPROTO;
        }
        errs[id] = rc;
        if (vals)
            vals[id] = v;
        got++;
    }
    return 0;
}
