/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_create.c: `xm create [-n|--dryrun] FILE [KEY=VALUE...]`. The dry run
 * prints the parsed config as xl does, {"domid": null, "config": {...}},
 * for each FILE given; building the domain is the engine's (see
 * create_domain below).
 */
#include "xm/xm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "cfg/cfg.h"

/* Where the real create goes: build, start and wire up cfg's domain. */
static int create_domain(struct xm *xm, const struct domain_config *cfg)
{
    (void)cfg;
    xm_err(xm, "create: no engine yet");
    return EXIT_FAILURE;
}

/* xl's printf_info(): {"domid": null, "config": <libxl_domain_config>} */
static int print_dryrun(struct xm *xm, const struct domain_config *cfg)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t len;
    int rc = -ENOMEM;

    if (!g)
        return rc;
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "    ");
    yajl_gen_map_open(g);
    yajl_gen_string(g, (const unsigned char *)"domid", 5);
    yajl_gen_null(g);
    yajl_gen_string(g, (const unsigned char *)"config", 6);
    domain_config_gen_json(g, cfg);
    yajl_gen_map_close(g);
    if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
        fwrite(buf, 1, len, xm->out);
        rc = 0;
    }
    yajl_gen_free(g);
    return rc;
}

int cmd_create(struct xm *xm, int argc, char **argv)
{
    static const struct option opts[] = {
        {"dryrun", 0, NULL, 'n'}, {"help", 0, NULL, 'h'}, {NULL, 0, NULL, 0}};
    struct domain_config *cfg = NULL;
    char **files = NULL, **kv = NULL;
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
        else if (print_dryrun(xm, cfg))
            ret = EXIT_FAILURE;
        domain_config_free(cfg);
        cfg = NULL;
    }
out:
    free(files);
    free(kv);
    return ret;
}
