/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * storage.h: a guest's disks: sparse or full image files, or LVs; their
 * file systems and swap; mounting the root for installation. Everything
 * made is recorded on an undo list so a failure leaves nothing behind.
 */
#ifndef XT_XCI_STORAGE_H
#define XT_XCI_STORAGE_H

#include <stddef.h>

#include "opts.h"
#include "run.h"
#include "undo.h"

/* Is prog (mkfs.xfs, debootstrap...) on PATH? 1 or 0. */
int xci_have_prog(const char *prog);

/*
 * Refuse (-EEXIST, with the reason said on l) when an image file or LV of
 * s->hostname exists and s->force is not set; -ENOENT when s->lvm names no
 * volume group.
 */
int xci_storage_check(struct xci_log *l, const struct xci_settings *s,
                      int nodm);

/*
 * Create the root disk and (unless noswap) the swap disk, make the file
 * system and the swap area. With force, existing ones are removed first.
 * What is made goes on made (kept on success). Returns 0 or -errno.
 */
int xci_storage_create(struct xci_log *l, const struct xci_settings *s,
                       int nodm, struct xci_undo *made);

/*
 * Mount the root disk dev (an image file when is_file: through a loop
 * device) on a fresh directory under $TMPDIR; its path goes to mnt_out.
 * The mount, the loop device and the directory go on temp.
 */
int xci_storage_mount(struct xci_log *l, const char *dev, int is_file,
                      struct xci_undo *temp, char *mnt_out, size_t len);

#endif
