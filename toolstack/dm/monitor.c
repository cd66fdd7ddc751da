/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * monitor.c: the per-QEMU monitor: a detached process on QEMU's event QMP
 * socket that reports the guest's poweroff / reboot / panic (QEMU kept
 * stopped, the reason recorded for dm_hvm_wait: the domain library's
 * monitor applies on_*), and cleans up once QEMU is gone. It decides
 * nothing.
 */
#include "dm/dm.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xen/sched.h>

#include "dm/internal.h"
#include "dm/qmp.h"
#include "lib/fs.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/spawn.h"

/* path holds the number v, replaced at once: readers never see half. */
static int write_number(const char *path, long v)
{
    char buf[32];
    int n = snprintf(buf, sizeof(buf), "%ld\n", v);

    return fs_write_atomic(path, buf, (size_t)n, 0644, 0);
}

static int dm_pid_write(uint32_t domid, pid_t pid)
{
    char path[512];
    int rc = dm_pid_path(domid, path, sizeof(path));

    return rc ? rc : write_number(path, (long)pid);
}

int dm_shut_write(uint32_t domid, unsigned reason)
{
    char path[512];
    int rc = dm_shut_path(domid, path, sizeof(path));

    return rc ? rc : write_number(path, (long)reason);
}

int dm_monitor_event(const struct qmp_msg *ev, unsigned *reason_out)
{
    const char *reason;

    if (ev->type != QMP_MSG_EVENT)
        return DM_EVENT_NONE;
    if (!strcmp(ev->event, "GUEST_PANICKED")) {
        *reason_out = SHUTDOWN_crash;
        return DM_EVENT_STOPPED;
    }
    if (!qmp_get_bool(ev->value, "guest", 0))
        return DM_EVENT_NONE;
    reason = qmp_get_str(ev->value, "reason");
    if (!reason)
        return DM_EVENT_NONE;
    if (!strcmp(ev->event, "RESET") && !strcmp(reason, "guest-reset")) {
        *reason_out = SHUTDOWN_reboot;
        return DM_EVENT_RESETTING;
    }
    if (strcmp(ev->event, "SHUTDOWN"))
        return DM_EVENT_NONE;
    if (!strcmp(reason, "guest-shutdown"))
        *reason_out = SHUTDOWN_poweroff;
    else if (!strcmp(reason, "guest-reset"))
        *reason_out = SHUTDOWN_reboot;
    else if (!strcmp(reason, "guest-panic"))
        *reason_out = SHUTDOWN_crash;
    else
        return DM_EVENT_NONE;
    return DM_EVENT_STOPPED;
}

/* The guest shut down: recorded for dm_hvm_getinfo and dm_hvm_wait, as
 * Xen records a domain's shutdown reason. */
static void report(struct dm_mon *m, unsigned reason)
{
    int rc = dm_shut_write(m->domid, reason);

    log_info("dom %u: shut down (reason %u)", m->domid, reason);
    if (rc)
        log_warnx("dom %u: recording the shutdown: %s", m->domid,
                  strerror(-rc));
}

/* Kept stopped for the toolstack, which decides (on_*). */
static void stop_and_report(struct dm_mon *m, int how, unsigned reason)
{
    int rc = 0;

    /* SHUTDOWN and GUEST_PANICKED left QEMU paused; a reset did not. */
    if (how != DM_EVENT_STOPPED)
        rc = qmp_execute(m->q, "stop", NULL, 5000, NULL);
    if (rc && rc != -EPIPE)
        log_warnx("dom %u: stop failed: %s", m->domid, strerror(-rc));
    report(m, reason);
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
    if (!m->ops->bare && !strcmp(what, "reboot")) {
        stop_and_report(m, DM_EVENT_NONE, SHUTDOWN_reboot);
        return;
    }
    rc = qmp_execute(m->q, cmd, NULL, 5000, NULL);
    if (rc && rc != -EPIPE)
        log_warnx("dom %u: %s: %s", m->domid, cmd, strerror(-rc));
}

static void handle_event(struct dm_mon *m, struct qmp_msg *ev)
{
    unsigned reason = SHUTDOWN_poweroff;
    int how;

    log_debug("dom %u: event %s", m->domid, ev->event);
    how = dm_monitor_event(ev, &reason);
    if (!how)
        return;
    if (!m->ops->bare)
        stop_and_report(m, how, reason);
    else if (how == DM_EVENT_STOPPED)
        report(m, reason); /* and QEMU exits by itself */
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
    struct pollfd pfd[2];
    char what[32];
    int rc;

    for (;;) {
        if (drain_events(m))
            break;
        pfd[0] = (struct pollfd){.fd = qmp_fd(m->q), .events = POLLIN};
        pfd[1] = (struct pollfd){.fd = req_fd, .events = POLLIN};
        rc = poll(pfd, req_fd >= 0 ? 2 : 1, -1);
        if (rc < 0 && errno != EINTR)
            break;
        if (rc <= 0)
            continue;
        if (req_fd >= 0 && (pfd[1].revents & POLLIN) &&
            m->ops->req_read(m->ops->arg, m->domid, what, sizeof(what)) == 1)
            outside_request(m, what);
        if (pfd[1].revents & (POLLHUP | POLLERR))
            req_fd = -1;
    }
    /* EOF on the socket: QEMU is exiting. Make sure, then clean up. */
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
    struct dm_mon m = {.domid = domid, .qemu_pid = qemu_pid, .ops = ops};
    char path[512];
    struct ready r;
    int rc, req_fd = -1;

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
    if (!rc && ops->req_open && ops->req_read)
        req_fd = ops->req_open(ops->arg, domid);
    r.pid = getpid();
    r.rc = rc;
    if (write(ready_fd, &r, sizeof(r)) != sizeof(r))
        rc = -EIO;
    close(ready_fd);
    if (rc)
        _exit(1);
    spawn_stdio_detached(NULL);
    log_init(0, 0);
    monitor_loop(&m, req_fd);
    qmp_close(m.q);
    _exit(0);
}

int dm_monitor_spawn(uint32_t domid, pid_t qemu_pid,
                     const struct dm_monitor_ops *ops, pid_t *pid_out)
{
    struct ready r = {-1, -EIO};
    int fd, rc;
    ssize_t n;

    *pid_out = -1;
    rc = dm_pid_write(domid, qemu_pid);
    if (rc)
        return rc;
    /* Detached: the monitor outlives xm and is nobody's zombie. */
    rc = spawn_fork_detached_pipe(&fd);
    if (rc < 0)
        return rc;
    if (rc == 0) {
        signal(SIGHUP, SIG_IGN);
        monitor_main(domid, qemu_pid, ops, fd);
    }
    /* EOF without a report: the monitor died before connecting. */
    n = read(fd, &r, sizeof(r));
    close(fd);
    if (n != sizeof(r))
        return -EIO;
    if (r.rc)
        return r.rc;
    *pid_out = r.pid;
    return 0;
}
