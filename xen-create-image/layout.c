/* SPDX-License-Identifier: GPL-2.0-only */
/* layout.c: xen-tools' disk naming (see layout.h). */
#include "layout.h"

#include <errno.h>
#include <stdio.h>

static int fit(int n, size_t len)
{
    return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

int xci_layout_lv(char *buf, size_t len, const char *host, enum xci_disk which)
{
    return fit(snprintf(buf, len, "%s-%s", host,
                        which == XCI_DISK_ROOT ? "disk" : "swap"),
               len);
}

int xci_layout_path(char *buf, size_t len, const char *dir, const char *vg,
                    const char *host, enum xci_disk which)
{
    const char *w = which == XCI_DISK_ROOT ? "disk" : "swap";

    if (vg)
        return fit(snprintf(buf, len, "/dev/%s/%s-%s", vg, host, w), len);
    return fit(snprintf(buf, len, "%s/domains/%s/%s.img", dir, host, w), len);
}

const char *xci_layout_vdev(enum xci_disk which, int noswap)
{
    if (which == XCI_DISK_SWAP)
        return "xvda1";
    return noswap ? "xvda1" : "xvda2";
}
