/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctl.c: the control operations on a running device model, each one QMP
 * session on /run/xen/qmp-libxl-<domid>: status for xm list, pause/unpause,
 * ACPI shutdown, reset, destroy (quit, then SIGKILL) and the serial pty.
 */
#include "dm/dm.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dm/internal.h"
#include "dm/qmp.h"
#include "lib/parse.h"

/* QEMU serves one QMP client at a time; a busy socket waits this long. */
#define CTL_TIMEOUT_MS 5000

static int ctl_connect(uint32_t domid, struct qmp **q_out)
{
    char path[512];
    int rc = dm_qmp_path(domid, path, sizeof(path));

    if (rc)
        return rc;
    rc = qmp_connect(path, CTL_TIMEOUT_MS, q_out);
    if (rc == -ECONNREFUSED || rc == -EPIPE)
        rc = -ENOENT;
    return rc;
}

static int ctl_simple(uint32_t domid, const char *cmd)
{
    struct qmp *q = NULL;
    int rc = ctl_connect(domid, &q);

    if (rc)
        return rc;
    rc = qmp_execute(q, cmd, NULL, CTL_TIMEOUT_MS, NULL);
    qmp_close(q);
    return rc;
}

int dm_pause(uint32_t domid)
{
    return ctl_simple(domid, "stop");
}
int dm_unpause(uint32_t domid)
{
    return ctl_simple(domid, "cont");
}
int dm_shutdown(uint32_t domid)
{
    return ctl_simple(domid, "system_powerdown");
}
int dm_reboot(uint32_t domid)
{
    return ctl_simple(domid, "system_reset");
}

int dm_pid_read(uint32_t domid, pid_t *pid_out)
{
    char path[512], buf[32];
    long long v;
    ssize_t n;
    int fd, rc = dm_pid_path(domid, path, sizeof(path));

    *pid_out = 0;
    if (rc)
        return rc;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return -EINVAL;
    buf[n] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    rc = parse_ll(buf, 10, 1, 0x7fffffff, &v);
    if (rc)
        return rc;
    *pid_out = (pid_t)v;
    return 0;
}

/* utime + stime of one thread, in ns. */
static uint64_t thread_cpu_ns(pid_t pid, const char *tid)
{
    char path[384], buf[1024], *p;
    unsigned long long ut = 0, st = 0;
    long hz = sysconf(_SC_CLK_TCK);
    ssize_t n;
    int fd;

    snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", (int)pid, tid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    /* The comm field may hold spaces and parens: fields restart after ')'. */
    p = strrchr(buf, ')');
    if (!p || sscanf(p + 2,
                     "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu "
                     "%llu",
                     &ut, &st) != 2)
        return 0;
    return (ut + st) *
           (1000000000ULL / (unsigned long long)(hz > 0 ? hz : 100));
}

/* QEMU names its vcpu threads "CPU <n>/KVM" or "CPU <n>/TCG" (debug-threads).
 */
