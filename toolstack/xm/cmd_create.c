/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_create.c: `xm create [-n|--dryrun] FILE [KEY=VALUE...]` (FILE may
 * also be a name in /etc/xen, as xm allowed). The dry run
 * prints the parsed config as xl does, {"domid": null, "config": {...}},
 * for each FILE given; building the domain is the domain library's.
 */
#include "xm/xm.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>
#include <yajl/yajl_gen.h>

#include "cfg/cfg.h"
#include "domain/domain.h"
#include "lib/paths.h"
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

int cmd_create(struct xm *xm, int argc, char **argv)
{
    static const struct option opts[] = {
        /* xl spells it --dryrun; the issue and xen-tools users write --dry-run
         */
        {"dryrun", 0, NULL, 'n'},  {"dry-run", 0, NULL, 'n'},
        {"console", 0, NULL, 'c'}, {"paused", 0, NULL, 'p'},
        {"help", 0, NULL, 'h'},    {NULL, 0, NULL, 0}};
    static const struct xm_flag fl[] = {{'n', CREATE_DRYRUN},
                                        {'c', CREATE_CONSOLE},
                                        {'p', DOMAIN_CREATE_PAUSED},
                                        {0, 0}};
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
    flags &= DOMAIN_CREATE_PAUSED;
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
