/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * migrate.h: an HVM domain's state through QEMU's own migration, to and
 * from a file descriptor (QMP getfd over SCM_RIGHTS, migrate "fd:<name>",
 * migrate-incoming on a QEMU started with -incoming defer): what xm save,
 * restore, migrate and snapshot-create carry in xl's framing (saveimg.h).
 */
#ifndef XT_DM_MIGRATE_H
#define XT_DM_MIGRATE_H

#include <stddef.h>
#include <stdint.h>

#include "dm/hvm.h"

struct domain_config;

/* What a save sent, as QEMU's query-migrate reports it (-1: unknown). */
struct dm_save_stats {
    long long downtime_ms; /* the guest's stop (live: the last round) */
    long long pages_sent;  /* RAM pages sent with their contents */
    long long pages_ram;   /* the guest's RAM in pages */
    long long rounds;      /* dirty-log syncs (1 when not live) */
};

/*
 * Stop domid's guest and write its state to fd (a file or a pipe), waiting
 * until QEMU says completed; live: the guest runs while RAM is copied and
 * QEMU stops it for the last round; *st (may be NULL) gets QEMU's figures. The
 * guest is left stopped ("postmigrate"): the caller continues it (dm_unpause)
 * or destroys it. Returns 0, or -errno with one line in err.
 */
int dm_save_stream(uint32_t domid, int fd, int live, struct dm_save_stats *st,
                   char *err, size_t errlen);

/*
 * The domain library's HVM build for a restore: as dm_hvm_create, with
 * QEMU started -incoming defer and the state loaded from fd before
 * returning; left paused. On failure nothing is left running. Returns 0,
 * or -errno with one line in err.
 */
int dm_hvm_restore(struct xs_handle *xs, const struct domain_config *cfg,
                   uint32_t domid, const uint8_t uuid[16], int fd,
                   dm_store_remove_fn remove, char *err, size_t errlen);

#endif
