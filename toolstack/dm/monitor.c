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
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xen/sched.h>

#include "dm/internal.h"
#include "dm/qmp.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/spawn.h"

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
                      const struct dm_monitor_ops *ops, enum dm_action *act_out)
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

/* Report-only: QEMU stays stopped, the waiters learn why. */
static void stop_and_report(struct dm_mon *m, int how, unsigned reason)
{
    int rc = 0;

    /* SHUTDOWN and GUEST_PANICKED left QEMU paused; a reset did not. */
    if (how != DM_DECIDE_STOPPED)
        rc = qmp_execute(m->q, "stop", NULL, 5000, NULL);
    if (rc && rc != -EPIPE)
        log_warnx("dom %u: stop failed: %s", m->domid, strerror(-rc));
    log_info("dom %u: shut down (reason %u)", m->domid, reason);
    m->shut = 1;
    m->shut_reason = reason;
    dm_ctlsrv_wake(m);
}

/* The SHUTDOWN_* a guest event stands for. */
static unsigned event_reason(const struct qmp_msg *ev)
{
    const char *reason = qmp_get_str(ev->value, "reason");

    if (!strcmp(ev->event, "GUEST_PANICKED") ||
        (reason && !strcmp(reason, "guest-panic")))
        return SHUTDOWN_crash;
    if (reason && !strcmp(reason, "guest-reset"))
        return SHUTDOWN_reboot;
    return SHUTDOWN_poweroff;
}

/* A request from outside (xm shutdown/reboot via the store). */
static void outside_request(struct dm_mon *m, const char *what)
{
    const char *cmd =
        !strcmp(what, "reboot") ? "system_reset" : "system_powerdown";
    int rc;

    if (strcmp(what, "poweroff") && strcmp(what, "halt") &&
        strcmp(what, "reboot"))
        return;
    log_info("dom %u: %s requested", m->domid, what);
    /* As xl reboot -F: the domain shuts down for a reboot; the toolstack
     * rebuilds it. A poweroff stays the ACPI button: the guest decides. */
    if (m->ops->report_only && !strcmp(what, "reboot")) {
        stop_and_report(m, 0, SHUTDOWN_reboot);
        return;
    }
    rc = qmp_execute(m->q, cmd, NULL, 5000, NULL);
    if (rc && rc != -EPIPE)
        log_warnx("dom %u: %s: %s", m->domid, cmd, strerror(-rc));
}

static void handle_event(struct dm_mon *m, struct qmp_msg *ev)
{
    enum dm_action act;
    int how;

    log_debug("dom %u: event %s", m->domid, ev->event);
    how = dm_monitor_decide(ev, m->ops, &act);
    if (how && m->ops->report_only) {
        stop_and_report(m, how, event_reason(ev));
        return;
    }
    if (how == DM_DECIDE_STOPPED) {
        /* Waiters (xl's domain-death watch) learn of it before we act. */
        m->shut = 1;
        m->shut_reason = !strcmp(ev->event, "GUEST_PANICKED")
                             ? SHUTDOWN_crash
                             : SHUTDOWN_poweroff;
        dm_ctlsrv_wake(m);
    }
    if (how)
        apply(m->q, m->domid, how, act);
    if (how == DM_DECIDE_STOPPED && act == DM_ACTION_RESTART)
        m->shut = 0;
}

/* Events the QMP client already read (queued or buffered) come first. */
static int drain_events(struct dm_mon *m)
{
    struct qmp_msg *ev;
    int rc;

    while ((rc = qmp_next_event(m->q, 0, &ev)) == 0) {
        handle_event(m, ev);
        qmp_msg_free(ev);
    }
    return rc == -ETIMEDOUT ? 0 : rc;
}

static void monitor_loop(struct dm_mon *m, int req_fd)
{
    struct pollfd pfd[3];
    char what[32];
    int rc;

    for (;;) {
        if (drain_events(m))
            break;
        pfd[0] = (struct pollfd){.fd = qmp_fd(m->q), .events = POLLIN};
        pfd[1] = (struct pollfd){.fd = m->lfd, .events = POLLIN};
        pfd[2] = (struct pollfd){.fd = req_fd, .events = POLLIN};
        rc = poll(pfd, req_fd >= 0 ? 3 : 2, -1);
        if (rc < 0 && errno != EINTR)
            break;
        if (rc <= 0)
            continue;
        if (pfd[1].revents & POLLIN)
            dm_ctlsrv_serve(m);
        if (req_fd >= 0 && (pfd[2].revents & POLLIN) &&
            m->ops->req_read(m->ops->arg, m->domid, what, sizeof(what)) == 1)
            outside_request(m, what);
        if (pfd[2].revents & (POLLHUP | POLLERR))
            req_fd = -1;
    }
    /* EOF on the socket: QEMU is exiting. Make sure, then clean up. */
    dm_ctlsrv_close(m);
    if (dm_wait_gone(m->qemu_pid, 5000) == -ETIMEDOUT) {
        kill(m->qemu_pid, SIGKILL);
        dm_wait_gone(m->qemu_pid, 2000);
    }
    dm_files_remove(m->domid);
    if (m->ops->gone)
        m->ops->gone(m->ops->arg, m->domid);
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
    struct dm_mon m = {.domid = domid,
                       .qemu_pid = qemu_pid,
                       .ops = ops,
                       .lfd = -1,
                       .start_time = (uint64_t)time(NULL)};
    char path[512];
    struct ready r;
    int rc, nullfd, req_fd = -1;

    /*
     * Drop what we inherited from xm (store connections, tap fds: a tap
     * must vanish with QEMU, not live on in us).
     */
    if (ready_fd > 3)
        close_range(3, (unsigned)ready_fd - 1, 0);
    close_range((unsigned)ready_fd + 1, ~0U, 0);
    rc = dm_event_path(domid, path, sizeof(path));
    if (!rc)
        rc = qmp_connect(path, 10000, &m.q);
    if (!rc)
        rc = dm_ctlsrv_open(&m);
    if (!rc && ops->req_open && ops->req_read)
        req_fd = ops->req_open(ops->arg, domid);
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
    monitor_loop(&m, req_fd);
    qmp_close(m.q);
    _exit(0);
}

int dm_monitor_spawn(uint32_t domid, pid_t qemu_pid,
                     const struct dm_monitor_ops *ops, pid_t *pid_out)
{
    struct ready r = {-1, -EIO};
    int p[2], rc;
    ssize_t n;

    *pid_out = -1;
    rc = dm_pid_write(domid, qemu_pid);
    if (rc)
        return rc;
    if (pipe2(p, O_CLOEXEC))
        return -errno;
    /* Detached: the monitor outlives xm and is nobody's zombie. */
    rc = spawn_fork_detached();
    if (rc < 0) {
        close(p[0]);
        close(p[1]);
        return rc;
    }
    if (rc == 0) {
        close(p[0]);
        signal(SIGHUP, SIG_IGN);
        monitor_main(domid, qemu_pid, ops, p[1]);
    }
    close(p[1]);
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
