/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * disk.c: disk specs per xl-disk-configuration(5), reproducing the longest-
 * match rules of libxlu_disk_l.l by hand: key=value words, flags, legacy
 * prefixes (phy:, file:, tap:aio:, raw:, iscsi: ...), positional
 * target,format,vdev,access; and vdev -> devid (xen-vbd-interface(7)).
 */
#include "cfg/cfg.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct dpc {
    struct disk_spec *d;
    const char *spec;
    int access_set, had_depr_prefix, failed;
    char *errbuf;
    size_t errlen;
};

static void derr(struct dpc *p, const char *near, const char *msg)
{
    if (p->failed)
        return;
    p->failed = 1;
    if (!p->errbuf || !p->errlen)
        return;
    if (near)
        snprintf(p->errbuf, p->errlen, "%s: near `%s' in `%s'", msg, near,
                 p->spec);
    else
        snprintf(p->errbuf, p->errlen, "%s in `%s'", msg, p->spec);
}

/* libxlu's savestring: a non-empty value may not be given twice. */
static void save(struct dpc *p, const char *what, char **slot, const char *v)
{
    char msg[48];

    if (*slot && **slot) {
        snprintf(msg, sizeof(msg), "%s respecified", what);
        derr(p, v, msg);
        return;
    }
    free(*slot);
    *slot = strdup(v);
    if (!*slot)
        derr(p, v, "out of memory");
}

static const char *const format_names[] = {
    [DISK_FORMAT_UNKNOWN] = "unknown", [DISK_FORMAT_QCOW] = "qcow",
    [DISK_FORMAT_QCOW2] = "qcow2",     [DISK_FORMAT_VHD] = "vhd",
    [DISK_FORMAT_RAW] = "raw",         [DISK_FORMAT_EMPTY] = "empty",
    [DISK_FORMAT_QED] = "qed",
};

const char *cfg_disk_format_name(enum disk_format f)
{
    return (unsigned)f < sizeof(format_names) / sizeof(format_names[0])
               ? format_names[f]
               : "unknown";
}

/* s's index in names[1..last], or 0 when it is none of them. */
static int lookup(const char *s, const char *const *names, int last)
{
    int v;

    for (v = last; v > 0; v--)
        if (!strcmp(s, names[v]))
            break;
    return v;
}

/* Key's value v (0: unknown, from the text s), unless another was given
 * before; else an error as libxlu's, and cur kept. */
static int setonce(struct dpc *p, const char *s, int v, int cur,
                   const char *key)
{
    char msg[64];

    if (v > 0 && (!cur || cur == v))
        return v;
    snprintf(msg, sizeof(msg),
             v > 0 ? "%s respecified" : "unknown value for %s", key);
    derr(p, s, msg);
    return cur;
}

static void setformat(struct dpc *p, const char *s)
{
    int f = *s ? lookup(s, format_names, DISK_FORMAT_QED) : DISK_FORMAT_RAW;

    p->d->format = setonce(p, s, f, p->d->format, "format");
}

static void setbackendtype(struct dpc *p, const char *s)
{
    static const char *const n[] = {"", "phy", "tap", "qdisk", "standalone"};

    p->d->backendtype = setonce(p, s, lookup(s, n, DISK_BACKEND_STANDALONE),
                                p->d->backendtype, "backendtype");
}

static void setaccess(struct dpc *p, const char *s)
{
    if (!strcmp(s, "r") || !strcmp(s, "ro"))
        p->d->readwrite = 0;
    else if (!strcmp(s, "rw") || !strcmp(s, "w") || !*s)
        p->d->readwrite = 1;
    else
        derr(p, s, "unknown value for access");
}

/* "<vdev>:<devtype>" (xm's hdc:cdrom). Returns 1 if it was that form. */
static int vdev_and_devtype(struct dpc *p, char *s)
{
    char *colon = strrchr(s, ':');

    if (!colon)
        return 0;
    *colon++ = 0;
    save(p, "vdev", &p->d->vdev, s);
    if (!strcmp(colon, "cdrom"))
        p->d->is_cdrom = 1;
    else if (!strcmp(colon, "disk"))
        p->d->is_cdrom = 0;
    else
        derr(p, colon, "unknown deprecated type");
    return 1;
}

static void positional(struct dpc *p, char *s)
{
    struct disk_spec *d = p->d;

    if (p->failed)
        return;
    if (!d->pdev_path) {
        save(p, "target", &d->pdev_path, s);
    } else if (!p->had_depr_prefix && d->format == DISK_FORMAT_UNKNOWN) {
        if (!*d->pdev_path && vdev_and_devtype(p, s))
            d->format = DISK_FORMAT_EMPTY;
        else
            setformat(p, s);
    } else if (!d->vdev) {
        if (!vdev_and_devtype(p, s))
            save(p, "vdev", &d->vdev, s);
    } else if (!p->access_set) {
        p->access_set = 1;
        setaccess(p, s);
    } else {
        derr(p, s, "too many positional parameters");
    }
}

