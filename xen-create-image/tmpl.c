/* SPDX-License-Identifier: GPL-2.0-only */
/* tmpl.c: cfg template variables and rendering (see tmpl.h). */
#include "tmpl.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "layout.h"

#define MAX_DEPTH 16

static int set_num(struct xci_conf *v, const char *k, unsigned long n)
{
    char b[32];

    snprintf(b, sizeof(b), "%lu", n);
    return xci_conf_set(v, k, b);
}

static int disk_line(FILE *m, const struct xci_settings *s, enum xci_disk d)
{
    char path[4096];
    int rc =
        xci_layout_path(path, sizeof(path), s->dir, s->lvm, s->hostname, d);

    if (rc)
        return rc;
    fprintf(m, "                  '%s:%s,%s,w',", s->lvm ? "phy" : "file", path,
            xci_layout_vdev(d, s->noswap));
    return 0;
}

static int disks_var(struct xci_conf *vars, const struct xci_settings *s)
{
    struct xci_membuf m;
    int rc = xci_membuf_open(&m);

    if (rc)
        return rc;
    /* Root first, as xm.tmpl lists the '/' partition first. */
    rc = disk_line(m.f, s, XCI_DISK_ROOT);
    if (!rc && !s->noswap) {
        fputc('\n', m.f);
        rc = disk_line(m.f, s, XCI_DISK_SWAP);
    }
    rc = xci_membuf_close(&m, rc);
    if (!rc)
        rc = xci_conf_set(vars, "disk_lines", m.buf);
    free(m.buf);
    return rc;
}

static int vif_var(struct xci_conf *vars, const struct xci_settings *s)
{
    char vif[512] = "", *p = vif;
    size_t left = sizeof(vif);
    int i, n;

    if (!s->dhcp) {
        n = snprintf(p, left, "ip=");
        p += n, left -= (size_t)n;
        for (i = 0; i < s->nips; i++) {
            n = snprintf(p, left, "%s%s", i ? " " : "", s->ips[i]);
            if (n < 0 || (size_t)n >= left)
                return -ENAMETOOLONG;
            p += n, left -= (size_t)n;
        }
        n = snprintf(p, left, ",");
        p += n, left -= (size_t)n;
    }
    n = snprintf(p, left, "mac=%s%s%s%s%s", s->mac,
                 s->vifname ? ",vifname=" : "", s->vifname ? s->vifname : "",
                 s->bridge ? ",bridge=" : "", s->bridge ? s->bridge : "");
    if (n < 0 || (size_t)n >= left)
        return -ENAMETOOLONG;
    return xci_conf_set(vars, "vif", vif);
}

int xci_tmpl_vars(struct xci_conf *vars, const struct xci_settings *s,
                  const char *date)
{
    int rc = 0;

    rc = rc ? rc : xci_conf_set(vars, "hostname", s->hostname);
    rc = rc ? rc : xci_conf_set(vars, "date", date);
    rc = rc ? rc : xci_conf_set(vars, "kernel", s->kernel);
    rc = rc ? rc : xci_conf_set(vars, "initrd", s->initrd);
    rc = rc ? rc : xci_conf_set(vars, "pygrub", s->pygrub ? "1" : "");
    rc = rc ? rc : set_num(vars, "vcpus", s->vcpus);
    rc = rc ? rc : set_num(vars, "memory", s->memory_mb);
    rc = rc ? rc : xci_conf_set(vars, "maxmem", "");
    if (!rc && s->maxmem_mb)
        rc = set_num(vars, "maxmem", s->maxmem_mb);
    rc = rc ? rc
            : xci_conf_set(vars, "root_device",
                           xci_layout_vdev(XCI_DISK_ROOT, s->noswap));
    rc = rc ? rc : disks_var(vars, s);
    rc = rc ? rc : xci_conf_set(vars, "dhcp", s->dhcp ? "1" : "");
    rc = rc ? rc : xci_conf_set(vars, "ip", s->nips ? s->ips[0] : "");
    rc = rc ? rc : xci_conf_set(vars, "mac", s->mac);
    rc = rc ? rc : xci_conf_set(vars, "bridge", s->bridge);
    rc = rc ? rc : vif_var(vars, s);
    return rc;
}

