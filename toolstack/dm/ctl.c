/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctl.c: the control operations on a running device model, each one QMP
 * session on /run/xen/qmp-libxl-<domid>: status for xm list, pause/unpause,
 * ACPI shutdown, reset, destroy (quit, then SIGKILL) and the serial pty.
 */
#include "dm/dm.h"

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
#include "lib/pidfile.h"
#include "lib/proc.h"

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
    char path[512];
    int rc = dm_pid_path(domid, path, sizeof(path));

    *pid_out = 0;
    return rc ? rc : pidfile_read(path, pid_out);
}

struct vcpu_times {
    unsigned n;
    uint64_t ns;
};

static int add_vcpu_time(const struct proc_task *t, void *arg)
{
    struct vcpu_times *vt = arg;
    unsigned id;

    if (proc_task_vcpu(t, &id)) {
        vt->n++;
        vt->ns += t->cpu_ns;
    }
    return 0;
}

/* QEMU names its vcpu threads "CPU <n>/KVM" or "CPU <n>/TCG" (debug-threads).
 */
static void dm_vcpu_times(pid_t pid, unsigned *n_out, uint64_t *ns_out)
{
    struct vcpu_times vt = {0, 0};

    proc_tasks(pid, add_vcpu_time, &vt);
    *n_out = vt.n;
    *ns_out = vt.ns;
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

int dm_wait_gone(pid_t pid, int timeout_ms)
{
    struct timespec tick = {0, 20 * 1000 * 1000};
    int waited;

    for (waited = 0; waited < timeout_ms; waited += 20) {
        if (!proc_alive(pid))
            return 0;
        nanosleep(&tick, NULL);
    }
    return proc_alive(pid) ? -ETIMEDOUT : 0;
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
    if (!dm_shut_path(domid, path, sizeof(path)))
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
