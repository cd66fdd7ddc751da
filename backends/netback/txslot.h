/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * txslot.h: netif TX request parsing. Pure functions on slots already
 * copied off the shared ring: gather one packet's slots (NETTXF_more_data
 * chains, NETTXF_extra_info slots) and check them as Linux netback does
 * (xenvif_count_requests): slot count, sizes against the first slot's
 * total, offsets within the page, frame length. Unit-tested and fuzzed.
 */
#ifndef XT_NETBACK_TXSLOT_H
#define XT_NETBACK_TXSLOT_H

#include <stdint.h>

#include "xenbus/xenring.h"
#include <xen/io/netif.h>

#include "lib/page.h"

/* Slots of data per packet (Linux's XEN_NETBK_LEGACY_SLOTS_MAX). */
#define NB_MAX_SLOTS XEN_NETIF_NR_SLOTS_MIN
/* Extra-info slots per packet (one of each type at most). */
#define NB_MAX_EXTRAS (XEN_NETIF_EXTRA_TYPE_MAX - 1)
#define NB_MAX_PKT_SLOTS (NB_MAX_SLOTS + NB_MAX_EXTRAS)
#define NB_PAGE_SIZE XEN_PAGE_SIZE /* the grant page, whatever the host's */
#define NB_ETH_HLEN 14

enum nb_verdict {
    NB_OK,
    NB_MALFORMED, /* bad sizes, offsets, extra info: NETIF_RSP_ERROR */
    NB_TOO_LARGE, /* frame longer than allowed: NETIF_RSP_ERROR */
};

struct nb_frag {
    uint32_t gref;
    uint16_t offset, size;
};

struct nb_pkt {
    unsigned nslots;                    /* ring slots used, extras included */
    uint16_t ids[NB_MAX_PKT_SLOTS];     /* response id per slot */
    uint8_t is_extra[NB_MAX_PKT_SLOTS]; /* answered NETIF_RSP_NULL */
    unsigned nfrags;
    struct nb_frag frags[NB_MAX_SLOTS];
    uint32_t len; /* frame length (the first slot's size) */
    int csum_blank;
    enum nb_verdict verdict;
};

/*
 * Parse the packet starting at slots[0]; avail slots are present.
 * Returns the slots it uses (1..NB_MAX_PKT_SLOTS, out filled; check
 * out->verdict), or 0 when the packet continues past avail (wait for
 * the guest to produce more). max_frame bounds the frame length.
 */
unsigned nb_tx_parse(const struct netif_tx_request *slots, unsigned avail,
                     uint32_t max_frame, struct nb_pkt *out);

/*
 * Complete the TCP/UDP checksum of a frame the guest sent with
 * NETTXF_csum_blank (IPv4 or IPv6, optional 802.1Q tag). Returns 0, or
 * -EINVAL when the frame is not one we can checksum.
 */
int nb_csum_fill(uint8_t *frame, uint32_t len);

#endif
