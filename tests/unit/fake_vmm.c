/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fake_vmm.c: a VMM control socket served by a thread (see fake_vmm.h).
 */
#include "fake_vmm.h"
#include "unit.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proto/vmmctl.h"
#include "proto/pvabi.h"

static void fake_reply(struct fake_vmm *f, int c, int rc, const int *fds,
                       unsigned nfds)
{
    struct vmmctl_rep rep = {.rc = rc, .nfds = nfds};
    union {
        char buf[CMSG_SPACE(2 * sizeof(int))];
        struct cmsghdr a;
    } cm;
    struct iovec iov = {.iov_base = &rep, .iov_len = sizeof(rep)};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};

    rep.info.domid = f->domid;
    rep.info.ram_pages = f->ram_pages;
    rep.info.total_pages = f->total_pages;
    rep.info.cur_pages = f->ram_pages;
    if (nfds) {
        m.msg_control = cm.buf;
        m.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
        struct cmsghdr *h = CMSG_FIRSTHDR(&m);
        h->cmsg_level = SOL_SOCKET;
        h->cmsg_type = SCM_RIGHTS;
        h->cmsg_len = CMSG_LEN(nfds * sizeof(int));
        memcpy(CMSG_DATA(h), fds, nfds * sizeof(int));
    }
    if (sendmsg(c, &m, 0) != sizeof(rep))
        abort();
}

static void *fake_serve(void *arg)
{
    struct fake_vmm *f = arg;
    struct vmmctl_req req;
    int c;

    while ((c = accept(f->lfd, NULL, NULL)) >= 0) {
        if (recv(c, &req, sizeof(req), 0) != sizeof(req) ||
            req.magic != VMMCTL_MAGIC) {
            close(c);
            continue;
        }
        f->last_arg = req.arg;
        if (req.op == VMMCTL_MEMFD) {
            int fds[2] = {f->memfd, f->pidfd};
            fake_reply(f, c, 0, fds, 2);
        } else if (req.op == VMMCTL_EVTCHN_BIND && req.arg == 3) {
            fake_reply(f, c, 0, f->ev, 2);
        } else if (req.op == VMMCTL_EVTCHN_BIND) {
            fake_reply(f, c, -EINVAL, NULL, 0);
        } else {
            fake_reply(f, c, 0, NULL, 0);
        }
        close(c);
    }
    return NULL;
}

int fake_vmm_start(struct fake_vmm *f, uint32_t domid, uint64_t ram_pages)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    char dir[80];

    memset(f, 0, sizeof(*f));
    f->domid = domid;
    f->ram_pages = ram_pages;
    f->total_pages = ram_pages + PVABI_SPECIAL_PAGES;
    if (unit_mkdtemp(f->root, sizeof(f->root), "fake_vmm"))
        return -errno;
    setenv("PVSTACK_ROOT", f->root, 1);
    setenv("PVSTACK_ENGINE", "kvm", 1);
    snprintf(dir, sizeof(dir), "%s/run", f->root);
    mkdir(dir, 0755);
    snprintf(dir, sizeof(dir), "%s/run/pvstack", f->root);
    mkdir(dir, 0755);
    snprintf(sa.sun_path, sizeof(sa.sun_path), "%s/dom%u.sock", dir, domid);
    f->lfd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (f->lfd < 0 || bind(f->lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
        listen(f->lfd, 8))
        return -errno;
    /* Guest memory, then the balloon bitmap page. */
    f->memfd = memfd_create("guest", MFD_CLOEXEC);
    if (f->memfd < 0 ||
        ftruncate(f->memfd, (off_t)((f->total_pages + 1) * 4096)) < 0)
        return -errno;
    f->vmm = fork();
    if (f->vmm < 0)
        return -errno;
    if (f->vmm == 0) {
        pause();
        _exit(0);
    }
    f->pidfd = pidfd_open(f->vmm, 0);
    f->ev[0] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    f->ev[1] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (f->pidfd < 0 || f->ev[0] < 0 || f->ev[1] < 0)
        return -errno;
    if (pthread_create(&f->th, NULL, fake_serve, f))
        return -EAGAIN;
    return 0;
}

void fake_vmm_stop(struct fake_vmm *f)
{
    shutdown(f->lfd, SHUT_RDWR);
    close(f->lfd);
    pthread_join(f->th, NULL);
    close(f->memfd);
    kill(f->vmm, SIGKILL);
    waitpid(f->vmm, NULL, 0);
    close(f->pidfd);
    close(f->ev[0]);
    close(f->ev[1]);
    /* a leftover temp dir is not worth failing over */
    (void)unit_rm_rf(f->root);
}
