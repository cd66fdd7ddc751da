/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lvm.h: LVs for guest disks. Where the kernel has device-mapper they are
 * created and activated as usual. Where it has none (our CI kernels) LVM
 * can still write metadata, so the LV is created inactive in one
 * contiguous segment and exposed as a loop device over its PV at the LV's
 * extent offset, linked at /dev/<vg>/<lv>.
 */
#ifndef XT_XCI_LVM_H
#define XT_XCI_LVM_H

#include <stddef.h>

#include "run.h"

/* 1 when the kernel has device-mapper (/proc/misc lists it). */
int xci_lvm_has_dm(void);
/* 1 if vg/lv exists, 0 if not, -errno. */
int xci_lvm_lv_exists(struct xci_log *l, const char *vg, const char *lv,
                      int nodm);
/* 0 if the VG exists, -ENOENT if not. */
int xci_lvm_vg_check(struct xci_log *l, const char *vg, int nodm);
/* lvcreate of bytes (rounded up to extents). 0 or -ECHILD. */
int xci_lvm_create(struct xci_log *l, const char *vg, const char *lv,
                   unsigned long long bytes, int nodm);
int xci_lvm_remove(struct xci_log *l, const char *vg, const char *lv, int nodm);
/*
 * Without dm: attach a loop device over the LV's extents and link it at
 * /dev/<vg>/<lv>; the loop device's name goes to loop_out. Returns 0,
 * -EMLINK when the LV has more than one segment, -errno.
 */
int xci_lvm_expose(struct xci_log *l, const char *vg, const char *lv,
                   char *loop_out, size_t len);
/*
 * Undo expose: when /dev/<vg>/<lv> is our symlink to a loop device,
 * detach it and remove the link (and /dev/<vg> when empty). Nothing to do
 * is success. Returns 0 or -errno.
 */
int xci_lvm_unexpose(struct xci_log *l, const char *vg, const char *lv);

/*
 * Parse "lvs -o seg_pe_ranges" output ("/dev/loop0:25-37") into the PV
 * path and first/last extent. Returns 0, -EMLINK for several segments,
 * -EINVAL.
 */
int xci_lvm_parse_range(const char *s, char *pv_out, size_t len,
                        unsigned long long *first_out,
                        unsigned long long *last_out);

#endif
