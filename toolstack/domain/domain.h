/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * domain.h: what libxl is to xl. Create, destroy, shutdown, reboot,
 * pause, unpause, rename, memory and vcpus of a domain, engine-agnostic
 * (hv.h) and type-agnostic (one ops struct per domain type, internal.h);
 * the per-domain monitor applying on_*; the domain's config kept on disk
 * as libxl keeps it. The library prints only one-line errors to the
 * caller's sink (struct domain_ctx). Link: $(LIBDOMAIN) $(LIBDM) $(LIBCFG)
 * $(LIBDEVICE) $(LIBHV) $(LIBPV) -lxenstore -lyajl.
 */
#ifndef XT_DOMAIN_DOMAIN_H
#define XT_DOMAIN_DOMAIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct domain_config;
struct domain_info;
struct xs_handle;

/* Where errors go: "<prog>: <what>\n" on err (NULL: silent). */
struct domain_ctx {
    const char *prog;
    FILE *err;
};

/* ---- create ------------------------------------------------------------ */

#define DOMAIN_CREATE_PAUSED 0x1u /* xm create -p: left paused */
/* No monitor forked: the caller is the monitor, or forks it itself once
 * the guest runs (xm create -c, after attaching the console). */
#define DOMAIN_CREATE_NO_MONITOR 0x2u

struct domain_create_opts {
    unsigned flags; /* DOMAIN_CREATE_* */
    /*
     * Called before anything is made when the domain's devices need dom0
     * backends (blk: blkback, net: netback). NULL: assume they run.
     * Returns 0 or -errno (after printing why).
     */
    int (*backends_start)(void *arg, int blk, int net);
    /*
     * May be NULL. Called once the domain is built (paused, and in the
     * engine's domain list, so the host-memory check of a later create
     * counts it) and its name claimed in the store: xm drops xl's create
     * lock there, so creates run side by side from then on (wiring,
     * devices, kept config, monitor) while their name transactions, which
     * would conflict with each other, stay one at a time.
     */
    void (*built)(void *arg);
    void *arg;
    /* xm restore (domain/save.h): build from the saved state on
     * restore_fd instead of booting. HVM domains only. */
    int restore;
    int restore_fd;
};

/*
 * Build, wire and start the domain cfg describes, in libxl's order: name
 * reserved with the domain's store entries (one transaction: of concurrent
 * creates of one name exactly one wins), build (paused), rings and
 * XS_INTRODUCE, devices through toolstack/device (the checks of
 * block-attach/network-attach), config kept on disk, monitor, unpause
 * unless DOMAIN_CREATE_PAUSED. On failure everything made is undone and
 * one line printed. Returns 0 and *domid_out, or -errno (-EEXIST: the
 * name is taken).
 */
int domain_create(const struct domain_ctx *c, struct xs_handle *xs,
                  const struct domain_config *cfg,
                  const struct domain_create_opts *opts, uint32_t *domid_out);

/* ---- lifecycle ---------------------------------------------------------- */

/* Destroy domid: engine, store entries, devices, kept config. 0/-errno. */
int domain_destroy(const struct domain_ctx *c, struct xs_handle *xs,
                   uint32_t domid);

/* A dead domid's store entries, as xl destroy removes them; /vm/<uuid> is
 * kept while another domain names it (restart, local migration). Missing
 * entries are fine. dm's monitor calls it once QEMU is gone. */
void domain_store_remove(struct xs_handle *xs, uint32_t domid);

enum domain_shutdown_req {
    DOMAIN_POWEROFF, /* control/shutdown = "poweroff" */
    DOMAIN_REBOOT,   /* "reboot" */
};

/* Ask the guest (control/shutdown, as xl for PV). Returns 0 or -errno. */
int domain_shutdown(const struct domain_ctx *c, struct xs_handle *xs,
                    uint32_t domid, enum domain_shutdown_req req);
/*
 * xl shutdown -w: block until domid has shut down (whatever on_poweroff
 * then does, "preserve" included) or is gone, up to timeout_ms. Returns
 * 0, or -ETIMEDOUT.
 */
int domain_wait_shutdown(uint32_t domid, int timeout_ms);
/*
 * Block until domid has shut down (0, *out filled: shutdown and its
 * reason; name not filled) or is gone (-ESRCH), whatever its type.
 */
int domain_wait(uint32_t domid, struct domain_info *out);
int domain_pause(uint32_t domid);
int domain_unpause(uint32_t domid);
/*
 * xl dump-core: domid's memory as an ELF core in file (absolute). HVM only
 * (QEMU dumps it); a PV domain gets one clear line and -ENOTSUP, as
 * neither engine here can dump one (coredump.c). Errors on c->err.
 */
int domain_core_dump(const struct domain_ctx *c, uint32_t domid,
                     const char *file);
/* on_crash = "coredump-*": the core of domain name in <root>/var/lib/xen/
 * dump/<name> (xl's place); its path in file. Returns 0 or -errno. */
int domain_crash_dump(const struct domain_ctx *c, uint32_t domid,
                      const char *name, char *file, size_t len);

/* ---- settings ----------------------------------------------------------- */

/*
 * xl rename: name checked by cfg_name_invalid() (cfg.h, the rule name=
 * follows) and reserved atomically against every other
 * domain's name. Returns 0, -EINVAL (bad name) or -EEXIST (taken), after
 * printing why.
 */
