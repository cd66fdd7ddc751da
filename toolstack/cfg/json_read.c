/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * json_read.c: libxl's domain config JSON (json.c's output) back into a
 * struct domain_config, for the config a domain keeps on disk
 * (userdata-d.<domid>.<uuid>.libxl-json): restarts and config-update
 * build from it. Fields left out are at their default, as json.c writes.
 */
#include "cfg/cfg.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_tree.h>

#include "cfg/internal.h"

static yajl_val get(yajl_val o, const char *k)
{
    const char *path[] = {k, NULL};

    return o ? yajl_tree_get(o, path, yajl_t_any) : NULL;
}

/* A copy of o.k into *out (left NULL when absent). -EINVAL: not a string. */
static int jstr(yajl_val o, const char *k, char **out)
{
    yajl_val v = get(o, k);

    if (!v)
        return 0;
    if (!YAJL_IS_STRING(v))
        return -EINVAL;
    *out = strdup(v->u.string);
    return *out ? 0 : -ENOMEM;
}

static long long jint(yajl_val o, const char *k, long long def)
{
    yajl_val v = get(o, k);

    return v && YAJL_IS_INTEGER(v) ? YAJL_GET_INTEGER(v) : def;
}

/* libxl_defbool: "True" / "False", absent = default (-1). */
static int jdefbool(yajl_val o, const char *k)
{
    yajl_val v = get(o, k);

    if (!v || !YAJL_IS_STRING(v))
        return -1;
    return !strcmp(v->u.string, "True");
}

static int jstrv(yajl_val o, const char *k, struct cfg_strv *sv)
{
    yajl_val v = get(o, k);
    size_t i;

    if (!v)
        return 0;
    if (!YAJL_IS_ARRAY(v))
        return -EINVAL;
    sv->v = calloc(v->u.array.len + 1, sizeof(*sv->v));
    if (!sv->v)
        return -ENOMEM;
    for (i = 0; i < v->u.array.len; i++) {
        yajl_val s = v->u.array.values[i];

        if (!YAJL_IS_STRING(s))
            return -EINVAL;
        if (!(sv->v[sv->n] = strdup(s->u.string)))
            return -ENOMEM;
        sv->n++;
    }
    return 0;
}

/* A name among names[0..n) (json.c's words) -> its index, or def. */
static int jenum(yajl_val o, const char *k, const char *(*name)(int), int lo,
                 int hi, int def)
{
    yajl_val v = get(o, k);
    int i;

    if (!v || !YAJL_IS_STRING(v))
        return def;
    for (i = lo; i <= hi; i++)
        if (!strcmp(name(i), v->u.string))
            return i;
    return def;
}

static const char *action_word(int a)
{
    return cfg_action_name((enum action_on_shutdown)a);
}

static const char *type_word(int t)
{
    return cfg_type_name((enum domain_type)t);
}

static const char *format_word(int f)
{
    return cfg_disk_format_name((enum disk_format)f);
}

static const char *backend_word(int b)
{
    static const char *const n[] = {"unknown", "phy", "tap", "qdisk",
                                    "standalone"};

    return n[b];
}

static int read_disk(yajl_val o, struct disk_spec *d)
{
    int rc;

    memset(d, 0, sizeof(*d));
    if ((rc = jstr(o, "backend_domname", &d->backend_domname)) ||
        (rc = jstr(o, "pdev_path", &d->pdev_path)) ||
        (rc = jstr(o, "vdev", &d->vdev)) ||
        (rc = jstr(o, "script", &d->script)))
        return rc;
    d->devid = d->vdev ? disk_vdev_to_devid(d->vdev) : -1;
    d->backendtype = (enum disk_backend)jenum(
        o, "backend", backend_word, DISK_BACKEND_UNKNOWN,
        DISK_BACKEND_STANDALONE, DISK_BACKEND_UNKNOWN);
    d->format =
        (enum disk_format)jenum(o, "format", format_word, DISK_FORMAT_QCOW,
                                DISK_FORMAT_QED, DISK_FORMAT_UNKNOWN);
    d->removable = (int)jint(o, "removable", 0);
    d->readwrite = (int)jint(o, "readwrite", 0);
    d->is_cdrom = (int)jint(o, "is_cdrom", 0);
    d->direct_io_safe = YAJL_IS_TRUE(get(o, "direct_io_safe"));
    d->discard_enable = jdefbool(o, "discard_enable");
    d->trusted = jdefbool(o, "trusted");
    return 0;
}

