/* SPDX-License-Identifier: GPL-2.0-only */
/* fs.h: file-system helpers every tool needs (mkdir -p, read and write all). */
#ifndef XT_LIB_FS_H
#define XT_LIB_FS_H

#include <stddef.h>

/*
 * mkdir -p: create path and its missing parents with mode (an existing
 * directory is fine; an existing non-directory is -ENOTDIR). A component
 * that is a link to a missing directory gets its target made, as Debian's
 * /var/lock -> /run/lock on a fresh /run needs (-ELOOP after 8 links).
 * path is used as given (absolute or relative; see paths_mkdir() for
 * root-relative). Returns 0 or -errno.
 */
int fs_mkdir_p(const char *path, unsigned mode);

/*
 * Write all len bytes of buf to fd, retrying short writes and EINTR.
 * Returns 0 or -errno (what was written before the error stays written).
 */
int fs_write_all(int fd, const void *buf, size_t len);

/*
 * Read exactly len bytes from fd into buf, retrying short reads and EINTR.
 * Returns 0, -EPIPE when the file or stream ends first, or -errno.
 */
int fs_read_all(int fd, void *buf, size_t len);

/*
 * Replace path with the len bytes of buf (file mode mode), atomically: a
 * temporary file "<path>.<pid>.tmp" renamed over it, so a reader sees the
 * old content or the new, never half. sync: fsync before the rename (a
 * crash leaves one or the other too). Returns 0 or -errno; the temporary
 * file never stays.
 */
int fs_write_atomic(const char *path, const void *buf, size_t len,
                    unsigned mode, int sync);

/*
 * The first line of a small file (a pid file, a /proc file): up to len - 1
 * bytes of it into buf, NUL-terminated, the newline and what follows it
 * cut. Returns the line's length or -errno.
 */
int fs_read_line(const char *path, char *buf, size_t len);

#endif
