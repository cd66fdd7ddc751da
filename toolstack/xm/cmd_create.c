/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_create.c: `xm create [-n|--dryrun] FILE [KEY=VALUE...]`. The dry run
 * prints the parsed config as libxl JSON; building the domain is the
 * engine's (see create_domain below).
 */
#include "xm/xm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg/cfg.h"
#include "xm/dom.h"

/* Start the daemons when absent, then build, start and wire up the domain
 * (dom_create.c). */
static int create_domain(struct xm *xm, const struct domain_config *cfg,
                         unsigned flags)
{
    /* Cheap checks first: a bad cfg must not leave daemons behind. */
    if (cfg->kernel && access(cfg->kernel, R_OK) != 0) {
        xm_err(xm, "create: %s: %s", cfg->kernel, strerror(errno));
        return EXIT_FAILURE;
    }
    if (dom_daemons_start(xm, 0) < 0)
        return EXIT_FAILURE;
    return dom_create(xm, cfg, flags, NULL) < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int cmd_create(struct xm *xm, int argc, char **argv)
{
    static const struct option opts[] = {
        {"dryrun", 0, NULL, 'n'}, {"help", 0, NULL, 'h'}, {NULL, 0, NULL, 0}};
    struct domain_config *cfg = NULL;
    char *json = NULL;
    int opt, dryrun = xm->dryrun, rc;
    unsigned flags = 0;

    while ((opt = xm_getopt(xm, argc, argv, "ncp", opts, 1)) != -1) {
        if (opt == XM_OPT_HELP)
            return EXIT_SUCCESS;
        if (opt == XM_OPT_ERR)
            return EXIT_FAILURE;
        if (opt == 'n')
            dryrun = 1;
        if (opt == 'c')
            flags |= DOM_CREATE_CONSOLE;
        if (opt == 'p')
            flags |= DOM_CREATE_PAUSED;
    }
    /* xl create FILE k=v...: the extra words are more cfg statements */
    rc = cfg_parse_file(argv[optind], argv + optind + 1, &cfg, xm->err);
    if (rc)
        return EXIT_FAILURE;
    if (!dryrun) {
        rc = create_domain(xm, cfg, flags);
        domain_config_free(cfg);
        return rc;
    }
    if (domain_config_to_json(cfg, &json)) {
        xm_err(xm, "create: out of memory");
        domain_config_free(cfg);
        return EXIT_FAILURE;
    }
    fputs(json, xm->out);
    free(json);
    domain_config_free(cfg);
    return EXIT_SUCCESS;
}
