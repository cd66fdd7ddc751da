/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * domain_hv.h: how xenstored reaches guest rings: through the hv.h engine
 * (domain_hv.c).
 */
#ifndef XT_STORE_DOMAIN_HV_H
#define XT_STORE_DOMAIN_HV_H

#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct domain_hv;

/*
 * Open the engine and install its ring ops on x (x must outlive the
 * result). Returns 0 or -errno; -ENOSYS when built without an engine.
 */
int domain_hv_open(struct xsd *x, struct domain_hv **hv_out);
void domain_hv_close(struct domain_hv *hv);
/*
 * xen engine: introduce domain 0 with its kernel's xenbus ring (dom0.h),
 * as Xen's xenstored does at start, and notify it. Call after the state
 * file is replayed. Returns 0, -ENODEV when the ring was not found (kvm,
 * or not a dom0 with a local store), or -errno.
 */
int domain_hv_dom0(struct domain_hv *hv, struct xsd *x);
/* The pollable event-channel fd behind a domain handle, or -1. */
int domain_hv_fd(struct domain_hv *hv, void *h);
/* Consume the pending notification after poll() reported the fd. */
void domain_hv_ack(struct domain_hv *hv, void *h);

/*
 * Liveness: a thread asks the engine about each introduced domain when
 * VIRQ_DOM_EXC fires (xen; every 5 s as well), or every half second where
 * there is no VIRQ (kvm), and reports domains that shut down or are gone
 * through a pipe the daemon polls.
 */
#define DOMAIN_HV_SHUTDOWN 1
#define DOMAIN_HV_GONE 2
/* The pipe's read end, or -1 without an engine. */
int domain_hv_watch_fd(struct domain_hv *hv);
/* The domids to ask about (copied). */
void domain_hv_watch_set(struct domain_hv *hv, const uint32_t *ids, size_t n);
/* Next report: 1 (domid_out, state_out set), 0 when none is pending. */
int domain_hv_watch_read(struct domain_hv *hv, uint32_t *domid_out,
                         int *state_out);

#endif
