/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * rand.h: random bytes, MACs and UUIDs from getrandom(2). A failure is an
 * error for the caller to report: there is no weaker fallback.
 */
#ifndef XT_LIB_RAND_H
#define XT_LIB_RAND_H

#include <stddef.h>
#include <stdint.h>

/* "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" + NUL */
#define RAND_UUID_STRLEN 37

/* Fill buf with len random bytes. Returns 0 or -errno. */
int rand_bytes(void *buf, size_t len);

/*
 * A MAC as libxl makes one (libxl__device_nic_setdefault): the Xen OUI
 * 00:16:3e and 3 random bytes, the top bit of the 4th clear. Returns 0 or
 * -errno (mac_out untouched).
 */
int rand_mac(uint8_t mac_out[6]);

/* A random (version 4, RFC 4122 variant) UUID. Returns 0 or -errno. */
int rand_uuid(uint8_t uuid_out[16]);

/* Format a UUID as libxl prints it (lower-case, 8-4-4-4-12). */
void rand_uuid_format(const uint8_t uuid[16], char out[RAND_UUID_STRLEN]);

#endif
