/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ctl.c: the VMM's control socket /run/pvstack/dom<ID>.sock (vmmctl.h):
 * info, memfd and event-channel hand-over (SCM_RIGHTS), pause/unpause,
 * shutdown, destroy, limits, and WAIT replies sent when the domain shuts
 * down. Served on the main thread; a bad client only loses its connection.
 */
#include "vmm/vmm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "proto/vmmctl.h"
#include "lib/log.h"
#include "lib/paths.h"
#include "lib/sock.h"

static uint64_t thread_cpu_ns(pthread_t t)
{
    struct timespec ts;
    clockid_t cid;

    if (pthread_getcpuclockid(t, &cid) || clock_gettime(cid, &ts))
        return 0;
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void ctl_fill_info(struct vmm *vmm, struct vmmctl_info *in)
{
    unsigned i, online = 0, blocked = 0, running = 0;

    memset(in, 0, sizeof(*in));
    in->domid = vmm->domid;
    for (i = 0; i < vmm->nr_vcpus; i++) {
        struct vcpu *v = &vmm->vcpus[i];
        if (v->started)
            in->cpu_ns += thread_cpu_ns(v->thread);
        if (!v->online)
            continue;
        online++;
        blocked += v->state == VCPU_BLOCKED;
        running += v->state == VCPU_RUNNING;
    }
    if (vmm->paused)
        in->flags |= VMMCTL_F_PAUSED;
    if (vmm->shutdown)
        in->flags |= VMMCTL_F_SHUTDOWN;
    if (vmm->destroy)
        in->flags |= VMMCTL_F_DYING;
    if (!vmm->paused && !vmm->shutdown) {
        if (running)
            in->flags |= VMMCTL_F_RUNNING;
        else if (online && blocked == online)
            in->flags |= VMMCTL_F_BLOCKED;
    }
    in->shutdown_reason = vmm->shutdown_reason;
    in->vcpus = vmm->nr_vcpus;
    in->vcpus_online = online;
    in->cur_pages = vmm->cur_pages;
    in->max_pages = vmm->max_pages;
    in->ram_pages = vmm->ram_pages;
    in->total_pages = vmm->total_pages;
    in->start_time = (uint64_t)vmm->start_time;
}

static void ctl_reply_stats(struct vmm *vmm, int c, int rc,
                            const uint64_t stats[3])
{
    struct vmmctl_rep rep = {.rc = rc};
    ssize_t n;

    ctl_fill_info(vmm, &rep.info);
    memcpy(rep.stats, stats, sizeof(rep.stats));
    n = sock_send_fds(c, &rep, sizeof(rep), NULL, 0, MSG_DONTWAIT);
    if (n < 0)
        log_debug("dom %u: control reply: %s", vmm->domid, strerror(-n));
}

static void ctl_reply(struct vmm *vmm, int c, int rc, const int *fds,
                      unsigned nfds)
{
    struct vmmctl_rep rep = {.rc = rc, .nfds = nfds};
    ssize_t n;

    ctl_fill_info(vmm, &rep.info);
    n = sock_send_fds(c, &rep, sizeof(rep), fds, nfds, MSG_DONTWAIT);
    if (n < 0)
        log_debug("dom %u: control reply: %s", vmm->domid, strerror(-n));
}

void ctl_notify_waiters(struct vmm *vmm)
{
    unsigned i;

    for (i = 0; i < vmm->nwaiters; i++) {
        ctl_reply(vmm, vmm->waiters[i], 0, NULL, 0);
        close(vmm->waiters[i]);
    }
    vmm->nwaiters = 0;
}

int ctl_listen(struct vmm *vmm)
{
    struct epoll_event ev = {.events = EPOLLIN, .data.u64 = EP_TAG(EP_CTL, 0)};
    char rel[64], path[sizeof(vmm->sock_path)];
    int fd, rc;

    rc = paths_mkdir("/run/pvstack", 0700);
    if (rc < 0)
        return rc;
    snprintf(rel, sizeof(rel), VMMCTL_SOCK_FMT, vmm->domid);
    rc = paths_get(path, sizeof(path), rel);
    if (rc < 0)
        return rc;
    /* A live socket means the domid is taken; a dead one is stale. */
    fd = sock_unix_listen(path, SOCK_SEQPACKET, 0600, 64);
    if (fd == -EADDRINUSE)
        return -EEXIST;
    if (fd < 0)
        return fd;
    snprintf(vmm->sock_path, sizeof(vmm->sock_path), "%s", path);
    vmm->ctl_fd = fd;
    if (epoll_ctl(vmm->epfd, EPOLL_CTL_ADD, fd, &ev) < 0)
        return -errno;
    return 0;
}

struct precopy_job {
    struct vmm *vmm;
    int c, fd;
    uint64_t arg;
};

static void *precopy_main(void *arg)
{
    struct precopy_job *j = arg;
    struct vmm *vmm = j->vmm;
    uint64_t stats[3] = {0, 0, 0};
    char err[256] = "";
    int rc;

    rc = save_precopy(vmm, j->fd, (unsigned)(j->arg >> 32), (unsigned)j->arg,
                      stats, err, sizeof(err));
    if (rc < 0 && err[0])
        log_warnx("dom %u (%s): live save: %s", vmm->domid, vmm->name, err);
    atomic_store(&vmm->precopying, 0);
    ctl_reply_stats(vmm, j->c, rc, stats);
    close(j->c);
    close(j->fd);
    free(j);
    return NULL;
}

static int ctl_precopy_start(struct vmm *vmm, int c, int fd, uint64_t arg)
{
    struct precopy_job *j;
    pthread_t t;
    int rc;

    if (atomic_exchange(&vmm->precopying, 1))
        return -EBUSY;
    j = calloc(1, sizeof(*j));
    if (j)
        j->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
    if (!j || j->fd < 0) {
        free(j);
        atomic_store(&vmm->precopying, 0);
        return -ENOMEM;
    }
    j->vmm = vmm;
    j->c = c;
    j->arg = arg;
    rc = pthread_create(&t, NULL, precopy_main, j);
    if (rc) {
        close(j->fd);
        free(j);
        atomic_store(&vmm->precopying, 0);
        return -rc;
    }
    pthread_detach(t);
    return 0;
}

/* Returns 1 if the connection is kept (a waiter). fd: one the request
 * brought (VMMCTL_SAVE's), or -1. */
static int ctl_handle(struct vmm *vmm, int c, const struct vmmctl_req *rq,
                      int fd)
{
    char err[256] = "";
    uint64_t stats[3] = {0, 0, 0};
    int fds[2], rc = 0;

    switch (rq->op) {
    case VMMCTL_SAVE:
        if (fd < 0)
            rc = -EBADF;
        else if (atomic_load(&vmm->precopying))
            rc = -EBUSY;
        else
            rc = save_write(vmm, fd, rq->arg == 1, stats, err, sizeof(err));
        if (rc < 0 && err[0])
            log_warnx("dom %u (%s): save: %s", vmm->domid, vmm->name, err);
        ctl_reply_stats(vmm, c, rc, stats);
        return 0;
    case VMMCTL_PRECOPY:
        /* On its own thread: this one serves the guest's timers and
         * channels meanwhile, or the guest would stand still. */
        rc = fd < 0 ? -EBADF : ctl_precopy_start(vmm, c, fd, rq->arg);
        if (rc == 0)
            return 1; /* the thread replies and closes c */
        break;
    case VMMCTL_RESUME:
        rc = atomic_load(&vmm->precopying) ? -EBUSY
                                           : save_resume(vmm, rq->arg != 0);
        break;
    case VMMCTL_INFO:
        break;
    case VMMCTL_MEMFD:
        /* With our pidfd: the mapper drops the memory when we exit,
         * without probing a pid that may be reused. */
        if (vmm->pid_fd < 0) {
            rc = -ENOSYS;
            break;
        }
        fds[0] = vmm->mem_fd;
        fds[1] = vmm->pid_fd;
        ctl_reply(vmm, c, 0, fds, 2);
        return 0;
    case VMMCTL_EVTCHN_BIND:
        rc = evtchn_bind_dom0(vmm, (uint32_t)rq->arg, fds);
        if (rc == 0) {
            ctl_reply(vmm, c, 0, fds, 2);
            return 0;
        }
        break;
    case VMMCTL_EVTCHN_CLOSE:
        rc = evtchn_close_dom0(vmm, (uint32_t)rq->arg);
        break;
    case VMMCTL_PAUSE:
    case VMMCTL_UNPAUSE:
        vmm->paused = rq->op == VMMCTL_PAUSE;
        kvm_kick_all(vmm);
        break;
    case VMMCTL_SHUTDOWN:
        if (rq->arg > SHUTDOWN_MAX)
            rc = -EINVAL;
        else
            sched_shutdown(vmm, (unsigned)rq->arg, "toolstack request");
        break;
    case VMMCTL_DESTROY:
        atomic_store(&vmm->destroy, 1);
        kvm_kick_all(vmm);
        break;
    case VMMCTL_SET_MAXMEM:
        vmm->max_pages = rq->arg / 4;
        break;
    case VMMCTL_SET_VCPUS:
        if (rq->arg < 1 || rq->arg > vmm->nr_vcpus)
            rc = -EINVAL;
        else
            vmm->max_online = (unsigned)rq->arg;
        break;
    case VMMCTL_WAIT:
        pthread_mutex_lock(&vmm->lock);
        if (!vmm->shutdown && vmm->nwaiters < VMM_MAX_WAITERS) {
            vmm->waiters[vmm->nwaiters++] = c;
            pthread_mutex_unlock(&vmm->lock);
            return 1;
        }
        pthread_mutex_unlock(&vmm->lock);
        rc = vmm->shutdown ? 0 : -EBUSY;
        break;
    default:
        rc = -EINVAL;
    }
    ctl_reply(vmm, c, rc, NULL, 0);
    return 0;
}

void ctl_accept(struct vmm *vmm)
{
    struct timeval tv = {.tv_sec = 1};
    struct vmmctl_req rq;
    int c, fd = -1;
    size_t nfds = 1;
    ssize_t n;

    c = accept4(vmm->ctl_fd, NULL, NULL, SOCK_CLOEXEC);
    if (c < 0)
        return;
    setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    n = sock_recv_fds(c, &rq, sizeof(rq), &fd, &nfds);
    if (n != (ssize_t)sizeof(rq) || rq.magic != VMMCTL_MAGIC) {
        if (n >= 0 && nfds && fd >= 0)
            close(fd);
        close(c);
        return;
    }
    if (!nfds)
        fd = -1;
    if (!ctl_handle(vmm, c, &rq, fd))
        close(c);
    if (fd >= 0)
        close(fd);
}
