/* SPDX-License-Identifier: GPL-2.0-only */
/* internal.h: declarations shared by the files of toolstack/dm only. */
#ifndef XT_DM_INTERNAL_H
#define XT_DM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dm/dm.h"
#include "dm/qmp.h"

/* The QEMU pid recorded at launch. Returns 0 or -errno (-ENOENT: none). */
int dm_pid_read(uint32_t domid, pid_t *pid_out);
/* Wait until pid has exited (or is a zombie). 0, or -ETIMEDOUT. */
int dm_wait_gone(pid_t pid, int timeout_ms);
/*
 * The guest's shutdown as dm's monitor records it (QEMU kept stopped for
 * the toolstack): root/run/xen/qemu-dm-<domid>.shutdown holds the
 * SHUTDOWN_* reason. path: 0 or -ENAMETOOLONG; write: 0 or -errno; read:
 * 0 and *reason_out, or -ENOENT (not shut down) / -errno.
 */
int dm_shut_path(uint32_t domid, char *buf, size_t len);
int dm_shut_write(uint32_t domid, unsigned reason);
int dm_shut_read(uint32_t domid, unsigned *reason_out);
/* Remove the QMP sockets, the pid file and the shutdown record; missing
 * files are fine. */
void dm_files_remove(uint32_t domid);
/* QMP query-status "status" -> our state. */
enum dm_state dm_state_from_qemu(const char *status);

/* How a guest event left the machine (dm_monitor_event). */
enum {
    DM_EVENT_NONE = 0,
    DM_EVENT_STOPPED = 1,   /* SHUTDOWN / GUEST_PANICKED: QEMU paused */
    DM_EVENT_RESETTING = 2, /* RESET: QEMU already reboots it */
};

/*
 * What one QMP event means for the guest: DM_EVENT_STOPPED for a guest
 * poweroff, reset-as-shutdown or panic (SHUTDOWN guest-*, GUEST_PANICKED),
 * DM_EVENT_RESETTING for a guest reboot (RESET guest-reset), each with the
 * SHUTDOWN_* reason in *reason_out; DM_EVENT_NONE for what is no guest
 * shutdown (host-initiated events, STOP, replies, ...).
 */
int dm_monitor_event(const struct qmp_msg *ev, unsigned *reason_out);

/* The monitor process's state (monitor.c). */
struct dm_mon {
    uint32_t domid;
    pid_t qemu_pid;
    struct qmp *q; /* the event QMP connection */
    const struct dm_monitor_ops *ops;
};

/* hvm.c's private accessors for hvm_run.c. */
struct dm_hvm;
struct dm_nic *dm_hvm_nic(struct dm_hvm *h, size_t i);
const char *dm_hvm_bridge(const struct dm_hvm *h, size_t i);
const char *dm_hvm_log(const struct dm_hvm *h);

#endif
