/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xlconf.c: /etc/xen/xl.conf through the cfg syntax (libxlu reads xl.conf
 * with the same parser as guest cfgs).
 */
#include "cfg/xlconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg/cfg.h"
#include "cfg/internal.h"
#include "lib/parse.h"
#include "lib/paths.h"

#define XL_LOCK_FILE "/var/lock/xl"

/* A single string value of key, or NULL; a list is an error. */
static int str_of(struct cfg_raw *raw, const char *key, const char **out)
{
    struct cfg_setting *s = cfg_raw_find(raw, key);

    *out = NULL;
    if (!s)
        return 0;
    if (s->value->type != CFG_STRING) {
        cfg_report(raw, s->line, s->col,
                   "%s: is a list but should be a "
                   "single value",
                   key);
        return -EINVAL;
    }
    *out = s->value->s;
    return 0;
}

static int dup_of(struct cfg_raw *raw, const char *key, char **slot)
{
    const char *v;
    int rc = str_of(raw, key, &v);

    if (rc || !v)
        return rc;
    free(*slot);
    *slot = strdup(v);
    return *slot ? 0 : -ENOMEM;
}

/* As dup_of(), for a key xl.conf once named older: key wins over older. */
static int dup_renamed(struct cfg_raw *raw, const char *older, const char *key,
                       char **slot)
{
    int rc = dup_of(raw, older, slot);

    return rc ? rc : dup_of(raw, key, slot);
}

/* Xen's dom0_mem=<size>|<N>%: a size in MiB unless suffixed. */
static int dom0_mem(struct cfg_raw *raw, struct xl_conf *c)
{
    struct cfg_setting *s = cfg_raw_find(raw, "dom0_mem");
    unsigned long long b;
    long long pct;
    const char *v;
    size_t n;
    int rc = str_of(raw, "dom0_mem", &v);

    if (rc || !v)
        return rc;
    n = strlen(v);
    if (n > 1 && v[n - 1] == '%') {
        char num[16];

        if (n - 1 >= sizeof(num))
            goto bad;
        memcpy(num, v, n - 1);
        num[n - 1] = '\0';
        if (parse_ll(num, 10, 1, 100, &pct))
            goto bad;
        c->dom0_pct = (unsigned)pct;
        return 0;
    }
    if (parse_size(v, 1024 * 1024, &b) || b < 1024)
        goto bad;
    c->dom0_kb = b / 1024;
    return 0;
bad:
    cfg_report(raw, s->value->line, s->value->col,
               "dom0_mem: bad size `%.40s' (want e.g. 1024M, 2G or 25%%)", v);
    return -EINVAL;
}

static int read_keys(struct cfg_raw *raw, struct xl_conf *c)
{
    struct cfg_setting *s;
    const char *v;
    int rc, ab = -1;

    if ((rc = str_of(raw, "autoballoon", &v)))
        return rc;
    if (v) {
        if (!strcmp(v, "on") || !strcmp(v, "1"))
            ab = 1;
        else if (!strcmp(v, "off") || !strcmp(v, "0"))
            ab = 0;
        else if (strcmp(v, "auto")) {
            s = cfg_raw_find(raw, "autoballoon");
            cfg_report(raw, s->value->line, s->value->col,
                       "invalid autoballoon option `%.40s' (on, off, auto)", v);
            return -EINVAL;
        }
    }
    if ((rc = str_of(raw, "output_format", &v)))
        return rc;
    if (v && strcmp(v, "json") && strcmp(v, "sxp")) {
        s = cfg_raw_find(raw, "output_format");
        cfg_report(raw, s->value->line, s->value->col,
                   "invalid output_format `%.40s' (json, sxp)", v);
        return -EINVAL;
    }
    c->output_json = !v || !strcmp(v, "json");
    if ((rc = dup_renamed(raw, "vifscript", "vif.default.script",
                          &c->vif_script)) ||
        (rc = dup_renamed(raw, "defaultbridge", "vif.default.bridge",
                          &c->vif_bridge)) ||
        (rc = dup_of(raw, "vif.default.backend", &c->vif_backend)) ||
        (rc = dup_of(raw, "vif.default.gatewaydev", &c->vif_gatewaydev)) ||
        (rc = dup_of(raw, "lockfile", &c->lockfile)) || (rc = dom0_mem(raw, c)))
        return rc;
    /* xl's auto_autoballoon: off when the host fixes dom0's share */
    c->autoballoon = ab >= 0 ? ab : !(c->dom0_kb || c->dom0_pct);
    if (!c->lockfile && !(c->lockfile = strdup(XL_LOCK_FILE)))
        return -ENOMEM;
    return 0;
}

