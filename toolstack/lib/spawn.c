/* SPDX-License-Identifier: GPL-2.0-only */
/* spawn.c: running helper programs, detached or waited for (see spawn.h). */
#include "lib/clock.h"
#include "lib/spawn.h"

#include <errno.h>
#include <poll.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/log.h"

int spawn_self_path(char *buf, size_t len, const char *prog)
{
    char self[PATH_MAX], *slash;
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    int w;

    if (n < 0)
        return -errno;
    self[n] = '\0';
    slash = strrchr(self, '/');
    if (slash)
        *slash = '\0';
    w = snprintf(buf, len, "%s/%s", self, prog);
    if (w < 0 || (size_t)w >= len)
        return -ENAMETOOLONG;
    return access(buf, X_OK) == 0 ? 0 : -ENOENT;
}

/* In a child: fd (1 or 2) as o says; w is its pipe's write end. */
static int child_out(int fd, const struct spawn_out *o, int w)
{
    int f = -1;

    if (o->to == SPAWN_INHERIT)
        return 0;
    if (o->to == SPAWN_LINES || (o->to == SPAWN_CAPTURE && w >= 0))
        return dup2(w, fd) < 0 ? -errno : 0;
    f = open(o->to == SPAWN_LOG && o->log_path ? o->log_path : "/dev/null",
             O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (f < 0 || dup2(f, fd) < 0)
        return -errno;
    close(f);
    return 0;
}

/* In a child: stdin, stdout and stderr as o says (w: the pipes' ends). */
static int child_stdio(const struct spawn_opts *o, const int w[2])
{
    int in, rc;

    if (!o->keep_stdin) {
        in = open("/dev/null", O_RDONLY | O_CLOEXEC);
        if (in < 0 || dup2(in, 0) < 0)
            return -errno;
        close(in);
    }
    rc = child_out(1, &o->out, w[0]);
    return rc ? rc : child_out(2, &o->err, w[1]);
}

int spawn_stdio_detached(const char *log_path)
{
    struct spawn_opts o = {
        .out = {.to = log_path ? SPAWN_LOG : SPAWN_NULL, .log_path = log_path},
        .err = {.to = log_path ? SPAWN_LOG : SPAWN_NULL, .log_path = log_path},
    };
    const int none[2] = {-1, -1};

    return child_stdio(&o, none);
}

/* Write all of an int to a pipe (ignored failure: the reader sees EOF). */
static void spawn_tell(int fd, const void *v, size_t len)
{
    ssize_t n = write(fd, v, len);

    (void)n;
}

int spawn_fork_detached(void)
{
    pid_t child, pid;
    int st;

    fflush(NULL);
    /* The middle child only makes the grandchild and exits: vfork spares
     * copying our page tables twice (a fork is costly under nested paging),
     * and we are suspended no longer than that one fork takes. */
    child = vfork();
    if (child < 0)
        return -errno;
    if (child == 0) {
        setsid();
        pid = fork();
        if (pid != 0)
            _exit(pid < 0 ? 127 : 0);
        return 0;
    }
    while (waitpid(child, &st, 0) < 0 && errno == EINTR)
        ;
    return 1;
}

int spawn_fork_detached_pipe(int *fd)
{
    int p[2], rc;

    if (pipe2(p, O_CLOEXEC) != 0)
        return -errno;
    rc = spawn_fork_detached();
    if (rc < 0) {
        close(p[0]);
        close(p[1]);
        return rc;
    }
    close(p[rc == 0 ? 0 : 1]);
    *fd = p[rc == 0 ? 1 : 0];
    return rc;
}

int spawn_detached(const char *path, char *const argv[], const char *log_path,
                   pid_t *pid_out)
{
    struct spawn_out to = {.to = SPAWN_LOG, .log_path = log_path};
    struct spawn_opts log = {.out = to, .err = to};
    int fd, err = 0, rc;
    pid_t pid = -1;
    ssize_t n;

    /* The pipe carries the grandchild's pid, then, only if exec fails, its
     * errno; a successful exec closes it (O_CLOEXEC). */
    rc = spawn_fork_detached_pipe(&fd);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        pid = getpid();
        spawn_tell(fd, &pid, sizeof(pid));
        rc = child_stdio(&log, (int[2]){-1, -1});
        if (rc == 0) {
            execv(path, argv);
            rc = -errno;
        }
        spawn_tell(fd, &rc, sizeof(rc));
        _exit(127);
    }
    n = read(fd, &pid, sizeof(pid));
    if (n != sizeof(pid))
        err = -ECHILD; /* the middle child could not fork */
    else if (read(fd, &rc, sizeof(rc)) == sizeof(rc))
        err = rc < 0 ? rc : -EIO;
    close(fd);
    if (err)
        return err;
    if (pid_out)
        *pid_out = pid;
    return 0;
}

