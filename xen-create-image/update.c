/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * update.c: xen-update-image --hostname=X [--dir D | --lvm VG]. Mounts the
 * stopped guest's root (with /proc and /dev/pts, xen-tools issue #20) and
 * runs apt-get update and upgrade in it, or --command CMD instead; always
 * unmounts and detaches what it attached.
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
#include "storage.h"
#include "undo.h"

static int mount_extra(struct xci_log *l, const char *mnt,
                       struct xci_undo *temp)
{
    static const char *const what[][3] = {{"proc", "proc", "/proc"},
                                          {"devpts", "devpts", "/dev/pts"}};
    size_t i;
    int rc = 0;

    for (i = 0; i < 2 && !rc; i++) {
        char path[4200];

        snprintf(path, sizeof(path), "%s%s", mnt, what[i][2]);
        if (access(path, F_OK))
            continue;
        rc = xci_run(
            l,
            (const char *[]){"mount", "-t", what[i][0], what[i][1], path, NULL},
            NULL, 0);
        if (!rc)
            rc = xci_undo_push(temp, XCI_UNDO_UMOUNT, path, NULL);
    }
    return rc;
}

static int run_in(struct xci_log *l, const char *mnt, const char *cmd)
{
    struct xci_conf env = {0};
    int rc = xci_conf_set(&env, "DEBIAN-FRONTEND", "noninteractive");

    /* conf keys are normalised to '-': put the '_' back for the env. */
    if (!rc)
        env.v[0].key[strlen("DEBIAN")] = '_';
    if (!rc)
        rc = xci_run(
            l, (const char *[]){"chroot", mnt, "/bin/sh", "-c", cmd, NULL},
            &env, 0);
    xci_conf_fini(&env);
    return rc;
}

/* What update_one needs: the log and the settings. */
struct xui {
    struct xci_log *log;
    const struct xci_conf *c;
};

static int update_one(void *ctx, const char *host)
{
    struct xui *u = ctx;
    struct xci_log *l = u->log;
    const struct xci_conf *c = u->c;
    const char *dir = xci_conf_get(c, "dir"), *vg = xci_conf_get(c, "lvm");
    const char *cmd = xci_conf_get(c, "command");
    struct xci_undo *temp = NULL;
    char root[4096], mnt[4096];
    int rc;

    vg = vg && *vg ? vg : NULL;
    rc = xci_layout_path(root, sizeof(root), dir, vg, host, XCI_DISK_ROOT);
    if (rc)
        return rc;
    if (access(root, F_OK)) {
        fprintf(stderr, "xen-update-image: %s: no such disk\n", root);
        return -ENOENT;
    }
    rc = xci_undo_create(&temp);
    if (rc)
        return rc;
    printf("Updating image: %s\n", host);
    rc = xci_storage_mount(l, root, !vg, temp, mnt, sizeof(mnt));
    if (!rc)
        rc = mount_extra(l, mnt, temp);
    if (!rc && cmd)
        rc = run_in(l, mnt, cmd);
    else if (!rc)
        rc = run_in(l, mnt,
                    "/usr/bin/apt-get -q update && "
                    "/usr/bin/apt-get -q -y upgrade && /usr/bin/apt-get clean");
    if (rc)
        fprintf(stderr, "xen-update-image: updating %s failed\n", host);
    if (xci_undo_run(temp, l) && !rc)
        rc = -EIO;
    xci_undo_destroy(temp);
    if (!rc)
        printf("Done\n");
    return rc;
}

int main(int argc, char **argv)
{
    static const char *const vals[] = {"hostname", "dir",     "lvm",
                                       "config",   "command", NULL};
    static const char *const flags[] = {"verbose", NULL};
    struct xci_log log = {.term = stdout};
    struct xci_conf cl = {0}, c = {0};
    struct xui u = {.log = &log, .c = &c};
    const char *dir, *vg;
    int rc;

    rc = xci_tool_setup(&c, &cl, argc, argv, "xen-update-image",
                        "[--dir=DIR | --lvm=VG] [--command=CMD] "
                        "--hostname=NAME [NAME...]",
                        vals, flags);
    if (rc)
        goto out;
    /* The user wants to see what apt (or --command) says. */
    log.verbose = 1;
    dir = xci_conf_get(&c, "dir");
    vg = xci_conf_get(&c, "lvm");
    if (!(dir && *dir) == !(vg && *vg) || !xci_conf_get(&c, "hostname")) {
        fprintf(stderr, "xen-update-image: give --hostname and one of --dir "
                        "or --lvm\n");
        rc = -EINVAL;
        goto out;
    }
    if (geteuid() != 0) {
        fprintf(stderr, "xen-update-image: must be run as root\n");
        rc = -EPERM;
        goto out;
    }
    rc = xci_tool_each_host(&c, "xen-update-image", update_one, &u);
out:
    xci_conf_fini(&cl);
    xci_conf_fini(&c);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
