/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * domain_nohv.c: built when no hypervisor engine (LIBHV) is available:
 * no ring ops, so XS_INTRODUCE answers ENOSYS.
 */
#include "store/domain_hv.h"

#include <errno.h>
#include <stddef.h>

int domain_hv_open(struct xsd *x, struct domain_hv **hv_out)
{
    (void)x;
    *hv_out = NULL;
    return -ENOSYS;
}

void domain_hv_close(struct domain_hv *hv)
{
    (void)hv;
}

int domain_hv_fd(struct domain_hv *hv, void *h)
{
    (void)hv;
    (void)h;
    return -1;
}

void domain_hv_ack(struct domain_hv *hv, void *h)
{
    (void)hv;
    (void)h;
}

int domain_hv_watch_fd(struct domain_hv *hv)
{
    (void)hv;
    return -1;
}

void domain_hv_watch_set(struct domain_hv *hv, const uint32_t *ids, size_t n)
{
    (void)hv;
    (void)ids;
    (void)n;
}

int domain_hv_watch_read(struct domain_hv *hv, uint32_t *domid_out,
                         int *state_out)
{
    (void)hv;
    (void)domid_out;
    (void)state_out;
    return 0;
}