static int read_nic(yajl_val o, size_t idx, struct vif_spec *v)
{
    yajl_val t = get(o, "nictype");
    char *mac = NULL;
    int rc;

    memset(v, 0, sizeof(*v));
    v->devid = (int)jint(o, "devid", (long long)idx);
    v->mtu = (int)jint(o, "mtu", 0);
    v->rate_bytes_per_interval =
        (uint64_t)jint(o, "rate_bytes_per_interval", 0);
    v->rate_interval_usecs = (uint32_t)jint(o, "rate_interval_usecs", 0);
    v->trusted = jdefbool(o, "trusted");
    if (t && YAJL_IS_STRING(t))
        v->type =
            strcmp(t->u.string, "vif") ? NIC_TYPE_VIF_IOEMU : NIC_TYPE_VIF;
    if ((rc = jstr(o, "backend_domname", &v->backend_domname)) ||
        (rc = jstr(o, "model", &v->model)) || (rc = jstr(o, "ip", &v->ip)) ||
        (rc = jstr(o, "bridge", &v->bridge)) ||
        (rc = jstr(o, "ifname", &v->vifname)) ||
        (rc = jstr(o, "script", &v->script)) ||
        (rc = jstr(o, "gatewaydev", &v->gatewaydev)) ||
        (rc = jstr(o, "mac", &mac)))
        return rc;
    if (mac) {
        rc = vif_mac_parse(mac, v->mac);
        v->has_mac = rc == 0;
        free(mac);
    }
    return rc;
}

static int read_list(yajl_val a, size_t *n_out, size_t size, void **out,
                     int (*one)(yajl_val, size_t, void *))
{
    size_t i;
    int rc;

    if (!a)
        return 0;
    if (!YAJL_IS_ARRAY(a))
        return -EINVAL;
    *out = calloc(a->u.array.len + 1, size);
    if (!*out)
        return -ENOMEM;
    for (i = 0; i < a->u.array.len; i++) {
        if (!YAJL_IS_OBJECT(a->u.array.values[i]))
            return -EINVAL;
        /* counted before filling: domain_config_free frees it all */
        (*n_out)++;
        rc = one(a->u.array.values[i], i, (char *)*out + i * size);
        if (rc)
            return rc;
    }
    return 0;
}

static int one_disk(yajl_val o, size_t i, void *d)
{
    (void)i;
    return read_disk(o, d);
}

static int one_nic(yajl_val o, size_t i, void *v)
{
    return read_nic(o, i, v);
}

/* The CFG_SIMPLE_KEYS rows of one JSON section (o may be NULL). */
static int read_simple(yajl_val o, struct domain_config *c,
                       enum cfg_key_section sec)
{
    const struct cfg_simple_key *k;
    int rc = 0;

    for (k = cfg_simple_keys; !rc && k->key; k++) {
        void *field = (char *)c + k->off;

        if (k->section != sec)
            continue;
        if (k->kind == CFG_DEFBOOL)
            *(int *)field = jdefbool(o, k->json);
        else if (k->kind == CFG_STR)
            rc = jstr(o, k->json, field);
        else if (k->kind == CFG_STRV)
            rc = jstrv(o, k->json, field);
        else
            *(long long *)field = jint(o, k->json, 0);
    }
    return rc;
}

static int read_hvm(yajl_val h, struct domain_config *c)
{
    yajl_val vnc = get(h, "vnc"), sdl = get(h, "sdl");
    int rc;

    c->vnc = jdefbool(vnc, "enable");
    c->vncdisplay = (int)jint(vnc, "display", -1);
    c->vncunused = jdefbool(vnc, "findunused");
    c->sdl = jdefbool(sdl, "enable");
    c->usb = jdefbool(h, "usb");
    if ((rc = read_simple(h, c, CFG_B_HVM)) ||
        (rc = jstr(vnc, "listen", &c->vnclisten)) ||
        (rc = jstr(vnc, "passwd", &c->vncpasswd)) ||
        (rc = jstr(h, "boot", &c->boot)))
        return rc;
    return jstrv(h, "serial_list", &c->serial);
}

