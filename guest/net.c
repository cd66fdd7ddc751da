/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * net.c: the smallest IP stack that lets a test reach the guest: ARP
 * replies for our address, IPv4 with ICMP echo reply and UDP echo on port
 * 7. Frames come from netfront's receive path (event callback) and replies
 * go straight back out; every length is checked before it is used.
 */
#include "netfront.h"

#include "kernel.h"

#define ETH_HLEN 14
#define ETH_P_IP 0x0800
#define ETH_P_ARP 0x0806
#define IP_HLEN 20
#define UDP_ECHO_PORT 7

static uint32_t my_ip; /* network byte order */
static uint8_t my_mac[6];
static uint8_t out[1514]; /* reply buffer: event context on vcpu 0 only */
/* net_arp_request()'s question and the answer (written in the callback). */
static uint32_t arp_want;
static uint8_t arp_mac[6];
static bool arp_known;

static uint16_t get16(const uint8_t *p)
{
    return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v >> 8);
    p[1] = (uint8_t)v;
}

uint16_t net_csum(const uint8_t *p, size_t len)
{
    uint32_t sum = 0;
    size_t i;
    for (i = 0; i + 1 < len; i += 2)
        sum += get16(p + i);
    if (len & 1)
        sum += (uint32_t)p[len - 1] << 8;
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return (uint16_t)~sum;
}

void net_configure(uint32_t ip, const uint8_t mac[6])
{
    my_ip = ip;
    memcpy(my_mac, mac, 6);
}

void net_get_config(uint32_t *ip_out, uint8_t mac_out[6])
{
    *ip_out = my_ip;
    memcpy(mac_out, my_mac, 6);
}

int net_parse_ip(const char *s, uint32_t *ip_out)
{
    uint8_t b[4];
    unsigned i;

    for (i = 0; i < 4; i++) {
        unsigned long v;
        const char *end;
        if (lib_parse_ulong(s, &v, &end) < 0 || v > 255 ||
            (i < 3 ? *end != '.' : (*end && *end != ' ')))
            return -XEN_EINVAL;
        b[i] = (uint8_t)v;
        s = end + 1;
    }
    memcpy(ip_out, b, 4);
    return 0;
}

static void eth_header(uint8_t *f, const uint8_t *dst, uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, my_mac, 6);
    put16(f + 12, type);
}

static int arp_send(uint16_t oper, const uint8_t *tha, const uint8_t *tpa)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint8_t *a = out + ETH_HLEN;

    eth_header(out, oper == 1 ? bcast : tha, ETH_P_ARP);
    put16(a, 1); /* Ethernet */
    put16(a + 2, ETH_P_IP);
    a[4] = 6;
    a[5] = 4;
    put16(a + 6, oper);
    memcpy(a + 8, my_mac, 6);
    memcpy(a + 14, &my_ip, 4);
    memcpy(a + 18, tha, 6);
    memcpy(a + 24, tpa, 4);
    memset(out + ETH_HLEN + 28, 0, 60 - ETH_HLEN - 28); /* pad to 60 */
    return netfront_xmit(out, 60);
}

int net_announce(void)
{
    static const uint8_t zero[6];
    int rc;
    local_irq_disable(); /* `out` is shared with the receive path */
    rc = arp_send(1, zero, (const uint8_t *)&my_ip);
    local_irq_enable();
    return rc;
}

int net_arp_request(uint32_t ip)
{
    static const uint8_t zero[6];
    int rc;
    local_irq_disable();
    arp_want = ip;
    arp_known = false;
    rc = arp_send(1, zero, (const uint8_t *)&ip);
    local_irq_enable();
    return rc;
}

bool net_arp_lookup(uint32_t ip, uint8_t mac_out[6])
{
    bool known;
    local_irq_disable();
    known = arp_known && arp_want == ip;
    if (known)
        memcpy(mac_out, arp_mac, 6);
    local_irq_enable();
    return known;
}

static void arp_input(const uint8_t *a, size_t len)
{
    if (len < 28 || get16(a) != 1 || get16(a + 2) != ETH_P_IP || a[4] != 6 ||
        a[5] != 4 || memcmp(a + 24, &my_ip, 4))
        return;
    if (get16(a + 6) == 2) { /* a reply: is it the one we asked for? */
        if (arp_want && !memcmp(a + 14, &arp_want, 4)) {
            memcpy(arp_mac, a + 8, 6);
            arp_known = true;
        }
        return;
    }
    if (get16(a + 6) == 1)
        arp_send(2, a + 8, a + 14);
}

/* Builds the reply's IPv4 header in out, swapping addresses. */
static void ip_reply_header(const uint8_t *ip, size_t total, uint8_t proto)
{
    uint8_t *o = out + ETH_HLEN;

    o[0] = 0x45;
    o[1] = 0;
    put16(o + 2, (uint16_t)total);
    put16(o + 4, 0);
    put16(o + 6, 0x4000); /* don't fragment */
    o[8] = 64;
    o[9] = proto;
    put16(o + 10, 0);
    memcpy(o + 12, ip + 16, 4);
    memcpy(o + 16, ip + 12, 4);
    put16(o + 10, net_csum(o, IP_HLEN));
}

static void ip_input(const uint8_t *eth, const uint8_t *ip, size_t len)
{
    size_t ihl, total;
    const uint8_t *p;
    size_t plen;

    if (len < IP_HLEN || (ip[0] >> 4) != 4)
        return;
    ihl = (size_t)(ip[0] & 15) * 4;
    total = get16(ip + 2);
    if (ihl < IP_HLEN || total < ihl || total > len || net_csum(ip, ihl) != 0 ||
        memcmp(ip + 16, &my_ip, 4) || (get16(ip + 6) & 0x3fff))
        return; /* not for us, malformed, or a fragment */
    p = ip + ihl;
    plen = total - ihl;
    if (IP_HLEN + plen + ETH_HLEN > sizeof(out))
        return;
    if (ip[9] == 1 && plen >= 8 && p[0] == 8) { /* ICMP echo request */
        uint8_t *o = out + ETH_HLEN + IP_HLEN;
        memcpy(o, p, plen);
        o[0] = 0;
        put16(o + 2, 0);
        put16(o + 2, net_csum(o, plen));
        ip_reply_header(ip, IP_HLEN + plen, 1);
    } else if (ip[9] == 17 && plen >= 8 && get16(p + 2) == UDP_ECHO_PORT &&
               get16(p + 4) >= 8 && get16(p + 4) <= plen) {
        uint8_t *o = out + ETH_HLEN + IP_HLEN;
        plen = get16(p + 4);
        memcpy(o, p, plen);
        put16(o, get16(p + 2)); /* swap ports */
        put16(o + 2, get16(p));
        put16(o + 6, 0); /* UDP checksum is optional over IPv4 */
        ip_reply_header(ip, IP_HLEN + plen, 17);
    } else {
        return;
    }
    eth_header(out, eth + 6, ETH_P_IP);
    netfront_xmit(out, ETH_HLEN + IP_HLEN + plen);
}

void net_input(const uint8_t *frame, size_t len)
{
    if (len < ETH_HLEN || !my_ip)
        return;
    if (memcmp(frame, my_mac, 6) && !(frame[0] & 1))
        return; /* unicast for someone else */
    switch (get16(frame + 12)) {
    case ETH_P_ARP:
        arp_input(frame + ETH_HLEN, len - ETH_HLEN);
        break;
    case ETH_P_IP:
        ip_input(frame, frame + ETH_HLEN, len - ETH_HLEN);
        break;
    }
}
