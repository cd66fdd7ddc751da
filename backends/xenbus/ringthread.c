/* SPDX-License-Identifier: GPL-2.0-only */
/* ringthread.c: one serving thread per ring (see ringthread.h). */
#include "xenbus/ringthread.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/log.h"

int ringthread_init(struct ringthread *t, const char *kind, uint32_t domid)
{
    snprintf(t->tag, sizeof(t->tag), "dom %u %s", domid, kind);
    t->started = 0;
    t->stopfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    return t->stopfd < 0 ? -errno : 0;
}

static void *ringthread_main(void *arg)
{
    struct ringthread *t = arg;
    struct pollfd pfd[RINGTHREAD_MAX_FDS + 1];
    int n;

    if (t->process(t->ring) == -EPROTO)
        return NULL;
    for (;;) {
        n = t->fds(t->ring, pfd);
        pfd[n].fd = t->stopfd;
        pfd[n].events = POLLIN;
        pfd[n].revents = 0;
        if (poll(pfd, (nfds_t)n + 1, -1) < 0 && errno != EINTR)
            break;
        if (pfd[n].revents || t->process(t->ring) == -EPROTO)
            break;
    }
    return NULL;
}

int ringthread_start(struct ringthread *t, void *ring, ringthread_fds_fn fds,
                     ringthread_process_fn process)
{
    int rc;

    t->ring = ring;
    t->fds = fds;
    t->process = process;
    rc = pthread_create(&t->thread, NULL, ringthread_main, t);
    if (rc)
        return -rc;
    t->started = 1;
    return 0;
}

void ringthread_stop(struct ringthread *t)
{
    uint64_t one = 1;

    if (!t->started)
        return;
    if (write(t->stopfd, &one, sizeof(one)) != sizeof(one))
        log_warn("%s: stop", t->tag);
    pthread_join(t->thread, NULL);
    t->started = 0;
}

void ringthread_fini(struct ringthread *t)
{
    ringthread_stop(t);
    if (t->stopfd >= 0)
        close(t->stopfd);
    t->stopfd = -1;
}
