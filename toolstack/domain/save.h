/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * save.h: xl save / restore on the domain library: the domain's kept
 * config (libxl JSON) and its state in xl's framing (saveimg.h): QEMU's
 * migration stream for HVM domains (dm/migrate.h), libxl's stream v2 with
 * libxenguest's for PV domains on the xen engine (save_pv.c).
 */
#ifndef XT_DOMAIN_SAVE_H
#define XT_DOMAIN_SAVE_H

#include <stdint.h>

#include "domain/domain.h"

struct xs_handle;

#define DOMAIN_SAVE_CHECKPOINT 0x1u /* -c: the domain keeps running */
#define DOMAIN_SAVE_PAUSED 0x2u     /* -p: left paused after -c */

/*
 * Suspend domid and write it to path (created; removed again on failure,
 * when the domain carries on). Without DOMAIN_SAVE_CHECKPOINT the domain is
 * destroyed once it is written. Returns 0 or -errno after one line.
 */
int domain_save(const struct domain_ctx *c, struct xs_handle *xs,
                uint32_t domid, const char *path, unsigned flags);
#define DOMAIN_SAVE_LIVE 0x4u /* migrate --live: copied while it runs */
#define DOMAIN_SAVE_XZ 0x8u   /* -z: the stream xz-compressed (liblzma) */

/* What a save sent (-1: unknown). */
struct domain_save_stats {
    long long downtime_ms; /* the guest stopped (live: its last round) */
    long long pages_sent;  /* pages of RAM sent, all rounds */
    long long pages_ram;   /* the guest's RAM in pages */
    long long rounds;      /* rounds while it ran (live) */
};

/*
 * The same onto an open fd (a pipe: migrate); the caller decides what
 * becomes of the domain, which is left stopped. json: the config to send
 * (NULL: the domain's kept one). *st (may be NULL): what was sent.
 */
int domain_save_fd(const struct domain_ctx *c, struct xs_handle *xs,
                   uint32_t domid, int fd, unsigned flags, const char *json,
                   struct domain_save_stats *st);

/*
 * Let domid carry on after domain_save_fd left it stopped (migrate's
 * failure path): QEMU's cont, or a PV guest's resume; paused: it was
 * paused before and stays so. 0 or -errno.
 */
int domain_save_resume(const struct domain_ctx *c, struct xs_handle *xs,
                       uint32_t domid, int paused);

#define DOMAIN_RESTORE_PAUSED 0x1u     /* -p */
#define DOMAIN_RESTORE_NO_MONITOR 0x2u /* -e */
#define DOMAIN_RESTORE_INCOMING 0x4u   /* built as <name>--incoming (xl) */

/*
 * Build the domain saved in path under a new domid with its name, UUID,
 * MACs and devices, and let it carry on (unless DOMAIN_RESTORE_PAUSED).
 * A foreign, truncated or corrupt image, or a name in use, is refused with
 * one line before anything is made. cfg_override: a config to use instead
 * of the saved one (NULL: the saved one). Returns 0 or -errno.
 */
int domain_restore(const struct domain_ctx *c, struct xs_handle *xs,
                   const char *path, const struct domain_config *cfg_override,
                   unsigned flags, uint32_t *domid_out);
/* From an open fd (a pipe: the image cannot be checked before loading). */
int domain_restore_fd(const struct domain_ctx *c, struct xs_handle *xs, int fd,
                      const char *what,
                      const struct domain_config *cfg_override, unsigned flags,
                      uint32_t *domid_out);

#endif
