/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netring.h: one connected vif: the guest's netif TX and RX rings served
 * onto a packet fd (the tap; any fd that keeps frame boundaries, such as a
 * SOCK_SEQPACKET socket in tests), rx-copy only. Every slot is copied off
 * the ring and checked (txslot.h) before its grant is mapped; bad packets
 * are answered NETIF_RSP_ERROR, dropped and counted, never followed.
 */
#ifndef XT_NETBACK_NETRING_H
#define XT_NETBACK_NETRING_H

#include <poll.h>
#include <stdint.h>

#include "hv/hv.h"

struct netring;

struct netring_stats {
    uint64_t tx_packets, tx_bytes; /* guest -> fd */
    uint64_t tx_malformed, tx_too_large, tx_bad_ref, tx_dropped;
    uint64_t rx_packets, rx_bytes; /* fd -> guest */
    uint64_t rx_errors;
    uint64_t tx_throttled; /* times TX waited for credit */
};

/*
 * Map both rings (grants tx_ref, rx_ref of domid), bind the channel.
 * fd is borrowed (non-blocking; frames in, frames out) until destroy.
 * mtu bounds frames both ways (plus Ethernet and VLAN headers).
 * Returns 0 or -errno.
 */
int netring_create(struct hv *hv, uint32_t domid, uint32_t tx_ref,
                   uint32_t rx_ref, uint32_t port, int fd, unsigned mtu,
                   struct netring **out);
/* Serve both rings once; never blocks. 0, or -EPROTO once the guest broke
 * the ring protocol (the vif is then no longer served). */
int netring_process(struct netring *r);
/* pfd[0]: event channel; pfd[1]: the fd (POLLIN only while the guest has
 * posted receive buffers); pfd[2]: the rate limiter's timer. Returns 3. */
#define NETRING_NFDS 3
int netring_fds(const struct netring *r, struct pollfd pfd[NETRING_NFDS]);
/*
 * Shape guest TX as the vif's rate= (libxl's "rate" key, "<bytes>,<usecs>"):
 * at most bytes per usecs window, as Linux netback's credit scheme; a
 * frame larger than a whole window still goes, alone in its window.
 * bytes == 0 turns shaping off. Call before netring_start.
 */
void netring_set_rate(struct netring *r, uint64_t bytes, uint32_t usecs);
void netring_get_stats(const struct netring *r, struct netring_stats *out);
/* Serve in a thread until netring_stop. Returns 0 or -errno. */
int netring_start(struct netring *r);
void netring_stop(struct netring *r);
/* Stop, unmap, unbind, free. NULL ok. */
void netring_destroy(struct netring *r);

#endif
