/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xzpipe.h: a save image's stream through liblzma (xm save -z): compress
 * or decompress from one fd to another, and the same in a child process
 * between a pipe and a file so that QEMU writes or reads plain bytes.
 */
#ifndef XT_DOMAIN_XZPIPE_H
#define XT_DOMAIN_XZPIPE_H

#include <stddef.h>
#include <sys/types.h>

/*
 * in -> out until in ends: xz-compressed (multithreaded, preset 1: a save
 * is waited for) or decompressed (a truncated or corrupt stream is an
 * error). Returns 0, or -errno / -EINVAL (bad xz data) with one line in err.
 */
int xz_pump(int in, int out, int compress, char *err, size_t errlen);

/*
 * Fork a child running xz_pump(in, out, compress); the child closes every
 * other fd above stderr, the parent's copies of in and out stay open (the
 * caller closes what it no longer needs). Returns the child's pid or -errno.
 */
pid_t xz_pump_spawn(int in, int out, int compress);
/* Wait for it: 0 if it finished cleanly, else -EIO. */
int xz_pump_wait(pid_t pid);

#endif
