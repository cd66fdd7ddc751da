/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cfg.c: the library's entry points: read a cfg file or buffer (plus xl's
 * extra KEY=VALUE words) through syntax.c and config.c, warn about keys
 * nobody read, and free what was built.
 */
#include "cfg/cfg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg/internal.h"

/* Is any setting of this name read? (an override may shadow the first) */
static int name_used(const struct cfg_setting *all, const char *name)
{
    for (; all; all = all->next)
        if (all->used && !strcmp(all->name, name))
            return 1;
    return 0;
}

/*
 * Warn once per unread key, at its first place, in file order: an xl.cfg
 * key pvstack does not honour in xl's style ("WARNING: ignoring ..."), any
 * other as unknown. The value judged is the one in force (the newest).
 */
static void warn_unknown(const struct cfg_raw *raw)
{
    const struct cfg_setting *s, *o, **v, *cur;
    size_t n = 0, i;

    if (!raw->err)
        return;
    for (s = raw->settings; s; s = s->next)
        n++;
    v = calloc(n ? n : 1, sizeof(*v));
    if (!v)
        return;
    for (s = raw->settings, i = n; s; s = s->next)
        v[--i] = s; /* newest first in the list: reverse it */
    for (i = 0; i < n; i++) {
        s = v[i];
        if (name_used(raw->settings, s->name))
            continue;
        for (o = s->next; o && strcmp(o->name, s->name); o = o->next)
            ;
        if (o)
            continue; /* not the first */
        for (cur = raw->settings; strcmp(cur->name, s->name);)
            cur = cur->next; /* the newest: the value in force */
        switch (cfg_xl_key(s->name, cur->value)) {
        case CFG_XL_HONOURED:
            break;
        case CFG_XL_IGNORED:
            fprintf(raw->err,
                    "WARNING: ignoring \"%s\" option (%s:%d:%d): not "
                    "supported by pvstack\n",
                    s->name, s->src, s->line, s->col);
            break;
        case CFG_XL_UNKNOWN:
            fprintf(raw->err,
                    "%s: %s:%d:%d: warning: unknown key `%s' ignored\n",
                    program_invocation_short_name, s->src, s->line, s->col,
                    s->name);
        }
    }
    free(v);
}

int cfg_parse_buf(const char *buf, size_t len, const char *fname,
                  char *const *extra_kv, struct domain_config **cfg_out,
                  FILE *err)
{
    struct cfg_raw raw = {.fname = fname, .err = err};
    struct domain_config *c = NULL;
    int rc;

    *cfg_out = NULL;
    rc = cfg_syntax_parse(&raw, buf, len, 1);
    /* xl create FILE k=v: each extra argument is one more statement */
    for (; !rc && extra_kv && *extra_kv; extra_kv++) {
        raw.fname = "command line";
        rc = cfg_syntax_parse(&raw, *extra_kv, strlen(*extra_kv), 1);
        raw.fname = fname;
    }
    if (rc)
        goto out;
    c = calloc(1, sizeof(*c));
    if (!c) {
        rc = -ENOMEM;
        goto out;
    }
    rc = cfg_read(&raw, c);
    if (rc)
        goto out;
    warn_unknown(&raw);
    *cfg_out = c;
    c = NULL;
out:
    domain_config_free(c);
    cfg_raw_fini(&raw);
    return rc;
}

int cfg_parse_file(const char *path, char *const *extra_kv,
                   struct domain_config **cfg_out, FILE *err)
{
    char *buf = NULL;
    size_t len = 0, cap = 0;
    ssize_t n;
    int fd, rc;

    *cfg_out = NULL;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        rc = -errno;
        if (err)
            fprintf(err, "%s: %s: unable to open configuration file: %s\n",
                    program_invocation_short_name, path, strerror(-rc));
        return rc;
    }
    for (;;) {
        if (len == cap) {
            char *nb;

            cap = cap ? cap * 2 : 4096;
            if (cap > (64u << 20) || !(nb = realloc(buf, cap))) {
                rc = -ENOMEM;
                goto out;
            }
            buf = nb;
        }
        n = read(fd, buf + len, cap - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            rc = -errno;
            goto out;
        }
        if (!n)
            break;
        len += (size_t)n;
    }
    rc = cfg_parse_buf(buf, len, path, extra_kv, cfg_out, err);
out:
    if (rc && rc != -EINVAL && err)
        fprintf(err, "%s: %s: %s\n", program_invocation_short_name, path,
                strerror(-rc));
    free(buf);
    close(fd);
    return rc;
}

void domain_config_free(struct domain_config *c)
{
    const struct cfg_simple_key *k;
    size_t i;

    if (!c)
        return;
    for (k = cfg_simple_keys; k->key; k++) {
        void *field = (char *)c + k->off;

        if (k->kind == CFG_STR)
            free(*(char **)field);
        else if (k->kind == CFG_STRV)
            cfg_strv_free(field);
    }
    free(c->name);
    free(c->cpus);
    free(c->cpus_soft);
    free(c->extra);
    free(c->root);
    for (i = 0; i < c->nr_disks; i++)
        disk_spec_fini(&c->disks[i]);
    free(c->disks);
    for (i = 0; i < c->nr_vifs; i++)
        vif_spec_fini(&c->vifs[i]);
    free(c->vifs);
    free(c->vnclisten);
    free(c->vncpasswd);
    cfg_strv_free(&c->serial);
    free(c->boot);
    cfg_strv_free(&c->device_model_args);
    free(c->device_model_accel);
    free(c);
}
