/* SPDX-License-Identifier: GPL-2.0-only */
/* pidfile.c: write, check and stop by pid file (see pidfile.h). */
#include "lib/pidfile.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/fs.h"
#include "lib/parse.h"
#include "lib/proc.h"

/* How long a dying daemon (see pidfile_open_live) is given to finish. */
#define PIDFILE_DYING_MS 10000

int pidfile_write(const char *path)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

    return fs_write_atomic(path, buf, (size_t)n, 0644, 0);
}

int pidfile_read(const char *path, pid_t *pid_out)
{
    char buf[32];
    long long v;
    int n = fs_read_line(path, buf, sizeof(buf));

    if (n < 0)
        return n;
    if (parse_ll(buf, 10, 1, 0x7fffffff, &v))
        return -EINVAL;
    *pid_out = (pid_t)v;
    return 0;
}

/* pid's comm is comm? Read after the pidfd is held, so the pid cannot be
 * recycled between the check and the use. *dying: the thread-group leader
 * has exited (state Z) while other threads of it still tear down (a
 * killed netback closing its taps can take seconds). */
static int pidfile_comm_is(pid_t pid, const char *comm, int *dying)
{
    struct proc_task t;

    if (proc_task_read(pid, pid, &t) != 0)
        return 0;
    *dying = t.state == 'Z' || t.state == 'X';
    return strncmp(t.comm, comm, sizeof(t.comm) - 1) == 0;
}

/* Wait for the process behind pfd to exit: 1 exited, 0 still running. */
static int pidfile_wait(int pfd, int ms)
{
    struct pollfd p = {.fd = pfd, .events = POLLIN};
    int rc;

    do
        rc = poll(&p, 1, ms);
    while (rc < 0 && errno == EINTR);
    return rc > 0;
}

int pidfile_open_live(const char *path, const char *comm)
{
    pid_t pid;
    int rc = pidfile_read(path, &pid);
    int pfd, dying = 0;

    if (rc == -EINVAL)
        return -ESRCH;
    if (rc)
        return rc;
    pfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (pfd < 0)
        return errno == ESRCH ? -ESRCH : -errno;
    /* An exited process nobody reaped yet (a zombie) keeps its pid and
     * comm; its pidfd is readable. One whose leader has exited but whose
     * threads are still going is dying, not running: wait for the rest
     * (it still holds what a successor would take over), then it is
     * stale either way. */
    if (!pidfile_comm_is(pid, comm, &dying) ||
        pidfile_wait(pfd, dying ? PIDFILE_DYING_MS : 0) || dying) {
        close(pfd);
        return -ESRCH;
    }
    return pfd;
}

int pidfile_stop(const char *path, const char *comm, int wait_ms)
{
    int pfd = pidfile_open_live(path, comm);
    int rc = 0;

    if (pfd == -ESRCH)
        unlink(path);
    if (pfd < 0)
        return pfd == -ENOENT ? -ESRCH : pfd;
    if (syscall(SYS_pidfd_send_signal, pfd, SIGTERM, NULL, 0) != 0 &&
        errno != ESRCH)
        rc = -errno;
    if (!rc && !pidfile_wait(pfd, wait_ms)) {
        syscall(SYS_pidfd_send_signal, pfd, SIGKILL, NULL, 0);
        if (!pidfile_wait(pfd, wait_ms))
            rc = -ETIMEDOUT;
    }
    close(pfd);
    if (!rc)
        unlink(path); /* a killed daemon could not remove it */
    return rc;
}