int xl_conf_parse_buf(const char *buf, size_t len, const char *fname,
                      struct xl_conf *c, FILE *err)
{
    struct cfg_raw raw = {.fname = fname, .err = err};
    int rc;

    memset(c, 0, sizeof(*c));
    rc = cfg_syntax_parse(&raw, buf, len, 1);
    if (!rc)
        rc = read_keys(&raw, c);
    cfg_raw_fini(&raw);
    if (rc)
        xl_conf_fini(c);
    return rc;
}

/* xl.conf is a few lines: 64 KiB is plenty, more is refused. */
#define XL_CONF_MAX (64 * 1024)

static int slurp(const char *path, char **buf_out, size_t *len_out)
{
    char *buf = malloc(XL_CONF_MAX + 1);
    size_t len;
    FILE *f;
    int rc = 0;

    if (!buf)
        return -ENOMEM;
    f = fopen(path, "re");
    if (!f) {
        rc = -errno;
        free(buf);
        return rc;
    }
    len = fread(buf, 1, XL_CONF_MAX + 1, f);
    if (ferror(f))
        rc = -EIO;
    else if (len > XL_CONF_MAX)
        rc = -EFBIG;
    fclose(f);
    if (rc) {
        free(buf);
        return rc;
    }
    *buf_out = buf;
    *len_out = len;
    return 0;
}

int xl_conf_read(struct xl_conf *c, FILE *err)
{
    char path[4096], *buf = NULL;
    size_t len = 0;
    int rc;

    rc = paths_get(path, sizeof(path), "/etc/xen/xl.conf");
    if (rc)
        return rc;
    rc = slurp(path, &buf, &len);
    if (rc == -ENOENT)
        return xl_conf_parse_buf("", 0, path, c, err);
    if (rc) {
        if (err)
            fprintf(err, "%s: %s: %s\n", program_invocation_short_name, path,
                    strerror(-rc));
        return rc;
    }
    rc = xl_conf_parse_buf(buf, len, path, c, err);
    free(buf);
    return rc;
}

void xl_conf_fini(struct xl_conf *c)
{
    free(c->vif_bridge);
    free(c->vif_script);
    free(c->lockfile);
    free(c->vif_backend);
    free(c->vif_gatewaydev);
    c->vif_bridge = c->vif_script = c->lockfile = NULL;
    c->vif_backend = c->vif_gatewaydev = NULL;
}

static int fill(char **slot, const char *def)
{
    if (*slot || !def)
        return 0;
    *slot = strdup(def);
    return *slot ? 0 : -ENOMEM;
}

int xl_conf_vif_defaults(const struct xl_conf *c, struct vif_spec *v)
{
    int rc = fill(&v->bridge, c->vif_bridge);

    if (!rc)
        rc = fill(&v->script, c->vif_script);
    if (!rc)
        rc = fill(&v->backend_domname, c->vif_backend);
    if (!rc)
        rc = fill(&v->gatewaydev, c->vif_gatewaydev);
    return rc;
}

uint64_t xl_conf_dom0_kb(const struct xl_conf *c, uint64_t total_kb)
{
    uint64_t kb = c->dom0_kb;

    if (c->dom0_pct)
        kb = total_kb * c->dom0_pct / 100;
    return kb > total_kb ? total_kb : kb;
}
