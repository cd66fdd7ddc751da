/* SPDX-License-Identifier: GPL-2.0-only */
/* undo.c: reverse-order cleanup of what the image builder made. */
#include "undo.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct undo_ent {
    enum xci_undo_kind kind;
    char *arg, *arg2;
};

struct xci_undo {
    struct undo_ent *e;
    size_t n, cap;
};

int xci_undo_create(struct xci_undo **out)
{
    *out = calloc(1, sizeof(**out));
    return *out ? 0 : -ENOMEM;
}

int xci_undo_push(struct xci_undo *u, enum xci_undo_kind kind, const char *arg,
                  const char *arg2)
{
    struct undo_ent *e;

    if (u->n == u->cap) {
        size_t cap = u->cap ? 2 * u->cap : 16;
        struct undo_ent *ne = realloc(u->e, cap * sizeof(*ne));

        if (!ne)
            return -ENOMEM;
        u->e = ne;
        u->cap = cap;
    }
    e = &u->e[u->n];
    e->kind = kind;
    e->arg = strdup(arg);
    e->arg2 = arg2 ? strdup(arg2) : NULL;
    if (!e->arg || (arg2 && !e->arg2)) {
        free(e->arg);
        free(e->arg2);
        return -ENOMEM;
    }
    u->n++;
    return 0;
}

int xci_loop_wait_gone(const char *dev)
{
    const char *name = strrchr(dev, '/');
    char path[128];
    int i;

    snprintf(path, sizeof(path), "/sys/block/%s/loop/backing_file",
             name ? name + 1 : dev);
    /* The kernel may finish a detach (or an autoclear) after losetup -d
     * returns; callers that check "is this image in use" next must not
     * see our own loop device. */
    for (i = 0; i < 300; i++) {
        if (access(path, F_OK))
            return 0;
        usleep(50 * 1000);
    }
    return -EBUSY;
}

static int undo_one(struct undo_ent *e, struct xci_log *l)
{
    int rc = 0;

    switch (e->kind) {
    case XCI_UNDO_UNLINK:
        xci_note(l, "Removing %s", e->arg);
        if (unlink(e->arg) && errno != ENOENT)
            rc = -errno;
        break;
    case XCI_UNDO_RMDIR:
        xci_note(l, "Removing directory %s", e->arg);
        if (rmdir(e->arg) && errno != ENOENT)
            rc = -errno;
        break;
    case XCI_UNDO_UMOUNT: {
        const char *a[] = {"umount", e->arg, NULL};
        const char *lz[] = {"umount", "-l", e->arg, NULL};

        /* A busy mount (a stray process in the chroot) is detached lazily
         * rather than left behind. */
        rc = xci_run(l, a, NULL, 0);
        if (rc)
            rc = xci_run(l, lz, NULL, 0);
        break;
    }
    case XCI_UNDO_LOOP: {
        const char *a[] = {"losetup", "-d", e->arg, NULL};

        rc = xci_run(l, a, NULL, 0);
        /* Busy (an LVM scan has it open): the kernel has set autoclear
         * and detaches it when the last user closes it. */
        if (!rc && xci_loop_wait_gone(e->arg))
            xci_note(l,
                     "%s: still attached; the kernel detaches it when "
                     "it is closed",
                     e->arg);
        break;
    }
    case XCI_UNDO_LV: {
        const char *dm[] = {"lvremove", "-f", e->arg, NULL};
        const char *nodm[] = {"lvremove", "-f",   "--driverloaded",
                              "n",        e->arg, NULL};

        rc = xci_run(l, e->arg2 ? nodm : dm, NULL, 0);
        break;
    }
    case XCI_UNDO_DEVLINK: {
        char *d = strdup(e->arg);

        xci_note(l, "Removing %s", e->arg);
        if (unlink(e->arg) && errno != ENOENT)
            rc = -errno;
        if (d)
            rmdir(dirname(d)); /* only when empty: other LVs stay */
        free(d);
        break;
    }
    }
    return rc;
}

int xci_undo_run(struct xci_undo *u, struct xci_log *l)
{
    int rc = 0;

    while (u && u->n) {
        struct undo_ent *e = &u->e[--u->n];
        int r = undo_one(e, l);

        if (r && !rc)
            rc = r;
        free(e->arg);
        free(e->arg2);
    }
    return rc;
}

void xci_undo_forget(struct xci_undo *u)
{
    while (u && u->n) {
        u->n--;
        free(u->e[u->n].arg);
        free(u->e[u->n].arg2);
    }
}

void xci_undo_destroy(struct xci_undo *u)
{
    if (!u)
        return;
    xci_undo_forget(u);
    free(u->e);
    free(u);
}
