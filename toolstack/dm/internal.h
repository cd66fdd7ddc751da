/* SPDX-License-Identifier: GPL-2.0-only */
/* internal.h: declarations shared by the files of toolstack/dm only. */
#ifndef XT_DM_INTERNAL_H
#define XT_DM_INTERNAL_H

#include <stdint.h>
#include <sys/types.h>

#include "dm/dm.h"
#include "dm/qmp.h"

/* The QEMU pid recorded at launch. Returns 0 or -errno (-ENOENT: none). */
int dm_pid_read(uint32_t domid, pid_t *pid_out);
/* Write pid to the domain's pid file. Returns 0 or -errno. */
int dm_pid_write(uint32_t domid, pid_t pid);
/* Wait until pid has exited (or is a zombie). 0, or -ETIMEDOUT. */
int dm_wait_gone(pid_t pid, int timeout_ms);
/* Remove the QMP sockets and the pid file; missing files are fine. */
void dm_files_remove(uint32_t domid);
/* QMP query-status "status" -> our state. */
enum dm_state dm_state_from_qemu(const char *status);

/* How a guest event left the machine (dm_monitor_decide). */
enum {
    DM_DECIDE_NONE = 0,
    DM_DECIDE_STOPPED = 1,      /* SHUTDOWN / GUEST_PANICKED: QEMU paused */
    DM_DECIDE_RESETTING = 2,    /* RESET: QEMU already reboots it */
};

/*
 * The monitor's decision for one QMP event: DM_DECIDE_STOPPED and the action
 * in *act_out for a guest poweroff (SHUTDOWN guest-shutdown) or crash
 * (GUEST_PANICKED), DM_DECIDE_RESETTING with on_reboot for a guest reboot
 * (RESET guest-reset), DM_DECIDE_NONE for what needs nothing (host-initiated
 * events, STOP, ...).
 */
int dm_monitor_decide(const struct qmp_msg *ev,
                      const struct dm_monitor_ops *ops,
                      enum dm_action *act_out);

#endif
