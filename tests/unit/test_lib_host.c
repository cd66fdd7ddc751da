/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_lib_host.c: the host library's OS helpers: unix sockets and
 * SCM_RIGHTS, spawn, pid files, mkdir -p, a file's first line, threads
 * from /proc, random MAC/UUID, and the xenstore transaction loop (against
 * tests/unit/fake_xs.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include "unit.h"

#include "lib/fs.h"
#include "lib/pidfile.h"
#include "lib/proc.h"
#include "lib/rand.h"
#include "lib/sock.h"
#include "lib/spawn.h"
#include "lib/xsutil.h"
#include "fake_xs.h"

static char tmpdir[] = "/tmp/test_lib_host.XXXXXX";

static int setup(void **state)
{
    (void)state;
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return unit_rm_rf(tmpdir);
}

static void test_sock_fds(void **state)
{
    char path[256], buf[8];
    int lfd, cfd, afd, fds[SOCK_MAX_FDS], got[2], p[2];
    size_t n = 2;

    (void)state;
    snprintf(path, sizeof(path), "%s/s", tmpdir);
    lfd = sock_unix_listen(path, SOCK_SEQPACKET, 0600, 4);
    assert_true(lfd >= 0);
    assert_int_equal(sock_unix_answers(path), 0); /* not a stream socket */
    cfd = sock_unix_connect(path, SOCK_SEQPACKET);
    assert_true(cfd >= 0);
    afd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    assert_true(afd >= 0);

    /* Two fds arrive, usable and close-on-exec. */
    assert_int_equal(pipe(p), 0);
    assert_int_equal(sock_send_fds(cfd, "hi", 2, p, 2, 0), 2);
    assert_int_equal(sock_recv_fds(afd, buf, sizeof(buf), got, &n), 2);
    assert_int_equal(n, 2);
    assert_true(fcntl(got[0], F_GETFD) & FD_CLOEXEC);
    assert_int_equal(write(got[1], "x", 1), 1);
    assert_int_equal(read(p[0], buf, 1), 1);
    close(got[0]);
    close(got[1]);

    /* More fds than the receiver has room for: refused, none leaked. */
    fds[0] = p[0], fds[1] = p[1], fds[2] = p[0];
    n = 2;
    assert_int_equal(sock_send_fds(cfd, "x", 1, fds, 3, 0), 1);
    assert_int_equal(sock_recv_fds(afd, buf, sizeof(buf), got, &n), -EMSGSIZE);
    assert_int_equal(n, 0);
    assert_int_equal(sock_send_fds(cfd, "x", 1, fds, SOCK_MAX_FDS + 1, 0),
                     -EINVAL);
    /* Someone serves at path: not ours to take. */
    assert_int_equal(sock_unix_listen(path, SOCK_SEQPACKET, 0, 4), -EADDRINUSE);

    /* A stale socket file is replaced; a regular file is not. */
    close(afd);
    close(cfd);
    close(lfd);
    lfd = sock_unix_listen(path, SOCK_STREAM, 0, 4);
    assert_true(lfd >= 0);
    assert_int_equal(sock_unix_answers(path), 1);
    close(lfd);
    snprintf(path, sizeof(path), "%s/file", tmpdir);
    close(open(path, O_CREAT | O_WRONLY, 0600));
    assert_int_equal(sock_unix_listen(path, SOCK_STREAM, 0, 4), -EEXIST);
    memset(path, 'a', sizeof(path) - 1);
    path[sizeof(path) - 1] = '\0';
    assert_int_equal(sock_unix_connect(path, SOCK_STREAM), -ENAMETOOLONG);
    close(p[0]);
    close(p[1]);
}

static void test_spawn(void **state)
{
    char log[256], buf[64] = "";
    char *ok[] = {"sh", "-c", "echo out; echo err >&2", NULL};
    char *bad[] = {"nope", NULL};
    pid_t pid = 0;
    int fd, i;
    ssize_t n = 0;

    (void)state;
    snprintf(log, sizeof(log), "%s/spawn.log", tmpdir);
    assert_int_equal(spawn_detached("/bin/sh", ok, log, &pid), 0);
    assert_true(pid > 0);
    /* Not our child (detached): wait for its output instead. */
    for (i = 0; i < 200 && n < 8; i++) {
        usleep(10000);
        fd = open(log, O_RDONLY);
        if (fd >= 0) {
            n = read(fd, buf, sizeof(buf) - 1);
            close(fd);
        }
    }
    assert_true(n >= 8);
    buf[n] = '\0';
    assert_non_null(strstr(buf, "out\n"));
    assert_non_null(strstr(buf, "err\n"));
    assert_int_equal(waitpid(pid, NULL, WNOHANG), -1); /* no zombie of ours */

    /* A failed exec is the error, not a process that dies at once. */
    assert_int_equal(spawn_detached("/nonexistent/prog", bad, NULL, NULL),
                     -ENOENT);
    assert_int_equal(spawn_self_path(log, sizeof(log), "no-such-program"),
                     -ENOENT);
}

static void lines_count(void *arg, const char *line, size_t len)
{
    int *n = arg;

    assert_int_equal(strlen(line), len);
    assert_true(!strcmp(line, "a\n") || !strcmp(line, "bb\n") ||
                !strcmp(line, "c"));
    (*n)++;
}

static void test_spawn_run(void **state)
{
    char err[200], cap[8], log[256], buf[64];
    struct spawn_opts o = {
        .out = {.to = SPAWN_CAPTURE, .cap = cap, .cap_len = sizeof(cap)}};
    char *chatty[] = {"sh", "-c", "seq 1 10000; exit 4", NULL};
    char *slow[] = {"sh", "-c", "sleep 30 & sleep 30; echo late", NULL};
    long long t;
    int n = 0, fd;

    (void)state;
    /* the exit status, and the error line that names it */
    assert_int_equal(spawn_run("/bin/sh",
                               (char *[]){"sh", "-c", "exit 3", NULL}, NULL,
                               err, sizeof(err)),
                     3);
    assert_string_equal(err, "sh exited with status 3");
    err[0] = '\0';
    assert_int_equal(
        spawn_run(NULL, (char *[]){"true", NULL}, NULL, err, sizeof(err)), 0);
    assert_string_equal(err, "");
    /* capture keeps its bound, the rest is drained: no SIGPIPE, status 4 */
    assert_int_equal(spawn_run(NULL, chatty, &o, err, sizeof(err)), 4);
    assert_string_equal(cap, "1\n2\n3\n4");
    assert_int_equal(o.out.cap_used, 7);
    assert_true(o.out.cap_truncated);
    /* a signal, and a program that is not there */
    assert_int_equal(spawn_run(NULL, (char *[]){"sh", "-c", "kill -9 $$", NULL},
                               NULL, err, sizeof(err)),
                     -ECHILD);
    assert_string_equal(err, "sh killed by signal 9");
    assert_int_equal(spawn_run(NULL, (char *[]){"no-such-prog-xyz", NULL}, NULL,
                               err, sizeof(err)),
                     -ENOENT);
    assert_string_equal(
        err, "cannot run no-such-prog-xyz: No such file or directory");
    /* the time limit kills the process group: the background sleep too,
     * or its open stdout would keep us reading */
    o = (struct spawn_opts){
        .out = {.to = SPAWN_CAPTURE, .cap = cap, .cap_len = sizeof(cap)},
        .timeout_ms = 300};
    t = time(NULL);
    assert_int_equal(spawn_run(NULL, slow, &o, err, sizeof(err)), -ETIMEDOUT);
    assert_true(time(NULL) - t < 5);
    assert_string_equal(err, "sh: no answer within 300 ms");
    assert_string_equal(cap, "");
    /* lines, and stderr appended to a log */
    snprintf(log, sizeof(log), "%s/run.log", tmpdir);
    o = (struct spawn_opts){
        .out = {.to = SPAWN_LINES, .line_fn = lines_count, .line_arg = &n},
        .err = {.to = SPAWN_LOG, .log_path = log}};
    assert_int_equal(spawn_run(NULL,
                               (char *[]){"sh", "-c",
                                          "printf 'a\\nbb\\nc'; "
                                          "echo e1 >&2; echo e2 >&2",
                                          NULL},
                               &o, err, sizeof(err)),
                     0);
    assert_int_equal(n, 3);
    fd = open(log, O_RDONLY);
    assert_true(fd >= 0);
    memset(buf, 0, sizeof(buf));
    assert_int_equal(read(fd, buf, sizeof(buf) - 1), 6);
    close(fd);
    assert_string_equal(buf, "e1\ne2\n");
}

static void test_pidfile(void **state)
{
    char path[256];
    pid_t pid = 0, child;
    int pfd, st;
    FILE *f;

    (void)state;
    snprintf(path, sizeof(path), "%s/d.pid", tmpdir);
    assert_int_equal(pidfile_open_live(path, "test_lib_host"), -ENOENT);
    assert_int_equal(pidfile_write(path), 0);
    assert_int_equal(pidfile_read(path, &pid), 0);
    assert_int_equal(pid, getpid());
    pfd = pidfile_open_live(path, "test_lib_host");
    assert_true(pfd >= 0);
    close(pfd);
    /* The pid is alive but is another program: stale. */
    assert_int_equal(pidfile_open_live(path, "blkback"), -ESRCH);

    /* Stop a real daemon: its comm is "sleep". */
    child = fork();
    assert_true(child >= 0);
    if (child == 0) {
        pidfile_write(path);
        execlp("sleep", "sleep", "30", (char *)NULL);
        _exit(127);
    }
    for (st = 0; st < 200; st++) {
        pfd = pidfile_open_live(path, "sleep");
        if (pfd >= 0)
            break;
        usleep(10000);
    }
    assert_true(pfd >= 0);
    close(pfd);
    /* Our own child stays a zombie until reaped: reap it in parallel
     * by letting pidfile_stop's pidfd report the exit. */
    assert_int_equal(pidfile_stop(path, "sleep", 5000), 0);
    /* Exited but not reaped (a zombie): not running any more. */
    f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "%d\n", (int)child);
    fclose(f);
    assert_int_equal(pidfile_open_live(path, "sleep"), -ESRCH);
    unlink(path);
    assert_int_equal(waitpid(child, &st, 0), child);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(pidfile_stop(path, "sleep", 100), -ESRCH);
}