/* Keys that take a value up to the next comma; flags. */
static int keyword(struct dpc *p, const char *w, size_t n, char *val)
{
    struct disk_spec *d = p->d;

#define KEY(k) (n == sizeof(k) - 1 && !memcmp(w, k, n))
    if (KEY("format"))
        setformat(p, val);
    else if (KEY("access"))
        setaccess(p, val);
    else if (KEY("backend"))
        save(p, "backend", &d->backend_domname, val);
    else if (KEY("backendtype"))
        setbackendtype(p, val);
    else if (KEY("vdev"))
        save(p, "vdev", &d->vdev, val);
    else if (KEY("script"))
        save(p, "script", &d->script, val);
    else if (KEY("devtype")) {
        if (!strcmp(val, "cdrom"))
            d->is_cdrom = 1;
        else if (!strcmp(val, "disk"))
            d->is_cdrom = 0;
        else
            derr(p, val, "unknown value for devtype");
    } else if (KEY("specification")) {
        if (strcmp(val, "xen") && strcmp(val, "virtio"))
            derr(p, val, "unknown value for specification");
    } else if (KEY("colo-host") || KEY("colo-port") || KEY("colo-export") ||
               KEY("active-disk") || KEY("hidden-disk") || KEY("transport")) {
        /* COLO and virtio transport: accepted, not used by our engines */
    } else {
        return 0;
    }
#undef KEY
    return 1;
}

static int flag(struct dpc *p, const char *w)
{
    struct disk_spec *d = p->d;

    if (!strcmp(w, "cdrom"))
        d->is_cdrom = 1;
    else if (!strcmp(w, "direct-io-safe"))
        d->direct_io_safe = 1;
    else if (!strcmp(w, "discard"))
        d->discard_enable = 1;
    else if (!strcmp(w, "no-discard"))
        d->discard_enable = 0;
    else if (!strcmp(w, "trusted"))
        d->trusted = 1;
    else if (!strcmp(w, "untrusted"))
        d->trusted = 0;
    else if (strcmp(w, "colo") && strcmp(w, "no-colo"))
        return 0;
    return 1;
}

/*
 * A legacy "prefix:" at s. Returns 1 if handled (prefix consumed, *s moved
 * past it), 0 if s has none, -1 on an unknown prefix (error reported).
 */
static int depr_prefix(struct dpc *p, const char **s)
{
    static const char *const strip[] = {"tapdisk", "tap2", "tap", "aio",
                                        "ioemu",   "file", "phy"};
    static const char *const fmt[] = {"raw", "qcow", "qcow2", "vhd"};
    static const char *const scr[] = {"iscsi", "nbd", "enbd", "drbd"};
    const char *c = *s;
    char name[16], script[24];
    size_t n, i;

    while (islower((unsigned char)*c) || isdigit((unsigned char)*c))
        c++;
    n = (size_t)(c - *s);
    if (!n || *c != ':' || !islower((unsigned char)**s) || n >= sizeof(name))
        return 0;
    memcpy(name, *s, n);
    name[n] = 0;
    for (i = 0; i < sizeof(strip) / sizeof(strip[0]); i++)
        if (!strcmp(name, strip[i]))
            goto ok;
    for (i = 0; i < sizeof(fmt) / sizeof(fmt[0]); i++)
        if (!strcmp(name, fmt[i])) {
            setformat(p, name);
            goto ok;
        }
    for (i = 0; i < sizeof(scr) / sizeof(scr[0]); i++)
        if (!strcmp(name, scr[i])) {
            snprintf(script, sizeof(script), "block-%s", name);
            save(p, "script", &p->d->script, script);
            goto ok;
        }
    /*
     * libxlu only calls it an unknown prefix when no letter or digit
     * follows the colon; "xvda:cdrom" is a positional vdev:devtype.
     */
    if (c[1] && (islower((unsigned char)c[1]) || isdigit((unsigned char)c[1])))
        return 0;
    derr(p, *s, "unknown deprecated disk prefix");
    return -1;
ok:
    p->had_depr_prefix = 1;
    *s = c + 1;
    return 1;
}

/* One word of the spec, as the flex rules (longest match) would see it. */
static void parse_one(struct dpc *p, const char *s)
{
    const char *e, *eq;
    char *w;
    int r;

    while (*s && !p->failed) {
        if (*s == ' ' || *s == '\t' || *s == '\n') {
            s++;
            continue;
        }
        if (!strncmp(s, "target=", 7)) {
            /* eats the rest of the string, minus one trailing comma */
            size_t n = strlen(s + 7);
            w = strndup(s + 7, n && s[7 + n - 1] == ',' ? n - 1 : n);
            if (!w) {
                derr(p, s, "out of memory");
                return;
            }
            save(p, "target", &p->d->pdev_path, w);
            free(w);
            return;
        }
        e = strchrnul(s, ',');
        w = strndup(s, (size_t)(e - s));
        if (!w) {
            derr(p, s, "out of memory");
            return;
        }
        eq = strchr(w, '=');
        if (eq && islower((unsigned char)w[0]) &&
            strspn(w, "abcdefghijklmnopqrstuvwxyz0123456789-_") ==
                (size_t)(eq - w)) {
            if (!keyword(p, w, (size_t)(eq - w), w + (eq - w) + 1))
                derr(p, w, "unknown parameter");
            s = *e ? e + 1 : e;
        } else if (!eq && flag(p, w)) {
            s = *e ? e + 1 : e;
        } else if ((r = depr_prefix(p, &s)) != 0) {
            /* prefix consumed; the rest is lexed afresh */
        } else if (eq) {
            derr(p, eq, "bad disk syntax");
        } else {
            positional(p, w);
            s = *e ? e + 1 : e;
        }
        free(w);
    }
}

