/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vmmctl.h: the kvm engine's control protocol between libhv (hv_kvm.c) and
 * a domain's VMM, over SOCK_SEQPACKET /run/pvstack/dom<ID>.sock. One request
 * and one reply per connection; fds ride along with SCM_RIGHTS.
 */
#ifndef XT_PROTO_VMMCTL_H
#define XT_PROTO_VMMCTL_H

#include <stdint.h>

#define VMMCTL_MAGIC 0x70766d31u /* "pvm1" */
#define VMMCTL_SOCK_FMT "/run/pvstack/dom%u.sock"

enum vmmctl_op {
    VMMCTL_INFO = 1,  /* -> info */
    VMMCTL_MEMFD = 2, /* -> fds: [guest memory memfd, the VMM's pidfd];
                          the memfd holds total_pages of guest memory, then
                          one bit per RAM page, set while ballooned out,
                          then (from the next page) one bit per page that
                          mappers set when they unmap what they may have
                          written (a live save resends those pages) */
    VMMCTL_EVTCHN_BIND =
        3, /* arg = guest port -> fds: [from guest, to guest] */
    VMMCTL_EVTCHN_CLOSE = 4, /* arg = guest port */
    VMMCTL_PAUSE = 5,
    VMMCTL_UNPAUSE = 6,
    VMMCTL_SHUTDOWN = 7,   /* arg = SHUTDOWN_* reason */
    VMMCTL_DESTROY = 8,    /* the VMM exits after replying */
    VMMCTL_SET_MAXMEM = 9, /* arg = KiB */
    VMMCTL_SET_VCPUS = 10, /* arg = number of vcpus allowed online */
    VMMCTL_WAIT = 11,      /* replies (info) once the domain is shut down */
    VMMCTL_SAVE = 12,      /* fd rides along: write the suspended domain's
                              stream (vmmsave.h) to it, then reply; arg 1:
                              the last round after VMMCTL_PRECOPY */
    VMMCTL_RESUME = 13,    /* arg = fast: cancel the guest's suspend */
    VMMCTL_PRECOPY = 14,   /* fd rides along; arg = rounds << 32 | dirty:
                              the stream's start and pre-copy rounds while
                              the guest runs, until fewer than dirty pages
                              are left or after rounds; -> stats */
};

/* Info flags, as xl's list row letters r b p s d (+ crashed via reason). */
#define VMMCTL_F_RUNNING 0x1u
#define VMMCTL_F_BLOCKED 0x2u
#define VMMCTL_F_PAUSED 0x4u
#define VMMCTL_F_SHUTDOWN 0x8u
#define VMMCTL_F_DYING 0x10u

struct vmmctl_req {
    uint32_t magic;
    uint32_t op;
    uint64_t arg;
};

struct vmmctl_info {
    uint32_t domid;
    uint32_t flags;
    uint32_t shutdown_reason;
    uint32_t vcpus;        /* created */
    uint32_t vcpus_online; /* up in the guest */
    uint32_t pad;
    uint64_t cpu_ns;
    uint64_t cur_pages;   /* populated RAM pages */
    uint64_t max_pages;   /* reservation limit */
    uint64_t ram_pages;   /* boot RAM; special pages follow */
    uint64_t total_pages; /* memfd size / 4096 */
    uint64_t start_time;  /* CLOCK_REALTIME seconds at build */
};

struct vmmctl_rep {
    int32_t rc; /* 0 or -errno */
    uint32_t nfds;
    struct vmmctl_info info;
    /* VMMCTL_PRECOPY and the last VMMCTL_SAVE: rounds, pages sent while
     * running, pages sent stopped. */
    uint64_t stats[3];
};

#endif