/* tmpdir/rel is a directory */
static int is_dir(const char *rel)
{
    char path[256];
    struct stat st;

    snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static void test_mkdir_p(void **state)
{
    char path[256], link[256];
    struct stat st;

    (void)state;
    snprintf(path, sizeof(path), "%s/a//b/c/", tmpdir);
    assert_int_equal(fs_mkdir_p(path, 0755), 0);
    assert_int_equal(fs_mkdir_p(path, 0755), 0);
    snprintf(path, sizeof(path), "%s/a/b/c", tmpdir);
    assert_int_equal(stat(path, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    snprintf(path, sizeof(path), "%s/f", tmpdir);
    close(open(path, O_CREAT | O_WRONLY, 0600));
    assert_int_equal(fs_mkdir_p(path, 0755), -ENOTDIR);
    snprintf(path, sizeof(path), "%s/f/x", tmpdir);
    assert_int_equal(fs_mkdir_p(path, 0755), -ENOTDIR);
    assert_int_equal(fs_mkdir_p("", 0755), -EINVAL);
    /* /var/lock -> /run/lock on a fresh /run: the target is made */
    snprintf(path, sizeof(path), "%s/run/lock", tmpdir);
    snprintf(link, sizeof(link), "%s/lock", tmpdir);
    assert_int_equal(symlink(path, link), 0);
    snprintf(path, sizeof(path), "%s/lock/xl", tmpdir);
    assert_int_equal(fs_mkdir_p(path, 0755), 0);
    assert_true(is_dir("run/lock/xl"));
    /* relative to the link's directory, through a second link */
    snprintf(link, sizeof(link), "%s/rel", tmpdir);
    assert_int_equal(symlink("rel2", link), 0);
    snprintf(link, sizeof(link), "%s/rel2", tmpdir);
    assert_int_equal(symlink("r/x", link), 0);
    snprintf(path, sizeof(path), "%s/rel/", tmpdir);
    assert_int_equal(fs_mkdir_p(path, 0755), 0);
    assert_true(is_dir("r/x"));
    /* a link to a file stays refused; a loop is not followed */
    snprintf(path, sizeof(path), "%s/f", tmpdir);
    snprintf(link, sizeof(link), "%s/tofile", tmpdir);
    assert_int_equal(symlink(path, link), 0);
    assert_int_equal(fs_mkdir_p(link, 0755), -ENOTDIR);
    snprintf(link, sizeof(link), "%s/loop", tmpdir);
    assert_int_equal(symlink(link, link), 0);
    assert_int_equal(fs_mkdir_p(link, 0755), -ELOOP);
}

static void test_read_line(void **state)
{
    char path[256], buf[8];
    int fd;

    (void)state;
    snprintf(path, sizeof(path), "%s/line", tmpdir);
    fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    assert_int_equal(fs_write_all(fd, "4242\nnext\n", 10), 0);
    close(fd);
    assert_int_equal(fs_read_line(path, buf, sizeof(buf)), 4);
    assert_string_equal(buf, "4242");
    /* cut to the buffer */
    assert_int_equal(fs_read_line(path, buf, 3), 2);
    assert_string_equal(buf, "42");
    snprintf(path, sizeof(path), "%s/none", tmpdir);
    assert_int_equal(fs_read_line(path, buf, sizeof(buf)), -ENOENT);
}

static void test_write_atomic(void **state)
{
    char path[256], tmp[300], buf[16];
    struct stat st;

    (void)state;
    snprintf(path, sizeof(path), "%s/atomic", tmpdir);
    assert_int_equal(fs_write_atomic(path, "1\n", 2, 0600, 0), 0);
    assert_int_equal(fs_read_line(path, buf, sizeof(buf)), 1);
    assert_string_equal(buf, "1");
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    /* replaced whole, with fsync; no temporary file left */
    assert_int_equal(fs_write_atomic(path, "22\n", 3, 0644, 1), 0);
    assert_int_equal(fs_read_line(path, buf, sizeof(buf)), 2);
    assert_string_equal(buf, "22");
    snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
    assert_int_equal(access(tmp, F_OK), -1);
    /* a directory that is not there: the error, nothing made */
    snprintf(path, sizeof(path), "%s/no/such", tmpdir);
    assert_int_equal(fs_write_atomic(path, "x", 1, 0600, 0), -ENOENT);
}

/* A thread named as QEMU names its vcpus, parked until released. */
static pthread_mutex_t vcpu_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t vcpu_cond = PTHREAD_COND_INITIALIZER;
static int vcpu_named, vcpu_release;

static void *vcpu_thread(void *arg)
{
    (void)arg;
    pthread_setname_np(pthread_self(), "CPU 3/TEST");
    pthread_mutex_lock(&vcpu_lock);
    vcpu_named = 1;
    pthread_cond_broadcast(&vcpu_cond);
    while (!vcpu_release)
        pthread_cond_wait(&vcpu_cond, &vcpu_lock);
    pthread_mutex_unlock(&vcpu_lock);
    return NULL;
}

struct seen {
    int tasks, vcpus, main_seen;
    unsigned id;
};

static int count_task(const struct proc_task *t, void *arg)
{
    struct seen *s = arg;
    unsigned id;

    s->tasks++;
    if (t->tid == getpid())
        s->main_seen = !strcmp(t->comm, "test_lib_host");
    if (proc_task_vcpu(t, &id)) {
        s->vcpus++;
        s->id = id;
    }
    return 0;
}

static int stop_at_first(const struct proc_task *t, void *arg)
{
    (void)t;
    ++*(int *)arg;
    return 7;
}

static void test_proc(void **state)
{
    struct seen seen = {0, 0, 0, 0};
    struct proc_task t;
    pthread_t th;
    siginfo_t si;
    pid_t child;
    int calls = 0;

    (void)state;
    assert_int_equal(proc_task_read(getpid(), getpid(), &t), 0);
    assert_string_equal(t.comm, "test_lib_host");
    assert_int_equal(t.state, 'R');
    assert_true(t.cpu >= 0);
    assert_true(proc_alive(getpid()));

    assert_int_equal(pthread_create(&th, NULL, vcpu_thread, NULL), 0);
    pthread_mutex_lock(&vcpu_lock);
    while (!vcpu_named)
        pthread_cond_wait(&vcpu_cond, &vcpu_lock);
    pthread_mutex_unlock(&vcpu_lock);
    assert_int_equal(proc_tasks(getpid(), count_task, &seen), 0);
    assert_int_equal(seen.tasks, 2);
    assert_int_equal(seen.vcpus, 1);
    assert_int_equal(seen.id, 3);
    assert_true(seen.main_seen);
    /* fn's non-zero return ends the walk and is returned */
    assert_int_equal(proc_tasks(getpid(), stop_at_first, &calls), 7);
    assert_int_equal(calls, 1);
    pthread_mutex_lock(&vcpu_lock);
    vcpu_release = 1;
    pthread_cond_broadcast(&vcpu_cond);
    pthread_mutex_unlock(&vcpu_lock);
    pthread_join(th, NULL);

    /* an exited child nobody reaped yet is not alive; nor, reaped, is it */
    child = fork();
    assert_true(child >= 0);
    if (child == 0)
        _exit(0);
    assert_int_equal(waitid(P_PID, (id_t)child, &si, WEXITED | WNOWAIT), 0);
    assert_true(kill(child, 0) == 0); /* still there, as a zombie */
    assert_false(proc_alive(child));
    waitpid(child, NULL, 0);
    assert_false(proc_alive(child));
    assert_int_equal(proc_tasks(0x7ffffffe, count_task, &seen), -ESRCH);
    assert_int_equal(proc_task_read(0x7ffffffe, 0x7ffffffe, &t), -ESRCH);
}

static void test_write_all(void **state)
{
    static char in[1 << 20], out[sizeof(in)];
    char path[256];
    size_t i;
    int fd;

    (void)state;
    for (i = 0; i < sizeof(in); i++)
        in[i] = (char)(i * 7 + i / 4096);
    snprintf(path, sizeof(path), "%s/w", tmpdir);
    fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(fs_write_all(fd, in, sizeof(in)), 0);
    assert_int_equal(pread(fd, out, sizeof(out), 0), (ssize_t)sizeof(out));
    assert_memory_equal(in, out, sizeof(in));
    assert_int_equal(fs_write_all(fd, in, 0), 0);
    close(fd);
    assert_int_equal(fs_write_all(fd, in, 1), -EBADF);
    fd = open(path, O_RDONLY);
    assert_int_equal(fs_write_all(fd, in, 1), -EBADF);
    /* read all: the whole file back, then a read past its end is -EPIPE */
    memset(out, 0, sizeof(out));
    assert_int_equal(fs_read_all(fd, out, sizeof(out)), 0);
    assert_memory_equal(in, out, sizeof(in));
    assert_int_equal(lseek(fd, -10, SEEK_END), (off_t)sizeof(in) - 10);
    assert_int_equal(fs_read_all(fd, out, 11), -EPIPE);
    close(fd);
    assert_int_equal(fs_read_all(fd, out, 1), -EBADF);
}

static void test_rand(void **state)
{
    uint8_t mac[6], mac2[6], u[16];
    char s[RAND_UUID_STRLEN];

    (void)state;
    assert_int_equal(rand_mac(mac), 0);
    assert_int_equal(rand_mac(mac2), 0);
    assert_memory_equal(mac, "\x00\x16\x3e", 3);
    assert_memory_equal(mac2, "\x00\x16\x3e", 3);
    assert_int_equal(mac[3] & 0x80, 0);
    assert_int_equal(mac2[3] & 0x80, 0);
    assert_int_equal(rand_uuid(u), 0);
    assert_int_equal(u[6] >> 4, 4);
    assert_int_equal(u[8] & 0xc0, 0x80);
    rand_uuid_format((const uint8_t *)"\x01\x23\x45\x67\x89\xab\xcd\xef"
                                      "\x01\x23\x45\x67\x89\xab\xcd\xef",
                     s);
    assert_string_equal(s, "01234567-89ab-cdef-0123-456789abcdef");
}

struct tx_arg {
    int runs;
};

static int tx_body(struct xs_handle *xs, xs_transaction_t t, void *arg)
{
    struct tx_arg *a = arg;

    a->runs++;
    return xsutil_printf(xs, t, "/local/domain/1", "k", "%d", a->runs);
}

static int tx_fail(struct xs_handle *xs, xs_transaction_t t, void *arg)
{
    (void)xs, (void)t, (void)arg;
    return -ENOSPC;
}

static void test_xsutil(void **state)
{
    struct xs_handle *xs;
    struct tx_arg a = {0};
    unsigned long long v;
    char *val;

    (void)state;
    fake_xs_reset();
    xs = xsutil_open(0);
    assert_non_null(xs);
    /* Two conflicts, then a commit: the body ran three times. */
    fake_xs_fail_tx(2);
    assert_int_equal(xsutil_transact(xs, tx_body, &a), 0);
    assert_int_equal(a.runs, 3);
    assert_int_equal(
        xsutil_read_ull(xs, XBT_NULL, "/local/domain/1", "k", 10, &v), 0);
    assert_int_equal(v, 3);
    /* Always conflicting: -EAGAIN after the bounded number of tries. */
    a.runs = 0;
    fake_xs_fail_tx(XSUTIL_TX_RETRIES);
    assert_int_equal(xsutil_transact(xs, tx_body, &a), -EAGAIN);
    assert_int_equal(a.runs, XSUTIL_TX_RETRIES);
    /* The body's error aborts and is returned. */
    assert_int_equal(xsutil_transact(xs, tx_fail, NULL), -ENOSPC);
    assert_int_equal(xsutil_read(xs, XBT_NULL, "/nope", NULL, &val), -ENOENT);
    assert_null(val);
    assert_int_equal(
        xsutil_read_ull(xs, XBT_NULL, "/local/domain/1", "k", 2, &v), -ERANGE);
    xs_close(xs);
}

UNIT_MAIN_GROUP(setup, teardown, cmocka_unit_test(test_sock_fds),
                cmocka_unit_test(test_spawn), cmocka_unit_test(test_spawn_run),
                cmocka_unit_test(test_pidfile), cmocka_unit_test(test_mkdir_p),
                cmocka_unit_test(test_write_all), cmocka_unit_test(test_rand),
                cmocka_unit_test(test_xsutil), cmocka_unit_test(test_read_line),
                cmocka_unit_test(test_proc),
                cmocka_unit_test(test_write_atomic))
