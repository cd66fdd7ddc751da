/* SPDX-License-Identifier: GPL-2.0-only */
/* frame.c: help text, error messages and per-command option parsing. */
#include "xm/xm.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

void xm_err(const struct xm *xm, const char *fmt, ...)
{
    va_list ap;

    fprintf(xm->err, "%s: ", xm->prog);
    va_start(ap, fmt);
    vfprintf(xm->err, fmt, ap);
    va_end(ap);
    fputc('\n', xm->err);
}

void xm_help(const struct xm *xm, const char *name, FILE *f)
{
    const struct xm_cmd *c;
    size_t i;

    if (!name || !strcmp(name, "help")) {
        fprintf(f, "Usage %s [-vfNtT] <subcommand> [args]\n\n", xm->prog);
        fprintf(f, "%s full list of subcommands:\n\n", xm->prog);
        for (i = 0; i < xm_cmd_count; i++) {
            fprintf(f, " %-19s ", xm_cmd_table[i].name);
            if (strlen(xm_cmd_table[i].name) > 19)
                fprintf(f, "\n %-19s ", "");
            fprintf(f, "%s\n", xm_cmd_table[i].help);
        }
        return;
    }
    c = xm_cmd_lookup(name);
    if (!c) {
        fprintf(f, "command \"%s\" not implemented\n", name);
        return;
    }
    fprintf(f, "Usage: %s [-vtT%s%s] %s %s\n\n%s.\n\n", xm->prog,
            c->flags & XM_CMD_MODIFIES ? "f" : "",
            c->flags & XM_CMD_DRYRUN ? "N" : "", c->name, c->usage, c->help);
    if (c->options)
        fprintf(f, "Options:\n\n%s\n", c->options);
}

int xm_getopt(struct xm *xm, int argc, char **argv, const char *optstring,
              const struct option *longopts, int reqargs)
{
    static const struct option help_only[] = {{"help", 0, NULL, 'h'},
                                              {NULL, 0, NULL, 0}};
    char opts[64];
    int opt;

    /* every command takes -h; optstring must not be longer than ~60 */
    snprintf(opts, sizeof(opts), "+h%s", optstring);
    opterr = 0;
    opt = getopt_long(argc, argv, opts, longopts ? longopts : help_only, NULL);
    if (opt == 'h') {
        xm_help(xm, xm->cmd->name, xm->out);
        return XM_OPT_HELP;
    }
    if (opt == '?') {
        if (optopt)
            fprintf(xm->err, "option `%c' not supported.\n", optopt);
        else
            fprintf(xm->err, "option `%s' not supported.\n", argv[optind - 1]);
        xm_help(xm, xm->cmd->name, xm->err);
        return XM_OPT_ERR;
    }
    if (opt != -1)
        return opt;
    if (argc - optind < reqargs) {
        fprintf(xm->err, "'%s %s' requires at least %d argument%s.\n\n",
                xm->prog, xm->cmd->name, reqargs, reqargs > 1 ? "s" : "");
        xm_help(xm, xm->cmd->name, xm->err);
        return XM_OPT_ERR;
    }
    return -1;
}

int xm_flag_options(struct xm *xm, int argc, char **argv,
                    const struct xm_flag *fl, const struct option *lo,
                    int reqargs, unsigned *set)
{
    char opts[32];
    size_t n = 0, i;
    int opt;

    for (i = 0; fl && fl[i].opt && n < sizeof(opts) - 1; i++)
        opts[n++] = fl[i].opt;
    opts[n] = '\0';
    *set = 0;
    while ((opt = xm_getopt(xm, argc, argv, opts, lo, reqargs)) != -1) {
        if (opt == XM_OPT_HELP || opt == XM_OPT_ERR)
            return opt == XM_OPT_HELP ? EXIT_SUCCESS : EXIT_FAILURE;
        for (i = 0; fl && fl[i].opt; i++)
            if (fl[i].opt == opt)
                *set |= fl[i].bits;
    }
    return -1;
}

int xm_no_options(struct xm *xm, int argc, char **argv, int reqargs)
{
    unsigned none;

    return xm_flag_options(xm, argc, argv, NULL, NULL, reqargs, &none);
}
