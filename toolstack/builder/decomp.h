/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * decomp.h: the compressions a kernel or ramdisk may come in (decomp.c).
 */
#ifndef XT_BUILDER_DECOMP_H
#define XT_BUILDER_DECOMP_H

#include <stddef.h>

#define DECOMP_LZ4_LEGACY_MAGIC 0x184c2102u

/*
 * "gzip", "xz", "lzma", "bzip2", "zstd" or "lz4" by the data's magic, or
 * NULL when it is none of them.
 */
const char *decomp_kind(const void *buf, size_t len);
/*
 * Decompress the first stream of kind in buf into a malloc'd *out (caller
 * frees). Returns 0, -EINVAL (corrupt or truncated), -EFBIG (over
 * BUILDER_MAX_IMAGE decompressed) or -ENOMEM.
 */
int decomp_run(const char *kind, const void *in, size_t len, void **out,
               size_t *olen);

#endif
