/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kcache.h: builder_read_image() with a cache of unpacked kernels under
 * <root>/run/pvstack-kernels, keyed by the file's device, inode, size,
 * mtime and ctime (kcache.c).
 */
#ifndef XT_VMM_KCACHE_H
#define XT_VMM_KCACHE_H

#include <stddef.h>

/*
 * As builder_read_image(): *buf_out (malloc'd) gets path's contents,
 * decompressed. A compressed file is unpacked once and kept; later calls
 * for the same unchanged file read the kept copy. The cache failing (no
 * run directory, full disk) only costs the decompression.
 */
int kcache_read_image(const char *path, void **buf_out, size_t *len_out,
                      char *err, size_t errlen);

#endif
