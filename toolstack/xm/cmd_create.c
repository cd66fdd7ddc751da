/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_create.c: `xm create [-n|--dryrun] FILE [KEY=VALUE...]`. The dry run
 * prints the parsed config as libxl JSON (of each FILE given); building
 * the domain is the engine's (see create_domain below).
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
    char *json = NULL, **files = NULL, **kv = NULL;
    int opt, dryrun = xm->dryrun, i, nfiles = 0, nkv = 0;
    int ret = EXIT_FAILURE;

    while ((opt = xm_getopt(xm, argc, argv, "n", opts, 1)) != -1) {
        if (opt == XM_OPT_HELP)
            return EXIT_SUCCESS;
        if (opt == XM_OPT_ERR)
            return EXIT_FAILURE;
        if (opt == 'n')
            dryrun = 1;
    }
    /*
     * xl create FILE k=v...: the k=v words are more cfg statements. A word
     * without '=' would be a syntax error to xl; we take it as one more
     * FILE so that `xm create -n configs/<glob>.cfg` shows each file.
     */
    files = calloc((size_t)argc, sizeof(*files));
    kv = calloc((size_t)argc, sizeof(*kv));
    if (!files || !kv) {
        xm_err(xm, "create: out of memory");
        goto out;
    }
    for (i = optind; i < argc; i++) {
        if (i == optind || !strchr(argv[i], '='))
            files[nfiles++] = argv[i];
        else
            kv[nkv++] = argv[i];
    }
    if (!dryrun && nfiles > 1) {
        xm_err(xm, "create: one config file at a time (%s, then %s)", files[0],
               files[1]);
        goto out;
    }
    ret = EXIT_SUCCESS;
    for (i = 0; i < nfiles; i++) {
        if (cfg_parse_file(files[i], kv, &cfg, xm->err)) {
            ret = EXIT_FAILURE;
            continue;
        }
        if (!dryrun)
            ret = create_domain(xm, cfg);
        else if (domain_config_to_json(cfg, &json) == 0)
            fputs(json, xm->out);
        else
            ret = EXIT_FAILURE;
        free(json);
        json = NULL;
        domain_config_free(cfg);
        cfg = NULL;
    }
out:
    free(files);
    free(kv);
    return ret;
}