void disk_spec_fini(struct disk_spec *d)
{
    if (!d)
        return;
    free(d->pdev_path);
    free(d->vdev);
    free(d->backend_domname);
    free(d->script);
    memset(d, 0, sizeof(*d));
}

int disk_spec_parse_argv(int n, const char *const *specs, struct disk_spec *out,
                         char *errbuf, size_t errlen)
{
    struct dpc p = {.d = out, .errbuf = errbuf, .errlen = errlen};
    int i;

    memset(out, 0, sizeof(*out));
    out->readwrite = 1;
    out->discard_enable = -1;
    out->trusted = -1;
    out->devid = -1;
    if (errbuf && errlen)
        errbuf[0] = 0;
    for (i = 0; i < n && !p.failed; i++) {
        p.spec = specs[i];
        parse_one(&p, specs[i]);
    }
    if (p.failed)
        return -EINVAL;
    if (out->format == DISK_FORMAT_UNKNOWN)
        out->format = DISK_FORMAT_RAW;
    if (out->is_cdrom) {
        out->removable = 1;
        out->readwrite = 0;
        if (!out->pdev_path || !*out->pdev_path)
            out->format = DISK_FORMAT_EMPTY;
    }
    p.spec = n > 0 ? specs[n - 1] : "";
    if (!out->vdev) {
        derr(&p, NULL, "no vdev specified");
        return -EINVAL;
    }
    if (!out->pdev_path && !out->removable) {
        derr(&p, NULL, "no target specified (and device not removable)");
        return -EINVAL;
    }
    out->devid = disk_vdev_to_devid(out->vdev);
    return 0;
}

int disk_spec_parse(const char *spec, struct disk_spec *out, char *errbuf,
                    size_t errlen)
{
    return disk_spec_parse_argv(1, &spec, out, errbuf, errlen);
}

/* Parse [a-z]+ as a bijective base-26 disk number ("a"=0, "aa"=26). */
static int disk_letters(const char **s)
{
    long v = 0;
    int n = 0;

    while (**s >= 'a' && **s <= 'z') {
        v = v * 26 + (**s - 'a' + 1);
        if (v > (1L << 20))
            return -EINVAL;
        (*s)++;
        n++;
    }
    return n ? (int)(v - 1) : -EINVAL;
}

static int digits(const char *s, int max)
{
    long v = 0;

    if (!*s || (*s == '0' && s[1]))
        return -EINVAL;
    for (; *s; s++) {
        if (!isdigit((unsigned char)*s))
            return -EINVAL;
        v = v * 10 + (*s - '0');
        if (v > max)
            return -EINVAL;
    }
    return (int)v;
}

int disk_vdev_to_devid(const char *vdev)
{
    const char *s = vdev;
    int disk, part = 0;

    if (!vdev || !*vdev)
        return -EINVAL;
    if (isdigit((unsigned char)*s))
        return digits(s, (1 << 30) - 1);
    if (*s == 'd' && isdigit((unsigned char)s[1])) {
        /* dNpM: the xvd encoding of disk N partition M */
        const char *pp = strchr(s, 'p');
        char num[12];

        if (!pp)
            pp = s + strlen(s);
        if ((size_t)(pp - s - 1) >= sizeof(num))
            return -EINVAL;
        memcpy(num, s + 1, (size_t)(pp - s - 1));
        num[pp - s - 1] = 0;
        disk = digits(num, (1 << 20) - 1);
        part = *pp ? digits(pp + 1, 255) : 0;
        goto xvd;
    }
    if (!strncmp(s, "xvd", 3) || !strncmp(s, "hd", 2) || !strncmp(s, "sd", 2)) {
        char kind = s[0];

        s += kind == 'x' ? 3 : 2;
        disk = disk_letters(&s);
        if (disk < 0)
            return -EINVAL;
        if (*s)
            part = digits(s, 255);
        if (part < 0)
            return -EINVAL;
        if (kind == 'h') {
            if (disk > 3 || part > 63)
                return -EINVAL;
            return ((disk < 2 ? 3 : 22) << 8) | ((disk & 1) << 6) | part;
        }
        if (kind == 's') {
            if (disk > 15 || part > 15)
                return -EINVAL;
            return (8 << 8) | (disk << 4) | part;
        }
        goto xvd;
    }
    return -EINVAL;
xvd:
    if (disk < 0 || part < 0)
        return -EINVAL;
    if (disk <= 15 && part <= 15)
        return (202 << 8) | (disk << 4) | part;
    if (disk > (1 << 20) - 1 || part > 255)
        return -EINVAL;
    return (1 << 28) | (disk << 8) | part;
}