/* In the child: exec as spawn.h says, or _exit telling ep why not. */
static void child_run(const char *path, char *const argv[],
                      const struct spawn_opts *o, const int w[2], int ep)
{
    char alt[PATH_MAX];
    int rc;
    size_t i;

    if (o->timeout_ms)
        setpgid(0, 0);
    rc = child_stdio(o, w);
    if (!rc && o->setup)
        rc = o->setup(o->setup_arg);
    signal(SIGPIPE, SIG_DFL);
    if (!rc && path) {
        execv(path, argv);
        rc = -errno;
    } else if (!rc) {
        execvp(argv[0], argv);
        rc = -errno;
        for (i = 0; rc == -ENOENT && !strchr(argv[0], '/') && o->exec_dirs &&
                    o->exec_dirs[i];
             i++) {
            snprintf(alt, sizeof(alt), "%s/%s", o->exec_dirs[i], argv[0]);
            execv(alt, argv);
            if (errno != ENOENT)
                rc = -errno;
        }
    }
    spawn_tell(ep, &rc, sizeof(rc));
    _exit(127);
}

/* The parent's end of a child's stdout or stderr pipe. */
struct stream {
    int fd;
    struct spawn_out *o;
    size_t n; /* SPAWN_LINES: bytes held in line */
    char line[4096];
};

static void stream_flush(struct stream *s)
{
    if (s->n) {
        s->line[s->n] = '\0';
        s->o->line_fn(s->o->line_arg, s->line, s->n);
        s->n = 0;
    }
}

static void stream_take(struct stream *s, const char *buf, size_t n)
{
    struct spawn_out *o = s->o;
    size_t k;

    if (o->to == SPAWN_CAPTURE) {
        k = o->cap_len > o->cap_used + 1 ? o->cap_len - 1 - o->cap_used : 0;
        if (k > n)
            k = n;
        memcpy(o->cap + o->cap_used, buf, k);
        o->cap_used += k;
        o->cap[o->cap_used] = '\0';
        o->cap_truncated |= k < n;
        return;
    }
    for (k = 0; k < n; k++) {
        s->line[s->n++] = buf[k];
        if (buf[k] == '\n' || s->n == sizeof(s->line) - 1)
            stream_flush(s);
    }
}

/* Read whichever pipe has data, or wait up to ms (-1: forever): 0, or
 * -EAGAIN when no pipe is open any more. */
static int stream_pump(struct stream *s, int ms)
{
    struct pollfd p[2];
    char buf[4096];
    ssize_t r;
    int i;

    for (i = 0; i < 2; i++)
        p[i] = (struct pollfd){.fd = s[i].fd, .events = POLLIN};
    if (p[0].fd < 0 && p[1].fd < 0)
        return -EAGAIN;
    if (poll(p, 2, ms) <= 0)
        return 0;
    for (i = 0; i < 2; i++) {
        if (p[i].fd < 0 || !p[i].revents)
            continue;
        r = read(p[i].fd, buf, sizeof(buf));
        if (r < 0 && errno == EINTR)
            continue;
        if (r > 0) {
            stream_take(&s[i], buf, (size_t)r);
            continue;
        }
        if (s[i].o->to == SPAWN_LINES)
            stream_flush(&s[i]);
        close(s[i].fd);
        s[i].fd = -1;
    }
    return 0;
}

/* Pump the pipes and reap pid by the deadline (0: none): 0, or
 * -ETIMEDOUT once its process group is killed and it is reaped. */
static int wait_child(pid_t pid, struct stream *s, long long deadline, int *st)
{
    int ms = -1, rc = 0;
    pid_t r;

    for (;;) {
        if (deadline) {
            long long left = deadline - mono_ms();

            if (left <= 0) {
                kill(-pid, SIGKILL);
                kill(pid, SIGKILL);
                rc = -ETIMEDOUT;
                break;
            }
            ms = left > 20 ? 20 : (int)left;
        }
        if (stream_pump(s, ms) == 0)
            continue;
        if (!deadline)
            break;
        r = waitpid(pid, st, WNOHANG);
        if (r == pid)
            return 0;
        if (r < 0 && errno != EINTR)
            return -errno;
        poll(NULL, 0, ms);
    }
    while (waitpid(pid, st, 0) < 0)
        if (errno != EINTR)
            return -errno;
    return rc;
}