void dm_vcpu_times(pid_t pid, unsigned *n_out, uint64_t *ns_out)
{
    char path[64], comm[64];
    struct dirent *de;
    DIR *d;

    *n_out = 0;
    *ns_out = 0;
    snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
    d = opendir(path);
    if (!d)
        return;
    while ((de = readdir(d))) {
        char cpath[384];
        ssize_t n;
        int fd;

        if (de->d_name[0] == '.')
            continue;
        snprintf(cpath, sizeof(cpath), "%s/%s/comm", path, de->d_name);
        fd = open(cpath, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        n = read(fd, comm, sizeof(comm) - 1);
        close(fd);
        if (n <= 0 || strncmp(comm, "CPU ", 4))
            continue;
        (*n_out)++;
        *ns_out += thread_cpu_ns(pid, de->d_name);
    }
    closedir(d);
}

static void chardev_pty(struct qmp *q, char *buf, size_t len)
{
    struct qmp_msg *r = NULL;
    size_t i;

    buf[0] = '\0';
    if (qmp_execute(q, "query-chardev", NULL, CTL_TIMEOUT_MS, &r) ||
        !YAJL_IS_ARRAY(r->value)) {
        qmp_msg_free(r);
        return;
    }
    for (i = 0; i < r->value->u.array.len; i++) {
        yajl_val e = r->value->u.array.values[i];
        const char *label = qmp_get_str(e, "label");
        const char *fn = qmp_get_str(e, "filename");

        if (label && fn && !strcmp(label, "serial0") && !strncmp(fn, "pty:", 4))
            snprintf(buf, len, "%s", fn + 4);
    }
    qmp_msg_free(r);
}

enum dm_state dm_state_from_qemu(const char *status)
{
    if (!status)
        return DM_STATE_OTHER;
    if (!strcmp(status, "running"))
        return DM_STATE_RUNNING;
    if (!strcmp(status, "paused") || !strcmp(status, "prelaunch") ||
        !strcmp(status, "debug"))
        return DM_STATE_PAUSED;
    if (!strcmp(status, "shutdown"))
        return DM_STATE_SHUTDOWN;
    if (!strcmp(status, "guest-panicked") || !strcmp(status, "internal-error"))
        return DM_STATE_CRASHED;
    return DM_STATE_OTHER;
}

int dm_status_get(uint32_t domid, struct dm_status *st)
{
    struct qmp_msg *r = NULL;
    struct qmp *q = NULL;
    const char *s;
    int rc;

    memset(st, 0, sizeof(*st));
    rc = ctl_connect(domid, &q);
    if (rc)
        return rc;
    rc = qmp_execute(q, "query-status", NULL, CTL_TIMEOUT_MS, &r);
    if (rc)
        goto out;
    s = qmp_get_str(r->value, "status");
    snprintf(st->qemu_status, sizeof(st->qemu_status), "%s", s ? s : "?");
    st->state = dm_state_from_qemu(s);
    chardev_pty(q, st->pty, sizeof(st->pty));
    if (dm_pid_read(domid, &st->pid) == 0)
        dm_vcpu_times(st->pid, &st->vcpus, &st->cpu_ns);
out:
    qmp_msg_free(r);
    qmp_close(q);
    return rc;
}

int dm_qmp_command(uint32_t domid, const char *cmd, const char *args,
                   char **reply_out)
{
    struct qmp_msg *r = NULL;
    struct qmp *q = NULL;
    int rc = ctl_connect(domid, &q);

    *reply_out = NULL;
    if (rc)
        return rc;
    rc = qmp_execute(q, cmd, args, CTL_TIMEOUT_MS, &r);
    if (r) {
        *reply_out = r->text;
        r->text = NULL;
    }
    qmp_msg_free(r);
    qmp_close(q);
    return rc;
}

int dm_console_pty(uint32_t domid, char *buf, size_t len)
{
    struct qmp *q = NULL;
    int rc = ctl_connect(domid, &q);

    if (rc)
        return rc;
    chardev_pty(q, buf, len);
    qmp_close(q);
    return buf[0] ? 0 : -ENOENT;
}

static int pid_alive(pid_t pid)
{
    char path[64], buf[512], *p;
    ssize_t n;
    int fd;

    if (pid <= 0 || kill(pid, 0) < 0)
        return 0;
    /* A zombie has exited: its parent (a launcher) just has not reaped it. */
    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return 0;
    buf[n] = '\0';
    p = strrchr(buf, ')');
    return !(p && p[1] == ' ' && (p[2] == 'Z' || p[2] == 'X'));
}

int dm_wait_gone(pid_t pid, int timeout_ms)
{
    struct timespec tick = {0, 20 * 1000 * 1000};
    int waited;

    for (waited = 0; waited < timeout_ms; waited += 20) {
        if (!pid_alive(pid))
            return 0;
        nanosleep(&tick, NULL);
    }
    return pid_alive(pid) ? -ETIMEDOUT : 0;
}

void dm_files_remove(uint32_t domid)
{
    char path[512];

    if (!dm_qmp_path(domid, path, sizeof(path)))
        unlink(path);
    if (!dm_event_path(domid, path, sizeof(path)))
        unlink(path);
    if (!dm_pid_path(domid, path, sizeof(path)))
        unlink(path);
    if (!dm_ctl_path(domid, path, sizeof(path)))
        unlink(path);
}

int dm_destroy(uint32_t domid, int timeout_ms)
{
    struct qmp *q = NULL;
    pid_t pid = 0;
    int rc;

    dm_pid_read(domid, &pid);
    rc = ctl_connect(domid, &q);
    if (rc == 0) {
        /* QEMU answers quit, then exits; EPIPE means it already went. */
        rc = qmp_execute(q, "quit", NULL, CTL_TIMEOUT_MS, NULL);
        qmp_close(q);
        if (rc == -EPIPE)
            rc = 0;
    }
    if (rc && !pid)
        return rc;
    if (pid && dm_wait_gone(pid, timeout_ms)) {
        kill(pid, SIGKILL);
        if (dm_wait_gone(pid, 2000))
            return -ETIMEDOUT;
    }
    dm_files_remove(domid);
    return 0;
}
