/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * netfront.h: the guest's network frontend (first device/vif) and its
 * tiny IP stack (net.c: ARP, IPv4, ICMP echo reply, UDP echo on port 7).
 * Receive processing runs in the event callback, so the guest answers
 * while vcpu 0 waits on the store.
 */
#ifndef XT_GUEST_NETFRONT_H
#define XT_GUEST_NETFRONT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct netfront_stats {
    unsigned long rx_packets, tx_packets, rx_dropped, tx_dropped;
};

/* Connects the first vif and answers for ip (network byte order). */
int netfront_init(uint32_t ip, uint8_t mac_out[6]);
/* Connects once (ip: dotted quad) and announces us with a gratuitous ARP;
 * desc gets "vif <id> mac <mac> ip <ip>". Later calls just report. */
int netfront_start(const char *ip, char *desc, size_t size);
/* Queues one frame (<= 1514 bytes); never blocks. 0 or -XEN_E*. */
int netfront_xmit(const void *frame, size_t len);
void netfront_stats(struct netfront_stats *out);
/* Blocks until want TX buffers are free (more than there are: all of
 * them, every frame answered) or deadline_ns (0: none) passes. 0,
 * -XEN_ETIMEDOUT or -XEN_ENODEV. */
int netfront_tx_wait(unsigned want, uint64_t deadline_ns);

/* The hostile self-test (selftest_hostile.c): pushes nr raw TX slots as
 * given except their ids (NETFRONT_RAW_ID + i) and waits up to 3 s for
 * every slot's response status. 0 or -XEN_E*. */
#define NETFRONT_RAW_ID 0x100
#define NETFRONT_RAW_MAX 24
struct netif_tx_request;
int netfront_tx_raw(const struct netif_tx_request *reqs, unsigned nr,
                    int16_t *status);
unsigned netfront_backend_id(void);
/* Publishes the TX req_prod `ahead` slots past what we queued; the vif
 * is unusable afterwards (the backend may stop serving it). */
void netfront_push_wild(uint32_t ahead);

/* Watch token of the backend's state, for control_loop(). */
#define NETFRONT_WATCH_TOKEN "net-be"
/* The backend's state changed: on Closing or gone, disconnect and go
 * Closed so a detach completes. */
void netfront_backend_changed(void);
/* After a resume in a new domain: new rings and buffers, reconnected to
 * the new backend, then a gratuitous ARP (the bridge port moved). */
int netfront_resume(void);

/* net.c: called by netfront for every received frame, in the callback. */
void net_input(const uint8_t *frame, size_t len);
/* Sends a gratuitous ARP announcing our address. */
int net_announce(void);
void net_configure(uint32_t ip, const uint8_t mac[6]);
void net_get_config(uint32_t *ip_out, uint8_t mac_out[6]);
/* ARP for ip (network byte order): sends a request, and a reply's sender
 * MAC is then what net_arp_lookup() returns (true once one came). */
int net_arp_request(uint32_t ip);
bool net_arp_lookup(uint32_t ip, uint8_t mac_out[6]);
/* The Internet checksum (RFC 1071) of len bytes. */
uint16_t net_csum(const uint8_t *p, size_t len);
/* Parses a dotted quad into network byte order. */
int net_parse_ip(const char *s, uint32_t *ip_out);

#endif
