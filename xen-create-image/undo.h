/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * undo.h: a list of what the image builder made, undone in reverse order on
 * failure (unmount, detach loops, remove LVs, files and directories).
 */
#ifndef XT_XCI_UNDO_H
#define XT_XCI_UNDO_H

#include "run.h"

enum xci_undo_kind {
    XCI_UNDO_UNLINK,  /* a file: arg */
    XCI_UNDO_RMDIR,   /* an empty directory: arg */
    XCI_UNDO_UMOUNT,  /* a mount point: arg */
    XCI_UNDO_LOOP,    /* losetup -d arg */
    XCI_UNDO_LV,      /* lvremove arg ("vg/lv"); arg2 "nodm" without dm */
    XCI_UNDO_DEVLINK, /* /dev/vg/lv symlink arg; rmdir its dir if empty */
};

struct xci_undo;

int xci_undo_create(struct xci_undo **out);
/* Record an action (copies the strings). Returns 0 or -ENOMEM. */
int xci_undo_push(struct xci_undo *u, enum xci_undo_kind kind, const char *arg,
                  const char *arg2);
/* Undo everything recorded, last first, logging each step; empties u.
 * Returns 0 or the first error (it goes on after errors). */
int xci_undo_run(struct xci_undo *u, struct xci_log *l);
/* Forget the list without undoing (the work is kept). */
void xci_undo_forget(struct xci_undo *u);
void xci_undo_destroy(struct xci_undo *u);

/* Wait (up to 15 s) until loop device dev has no backing file any more.
 * Returns 0 or -EBUSY. */
int xci_loop_wait_gone(const char *dev);

#endif
