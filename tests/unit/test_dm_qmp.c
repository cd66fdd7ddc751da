/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_dm_qmp.c: dm/qmp.c on real QEMU 7.2 messages and against a scripted
 * QMP peer on a unix socket; what the monitor makes of guest events.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xen/sched.h>

#include <cmocka.h>
#include "unit.h"

#include "dm/dm.h"
#include "dm/internal.h"
#include "dm/qmp.h"

/* Captured from qemu-system-x86_64 7.2 (Debian 12). */
static const char greeting[] =
    "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 2, \"minor\": 2, "
    "\"major\": 7}, \"package\": \"Debian 1:7.2+dfsg-7+deb12u18\"}, "
    "\"capabilities\": [\"oob\"]}}";
static const char ev_shutdown[] =
    "{\"timestamp\": {\"seconds\": 1795410000, \"microseconds\": 12345}, "
    "\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, \"reason\": "
    "\"guest-shutdown\"}}";
static const char err_cmd[] =
    "{\"id\": 4, \"error\": {\"class\": \"CommandNotFound\", \"desc\": "
    "\"The command bogus has not been found\"}}";

static void test_parse(void **state)
{
    struct qmp_msg *m = NULL;
    char err[128];

    (void)state;
    assert_int_equal(qmp_msg_parse(greeting, &m, err, sizeof(err)), 0);
    assert_int_equal(m->type, QMP_MSG_GREETING);
    assert_int_equal(m->id, -1);
    qmp_msg_free(m);

    assert_int_equal(qmp_msg_parse(ev_shutdown, &m, err, sizeof(err)), 0);
    assert_int_equal(m->type, QMP_MSG_EVENT);
    assert_string_equal(m->event, "SHUTDOWN");
    assert_int_equal(qmp_get_bool(m->value, "guest", 0), 1);
    assert_string_equal(qmp_get_str(m->value, "reason"), "guest-shutdown");
    qmp_msg_free(m);

    assert_int_equal(qmp_msg_parse(err_cmd, &m, err, sizeof(err)), 0);
    assert_int_equal(m->type, QMP_MSG_ERROR);
    assert_int_equal(m->id, 4);
    assert_string_equal(m->err_class, "CommandNotFound");
    qmp_msg_free(m);

    assert_int_equal(qmp_msg_parse("{\"return\": {\"running\": true, "
                                   "\"status\": \"running\"}, \"id\": 9}",
                                   &m, err, sizeof(err)),
                     0);
    assert_int_equal(m->type, QMP_MSG_RETURN);
    assert_int_equal(m->id, 9);
    assert_string_equal(qmp_get_str(m->value, "status"), "running");
    assert_null(qmp_get_str(m->value, "nope"));
    assert_int_equal(qmp_get_int(m->value, "running", 42), 42);
    qmp_msg_free(m);

    assert_int_equal(qmp_msg_parse("{\"event\": \"STOP\"}", &m, NULL, 0), 0);
    assert_null(m->value);
    qmp_msg_free(m);

    assert_int_equal(qmp_msg_parse("{\"return\": ", &m, err, sizeof(err)),
                     -EINVAL);
    assert_null(m);
    assert_int_equal(qmp_msg_parse("[1, 2]", &m, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "not a JSON object");
    assert_int_equal(qmp_msg_parse("{\"foo\": 1}", &m, err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "not a QMP message");
}

static void test_cmd_build(void **state)
{
    char *s = NULL;

    (void)state;
    assert_int_equal(qmp_cmd_build("stop", NULL, 3, &s), 0);
    assert_string_equal(s, "{\"execute\": \"stop\", \"id\": 3}\n");
    free(s);
    assert_int_equal(qmp_cmd_build("human-monitor-command",
                                   "{\"command-line\": \"info network\"}", 4,
                                   &s),
                     0);
    assert_string_equal(s, "{\"execute\": \"human-monitor-command\", "
                           "\"arguments\": {\"command-line\": \"info "
                           "network\"}, \"id\": 4}\n");
    free(s);
    assert_int_equal(qmp_cmd_build("a\"b", NULL, 1, &s), 0);
    assert_string_equal(s, "{\"execute\": \"a\\\"b\", \"id\": 1}\n");
    free(s);
    assert_int_equal(qmp_cmd_build("x", "[1]", 1, &s), -EINVAL);
    assert_int_equal(qmp_cmd_build("x", "{\"a\": ", 1, &s), -EINVAL);
    assert_int_equal(qmp_cmd_build("", NULL, 1, &s), -EINVAL);
}

/* ---- A scripted QMP peer ---------------------------------------------- */

struct peer {
    char path[108];
    pid_t pid;
};

static void peer_send(int fd, const char *s)
{
    if (write(fd, s, strlen(s)) < 0 || write(fd, "\r\n", 2) < 0)
        _exit(3);
}

/* Read one line; the test fails (exit 2) if it is not what we expect. */
static void peer_expect(int fd, const char *want)
{
    char buf[512];
    size_t n = 0;

    while (n < sizeof(buf) - 1 && read(fd, buf + n, 1) == 1 && buf[n] != '\n')
        n++;
    buf[n] = '\0';
    if (strcmp(buf, want)) {
        fprintf(stderr, "peer: got '%s' want '%s'\n", buf, want);
        _exit(2);
    }
}

/* mode 3: getfd: the command arrives with an fd, written to as proof. */
static void peer_getfd(int fd)
{
    char buf[512], ctl[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {.iov_base = buf, .iov_len = sizeof(buf) - 1};
    struct msghdr mh = {.msg_iov = &iov,
                        .msg_iovlen = 1,
                        .msg_control = ctl,
                        .msg_controllen = sizeof(ctl)};
    struct cmsghdr *cm;
    ssize_t n = recvmsg(fd, &mh, 0);
    int got;

    cm = n > 0 ? CMSG_FIRSTHDR(&mh) : NULL;
    if (!cm || cm->cmsg_type != SCM_RIGHTS)
        _exit(4);
    memcpy(&got, CMSG_DATA(cm), sizeof(int));
    if (write(got, "via-fd", 6) != 6)
        _exit(5);
    close(got);
    /* The fd rides on the first byte(s); the rest of the line follows. */
    while ((size_t)n < sizeof(buf) - 1 && buf[n - 1] != '\n' &&
           read(fd, buf + n, 1) == 1)
        n++;
    buf[n - 1] = '\0';
    if (strcmp(buf, "{\"execute\": \"getfd\", \"arguments\": {\"fdname\": "
                    "\"f1\"}, \"id\": 2}")) {
        fprintf(stderr, "peer: got '%s'\n", buf);
        _exit(6);
    }
}

/* mode 0: replies with events interleaved; mode 1: not QMP; 2: dies;
 * 3: getfd. */
static void peer_serve(int lfd, int mode)
{
    int fd = accept(lfd, NULL, NULL);

    if (fd < 0)
        _exit(1);
    if (mode == 3) {
        peer_send(fd, greeting);
        peer_expect(fd, "{\"execute\": \"qmp_capabilities\", \"id\": 1}");
        peer_send(fd, "{\"return\": {}, \"id\": 1}");
        peer_getfd(fd);
        peer_send(fd, "{\"return\": {}, \"id\": 2}");
        close(fd);
        _exit(0);
    }
    if (mode == 1) {
        peer_send(fd, "{\"hello\": \"world\"}");
        sleep(1);
        _exit(0);
    }
    peer_send(fd, greeting);
    peer_expect(fd, "{\"execute\": \"qmp_capabilities\", \"id\": 1}");
    peer_send(fd, "{\"return\": {}, \"id\": 1}");
    peer_expect(fd, "{\"execute\": \"query-status\", \"id\": 2}");
    if (mode == 2)
        _exit(0);
    /* A stale reply and an event before the answer: both must be skipped. */
    peer_send(fd, "{\"return\": {}, \"id\": 77}");
    peer_send(fd, ev_shutdown);
    peer_send(fd, "");
    peer_send(fd, "{\"return\": {\"running\": false, \"status\": "
                  "\"shutdown\"}, \"id\": 2}");
    peer_expect(fd, "{\"execute\": \"bogus\", \"id\": 3}");
    peer_send(fd, "{\"id\": 3, \"error\": {\"class\": \"CommandNotFound\", "
                  "\"desc\": \"The command bogus has not been found\"}}");
    peer_send(fd, "{\"event\": \"RESET\", \"data\": {\"guest\": false, "
                  "\"reason\": \"host-qmp-system-reset\"}}");
    close(fd);
    _exit(0);
}

static void peer_start(struct peer *p, int mode)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int lfd;

    snprintf(p->path, sizeof(p->path), "/tmp/test_dm_qmp.%d", (int)getpid());
    unlink(p->path);
    strcpy(sa.sun_path, p->path);
    lfd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(lfd >= 0);
    assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    assert_int_equal(listen(lfd, 1), 0);
    p->pid = fork();
    assert_true(p->pid >= 0);
    if (p->pid == 0)
        peer_serve(lfd, mode);
    close(lfd);
}

static int peer_finish(struct peer *p)
{
    int st;

    waitpid(p->pid, &st, 0);
    unlink(p->path);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100;
}

static void test_session(void **state)
{
    struct qmp_msg *r = NULL, *ev = NULL;
    struct qmp *q = NULL;
    struct peer p;

    (void)state;
    peer_start(&p, 0);
    assert_int_equal(qmp_connect(p.path, 5000, &q), 0);
    assert_int_equal(qmp_execute(q, "query-status", NULL, 5000, &r), 0);
    assert_string_equal(qmp_get_str(r->value, "status"), "shutdown");
    qmp_msg_free(r);
    assert_int_equal(qmp_execute(q, "bogus", NULL, 5000, &r), -EREMOTEIO);
    assert_string_equal(r->err_class, "CommandNotFound");
    qmp_msg_free(r);
    /* The event that came during query-status was queued, in order. */
    assert_int_equal(qmp_next_event(q, 5000, &ev), 0);
    assert_string_equal(ev->event, "SHUTDOWN");
    qmp_msg_free(ev);
    assert_int_equal(qmp_next_event(q, 5000, &ev), 0);
    assert_string_equal(ev->event, "RESET");
    qmp_msg_free(ev);
    assert_int_equal(qmp_next_event(q, 5000, &ev), -EPIPE);
    assert_int_equal(qmp_execute(q, "cont", NULL, 1000, NULL), -EPIPE);
    qmp_close(q);
    assert_int_equal(peer_finish(&p), 0);
}

/* qmp_execute_fd: the fd reaches the peer with the command (getfd). */
static void test_getfd(void **state)
{
    struct qmp *q = NULL;
    struct peer p;
    char got[8] = "";
    int pfd[2];

    (void)state;
    assert_int_equal(pipe(pfd), 0);
    peer_start(&p, 3);
    assert_int_equal(qmp_connect(p.path, 5000, &q), 0);
    assert_int_equal(
        qmp_execute_fd(q, "getfd", "{\"fdname\": \"f1\"}", pfd[1], 5000, NULL),
        0);
    close(pfd[1]);
    assert_int_equal(read(pfd[0], got, sizeof(got)), 6);
    assert_memory_equal(got, "via-fd", 6);
    close(pfd[0]);
    qmp_close(q);
    assert_int_equal(peer_finish(&p), 0);
}

static void test_bad_peers(void **state)
{
    struct qmp *q = NULL;
    struct peer p;

    (void)state;
    signal(SIGPIPE, SIG_IGN);
    assert_int_equal(qmp_connect("/nonexistent/qmp", 100, &q), -ENOENT);
    peer_start(&p, 1);
    assert_int_equal(qmp_connect(p.path, 5000, &q), -EPROTO);
    assert_null(q);
    assert_int_equal(peer_finish(&p), 0);
    peer_start(&p, 2);
    assert_int_equal(qmp_connect(p.path, 5000, &q), 0);
    assert_int_equal(qmp_execute(q, "query-status", NULL, 5000, NULL), -EPIPE);
    qmp_close(q);
    assert_int_equal(peer_finish(&p), 0);
}

/* dm_monitor_event on one message; *reason_out -1 when untouched. */
static int event(const char *text, int *reason_out)
{
    struct qmp_msg *m = NULL;
    unsigned r = ~0u;
    int how;

    assert_int_equal(qmp_msg_parse(text, &m, NULL, 0), 0);
    how = dm_monitor_event(m, &r);
    qmp_msg_free(m);
    *reason_out = r == ~0u ? -1 : (int)r;
    return how;
}

static void test_monitor_event(void **state)
{
    int r;

    (void)state;
    assert_int_equal(event(ev_shutdown, &r), DM_EVENT_STOPPED);
    assert_int_equal(r, SHUTDOWN_poweroff);
    assert_int_equal(event("{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": "
                           "true, \"reason\": \"guest-reset\"}}",
                           &r),
                     DM_EVENT_STOPPED);
    assert_int_equal(r, SHUTDOWN_reboot);
    assert_int_equal(event("{\"event\": \"GUEST_PANICKED\", \"data\": "
                           "{\"action\": \"pause\"}}",
                           &r),
                     DM_EVENT_STOPPED);
    assert_int_equal(r, SHUTDOWN_crash);
    assert_int_equal(event("{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": "
                           "true, \"reason\": \"guest-panic\"}}",
                           &r),
                     DM_EVENT_STOPPED);
    assert_int_equal(r, SHUTDOWN_crash);
    assert_int_equal(event("{\"event\": \"RESET\", \"data\": {\"guest\": "
                           "true, \"reason\": \"guest-reset\"}}",
                           &r),
                     DM_EVENT_RESETTING);
    assert_int_equal(r, SHUTDOWN_reboot);
    /* Host-initiated or unrelated events are no guest shutdown. */
    assert_int_equal(event("{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": "
                           "false, \"reason\": \"host-qmp-quit\"}}",
                           &r),
                     DM_EVENT_NONE);
    assert_int_equal(event("{\"event\": \"RESET\", \"data\": {\"guest\": "
                           "false, \"reason\": \"host-qmp-system-reset\"}}",
                           &r),
                     DM_EVENT_NONE);
    assert_int_equal(
        event("{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true}}", &r),
        DM_EVENT_NONE);
    assert_int_equal(event("{\"event\": \"STOP\"}", &r), DM_EVENT_NONE);
    assert_int_equal(event("{\"return\": {}}", &r), DM_EVENT_NONE);
    assert_int_equal(r, -1);
}

static void test_states(void **state)
{
    (void)state;
    assert_int_equal(dm_state_from_qemu("running"), DM_STATE_RUNNING);
    assert_int_equal(dm_state_from_qemu("paused"), DM_STATE_PAUSED);
    assert_int_equal(dm_state_from_qemu("prelaunch"), DM_STATE_PAUSED);
    assert_int_equal(dm_state_from_qemu("shutdown"), DM_STATE_SHUTDOWN);
    assert_int_equal(dm_state_from_qemu("guest-panicked"), DM_STATE_CRASHED);
    assert_int_equal(dm_state_from_qemu("inmigrate"), DM_STATE_OTHER);
    assert_int_equal(dm_state_from_qemu(NULL), DM_STATE_OTHER);
}

UNIT_MAIN(cmocka_unit_test(test_parse), cmocka_unit_test(test_cmd_build),
          cmocka_unit_test(test_session), cmocka_unit_test(test_bad_peers),
          cmocka_unit_test(test_monitor_event), cmocka_unit_test(test_states),
          cmocka_unit_test(test_getfd))
