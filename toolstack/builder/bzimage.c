/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bzimage.c: find the kernel inside a Linux bzImage, as Xen's
 * xc_dom_bzimageloader does: the x86 boot protocol's setup header (2.08 or
 * later) says where the compressed vmlinux (an ELF with Xen's notes, for a
 * Xen-capable kernel) lies after the real-mode setup code. Every field is
 * checked against the file's size before it is used.
 */
#include "builder/bzimage.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* Offsets in the setup header (Linux: Documentation/arch/x86/boot.rst). */
#define HDR_SETUP_SECTS 0x1f1
#define HDR_MAGIC 0x202 /* "HdrS" */
#define HDR_VERSION 0x206
#define HDR_PAYLOAD_OFFSET 0x248
#define HDR_PAYLOAD_LENGTH 0x24c
#define HDR_END 0x250

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

int bzimage_payload(const void *buf, size_t len, size_t *off_out,
                    size_t *len_out, char *why, size_t whylen)
{
    const unsigned char *b = buf;
    unsigned version, sects;
    uint64_t start, plen;

    if (len < HDR_END || memcmp(b + HDR_MAGIC, "HdrS", 4))
        return 0;
    version = (unsigned)b[HDR_VERSION] | (unsigned)b[HDR_VERSION + 1] << 8;
    if (version < 0x208) {
        snprintf(why, whylen,
                 "bzImage boot protocol %u.%02u has no payload fields "
                 "(2.08 or later needed)",
                 version >> 8, version & 0xff);
        return -ENOEXEC;
    }
    sects = b[HDR_SETUP_SECTS] ? b[HDR_SETUP_SECTS] : 4;
    start = (uint64_t)(sects + 1) * 512 + le32(b + HDR_PAYLOAD_OFFSET);
    plen = le32(b + HDR_PAYLOAD_LENGTH);
    if (plen == 0 || start > len || plen > len - start) {
        snprintf(why, whylen,
                 "bzImage payload (%llu bytes at %llu) is outside the "
                 "%zu-byte file",
                 (unsigned long long)plen, (unsigned long long)start, len);
        return -ENOEXEC;
    }
    *off_out = (size_t)start;
    *len_out = (size_t)plen;
    return 1;
}
