/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kvm.h: private to the kvm engine (hv_kvm*.c): the VMM control-socket
 * client and the shared per-process state.
 */
#ifndef XT_HV_KVM_H
#define XT_HV_KVM_H

#include <stdint.h>
#include <sys/types.h>

#include "proto/vmmctl.h"

struct hv;
struct hv_build;
struct hv_built;
struct hv_dominfo;

/* VMMCTL_INFO of many domains, the requests all sent before any reply is
 * read; ok[i] says whether out[i] was filled. Returns the count filled. */
int kvmctl_info_many(const uint32_t *ids, unsigned n, struct vmmctl_info *out,
                     int *ok, int timeout_ms);

/*
 * One request to domid's VMM. fds received are stored in fds (up to maxfds,
 * the rest closed); *nfds_out says how many. timeout_ms < 0 waits forever.
 * peer_out (may be NULL) gets the VMM's pid. Returns the VMM's rc, or
 * -ESRCH when no VMM listens for domid, or another -errno.
 */
int kvmctl_call(uint32_t domid, uint32_t op, uint64_t arg,
                struct vmmctl_rep *rep, int *fds, unsigned maxfds,
                unsigned *nfds_out, int timeout_ms, pid_t *peer_out);

int kvm_dom_create(struct hv *hv, const struct hv_build *b,
                   struct hv_built *out, char *err, size_t errlen);
int kvm_dom_list(struct hv *hv, struct hv_dominfo *out, int max);
int kvm_dom_restore(struct hv *hv, const struct hv_build *b, int fd,
                    struct hv_built *out, char *err, size_t errlen);
struct hv_save_stats;
int kvm_dom_save(struct hv *hv, uint32_t domid, int fd,
                 int (*suspend)(void *arg), void *arg, char *err,
                 size_t errlen);
int kvm_dom_save_live(struct hv *hv, uint32_t domid, int fd,
                      int (*suspend)(void *arg), void *arg,
                      struct hv_save_stats *st, char *err, size_t errlen);
int kvm_dom_resume(struct hv *hv, uint32_t domid, int fast);
/* kvmctl_call with fd sent along (SCM_RIGHTS), no fds back. */
int kvmctl_call_fd(uint32_t domid, uint32_t op, uint64_t arg, int fd,
                   struct vmmctl_rep *rep, int timeout_ms);
void kvm_info_to_dominfo(const struct vmmctl_info *in, struct hv_dominfo *out);

#endif
