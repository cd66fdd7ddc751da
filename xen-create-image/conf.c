/* SPDX-License-Identifier: GPL-2.0-only */
/* conf.c: key/value store and the xen-tools.conf parser (see conf.h). */
#include "conf.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common.h"

static char *norm_key(const char *key)
{
    char *k = strdup(key);
    char *p;

    if (!k)
        return NULL;
    for (p = k; *p; p++)
        if (*p == '_')
            *p = '-';
    return k;
}

static struct xci_kv *find(const struct xci_conf *c, const char *nkey)
{
    size_t i;

    for (i = 0; i < c->n; i++)
        if (!strcmp(c->v[i].key, nkey))
            return &c->v[i];
    return NULL;
}

int xci_conf_set(struct xci_conf *c, const char *key, const char *val)
{
    char *k = norm_key(key);
    char *v = strdup(val ? val : "");
    struct xci_kv *kv;

    if (!k || !v) {
        free(k);
        free(v);
        return -ENOMEM;
    }
    kv = find(c, k);
    if (kv) {
        free(k);
        free(kv->val);
        kv->val = v;
        return 0;
    }
    if (c->n == c->cap) {
        size_t cap = c->cap ? c->cap * 2 : 32;
        struct xci_kv *nv = realloc(c->v, cap * sizeof(*nv));

        if (!nv) {
            free(k);
            free(v);
            return -ENOMEM;
        }
        c->v = nv;
        c->cap = cap;
    }
    c->v[c->n].key = k;
    c->v[c->n].val = v;
    c->n++;
    return 0;
}

int xci_conf_append(struct xci_conf *c, const char *key, const char *val)
{
    const char *old = xci_conf_get(c, key);
    char *s;
    int rc;

    if (!old || !*old)
        return xci_conf_set(c, key, val);
    if (asprintf(&s, "%s %s", old, val) < 0)
        return -ENOMEM;
    rc = xci_conf_set(c, key, s);
    free(s);
    return rc;
}

const char *xci_conf_get(const struct xci_conf *c, const char *key)
{
    char *k = norm_key(key);
    struct xci_kv *kv;

    if (!k)
        return NULL;
    kv = find(c, k);
    free(k);
    return kv ? kv->val : NULL;
}

int xci_conf_bool(const struct xci_conf *c, const char *key)
{
    const char *v = xci_conf_get(c, key);

    return v && (!strcmp(v, "1") || !strcasecmp(v, "yes") ||
                 !strcasecmp(v, "true") || !strcasecmp(v, "on"));
}

int xci_conf_merge(struct xci_conf *c, const struct xci_conf *src)
{
    size_t i;
    int rc;

    for (i = 0; i < src->n; i++) {
        rc = xci_conf_set(c, src->v[i].key, src->v[i].val);
        if (rc)
            return rc;
    }
    return 0;
}

void xci_conf_fini(struct xci_conf *c)
{
    size_t i;

    for (i = 0; i < c->n; i++) {
        free(c->v[i].key);
        free(c->v[i].val);
    }
    free(c->v);
    c->v = NULL;
    c->n = c->cap = 0;
}

/* Replace each `cmd` in val (NUL-terminated, writable) by its output. */
static int expand_value(const char *val, xci_expand_fn expand, char **out)
{
    char *res = strdup("");
    const char *p = val;

    if (!res)
        return -ENOMEM;
    while (*p) {
        const char *q = strchr(p, '`');
        const char *e;
        char *cmd, *o = NULL, *n;
        int rc;

        if (!q) {
            if (asprintf(&n, "%s%s", res, p) < 0)
                goto nomem;
            free(res);
            res = n;
            break;
        }
        e = strchr(q + 1, '`');
        if (!e || !expand) {
            free(res);
            return e ? -EPERM : -EINVAL;
        }
        cmd = strndup(q + 1, (size_t)(e - q - 1));
        if (!cmd)
            goto nomem;
        rc = expand(cmd, &o);
        free(cmd);
        if (rc) {
            free(res);
            return rc;
        }
        if (asprintf(&n, "%s%.*s%s", res, (int)(q - p), p, o) < 0) {
            free(o);
            goto nomem;
        }
        free(o);
        free(res);
        res = n;
        p = e + 1;
    }
    *out = res;
    return 0;
nomem:
    free(res);
    return -ENOMEM;
}

static char *trim(char *s)
{
    char *e;

    while (isspace((unsigned char)*s))
        s++;
    e = s + strlen(s);
    while (e > s && isspace((unsigned char)e[-1]))
        *--e = '\0';
    return s;
}

static int parse_line(struct xci_conf *c, char *line, xci_expand_fn expand,
                      const char **why)
{
    char *hash = strchr(line, '#');
    char *eq, *key, *val, *x = NULL;
    const char *p;
    int rc;

    if (hash)
        *hash = '\0';
    line = trim(line);
    if (!*line)
        return 0;
    eq = strchr(line, '=');
    if (!eq) {
        *why = "expected 'key = value'";
        return -EINVAL;
    }
    *eq = '\0';
    key = trim(line);
    val = trim(eq + 1);
    for (p = key; *p; p++) {
        if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_') {
            *why = "bad character in key";
            return -EINVAL;
        }
    }
    if (!*key) {
        *why = "empty key";
        return -EINVAL;
    }
    rc = expand_value(val, expand, &x);
    if (rc) {
        *why = rc == -EINVAL  ? "unterminated `command`"
               : rc == -EPERM ? "`command` not allowed here"
                              : "`command` failed";
        return -EINVAL;
    }
    rc = xci_conf_set(c, key, x);
    free(x);
    return rc;
}

int xci_conf_parse(struct xci_conf *c, const char *text, const char *fname,
                   xci_expand_fn expand, FILE *report)
{
    char *buf = strdup(text);
    char *line, *save = NULL;
    int lineno = 0, rc = 0;

    if (!buf)
        return -ENOMEM;
    /* strtok_r would merge blank lines and break line numbers. */
    for (line = buf; line; line = save) {
        const char *why = NULL;

        save = strchr(line, '\n');
        if (save)
            *save++ = '\0';
        lineno++;
        rc = parse_line(c, line, expand, &why);
        if (rc) {
            if (report && why)
                fprintf(report, "%s:%d: %s\n", fname, lineno, why);
            break;
        }
    }
    free(buf);
    return rc;
}

int xci_conf_load(struct xci_conf *c, const char *path, xci_expand_fn expand,
                  FILE *report)
{
    char *text = xci_slurp(path);
    int rc;

    if (!text)
        return -errno;
    rc = xci_conf_parse(c, text, path, expand, report);
    free(text);
    return rc;
}
