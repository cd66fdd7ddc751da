/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * kinds.c: the keys libxl writes for each device kind (libxl_disk.c,
 * libxl_nic.c, libxl_console.c) and xl's block-list / network-list rows.
 */
#include "device/device.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "device/internal.h"
#include "lib/parse.h"

#define XENCONSOLE_LIMIT 1048576

int device_vbd_add(struct xs_handle *xs, const struct device_vbd *d)
{
    char fid[16], bid[16], vdevnum[16], discard[4];
    struct dev_paths p;

    if (!d->target || !d->vdev || !*d->vdev || d->domid == d->backend_domid)
        return -EINVAL;
    snprintf(fid, sizeof(fid), "%u", d->domid);
    snprintf(bid, sizeof(bid), "%u", d->backend_domid);
    snprintf(vdevnum, sizeof(vdevnum), "%u", d->devid);
    snprintf(discard, sizeof(discard), "%d", d->discard ? 1 : 0);
    const struct dev_kv back[] = {
        {"params", d->target},
        {"script", d->script},
        {"frontend-id", fid},
        {"online", "1"},
        {"removable", d->removable ? "1" : "0"},
        {"bootable", "1"},
        {"state", "1"},
        {"dev", d->vdev},
        {"type", d->backend_type ? d->backend_type : "phy"},
        {"mode", d->readwrite ? "w" : "r"},
        {"device-type", d->is_cdrom ? "cdrom" : "disk"},
        {"discard-enable", d->discard >= 0 ? discard : NULL},
        {NULL, NULL},
    };
    const struct dev_kv front[] = {
        {"backend-id", bid},
        {"state", "1"},
        {"virtual-device", vdevnum},
        {"device-type", d->is_cdrom ? "cdrom" : "disk"},
        {"trusted", "1"},
        /* For pre-2.6.26 frontends that never write it themselves. */
        {"protocol", "x86_64-abi"},
        {NULL, NULL},
    };
    dev_paths_make(&p, "vbd", d->domid, d->devid, d->backend_domid);
    return dev_generic_add(xs, &p, d->domid, d->backend_domid, back, front,
                           NULL, 0);
}

int device_vif_add(struct xs_handle *xs, const struct device_vif *v)
{
    char fid[16], bid[16], handle[16], mac[18], mtu[16], rate[48];
    struct dev_paths p;

    if (v->domid == v->backend_domid || (v->mac[0] & 1))
        return -EINVAL;
    snprintf(fid, sizeof(fid), "%u", v->domid);
    snprintf(bid, sizeof(bid), "%u", v->backend_domid);
    snprintf(handle, sizeof(handle), "%u", v->devid);
    snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", v->mac[0],
             v->mac[1], v->mac[2], v->mac[3], v->mac[4], v->mac[5]);
    snprintf(mtu, sizeof(mtu), "%u", v->mtu);
    snprintf(rate, sizeof(rate), "%llu,%u",
             (unsigned long long)v->rate_bytes_per_interval,
             v->rate_interval_usecs);
    const struct dev_kv back[] = {
        {"frontend-id", fid},
        {"online", "1"},
        {"state", "1"},
        {"script", v->script},
        {"vifname", v->vifname},
        {"mac", mac},
        {"ip", v->ip},
        {"rate", v->rate_bytes_per_interval ? rate : NULL},
        {"mtu", v->mtu && v->mtu != 1500 ? mtu : NULL},
        {"bridge", v->bridge ? v->bridge : "xenbr0"},
        {"handle", handle},
        {"type", "vif"},
        {NULL, NULL},
    };
    const struct dev_kv front[] = {
        {"backend-id", bid}, {"state", "1"},   {"handle", handle},
        {"mac", mac},        {"trusted", "1"}, {NULL, NULL},
    };
    const struct dev_kv ro_front[] = {
        {"mtu", v->mtu ? mtu : "1500"},
        {NULL, NULL},
    };
    dev_paths_make(&p, "vif", v->domid, v->devid, v->backend_domid);
    return dev_generic_add(xs, &p, v->domid, v->backend_domid, back, front,
                           ro_front, 0);
}

