/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dom0.h: dom0's own xenstore ring, the one its kernel's xenbus waits on
 * when xenstored runs in dom0 (Linux's XS_LOCAL). The kernel allocated the
 * page and an unbound event channel at boot; xenstored finds them as Xen's
 * does (tools/xenstored: xenbus_evtchn(), xenbus_map()).
 */
#ifndef XT_STORE_DOM0_H
#define XT_STORE_DOM0_H

#include <stdint.h>

/* Where to look; dom0_paths_default() gives Linux's. */
struct dom0_paths {
    const char *backend; /* /dev/xen/xenbus_backend: ioctl + mmap */
    const char *port;    /* /proc/xen/xsd_port (xenfs): the port in text */
    const char *kva;     /* /proc/xen/xsd_kva (xenfs): mmap the page */
};
void dom0_paths_default(struct dom0_paths *p);

struct dom0_ring {
    void *page;    /* the kernel's xenstore_domain_interface, mapped shared */
    uint32_t port; /* dom0's local unbound port for it */
};

/*
 * The port: IOCTL_XENBUS_BACKEND_EVTCHN on backend, else the number in
 * the port file (older kernels); the page: mmap of backend, else of kva.
 * Returns 0, -ENOENT when this kernel offers neither (not a dom0 with a
 * local store, or xenfs not mounted), or -errno; *what names the file
 * that failed.
 */
int dom0_ring_open(const struct dom0_paths *p, struct dom0_ring *r,
                   const char **what);
void dom0_ring_close(struct dom0_ring *r);

#endif
