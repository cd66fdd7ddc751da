/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * qmp.c: QMP messages (yajl trees) and the blocking client connection.
 * Replies are matched by our "id"; events that interleave are queued.
 */
#include "dm/qmp.h"

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <yajl/yajl_gen.h>

#include "lib/clock.h"

/* A reply line longer than this is not something we asked for. */
#define QMP_LINE_MAX (1024 * 1024)

struct qmp {
    int fd;
    int pass_fd; /* >= 0: sent with the next command (qmp_execute_fd) */
    long long next_id;
    char *buf;
    size_t len, cap;
    STAILQ_HEAD(, qmp_msg) evq; /* events seen while waiting for a reply */
};

static yajl_val obj_get(yajl_val obj, const char *key)
{
    size_t i;

    if (!YAJL_IS_OBJECT(obj))
        return NULL;
    for (i = 0; i < obj->u.object.len; i++)
        if (!strcmp(obj->u.object.keys[i], key))
            return obj->u.object.values[i];
    return NULL;
}

const char *qmp_get_str(yajl_val obj, const char *key)
{
    yajl_val v = obj_get(obj, key);

    return YAJL_IS_STRING(v) ? v->u.string : NULL;
}

long long qmp_get_int(yajl_val obj, const char *key, long long def)
{
    yajl_val v = obj_get(obj, key);

    return YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : def;
}

int qmp_get_bool(yajl_val obj, const char *key, int def)
{
    yajl_val v = obj_get(obj, key);

    if (YAJL_IS_TRUE(v))
        return 1;
    if (YAJL_IS_FALSE(v))
        return 0;
    return def;
}

static int msg_err(char *err, size_t errlen, const char *what)
{
    if (err && errlen)
        snprintf(err, errlen, "%s", what);
    return -EINVAL;
}

int qmp_msg_parse(const char *text, struct qmp_msg **out, char *err,
                  size_t errlen)
{
    char perr[128] = "";
    struct qmp_msg *m;
    yajl_val e;

    *out = NULL;
    m = calloc(1, sizeof(*m));
    if (!m)
        return -ENOMEM;
    m->id = -1;
    m->text = strdup(text);
    if (!m->text) {
        free(m);
        return -ENOMEM;
    }
    m->root = yajl_tree_parse(text, perr, sizeof(perr));
    if (!m->root) {
        qmp_msg_free(m);
        return msg_err(err, errlen, perr[0] ? perr : "not JSON");
    }
    if (!YAJL_IS_OBJECT(m->root)) {
        qmp_msg_free(m);
        return msg_err(err, errlen, "not a JSON object");
    }
    m->id = qmp_get_int(m->root, "id", -1);
    if ((m->value = obj_get(m->root, "QMP"))) {
        m->type = QMP_MSG_GREETING;
    } else if ((m->value = obj_get(m->root, "return"))) {
        m->type = QMP_MSG_RETURN;
    } else if ((e = obj_get(m->root, "error"))) {
        m->type = QMP_MSG_ERROR;
        m->value = e;
        m->err_class = qmp_get_str(e, "class");
        m->err_desc = qmp_get_str(e, "desc");
        if (!m->err_class)
            m->err_class = "GenericError";
        if (!m->err_desc)
            m->err_desc = "(no description)";
    } else if ((m->event = qmp_get_str(m->root, "event"))) {
        m->type = QMP_MSG_EVENT;
        m->value = obj_get(m->root, "data");
    } else {
        qmp_msg_free(m);
        return msg_err(err, errlen, "not a QMP message");
    }
    *out = m;
    return 0;
}

void qmp_msg_free(struct qmp_msg *m)
{
    if (!m)
        return;
    yajl_tree_free(m->root);
    free(m->text);
    free(m);
}

