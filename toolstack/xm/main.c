/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * main.c: xm/xl entry: global options (-v -f -N -t -T, as xl), then
 * dispatch through the command table. `xl` is a symlink to this binary.
 */
#include "xm/xm.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/paths.h"

/* argv[0]'s basename names us in every message (xm or xl). */
static void set_prog(struct xm *xm, const char *argv0)
{
    const char *slash;

    xm->prog = argv0 ? argv0 : "xm";
    slash = strrchr(xm->prog, '/');
    if (slash)
        xm->prog = slash + 1;
    /* the cfg library prefixes its messages with this name too */
    program_invocation_short_name = (char *)(uintptr_t)xm->prog;
}

/*
 * libxenstore finds xenstored through $XENSTORED_PATH only: point it under
 * PVSTACK_ROOT when that moves the state (tests, DESIGN.md).
 */
static void set_store_path(void)
{
    char sock[4096];

    if (*paths_root() && !getenv("XENSTORED_PATH") &&
        !paths_xenstored_socket(sock, sizeof(sock)))
        setenv("XENSTORED_PATH", sock, 1);
}

/* xl's global options. Returns 0, or -EINVAL after printing the usage. */
static int global_options(struct xm *xm, int argc, char **argv)
{
    int opt;

    opterr = 0;
    while ((opt = getopt(argc, argv, "+vfNtT")) != -1) {
        switch (opt) {
        case 'v':
            xm->verbose++;
            break;
        case 'f':
            xm->force = 1;
            break;
        case 'N':
            xm->dryrun = 1;
            break;
        case 't':
        case 'T':
            break; /* progress/timestamp styles: nothing to style yet */
        default:
            fprintf(stderr, "unknown global option\n");
            xm_help(xm, NULL, stderr);
            return -EINVAL;
        }
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct xm xm = {.out = stdout, .err = stderr};
    const struct xm_cmd *c;
    int rc;

    set_prog(&xm, argv[0]);
    set_store_path();
    if (global_options(&xm, argc, argv))
        return EXIT_FAILURE;
    if (optind >= argc) {
        xm_help(&xm, NULL, stdout);
        return EXIT_FAILURE;
    }
    argv += optind;
    argc -= optind;
    optind = 1;

    if (!strcmp(argv[0], "help")) {
        xm_help(&xm, argc > 1 ? argv[1] : NULL, stdout);
        return EXIT_SUCCESS;
    }
    c = xm_cmd_lookup(argv[0]);
    if (!c) {
        fprintf(stderr, "command not implemented\n");
        xm_help(&xm, NULL, stderr);
        return EXIT_FAILURE;
    }
    if (xm.dryrun && !(c->flags & XM_CMD_DRYRUN)) {
        fprintf(stderr, "command does not implement -N (dryrun) option\n");
        return EXIT_FAILURE;
    }
    xm.cmd = c;
    rc = c->fn(&xm, argc, argv);
    if (fflush(stdout) || ferror(stdout)) {
        xm_err(&xm, "stdout: %s", strerror(errno));
        return EXIT_FAILURE;
    }
    return rc == EXIT_SUCCESS ? EXIT_SUCCESS : EXIT_FAILURE;
}