int device_console_add(struct xs_handle *xs, uint32_t domid,
                       uint32_t backend_domid, uint64_t ring_ref, uint32_t port)
{
    char fid[16], bid[16], limit[16], ref[24], ports[16];
    struct dev_paths p;

    if (domid == backend_domid)
        return -EINVAL;
    snprintf(fid, sizeof(fid), "%u", domid);
    snprintf(bid, sizeof(bid), "%u", backend_domid);
    snprintf(limit, sizeof(limit), "%d", XENCONSOLE_LIMIT);
    snprintf(ref, sizeof(ref), "%llu", (unsigned long long)ring_ref);
    snprintf(ports, sizeof(ports), "%u", port);
    const struct dev_kv back[] = {
        {"frontend-id", fid},  {"online", "1"}, {"state", "1"},
        {"protocol", "vt100"}, {NULL, NULL},
    };
    const struct dev_kv front[] = {
        {"backend-id", bid},
        {NULL, NULL},
    };
    /* The guest must not redirect xenconsoled: read-only to it. */
    const struct dev_kv ro_front[] = {
        {"limit", limit}, {"type", "xenconsoled"}, {"output", "pty"},
        {"tty", ""},      {"port", ports},         {"ring-ref", ref},
        {NULL, NULL},
    };
    dev_paths_make(&p, "console", domid, 0, backend_domid);
    return dev_generic_add(xs, &p, domid, backend_domid, back, front, ro_front,
                           1);
}

int device_vbd_find(struct xs_handle *xs, uint32_t domid, const char *vdev,
                    uint32_t *devid_out)
{
    uint32_t ids[256];
    struct dev_paths p;
    long long num;
    int n = device_list(xs, "vbd", domid, ids, 256), i, found = 0;
    char *dev;

    if (parse_ll(vdev, 10, 0, UINT32_MAX, &num))
        num = -1;
    for (i = 0; i < n && !found; i++) {
        dev_paths_make(&p, "vbd", domid, ids[i], 0);
        dev = dev_read(xs, p.lx, "dev");
        if ((dev && !strcmp(dev, vdev)) || num == (long long)ids[i]) {
            *devid_out = ids[i];
            found = 1;
        }
        free(dev);
    }
    return found ? 0 : -ENOENT;
}

void device_block_list_header(FILE *out)
{
    fprintf(out, "%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE",
            "handle", "state", "evt-ch", "ring-ref", "BE-path");
}

int device_block_list(struct xs_handle *xs, uint32_t domid, FILE *out)
{
    uint32_t ids[256], bdom;
    struct dev_paths p;
    int n = device_list(xs, "vbd", domid, ids, 256), i;
    char *be;

    for (i = 0; i < n; i++) {
        if (device_backend_domid(xs, "vbd", domid, ids[i], &bdom))
            continue;
        dev_paths_make(&p, "vbd", domid, ids[i], bdom);
        be = dev_read(xs, p.lx, "backend");
        /* xl prints the frontend domid in the "handle" column. */
        fprintf(out, "%-5d %-3d %-6d %-5d %-6d %-8d %-30s\n", (int)ids[i],
                (int)bdom, (int)domid, dev_read_int(xs, p.fe, "state"),
                dev_read_int(xs, p.fe, "event-channel"),
                dev_read_int(xs, p.fe, "ring-ref"), be ? be : p.be);
        free(be);
    }
    return n;
}

void device_network_list_header(FILE *out)
{
    fprintf(out, "%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx", "BE",
            "Mac Addr.", "handle", "state", "evt-ch", "tx-", "rx-ring-ref",
            "BE-path");
}

int device_network_list(struct xs_handle *xs, uint32_t domid, FILE *out)
{
    uint32_t ids[256], bdom;
    struct dev_paths p;
    int n = device_list(xs, "vif", domid, ids, 256), i;
    char *be, *mac;

    for (i = 0; i < n; i++) {
        if (device_backend_domid(xs, "vif", domid, ids[i], &bdom))
            continue;
        dev_paths_make(&p, "vif", domid, ids[i], bdom);
        be = dev_read(xs, p.lx, "backend");
        mac = dev_read(xs, p.lx, "mac");
        fprintf(out, "%-3d %-2d %s%6d %5d %6d %5d/%-11d %-30s\n", (int)ids[i],
                (int)bdom, mac ? mac : "00:00:00:00:00:00", (int)ids[i],
                dev_read_int(xs, p.fe, "state"),
                dev_read_int(xs, p.fe, "event-channel"),
                dev_read_int(xs, p.fe, "tx-ring-ref"),
                dev_read_int(xs, p.fe, "rx-ring-ref"), be ? be : p.be);
        free(be);
        free(mac);
    }
    return n;
}