int domain_rename(const struct domain_ctx *c, struct xs_handle *xs,
                  uint32_t domid, const char *name);
/* memory/target (the guest balloons); -EINVAL above static-max. */
int domain_set_memory(const struct domain_ctx *c, struct xs_handle *xs,
                      uint32_t domid, uint64_t kb);
/* Engine limit, then memory/static-max. */
int domain_set_maxmem(const struct domain_ctx *c, struct xs_handle *xs,
                      uint32_t domid, uint64_t kb);
/* 1..max vcpus online: engine limit, then cpu/N/availability. */
int domain_set_vcpus(const struct domain_ctx *c, struct xs_handle *xs,
                     uint32_t domid, unsigned n);

/* ---- hot-plug ----------------------------------------------------------- */

struct disk_spec;
struct vif_spec;
/*
 * xl block-attach / network-attach: the spec checked as create checks it,
 * then added through toolstack/device and the backend awaited (InitWait).
 * One line printed on failure. Returns 0, -ENOTSUP (a spec blkback or
 * netback cannot serve), -EOPNOTSUPP (an HVM domain: its devices are
 * QEMU's), -EEXIST, -ETIMEDOUT, -EIO or -errno.
 */
int domain_disk_attach(const struct domain_ctx *c, struct xs_handle *xs,
                       uint32_t domid, const struct disk_spec *d);
int domain_nic_attach(const struct domain_ctx *c, struct xs_handle *xs,
                      uint32_t domid, const struct vif_spec *v);
/*
 * block-detach (vdev name or number; force: do not wait for the guest) /
 * network-detach (devid or MAC). Returns 0, -ENOENT, or -ETIMEDOUT (the
 * guest did not let go in time; removed all the same, as libxl).
 */
int domain_disk_detach(struct xs_handle *xs, uint32_t domid, const char *vdev,
                       int force);
int domain_nic_detach(struct xs_handle *xs, uint32_t domid, const char *which);

/* ---- kept config (libxl's userdata) ------------------------------------- */

/*
 * The config domid was built from (or set by config-update), as libxl's
 * JSON text, from /var/lib/xen/userdata-d.<domid>.<uuid>.libxl-json.
 * Returns 0 and a malloc'd string, or -ENOENT / -errno.
 */
int domain_config_json(struct xs_handle *xs, uint32_t domid, char **json_out);
/*
 * xl config-update: keep cfg as domid's config; the next restart (on_reboot
 * = restart) builds from it. The name must stay the same. 0 or -errno.
 */
int domain_config_update(const struct domain_ctx *c, struct xs_handle *xs,
                         uint32_t domid, const struct domain_config *cfg);

/* ---- lookups ------------------------------------------------------------ */

/* One running domain as the engines and the store know it. */
struct domain_info {
    char name[64]; /* CFG_NAME_MAX + 1 */
    uint32_t domid;
    uint64_t mem_kb, max_mem_kb;
    unsigned vcpus_online, vcpus;
    int running, blocked, paused, shutdown, dying;
    unsigned shutdown_reason; /* SHUTDOWN_* (xen/sched.h) when shutdown */
    uint64_t cpu_ns;
    uint64_t start_time; /* seconds since the epoch, 0 unknown */
};

/*
 * The guests (no Domain-0), sorted by domid, into a malloc'd array. Names
 * come from the store ("(null)" when missing). Returns the count or -errno.
 */
int domain_list(struct xs_handle *xs, struct domain_info **out);
/* One guest. Returns 0 or -ESRCH. */
int domain_info(struct xs_handle *xs, uint32_t domid, struct domain_info *out);
/* The engine in use ("xen", "kvm"), or "none" when none opens. */
void domain_engine_name(char *buf, size_t len);
/*
 * The host as the engine's hypervisor sees it (xc_physinfo, xc_version on
 * Xen). 0, or -ENOSYS when the engine has no view of its own (kvm) or no
 * engine opens: the caller falls back to /proc.
 */
struct hv_hostinfo;
int domain_host_info(struct hv_hostinfo *out);
/* domid of the domain named name (-ENOENT if none). */
int domain_find(struct xs_handle *xs, const char *name, uint32_t *domid_out);
/* The name of domid from the store. 0 or -ENOENT. */
int domain_name(struct xs_handle *xs, uint32_t domid, char *buf, size_t len);

/*
 * The per-domain monitor (xl's "xl-<name>" child), forked detached:
 * waits for domid to shut down, applies on_poweroff/on_reboot/on_crash/
 * on_watchdog from its kept config, restarts under a new domid. Logs to
 * /var/log/xen/xl-<name>.log.
 */
void domain_monitor_spawn(const struct domain_config *cfg, uint32_t domid);
/*
 * A monitor that died (killed, crashed) leaves its domain unwatched: a
 * shutdown would then never be acted on. Fork a monitor again, from the
 * kept config, for every domain whose monitor is gone (its lock file in
 * /run/xen is held by nobody); domains made without one (-e) have none.
 * Each domid taken up is reported on c->err. Returns how many, or -errno.
 */
int domain_monitor_adopt(const struct domain_ctx *c, struct xs_handle *xs);

#endif
