/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * page.h: the guest page size. Xen's ABI is 4 KiB pages on x86 whatever
 * the host's page size is, so this is a constant from Xen's own header
 * (ring.h's XEN_PAGE_SHIFT), not sysconf(_SC_PAGESIZE).
 */
#ifndef XT_LIB_PAGE_H
#define XT_LIB_PAGE_H

#include <xen/io/ring.h>

#ifndef XEN_PAGE_SIZE
#define XEN_PAGE_SIZE (1UL << XEN_PAGE_SHIFT)
#endif

#endif
