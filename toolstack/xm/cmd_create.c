/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_create.c: `xm create [-n|--dryrun] FILE [KEY=VALUE...]`. The dry run
 * prints the parsed config as libxl JSON; building the domain is the
 * engine's (see create_domain below).
 */
#include "xm/xm.h"

#include <stdlib.h>
#include <string.h>

#include "cfg/cfg.h"

/* Where the real create goes: build, start and wire up cfg's domain. */
static int create_domain(struct xm *xm, const struct domain_config *cfg)
{
    (void)cfg;
    xm_err(xm, "create: no engine yet");
    return EXIT_FAILURE;
}

int cmd_create(struct xm *xm, int argc, char **argv)
{
    static const struct option opts[] = {
        {"dryrun", 0, NULL, 'n'}, {"help", 0, NULL, 'h'}, {NULL, 0, NULL, 0}};
    struct domain_config *cfg = NULL;
    char *json = NULL;
    int opt, dryrun = xm->dryrun, rc;

    while ((opt = xm_getopt(xm, argc, argv, "n", opts, 1)) != -1) {
        if (opt == XM_OPT_HELP)
            return EXIT_SUCCESS;
        if (opt == XM_OPT_ERR)
            return EXIT_FAILURE;
        if (opt == 'n')
            dryrun = 1;
    }
    /* xl create FILE k=v...: the extra words are more cfg statements */
    rc = cfg_parse_file(argv[optind], argv + optind + 1, &cfg, xm->err);
    if (rc)
        return EXIT_FAILURE;
    if (!dryrun) {
        rc = create_domain(xm, cfg);
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
