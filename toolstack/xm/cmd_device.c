/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_device.c: hot-plug on a running domain, as xl_block.c / xl_nic.c:
 * the engine behind `xm block-attach` / `network-attach` (cmd_attach.c
 * parses the spec), and `xm block-detach`, `block-list`,
 * `network-detach`, `network-list`. Hot-plug is the domain library's
 * (domain.h), the rows libdevice's; here: domain resolution and errors.
 */
#include "xm/xm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "device/device.h"
#include "domain/domain.h"
#include "xm/dom.h"

/* Resolve argv's domain and open the store; both or neither. */
static int open_dom(struct xm *xm, const char *which, struct xs_handle **xs,
                    uint32_t *domid)
{
    *xs = dom_xs_open(xm);
    if (!*xs)
        return -EIO;
    if (dom_resolve(xm, *xs, which, domid, NULL, 0)) {
        xs_close(*xs);
        *xs = NULL;
        return -ENOENT;
    }
    return 0;
}

/* Hot-plug disk d or, when d is NULL, vif v, as block-attach and
 * network-attach do. */
static int device_attach(struct xm *xm, uint32_t domid,
                         const struct disk_spec *d, const struct vif_spec *v)
{
    struct xs_handle *xs = dom_xs_open(xm);
    struct domain_ctx c;
    int rc;

    if (!xs)
        return EXIT_FAILURE;
    dom_ctx(xm, &c);
    rc = d ? domain_disk_attach(&c, xs, domid, d)
           : domain_nic_attach(&c, xs, domid, v);
    xs_close(xs);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int xm_device_attach_disk(struct xm *xm, uint32_t domid,
                          const struct disk_spec *d)
{
    return device_attach(xm, domid, d, NULL);
}

int xm_device_attach_nic(struct xm *xm, uint32_t domid,
                         const struct vif_spec *v)
{
    return device_attach(xm, domid, NULL, v);
}

/* block-detach / network-detach share all but the libdevice call. */
static int detach(struct xm *xm, int argc, char **argv, int is_vbd)
{
    static const struct xm_flag fl[] = {{'f', 1}, {0, 0}};
    struct xs_handle *xs;
    uint32_t domid;
    unsigned set;
    int force,
        rc = xm_flag_options(xm, argc, argv, is_vbd ? fl : NULL, NULL, 2, &set);

    if (rc != -1)
        return rc;
    force = xm->force || set;
    if (open_dom(xm, argv[optind], &xs, &domid))
        return EXIT_FAILURE;
    if (is_vbd)
        rc = domain_disk_detach(xs, domid, argv[optind + 1], force);
    else
        rc = domain_nic_detach(xs, domid, argv[optind + 1]);
    xs_close(xs);
    if (rc == -ENOENT) {
        xm_err(xm, "%s: %s: no such device on domain %u", argv[0],
               argv[optind + 1], domid);
        return EXIT_FAILURE;
    }
    if (rc == -ETIMEDOUT) { /* removed all the same, as libxl */
        fprintf(xm->err,
                "%s: %s: the guest did not close it in time; "
                "removed\n",
                xm->prog, argv[optind + 1]);
        return EXIT_SUCCESS;
    }
    if (rc) {
        xm_err(xm, "%s: %s: %s", argv[0], argv[optind + 1], strerror(-rc));
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

int cmd_block_detach(struct xm *xm, int argc, char **argv)
{
    return detach(xm, argc, argv, 1);
}

int cmd_network_detach(struct xm *xm, int argc, char **argv)
{
    return detach(xm, argc, argv, 0);
}

/* xl's block-list / network-list: one header, then each domain's rows;
 * an unknown domain is reported and skipped (exit 1 at the end). */
static int list(struct xm *xm, int argc, char **argv, int is_vbd)
{
    struct xs_handle *xs;
    uint32_t domid;
    int opt, i, ret = EXIT_SUCCESS, rc;

    if ((opt = xm_no_options(xm, argc, argv, 1)) >= 0)
        return opt;
    xs = dom_xs_open(xm);
    if (!xs)
        return EXIT_FAILURE;
    if (is_vbd)
        device_block_list_header(xm->out);
    else
        device_network_list_header(xm->out);
    for (i = optind; i < argc; i++) {
        if (dom_resolve(xm, xs, argv[i], &domid, NULL, 0)) {
            ret = EXIT_FAILURE;
            continue;
        }
        rc = is_vbd ? device_block_list(xs, domid, xm->out)
                    : device_network_list(xs, domid, xm->out);
        if (rc < 0) {
            xm_err(xm, "%s: domain %u: %s", argv[0], domid, strerror(-rc));
            ret = EXIT_FAILURE;
        }
    }
    xs_close(xs);
    return ret;
}

int cmd_block_list(struct xm *xm, int argc, char **argv)
{
    return list(xm, argc, argv, 1);
}

int cmd_network_list(struct xm *xm, int argc, char **argv)
{
    return list(xm, argc, argv, 0);
}
