/* SPDX-License-Identifier: GPL-2.0-only */
/* fs.h: file-system helpers every tool needs (mkdir -p). */
#ifndef XT_LIB_FS_H
#define XT_LIB_FS_H

/*
 * mkdir -p: create path and its missing parents with mode (an existing
 * directory is fine; an existing non-directory is -ENOTDIR). path is used
 * as given (absolute or relative; see paths_mkdir() for root-relative).
 * Returns 0 or -errno.
 */
int fs_mkdir_p(const char *path, unsigned mode);

#endif
