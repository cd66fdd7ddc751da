/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenring.h: include Xen's shared-ring macros (xen/io/ring.h) in user
 * space. ring.h expands to mb()/rmb()/wmb(), which the includer must
 * provide; these are the C11 fences that order our accesses to the pages
 * we share with a guest.
 */
#ifndef XT_XENBUS_XENRING_H
#define XT_XENBUS_XENRING_H

#ifndef mb
#define mb() __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif

#include <stdint.h>
#include <xen/io/ring.h>
#include <xen/xen.h>

/*
 * Read the frontend's req_prod of the back ring once, into rp, and the
 * requests it publishes only after it (rmb). Non-zero when rp claims more
 * requests than the ring holds: a broken or hostile frontend, whose ring
 * is then no longer served.
 */
#define XENRING_REQ_PROD_WILD(ring, rp)                                        \
    ((rp) = (ring)->sring->req_prod, rmb(),                                    \
     RING_REQUEST_PROD_OVERFLOW(ring, rp))

#endif
