/* SPDX-License-Identifier: GPL-2.0-only */
/* spawn.c: running helper programs, attached or detached (see spawn.h). */
#include "lib/spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* In the grandchild: stdio as spawn.h says. Failures are reported on
 * the error pipe by the caller's exec step. */
static int spawn_stdio(const char *log_path)
{
    int in = open("/dev/null", O_RDONLY | O_CLOEXEC);
    int out = open(log_path ? log_path : "/dev/null",
                   O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);

    if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 ||
        dup2(out, 2) < 0)
        return -errno;
    if (in > 2)
        close(in);
    if (out > 2)
        close(out);
    return 0;
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
    child = fork();
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

int spawn_detached(const char *path, char *const argv[], const char *log_path,
                   pid_t *pid_out)
{
    int p[2], err = 0, rc;
    pid_t pid = -1;
    ssize_t n;

    /* The pipe carries the grandchild's pid, then, only if exec fails, its
     * errno; a successful exec closes it (O_CLOEXEC). */
    if (pipe2(p, O_CLOEXEC) != 0)
        return -errno;
    rc = spawn_fork_detached();
    if (rc < 0) {
        close(p[0]);
        close(p[1]);
        return rc;
    }
    if (rc == 0) {
        close(p[0]);
        pid = getpid();
        spawn_tell(p[1], &pid, sizeof(pid));
        rc = spawn_stdio(log_path);
        if (rc == 0) {
            execv(path, argv);
            rc = -errno;
        }
        spawn_tell(p[1], &rc, sizeof(rc));
        _exit(127);
    }
    close(p[1]);
    n = read(p[0], &pid, sizeof(pid));
    if (n != sizeof(pid))
        err = -ECHILD; /* the middle child could not fork */
    else if (read(p[0], &rc, sizeof(rc)) == sizeof(rc))
        err = rc < 0 ? rc : -EIO;
    close(p[0]);
    if (err)
        return err;
    if (pid_out)
        *pid_out = pid;
    return 0;
}

int spawn_wait(const char *path, char *const argv[])
{
    pid_t pid;
    int st;

    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return -errno;
    if (pid == 0) {
        execv(path, argv);
        _exit(127);
    }
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR)
            return -errno;
    if (WIFEXITED(st))
        return WEXITSTATUS(st);
    return -ECHILD;
}
