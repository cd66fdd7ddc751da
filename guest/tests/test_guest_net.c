/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * test_guest_net.c: the guest's IP stack (guest/net.c) on the host: ARP,
 * ICMP echo and UDP echo replies byte for byte, and hostile frames that
 * must be ignored. netfront_xmit and the event mask are stubbed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include "../../tests/unit/unit.h"

#include "kernel.h"
#include "netfront.h"

static uint8_t sent[2048];
static size_t sent_len;
static unsigned nsent;

int netfront_xmit(const void *frame, size_t len)
{
    assert_true(len <= sizeof(sent));
    memcpy(sent, frame, len);
    sent_len = len;
    nsent++;
    return 0;
}

void local_irq_disable(void)
{
}

void local_irq_enable(void)
{
}

static const uint8_t our_mac[6] = {0x00, 0x16, 0x3e, 0x01, 0x02, 0x03};
static const uint8_t peer_mac[6] = {0x02, 0xaa, 0xbb, 0xcc, 0xdd, 0xee};
static const uint8_t our_ip[4] = {10, 0, 0, 2};
static const uint8_t peer_ip[4] = {10, 0, 0, 1};

static uint16_t csum(const uint8_t *p, size_t len)
{
    uint32_t s = 0;
    size_t i;
    for (i = 0; i + 1 < len; i += 2)
        s += (uint32_t)(p[i] << 8 | p[i + 1]);
    if (len & 1)
        s += (uint32_t)p[len - 1] << 8;
    while (s >> 16)
        s = (s & 0xffff) + (s >> 16);
    return (uint16_t)~s;
}

static int setup(void **state)
{
    uint32_t ip;
    (void)state;
    memcpy(&ip, our_ip, 4);
    net_configure(ip, our_mac);
    nsent = 0;
    sent_len = 0;
    return 0;
}

static size_t eth(uint8_t *f, const uint8_t *dst, uint16_t type)
{
    memcpy(f, dst, 6);
    memcpy(f + 6, peer_mac, 6);
    f[12] = (uint8_t)(type >> 8);
    f[13] = (uint8_t)type;
    return 14;
}

static size_t arp_request(uint8_t *f, const uint8_t *target_ip)
{
    static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    uint8_t *a = f + eth(f, bcast, 0x0806);
    memcpy(a, "\x00\x01\x08\x00\x06\x04\x00\x01", 8);
    memcpy(a + 8, peer_mac, 6);
    memcpy(a + 14, peer_ip, 4);
    memset(a + 18, 0, 6);
    memcpy(a + 24, target_ip, 4);
    return 42;
}

/* An IPv4 packet to us with payload p (plen bytes) and protocol proto. */
static size_t ip_packet(uint8_t *f, uint8_t proto, const uint8_t *p,
                        size_t plen)
{
    uint8_t *ip = f + eth(f, our_mac, 0x0800);
    size_t total = 20 + plen;
    memset(ip, 0, 20);
    ip[0] = 0x45;
    ip[2] = (uint8_t)(total >> 8);
    ip[3] = (uint8_t)total;
    ip[8] = 64;
    ip[9] = proto;
    memcpy(ip + 12, peer_ip, 4);
    memcpy(ip + 16, our_ip, 4);
    uint16_t c = csum(ip, 20);
    ip[10] = (uint8_t)(c >> 8);
    ip[11] = (uint8_t)c;
    memcpy(ip + 20, p, plen);
    return 14 + total;
}

static void test_arp(void **state)
{
    uint8_t f[64];
    const uint8_t *a = sent + 14;
    size_t n = arp_request(f, our_ip);

    (void)state;
    net_input(f, n);
    assert_int_equal(nsent, 1);
    assert_int_equal(sent_len, 60);
    assert_memory_equal(sent, peer_mac, 6);
    assert_memory_equal(sent + 6, our_mac, 6);
    assert_int_equal(sent[12] << 8 | sent[13], 0x0806);
    assert_int_equal(a[6] << 8 | a[7], 2); /* reply */
    assert_memory_equal(a + 8, our_mac, 6);
    assert_memory_equal(a + 14, our_ip, 4);
    assert_memory_equal(a + 18, peer_mac, 6);
    assert_memory_equal(a + 24, peer_ip, 4);
    /* For someone else, or truncated: silence. */
    n = arp_request(f, peer_ip);
    net_input(f, n);
    net_input(f, 14 + 27);
    assert_int_equal(nsent, 1);
}

/* net_arp_request: a broadcast who-has; only the reply from the address
 * asked about, to us, is learnt, and it is not answered. */
