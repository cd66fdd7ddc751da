/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * check.c: validation of the values the image tools put into paths, cfgs
 * and guest files: hostnames, IPv4 addresses, netmasks, MACs, names.
 */
#include "check.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int xci_check_hostname(const char *h)
{
    size_t len = h ? strlen(h) : 0, lab = 0;
    size_t i;

    if (len == 0 || len > 253)
        return -EINVAL;
    for (i = 0; i < len; i++) {
        char ch = h[i];

        if (ch == '.') {
            if (lab == 0 || h[i - 1] == '-')
                return -EINVAL;
            lab = 0;
            continue;
        }
        if (!isalnum((unsigned char)ch) && ch != '-')
            return -EINVAL;
        if (ch == '-' && lab == 0)
            return -EINVAL;
        if (++lab > 63)
            return -EINVAL;
    }
    return (lab == 0 || h[len - 1] == '-') ? -EINVAL : 0;
}

int xci_check_ipv4(const char *ip)
{
    struct in_addr a;

    return ip && inet_pton(AF_INET, ip, &a) == 1 ? 0 : -EINVAL;
}

int xci_check_netmask(const char *mask)
{
    struct in_addr a;
    uint32_t m;

    if (!mask || inet_pton(AF_INET, mask, &a) != 1)
        return -EINVAL;
    m = ntohl(a.s_addr);
    /* Contiguous ones: ~m + 1 is a power of two (or 0 for /0). */
    return ((~m + 1) & ~m) ? -EINVAL : 0;
}

int xci_check_mac(const char *mac, char out[18])
{
    unsigned char b[6];
    int i;

    if (!mac || strlen(mac) != 17)
        return -EINVAL;
    for (i = 0; i < 6; i++) {
        const char *p = mac + 3 * i;

        if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]) ||
            (i < 5 && p[2] != ':'))
            return -EINVAL;
        b[i] = (unsigned char)strtoul((char[3]){p[0], p[1], 0}, NULL, 16);
    }
    if (b[0] & 1) /* multicast: a NIC cannot own it */
        return -EINVAL;
    snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3],
             b[4], b[5]);
    return 0;
}

int xci_check_name(const char *v)
{
    const char *p;

    if (!v || !*v || *v == '-' || *v == '.')
        return -EINVAL;
    for (p = v; *p; p++)
        if (!isalnum((unsigned char)*p) && !strchr("._+-", *p))
            return -EINVAL;
    return 0;
}

int xci_check_path(const char *v)
{
    if (!v || *v != '/')
        return -EINVAL;
    /* These would break the quoting of the cfg or a disk spec. */
    return strpbrk(v, "',\"\\\n\t ") ? -EINVAL : 0;
}
