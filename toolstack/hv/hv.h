/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv.h: the hypervisor control interface. One ops table per engine: xen
 * (libxenctrl & co., when /dev/xen/privcmd exists) and kvm (our VMM, one
 * process per domain). The toolstack calls only these functions.
 *
 * The second half is the three primitives that xenstored and the backends
 * need (foreign memory, grants, event channels): engine-agnostic, so the same
 * ring code serves both engines. Their signatures are a contract between
 * toolstack/store, backends/ and the engines.
 */
#ifndef XT_HV_HV_H
#define XT_HV_HV_H

#include <stddef.h>
#include <stdint.h>

struct hv;

/* Open the engine for this host: xen if /dev/xen/privcmd exists, else kvm
 * (force one with PVSTACK_ENGINE=xen|kvm). Returns 0 or -errno. */
int hv_open(struct hv **hv_out);
void hv_close(struct hv *hv);
/* "xen" or "kvm". */
const char *hv_engine_name(const struct hv *hv);

/* ---- Foreign memory ---------------------------------------------------- */

/*
 * Map npages guest frames of domid starting at pfn into our address space,
 * readable (and writable if writable != 0). Returns 0 or -errno (-ERANGE:
 * frames outside the guest). Unmap with hv_foreign_unmap(addr, npages).
 * Valid until unmapped, even after the domain dies (the pages stay ours).
 */
int hv_foreign_map(struct hv *hv, uint32_t domid, uint64_t pfn, size_t npages,
                   int writable, void **addr_out);
void hv_foreign_unmap(struct hv *hv, void *addr, size_t npages);

/* ---- Grant references -------------------------------------------------- */

/*
 * Map the page domid granted us under ref. Checked as Xen does: the entry
 * has GTF_permit_access, names our domid, is not GTF_readonly if writable is
 * asked, and its frame lies inside the guest. Returns 0 or -errno (-EINVAL
 * bad ref, -EACCES not granted to us or read-only). Unmap with
 * hv_grant_unmap.
 */
int hv_grant_map(struct hv *hv, uint32_t domid, uint32_t ref, int writable,
                 void **addr_out);
void hv_grant_unmap(struct hv *hv, void *addr);

/* ---- Event channels ---------------------------------------------------- */

struct hv_evtchn;

/*
 * Bind an interdomain channel to domid's unbound port remote_port (one the
 * guest allocated for dom0 with EVTCHNOP_alloc_unbound). Returns 0 or -errno.
 */
int hv_evtchn_bind(struct hv *hv, uint32_t domid, uint32_t remote_port,
                   struct hv_evtchn **ch_out);
/* A pollable fd that is readable while the guest has notified us. */
int hv_evtchn_fd(const struct hv_evtchn *ch);
/* Consume pending notifications (after poll); returns 0 or -errno. */
int hv_evtchn_ack(struct hv_evtchn *ch);
/* Raise the port in the guest. Returns 0 or -errno. */
int hv_evtchn_notify(struct hv_evtchn *ch);
/* Our local port number (for logs and the store). */
uint32_t hv_evtchn_port(const struct hv_evtchn *ch);
void hv_evtchn_close(struct hv_evtchn *ch);

#endif
