/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * txslot.c: netif TX slot gathering and checks (see txslot.h). A packet
 * that fails a check still consumes its slots, so the caller can answer
 * each of them and the ring moves on.
 */
#include "netback/txslot.h"

#include <errno.h>
#include <string.h>

/* Walk the extra-info slots after the first. Returns the next slot index,
 * 0 if incomplete; sets verdict on bad extras. */
static unsigned walk_extras(const struct netif_tx_request *slots,
                            unsigned avail, unsigned n, struct nb_pkt *p)
{
    struct netif_extra_info ex;
    unsigned count = 0;

    do {
        if (n >= avail)
            return 0;
        memcpy(&ex, &slots[n], sizeof(ex));
        p->ids[n] = 0;
        p->is_extra[n] = 1;
        n++;
        /* GSO is not offered (no feature-gso-*): a guest using it is
         * broken; unknown types are malformed. */
        if (ex.type == XEN_NETIF_EXTRA_TYPE_NONE ||
            ex.type >= XEN_NETIF_EXTRA_TYPE_MAX ||
            ex.type == XEN_NETIF_EXTRA_TYPE_GSO || ++count > NB_MAX_EXTRAS) {
            p->verdict = NB_MALFORMED;
            return n;
        }
    } while (ex.flags & XEN_NETIF_EXTRA_FLAG_MORE);
    return n;
}

unsigned nb_tx_parse(const struct netif_tx_request *slots, unsigned avail,
                     uint32_t max_frame, struct nb_pkt *p)
{
    struct netif_tx_request s;
    uint32_t remaining;
    unsigned n = 1, i;
    int more;

    if (avail == 0)
        return 0;
    memset(p, 0, sizeof(*p));
    s = slots[0];
    p->ids[0] = s.id;
    p->len = s.size;
    p->csum_blank = !!(s.flags & NETTXF_csum_blank);
    p->frags[0].gref = s.gref;
    p->frags[0].offset = s.offset;
    p->nfrags = 1;
    if (s.flags & NETTXF_extra_info) {
        n = walk_extras(slots, avail, n, p);
        if (n == 0)
            return 0;
        if (p->verdict != NB_OK)
            goto out;
    }
    remaining = s.size;
    more = s.flags & NETTXF_more_data;
    while (more) {
        if (p->nfrags >= NB_MAX_SLOTS) {
            p->verdict = NB_MALFORMED; /* the rest parses as new packets */
            goto out;
        }
        if (n >= avail)
            return 0;
        s = slots[n];
        p->ids[n] = s.id;
        n++;
        if (s.size > remaining) {
            p->verdict = NB_MALFORMED;
            goto out;
        }
        remaining -= s.size;
        p->frags[p->nfrags].gref = s.gref;
        p->frags[p->nfrags].offset = s.offset;
        p->frags[p->nfrags].size = s.size;
        p->nfrags++;
        more = s.flags & NETTXF_more_data;
    }
    /* The first slot's size is the whole frame; its own data is what the
     * following slots do not carry. */
    p->frags[0].size = (uint16_t)remaining;
    for (i = 0; i < p->nfrags; i++) {
        if ((uint32_t)p->frags[i].offset + p->frags[i].size > NB_PAGE_SIZE) {
            p->verdict = NB_MALFORMED;
            goto out;
        }
    }
    if (p->len < NB_ETH_HLEN)
        p->verdict = NB_MALFORMED;
    else if (p->len > max_frame)
        p->verdict = NB_TOO_LARGE;
out:
    p->nslots = n;
    return n;
}

static uint32_t sum16(const uint8_t *p, uint32_t len, uint32_t sum)
{
    uint32_t i;

    for (i = 0; i + 1 < len; i += 2)
        sum += (uint32_t)p[i] << 8 | p[i + 1];
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    return sum;
}

static uint16_t fold(uint32_t sum)
{
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

int nb_csum_fill(uint8_t *f, uint32_t len)
{
    uint32_t off = NB_ETH_HLEN, l4, l4len, sum;
    uint16_t type, csum, coff;
    uint8_t proto;

    if (len < off)
        return -EINVAL;
    type = (uint16_t)(f[12] << 8 | f[13]);
    if (type == 0x8100) { /* 802.1Q */
        if (len < off + 4)
            return -EINVAL;
        type = (uint16_t)(f[16] << 8 | f[17]);
        off += 4;
    }
    if (type == 0x0800) {
        uint32_t ihl, tot;

        if (len < off + 20 || (f[off] >> 4) != 4)
            return -EINVAL;
        ihl = (uint32_t)(f[off] & 0xf) * 4;
        tot = (uint32_t)(f[off + 2] << 8 | f[off + 3]);
        /* Fragments carry no complete L4 header to checksum. */
        if (ihl < 20 || tot < ihl || off + tot > len || (f[off + 6] & 0x3f) ||
            f[off + 7])
            return -EINVAL;
        proto = f[off + 9];
        l4 = off + ihl;
        l4len = tot - ihl;
        sum = sum16(&f[off + 12], 8, 0); /* source and destination */
    } else if (type == 0x86dd) {
        if (len < off + 40 || (f[off] >> 4) != 6)
            return -EINVAL;
        proto = f[off + 6]; /* extension headers are not handled */
        l4 = off + 40;
        l4len = (uint32_t)(f[off + 4] << 8 | f[off + 5]);
        if (l4 + l4len > len)
            return -EINVAL;
        sum = sum16(&f[off + 8], 32, 0);
    } else {
        return -EINVAL;
    }
    if (proto == 6 && l4len >= 20)
        coff = 16;
    else if (proto == 17 && l4len >= 8)
        coff = 6;
    else
        return -EINVAL;
    sum += proto + l4len;
    f[l4 + coff] = f[l4 + coff + 1] = 0;
    sum = sum16(&f[l4], l4len, sum);
    csum = fold(sum);
    if (proto == 17 && csum == 0)
        csum = 0xffff; /* 0 means "no checksum" for UDP */
    f[l4 + coff] = (uint8_t)(csum >> 8);
    f[l4 + coff + 1] = (uint8_t)csum;
    return 0;
}
