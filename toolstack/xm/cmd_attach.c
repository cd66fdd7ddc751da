/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_attach.c: `xm block-attach DOM SPEC...` and `xm network-attach DOM
 * SPEC...`. With the global -N they print the parsed device as xl does
 * ("disk: {...}" / "vif: {...}", libxl JSON); the hot-plug itself is the
 * hot-plug (cmd_device.c).
 */
#include "xm/xm.h"

#include <stdlib.h>
#include <string.h>

#include "cfg/cfg.h"

/* -N: "tag: <json>"; rc is the *_to_json's that made *json. */
static int print_json(struct xm *xm, const char *tag, int rc, char **json)
{
    if (rc) {
        xm_err(xm, "%s: out of memory", tag);
        return EXIT_FAILURE;
    }
    /* libxl's JSON ends in a newline and xl adds one: a blank line follows */
    fprintf(xm->out, "%s: %s\n", tag, *json);
    free(*json);
    return EXIT_SUCCESS;
}

int cmd_block_attach(struct xm *xm, int argc, char **argv)
{
    struct xm_dominfo dom;
    struct disk_spec d;
    char eb[512], *json = NULL;
    int opt, rc;

    if ((opt = xm_no_options(xm, argc, argv, 2)) >= 0)
        return opt;
    /* xl resolves the domain first, even for -N */
    if (xm_domain_resolve(xm, argv[optind], &dom))
        return EXIT_FAILURE;
    rc = disk_spec_parse_argv(argc - optind - 1,
                              (const char *const *)(argv + optind + 1), &d, eb,
                              sizeof(eb));
    if (rc) {
        xm_err(xm, "block-attach: bad disk spec: %s", eb);
        disk_spec_fini(&d);
        return EXIT_FAILURE;
    }
    rc = xm->dryrun
             ? print_json(xm, "disk", disk_spec_to_json(&d, &json), &json)
             : xm_device_attach_disk(xm, dom.domid, &d);
    disk_spec_fini(&d);
    return rc;
}

int cmd_network_attach(struct xm *xm, int argc, char **argv)
{
    struct xm_dominfo dom;
    struct vif_spec v;
    char eb[512], *json = NULL;
    int opt, rc = 0, i;

    if ((opt = xm_no_options(xm, argc, argv, 1)) >= 0)
        return opt;
    if (xm_domain_resolve(xm, argv[optind], &dom))
        return EXIT_FAILURE;
    /* devid -1: libxl picks it at attach time, and -N leaves it out */
    rc = vif_spec_parse("", -1, &v, eb, sizeof(eb));
    for (i = optind + 1; !rc && i < argc; i++)
        rc = vif_spec_parse_more(argv[i], &v, eb, sizeof(eb));
    if (rc) {
        xm_err(xm, "network-attach: bad vif spec: %s", eb);
        vif_spec_fini(&v);
        return EXIT_FAILURE;
    }
    if (xm_xlconf_vifs(xm, &v, 1)) { /* xl: set_default_nic_values */
        vif_spec_fini(&v);
        return EXIT_FAILURE;
    }
    rc = xm->dryrun ? print_json(xm, "vif", vif_spec_to_json(&v, &json), &json)
                    : xm_device_attach_nic(xm, dom.domid, &v);
    vif_spec_fini(&v);
    return rc;
}
