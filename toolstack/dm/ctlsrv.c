/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctlsrv.c: the HVM monitor answers the kvm engine's VMM control protocol
 * (proto/vmmctl.h) on /run/pvstack/dom<id>.sock, so QEMU plus its monitor is
 * "the VMM" of an HVM domain: xm list, pause, unpause, destroy and the
 * domain-death wait work through libhv unchanged.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <xen/sched.h>

#include "dm/internal.h"
#include "proto/vmmctl.h"
#include "lib/paths.h"

int dm_ctl_path(uint32_t domid, char *buf, size_t len)
{
    char rel[64];

    snprintf(rel, sizeof(rel), VMMCTL_SOCK_FMT, domid);
    return paths_get(buf, len, rel);
}

int dm_ctlsrv_open(struct dm_mon *m)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd, rc;

    m->lfd = -1;
    rc = paths_mkdir("/run/pvstack", 0755);
    if (!rc)
        rc = dm_ctl_path(m->domid, sa.sun_path, sizeof(sa.sun_path));
    if (rc)
        return rc;
    unlink(sa.sun_path);
    fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 8)) {
        rc = -errno;
        close(fd);
        return rc;
    }
    m->lfd = fd;
    return 0;
}

static uint64_t ram_bytes(struct dm_mon *m)
{
    struct qmp_msg *r = NULL;
    long long b = 0;

    if (qmp_execute(m->q, "query-memory-size-summary", NULL, 5000, &r) == 0)
        b = qmp_get_int(r->value, "base-memory", 0);
    qmp_msg_free(r);
    return b > 0 ? (uint64_t)b : 0;
}

static void fill_info(struct dm_mon *m, struct vmmctl_info *in)
{
    struct qmp_msg *r = NULL;
    const char *s = NULL;
    unsigned n;
    uint64_t ns;

    memset(in, 0, sizeof(*in));
    in->domid = m->domid;
    if (qmp_execute(m->q, "query-status", NULL, 5000, &r) == 0)
        s = qmp_get_str(r->value, "status");
    switch (dm_state_from_qemu(s)) {
    case DM_STATE_RUNNING:
        in->flags = VMMCTL_F_RUNNING;
        break;
    case DM_STATE_PAUSED:
        in->flags = VMMCTL_F_PAUSED;
        break;
    case DM_STATE_SHUTDOWN:
        in->flags = VMMCTL_F_SHUTDOWN;
        in->shutdown_reason = m->shut ? m->shut_reason : SHUTDOWN_poweroff;
        break;
    case DM_STATE_CRASHED:
        in->flags = VMMCTL_F_SHUTDOWN;
        in->shutdown_reason = SHUTDOWN_crash;
        break;
    default:
        in->flags = VMMCTL_F_BLOCKED;
        break;
    }
    qmp_msg_free(r);
    /* Shut down and kept stopped for the toolstack, with its reason. */
    if (m->shut) {
        in->flags = VMMCTL_F_SHUTDOWN;
        in->shutdown_reason = m->shut_reason;
    }
    dm_vcpu_times(m->qemu_pid, &n, &ns);
    in->vcpus = in->vcpus_online = n;
    in->cpu_ns = ns;
    in->cur_pages = in->max_pages = in->ram_pages = in->total_pages =
        ram_bytes(m) / 4096;
    in->start_time = m->start_time;
}

static void reply(int fd, int rc, const struct vmmctl_info *in)
{
    struct vmmctl_rep rep;

    memset(&rep, 0, sizeof(rep));
    rep.rc = rc;
    if (in)
        rep.info = *in;
    /* A client that went away meanwhile is its own problem. */
    (void)send(fd, &rep, sizeof(rep), MSG_NOSIGNAL);
}

static int do_op(struct dm_mon *m, const struct vmmctl_req *req)
{
    switch (req->op) {
    case VMMCTL_PAUSE:
        return qmp_execute(m->q, "stop", NULL, 5000, NULL);
    case VMMCTL_UNPAUSE:
        return qmp_execute(m->q, "cont", NULL, 5000, NULL);
    case VMMCTL_SHUTDOWN:
        /* No PV drivers in an HVM guest: ACPI power button / hard reset. */
        if (req->arg == SHUTDOWN_poweroff)
            return qmp_execute(m->q, "system_powerdown", NULL, 5000, NULL);
        if (req->arg == SHUTDOWN_reboot)
            return qmp_execute(m->q, "system_reset", NULL, 5000, NULL);
        return -EOPNOTSUPP;
    default:
        /* Memory/event-channel ops are the PV VMM's; QEMU has none. */
        return -EOPNOTSUPP;
    }
}

void dm_ctlsrv_serve(struct dm_mon *m)
{
    struct vmmctl_info in;
    struct vmmctl_req req;
    ssize_t n;
    int fd;

    fd = accept4(m->lfd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0)
        return;
    n = recv(fd, &req, sizeof(req), 0);
    if (n != sizeof(req) || req.magic != VMMCTL_MAGIC) {
        reply(fd, -EPROTO, NULL);
    } else if (req.op == VMMCTL_INFO) {
        fill_info(m, &in);
        reply(fd, 0, &in);
    } else if (req.op == VMMCTL_WAIT && !m->shut && m->nwait < DM_MAX_WAITERS) {
        m->waiters[m->nwait++] = fd; /* answered by dm_ctlsrv_wake */
        return;
    } else if (req.op == VMMCTL_WAIT) {
        fill_info(m, &in);
        reply(fd, m->shut ? 0 : -EBUSY, &in);
    } else if (req.op == VMMCTL_DESTROY) {
        /* Reply first: the client counts EOF as "gone" anyway. */
        reply(fd, 0, NULL);
        qmp_execute(m->q, "quit", NULL, 5000, NULL);
    } else {
        reply(fd, do_op(m, &req), NULL);
    }
    close(fd);
}

void dm_ctlsrv_wake(struct dm_mon *m)
{
    struct vmmctl_info in;
    int i;

    if (!m->nwait)
        return;
    fill_info(m, &in);
    in.flags |= VMMCTL_F_SHUTDOWN;
    in.shutdown_reason = m->shut_reason;
    for (i = 0; i < m->nwait; i++) {
        reply(m->waiters[i], 0, &in);
        close(m->waiters[i]);
    }
    m->nwait = 0;
}

void dm_ctlsrv_close(struct dm_mon *m)
{
    char path[108];
    int i;

    /* Waiters see EOF: the client reads that as "domain gone". */
    for (i = 0; i < m->nwait; i++)
        close(m->waiters[i]);
    m->nwait = 0;
    if (m->lfd >= 0)
        close(m->lfd);
    m->lfd = -1;
    if (dm_ctl_path(m->domid, path, sizeof(path)) == 0)
        unlink(path);
}
