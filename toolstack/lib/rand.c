/* SPDX-License-Identifier: GPL-2.0-only */
/* rand.c: getrandom-backed bytes, MACs and UUIDs (see rand.h). */
#include "lib/rand.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

int rand_bytes(void *buf, size_t len)
{
    uint8_t *p = buf;
    ssize_t n;

    /* getrandom returns at most 32 MiB per call and may be interrupted
     * before the pool is ready; loop rather than accept a short fill. */
    while (len) {
        n = getrandom(p, len, 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int rand_mac(uint8_t mac_out[6])
{
    uint8_t r[3];
    int rc = rand_bytes(r, sizeof(r));

    if (rc)
        return rc;
    mac_out[0] = 0x00;
    mac_out[1] = 0x16;
    mac_out[2] = 0x3e;
    mac_out[3] = r[0] & 0x7f;
    mac_out[4] = r[1];
    mac_out[5] = r[2];
    return 0;
}

int rand_uuid(uint8_t uuid_out[16])
{
    int rc = rand_bytes(uuid_out, 16);

    if (rc)
        return rc;
    uuid_out[6] = (uint8_t)((uuid_out[6] & 0x0f) | 0x40);
    uuid_out[8] = (uint8_t)((uuid_out[8] & 0x3f) | 0x80);
    return 0;
}

void rand_uuid_format(const uint8_t u[16], char out[RAND_UUID_STRLEN])
{
    snprintf(out, RAND_UUID_STRLEN,
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
             u[11], u[12], u[13], u[14], u[15]);
}
