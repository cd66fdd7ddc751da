/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * config.c: settings tree -> struct domain_config, reading each key the way
 * xl's parse_config_data() does (quoted numbers via strtol base 0, type and
 * builder, parse_cmdline, on_* actions), plus the checks xl leaves to libxl
 * (memory 0, maxvcpus < vcpus, bad names).
 */
#include "cfg/cfg.h"

#include <errno.h>
#include <stddef.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cfg/internal.h"
#include "lib/parse.h"

struct rd {
    struct cfg_raw *raw;
    struct domain_config *c;
};

static int bad(struct rd *r, const struct cfg_setting *s, const char *msg)
{
    cfg_report(r->raw, s->value->line, s->value->col, "%s: %s", s->name, msg);
    return -EINVAL;
}

/* A single value; a list where a value belongs is an error (xl: warning). */
static int get_str(struct rd *r, const char *k, const char **out,
                   const struct cfg_setting **set_out)
{
    const struct cfg_setting *s = cfg_raw_find(r->raw, k);

    *out = NULL;
    if (!s)
        return 0;
    if (set_out)
        *set_out = s;
    if (s->value->type != CFG_STRING)
        return bad(r, s, "is a list but should be a single value");
    *out = s->value->s;
    return 0;
}

static int dup_str(struct rd *r, const char *k, char **slot)
{
    const char *v;
    int rc = get_str(r, k, &v, NULL);

    if (rc || !v)
        return rc;
    free(*slot);
    *slot = strdup(v);
    return *slot ? 0 : -ENOMEM;
}

/* xlu_cfg_get_bounded_long: strtol(s, 0) so '512' and 0x200 both work. */
static int get_long(struct rd *r, const char *k, long long min, long long max,
                    long long *out, const struct cfg_setting **set_out)
{
    const struct cfg_setting *s;
    const char *v;
    char msg[96];
    int rc = get_str(r, k, &v, &s);

    if (rc || !v)
        return rc ? rc : 1;
    if (set_out)
        *set_out = s;
    if (s->add)
        return bad(r, s, "can't use += with numbers");
    rc = parse_ll(v, 0, LLONG_MIN, LLONG_MAX, out);
    if (rc) {
        snprintf(msg, sizeof(msg), "bad number `%.40s'", v);
        return bad(r, s, msg);
    }
    if (*out < min || *out > max) {
        snprintf(msg, sizeof(msg), "value %lld out of range [%lld, %lld]", *out,
                 min, max);
        return bad(r, s, msg);
    }
    return 0;
}

/* 0 if set (value in *b), 1 if absent, <0 on error */
static int get_bool(struct rd *r, const char *k, int *b)
{
    long long v;
    int rc = get_long(r, k, LLONG_MIN, LLONG_MAX, &v, NULL);

    if (!rc)
        *b = !!v;
    return rc < 0 ? rc : 0;
}

static int strv_push(struct cfg_strv *sv, const char *s)
{
    char **v = realloc(sv->v, (sv->n + 2) * sizeof(*v));

    if (!v)
        return -ENOMEM;
    sv->v = v;
    v[sv->n] = strdup(s);
    if (!v[sv->n])
        return -ENOMEM;
    v[++sv->n] = NULL;
    return 0;
}

void cfg_strv_free(struct cfg_strv *sv)
{
    size_t i;

    for (i = 0; i < sv->n; i++)
        free(sv->v[i]);
    free(sv->v);
    sv->v = NULL;
    sv->n = 0;
}

