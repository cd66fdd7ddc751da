/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * snapshot.h: snapshots of HVM domains (virsh snapshot-* on xm): the
 * memory image (as xm save -c writes it) and the state of every writable
 * disk (snapdisk.h: a qcow2 overlay, an LVM snapshot, or a copy), taken
 * while the guest is stopped so the two agree; kept in
 * <root>/var/lib/xen/snapshots/<domain>/<snapshot>/.
 */
#ifndef XT_DOMAIN_SNAPSHOT_H
#define XT_DOMAIN_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "domain/domain.h"

struct xs_handle;

#define SNAPSHOT_NAME_MAX 64

struct domain_snapshot {
    char name[SNAPSHOT_NAME_MAX + 1];
    time_t created;
    int paused; /* the domain was paused when taken */
};

/*
 * Take a snapshot of domid named snap (NULL: the time, as virsh names
 * them); its name into name_out. Disks are cloned (FICLONE) where the
 * filesystem can, else copied in full with a warning. The domain carries
 * on as it was. Returns 0 or -errno after one line (-EEXIST: taken).
 */
int domain_snapshot_create(const struct domain_ctx *c, struct xs_handle *xs,
                           uint32_t domid, const char *snap, char *name_out,
                           size_t len);
/* The snapshots of domain domname, oldest first, malloc'd. Count/-errno. */
int domain_snapshot_list(const char *domname, struct domain_snapshot **out);
/*
 * Back to snapshot snap of domname: the running domain of that name (if
 * any) destroyed, its disks put back, the memory image restored. 0/-errno.
 */
int domain_snapshot_revert(const struct domain_ctx *c, struct xs_handle *xs,
                           const char *domname, const char *snap,
                           uint32_t *domid_out);
/*
 * Remove snapshot snap of domname. A qcow2 base that the domain's disk or
 * a later snapshot rests on is merged into them first (qemu-img rebase);
 * while the domain runs on it, the domain is saved, merged under and
 * restored (a new domid), as snapshot-create does. 0/-errno.
 */
int domain_snapshot_delete(const struct domain_ctx *c, struct xs_handle *xs,
                           const char *domname, const char *snap);

#endif
