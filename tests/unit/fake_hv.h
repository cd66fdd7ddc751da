/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * fake_hv.h: the hv.h primitives backends use (foreign map, grants, event
 * channels) over in-memory guests, for unit tests. A fake guest has
 * FAKE_HV_PAGES pages and a grant table of FAKE_HV_GREFS v1 entries the
 * test fills; event channels are eventfds the test kicks.
 */
#ifndef XT_TESTS_FAKE_HV_H
#define XT_TESTS_FAKE_HV_H

#include <stdint.h>

#include "hv/hv.h"

#define FAKE_HV_PAGES 1024
#define FAKE_HV_GREFS 2048

/* Drop all guests, grants and channels. */
void fake_hv_reset(void);
/* The fake guest's page pfn (allocated zeroed on first use). */
void *fake_hv_page(uint32_t domid, uint64_t pfn);
/* Grant ref -> pfn to dom0 (readonly != 0: GTF_readonly). */
void fake_hv_grant(uint32_t domid, uint32_t ref, uint64_t pfn, int readonly);
/* Revoke a grant. */
void fake_hv_ungrant(uint32_t domid, uint32_t ref);
/* Guest notifies dom0 on its port remote_port. */
void fake_hv_kick(uint32_t domid, uint32_t remote_port);
/* Times dom0 notified the guest on remote_port. */
int fake_hv_notified(uint32_t domid, uint32_t remote_port);
/* An eventfd dom0's notifications on remote_port count up (poll it). */
int fake_hv_notify_fd(uint32_t domid, uint32_t remote_port);
/* Grant mappings and foreign maps currently outstanding (leak check). */
int fake_hv_maps(void);
/* Bound channels outstanding. */
int fake_hv_channels(void);

#endif