static int read_config(yajl_val root, struct domain_config *c)
{
    yajl_val ci = get(root, "c_info"), bi = get(root, "b_info");
    yajl_val av = get(bi, "avail_vcpus"), sp = get(bi, "sched_params");
    char *uuid = NULL;
    int rc;

    if (!ci || !bi || !YAJL_IS_OBJECT(ci) || !YAJL_IS_OBJECT(bi))
        return -EINVAL;
    c->vnc = c->sdl = c->localtime = c->usb = c->vncunused = -1;
    c->vncdisplay = -1;
    c->type = (enum domain_type)jenum(ci, "type", type_word, DOMAIN_TYPE_HVM,
                                      DOMAIN_TYPE_PVH, DOMAIN_TYPE_PV);
    if ((rc = jstr(ci, "name", &c->name)) || !c->name)
        return rc ? rc : -EINVAL;
    if ((rc = jstr(ci, "uuid", &uuid)))
        return rc;
    if (uuid) {
        c->has_uuid = cfg_uuid_parse(uuid, c->uuid) == 0;
        free(uuid);
    }
    c->maxvcpus = (unsigned)jint(bi, "max_vcpus", 1);
    c->vcpus = av && YAJL_IS_ARRAY(av) ? (unsigned)av->u.array.len : 1;
    c->maxmem_mb = (uint64_t)jint(bi, "max_memkb", 0) / 1024;
    c->memory_mb = (uint64_t)jint(bi, "target_memkb", 0) / 1024;
    c->localtime = jdefbool(bi, "localtime");
    if ((rc = read_simple(bi, c, CFG_B_INFO)) ||
        (rc = read_simple(NULL, c, CFG_B_HVM)) || /* unless type.hvm says */
        (rc = read_simple(sp, c, CFG_B_SCHED)))
        return rc;
    if (!sp) { /* kept by pvstack before 2026-12-06 */
        c->cpu_weight = jint(bi, "sched_weight", 0);
        c->cap = jint(bi, "sched_cap", 0);
    }
    if ((rc = jstr(bi, "cpus", &c->cpus)) ||
        (rc = jstr(bi, "cpus_soft", &c->cpus_soft)) ||
        (rc = jstrv(bi, "extra", &c->device_model_args)) ||
        (rc = jstr(bi, "device_model_accel", &c->device_model_accel)))
        return rc;
    if (c->type == DOMAIN_TYPE_HVM && (rc = read_hvm(get(bi, "type.hvm"), c)))
        return rc;
    if ((rc = read_list(get(root, "disks"), &c->nr_disks, sizeof(*c->disks),
                        (void **)&c->disks, one_disk)) ||
        (rc = read_list(get(root, "nics"), &c->nr_vifs, sizeof(*c->vifs),
                        (void **)&c->vifs, one_nic)))
        return rc;
    /* libxl leaves an action out at destroy, its default */
    c->on_poweroff = (enum action_on_shutdown)jenum(
        root, "on_poweroff", action_word, 1, 7, ACTION_DESTROY);
    c->on_reboot = (enum action_on_shutdown)jenum(
        root, "on_reboot", action_word, 1, 7, ACTION_DESTROY);
    c->on_watchdog = (enum action_on_shutdown)jenum(
        root, "on_watchdog", action_word, 1, 7, ACTION_DESTROY);
    c->on_crash = (enum action_on_shutdown)jenum(root, "on_crash", action_word,
                                                 1, 7, ACTION_DESTROY);
    return 0;
}

int domain_config_from_json(const char *json, struct domain_config **cfg_out,
                            char *err, size_t errlen)
{
    struct domain_config *c;
    yajl_val root;
    int rc;

    *cfg_out = NULL;
    root = yajl_tree_parse(json, err, errlen);
    if (!root)
        return -EINVAL;
    c = calloc(1, sizeof(*c));
    if (!c) {
        yajl_tree_free(root);
        return -ENOMEM;
    }
    rc = YAJL_IS_OBJECT(root) ? read_config(root, c) : -EINVAL;
    yajl_tree_free(root);
    if (rc) {
        if (rc == -EINVAL && err && errlen)
            snprintf(err, errlen, "not a libxl domain config");
        domain_config_free(c);
        return rc;
    }
    *cfg_out = c;
    return 0;
}