/* A string or a list of strings (serial, bootloader_args, ...). */
static int get_strv(struct rd *r, const char *k, struct cfg_strv *sv,
                    int list_only)
{
    const struct cfg_setting *s = cfg_raw_find(r->raw, k);
    size_t i;
    int rc = 0;

    if (!s)
        return 0;
    if (s->value->type == CFG_STRING) {
        if (list_only)
            return bad(r, s, "is a single value but should be a list");
        return strv_push(sv, s->value->s);
    }
    for (i = 0; !rc && i < s->value->n; i++) {
        const struct cfg_value *it = s->value->items[i];

        if (it->type != CFG_STRING) {
            cfg_report(r->raw, it->line, it->col,
                       "%s: list item is a list, expected a string", k);
            return -EINVAL;
        }
        rc = strv_push(sv, it->s);
    }
    return rc;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = (char)(c | 0x20);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int cfg_uuid_parse(const char *s, uint8_t u[16])
{
    int i, hi, lo;

    for (i = 0; i < 16; i++) {
        if ((i == 4 || i == 6 || i == 8 || i == 10) && *s++ != '-')
            return -EINVAL;
        /* never look past a NUL: a short uuid ends the walk here */
        if ((hi = hexval(s[0])) < 0 || (lo = hexval(s[1])) < 0)
            return -EINVAL;
        u[i] = (uint8_t)(hi << 4 | lo);
        s += 2;
    }
    return *s ? -EINVAL : 0;
}

const char *cfg_name_invalid(const char *name)
{
    const unsigned char *p;

    if (!*name)
        return "must not be empty";
    if (strlen(name) > CFG_NAME_MAX)
        return "longer than 63 bytes";
    if (strchr(name, '/'))
        return "must not contain `/'";
    /* A newline would forge a row of `xm list`, a ESC the terminal. */
    for (p = (const unsigned char *)name; *p; p++)
        if (*p < 0x20 || *p == 0x7f)
            return "must not contain control characters";
    return NULL;
}

static int read_identity(struct rd *r)
{
    struct domain_config *c = r->c;
    const struct cfg_setting *s = NULL, *sb = NULL;
    const char *v, *b, *why;
    enum domain_type bt;
    int rc;

    rc = get_str(r, "name", &v, &s);
    if (rc)
        return rc;
    if (!v) {
        cfg_report(r->raw, 0, 0, "domain name must be specified");
        return -EINVAL;
    }
    if ((why = cfg_name_invalid(v)))
        return bad(r, s, why);
    if (!(c->name = strdup(v)))
        return -ENOMEM;
    if ((rc = get_str(r, "uuid", &v, &s)))
        return rc;
    if (v) {
        if (cfg_uuid_parse(v, c->uuid))
            return bad(r, s,
                       "bad UUID (want xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
        c->has_uuid = 1;
    }
    /* xl compares only strlen(value) chars: "h" is hvm, "p" is pv */
    if ((rc = get_str(r, "type", &v, &s)))
        return rc;
    if (v) {
        if (!strncmp(v, "hvm", strlen(v)))
            c->type = DOMAIN_TYPE_HVM;
        else if (!strncmp(v, "pv", strlen(v)))
            c->type = DOMAIN_TYPE_PV;
        else if (!strncmp(v, "pvh", strlen(v)))
            c->type = DOMAIN_TYPE_PVH;
        else
            return bad(r, s, "invalid domain type (pv, pvh or hvm)");
    }
    if ((rc = get_str(r, "builder", &b, &sb)))
        return rc;
    if (b) {
        if (!strncmp(b, "hvm", strlen(b)))
            bt = DOMAIN_TYPE_HVM;
        else if (!strncmp(b, "generic", strlen(b)))
            bt = DOMAIN_TYPE_PV;
        else
            return bad(r, sb, "invalid builder (generic or hvm)");
        if (v && c->type != bt)
            return bad(r, sb, "contradicts the \"type\" option");
        c->type = bt;
    }
    if (!c->type)
        c->type = DOMAIN_TYPE_PV;
    return 0;
}

static int read_sizes(struct rd *r)
{
    struct domain_config *c = r->c;
    const struct cfg_setting *s = NULL, *sm = NULL;
    long long v;
    int rc;

    rc = get_long(r, "memory", 0, (1LL << 40), &v, &s);
    if (rc < 0)
        return rc;
    if (!rc && v == 0)
        return bad(r, s, "must be at least 1 (MiB)");
    c->memory_mb = rc ? 32 : (uint64_t)v;
    rc = get_long(r, "maxmem", 1, (1LL << 40), &v, NULL);
    if (rc < 0)
        return rc;
    c->maxmem_mb = rc ? c->memory_mb : (uint64_t)v;
    rc = get_long(r, "vcpus", LLONG_MIN, 4096, &v, NULL);
    if (rc < 0)
        return rc;
    c->vcpus = rc || v < 1 ? 1 : (unsigned)v; /* xl forces vcpus < 1 to 1 */
    rc = get_long(r, "maxvcpus", 1, 4096, &v, &sm);
    if (rc < 0)
        return rc;
    c->maxvcpus = rc ? c->vcpus : (unsigned)v;
    if (c->maxvcpus < c->vcpus)
        return bad(r, sm, "maxvcpus < vcpus");
    return 0;
}

static int read_action(struct rd *r, const char *k, enum action_on_shutdown *a,
                       enum action_on_shutdown def)
{
    /* the cfg words are xl's; JSON names come from cfg_action_name() */
    static const char *const words[] = {
        "",         "destroy",          "restart",          "rename-restart",
        "preserve", "coredump-destroy", "coredump-restart", "soft-reset"};
    const struct cfg_setting *s;
    const char *v;
    int i, rc = get_str(r, k, &v, &s);

    *a = def;
    if (rc || !v)
        return rc;
    for (i = ACTION_DESTROY; i <= ACTION_SOFT_RESET; i++)
        if (!strcmp(v, words[i])) {
            *a = i;
            return 0;
        }
    return bad(r, s,
               "unknown action (destroy, restart, rename-restart, "
               "preserve, coredump-destroy, coredump-restart, "
               "soft-reset)");
}

/* xl_parse.c: an HVM kernel named hvmloader is the firmware, which QEMU
 * brings itself (Ganeti's default HVM cfg names it). */
static void hvmloader(struct rd *r)
{
    const char *b = strrchr(r->c->kernel, '/');

    if (strcmp(b ? b + 1 : r->c->kernel, "hvmloader"))
        return;
    if (r->raw->err)
        fprintf(r->raw->err,
                "WARNING: you seem to be using \"kernel\" directive to "
                "override HVM guest firmware. Ignore that. Use "
                "\"firmware_override\" instead if you really want a "
                "non-default firmware\n");
    free(r->c->kernel);
    r->c->kernel = NULL;
}

static int read_boot(struct rd *r)
{
    struct domain_config *c = r->c;
    const char *root, *extra;
    int rc;

    /* kernel, cmdline= and the rest are CFG_SIMPLE_KEYS rows, read first */
    if ((rc = dup_str(r, "root", &c->root)) ||
        (rc = dup_str(r, "extra", &c->extra)))
        return rc;
    if (c->type == DOMAIN_TYPE_HVM && c->kernel)
        hvmloader(r);
    root = c->root;
    extra = c->extra;
    /* xl parse_cmdline(): cmdline wins, else "root=R E" */
    if (c->cmdline) {
        if ((root || extra) && r->raw->err)
            fprintf(r->raw->err,
                    "%s: %s: warning: ignoring root= and extra= "
                    "in favour of cmdline=\n",
                    program_invocation_short_name, r->raw->fname);
        return 0;
    }
    if (root && extra) {
        if (asprintf(&c->cmdline, "root=%s %s", root, extra) < 0)
            c->cmdline = NULL;
    } else if (root) {
        if (asprintf(&c->cmdline, "root=%s", root) < 0)
            c->cmdline = NULL;
    } else if (extra) {
        c->cmdline = strdup(extra);
    } else {
        return 0;
    }
    return c->cmdline ? 0 : -ENOMEM;
}

/* Each item of a list key through parse(); errors name the item's place. */
static int read_devices(struct rd *r)
{
    struct domain_config *c = r->c;
    const struct cfg_setting *s;
    char eb[256];
    size_t i, n;
    int rc;

    for (int pass = 0; pass < 2; pass++) {
        const char *k = pass ? "vif" : "disk";

        s = cfg_raw_find(r->raw, k);
        if (!s)
            continue;
        if (s->value->type != CFG_LIST)
            return bad(r, s, "is a single value but should be a list");
        n = s->value->n;
        if (pass) {
            c->vifs = calloc(n ? n : 1, sizeof(*c->vifs));
            if (!c->vifs)
                return -ENOMEM;
        } else {
            c->disks = calloc(n ? n : 1, sizeof(*c->disks));
            if (!c->disks)
                return -ENOMEM;
        }
        for (i = 0; i < n; i++) {
            const struct cfg_value *it = s->value->items[i];

            if (it->type != CFG_STRING) {
                cfg_report(r->raw, it->line, it->col,
                           "%s: list item is a list, expected a string", k);
                return -EINVAL;
            }
            if (pass) {
                rc = vif_spec_parse(it->s, (int)i, &c->vifs[i], eb, sizeof(eb));
                c->nr_vifs++;
            } else {
                rc = disk_spec_parse(it->s, &c->disks[i], eb, sizeof(eb));
                c->nr_disks++;
                if (!rc && c->disks[i].devid < 0) {
                    snprintf(eb, sizeof(eb), "invalid vdev `%s'",
                             c->disks[i].vdev);
                    rc = -EINVAL;
                }
            }
            if (rc == -EINVAL) {
                cfg_report(r->raw, it->line, it->col, "bad %s spec: %s", k, eb);
                return rc;
            }
            if (rc)
                return rc;
        }
    }
    return 0;
}

static int read_display(struct rd *r)
{
    struct domain_config *c = r->c;
    long long v;
    int rc;

    if ((rc = get_bool(r, "vnc", &c->vnc)) ||
        (rc = get_bool(r, "vncunused", &c->vncunused)) ||
        (rc = get_bool(r, "sdl", &c->sdl)) ||
        (rc = get_bool(r, "localtime", &c->localtime)) ||
        (rc = get_bool(r, "usb", &c->usb)) ||
        (rc = dup_str(r, "vnclisten", &c->vnclisten)) ||
        (rc = dup_str(r, "vncpasswd", &c->vncpasswd)) ||
        (rc = dup_str(r, "boot", &c->boot)) ||
        (rc = dup_str(r, "device_model_accel", &c->device_model_accel)) ||
        (rc = get_strv(r, "serial", &c->serial, 0)) ||
        (rc = get_strv(r, "device_model_args", &c->device_model_args, 1)))
        return rc;
    rc = get_long(r, "vncdisplay", 0, 65535, &v, NULL);
    if (rc < 0)
        return rc;
    if (!rc)
        c->vncdisplay = (int)v;
    return 0;
}

static int read_cpus(struct rd *r, const char *key, char **slot)
{
    struct cfg_strv sv = {0};
    size_t i, len = 1;
    int rc = get_strv(r, key, &sv, 0);

    /* a per-vcpu list is kept as "a,b,c"; the engine splits it again */
    for (i = 0; !rc && i < sv.n; i++)
        len += strlen(sv.v[i]) + 1;
    if (!rc && sv.n) {
        *slot = calloc(1, len);
        if (!*slot)
            rc = -ENOMEM;
        for (i = 0; !rc && i < sv.n; i++) {
            if (i)
                strcat(*slot, ",");
            strcat(*slot, sv.v[i]);
        }
    }
    cfg_strv_free(&sv);
    return rc;
}

#define CFG_SIMPLE_ROW(f, k, sec, j, kind, lo, hi)                             \
    {k, sec, j, kind, lo, hi, offsetof(struct domain_config, f)},
/* clang-format off */
const struct cfg_simple_key cfg_simple_keys[] = {
    CFG_SIMPLE_KEYS(CFG_SIMPLE_ROW)
    {.key = NULL}, /* the end */
};
/* clang-format on */

/* The CFG_SIMPLE_KEYS rows: defaults, then what the file sets. */
static int read_simple(struct rd *r)
{
    const struct cfg_simple_key *k;
    long long v;
    int rc;

    for (k = cfg_simple_keys; k->key; k++) {
        void *field = (char *)r->c + k->off;

        if (k->kind == CFG_DEFBOOL) {
            *(int *)field = -1;
            rc = get_bool(r, k->key, field);
        } else if (k->kind == CFG_STR) {
            rc = dup_str(r, k->key, field);
        } else if (k->kind == CFG_STRV) {
            rc = get_strv(r, k->key, field, 0);
        } else {
            rc = get_long(r, k->key, k->min, k->max, &v, NULL);
            if (rc == 0)
                *(long long *)field = v;
            rc = rc < 0 ? rc : 0;
        }
        if (rc)
            return rc;
    }
    return 0;
}

static int read_all(struct rd *r)
{
    struct domain_config *c = r->c;
    int rc;

    if ((rc = read_identity(r)) || (rc = read_sizes(r)) ||
        (rc = read_simple(r)) ||
        (rc = read_action(r, "on_poweroff", &c->on_poweroff, ACTION_DESTROY)) ||
        (rc = read_action(r, "on_reboot", &c->on_reboot, ACTION_RESTART)) ||
        (rc = read_action(r, "on_crash", &c->on_crash, ACTION_DESTROY)) ||
        (rc = read_action(r, "on_watchdog", &c->on_watchdog, ACTION_DESTROY)) ||
        (rc = read_boot(r)) || (rc = read_devices(r)) || (rc = read_display(r)))
        return rc;
    if ((rc = read_cpus(r, "cpus", &c->cpus)))
        return rc;
    return read_cpus(r, "cpus_soft", &c->cpus_soft);
}

int cfg_read(struct cfg_raw *raw, struct domain_config *c)
{
    struct rd r = {.raw = raw, .c = c};

    c->vnc = c->sdl = c->localtime = c->usb = c->vncunused = -1;
    c->vncdisplay = -1;
    return read_all(&r);
}
