/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_create.c: `xm create [-n|--dryrun] FILE [KEY=VALUE...]` (FILE may
 * also be a name in /etc/xen, as xm allowed). The dry run prints the
 * parsed config as xl 4.17 does (libxl_domain_config_to_json: the config
 * itself, with the random uuid xl's parser gives it) for each FILE given;
 * building the domain is the domain library's.
 */
#include "xm/xm.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include "cfg/cfg.h"
#include "domain/domain.h"
#include "lib/paths.h"
#include "lib/rand.h"
#include "xm/dom.h"

struct create_ctx {
    struct xm *xm;
    int lock; /* xl's create lock, < 0 once dropped */
};

static int backends_start(void *arg, int blk, int net)
{
    return dom_backends_start(((struct create_ctx *)arg)->xm, blk, net, 0);
}

/* The domain exists and counts in the host-memory check: the next create
 * may go ahead (xl holds the lock to the end; its freemem needs only this). */
static void built(void *arg)
{
    struct create_ctx *cc = arg;

    xm_xlconf_unlock(cc->lock);
    cc->lock = -1;
}

/* Start the daemons when absent, then the library builds, wires and starts
 * the domain; with -c the console is attached before it runs. */
static int create_domain(struct xm *xm, const struct domain_config *cfg,
                         int console, unsigned flags)
{
    struct create_ctx cc = {.xm = xm, .lock = -1};
    struct domain_create_opts opts = {.flags = flags,
                                      .backends_start = backends_start,
                                      .built = built,
                                      .arg = &cc};
    struct domain_ctx c;
    struct xs_handle *xs;
    uint32_t domid;
    int rc;

    /* Cheap checks first: a bad cfg must not leave daemons behind. */
    if (cfg->kernel && access(cfg->kernel, R_OK) != 0) {
        xm_err(xm, "create: %s: %s", cfg->kernel, strerror(errno));
        return EXIT_FAILURE;
    }
    if (dom_daemons_start(xm, 0) < 0 || !(xs = dom_xs_open(xm)))
        return EXIT_FAILURE;
    dom_ctx(xm, &c);
    /* xl: unpaused once the console is attached, and the monitor forked
     * after that, so the guest need not wait for the fork */
    if (console)
        opts.flags |= DOMAIN_CREATE_PAUSED | DOMAIN_CREATE_NO_MONITOR;
    cc.lock = xm_xlconf_lock(xm);
    rc = cc.lock < 0 ? cc.lock : domain_create(&c, xs, cfg, &opts, &domid);
    xm_xlconf_unlock(cc.lock);
    if (rc == 0 && console)
        rc = dom_console(xm, xs, domid, !(flags & DOMAIN_CREATE_PAUSED),
                         (flags & DOMAIN_CREATE_NO_MONITOR) ? NULL : cfg);
    xs_close(xs);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* xl create -n: the libxl_domain_config, as JSON. xl's parser gives every
 * config a uuid (a new one each run when the cfg names none). */
static int print_dryrun(struct xm *xm, struct domain_config *cfg)
{
    char *json;
    int rc;

    if (!cfg->has_uuid) {
        if ((rc = rand_uuid(cfg->uuid)) < 0) {
            xm_err(xm, "create: no random uuid: %s", strerror(-rc));
            return rc;
        }
        cfg->has_uuid = 1;
    }
    rc = domain_config_to_json(cfg, &json);
    if (rc < 0) {
        xm_err(xm, "create: %s", strerror(-rc));
        return rc;
    }
    fputs(json, xm->out);
    free(json);
    return 0;
}

/*
 * xm (not xl) looked for a bare name in /etc/xen: `xm create web01.cfg`
 * works from any directory. A path that exists, or has a '/', is used as
 * given; otherwise <root>/etc/xen/NAME is tried. Returns path or buf.
 */
static const char *find_cfg(const char *path, char *buf, size_t len)
{
    char rel[PATH_MAX];

    if (strchr(path, '/') || access(path, F_OK) == 0)
        return path;
    if (snprintf(rel, sizeof(rel), "/etc/xen/%s", path) >= (int)sizeof(rel) ||
        paths_get(buf, len, rel) || access(buf, F_OK))
        return path;
    return buf;
}

/* -n and -c, as bits above the DOMAIN_CREATE_ flags */
#define CREATE_DRYRUN 0x100u
#define CREATE_CONSOLE 0x200u
#define CREATE_QUIET 0x400u

int cmd_create(struct xm *xm, int argc, char **argv)
{
    static const struct option opts[] = {
        /* xl spells it --dryrun; the issue and xen-tools users write --dry-run
         */
        {"dryrun", 0, NULL, 'n'},  {"dry-run", 0, NULL, 'n'},
        {"console", 0, NULL, 'c'}, {"paused", 0, NULL, 'p'},
        {"quiet", 0, NULL, 'q'},   {"help", 0, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    /* -q: xl's quiet, for its "Parsing config from", which we never print
     * (xendomains scripts pass it) */
    static const struct xm_flag fl[] = {
        {'n', CREATE_DRYRUN},        {'c', CREATE_CONSOLE},
        {'p', DOMAIN_CREATE_PAUSED}, {'e', DOMAIN_CREATE_NO_MONITOR},
        {'q', CREATE_QUIET},         {0, 0}};
    struct domain_config *cfg = NULL;
    char **files = NULL, **kv = NULL, path[PATH_MAX];
    int dryrun, console, i, nfiles = 0, nkv = 0;
    unsigned flags;
    int ret = xm_flag_options(xm, argc, argv, fl, opts, 1, &flags);

    if (ret != -1)
        return ret;
    ret = EXIT_FAILURE;
    dryrun = xm->dryrun || (flags & CREATE_DRYRUN);
    console = !!(flags & CREATE_CONSOLE);
    flags &= DOMAIN_CREATE_PAUSED | DOMAIN_CREATE_NO_MONITOR;
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
        if (cfg_parse_file(find_cfg(files[i], path, sizeof(path)), kv, &cfg,
                           xm->err) ||
            xm_xlconf_vifs(xm, cfg->vifs, cfg->nr_vifs)) {
            ret = EXIT_FAILURE;
            domain_config_free(cfg);
            cfg = NULL;
            continue;
        }
        if (!dryrun) {
            ret = create_domain(xm, cfg, console, flags);
        } else {
            xm_xlconf_json(xm); /* JSON either way: warns about sxp */
            if (print_dryrun(xm, cfg))
                ret = EXIT_FAILURE;
        }
        domain_config_free(cfg);
        cfg = NULL;
    }
out:
    free(files);
    free(kv);
    return ret;
}
