/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dm.h: HVM domains with QEMU as the device model, as Xen runs them: the
 * QEMU command line from a domain's settings, launching it (log in
 * /var/log/xen/qemu-dm-<name>.log, QMP on /run/xen/qmp-libxl-<domid>), the
 * per-QEMU monitor that reports what QEMU's guest did (the domain library's
 * monitor applies on_poweroff/on_reboot/on_crash), and the control
 * operations xm needs (status, pause, unpause, shutdown, reboot, destroy,
 * console pty).
 */
#ifndef XT_DM_DM_H
#define XT_DM_DM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* One emulated disk. Strings are borrowed from the caller. */
struct dm_disk {
    const char *target; /* file or block device; NULL: empty cdrom */
    const char *vdev;   /* hdX, xvdX (IDE, as libxl), sdX (SCSI) */
    const char *format; /* "raw", "qcow2", ...; NULL = raw */
    int readonly;
    int cdrom;
};

/* One emulated NIC on a tap. */
struct dm_nic {
    uint8_t mac[6];
    const char *model;  /* "rtl8139" (default), "e1000", "virtio-net" */
    const char *ifname; /* tap name, used when tap_fd < 0 */
    int tap_fd;         /* >= 0: QEMU inherits it as -netdev tap,fd= */
};

/*
 * Everything the QEMU command line is made of. All pointers are borrowed.
 * Tri-states (vnc, sdl, usb, localtime, vncunused): <= 0 means off.
 */
struct dm_config {
    uint32_t domid;
    const char *name;
    const char *uuid; /* "xxxxxxxx-xxxx-..." or NULL */
    uint64_t memory_mb;
    unsigned vcpus;
    unsigned maxvcpus; /* 0 = vcpus */
    const char *boot;  /* "cd", "dc", "n"...; NULL = "cd" */
    const struct dm_disk *disks;
    size_t nr_disks;
    const struct dm_nic *nics;
    size_t nr_nics;
    int serial_pty; /* serial='pty' */
    int vnc;
    const char *vnclisten; /* NULL = 127.0.0.1 */
    int vncdisplay;        /* < 0: domid, as xl */
    int vncunused;
    const char *vncpasswd; /* set through QMP once QEMU answers (libxl) */
    int sdl;
    int usb;
    int localtime;
    const char *kernel; /* direct boot */
    const char *ramdisk;
    const char *cmdline;
    char *const *extra_args; /* device_model_args */
    size_t nr_extra;
    const char *accel;      /* "kvm" or "tcg" (dm_accel_choose) */
    const char *qemu;       /* NULL = dm_qemu_path() */
    const char *qmp_path;   /* the control socket (dm_qmp_path) */
    const char *event_path; /* the monitor's socket (dm_event_path) */
    int incoming;           /* -incoming defer: restored (dm/migrate.h) */
    /*
     * QEMU's own -action defaults (a guest poweroff or panic ends QEMU, a
     * reboot resets it) instead of stopping for a toolstack to decide:
     * pvstack-dm start, no domain library above (dm_monitor_ops.bare).
     */
    int bare;
};

/* A NULL-terminated argv built by dm_argv_build. */
struct dm_argv {
    char **v;
    size_t n, cap;
};

/*
 * Build the QEMU command line for c into *out (initialised here; release
 * with dm_argv_fini, also on failure). QEMU always starts with -S; the
 * launcher sends "cont" unless the domain is created paused. Returns 0,
 * -EINVAL (with the reason in err: bad vdev, unknown NIC model, ...) or
 * -ENOMEM.
 */
int dm_argv_build(const struct dm_config *c, struct dm_argv *out, char *err,
                  size_t errlen);
void dm_argv_fini(struct dm_argv *a);

/* $PVSTACK_QEMU, else "qemu-system-x86_64" (looked up on PATH). */
const char *dm_qemu_path(void);

/*
 * The accelerator for this host: want ("kvm"/"tcg" from the cfg) if set,
 * else $PVSTACK_DM_ACCEL, else kvm when /dev/kvm opens read-write and the
 * host's KVM boots full guests, else tcg. On kvm_pvm (nested KVM on our
 * machines) a Linux guest stalls under QEMU/KVM, so that counts as no.
 * Returns "kvm" or "tcg", or NULL if want/env names something else.
 */
const char *dm_accel_choose(const char *want);

/* root/run/xen/qmp-libxl-<domid>, root/run/xen/qmp-event-<domid>,
 * root/var/log/xen/qemu-dm-<name>.log, root/run/xen/qemu-dm-<domid>.pid.
 * Return 0 or -ENAMETOOLONG. */
