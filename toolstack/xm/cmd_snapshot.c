/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_snapshot.c: xm snapshot-create / -list / -revert / -delete (virsh's
 * snapshot commands, beyond xl) on domain/snapshot.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <xenstore.h>

#include "domain/domain.h"
#include "domain/snapshot.h"
#include "lib/parse.h"
#include "xm/dom.h"
#include "xm/xm.h"

/* Options parsed (reqargs), the store open. 0, 1 (-h) or -1 (reported). */
static int open_args(struct xm *xm, int argc, char **argv, int reqargs,
                     struct xs_handle **xs)
{
    int opt;

    if ((opt = xm_no_options(xm, argc, argv, reqargs)) >= 0)
        return opt == EXIT_SUCCESS ? 1 : -1;
    if (argc - optind > reqargs + (reqargs == 1)) {
        xm_help(xm, argv[0], xm->err);
        return -1;
    }
    if (dom_daemons_start(xm, 0) < 0 || !(*xs = dom_xs_open(xm)))
        return -1;
    return 0;
}

/* The domain's name: a running domain's (by name or id) or, for one that
 * is not running (revert, list), the word itself. */
static void dom_name(struct xs_handle *xs, const char *which, char *buf,
                     size_t len)
{
    long long id;

    if (parse_ll(which, 10, 1, UINT32_MAX, &id) == 0 &&
        domain_name(xs, (uint32_t)id, buf, len) == 0)
        return;
    snprintf(buf, len, "%s", which);
}

int cmd_snapshot_create(struct xm *xm, int argc, char **argv)
{
    struct domain_ctx c;
    struct xs_handle *xs = NULL;
    char name[SNAPSHOT_NAME_MAX + 1];
    uint32_t domid;
    int rc = open_args(xm, argc, argv, 1, &xs);

    if (rc)
        return rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    rc = dom_resolve(xm, xs, argv[optind], &domid, NULL, 0);
    if (rc == 0) {
        dom_ctx(xm, &c);
        rc = domain_snapshot_create(&c, xs, domid,
                                    optind + 1 < argc ? argv[optind + 1] : NULL,
                                    name, sizeof(name));
    }
    if (rc == 0)
        printf("Domain snapshot %s created\n", name);
    xs_close(xs);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int cmd_snapshot_list(struct xm *xm, int argc, char **argv)
{
    struct domain_snapshot *v = NULL;
    struct xs_handle *xs = NULL;
    char dom[128], when[64];
    int i, n, rc = open_args(xm, argc, argv, 1, &xs);

    if (rc)
        return rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    dom_name(xs, argv[optind], dom, sizeof(dom));
    xs_close(xs);
    n = domain_snapshot_list(dom, &v);
    if (n < 0) {
        xm_err(xm, "snapshot-list: %s: %s", dom, strerror(-n));
        return EXIT_FAILURE;
    }
    printf(" %-20s %-27s %s\n", "Name", "Creation Time", "State");
    printf("------------------------------------------------------------\n");
    for (i = 0; i < n; i++) {
        strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %z",
                 localtime(&v[i].created));
        printf(" %-20s %-27s %s\n", v[i].name, when,
               v[i].paused ? "paused" : "running");
    }
    free(v);
    return EXIT_SUCCESS;
}

int cmd_snapshot_revert(struct xm *xm, int argc, char **argv)
{
    struct domain_ctx c;
    struct xs_handle *xs = NULL;
    char dom[128];
    uint32_t domid;
    int rc = open_args(xm, argc, argv, 2, &xs);

    if (rc)
        return rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    dom_name(xs, argv[optind], dom, sizeof(dom));
    dom_ctx(xm, &c);
    rc = domain_snapshot_revert(&c, xs, dom, argv[optind + 1], &domid);
    xs_close(xs);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}

int cmd_snapshot_delete(struct xm *xm, int argc, char **argv)
{
    struct domain_ctx c;
    struct xs_handle *xs = NULL;
    char dom[128];
    int rc = open_args(xm, argc, argv, 2, &xs);

    if (rc)
        return rc > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
    dom_name(xs, argv[optind], dom, sizeof(dom));
    dom_ctx(xm, &c);
    rc = domain_snapshot_delete(&c, xs, dom, argv[optind + 1]);
    xs_close(xs);
    if (rc == 0)
        printf("Domain snapshot %s deleted\n", argv[optind + 1]);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
