/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * bzimage.h: the kernel inside a Linux x86 bzImage (bzimage.c).
 */
#ifndef XT_BUILDER_BZIMAGE_H
#define XT_BUILDER_BZIMAGE_H

#include <stddef.h>

/*
 * 1 and the payload's place in buf (*off_out, *len_out) when buf is a
 * bzImage; 0 when it is not one (no "HdrS"); -ENOEXEC with the reason in
 * why when its header is too old or points outside buf.
 */
int bzimage_payload(const void *buf, size_t len, size_t *off_out,
                    size_t *len_out, char *why, size_t whylen);

#endif
