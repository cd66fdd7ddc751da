/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * hvm.c: cfg (type = "hvm") -> device model settings, and starting one for
 * xm with its taps, monitor and store entries; the domain's state as a
 * struct hv_dominfo. QEMU specifics stay in argv.c/launch.c/ctl.c.
 */
#include "dm/hvm.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg/cfg.h"
#include "dm/internal.h"

struct dm_hvm {
    struct dm_config c;
    struct dm_disk *disks;
    struct dm_nic *nics;
    char **bridges;
    char **ifnames;
    char **extra;
    char *strs[16]; /* owned copies of cfg strings */
    size_t nstrs;
    char uuid[40];
    char qmp[512], event[512], log[512];
};

static int hvm_err(char *err, size_t errlen, int rc, const char *fmt,
                   const char *arg)
{
    if (err && errlen)
        snprintf(err, errlen, fmt, arg);
    return rc;
}

/* Keep a copy of s owned by h; NULL stays NULL. */
static int own(struct dm_hvm *h, const char *s, const char **out)
{
    *out = NULL;
    if (!s)
        return 0;
    if (h->nstrs == sizeof(h->strs) / sizeof(h->strs[0]))
        return -ENOMEM;
    h->strs[h->nstrs] = strdup(s);
    if (!h->strs[h->nstrs])
        return -ENOMEM;
    *out = h->strs[h->nstrs++];
    return 0;
}

static int copy_disks(struct dm_hvm *h, const struct domain_config *cfg)
{
    size_t i;

    h->disks = calloc(cfg->nr_disks + 1, sizeof(*h->disks));
    if (!h->disks)
        return -ENOMEM;
    h->c.disks = h->disks;
    h->c.nr_disks = cfg->nr_disks;
    for (i = 0; i < cfg->nr_disks; i++) {
        const struct disk_spec *s = &cfg->disks[i];
        struct dm_disk *d = &h->disks[i];

        /* The cfg strings are copied once per disk into the argv anyway. */
        d->target = s->pdev_path ? strdup(s->pdev_path) : NULL;
        d->vdev = s->vdev ? strdup(s->vdev) : NULL;
        if ((s->pdev_path && !d->target) || (s->vdev && !d->vdev))
            return -ENOMEM;
        d->format =
            s->format == DISK_FORMAT_UNKNOWN || s->format == DISK_FORMAT_EMPTY
                ? NULL
                : cfg_disk_format_name(s->format);
        d->readonly = !s->readwrite;
        d->cdrom = s->is_cdrom;
    }
    return 0;
}

static int copy_vifs(struct dm_hvm *h, const struct domain_config *cfg)
{
    size_t i, n = cfg->nr_vifs;
    int rc;

    h->nics = calloc(n + 1, sizeof(*h->nics));
    h->bridges = calloc(n + 1, sizeof(char *));
    h->ifnames = calloc(n + 1, sizeof(char *));
    if (!h->nics || !h->bridges || !h->ifnames)
        return -ENOMEM;
    h->c.nics = h->nics;
    h->c.nr_nics = n;
    for (i = 0; i < n; i++)
        h->nics[i].tap_fd = -1;
    for (i = 0; i < n; i++) {
        const struct vif_spec *s = &cfg->vifs[i];
        struct dm_nic *d = &h->nics[i];

        if (s->has_mac)
            memcpy(d->mac, s->mac, 6);
        else if ((rc = vif_mac_random(d->mac)))
            return rc;
        d->model = s->model ? strdup(s->model) : NULL;
        h->bridges[i] = strdup(s->bridge ? s->bridge : "xenbr0");
        if (s->vifname)
            h->ifnames[i] = strdup(s->vifname);
        else if (asprintf(&h->ifnames[i], "vif%u.%d", h->c.domid, s->devid) < 0)
            h->ifnames[i] = NULL;
        if ((s->model && !d->model) || !h->bridges[i] || !h->ifnames[i])
            return -ENOMEM;
        d->ifname = h->ifnames[i];
    }
    return 0;
}

/* Machine settings from cfg keys QEMU takes as -machine properties (it
 * merges repeated -machine options). */
static int machine_args(struct dm_hvm *h, const struct domain_config *cfg,
                        size_t *i)
{
    /* hpet=0: libxl's -no-hpet, a machine property since QEMU 5.2 */
    if (cfg->hpet == 0 && (!(h->extra[(*i)++] = strdup("-machine")) ||
                           !(h->extra[(*i)++] = strdup("hpet=off"))))
        return -ENOMEM;
    return 0;
}

static int copy_extra(struct dm_hvm *h, const struct domain_config *cfg)
{
    size_t i = 0, k;
    int rc;

    /* the cfg's own arguments, and room for machine_args()'s */
    h->extra = calloc(cfg->device_model_args.n + 3, sizeof(char *));
    if (!h->extra)
        return -ENOMEM;
    if ((rc = machine_args(h, cfg, &i)))
        return rc;
    for (k = 0; k < cfg->device_model_args.n; k++)
        if (!(h->extra[i++] = strdup(cfg->device_model_args.v[k])))
            return -ENOMEM;
    h->c.extra_args = h->extra;
    h->c.nr_extra = i;
    return 0;
}

