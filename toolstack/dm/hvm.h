/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvm.h: an HVM domain for xm, from a parsed cfg (type = "hvm"): the QEMU
 * settings the cfg asks for, starting it with its taps, monitor and store
 * entries, and its state in the engine's terms (struct hv_dominfo) so that
 * xm list/pause/destroy treat it like any domain.
 */
#ifndef XT_DM_HVM_H
#define XT_DM_HVM_H

#include <stddef.h>
#include <stdint.h>

#include "dm/dm.h"

struct domain_config;
struct hv_dominfo;
struct xs_handle;

struct dm_hvm;

/*
 * Removes a dead domain's store entries (the domain library's
 * domain_store_remove): libdm knows no domain library, so its callers hand
 * it over. Called in the device model's monitor once QEMU is gone.
 */
typedef void (*dm_store_remove_fn)(struct xs_handle *xs, uint32_t domid);

/*
 * Turn cfg into the device model's settings for domain domid with the
 * given uuid. Copies what it needs: cfg may be freed afterwards. Returns 0
 * and *h_out, or -EINVAL with one line in err (serial other than 'pty',
 * accelerator not kvm/tcg, bad name) or -ENOMEM.
 */
int dm_hvm_config(const struct domain_config *cfg, uint32_t domid,
                  const uint8_t uuid[16], struct dm_hvm **h_out, char *err,
                  size_t errlen);
/* The settings (for golden tests and `xm list -l`); borrowed from h. */
const struct dm_config *dm_hvm_settings(const struct dm_hvm *h);
/* QEMU starts waiting for a migration stream (-incoming defer). */
void dm_hvm_set_incoming(struct dm_hvm *h);
void dm_hvm_free(struct dm_hvm *h);

/*
 * Start it: taps vif<domid>.<n> on their bridges, QEMU, its monitor (which
 * reports guest shutdowns and calls remove (may be NULL) when QEMU goes:
 * the caller's monitor applies on_*), then the store
 * entries of the device model (console/tty = the serial pty,
 * device-model/<domid>/state, image/device-model-pid) and, unless paused,
 * cont. The caller has written the domain's own entries. On failure
 * returns -errno with one line in err and leaves nothing running.
 */
int dm_hvm_start(struct dm_hvm *h, struct xs_handle *xs, int paused,
                 dm_store_remove_fn remove, char *err, size_t errlen);

/*
 * The domain library's HVM build, after it wrote the domain's store
 * entries: dm_hvm_config + dm_hvm_start (the library's
 * monitor applies on_*), left paused (the domain library's HVM ops
 * unpause it, dm_unpause). Returns 0, or -errno with one line in err; nothing
 * is left running on failure.
 */
int dm_hvm_create(struct xs_handle *xs, const struct domain_config *cfg,
                  uint32_t domid, const uint8_t uuid[16],
                  dm_store_remove_fn remove, char *err, size_t errlen);

/* 1 if domid is an HVM domain (its QEMU socket exists), else 0. */
int dm_hvm_exists(uint32_t domid);
/*
 * domid's state as the engines report theirs: flags from QEMU's run state
 * (paused, shut down, crashed) or the shutdown dm's monitor recorded, vcpu
 * thread CPU time, memory from QMP, start time.
 * Returns 0, -ENOENT or -errno.
 */
int dm_hvm_getinfo(uint32_t domid, struct hv_dominfo *out);
/*
 * Block until domid has shut down (0, *out filled with its reason, as dm's
 * monitor recorded it) or its QEMU is gone (-ESRCH).
 */
int dm_hvm_wait(uint32_t domid, struct hv_dominfo *out);
/* The HVM domids (ascending) into ids[max]; returns how many exist. */
int dm_hvm_list(uint32_t *ids, int max);

#endif
