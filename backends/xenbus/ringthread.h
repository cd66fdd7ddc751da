/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ringthread.h: the thread that serves one device ring (blkring, netring):
 * it polls the ring's fds and its own stop eventfd, and calls the ring's
 * process function on every wake-up, until stopped or until the ring is
 * broken (process returns -EPROTO: the thread then ends and the ring
 * waits for its owner's stop).
 */
#ifndef XT_XENBUS_RINGTHREAD_H
#define XT_XENBUS_RINGTHREAD_H

#include <poll.h>
#include <pthread.h>
#include <stdint.h>

#define RINGTHREAD_MAX_FDS 4

/* Fill pfd (at most RINGTHREAD_MAX_FDS) with what to wait for; returns
 * how many. */
typedef int (*ringthread_fds_fn)(const void *ring, struct pollfd *pfd);
/* Serve what is pending. 0, or -EPROTO when the ring is beyond use. */
typedef int (*ringthread_process_fn)(void *ring);

/* Embedded in the ring's object; all fields private. */
struct ringthread {
    pthread_t thread;
    int stopfd;
    int started;
    void *ring;
    ringthread_fds_fn fds;
    ringthread_process_fn process;
    char tag[32]; /* "dom <domid> <kind>", for log lines */
};

/* Make the stop eventfd (nothing runs yet) for the ring of kind ("vbd",
 * "vif") of domid. Returns 0 or -errno; on failure ringthread_fini() is
 * still safe. */
int ringthread_init(struct ringthread *t, const char *kind, uint32_t domid);
/*
 * Run the thread for ring. It processes once before it first waits:
 * requests queued before the ring was attached (a restarted backend)
 * raise no new event. Returns 0 or -errno.
 */
int ringthread_start(struct ringthread *t, void *ring, ringthread_fds_fn fds,
                     ringthread_process_fn process);
/* Stop and join the thread, if it runs (idempotent). */
void ringthread_stop(struct ringthread *t);
/* Stop, then close the stop eventfd. */
void ringthread_fini(struct ringthread *t);

/*
 * Define `int <prefix>_start(struct <prefix> *r)`, which runs the ring's
 * typed <prefix>_fds and <prefix>_process in its thread (member `thread`):
 * the two void-pointer adapters every ring would otherwise write by hand.
 */
#define RINGTHREAD_DEFINE_START(prefix)                                        \
    static int prefix##_thread_fds(const void *r, struct pollfd *pfd)          \
    {                                                                          \
        return prefix##_fds((const struct prefix *)r, pfd);                    \
    }                                                                          \
    static int prefix##_thread_process(void *r)                                \
    {                                                                          \
        return prefix##_process((struct prefix *)r);                           \
    }                                                                          \
    int prefix##_start(struct prefix *r)                                       \
    {                                                                          \
        return ringthread_start(&r->thread, r, prefix##_thread_fds,            \
                                prefix##_thread_process);                      \
    }

#endif