int dm_qmp_path(uint32_t domid, char *buf, size_t len);
int dm_event_path(uint32_t domid, char *buf, size_t len);
int dm_log_path(const char *name, char *buf, size_t len);
int dm_pid_path(uint32_t domid, char *buf, size_t len);

/*
 * Start QEMU for c, detached in its own session, output appended to
 * log_path, and wait (up to timeout_ms) until its QMP socket answers. The
 * guest is left stopped (-S). Tap fds in c->nics are passed to QEMU and stay
 * the caller's. Returns 0 and QEMU's pid, or -errno with one line in err:
 * -ENOENT QEMU not found, -EINVAL QEMU rejected its options (its message),
 * -ETIMEDOUT. On failure no QEMU is left running and its sockets are gone.
 */
int dm_launch(const struct dm_config *c, const char *log_path, int timeout_ms,
              pid_t *pid_out, char *err, size_t errlen);

/* The monitor's hooks; they run in the monitor process. */
struct dm_monitor_ops {
    /* Called once QEMU is gone (destroyed, quit, or died). May be NULL. */
    void (*gone)(void *arg, uint32_t domid);
    /*
     * Optional shutdown requests from outside (xm shutdown writes the
     * store's control/shutdown): req_open returns an fd to poll (or
     * -errno: none); when it is readable, req_read returns 1 with the
     * request ("poweroff", "reboot", "halt") in what, else 0.
     */
    int (*req_open)(void *arg, uint32_t domid);
    int (*req_read)(void *arg, uint32_t domid, char *what, size_t len);
    void *arg;
    /*
     * 0 (domains made from a cfg): on a guest poweroff, reboot or crash
     * (and a reboot request from outside) QEMU is left stopped and the
     * reason recorded (dm_hvm_getinfo/_wait), as Xen reports a shut-down
     * domain; the domain library's monitor applies on_* the same way for
     * every type. 1: QEMU started with dm_config.bare acts on its own
     * (exits, resets); a poweroff or panic is still recorded.
     */
    int bare;
};

/*
 * Fork the per-QEMU monitor (a detached process holding the event QMP
 * socket) and return once it is connected, so no event is missed. It
 * records guest poweroff, reboot and panic (see ops.bare) in
 * /run/xen/qemu-dm-<domid>.shutdown, and after QEMU exits removes the
 * sockets, pid file and that record and calls ops->gone.
 * Returns 0 and the monitor's pid, or -errno.
 */
int dm_monitor_spawn(uint32_t domid, pid_t qemu_pid,
                     const struct dm_monitor_ops *ops, pid_t *pid_out);

/* ---- Control, by domid (each connects to the QMP socket) ------------- */

enum dm_state {
    DM_STATE_RUNNING = 0,
    DM_STATE_PAUSED,
    DM_STATE_SHUTDOWN,
    DM_STATE_CRASHED,
    DM_STATE_OTHER,
};

struct dm_status {
    enum dm_state state;
    char qemu_status[32]; /* QMP query-status "status" */
    pid_t pid;            /* QEMU's pid, 0 if unknown */
    uint64_t cpu_ns;      /* CPU time of the vcpu threads */
    unsigned vcpus;
    char pty[64]; /* serial0's pty, "" if none */
};

/* Returns 0, -ENOENT (no such HVM domain) or -errno. */
int dm_status_get(uint32_t domid, struct dm_status *st_out);
int dm_pause(uint32_t domid);
int dm_unpause(uint32_t domid);
/* ACPI power button (system_powerdown): the guest decides. */
int dm_shutdown(uint32_t domid);
int dm_reboot(uint32_t domid);
/*
 * quit over QMP, then SIGKILL if QEMU has not exited within timeout_ms.
 * Returns 0 once QEMU is gone, or -errno.
 */
int dm_destroy(uint32_t domid, int timeout_ms);
/*
 * Run one QMP command (args: JSON object text or NULL) and hand back the
 * reply's JSON text in *reply_out (caller frees). Returns 0, -EREMOTEIO (a
 * QMP error; its text is still in *reply_out) or -errno.
 */
int dm_qmp_command(uint32_t domid, const char *cmd, const char *args,
                   char **reply_out);
/* The serial pty path ("/dev/pts/N"). Returns 0 or -ENOENT / -errno. */
int dm_console_pty(uint32_t domid, char *buf, size_t len);

/*
 * Create tap ifname (non-persistent: it disappears when the last fd closes,
 * i.e. with QEMU), bring it up and enslave it to bridge (NULL: none).
 * Returns 0 and the fd (O_CLOEXEC) or -errno.
 */
int dm_tap_open(const char *ifname, const char *bridge, int *fd_out);

#endif
