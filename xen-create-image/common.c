/* SPDX-License-Identifier: GPL-2.0-only */
/* common.c: helpers shared by the image tools (see common.h). */
#include "common.h"

#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "conf.h"
#include "lib/fs.h"
#include "lib/paths.h"
#include "lib/spawn.h"
#include "opts.h"
#include "run.h"
#include "storage.h"

int xci_membuf_open(struct xci_membuf *m)
{
    m->buf = NULL;
    m->len = 0;
    m->f = open_memstream(&m->buf, &m->len);
    return m->f ? 0 : -errno;
}

int xci_membuf_close(struct xci_membuf *m, int rc)
{
    if (fclose(m->f) && !rc)
        rc = -ENOMEM;
    m->f = NULL;
    if (rc) {
        free(m->buf);
        m->buf = NULL;
    }
    return rc;
}

char *xci_slurp(const char *path)
{
    FILE *f = fopen(path, "re");
    struct xci_membuf m;
    char chunk[4096];
    size_t n;
    int rc;

    if (!f)
        return NULL;
    rc = xci_membuf_open(&m);
    if (rc == 0) {
        while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
            fwrite(chunk, 1, n, m.f);
        rc = xci_membuf_close(&m, ferror(f) ? -EIO : 0);
    }
    fclose(f);
    if (rc) {
        errno = -rc;
        return NULL;
    }
    return m.buf;
}

int xci_mkdir_p(const char *path)
{
    return fs_mkdir_p(path, 0755);
}

int xci_data_dir(char *buf, size_t len, const char *given, const char *sub)
{
    static const char *const rel[] = {"../../xen-create-image",
                                      "../share/pvstack"};
    char exe[4096];
    struct stat st;
    ssize_t n;
    size_t i;

    if (given) {
        snprintf(buf, len, "%s", given);
        return 0;
    }
    n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n < 0)
        return -errno;
    exe[n] = '\0';
    for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
        char tmp[4096];

        snprintf(tmp, sizeof(tmp), "%s", exe);
        if (snprintf(buf, len, "%s/%s/%s", dirname(tmp), rel[i], sub) >=
            (int)len)
            return -ENAMETOOLONG;
        if (!stat(buf, &st) && S_ISDIR(st.st_mode))
            return 0;
    }
    return -ENOENT;
}

/* Copy with truncation (cfg values longer than our fields are cut). */
static void cpy(char *d, size_t len, const char *s)
{
    size_t n = strnlen(s, len - 1);

    memcpy(d, s, n);
    d[n] = '\0';
}

/* A tiny lexer for the xl cfg subset. */
struct lex {
    const char *p;
};

static void skip_ws(struct lex *lx, int newlines)
{
    for (;;) {
        while (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\r' ||
               (newlines && *lx->p == '\n'))
            lx->p++;
        if (*lx->p != '#')
            return;
        while (*lx->p && *lx->p != '\n')
            lx->p++;
    }
}

/* A quoted string or bare atom into out (truncated to len). */
static int atom(struct lex *lx, char *out, size_t len)
{
    size_t n = 0;

    if (*lx->p == '\'' || *lx->p == '"') {
        char q = *lx->p++;

        while (*lx->p && *lx->p != q && *lx->p != '\n') {
            if (*lx->p == '\\' && lx->p[1])
                lx->p++;
            if (n + 1 < len)
                out[n++] = *lx->p;
            lx->p++;
        }
        if (*lx->p != q)
            return -EINVAL;
        lx->p++;
    } else {
        while (*lx->p &&
               (isalnum((unsigned char)*lx->p) || strchr("._-x", *lx->p))) {
            if (n + 1 < len)
                out[n++] = *lx->p;
            lx->p++;
        }
        if (!n)
            return -EINVAL;
    }
    out[n] = '\0';
    return 0;
}