static void test_arp_resolve(void **state)
{
    uint32_t want, other;
    uint8_t f[64], mac[6];
    const uint8_t *a = sent + 14;
    size_t n;

    (void)state;
    memcpy(&want, peer_ip, 4);
    memcpy(&other, "\x0a\x00\x00\x09", 4);
    assert_int_equal(net_arp_request(want), 0);
    assert_int_equal(nsent, 1);
    assert_memory_equal(sent, "\xff\xff\xff\xff\xff\xff", 6);
    assert_int_equal(a[6] << 8 | a[7], 1); /* request */
    assert_memory_equal(a + 24, peer_ip, 4);
    assert_false(net_arp_lookup(want, mac));
    /* a reply from someone else, then a truncated one: nothing learnt */
    n = arp_request(f, our_ip);
    f[14 + 7] = 2;
    memcpy(f + 14 + 14, "\x0a\x00\x00\x09", 4);
    net_input(f, n);
    net_input(f, 14 + 27);
    assert_false(net_arp_lookup(want, mac));
    memcpy(f + 14 + 14, peer_ip, 4);
    net_input(f, n);
    assert_true(net_arp_lookup(want, mac));
    assert_memory_equal(mac, peer_mac, 6);
    assert_false(net_arp_lookup(other, mac));
    assert_int_equal(nsent, 1); /* replies are not answered */
}

static void test_icmp_echo(void **state)
{
    uint8_t f[256], icmp[40];
    const uint8_t *ip = sent + 14, *r = sent + 34;
    size_t i, n;

    (void)state;
    memset(icmp, 0, sizeof(icmp));
    icmp[0] = 8; /* echo request */
    icmp[4] = 0x12, icmp[5] = 0x34, icmp[7] = 7;
    for (i = 8; i < sizeof(icmp); i++)
        icmp[i] = (uint8_t)i;
    uint16_t c = csum(icmp, sizeof(icmp));
    icmp[2] = (uint8_t)(c >> 8), icmp[3] = (uint8_t)c;
    n = ip_packet(f, 1, icmp, sizeof(icmp));
    net_input(f, n);
    assert_int_equal(nsent, 1);
    assert_int_equal(sent_len, n);
    assert_memory_equal(sent, peer_mac, 6);
    assert_int_equal(csum(ip, 20), 0);
    assert_memory_equal(ip + 12, our_ip, 4);
    assert_memory_equal(ip + 16, peer_ip, 4);
    assert_int_equal(r[0], 0); /* echo reply */
    assert_int_equal(csum(r, sizeof(icmp)), 0);
    assert_memory_equal(r + 4, icmp + 4, sizeof(icmp) - 4);
}

static void test_udp_echo(void **state)
{
    uint8_t f[256], udp[8 + 5] = {0x9c, 0x40, 0, 7, 0, 13, 0, 0};
    const uint8_t *u = sent + 34;
    size_t n;

    (void)state;
    memcpy(udp + 8, "hello", 5);
    n = ip_packet(f, 17, udp, sizeof(udp));
    net_input(f, n);
    assert_int_equal(nsent, 1);
    assert_int_equal(u[0] << 8 | u[1], 7);
    assert_int_equal(u[2] << 8 | u[3], 0x9c40);
    assert_memory_equal(u + 8, "hello", 5);
    /* Another port, or a UDP length past the packet: no answer. */
    udp[3] = 8;
    net_input(f, ip_packet(f, 17, udp, sizeof(udp)));
    udp[3] = 7;
    udp[5] = 200;
    net_input(f, ip_packet(f, 17, udp, sizeof(udp)));
    assert_int_equal(nsent, 1);
}

static void test_hostile(void **state)
{
    uint8_t f[256], icmp[8] = {8, 0, 0xf7, 0xff, 0, 0, 0, 0};
    size_t n = ip_packet(f, 1, icmp, sizeof(icmp));
    uint8_t g[256];

    (void)state;
    memcpy(g, f, n);
    g[14 + 10] ^= 1; /* bad header checksum */
    net_input(g, n);
    memcpy(g, f, n);
    g[14 + 3] += 40; /* total length past the frame */
    net_input(g, n);
    memcpy(g, f, n);
    g[14] = 0x44; /* ihl 16 bytes */
    net_input(g, n);
    memcpy(g, f, n);
    g[14 + 6] = 0x20; /* more fragments */
    net_input(g, n);
    memcpy(g, f, n);
    g[0] = 0x02; /* unicast to another MAC */
    net_input(g, n);
    net_input(f, 13);
    net_input(f, 14 + 19);
    assert_int_equal(nsent, 0);
    net_input(f, n); /* the intact one is answered */
    assert_int_equal(nsent, 1);
}

static void test_parse_ip(void **state)
{
    uint32_t ip;

    (void)state;
    assert_int_equal(net_parse_ip("10.0.0.2", &ip), 0);
    assert_memory_equal(&ip, our_ip, 4);
    assert_int_equal(net_parse_ip("10.0.0.2 rest", &ip), 0);
    assert_int_not_equal(net_parse_ip("10.0.0", &ip), 0);
    assert_int_not_equal(net_parse_ip("256.0.0.1", &ip), 0);
    assert_int_not_equal(net_parse_ip("1.2.3.4x", &ip), 0);
    assert_int_not_equal(net_parse_ip("", &ip), 0);
}

UNIT_MAIN(cmocka_unit_test_setup(test_arp, setup),
          cmocka_unit_test_setup(test_arp_resolve, setup),
          cmocka_unit_test_setup(test_icmp_echo, setup),
          cmocka_unit_test_setup(test_udp_echo, setup),
          cmocka_unit_test_setup(test_hostile, setup),
          cmocka_unit_test_setup(test_parse_ip, setup))
