/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * disk.h: the storage behind a vbd: a raw or sparse image file or a block
 * device (LVM LV, loop device), opened with O_DIRECT when it allows it.
 */
#ifndef XT_BLKBACK_DISK_H
#define XT_BLKBACK_DISK_H

#include <stdint.h>

struct blkdisk;

/*
 * Open params (a path; "aio:", "raw:", "file:" prefixes are stripped, as
 * blktap's tap:aio: specs carry them). readonly != 0 opens O_RDONLY.
 * An image has one writer or any number of readers (flock), and a block
 * device opened for writing is opened O_EXCL (not while mounted).
 * Returns 0 or -errno (-ENOTSUP for an unsupported format prefix, -EBUSY
 * when the image or device is in use).
 */
int blkdisk_open(const char *params, int readonly, struct blkdisk **out);
/*
 * As blkdisk_open; direct_ok == 0 never uses O_DIRECT. On a Xen PV dom0
 * the guest's pages are gntdev mappings, and O_DIRECT I/O into them
 * (get_user_pages on the mapping) leaves grants mapped after the unmap
 * ("Bad page map in process blkback", then blkfront's "backend has not
 * unmapped grant" disables the disk): the xen engine goes through the
 * page cache, which copies.
 */
int blkdisk_open_direct(const char *params, int readonly, int direct_ok,
                        struct blkdisk **out);
void blkdisk_close(struct blkdisk *d);
int blkdisk_fd(const struct blkdisk *d);
/* Size in 512-byte sectors. */
uint64_t blkdisk_sectors(const struct blkdisk *d);
int blkdisk_readonly(const struct blkdisk *d);
/* 1 when holes can be punched (sparse files, discard-capable devices). */
int blkdisk_can_discard(const struct blkdisk *d);
/* 1 when opened with O_DIRECT. */
int blkdisk_direct(const struct blkdisk *d);

#endif
