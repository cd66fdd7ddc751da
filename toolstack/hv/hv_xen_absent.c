/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hv_xen_absent.c: the xen engine of a build without libxen-dev
 * (HAVE_LIBXEN=0): choosing it (PVSTACK_ENGINE=xen, /dev/xen/privcmd)
 * fails at open with ENOSYS instead of the build failing.
 */
#include "hv/internal.h"

#include <errno.h>

static int xen_absent_open(struct hv *hv)
{
    (void)hv;
    return -ENOSYS;
}

/* Only open is ever called: hv_open() gives up when it fails. */
const struct hv_ops hv_xen_ops = {
    .name = "xen",
    .open = xen_absent_open,
};