static int is_pipe(const struct spawn_out *o)
{
    return (o->to == SPAWN_CAPTURE && o->cap && o->cap_len) ||
           o->to == SPAWN_LINES;
}

int spawn_run(const char *path, char *const argv[], struct spawn_opts *o,
              char *err, size_t errlen)
{
    struct spawn_opts none = {0};
    struct stream s[2] = {{.fd = -1}, {.fd = -1}};
    int w[2] = {-1, -1}, ep[2], st = 0, rc = 0, i, e;
    long long deadline = 0;
    pid_t pid;

    if (!o)
        o = &none;
    s[0].o = &o->out;
    s[1].o = &o->err;
    for (i = 0; i < 2; i++) {
        int p[2];

        if (s[i].o->to == SPAWN_CAPTURE) {
            s[i].o->cap_used = 0;
            s[i].o->cap_truncated = 0;
            if (s[i].o->cap && s[i].o->cap_len)
                s[i].o->cap[0] = '\0';
        }
        if (!is_pipe(s[i].o))
            continue;
        if (pipe2(p, O_CLOEXEC) < 0) {
            rc = log_errbuf(err, errlen, -errno, "pipe: %s", strerror(errno));
            goto out;
        }
        s[i].fd = p[0];
        w[i] = p[1];
    }
    if (pipe2(ep, O_CLOEXEC) < 0) {
        rc = log_errbuf(err, errlen, -errno, "pipe: %s", strerror(errno));
        goto out;
    }
    fflush(NULL);
    pid = fork();
    if (pid == 0) {
        close(ep[0]);
        child_run(path, argv, o, w, ep[1]);
    }
    e = errno;
    close(ep[1]);
    for (i = 0; i < 2; i++) {
        if (w[i] >= 0)
            close(w[i]);
        w[i] = -1;
    }
    if (pid < 0) {
        close(ep[0]);
        rc = log_errbuf(err, errlen, -e, "fork: %s", strerror(e));
        goto out;
    }
    if (o->pid_out)
        *o->pid_out = pid;
    if (o->timeout_ms) {
        setpgid(pid, pid); /* as the child does: no window without it */
        deadline = mono_ms() + o->timeout_ms;
    }
    /* the child's errno if it could not exec; EOF once it did */
    while ((e = (int)read(ep[0], &rc, sizeof(rc))) < 0 && errno == EINTR)
        ;
    close(ep[0]);
    if (e != sizeof(rc))
        rc = wait_child(pid, s, deadline, &st);
    else
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
    if (o->pid_out)
        *o->pid_out = 0;
    if (e == sizeof(rc))
        log_errbuf(err, errlen, rc, "cannot run %s: %s", argv[0],
                   strerror(-rc));
    else if (rc == -ETIMEDOUT && o->timeout_ms % 1000)
        log_errbuf(err, errlen, rc, "%s: no answer within %u ms", argv[0],
                   o->timeout_ms);
    else if (rc == -ETIMEDOUT)
        log_errbuf(err, errlen, rc, "%s: no answer within %u s", argv[0],
                   o->timeout_ms / 1000);
    else if (rc < 0)
        log_errbuf(err, errlen, rc, "%s: wait: %s", argv[0], strerror(-rc));
    else if (WIFEXITED(st) && WEXITSTATUS(st))
        rc = log_errbuf(err, errlen, WEXITSTATUS(st),
                        "%s exited with status %d", argv[0], WEXITSTATUS(st));
    else if (WIFSIGNALED(st))
        rc = log_errbuf(err, errlen, -ECHILD, "%s killed by signal %d", argv[0],
                        WTERMSIG(st));
out:
    for (i = 0; i < 2; i++) {
        if (s[i].o->to == SPAWN_LINES)
            stream_flush(&s[i]); /* what a killed child left unfinished */
        if (s[i].fd >= 0)
            close(s[i].fd);
        if (w[i] >= 0)
            close(w[i]);
    }
    return rc;
}
