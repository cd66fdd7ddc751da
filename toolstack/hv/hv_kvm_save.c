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

/* A call to the domain's VMM with the stream's fd; "could not <what>". */
static int vmm_call(uint32_t domid, uint32_t op, uint64_t a, int fd,
                    struct vmmctl_rep *rep, const char *what, char *err,
                    size_t errlen)
{
    int rc = kvmctl_call_fd(domid, op, a, fd, rep, KVM_SAVE_TIMEOUT_MS);

    if (rc < 0)
        snprintf(err, errlen,
                 "the VMM of domain %" PRIu32 " could not %s: %s "
                 "(its log says why)",
                 domid, what, strerror(-rc));
    return rc;
}

/* The guest suspended, then the VMM's VMMCTL_SAVE (last: after pre-copy). */
static int suspend_save(uint32_t domid, int fd, uint64_t last,
                        int (*suspend)(void *arg), void *arg,
                        struct vmmctl_rep *rep, char *err, size_t errlen)
{
    int rc = suspend(arg);

    if (rc < 0) {
        snprintf(err, errlen, "domain %" PRIu32 " did not suspend", domid);
        return rc;
    }
    return vmm_call(domid, VMMCTL_SAVE, last, fd, rep, "write its state", err,
                    errlen);
}

int kvm_dom_save(struct hv *hv, uint32_t domid, int fd,
                 int (*suspend)(void *arg), void *arg, char *err, size_t errlen)
{
    struct vmmctl_rep rep;

    (void)hv;
    return suspend_save(domid, fd, 0, suspend, arg, &rep, err, errlen);
}

/*
 * Pre-copy rounds on KVM's dirty log while the guest runs (VMMCTL_PRECOPY,
 * libxc's simple policy: until fewer than HV_SAVE_STOP_DIRTY pages are
 * dirty or after HV_SAVE_MAX_ROUNDS), then the guest is suspended and the
 * last round sent (VMMCTL_SAVE 1). Without a dirty log nothing is written
 * and -EOPNOTSUPP says so (the caller then saves suspended).
 */
int kvm_dom_save_live(struct hv *hv, uint32_t domid, int fd,
                      int (*suspend)(void *arg), void *arg,
                      struct hv_save_stats *st, char *err, size_t errlen)
{
    struct vmmctl_rep rep;
    uint64_t policy = (uint64_t)HV_SAVE_MAX_ROUNDS << 32 | HV_SAVE_STOP_DIRTY;
    int rc;

    (void)hv;
    rc = vmm_call(domid, VMMCTL_PRECOPY, policy, fd, &rep, "send its memory",
                  err, errlen);
    if (rc == -EOPNOTSUPP)
        snprintf(err, errlen, "KVM keeps no dirty log for domain %" PRIu32,
                 domid);
    if (rc < 0)
        return rc;
    if (st) {
        st->rounds = (unsigned)rep.stats[0];
        st->pages_precopy = (unsigned long)rep.stats[1];
    }
    rc = suspend_save(domid, fd, 1, suspend, arg, &rep, err, errlen);
    if (rc < 0)
        return rc;
    if (st) {
        st->rounds = (unsigned)rep.stats[0];
        st->pages_stop = (unsigned long)rep.stats[2];
    }
    return 0;
}

int kvm_dom_resume(struct hv *hv, uint32_t domid, int fast)
{
    struct vmmctl_rep rep;

    (void)hv;
    return kvmctl_call(domid, VMMCTL_RESUME, fast ? 1 : 0, &rep, NULL, 0, NULL,
                       10000, NULL);
}
