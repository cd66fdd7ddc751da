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

int main(int argc, char **argv)
{
    struct xm xm = {.out = stdout, .err = stderr};
    const struct xm_cmd *c;
    const char *slash;
    int opt, rc;

    xm.prog = argv[0] ? argv[0] : "xm";
    slash = strrchr(xm.prog, '/');
    if (slash)
        xm.prog = slash + 1;
    /* the cfg library prefixes its messages with this name too */
    program_invocation_short_name = (char *)(uintptr_t)xm.prog;

    opterr = 0;
    while ((opt = getopt(argc, argv, "+vfNtT")) != -1) {
        switch (opt) {
        case 'v':
            xm.verbose++;
            break;
        case 'f':
            xm.force = 1;
            break;
        case 'N':
            xm.dryrun = 1;
            break;
        case 't':
        case 'T':
            break; /* progress/timestamp styles: nothing to style yet */
        default:
            fprintf(stderr, "unknown global option\n");
            xm_help(&xm, NULL, stderr);
            return EXIT_FAILURE;
        }
    }
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