/* Is line (without its newline) a directive? Fills kind and name. */
static int directive(const char *line, size_t len, char kind_out[8],
                     char name_out[64])
{
    const char *e = line + len;
    size_t n;

    while (line < e && isspace((unsigned char)*line))
        line++;
    while (e > line && isspace((unsigned char)e[-1]))
        e--;
    n = (size_t)(e - line);
    if (n < 2 || line[0] != '{' || e[-1] != '}' || line[1] == '$')
        return 0;
    if (n == 6 && !memcmp(line, "{else}", 6))
        return strcpy(kind_out, "else"), 1;
    if (n == 7 && !memcmp(line, "{endif}", 7))
        return strcpy(kind_out, "endif"), 1;
    if (n > 5 && !memcmp(line, "{if ", 4) && n - 5 < 64) {
        strcpy(kind_out, "if");
        memcpy(name_out, line + 4, n - 5);
        name_out[n - 5] = '\0';
        return 1;
    }
    return 0;
}

static int truthy(const struct xci_conf *vars, const char *name, int *known)
{
    const char *v = xci_conf_get(vars, name);

    *known = v != NULL;
    return v && *v && strcmp(v, "0");
}

/* Emit one text line with {$var} replaced. */
static int subst(const char *line, size_t len, const struct xci_conf *vars,
                 FILE *out, const char **why)
{
    const char *p = line, *e = line + len;

    while (p < e) {
        const char *q = memmem(p, (size_t)(e - p), "{$", 2);
        const char *r;
        char name[64];
        const char *v;

        if (!q) {
            fwrite(p, 1, (size_t)(e - p), out);
            break;
        }
        fwrite(p, 1, (size_t)(q - p), out);
        r = memchr(q, '}', (size_t)(e - q));
        if (!r || (size_t)(r - q - 2) >= sizeof(name)) {
            *why = "unterminated {$variable}";
            return -EINVAL;
        }
        memcpy(name, q + 2, (size_t)(r - q - 2));
        name[r - q - 2] = '\0';
        v = xci_conf_get(vars, name);
        if (!v) {
            *why = "unknown variable";
            return -EINVAL;
        }
        fputs(v, out);
        p = r + 1;
    }
    fputc('\n', out);
    return 0;
}

int xci_tmpl_render(const char *tmpl, const struct xci_conf *vars, FILE *out,
                    FILE *report)
{
    /* on[i]: are lines at depth i emitted; cond[i], seen_else[i] per {if}. */
    int on[MAX_DEPTH + 1] = {1}, cond[MAX_DEPTH + 1], seen_else[MAX_DEPTH + 1];
    int depth = 0, lineno = 0, rc = 0, known;
    const char *p = tmpl, *why = NULL;

    while (*p && !rc) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        char kind[8], name[64];

        lineno++;
        if (directive(p, len, kind, name)) {
            if (!strcmp(kind, "if")) {
                int neg = name[0] == '!';
                int t = truthy(vars, name + neg, &known);

                if (!known || depth == MAX_DEPTH) {
                    why = !known ? "unknown variable in {if}" : "too deep";
                    rc = -EINVAL;
                    break;
                }
                depth++;
                cond[depth] = neg ? !t : t;
                seen_else[depth] = 0;
                on[depth] = on[depth - 1] && cond[depth];
            } else if (!depth || (!strcmp(kind, "else") && seen_else[depth])) {
                why = "{else} or {endif} without {if}";
                rc = -EINVAL;
            } else if (!strcmp(kind, "else")) {
                seen_else[depth] = 1;
                on[depth] = on[depth - 1] && !cond[depth];
            } else {
                depth--;
            }
        } else if (on[depth]) {
            rc = subst(p, len, vars, out, &why);
        }
        p = nl ? nl + 1 : p + len;
    }
    if (!rc && depth) {
        why = "{if} without {endif}";
        rc = -EINVAL;
    }
    if (rc && report)
        fprintf(report, "template:%d: %s\n", lineno, why ? why : "error");
    return rc;
}
