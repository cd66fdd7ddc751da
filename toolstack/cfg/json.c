/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * json.c: libxl-shaped JSON for disks, nics and whole domain configs (yajl,
 * 4-space beautified, field names and order of libxl_types.idl, fields at
 * their default left out, as libxl's generated *_gen_json do).
 */
#include "cfg/cfg.h"

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

static const char *const action_names[] = {
    [ACTION_DESTROY] = "destroy",
    [ACTION_RESTART] = "restart",
    [ACTION_RESTART_RENAME] = "rename_restart",
    [ACTION_PRESERVE] = "preserve",
    [ACTION_COREDUMP_DESTROY] = "coredump_destroy",
    [ACTION_COREDUMP_RESTART] = "coredump_restart",
    [ACTION_SOFT_RESET] = "soft_reset",
};

const char *cfg_action_name(enum action_on_shutdown a)
{
    return a >= ACTION_DESTROY && a <= ACTION_SOFT_RESET ? action_names[a]
                                                         : "unknown";
}

const char *cfg_type_name(enum domain_type t)
{
    switch (t) {
    case DOMAIN_TYPE_HVM:
        return "hvm";
    case DOMAIN_TYPE_PV:
        return "pv";
    case DOMAIN_TYPE_PVH:
        return "pvh";
    }
    return "invalid";
}

static void key(yajl_gen g, const char *k)
{
    yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

static void kstr(yajl_gen g, const char *k, const char *v)
{
    if (!v)
        return;
    key(g, k);
    yajl_gen_string(g, (const unsigned char *)v, strlen(v));
}

static void kint(yajl_gen g, const char *k, long long v)
{
    key(g, k);
    yajl_gen_integer(g, v);
}

/* libxl_defbool: "True" / "False", left out at default (-1) */
static void kdefbool(yajl_gen g, const char *k, int v)
{
    if (v >= 0)
        kstr(g, k, v ? "True" : "False");
}

static void empty_map(yajl_gen g)
{
    yajl_gen_map_open(g);
    yajl_gen_map_close(g);
}

static void kstrv(yajl_gen g, const char *k, const struct cfg_strv *sv)
{
    size_t i;

    if (!sv->n)
        return;
    key(g, k);
    yajl_gen_array_open(g);
    for (i = 0; i < sv->n; i++)
        yajl_gen_string(g, (const unsigned char *)sv->v[i], strlen(sv->v[i]));
    yajl_gen_array_close(g);
}

static void gen_disk(yajl_gen g, const struct disk_spec *d)
{
    static const char *const backends[] = {"unknown", "phy", "tap", "qdisk",
                                           "standalone"};

    yajl_gen_map_open(g);
    kstr(g, "backend_domname", d->backend_domname);
    kstr(g, "pdev_path", d->pdev_path);
    kstr(g, "vdev", d->vdev);
    if (d->backendtype > 0 && d->backendtype <= DISK_BACKEND_STANDALONE)
        kstr(g, "backend", backends[d->backendtype]);
    if (d->format)
        kstr(g, "format", cfg_disk_format_name(d->format));
    kstr(g, "script", d->script);
    if (d->removable)
        kint(g, "removable", d->removable);
    if (d->readwrite)
        kint(g, "readwrite", d->readwrite);
    if (d->is_cdrom)
        kint(g, "is_cdrom", d->is_cdrom);
    if (d->direct_io_safe) {
        key(g, "direct_io_safe");
        yajl_gen_bool(g, 1);
    }
    kdefbool(g, "discard_enable", d->discard_enable);
    kdefbool(g, "trusted", d->trusted);
    yajl_gen_map_close(g);
}

static void gen_nic(yajl_gen g, const struct vif_spec *v)
{
    char mac[18];

    yajl_gen_map_open(g);
    kstr(g, "backend_domname", v->backend_domname);
    if (v->devid >= 0)
        kint(g, "devid", v->devid);
    if (v->mtu)
        kint(g, "mtu", v->mtu);
    kstr(g, "model", v->model);
    if (v->has_mac) {
        snprintf(mac, sizeof(mac), "%02hhx:%02hhx:%02hhx:%02hhx:%02hhx:%02hhx",
                 v->mac[0], v->mac[1], v->mac[2], v->mac[3], v->mac[4],
                 v->mac[5]);
        kstr(g, "mac", mac);
    }
    kstr(g, "ip", v->ip);
    kstr(g, "bridge", v->bridge);
    kstr(g, "ifname", v->vifname);
    kstr(g, "script", v->script);
    if (v->type)
        kstr(g, "nictype", v->type == NIC_TYPE_VIF ? "vif" : "vif_ioemu");
    if (v->rate_bytes_per_interval)
        kint(g, "rate_bytes_per_interval",
             (long long)v->rate_bytes_per_interval);
    if (v->rate_interval_usecs)
        kint(g, "rate_interval_usecs", v->rate_interval_usecs);
    kstr(g, "gatewaydev", v->gatewaydev);
    kdefbool(g, "trusted", v->trusted);
    yajl_gen_map_close(g);
}

static void gen_c_info(yajl_gen g, const struct domain_config *c)
{
    char uuid[37];
    const uint8_t *u = c->uuid;

    key(g, "c_info");
    yajl_gen_map_open(g);
    kstr(g, "type", cfg_type_name(c->type));
    kstr(g, "name", c->name);
    if (c->has_uuid) {
        snprintf(uuid, sizeof(uuid),
                 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
                 "%02x%02x%02x%02x%02x%02x",
                 u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9],
                 u[10], u[11], u[12], u[13], u[14], u[15]);
        kstr(g, "uuid", uuid);
    }
    /* xl.conf's run_hotplug_scripts=1: the toolstack (our backends) plugs
     * the devices in, not udev */
    kstr(g, "run_hotplug_scripts", "True");
    yajl_gen_map_close(g);
}

/* The CFG_SIMPLE_KEYS rows of one JSON section that are set. */
static void gen_simple(yajl_gen g, const struct domain_config *c,
                       enum cfg_key_section sec)
{
    const struct cfg_simple_key *k;

    for (k = cfg_simple_keys; k->key; k++) {
        const void *field = (const char *)c + k->off;

        if (k->section != sec)
            continue;
        if (k->kind == CFG_DEFBOOL)
            kdefbool(g, k->json, *(const int *)field);
        else if (k->kind == CFG_STR)
            kstr(g, k->json, *(char *const *)field);
        else if (k->kind == CFG_STRV)
            kstrv(g, k->json, field);
        else if (*(const long long *)field)
            kint(g, k->json, *(const long long *)field);
    }
}

static void gen_hvm(yajl_gen g, const struct domain_config *c)
{
    key(g, "type.hvm");
    yajl_gen_map_open(g);
    if (c->vnc >= 0 || c->vnclisten || c->vncpasswd || c->vncdisplay >= 0 ||
        c->vncunused >= 0) {
        key(g, "vnc");
        yajl_gen_map_open(g);
        kdefbool(g, "enable", c->vnc);
        kstr(g, "listen", c->vnclisten);
        kstr(g, "passwd", c->vncpasswd);
        if (c->vncdisplay >= 0)
            kint(g, "display", c->vncdisplay);
        kdefbool(g, "findunused", c->vncunused);
        yajl_gen_map_close(g);
    }
    if (c->sdl >= 0) {
        key(g, "sdl");
        yajl_gen_map_open(g);
        kdefbool(g, "enable", c->sdl);
        yajl_gen_map_close(g);
    }
    kstr(g, "boot", c->boot);
    kdefbool(g, "usb", c->usb);
    kstrv(g, "serial_list", &c->serial);
    gen_simple(g, c, CFG_B_HVM);
    yajl_gen_map_close(g);
}

static void gen_b_info(yajl_gen g, const struct domain_config *c)
{
    unsigned i;

    key(g, "b_info");
    yajl_gen_map_open(g);
    kint(g, "max_vcpus", c->maxvcpus);
    key(g, "avail_vcpus");
    yajl_gen_array_open(g);
    for (i = 0; i < c->vcpus; i++)
        yajl_gen_integer(g, i);
    yajl_gen_array_close(g);
    kstr(g, "cpus", c->cpus);
    kstr(g, "cpus_soft", c->cpus_soft);
    kint(g, "max_memkb", (long long)c->maxmem_mb * 1024);
    kint(g, "target_memkb", (long long)c->memory_mb * 1024);
    kdefbool(g, "localtime", c->localtime);
    kstrv(g, "extra", &c->device_model_args);
    kstr(g, "device_model_accel", c->device_model_accel);
    key(g, "sched_params");
    yajl_gen_map_open(g);
    gen_simple(g, c, CFG_B_SCHED);
    yajl_gen_map_close(g);
    /* xl.conf's claim_mode=1: memory is claimed before the build */
    kstr(g, "claim_mode", "True");
    gen_simple(g, c, CFG_B_INFO); /* kernel .. bootloader_args */
    if (c->type == DOMAIN_TYPE_HVM) {
        gen_hvm(g, c);
    } else {
        key(g, c->type == DOMAIN_TYPE_PV ? "type.pv" : "type.pvh");
        empty_map(g);
    }
    key(g, "arch_arm");
    empty_map(g);
    key(g, "arch_x86");
    empty_map(g);
    yajl_gen_map_close(g);
}

/* One object's JSON, for the to_json() and karray() callers. */
typedef void gen_fn(yajl_gen g, const void *obj);

static void gen_disk_fn(yajl_gen g, const void *o)
{
    gen_disk(g, o);
}

static void gen_nic_fn(yajl_gen g, const void *o)
{
    gen_nic(g, o);
}

/* k: the array of the n objects of size bytes at items; nothing when n is
 * 0 (libxl leaves empty device lists out). */
static void karray(yajl_gen g, const char *k, const void *items, size_t n,
                   size_t size, gen_fn *fn)
{
    size_t i;

    if (!n)
        return;
    key(g, k);
    yajl_gen_array_open(g);
    for (i = 0; i < n; i++)
        fn(g, (const char *)items + i * size);
    yajl_gen_array_close(g);
}

/* libxl's on_*: left out at destroy, their default */
static void kaction(yajl_gen g, const char *k, enum action_on_shutdown a)
{
    if (a != ACTION_DESTROY)
        kstr(g, k, cfg_action_name(a));
}

void domain_config_gen_json(yajl_gen g, const struct domain_config *c)
{
    yajl_gen_map_open(g);
    gen_c_info(g, c);
    gen_b_info(g, c);
    karray(g, "disks", c->disks, c->nr_disks, sizeof(*c->disks), gen_disk_fn);
    karray(g, "nics", c->vifs, c->nr_vifs, sizeof(*c->vifs), gen_nic_fn);
    kaction(g, "on_poweroff", c->on_poweroff);
    kaction(g, "on_reboot", c->on_reboot);
    kaction(g, "on_watchdog", c->on_watchdog);
    kaction(g, "on_crash", c->on_crash);
    /* xl's on_soft_reset, which no cfg of ours changes */
    kstr(g, "on_soft_reset", cfg_action_name(ACTION_SOFT_RESET));
    yajl_gen_map_close(g);
}

static int to_json(gen_fn *fn, const void *obj, char **json_out)
{
    yajl_gen g = yajl_gen_alloc(NULL);
    const unsigned char *buf;
    size_t len;
    int rc = -ENOMEM;

    if (!g)
        return -ENOMEM;
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "    ");
    fn(g, obj);
    if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
        *json_out = strndup((const char *)buf, len);
        if (*json_out)
            rc = 0;
    }
    yajl_gen_free(g);
    return rc;
}

static void gen_domain_fn(yajl_gen g, const void *o)
{
    domain_config_gen_json(g, o);
}

int disk_spec_to_json(const struct disk_spec *d, char **json_out)
{
    return to_json(gen_disk_fn, d, json_out);
}

int vif_spec_to_json(const struct vif_spec *v, char **json_out)
{
    return to_json(gen_nic_fn, v, json_out);
}

int domain_config_to_json(const struct domain_config *cfg, char **json_out)
{
    return to_json(gen_domain_fn, cfg, json_out);
}