static int value(struct lex *lx, const char *key, struct xci_cfginfo *ci)
{
    char tmp[512];
    int rc;

    if (*lx->p != '[') {
        rc = atom(lx, tmp, sizeof(tmp));
        if (rc)
            return rc;
        if (!strcmp(key, "name"))
            cpy(ci->name, sizeof(ci->name), tmp);
        else if (!strcmp(key, "memory"))
            cpy(ci->memory, sizeof(ci->memory), tmp);
        else if (!strcmp(key, "dhcp"))
            ci->dhcp = !strcmp(tmp, "dhcp");
        return 0;
    }
    lx->p++;
    if (!strcmp(key, "disk"))
        ci->ndisks = 0; /* the last assignment wins, as in xl */
    for (;;) {
        skip_ws(lx, 1);
        if (*lx->p == ']') {
            lx->p++;
            return 0;
        }
        rc = atom(lx, tmp, sizeof(tmp));
        if (rc)
            return rc;
        if (!strcmp(key, "disk") && ci->ndisks < XCI_CFG_MAX_DISKS)
            cpy(ci->disks[ci->ndisks++], sizeof(ci->disks[0]), tmp);
        else if (!strcmp(key, "vif") && !*ci->vif)
            cpy(ci->vif, sizeof(ci->vif), tmp);
        skip_ws(lx, 1);
        if (*lx->p == ',')
            lx->p++;
        else if (*lx->p != ']')
            return -EINVAL;
    }
}

int xci_cfg_read(const char *text, struct xci_cfginfo *out)
{
    struct lex lx = {text};
    char key[64];
    int rc;

    memset(out, 0, sizeof(*out));
    for (;;) {
        skip_ws(&lx, 1);
        if (!*lx.p)
            return 0;
        if (*lx.p == ';') {
            lx.p++;
            continue;
        }
        if (!isalpha((unsigned char)*lx.p))
            return -EINVAL;
        rc = atom(&lx, key, sizeof(key));
        if (rc)
            return rc;
        skip_ws(&lx, 0);
        if (*lx.p == '+' && lx.p[1] == '=')
            lx.p++;
        if (*lx.p != '=')
            return -EINVAL;
        lx.p++;
        skip_ws(&lx, 0);
        rc = value(&lx, key, out);
        if (rc)
            return rc;
    }
}

int xci_cfg_disk_target(const char *spec, char *path_out, size_t len,
                        int *phy_out)
{
    const char *p = spec, *comma;
    size_t n;

    *phy_out = 0;
    if (!strncmp(p, "phy:", 4)) {
        *phy_out = 1;
        p += 4;
    } else if (!strncmp(p, "file:", 5)) {
        p += 5;
    } else if (!strncmp(p, "tap:aio:", 8)) {
        p += 8;
    } else if (!strncmp(p, "target=", 7)) {
        p += 7;
    }
    comma = strchr(p, ',');
    n = comma ? (size_t)(comma - p) : strlen(p);
    if (n == 0 || n >= len || *p != '/')
        return -EINVAL;
    memcpy(path_out, p, n);
    path_out[n] = '\0';
    if (!strncmp(path_out, "/dev/", 5))
        *phy_out = 1;
    return 0;
}

void xci_cfg_vif_field(const char *vif, const char *key, char *out, size_t len)
{
    size_t kl = strlen(key);
    const char *p = vif;

    *out = '\0';
    while (p && *p) {
        if (!strncmp(p, key, kl) && p[kl] == '=') {
            size_t n = strcspn(p + kl + 1, ",");

            snprintf(out, len, "%.*s", (int)n, p + kl + 1);
            return;
        }
        p = strchr(p, ',');
        if (p)
            p++;
    }
}

static int in_list(const char *const l[], const char *k)
{
    for (; l && *l; l++)
        if (!strcmp(*l, k))
            return 1;
    return 0;
}

/*
 * Command line of the companion tools: "--key=value" / "--key value" for
 * keys listed in with_value, "--flag" for keys in flags, bare words and
 * --hostname are appended to "hostname". Returns 0, 1 for --help, or
 * -EINVAL after a line on stderr (prog names the tool).
 */
