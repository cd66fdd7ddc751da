/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * internal.h: toolstack/domain private: the ops struct each domain type
 * fills (pv.c, hvm.c), the state of one create, the store entries
 * (store.c) and the kept config (userdata.c).
 */
#ifndef XT_DOMAIN_INTERNAL_H
#define XT_DOMAIN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "domain/domain.h"
#include "hv/hv.h"

struct domain_config;
struct domain_save_stats;
struct xs_handle;

/* One create in progress; the ops read and fill it. */
struct domain_build {
    const struct domain_ctx *c;
    struct xs_handle *xs;
    struct hv *hv;
    /*
     * The config being built: the caller's, shallow-copied so that check
     * can fill what it resolves (random MACs, the accelerator), as libxl
     * keeps the config with its defaults set. Strings stay borrowed; an op
     * sets fields to static text only.
     */
    struct domain_config *cfg;
    uint32_t domid;
    uint8_t uuid[16];
    int paused;               /* leave paused after start */
    char err[512];            /* an op's one-line reason */
    struct hv_built built;    /* what the engine's builder made (PV) */
    int restore_fd;           /* >= 0: build loads the saved state from it */
    struct boot_answer *boot; /* bootloader=: what it chose (pv.c), or NULL */
};

/*
 * A domain type: how it is built, wired and started. create.c runs
 * check, build, wire, start in that order and calls undo on any failure
 * after build; the steps around them (name, store entries, kept config,
 * monitor) are common. A save/restore step or another engine's build
 * slots in here, not as a branch in create.c.
 */
struct domain_type_ops {
    const char *name;
    /* Before anything is made: what the cfg asks is possible; which
     * backends it needs (*blk, *net). 0 or -errno, reason in b->err. */
    int (*check)(struct domain_build *b, int *blk, int *net);
    /* Make the domain, paused. 0 or -errno, reason in b->err. */
    int (*build)(struct domain_build *b);
    /* Rings, console and devices in the store. 0 or -errno + b->err. */
    int (*wire)(struct domain_build *b);
    /* Disks and vifs can be hot-plugged through toolstack/device. */
    int hotplug;
    /*
     * 1: the domain's store entries are written before build (the kvm
     * engine's VMM finds them at start). 0: after build, libxl's order:
     * a real xenstored (Debian's) refuses SET_PERMS naming a domain Xen
     * does not have yet (ENOENT).
     */
    int entries_first;
    /*
     * The running domain, by domid: PV through the engine (hv_domain_*),
     * HVM through its QEMU (QMP, and the shutdown dm's monitor records).
     * hv is the caller's open engine (HVM needs none: may be NULL). 0 or
     * -errno, -ESRCH when there is no such domain; NULL set_*: the type
     * has none (-EOPNOTSUPP).
     */
    int (*getinfo)(struct hv *hv, uint32_t domid, struct hv_dominfo *out);
    int (*pause)(struct hv *hv, uint32_t domid);
    int (*unpause)(struct hv *hv, uint32_t domid);
    int (*destroy)(struct hv *hv, uint32_t domid);
    /* Block until it has shut down (0, *out filled) or is gone (-ESRCH). */
    int (*wait)(struct hv *hv, uint32_t domid, struct hv_dominfo *out);
    int (*set_maxmem)(struct hv *hv, uint32_t domid, uint64_t kb);
    int (*set_vcpus)(struct hv *hv, uint32_t domid, unsigned n);
    /* Its memory as an ELF core in file (coredump.c): 0 or -errno, one
     * line on c->err. */
    int (*core_dump)(const struct domain_ctx *c, uint32_t domid,
                     const char *file);
    /* The process whose threads run its vcpus (sched.c: the kvm engine's
     * VMM, QEMU). 0, or -ESRCH where none does (a PV domain on Xen). */
    int (*vcpu_pid)(uint32_t domid, pid_t *pid_out);
    /*
     * save.c: the image's SAVEIMG_MFLAG_* for this type's stream; the
     * stream written to fd (live: pre-copy while it runs; *st the counts,
     * -1 unknown), 0 or -errno after one line on c->err, the guest left
     * stopped; and letting it carry on afterwards (paused: stopped).
     * save_self_resume: a failed stream has already let the guest carry
     * on (PV: the suspend is cancelled); else the caller resumes it.
     */
    unsigned save_mflags;
    int (*save_stream)(const struct domain_ctx *c, struct xs_handle *xs,
                       uint32_t domid, int fd, int live,
                       struct domain_save_stats *st);
    int (*save_resume)(const struct domain_ctx *c, struct xs_handle *xs,
                       uint32_t domid, int paused);
    int save_self_resume;
};

