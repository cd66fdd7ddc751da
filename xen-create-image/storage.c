/* SPDX-License-Identifier: GPL-2.0-only */
/* storage.c: image files, LVs, mkfs, mkswap and mounting (see storage.h). */
#include "storage.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout.h"
#include "lvm.h"

int xci_have_prog(const char *prog)
{
    const char *path = getenv("PATH");
    char *dup, *dir, *save = NULL;
    char buf[4096];
    int found = 0;

    if (strchr(prog, '/'))
        return access(prog, X_OK) == 0;
    dup = strdup(path ? path : "/usr/sbin:/usr/bin:/sbin:/bin");
    if (!dup)
        return 0;
    for (dir = strtok_r(dup, ":", &save); dir && !found;
         dir = strtok_r(NULL, ":", &save)) {
        snprintf(buf, sizeof(buf), "%s/%s", dir, prog);
        found = access(buf, X_OK) == 0;
    }
    free(dup);
    return found;
}

int xci_storage_check(struct xci_log *l, const struct xci_settings *s, int nodm)
{
    enum xci_disk d[2] = {XCI_DISK_ROOT, XCI_DISK_SWAP};
    char buf[4096];
    int i, rc;

    if (s->lvm && xci_lvm_vg_check(l, s->lvm, nodm)) {
        xci_say(l, "The volume group '%s' does not exist.  Aborting.", s->lvm);
        return -ENOENT;
    }
    for (i = 0; i < (s->noswap ? 1 : 2); i++) {
        if (s->lvm) {
            rc = xci_layout_lv(buf, sizeof(buf), s->hostname, d[i]);
            if (rc)
                return rc;
            rc = xci_lvm_lv_exists(l, s->lvm, buf, nodm);
            if (rc < 0)
                return rc;
            if (rc == 1 && !s->force) {
                xci_say(l,
                        "The LVM disk image %s/%s already exists.  "
                        "Aborting.\nSpecify '--force' to delete and "
                        "recreate",
                        s->lvm, buf);
                return -EEXIST;
            }
            continue;
        }
        rc = xci_layout_path(buf, sizeof(buf), s->dir, NULL, s->hostname, d[i]);
        if (rc)
            return rc;
        if (access(buf, F_OK) == 0 && !s->force) {
            xci_say(l,
                    "The partition image already exists.  Aborting.\n"
                    "Specify '--force' to overwrite, or remove the "
                    "following file\n%s",
                    buf);
            return -EEXIST;
        }
    }
    return 0;
}

static int mkdir_p(const char *path, struct xci_undo *made)
{
    char buf[4096];
    char *p;
    int rc;

    if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
        return -ENAMETOOLONG;
    for (p = buf + 1;; p++) {
        int last = *p == '\0';

        if (*p != '/' && !last)
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) == 0) {
            rc = xci_undo_push(made, XCI_UNDO_RMDIR, buf, NULL);
            if (rc)
                return rc;
        } else if (errno != EEXIST) {
            return -errno;
        }
        if (last)
            break;
        *p = '/';
    }
    return 0;
}

static int make_image(struct xci_log *l, const char *path,
                      unsigned long long bytes, int sparse,
                      struct xci_undo *made)
{
    int fd, rc;

    xci_say(l, "\nCreating %s image: %s", sparse ? "sparse" : "full-sized",
            path);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    rc = xci_undo_push(made, XCI_UNDO_UNLINK, path, NULL);
    if (!rc && ftruncate(fd, (off_t)bytes))
        rc = -errno;
    /* "full" allocates every block now, as xen-tools' dd from /dev/zero. */
    if (!rc && !sparse)
        rc = -posix_fallocate(fd, 0, (off_t)bytes);
    if (close(fd) && !rc)
        rc = -errno;
    if (!rc)
        xci_say(l, "Done");
    return rc;
}

static int make_fs(struct xci_log *l, const char *fs, const char *dev)
{
    char prog[32];
    /* Image files need force: mkfs asks before writing to a regular file. */
    const char *force = strncmp(fs, "ext", 3) ? "-f" : "-F";
    int rc;

    snprintf(prog, sizeof(prog), "mkfs.%s", fs);
    xci_say(l, "\nCreating %s filesystem on %s", fs, dev);
    rc = xci_run(l, (const char *[]){prog, force, "-q", dev, NULL}, NULL, 0);
    if (!rc)
        xci_say(l, "Done");
    return rc;
}

