/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_save.c: xm save and xm restore (xl_saverestore.c's options and
 * messages) on domain/save.h.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "cfg/cfg.h"
#include "domain/domain.h"
#include "domain/save.h"
#include "xm/dom.h"
#include "xm/xm.h"

/* The optional <ConfigFile> of save/restore, parsed. 0 or -EINVAL. */
static int override_cfg(struct xm *xm, const char *path,
                        struct domain_config **cfg)
{
    return cfg_parse_file(path, NULL, cfg, xm->err) ? -EINVAL : 0;
}

int cmd_save(struct xm *xm, int argc, char **argv)
{
    struct domain_config *cfg = NULL;
    struct domain_ctx c;
    struct xs_handle *xs;
    static const struct xm_flag fl[] = {{'c', DOMAIN_SAVE_CHECKPOINT},
                                        {'p', DOMAIN_SAVE_PAUSED},
                                        {'z', DOMAIN_SAVE_XZ},
                                        {0, 0}};
    unsigned flags;
    uint32_t domid;
    int rc = xm_flag_options(xm, argc, argv, fl, NULL, 2, &flags);

    if (rc != -1)
        return rc;
    if (argc - optind > 3) {
        xm_help(xm, argv[0], xm->err);
        return EXIT_FAILURE;
    }
    if (argc - optind == 3) {
        if (override_cfg(xm, argv[optind + 2], &cfg))
            return EXIT_FAILURE;
        /* The image keeps the running domain's config; say so rather
         * than silently ignore the file. */
        xm_err(xm, "save: a <ConfigFile> is not supported; the domain's "
                   "kept config is saved (use it with restore instead)");
        domain_config_free(cfg);
        return EXIT_FAILURE;
    }
    if (dom_daemons_start(xm, 0) < 0 || !(xs = dom_xs_open(xm)))
        return EXIT_FAILURE;
    if (dom_resolve(xm, xs, argv[optind], &domid, NULL, 0) < 0) {
        xs_close(xs);
        return EXIT_FAILURE;
    }
    dom_ctx(xm, &c);
    fprintf(xm->err, "Saving to %s new xl format\n", argv[optind + 1]);
    rc = domain_save(&c, xs, domid, argv[optind + 1], flags);
    xs_close(xs);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int cmd_restore(struct xm *xm, int argc, char **argv)
{
    struct domain_config *cfg = NULL;
    struct domain_ctx c;
    struct xs_handle *xs;
    /* -d (debug) and -V (vncviewer) are accepted as xl does; neither
     * changes what is restored. */
    static const struct xm_flag fl[] = {{'p', DOMAIN_RESTORE_PAUSED},
                                        {'e', DOMAIN_RESTORE_NO_MONITOR},
                                        {'d', 0},
                                        {'V', 0},
                                        {0, 0}};
    unsigned flags;
    uint32_t domid;
    int rc = xm_flag_options(xm, argc, argv, fl, NULL, 1, &flags), lock;

    if (rc != -1)
        return rc;
    /* xl: restore [<ConfigFile>] <CheckpointFile>, the config first. */
    if (argc - optind > 2) {
        xm_help(xm, argv[0], xm->err);
        return EXIT_FAILURE;
    }
    if (argc - optind == 2) {
        if (override_cfg(xm, argv[optind], &cfg))
            return EXIT_FAILURE;
        optind++;
    }
    if (dom_daemons_start(xm, 0) < 0 || !(xs = dom_xs_open(xm))) {
        domain_config_free(cfg);
        return EXIT_FAILURE;
    }
    dom_ctx(xm, &c);
    /* xl's create_domain takes xl.conf's lockfile for a restore too. */
    lock = xm_xlconf_lock(xm);
    rc = lock < 0 ? lock
                  : domain_restore(&c, xs, argv[optind], cfg, flags, &domid);
    xm_xlconf_unlock(lock);
    xs_close(xs);
    domain_config_free(cfg);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
