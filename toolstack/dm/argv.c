/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * argv.c: struct dm_config -> QEMU command line, following what libxl's
 * libxl__build_device_model_args_new() gives QEMU (IDE disks by vdev index,
 * -netdev tap + -device <model> per vif, QMP on a chardev), with a pc machine
 * on kvm or tcg instead of xenfv.
 */
#include "dm/dm.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/array.h"

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* xl NIC model names -> QEMU device names. */
static const char *const nic_models[][2] = {
    {"rtl8139", "rtl8139"},
    {"e1000", "e1000"},
    {"virtio-net", "virtio-net-pci"},
    {"virtio", "virtio-net-pci"},
    {"ne2k_pci", "ne2k_pci"},
    {"pcnet", "pcnet"},
    {"i82551", "i82551"},
    {"i82557b", "i82557b"},
    {"i82559er", "i82559er"},
};

/* cfg disk formats -> QEMU block drivers. */
static const char *const disk_formats[][2] = {
    {"raw", "raw"}, {"qcow", "qcow"}, {"qcow2", "qcow2"},
    {"vhd", "vpc"}, {"qed", "qed"},
};

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t errlen, const char *fmt, ...)
{
    va_list ap;

    if (err && errlen) {
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return -EINVAL;
}

static int push(struct dm_argv *a, const char *s)
{
    char *d;

    /* and the NULL that ends it */
    if (array_reserve(&a->v, &a->cap, a->n + 2, sizeof(*a->v), 32))
        return -ENOMEM;
    d = strdup(s);
    if (!d)
        return -ENOMEM;
    a->v[a->n++] = d;
    a->v[a->n] = NULL;
    return 0;
}

static int pushf(struct dm_argv *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int pushf(struct dm_argv *a, const char *fmt, ...)
{
    va_list ap;
    char *s;
    int n, rc;

    va_start(ap, fmt);
    n = vasprintf(&s, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -ENOMEM;
    rc = push(a, s);
    free(s);
    return rc;
}

/* QEMU option values double a literal comma. Caller frees. */
static char *opt_escape(const char *s)
{
    size_t i, j, extra = 0;
    char *d;

    for (i = 0; s[i]; i++)
        extra += s[i] == ',';
    d = malloc(i + extra + 1);
    if (!d)
        return NULL;
    for (i = j = 0; s[i]; i++) {
        d[j++] = s[i];
        if (s[i] == ',')
            d[j++] = ',';
    }
    d[j] = '\0';
    return d;
}

/*
 * vdev -> bus and index as libxl: hdX/xvdX are IDE disks 0..3 (a partition
 * suffix names the disk it is on), sdX are SCSI units.
 */
static int vdev_index(const char *vdev, int *scsi_out, int *idx_out)
{
    const char *p;

    if (!strncmp(vdev, "xvd", 3))
        p = vdev + 3, *scsi_out = 0;
    else if (!strncmp(vdev, "hd", 2))
        p = vdev + 2, *scsi_out = 0;
    else if (!strncmp(vdev, "sd", 2))
        p = vdev + 2, *scsi_out = 1;
    else
        return -EINVAL;
    if (*p < 'a' || *p > 'z')
        return -EINVAL;
    *idx_out = *p - 'a';
    for (p++; *p; p++)
        if (*p < '0' || *p > '9')
            return -EINVAL;
    /* IDE has 4 places; the lsi53c895a 7 targets (id 7 is the HBA's). */
    if (*idx_out > (*scsi_out ? 6 : 3))
        return -EINVAL;
    return 0;
}

static const char *lookup(const char *name, size_t n,
                          const char *const (*tab)[2])
{
    size_t i;

    for (i = 0; i < n; i++)
        if (!strcmp(tab[i][0], name))
            return tab[i][1];
    return NULL;
}

/* An empty cdrom drive takes no format: QEMU wants no file then. */
static int emit_ide(struct dm_argv *a, const struct dm_disk *d,
                    const char *file, const char *fmt, int idx)
{
    int rc = push(a, "-drive");

    if (!rc)
        rc = pushf(a, "%s%s%sif=ide,index=%d,media=%s%s%s%s,id=ide-%d",
                   file ? "file=" : "", file ? file : "", file ? "," : "", idx,
                   d->cdrom ? "cdrom" : "disk", file ? ",format=" : "",
                   file ? fmt : "",
                   d->readonly || d->cdrom ? ",readonly=on" : "", idx);
    return rc;
}

/* pc has no built-in SCSI: drives hang off the lsi53c895a (as libxl). */
static int emit_scsi(struct dm_argv *a, const struct dm_disk *d,
                     const char *file, const char *fmt, int idx)
{
    int rc = push(a, "-drive");

    if (!rc)
        rc = pushf(a, "%s%s%sif=none,id=scsi0-%d%s%s%s", file ? "file=" : "",
                   file ? file : "", file ? "," : "", idx,
                   file ? ",format=" : "", file ? fmt : "",
                   d->readonly || d->cdrom ? ",readonly=on" : "");
    if (!rc)
        rc = push(a, "-device");
    if (!rc)
        rc = pushf(a, "%s,bus=scsi0.0,scsi-id=%d,drive=scsi0-%d",
                   d->cdrom ? "scsi-cd" : "scsi-hd", idx, idx);
    return rc;
}

static int add_disks(const struct dm_config *c, struct dm_argv *a, char *err,
                     size_t errlen)
{
    unsigned used_ide = 0, used_scsi = 0;
    size_t i;
    int rc;

    for (i = 0; i < c->nr_disks; i++) {
        if (c->disks[i].vdev && !strncmp(c->disks[i].vdev, "sd", 2)) {
            rc = push(a, "-device");
            if (!rc)
                rc = push(a, "lsi53c895a,id=scsi0");
            if (rc)
                return rc;
            break;
        }
    }
    for (i = 0; i < c->nr_disks; i++) {
        const struct dm_disk *d = &c->disks[i];
        const char *fmt = "raw";
        char *file = NULL;
        int scsi, idx;
        unsigned *used;

        if (!d->vdev || vdev_index(d->vdev, &scsi, &idx))
            return fail(err, errlen,
                        "disk %zu: vdev '%s' cannot be emulated "
                        "(hda-hdd, xvda-xvdd, sdX)",
                        i, d->vdev ? d->vdev : "");
        used = scsi ? &used_scsi : &used_ide;
        if (idx < 32 && (*used & (1u << idx)))
            return fail(err, errlen,
                        "disk %s: another disk is already "
                        "%s %d",
                        d->vdev, scsi ? "SCSI unit" : "IDE disk", idx);
        if (idx < 32)
            *used |= 1u << idx;
        if (d->format &&
            !(fmt = lookup(d->format, NELEM(disk_formats), disk_formats)))
            return fail(err, errlen, "disk %s: format '%s' not supported",
                        d->vdev, d->format);
        /* As libxl: QEMU's IDE disks cannot be read-only (cdroms are). */
        if (d->readonly && !d->cdrom && !scsi)
            return fail(err, errlen,
                        "disk %s: read-only IDE disks are not "
                        "supported (use a sdX vdev or a cdrom)",
                        d->vdev);
        if (!d->target && !d->cdrom)
            return fail(err, errlen, "disk %s: no target", d->vdev);
        if (d->target && !(file = opt_escape(d->target)))
            return -ENOMEM;
        rc = scsi ? emit_scsi(a, d, file, fmt, idx)
                  : emit_ide(a, d, file, fmt, idx);
        free(file);
        if (rc)
            return rc;
    }
    return 0;
}

static int add_nics(const struct dm_config *c, struct dm_argv *a, char *err,
                    size_t errlen)
{
    size_t i;
    int rc;

    for (i = 0; i < c->nr_nics; i++) {
        const struct dm_nic *n = &c->nics[i];
        const char *model = lookup(n->model ? n->model : "rtl8139",
                                   NELEM(nic_models), nic_models);
        const uint8_t *m = n->mac;

        if (!model)
            return fail(err, errlen,
                        "vif %zu: model '%s' not supported "
                        "(rtl8139, e1000, virtio-net)",
                        i, n->model);
        if (n->tap_fd < 0 && (!n->ifname || strchr(n->ifname, ',')))
            return fail(err, errlen, "vif %zu: no tap", i);
        rc = push(a, "-device");
        if (!rc)
            rc = pushf(a,
                       "%s,id=nic%zu,netdev=net%zu,mac=%02x:%02x:%02x:"
                       "%02x:%02x:%02x",
                       model, i, i, m[0], m[1], m[2], m[3], m[4], m[5]);
        if (!rc)
            rc = push(a, "-netdev");
        if (!rc && n->tap_fd >= 0)
            rc = pushf(a, "type=tap,id=net%zu,fd=%d", i, n->tap_fd);
        else if (!rc)
            rc = pushf(a,
                       "type=tap,id=net%zu,ifname=%s,script=no,"
                       "downscript=no",
                       i, n->ifname);
        if (rc)
            return rc;
    }
    return 0;
}

static int add_qmp(struct dm_argv *a, const char *id, const char *path)
{
    char *p = opt_escape(path);
    int rc;

    if (!p)
        return -ENOMEM;
    rc = push(a, "-chardev");
    if (!rc)
        rc = pushf(a, "socket,id=%s,path=%s,server=on,wait=off", id, p);
    if (!rc)
        rc = push(a, "-mon");
    if (!rc)
        rc = pushf(a, "chardev=%s,mode=control", id);
    free(p);
    return rc;
}

static int add_display(const struct dm_config *c, struct dm_argv *a)
{
    int rc = 0;

    if (c->vnc > 0) {
        int disp = c->vncdisplay >= 0 ? c->vncdisplay : 0;

        rc = push(a, "-vnc");
        if (!rc)
            rc =
                pushf(a, "%s:%d%s%s", c->vnclisten ? c->vnclisten : "127.0.0.1",
                      disp, c->vncunused > 0 ? ",to=99" : "",
                      /* no client gets in before change-vnc-password */
                      c->vncpasswd && *c->vncpasswd ? ",password=on" : "");
    }
    if (!rc && c->sdl > 0)
        rc = push(a, "-display"), rc = rc ? rc : push(a, "sdl");
    if (!rc && c->vnc <= 0 && c->sdl <= 0)
        rc = push(a, "-display"), rc = rc ? rc : push(a, "none");
    if (!rc)
        rc = push(a, "-vga"), rc = rc ? rc : push(a, "std");
    return rc;
}

static int add_machine(const struct dm_config *c, struct dm_argv *a)
{
    unsigned max = c->maxvcpus > c->vcpus ? c->maxvcpus : c->vcpus;
    int rc;

    rc = push(a, c->qemu ? c->qemu : dm_qemu_path());
    if (!rc)
        rc = push(a, "-name");
    if (!rc)
        rc = pushf(a, "%s,debug-threads=on", c->name);
    if (!rc && c->uuid)
        rc = push(a, "-uuid"), rc = rc ? rc : push(a, c->uuid);
    if (!rc)
        rc = push(a, "-machine");
    if (!rc)
        rc = pushf(a, "pc,accel=%s", c->accel ? c->accel : "tcg");
    if (!rc)
        rc = push(a, "-m"),
        rc = rc ? rc : pushf(a, "%llu", (unsigned long long)c->memory_mb);
    if (!rc)
        rc = push(a, "-smp"),
        rc = rc ? rc
                : pushf(a, "%u,maxcpus=%u", c->vcpus ? c->vcpus : 1,
                        max ? max : 1);
    /*
     * QEMU stops instead of exiting on a guest poweroff or panic, so the
     * toolstack decides what it means (on_poweroff, on_crash; the monitor
     * stops a reset too). Reboots stay resets: reboot=shutdown would turn
     * QMP system_reset into a shutdown. bare: QEMU's defaults.
     */
    if (!rc)
        rc = push(a, "-S"), rc = rc ? rc : push(a, "-no-user-config");
    if (!rc)
        rc = push(a, "-nodefaults");
    if (!rc && !c->bare)
        rc = push(a, "-action"),
        rc = rc ? rc : push(a, "shutdown=pause,panic=pause");
    if (!rc)
        rc = push(a, "-device"), rc = rc ? rc : push(a, "pvpanic");
    /* The state comes later over QMP migrate-incoming (restore). */
    if (!rc && c->incoming)
        rc = push(a, "-incoming"), rc = rc ? rc : push(a, "defer");
    return rc;
}

int dm_argv_build(const struct dm_config *c, struct dm_argv *out, char *err,
                  size_t errlen)
{
    int rc;

    memset(out, 0, sizeof(*out));
    if (!c->name || !*c->name)
        return fail(err, errlen, "domain has no name");
    if (!c->memory_mb)
        return fail(err, errlen, "memory must be > 0");
    if (!c->qmp_path)
        return fail(err, errlen, "no QMP path");
    if (c->ramdisk && !c->kernel)
        return fail(err, errlen, "ramdisk given without kernel");
    rc = add_machine(c, out);
    if (!rc)
        rc = add_qmp(out, "libxl-cmd", c->qmp_path);
    if (!rc && c->event_path)
        rc = add_qmp(out, "pvstack-ev", c->event_path);
    if (!rc)
        rc = push(out, "-boot");
    if (!rc)
        rc = pushf(out, "order=%s", c->boot && *c->boot ? c->boot : "cd");
    if (!rc)
        rc = push(out, "-rtc");
    if (!rc)
        rc = push(out, c->localtime > 0 ? "base=localtime" : "base=utc");
    if (!rc && c->serial_pty > 0) {
        rc = push(out, "-chardev");
        if (!rc)
            rc = push(out, "pty,id=serial0");
        if (!rc)
            rc = push(out, "-serial"),
            rc = rc ? rc : push(out, "chardev:serial0");
    }
    if (!rc)
        rc = add_display(c, out);
    if (!rc && c->usb > 0)
        rc = push(out, "-usb");
    if (!rc)
        rc = add_disks(c, out, err, errlen);
    if (!rc)
        rc = add_nics(c, out, err, errlen);
    if (!rc && c->kernel) {
        rc = push(out, "-kernel"), rc = rc ? rc : push(out, c->kernel);
        if (!rc && c->ramdisk)
            rc = push(out, "-initrd"), rc = rc ? rc : push(out, c->ramdisk);
        if (!rc && c->cmdline)
            rc = push(out, "-append"), rc = rc ? rc : push(out, c->cmdline);
    }
    for (size_t i = 0; !rc && i < c->nr_extra; i++)
        rc = push(out, c->extra_args[i]);
    if (rc && rc != -EINVAL && err && errlen)
        snprintf(err, errlen, "out of memory");
    return rc;
}

void dm_argv_fini(struct dm_argv *a)
{
    size_t i;

    if (!a)
        return;
    for (i = 0; i < a->n; i++)
        free(a->v[i]);
    free(a->v);
    memset(a, 0, sizeof(*a));
}