extern const struct domain_type_ops domain_pv_ops;
extern const struct domain_type_ops domain_hvm_ops;

/* The ops of a cfg's type (create.c); of a running domain: HVM when its
 * QEMU is there (dm_hvm_exists), else PV. */
const struct domain_type_ops *domain_type_ops(int type /* DOMAIN_TYPE_* */);
const struct domain_type_ops *domain_ops_of(uint32_t domid);

/* coredump.c: the types' core_dump (the engine's; QEMU's). */
int pv_core_dump(const struct domain_ctx *c, uint32_t domid, const char *file);
int hvm_core_dump(const struct domain_ctx *c, uint32_t domid, const char *file);
/* sched.c: the types' vcpu_pid (the VMM's socket peer; QEMU's pid file). */
int pv_vcpu_pid(uint32_t domid, pid_t *pid_out);
int hvm_vcpu_pid(uint32_t domid, pid_t *pid_out);

/* h as struct domain_info, named name, else from the store (xs may be
 * NULL: "(null)"). list.c. */
void domain_info_fill(struct xs_handle *xs, const struct hv_dominfo *h,
                      const char *name, struct domain_info *d);

/* "<prog>: <msg>" on c->err. */
void domain_err(const struct domain_ctx *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* ---- store.c ------------------------------------------------------------ */

int dstore_read(struct xs_handle *xs, const char *path, char *buf, size_t len);
int dstore_write(struct xs_handle *xs, const char *path, const char *val);
/* A fresh domid not in use by the store or the engine. */
int dstore_alloc_domid(struct xs_handle *xs, uint32_t *out);
/*
 * The domain's own entries (libxl__domain_make) in one transaction that
 * also checks no other domain has cfg->name: -EEXIST if one has.
 */
int dstore_write_domain(struct xs_handle *xs, const struct domain_config *cfg,
                        uint32_t domid, const uint8_t uuid[16]);
/* Set domid's name (and /vm/<uuid>/name), in one transaction that checks
 * no other domain has it: -EEXIST. */
int dstore_rename(struct xs_handle *xs, uint32_t domid, const char *name);
/* /vm/<uuid> of domid parsed back into 16 bytes. 0 or -ENOENT. */
int dstore_uuid(struct xs_handle *xs, uint32_t domid, uint8_t uuid[16]);
void domain_uuid_str(const uint8_t u[16], char *s /* >= 37 */);

/* ---- userdata.c --------------------------------------------------------- */

/* Keep cfg as domid's config (atomically replaced). 0 or -errno. */
int userdata_store(uint32_t domid, const uint8_t uuid[16],
                   const struct domain_config *cfg);
/* Remove domid's kept config(s). */
void userdata_remove(uint32_t domid);
/* The kept config's JSON text (malloc'd). 0, -ENOENT or -errno. */
int userdata_read(uint32_t domid, const uint8_t uuid[16], char **json_out);

/* ---- save_pv.c ---------------------------------------------------------- */

/*
 * Suspend PV domain domid (the store protocol) and write libxl's stream v2
 * with its libxc stream to fd. On success the guest is left suspended; on
 * failure it is resumed and one line said. 0 or -errno.
 */
int pvsave_write(const struct domain_ctx *c, struct xs_handle *xs,
                 uint32_t domid, int fd);
/* Live (migrate --live): pre-copy rounds, then the suspend; *st the counts. */
int pvsave_write_live(const struct domain_ctx *c, struct xs_handle *xs,
                      uint32_t domid, int fd, struct domain_save_stats *st);
/* Let a guest suspended by pvsave_write carry on (paused: stopped). */
int pvsave_resume(const struct domain_ctx *c, struct xs_handle *xs,
                  uint32_t domid, int paused);
/* PV's save_stream: pvsave_write, or pvsave_write_live when live. */
int pv_save_stream(const struct domain_ctx *c, struct xs_handle *xs,
                   uint32_t domid, int fd, int live,
                   struct domain_save_stats *st);
/* The PV build step of a restore: hb's domain from b->restore_fd. */
int pv_restore_build(struct domain_build *b, const struct hv_build *hb);

#endif
