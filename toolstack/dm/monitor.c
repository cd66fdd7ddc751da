/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * monitor.c: the per-domain device-model monitor, xl's "domain death"
 * watcher for HVM: a detached process on QEMU's event QMP socket that turns
 * guest poweroff / reboot / panic into on_poweroff / on_reboot / on_crash,
 * and cleans up once QEMU is gone.
 */
#include "dm/dm.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "dm/internal.h"
#include "dm/qmp.h"
#include "lib/log.h"
#include "lib/paths.h"

int dm_pid_write(uint32_t domid, pid_t pid)
{
    char path[512], tmp[520];
    int fd, rc = dm_pid_path(domid, path, sizeof(path));

    if (rc)
        return rc;
    snprintf(tmp, sizeof(tmp), "%s.new", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    if (dprintf(fd, "%d\n", (int)pid) < 0) {
        rc = -errno;
        close(fd);
        unlink(tmp);
        return rc;
    }
    close(fd);
    /* Readers never see a half-written pid. */
    return rename(tmp, path) ? -errno : 0;
}

int dm_monitor_decide(const struct qmp_msg *ev,
                      const struct dm_monitor_ops *ops,
                      enum dm_action *act_out)
{
    const char *reason;

    if (ev->type != QMP_MSG_EVENT)
        return 0;
    if (!strcmp(ev->event, "GUEST_PANICKED")) {
        *act_out = ops->on_crash;
        return DM_DECIDE_STOPPED;
    }
    if (!qmp_get_bool(ev->value, "guest", 0))
        return 0;
    reason = qmp_get_str(ev->value, "reason");
    if (!reason)
        return 0;
    if (!strcmp(ev->event, "RESET") && !strcmp(reason, "guest-reset")) {
        *act_out = ops->on_reboot;
        return DM_DECIDE_RESETTING;
    }
    if (strcmp(ev->event, "SHUTDOWN"))
        return 0;
    if (!strcmp(reason, "guest-shutdown"))
        *act_out = ops->on_poweroff;
    else if (!strcmp(reason, "guest-reset"))
        *act_out = ops->on_reboot;
    else if (!strcmp(reason, "guest-panic"))
        *act_out = ops->on_crash;
    else
        return 0;
    return DM_DECIDE_STOPPED;
}

static const char *action_name(enum dm_action a)
{
    return a == DM_ACTION_DESTROY   ? "destroy"
           : a == DM_ACTION_RESTART ? "restart"
                                    : "preserve";
}

static void apply(struct qmp *q, uint32_t domid, int how, enum dm_action act)
{
    int rc = 0;

    log_info("dom %u: guest %s", domid, action_name(act));
    /* QEMU is already resetting the machine: restart needs nothing. */
    if (how == DM_DECIDE_RESETTING && act != DM_ACTION_DESTROY) {
        if (act == DM_ACTION_PRESERVE)
            rc = qmp_execute(q, "stop", NULL, 5000, NULL);
        if (rc && rc != -EPIPE)
            log_warnx("dom %u: stop failed: %s", domid, strerror(-rc));
        return;
    }
    switch (act) {
    case DM_ACTION_DESTROY:
        rc = qmp_execute(q, "quit", NULL, 5000, NULL);
        break;
    case DM_ACTION_RESTART:
        /*
         * Xen rebuilds a restarted domain under a new domid; QEMU resets
         * the same machine, so the domid stays.
         */
        rc = qmp_execute(q, "system_reset", NULL, 5000, NULL);
        if (!rc)
            rc = qmp_execute(q, "cont", NULL, 5000, NULL);
        break;
    case DM_ACTION_PRESERVE:
        break;
    }
    if (rc && rc != -EPIPE)
        log_warnx("dom %u: %s failed: %s", domid, action_name(act),
                  strerror(-rc));
}

static void monitor_loop(struct qmp *q, uint32_t domid, pid_t qemu_pid,
                         const struct dm_monitor_ops *ops)
{
    struct qmp_msg *ev;
    enum dm_action act;
    int rc, how;

    for (;;) {
        rc = qmp_next_event(q, -1, &ev);
        if (rc)
            break;
        log_debug("dom %u: event %s", domid, ev->event);
        how = dm_monitor_decide(ev, ops, &act);
        if (how)
            apply(q, domid, how, act);
        qmp_msg_free(ev);
    }
    /* EOF on the socket: QEMU is exiting. Make sure, then clean up. */
    if (dm_wait_gone(qemu_pid, 5000) == -ETIMEDOUT) {
        kill(qemu_pid, SIGKILL);
        dm_wait_gone(qemu_pid, 2000);
    }
    dm_files_remove(domid);
    if (ops->gone)
        ops->gone(ops->arg, domid);
}

/* One pipe write (atomic): the monitor's pid and whether it connected. */
struct ready {
    pid_t pid;
    int rc;
};

/* In the grandchild: connect, report readiness on ready_fd, then serve. */
static void monitor_main(uint32_t domid, pid_t qemu_pid,
                         const struct dm_monitor_ops *ops, int ready_fd)
{
    char path[512];
    struct qmp *q = NULL;
    struct ready r;
    int rc, nullfd;

    /*
     * Drop what we inherited from xm (store connections, tap fds: a tap
     * must vanish with QEMU, not live on in us).
     */
    if (ready_fd > 3)
        close_range(3, (unsigned)ready_fd - 1, 0);
    close_range((unsigned)ready_fd + 1, ~0U, 0);
    rc = dm_event_path(domid, path, sizeof(path));
    if (!rc)
        rc = qmp_connect(path, 10000, &q);
    r.pid = getpid();
    r.rc = rc;

    if (write(ready_fd, &r, sizeof(r)) != sizeof(r))
        rc = -EIO;
    close(ready_fd);
    if (rc)
        _exit(1);
    nullfd = open("/dev/null", O_RDWR);
    if (nullfd >= 0) {
        dup2(nullfd, 0);
        dup2(nullfd, 1);
        dup2(nullfd, 2);
    }
    log_init(0, 0);
    monitor_loop(q, domid, qemu_pid, ops);
    qmp_close(q);
    _exit(0);
}

int dm_monitor_spawn(uint32_t domid, pid_t qemu_pid,
                     const struct dm_monitor_ops *ops, pid_t *pid_out)
{
    struct ready r = { -1, -EIO };
    int p[2], rc, st;
    pid_t child, mon;
    ssize_t n;

    *pid_out = -1;
    rc = dm_pid_write(domid, qemu_pid);
    if (rc)
        return rc;
    if (pipe2(p, O_CLOEXEC))
        return -errno;
    child = fork();
    if (child < 0) {
        rc = -errno;
        close(p[0]);
        close(p[1]);
        return rc;
    }
    if (child == 0) {
        /* Double fork: the monitor outlives xm and is nobody's zombie. */
        close(p[0]);
        setsid();
        signal(SIGHUP, SIG_IGN);
        mon = fork();
        if (mon == 0)
            monitor_main(domid, qemu_pid, ops, p[1]);
        _exit(mon < 0);
    }
    close(p[1]);
    while (waitpid(child, &st, 0) < 0 && errno == EINTR)
        ;
    /* EOF without a report: the monitor died before connecting. */
    n = read(p[0], &r, sizeof(r));
    close(p[0]);
    if (n != sizeof(r))
        return -EIO;
    if (r.rc)
        return r.rc;
    *pid_out = r.pid;
    return 0;
}
