/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_kvm_save.c: save, resume and restore of kvm engine PV domains,
 * through the domain's VMM (vmmctl.h VMMCTL_SAVE / VMMCTL_RESUME, and a
 * VMM started with --restore-fd; the stream is vmmsave.h's). The guest is
 * suspended first by the caller's callback (the PV protocol over the
 * store); the VMM then writes the stream itself onto the caller's fd.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hv/hv.h"
#include "hv/internal.h"
#include "hv/kvm.h"

#define KVM_SAVE_TIMEOUT_MS 600000

int kvm_dom_save(struct hv *hv, uint32_t domid, int fd,
                 int (*suspend)(void *arg), void *arg, char *err, size_t errlen)
{
    struct vmmctl_rep rep;
    int rc;

    (void)hv;
    rc = suspend(arg);
    if (rc < 0) {
        snprintf(err, errlen, "domain %" PRIu32 " did not suspend", domid);
        return rc;
    }
    rc = kvmctl_call_fd(domid, VMMCTL_SAVE, 0, fd, &rep, KVM_SAVE_TIMEOUT_MS);
    if (rc < 0)
        snprintf(err, errlen,
                 "the VMM of domain %" PRIu32 " could not write its state: %s "
                 "(its log says why)",
                 domid, strerror(-rc));
    return rc;
}

int kvm_dom_save_live(struct hv *hv, uint32_t domid, int fd,
                      int (*suspend)(void *arg), void *arg,
                      struct hv_save_stats *st, char *err, size_t errlen)
{
    (void)hv;
    (void)domid;
    (void)fd;
    (void)suspend;
    (void)arg;
    (void)st;
    snprintf(err, errlen, "the kvm engine has no pre-copy rounds yet");
    return -EOPNOTSUPP;
}

int kvm_dom_resume(struct hv *hv, uint32_t domid, int fast)
{
    struct vmmctl_rep rep;

    (void)hv;
    return kvmctl_call(domid, VMMCTL_RESUME, fast ? 1 : 0, &rep, NULL, 0, NULL,
                       10000, NULL);
}
