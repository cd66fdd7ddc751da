/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dom_daemons.c: `xm daemons start` and the implicit start in `xm create`:
 * xenstored (alive = its socket answers) and xenconsoled (alive = its pid
 * file names a live process); blkback and netback on demand, when a domain
 * has disks or vifs and none runs for our root. All run from next to the
 * xm binary, logging under /var/log/xen.
 */
#include "xm/dom.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/paths.h"
#include "xm/xm.h"

static int store_alive(void)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd, ok;

    if (paths_xenstored_socket(sa.sun_path, sizeof(sa.sun_path)) < 0)
        return 0;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return 0;
    ok = connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
    close(fd);
    return ok;
}

static int pidfile_alive(const char *pidfile)
{
    FILE *f = fopen(pidfile, "re");
    int pid = 0;

    if (!f)
        return 0;
    if (fscanf(f, "%d", &pid) != 1)
        pid = 0;
    fclose(f);
    return pid > 0 && (kill(pid, 0) == 0 || errno == EPERM);
}

/*
 * Run prog (from next to our binary). detach_log != NULL: we detach it
 * ourselves (setsid, stdio to that log) instead of letting it daemonize.
 * Waits for the direct child either way.
 */
static int run(const char *prog, char *const argv[], const char *detach_log,
               const char *pidfile)
{
    char self[PATH_MAX], path[PATH_MAX + 32], logp[4096], *slash;
    ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
    pid_t pid;
    int st, fd;

    if (n < 0)
        return -errno;
    self[n] = '\0';
    slash = strrchr(self, '/');
    if (slash)
        *slash = '\0';
    snprintf(path, sizeof(path), "%s/%s", self, prog);
    if (access(path, X_OK) != 0)
        return -ENOENT;
    if (detach_log && (paths_mkdir("/var/log/xen", 0755) < 0 ||
                       paths_get(logp, sizeof(logp), detach_log) < 0))
        return -EIO;
    fflush(NULL);
    pid = fork();
    if (pid < 0)
        return -errno;
    if (pid == 0) {
        if (detach_log) {
            setsid();
            if (fork() != 0)
                _exit(0);
            fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
            dup2(fd, 0);
            fd = open(logp, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
            dup2(fd, 1);
            dup2(fd, 2);
            if (pidfile) { /* exec keeps our pid: it is the daemon's */
                FILE *f = fopen(pidfile, "we");
                if (f) {
                    fprintf(f, "%d\n", (int)getpid());
                    fclose(f);
                }
            }
        }
        execv(path, argv);
        _exit(127);
    }
    if (waitpid(pid, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
        return -EIO;
    return 0;
}

static int start_store(struct xm *xm, int verbose)
{
    char pid[4096];
    char *argv[] = {"xenstored", "--pid-file", pid, NULL};
    int i, rc;

    if (store_alive())
        return 0;
    paths_mkdir("/run/xenstored", 0755);
    paths_get(pid, sizeof(pid), "/run/xenstored.pid");
    rc = run("xenstored", argv, NULL, NULL);
    for (i = 0; rc == 0 && i < 100 && !store_alive(); i++)
        poll(NULL, 0, 50);
    if (rc == 0 && !store_alive())
        rc = -ETIMEDOUT;
    if (rc < 0)
        xm_err(xm, "cannot start xenstored: %s", strerror(-rc));
    else if (verbose)
        fprintf(xm->out, "started xenstored\n");
    return rc;
}

static int start_console(struct xm *xm, int verbose)
{
    char pid[4096], arg[4200];
    /* -i: libxenstore's watch thread does not survive daemon()'s fork, so
     * xenconsoled is detached here rather than by itself. */
    char *argv[] = {"xenconsoled", "-i", arg, "--log=guest", NULL};
    int i, rc;

    paths_mkdir("/run", 0755);
    paths_get(pid, sizeof(pid), "/run/xenconsoled.pid");
    if (pidfile_alive(pid))
        return 0;
    snprintf(arg, sizeof(arg), "--pid-file=%s", pid);
    rc = run("xenconsoled", argv, "/var/log/xen/xenconsoled.log", NULL);
    for (i = 0; rc == 0 && i < 100 && !pidfile_alive(pid); i++)
        poll(NULL, 0, 20);
    if (rc < 0)
        xm_err(xm, "cannot start xenconsoled: %s", strerror(-rc));
    else if (verbose)
        fprintf(xm->out, "started xenconsoled\n");
    return rc;
}

/* Is a prog process running for our root (same PVSTACK_ROOT in its
 * environment)? Finds backends whoever started them, in any netns. */
static int backend_running(const char *prog)
{
    const char *root = getenv("PVSTACK_ROOT");
    char path[300], buf[8192];
    struct dirent *de;
    DIR *d = opendir("/proc");
    int found = 0;

    while (d && !found && (de = readdir(d))) {
        FILE *f;
        size_t n, off;
        const char *mine = NULL;
        if (de->d_name[0] < '1' || de->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
        f = fopen(path, "re");
        if (!f)
            continue;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        if (strcmp(buf, prog) != 0)
            continue;
        snprintf(path, sizeof(path), "/proc/%s/environ", de->d_name);
        f = fopen(path, "re");
        if (!f)
            continue;
        n = fread(buf, 1, sizeof(buf) - 1, f);
        fclose(f);
        buf[n] = '\0';
        for (off = 0; off < n; off += strlen(buf + off) + 1)
            if (strncmp(buf + off, "PVSTACK_ROOT=", 13) == 0)
                mine = buf + off + 13;
        if (!mine || !*mine)
            found = !root || !*root;
        else
            found = root && strcmp(mine, root) == 0;
    }
    if (d)
        closedir(d);
    return found;
}

/* blkback/netback have no pid-file option: we detach them (-i) and write
 * the pid file ourselves. Absent binaries are not an error. */
static int start_backend(struct xm *xm, const char *prog, int verbose)
{
    char pid[4096], rel[64], log[64];
    char *argv[] = {(char *)(uintptr_t)prog, "-i", NULL};
    int rc;

    if (backend_running(prog))
        return 0;
    snprintf(rel, sizeof(rel), "/run/%s.pid", prog);
    snprintf(log, sizeof(log), "/var/log/xen/%s.log", prog);
    paths_get(pid, sizeof(pid), rel);
    rc = run(prog, argv, log, pid);
    if (rc == -ENOENT)
        return 0;
    if (rc < 0)
        xm_err(xm, "cannot start %s: %s", prog, strerror(-rc));
    else if (verbose)
        fprintf(xm->out, "started %s\n", prog);
    return rc;
}

int dom_daemons_start(struct xm *xm, int verbose)
{
    int rc = start_store(xm, verbose);

    if (rc == 0)
        rc = start_console(xm, verbose);
    return rc;
}

int dom_backends_start(struct xm *xm, int blk, int net, int verbose)
{
    int rc = 0;

    if (blk)
        rc = start_backend(xm, "blkback", verbose);
    if (rc == 0 && net)
        rc = start_backend(xm, "netback", verbose);
    return rc;
}
