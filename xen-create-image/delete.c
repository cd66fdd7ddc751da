/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * delete.c: xen-delete-image --hostname=X [--dir D | --lvm VG]. Removes the
 * guest's disks (image files and their directory, or LVs and their loop
 * mapping) and its cfg; refuses while the domain runs or an image is still
 * attached to a loop device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common.h"
#include "conf.h"
#include "layout.h"
#include "lvm.h"
#include "opts.h"
#include "run.h"

struct xdi {
    struct xci_conf c;
    struct xci_log log;
    const char *dir, *vg;
    char output[4096];
    const char *ext;
    int test, nodm;
};

/* An image still on a loop device is in use (a backend or a mount). */
static int file_in_use(struct xdi *d, const char *path)
{
    char *out = NULL;
    int busy;

    if (xci_run_capture(&d->log, (const char *[]){"losetup", "-j", path, NULL},
                        &out))
        return 0;
    busy = out && *out;
    free(out);
    return busy;
}

static int remove_file(struct xdi *d, const char *path)
{
    if (access(path, F_OK)) {
        printf("Ignoring missing file: %s\n", path);
        return 0;
    }
    printf("%s: %s\n", d->test ? "Would delete" : "Deleting", path);
    if (!d->test && unlink(path)) {
        fprintf(stderr, "xen-delete-image: %s: %s\n", path, strerror(errno));
        return -errno;
    }
    return 0;
}

static int delete_files(struct xdi *d, const char *host)
{
    enum xci_disk w[2] = {XCI_DISK_SWAP, XCI_DISK_ROOT};
    char path[4096], dir[4096];
    int i, rc = 0;

    for (i = 0; i < 2; i++) {
        if (xci_layout_path(path, sizeof(path), d->dir, NULL, host, w[i]))
            return -ENAMETOOLONG;
        if (!access(path, F_OK) && file_in_use(d, path)) {
            fprintf(stderr,
                    "xen-delete-image: %s is attached to a loop device "
                    "(in use); not deleting %s\n",
                    path, host);
            return -EBUSY;
        }
    }
    for (i = 0; i < 2 && !rc; i++) {
        xci_layout_path(path, sizeof(path), d->dir, NULL, host, w[i]);
        rc = remove_file(d, path);
    }
    snprintf(dir, sizeof(dir), "%s/domains/%s", d->dir, host);
    if (!rc && !access(dir, F_OK)) {
        printf("%s: %s\n", d->test ? "Would remove" : "Removing", dir);
        if (!d->test && rmdir(dir)) {
            fprintf(stderr, "xen-delete-image: %s: %s\n", dir, strerror(errno));
            rc = -errno;
        }
    }
    return rc;
}

static int delete_lvs(struct xdi *d, const char *host)
{
    enum xci_disk w[2] = {XCI_DISK_SWAP, XCI_DISK_ROOT};
    char lv[512];
    int i, rc = 0;

    for (i = 0; i < 2 && !rc; i++) {
        xci_layout_lv(lv, sizeof(lv), host, w[i]);
        if (xci_lvm_lv_exists(&d->log, d->vg, lv, d->nodm) != 1) {
            printf("Ignoring missing LVM volume /dev/%s/%s\n", d->vg, lv);
            continue;
        }
        printf("%s LVM volume /dev/%s/%s\n",
               d->test ? "Would remove" : "Removing", d->vg, lv);
        if (d->test)
            continue;
        rc = xci_lvm_unexpose(&d->log, d->vg, lv);
        if (!rc)
            rc = xci_lvm_remove(&d->log, d->vg, lv, d->nodm);
        if (rc)
            fprintf(stderr, "xen-delete-image: removing %s/%s failed\n", d->vg,
                    lv);
    }
    return rc;
}

static int delete_one(void *ctx, const char *host)
{
    struct xdi *d = ctx;
    char cfg[4400];
    int rc;

    rc = d->vg ? delete_lvs(d, host) : delete_files(d, host);
    if (rc)
        return rc;
    snprintf(cfg, sizeof(cfg), "%s/%s%s", d->output, host, d->ext);
    return remove_file(d, cfg);
}

int main(int argc, char **argv)
{
    static const char *const vals[] = {"hostname", "dir",       "lvm", "output",
                                       "config",   "extension", NULL};
    static const char *const flags[] = {"test", "dry-run", "verbose", NULL};
    struct xdi d = {.log = {.term = stdout}};
    struct xci_conf cl = {0};
    int rc;

    rc = xci_tool_setup(&d.c, &cl, argc, argv, "xen-delete-image",
                        "[--test] [--dir=DIR | --lvm=VG] [--output=DIR] "
                        "--hostname=NAME [NAME...]",
                        vals, flags);
    if (!rc)
        rc = xci_tool_output(d.output, sizeof(d.output), &d.c);
    if (rc)
        goto out;
    d.dir = xci_conf_get(&d.c, "dir");
    d.vg = xci_conf_get(&d.c, "lvm");
    d.dir = d.dir && *d.dir ? d.dir : NULL;
    d.vg = d.vg && *d.vg ? d.vg : NULL;
    d.ext = xci_conf_get(&d.c, "extension") ? xci_conf_get(&d.c, "extension")
                                            : ".cfg";
    d.test = xci_conf_bool(&d.c, "test") || xci_conf_bool(&d.c, "dry-run");
    d.log.verbose = xci_conf_bool(&d.c, "verbose");
    d.nodm = d.vg && !xci_lvm_has_dm();
    if (!d.dir == !d.vg || !xci_conf_get(&d.c, "hostname")) {
        fprintf(stderr, "xen-delete-image: give --hostname and one of --dir "
                        "or --lvm\n");
        rc = -EINVAL;
        goto out;
    }
    if (!d.test && geteuid() != 0) {
        fprintf(stderr, "xen-delete-image: must be run as root\n");
        rc = -EPERM;
        goto out;
    }
    rc = xci_tool_each_host(&d.c, "xen-delete-image", delete_one, &d);
out:
    xci_conf_fini(&cl);
    xci_conf_fini(&d.c);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