static int fill(struct dm_hvm *h, const struct domain_config *cfg,
                const uint8_t *u, char *err, size_t errlen)
{
    struct dm_config *c = &h->c;
    int rc;

    snprintf(h->uuid, sizeof(h->uuid),
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x"
             "%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
             u[11], u[12], u[13], u[14], u[15]);
    c->uuid = h->uuid;
    c->memory_mb = cfg->memory_mb;
    c->vcpus = cfg->vcpus ? cfg->vcpus : 1;
    c->maxvcpus = cfg->maxvcpus;
    c->vnc = cfg->vnc;
    c->vncdisplay = cfg->vncdisplay;
    /* xl: vncunused defaults to on */
    c->vncunused = cfg->vncunused < 0 ? 1 : cfg->vncunused;
    c->sdl = cfg->sdl;
    c->usb = cfg->usb;
    c->localtime = cfg->localtime;
    if (cfg->serial.n > 1 ||
        (cfg->serial.n == 1 && strcmp(cfg->serial.v[0], "pty")))
        return hvm_err(err, errlen, -EINVAL,
                       "serial '%s' not supported (only 'pty')",
                       cfg->serial.v[0]);
    c->serial_pty = cfg->serial.n == 1;
    c->accel = dm_accel_choose(cfg->device_model_accel);
    if (!c->accel)
        return hvm_err(err, errlen, -EINVAL,
                       "device_model_accel '%s' must be kvm or tcg",
                       cfg->device_model_accel);
    if ((rc = own(h, cfg->name, &c->name)) ||
        (rc = own(h, cfg->boot, &c->boot)) ||
        (rc = own(h, cfg->vnclisten, &c->vnclisten)) ||
        (rc = own(h, cfg->vncpasswd, &c->vncpasswd)) ||
        (rc = own(h, cfg->kernel, &c->kernel)) ||
        (rc = own(h, cfg->ramdisk, &c->ramdisk)) ||
        (rc = own(h, cfg->cmdline, &c->cmdline)))
        return rc;
    if ((rc = copy_disks(h, cfg)) || (rc = copy_vifs(h, cfg)) ||
        (rc = copy_extra(h, cfg)))
        return rc;
    if (dm_qmp_path(c->domid, h->qmp, sizeof(h->qmp)) ||
        dm_event_path(c->domid, h->event, sizeof(h->event)))
        return hvm_err(err, errlen, -ENAMETOOLONG, "%s", "state path too long");
    if (dm_log_path(cfg->name, h->log, sizeof(h->log)))
        return hvm_err(err, errlen, -EINVAL, "bad domain name '%s'", cfg->name);
    c->qmp_path = h->qmp;
    c->event_path = h->event;
    return 0;
}

int dm_hvm_config(const struct domain_config *cfg, uint32_t domid,
                  const uint8_t uuid[16], struct dm_hvm **h_out, char *err,
                  size_t errlen)
{
    struct dm_hvm *h;
    int rc;

    *h_out = NULL;
    if (!cfg->name || !*cfg->name)
        return hvm_err(err, errlen, -EINVAL, "%s", "domain has no name");
    h = calloc(1, sizeof(*h));
    if (!h)
        return -ENOMEM;
    h->c.domid = domid;
    rc = fill(h, cfg, uuid, err, errlen);
    if (rc) {
        if (rc == -ENOMEM)
            hvm_err(err, errlen, rc, "%s", "out of memory");
        dm_hvm_free(h);
        return rc;
    }
    *h_out = h;
    return 0;
}

const struct dm_config *dm_hvm_settings(const struct dm_hvm *h)
{
    return &h->c;
}

void dm_hvm_set_incoming(struct dm_hvm *h)
{
    h->c.incoming = 1;
}

struct dm_nic *dm_hvm_nic(struct dm_hvm *h, size_t i)
{
    return i < h->c.nr_nics ? &h->nics[i] : NULL;
}

const char *dm_hvm_bridge(const struct dm_hvm *h, size_t i)
{
    return i < h->c.nr_nics ? h->bridges[i] : NULL;
}

const char *dm_hvm_log(const struct dm_hvm *h)
{
    return h->log;
}

void dm_hvm_free(struct dm_hvm *h)
{
    size_t i;

    if (!h)
        return;
    for (i = 0; h->disks && i < h->c.nr_disks; i++) {
        free((char *)(uintptr_t)h->disks[i].target);
        free((char *)(uintptr_t)h->disks[i].vdev);
    }
    for (i = 0; h->nics && i < h->c.nr_nics; i++) {
        free((char *)(uintptr_t)h->nics[i].model);
        if (h->nics[i].tap_fd >= 0)
            close(h->nics[i].tap_fd);
    }
    for (i = 0; h->bridges && h->bridges[i]; i++)
        free(h->bridges[i]);
    for (i = 0; h->ifnames && h->ifnames[i]; i++)
        free(h->ifnames[i]);
    for (i = 0; h->extra && h->extra[i]; i++)
        free(h->extra[i]);
    for (i = 0; i < h->nstrs; i++)
        free(h->strs[i]);
    free(h->disks);
    free(h->nics);
    free(h->bridges);
    free(h->ifnames);
    free(h->extra);
    free(h);
}
