/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * snapdisk.h: the disk side of a snapshot (snapshot.c), one disk at a time,
 * kept in the snapshot's directory as disk-<n>[.<kind>]:
 *  - a qcow2 file: an external snapshot, as libvirt takes them. The disk
 *    as it was is moved into the snapshot as disk-<n>.qcow2 (the frozen
 *    base) and the domain's path becomes a new overlay on it (qemu-img
 *    create -f qcow2 -b <base> -F qcow2), so the cfg's path stays valid.
 *    Revert makes a fresh overlay on the base (the changes since are
 *    dropped); delete merges the base into what rests on it (qemu-img
 *    rebase, libvirt's block-pull) and removes it.
 *  - an LVM volume where device-mapper exists: an LVM snapshot
 *    (lvcreate -s), named in disk-<n>.lvm; revert copies it back, delete
 *    lvremoves it. Without device-mapper, a block device is copied in full.
 *  - any other writable file: a copy (a reflink where the filesystem can).
 * Files are only juggled while no QEMU holds them (the caller's job).
 */
#ifndef XT_DOMAIN_SNAPDISK_H
#define XT_DOMAIN_SNAPDISK_H

#include <stddef.h>

#include "cfg/cfg.h"
#include "domain/domain.h"

/* A qcow2 overlay needs the domain's QEMU gone while it is made. */
int snapdisk_needs_offline(const struct disk_spec *d);

/*
 * Take disk d (the cfg's n-th) into directory dir. Where the disk is not
 * kept (read-only, a cdrom), 0 and nothing made. -errno after one line.
 */
int snapdisk_take(const struct domain_ctx *c, const struct disk_spec *d,
                  size_t n, const char *dir);
/* Undo a take that succeeded, when a later step failed. */
void snapdisk_untake(const struct disk_spec *d, size_t n, const char *dir);

/* Put the disk's state in dir back under d (its domain is gone). */
int snapdisk_put_back(const struct domain_ctx *c, const struct disk_spec *d,
                      size_t n, const char *dir);

/*
 * Drop the disk's state in dir: a base still under d's file or under
 * another snapshot's base (siblings: their directories) is merged into
 * them first, so no QEMU may hold d's file. -errno after one line.
 */
int snapdisk_drop(const struct domain_ctx *c, const struct disk_spec *d,
                  size_t n, const char *dir, char *const *siblings,
                  size_t nsiblings);

#endif
