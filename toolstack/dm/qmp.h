/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * qmp.h: a small QMP client over yajl: message parsing (buffers, so it is
 * unit-testable), and a blocking connection that negotiates capabilities,
 * executes commands matched by "id" and queues events that arrive meanwhile.
 */
#ifndef XT_DM_QMP_H
#define XT_DM_QMP_H

#include <stddef.h>
#include <sys/queue.h>
#include <yajl/yajl_tree.h>

enum qmp_msg_type {
    QMP_MSG_GREETING = 1,
    QMP_MSG_RETURN,
    QMP_MSG_ERROR,
    QMP_MSG_EVENT,
};

/*
 * One parsed QMP message. Every pointer borrows from root and lives until
 * qmp_msg_free(). value is "QMP" (greeting), "return", or the event's "data"
 * (may be NULL: events without data).
 */
struct qmp_msg {
    enum qmp_msg_type type;
    yajl_val root;
    yajl_val value;
    const char *event;          /* QMP_MSG_EVENT only */
    const char *err_class;      /* QMP_MSG_ERROR only */
    const char *err_desc;       /* QMP_MSG_ERROR only */
    long long id;               /* -1 when the message carries no numeric id */
    char *text;                 /* the JSON text as received (owned) */
    STAILQ_ENTRY(qmp_msg) next; /* event queue link, owned by struct qmp */
};

/*
 * Parse one JSON text (NUL-terminated; QEMU sends one per line). Returns 0
 * and a new message in *out, -EINVAL (not JSON, or not a QMP message; the
 * reason goes to err if err != NULL) or -ENOMEM.
 */
int qmp_msg_parse(const char *text, struct qmp_msg **out, char *err,
                  size_t errlen);
void qmp_msg_free(struct qmp_msg *m);

/* Lookups on a parsed tree: NULL / def when missing or of another type. */
const char *qmp_get_str(yajl_val obj, const char *key);
long long qmp_get_int(yajl_val obj, const char *key, long long def);
/* 1 true, 0 false, def when missing. */
int qmp_get_bool(yajl_val obj, const char *key, int def);

/*
 * Build {"execute": cmd, "arguments": args, "id": id} into a malloc'd,
 * newline-terminated string in *out. args is a JSON object text or NULL and
 * must parse. Returns 0, -EINVAL or -ENOMEM.
 */
int qmp_cmd_build(const char *cmd, const char *args, long long id, char **out);

struct qmp;

/*
 * Connect to the QMP socket at path, read the greeting and negotiate
 * (qmp_capabilities), waiting up to timeout_ms in all. Returns 0 and the
 * connection in *q_out, or -errno (-ENOENT/-ECONNREFUSED: nobody listens,
 * -ETIMEDOUT, -EPROTO: not a QMP peer).
 */
int qmp_connect(const char *path, int timeout_ms, struct qmp **q_out);
/* The socket, for poll(); qmp_next_event(q, 0, ...) drains what it has. */
int qmp_fd(const struct qmp *q);
/* Close the connection and drop queued events. NULL is fine. */
void qmp_close(struct qmp *q);

/*
 * Execute cmd (args as qmp_cmd_build) and wait up to timeout_ms for its
 * reply. Events seen meanwhile are queued for qmp_next_event. On success
 * returns 0 and, if reply_out != NULL, the reply (QMP_MSG_RETURN; caller
 * frees). A QMP error reply returns -EREMOTEIO with the reply in *reply_out
 * (err_class, err_desc) when reply_out != NULL. -EPIPE: peer closed,
 * -ETIMEDOUT, -EPROTO: garbage from the peer.
 */
int qmp_execute(struct qmp *q, const char *cmd, const char *args,
                int timeout_ms, struct qmp_msg **reply_out);

/*
 * qmp_execute, with fd passed along the command (SCM_RIGHTS), as QMP
 * getfd and add-fd take it. The fd stays the caller's.
 */
int qmp_execute_fd(struct qmp *q, const char *cmd, const char *args, int fd,
                   int timeout_ms, struct qmp_msg **reply_out);

/*
 * Next event, queued or read within timeout_ms (-1 = forever). Returns 0
 * with the event in *ev_out (caller frees), -ETIMEDOUT, -EPIPE (peer closed:
 * QEMU exited) or -EPROTO.
 */
int qmp_next_event(struct qmp *q, int timeout_ms, struct qmp_msg **ev_out);

#endif
