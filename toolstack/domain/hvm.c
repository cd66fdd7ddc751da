/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvm.c: the HVM domain type: QEMU is the device model and, on the kvm
 * engine, the domain itself (toolstack/dm). Its disks and vifs are QEMU's
 * emulated devices, so no PV backends are needed; the start is QMP
 * "cont" through the engine interface like any domain.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cfg/cfg.h"
#include "dm/hvm.h"
#include "dm/migrate.h"
#include "domain/internal.h"
#include "hv/hv.h"

static int hvm_check(struct domain_build *b, int *blk, int *net)
{
    struct dm_hvm *h = NULL;
    char why[400] = "";
    int rc;

    /* The cfg -> QEMU settings checks (serial, accel, vdevs) up front. */
    rc = dm_hvm_config(b->cfg, 0, b->uuid, &h, why, sizeof(why));
    dm_hvm_free(h);
    if (rc < 0 && why[0])
        snprintf(b->err, sizeof(b->err), "%s: %s", b->cfg->name, why);
    /* Kept as resolved, so `xm list -l` tells what QEMU runs on. */
    if (rc == 0)
        b->cfg->device_model_accel =
            (char *)(uintptr_t)dm_accel_choose(b->cfg->device_model_accel);
    *blk = *net = 0;
    return rc;
}

static int hvm_build(struct domain_build *b)
{
    char err[400] = "";
    int rc =
        b->restore_fd >= 0
            ? dm_hvm_restore(b->xs, b->cfg, b->domid, b->uuid, b->restore_fd,
                             domain_store_remove, err, sizeof(err))
            : dm_hvm_create(b->xs, b->cfg, b->domid, b->uuid,
                            domain_store_remove, err, sizeof(err));

    if (rc < 0)
        snprintf(b->err, sizeof(b->err), "%s: %s", b->cfg->name, err);
    return rc;
}

/* QEMU wired its devices and console when it started. */
static int hvm_wire(struct domain_build *b)
{
    (void)b;
    return 0;
}

const struct domain_type_ops domain_hvm_ops = {
    .name = "hvm",
    .check = hvm_check,
    .build = hvm_build,
    .wire = hvm_wire,
    .entries_first = 1, /* dm_hvm_create is handed the store at build */
};