int qmp_cmd_build(const char *cmd, const char *args, long long id, char **out)
{
    const unsigned char *gbuf;
    yajl_val check = NULL;
    yajl_gen g;
    size_t glen;
    char *s;
    int n;

    *out = NULL;
    if (!cmd || !*cmd)
        return -EINVAL;
    if (args) {
        /* The arguments are spliced in as text, so they must be one object. */
        check = yajl_tree_parse(args, NULL, 0);
        if (!YAJL_IS_OBJECT(check)) {
            yajl_tree_free(check);
            return -EINVAL;
        }
        yajl_tree_free(check);
    }
    g = yajl_gen_alloc(NULL);
    if (!g)
        return -ENOMEM;
    /* yajl escapes the command name for us; only the id is formatted. */
    if (yajl_gen_string(g, (const unsigned char *)cmd, strlen(cmd)) !=
            yajl_gen_status_ok ||
        yajl_gen_get_buf(g, &gbuf, &glen) != yajl_gen_status_ok) {
        yajl_gen_free(g);
        return -ENOMEM;
    }
    if (args)
        n = asprintf(&s,
                     "{\"execute\": %.*s, \"arguments\": %s, \"id\": %lld}\n",
                     (int)glen, (const char *)gbuf, args, id);
    else
        n = asprintf(&s, "{\"execute\": %.*s, \"id\": %lld}\n", (int)glen,
                     (const char *)gbuf, id);
    yajl_gen_free(g);
    if (n < 0)
        return -ENOMEM;
    *out = s;
    return 0;
}

/* Milliseconds left until deadline (-1 = no deadline), never negative. */
static int left_ms(long long deadline)
{
    long long d;

    if (deadline < 0)
        return -1;
    d = deadline - mono_ms();
    return d < 0 ? 0 : (int)d;
}

