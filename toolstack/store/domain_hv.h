/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * domain_hv.h: how xenstored reaches guest rings: the hv.h engine
 * (domain_hv.c) when the build has one, else a stub (domain_nohv.c) that
 * leaves XS_INTRODUCE answering ENOSYS.
 */
#ifndef XT_STORE_DOMAIN_HV_H
#define XT_STORE_DOMAIN_HV_H

#include "store/store.h"

struct domain_hv;

/*
 * Open the engine and install its ring ops on x (x must outlive the
 * result). Returns 0 or -errno; -ENOSYS when built without an engine.
 */
int domain_hv_open(struct xsd *x, struct domain_hv **hv_out);
void domain_hv_close(struct domain_hv *hv);
/* The pollable event-channel fd behind a domain handle, or -1. */
int domain_hv_fd(struct domain_hv *hv, void *h);
/* Consume the pending notification after poll() reported the fd. */
void domain_hv_ack(struct domain_hv *hv, void *h);

#endif