static int xci_tool_opts(struct xci_conf *cl, int argc, char *const argv[],
                         const char *prog, const char *const with_value[],
                         const char *const flags[])
{
    int i, rc = 0;

    for (i = 1; i < argc && !rc; i++) {
        const char *a = argv[i], *eq;
        char key[64];
        size_t n;

        if (strncmp(a, "--", 2)) {
            rc = xci_conf_append(cl, "hostname", a);
            continue;
        }
        a += 2;
        eq = strchr(a, '=');
        n = eq ? (size_t)(eq - a) : strlen(a);
        if (n >= sizeof(key))
            n = sizeof(key) - 1;
        memcpy(key, a, n);
        key[n] = '\0';
        if (!strcmp(key, "help"))
            return 1;
        if (in_list(flags, key) && !eq) {
            rc = xci_conf_set(cl, key, "1");
        } else if (in_list(with_value, key)) {
            const char *v = eq ? eq + 1 : (i + 1 < argc ? argv[++i] : NULL);

            if (!v) {
                fprintf(stderr, "%s: --%s needs a value\n", prog, key);
                return -EINVAL;
            }
            rc = strcmp(key, "hostname") ? xci_conf_set(cl, key, v)
                                         : xci_conf_append(cl, key, v);
        } else {
            fprintf(stderr, "%s: unknown option '%s'\n", prog, argv[i]);
            return -EINVAL;
        }
    }
    return rc;
}

/*
 * The tool's settings: PVSTACK_ROOT/etc/xen-tools/xen-tools.conf, then
 * --config, then cl. Returns 0 or -errno.
 */
static int xci_tool_conf(struct xci_conf *c, const struct xci_conf *cl)
{
    char path[4096];
    const char *cf = xci_conf_get(cl, "config");
    int rc = paths_get(path, sizeof(path), "/etc/xen-tools/xen-tools.conf");

    if (!rc)
        rc = xci_conf_load(c, path, xci_expand_shell, stderr);
    if (rc == -ENOENT)
        rc = 0;
    if (!rc && cf)
        rc = xci_conf_load(c, cf, xci_expand_shell, stderr);
    return rc ? rc : xci_opts_merge(c, cl);
}

int xci_tool_setup(struct xci_conf *c, struct xci_conf *cl, int argc,
                   char *const argv[], const char *prog, const char *usage,
                   const char *const with_value[], const char *const flags[])
{
    int rc = xci_tool_opts(cl, argc, argv, prog, with_value, flags);

    if (rc == 1)
        printf("usage: %s %s\n", prog, usage);
    return rc ? rc : xci_tool_conf(c, cl);
}

/* 1 if `xm list <name>` says the domain exists, else 0. The xm is
 * $PVSTACK_XM if set, else the one next to this program, else on PATH. */
static int xci_domain_running(const char *name)
{
    struct xci_log quiet = {.file = NULL};
    const char *prog = getenv("PVSTACK_XM");
    char xm[4096], *out = NULL;
    int rc;

    /* PVSTACK_XM: the caller's choice (tests, another toolstack) */
    if (!prog || !*prog)
        prog = spawn_self_path(xm, sizeof(xm), "xm") == 0 ? xm : "xm";
    if (!xci_have_prog(prog))
        return 0;
    rc = xci_run_capture(&quiet, (const char *[]){prog, "list", name, NULL},
                         &out);
    free(out);
    return rc == 0;
}

int xci_tool_each_host(const struct xci_conf *c, const char *prog,
                       int (*one)(void *ctx, const char *host), void *ctx)
{
    const char *names = xci_conf_get(c, "hostname");
    char *hosts = strdup(names ? names : ""), *h, *save = NULL;
    int rc = 0, rc1;

    if (!hosts)
        return -ENOMEM;
    for (h = strtok_r(hosts, " ", &save); h; h = strtok_r(NULL, " ", &save)) {
        if (xci_check_hostname(h)) {
            fprintf(stderr, "%s: '%s': not a valid hostname\n", prog, h);
            rc1 = -EINVAL;
        } else if (xci_domain_running(h)) {
            printf("Skipping xen guest '%s' - it appears to be running.\n", h);
            rc1 = -EBUSY;
        } else {
            rc1 = one(ctx, h);
        }
        if (rc1 && !rc)
            rc = rc1;
    }
    free(hosts);
    return rc;
}

int xci_tool_output(char *buf, size_t len, const struct xci_conf *c)
{
    const char *o = xci_conf_get(c, "output");

    if (o && *o)
        return snprintf(buf, len, "%s", o) >= (int)len ? -ENAMETOOLONG : 0;
    return paths_get(buf, len, "/etc/xen");
}