/* Read until a full line is buffered; hand it out NUL-terminated. */
static int read_line(struct qmp *q, long long deadline, char **line_out)
{
    struct pollfd pfd = {.fd = q->fd, .events = POLLIN};
    char *nl, *line;
    ssize_t n;
    int rc;

    for (;;) {
        nl = q->len ? memchr(q->buf, '\n', q->len) : NULL;
        if (nl) {
            size_t l = (size_t)(nl - q->buf);

            line = malloc(l + 1);
            if (!line)
                return -ENOMEM;
            memcpy(line, q->buf, l);
            line[l] = '\0';
            memmove(q->buf, nl + 1, q->len - l - 1);
            q->len -= l + 1;
            *line_out = line;
            return 0;
        }
        if (q->len >= QMP_LINE_MAX)
            return -EPROTO;
        if (q->cap - q->len < 4096) {
            char *nb = realloc(q->buf, q->cap + 65536);

            if (!nb)
                return -ENOMEM;
            q->buf = nb;
            q->cap += 65536;
        }
        rc = poll(&pfd, 1, left_ms(deadline));
        if (rc < 0 && errno == EINTR)
            continue;
        if (rc < 0)
            return -errno;
        if (rc == 0)
            return -ETIMEDOUT;
        n = read(q->fd, q->buf + q->len, q->cap - q->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == ECONNRESET ? -EPIPE : -errno;
        if (n == 0)
            return -EPIPE;
        q->len += (size_t)n;
    }
}

/* Next message; blank lines (QEMU ends lines with \r\n) are skipped. */
static int read_msg(struct qmp *q, long long deadline, struct qmp_msg **out)
{
    char *line = NULL;
    int rc;

    for (;;) {
        rc = read_line(q, deadline, &line);
        if (rc)
            return rc;
        if (strspn(line, " \t\r") != strlen(line))
            break;
        free(line);
    }
    rc = qmp_msg_parse(line, out, NULL, 0);
    free(line);
    return rc == -EINVAL ? -EPROTO : rc;
}

static int write_all(int fd, const char *s, size_t len)
{
    ssize_t n;

    while (len) {
        n = send(fd, s, len, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == ECONNRESET ? -EPIPE : -errno;
        s += n;
        len -= (size_t)n;
    }
    return 0;
}

/* The first byte carries fd (QEMU takes it with the message it is on). */
static int send_with_fd(int sock, const char *s, int fd)
{
    char ctl[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {.iov_base = (void *)(uintptr_t)s, .iov_len = 1};
    struct msghdr mh = {.msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = ctl,
                        .msg_controllen = sizeof(ctl)};
    struct cmsghdr *cm;
    ssize_t n;

    memset(ctl, 0, sizeof(ctl));
    cm = CMSG_FIRSTHDR(&mh);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof(int));
    do
        n = sendmsg(sock, &mh, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return -errno;
    return write_all(sock, s + 1, strlen(s) - 1);
}

static int execute_until(struct qmp *q, const char *cmd, const char *args,
                         long long deadline, struct qmp_msg **reply_out)
{
    struct qmp_msg *m = NULL;
    char *s = NULL;
    long long id = q->next_id++;
    int rc;

    if (reply_out)
        *reply_out = NULL;
    rc = qmp_cmd_build(cmd, args, id, &s);
    if (rc)
        return rc;
    rc = q->pass_fd >= 0 ? send_with_fd(q->fd, s, q->pass_fd)
                         : write_all(q->fd, s, strlen(s));
    free(s);
    if (rc)
        return rc;
    for (;;) {
        rc = read_msg(q, deadline, &m);
        if (rc)
            return rc;
        if (m->type == QMP_MSG_EVENT) {
            STAILQ_INSERT_TAIL(&q->evq, m, next);
            continue;
        }
        if (m->id == id)
            break;
        /* A reply to a command we gave up on earlier: drop it. */
        qmp_msg_free(m);
    }
    rc = m->type == QMP_MSG_ERROR ? -EREMOTEIO : 0;
    if (reply_out)
        *reply_out = m;
    else
        qmp_msg_free(m);
    return rc;
}

int qmp_execute(struct qmp *q, const char *cmd, const char *args,
                int timeout_ms, struct qmp_msg **reply_out)
{
    long long deadline = timeout_ms < 0 ? -1 : mono_ms() + timeout_ms;

    return execute_until(q, cmd, args, deadline, reply_out);
}

int qmp_execute_fd(struct qmp *q, const char *cmd, const char *args, int fd,
                   int timeout_ms, struct qmp_msg **reply_out)
{
    int rc;

    q->pass_fd = fd;
    rc = qmp_execute(q, cmd, args, timeout_ms, reply_out);
    q->pass_fd = -1;
    return rc;
}

int qmp_next_event(struct qmp *q, int timeout_ms, struct qmp_msg **ev_out)
{
    long long deadline = timeout_ms < 0 ? -1 : mono_ms() + timeout_ms;
    struct qmp_msg *m;
    int rc;

    *ev_out = NULL;
    m = STAILQ_FIRST(&q->evq);
    if (m) {
        STAILQ_REMOVE_HEAD(&q->evq, next);
        *ev_out = m;
        return 0;
    }
    for (;;) {
        rc = read_msg(q, deadline, &m);
        if (rc)
            return rc;
        if (m->type == QMP_MSG_EVENT) {
            *ev_out = m;
            return 0;
        }
        qmp_msg_free(m); /* a stale reply */
    }
}

static int connect_unix(const char *path, int *fd_out)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd;

    if (strlen(path) >= sizeof(sa.sun_path))
        return -ENAMETOOLONG;
    strcpy(sa.sun_path, path);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
        int e = errno;

        close(fd);
        return -e;
    }
    *fd_out = fd;
    return 0;
}

int qmp_connect(const char *path, int timeout_ms, struct qmp **q_out)
{
    long long deadline = mono_ms() + (timeout_ms < 0 ? 0 : timeout_ms);
    struct qmp_msg *m = NULL;
    struct qmp *q;
    int rc;

    *q_out = NULL;
    q = calloc(1, sizeof(*q));
    if (!q)
        return -ENOMEM;
    q->fd = -1;
    q->pass_fd = -1;
    q->next_id = 1;
    STAILQ_INIT(&q->evq);
    rc = connect_unix(path, &q->fd);
    if (rc)
        goto out;
    rc = read_msg(q, deadline, &m);
    if (rc)
        goto out;
    if (m->type != QMP_MSG_GREETING) {
        rc = -EPROTO;
        goto out;
    }
    rc = execute_until(q, "qmp_capabilities", NULL, deadline, NULL);
    if (rc == -EREMOTEIO)
        rc = -EPROTO;
out:
    qmp_msg_free(m);
    if (rc) {
        qmp_close(q);
        return rc;
    }
    *q_out = q;
    return 0;
}

int qmp_fd(const struct qmp *q)
{
    return q->fd;
}

void qmp_close(struct qmp *q)
{
    struct qmp_msg *m;

    if (!q)
        return;
    while ((m = STAILQ_FIRST(&q->evq))) {
        STAILQ_REMOVE_HEAD(&q->evq, next);
        qmp_msg_free(m);
    }
    if (q->fd >= 0)
        close(q->fd);
    free(q->buf);
    free(q);
}
