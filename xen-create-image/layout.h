/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * layout.h: where xen-tools puts a guest's disks, shared by the image
 * builder and its companions: <dir>/domains/<host>/{disk,swap}.img for
 * file images, <vg>/<host>-{disk,swap} for LVM.
 */
#ifndef XT_XCI_LAYOUT_H
#define XT_XCI_LAYOUT_H

#include <stddef.h>

enum xci_disk { XCI_DISK_ROOT, XCI_DISK_SWAP };

/*
 * The disk's path: the image file under dir, or /dev/<vg>/<host>-disk when
 * vg is set (dir is then ignored). Returns 0 or -ENAMETOOLONG.
 */
int xci_layout_path(char *buf, size_t len, const char *dir, const char *vg,
                    const char *host, enum xci_disk which);
/* The LV name alone: "<host>-disk" / "<host>-swap". */
int xci_layout_lv(char *buf, size_t len, const char *host, enum xci_disk which);
/* The guest's device for a disk: xvda2 for root, xvda1 for swap, or
 * xvda1 for root when there is no swap (xen-tools' partition order). */
const char *xci_layout_vdev(enum xci_disk which, int noswap);

#endif