static int make_swap(struct xci_log *l, const char *dev)
{
    int rc;

    xci_say(l, "\nCreating swap on %s", dev);
    rc = xci_run(l, (const char *[]){"mkswap", dev, NULL}, NULL, 0);
    if (!rc)
        xci_say(l, "Done");
    return rc;
}

static int create_lv(struct xci_log *l, const struct xci_settings *s,
                     enum xci_disk d, int nodm, struct xci_undo *made)
{
    char lv[512], full[1024], loop[64];
    unsigned long long bytes =
        d == XCI_DISK_ROOT ? s->size_bytes : s->swap_bytes;
    int rc = xci_layout_lv(lv, sizeof(lv), s->hostname, d);

    if (rc)
        return rc;
    snprintf(full, sizeof(full), "%s/%s", s->lvm, lv);
    if (s->force && xci_lvm_lv_exists(l, s->lvm, lv, nodm) == 1) {
        xci_lvm_unexpose(l, s->lvm, lv);
        rc = xci_lvm_remove(l, s->lvm, lv, nodm);
        if (rc)
            return rc;
    }
    xci_say(l, "\nCreating LVM image: %s", full);
    rc = xci_lvm_create(l, s->lvm, lv, bytes, nodm);
    if (!rc)
        rc = xci_undo_push(made, XCI_UNDO_LV, full, nodm ? "nodm" : NULL);
    if (rc || !nodm)
        return rc;
    rc = xci_lvm_expose(l, s->lvm, lv, loop, sizeof(loop));
    if (!rc)
        rc = xci_undo_push(made, XCI_UNDO_LOOP, loop, NULL);
    if (!rc) {
        snprintf(full, sizeof(full), "/dev/%s/%s", s->lvm, lv);
        rc = xci_undo_push(made, XCI_UNDO_DEVLINK, full, NULL);
    }
    return rc;
}

int xci_storage_create(struct xci_log *l, const struct xci_settings *s,
                       int nodm, struct xci_undo *made)
{
    char root[4096], swap[4096], dir[4096];
    int rc;

    rc = xci_layout_path(root, sizeof(root), s->dir, s->lvm, s->hostname,
                         XCI_DISK_ROOT);
    if (!rc)
        rc = xci_layout_path(swap, sizeof(swap), s->dir, s->lvm, s->hostname,
                             XCI_DISK_SWAP);
    if (rc)
        return rc;
    if (s->lvm) {
        rc = create_lv(l, s, XCI_DISK_ROOT, nodm, made);
        if (!rc && !s->noswap)
            rc = create_lv(l, s, XCI_DISK_SWAP, nodm, made);
    } else {
        snprintf(dir, sizeof(dir), "%s", root);
        rc = mkdir_p(dirname(dir), made);
        if (!rc && s->force) {
            unlink(root);
            unlink(swap);
        }
        if (!rc)
            rc = make_image(l, root, s->size_bytes, s->sparse, made);
        if (!rc && !s->noswap)
            rc = make_image(l, swap, s->swap_bytes, s->sparse, made);
    }
    if (!rc)
        rc = make_fs(l, s->fs, root);
    if (!rc && !s->noswap)
        rc = make_swap(l, swap);
    return rc;
}

int xci_storage_mount(struct xci_log *l, const char *dev, int is_file,
                      struct xci_undo *temp, char *mnt_out, size_t len)
{
    const char *tmp = getenv("TMPDIR");
    char loop[64] = "", *o = NULL;
    int rc;

    if (snprintf(mnt_out, len, "%s/xen-create-image.XXXXXX",
                 tmp && *tmp ? tmp : "/tmp") >= (int)len)
        return -ENAMETOOLONG;
    if (!mkdtemp(mnt_out))
        return -errno;
    rc = xci_undo_push(temp, XCI_UNDO_RMDIR, mnt_out, NULL);
    if (rc)
        return rc;
    if (is_file) {
        /* Our own loop device, so it is detached however we end. */
        rc = xci_run_capture(
            l, (const char *[]){"losetup", "-f", "--show", dev, NULL}, &o);
        if (rc)
            return rc;
        o[strcspn(o, "\n")] = '\0';
        snprintf(loop, sizeof(loop), "%s", o);
        free(o);
        rc = xci_undo_push(temp, XCI_UNDO_LOOP, loop, NULL);
        if (rc)
            return rc;
        dev = loop;
    }
    rc = xci_run(l, (const char *[]){"mount", dev, mnt_out, NULL}, NULL, 0);
    if (!rc)
        rc = xci_undo_push(temp, XCI_UNDO_UMOUNT, mnt_out, NULL);
    return rc;
}
