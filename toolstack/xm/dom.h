/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dom.h: domain lifecycle for xm on an engine (hv.h) and the store
 * (libxenstore): create with the store entries libxl writes, full
 * teardown, the per-domain monitor (xl's "xl-<name>" child) that applies
 * on_poweroff/on_reboot/on_crash, console attach, and starting the daemons.
 */
#ifndef XT_XM_DOM_H
#define XT_XM_DOM_H

#include <stddef.h>
#include <stdint.h>

struct xm;
struct xm_dominfo;
struct domain_config;
struct xs_handle;

#define DOM_CREATE_PAUSED 0x1u  /* xm create -p */
#define DOM_CREATE_CONSOLE 0x2u /* xm create -c: attach before unpausing */
#define DOM_CREATE_NO_MONITOR 0x4u

/* Open the store (XENSTORED_PATH honoured). NULL with a message on error. */
struct xs_handle *dom_xs_open(struct xm *xm);

/*
 * Build, wire and start the domain cfg describes. On any failure everything
 * made so far is torn down and a one-line error printed; returns 0 or
 * -errno. With DOM_CREATE_CONSOLE the console stays attached until the
 * domain goes away or the user types Ctrl-].
 */
int dom_create(struct xm *xm, const struct domain_config *cfg, unsigned flags,
               uint32_t *domid_out);
/* Destroy domid and remove all it has in the store. Returns 0 or -errno. */
int dom_destroy(struct xm *xm, struct xs_handle *xs, uint32_t domid);

/* Append the guests (engine state + store names) to a list holding dom0. */
int dom_guests_append(struct xm *xm, struct xm_dominfo **doms, size_t *n);
/* Name or id -> domid (and name, if name_out). Prints the xl error. */
/*
 * The common shape of `xm cmd [options] <Domain> [Arg...]`: options parsed
 * (reqargs positional arguments required), the store opened into *xs and
 * argv[optind] resolved into *domid. Returns 0 (caller closes *xs), 1 after
 * -h (nothing open) or -1 after an error was reported (nothing open).
 */
int dom_open_args(struct xm *xm, int argc, char **argv, int reqargs,
                  struct xs_handle **xs, uint32_t *domid);
int dom_resolve(struct xm *xm, struct xs_handle *xs, const char *which,
                uint32_t *domid_out, char *name_out, size_t len);

/* Attach the terminal to domid's console pty; Ctrl-] detaches. If
 * before_unpause is set, the domain is unpaused once the pty is open. */
int dom_console(struct xm *xm, struct xs_handle *xs, uint32_t domid,
                int before_unpause);

/*
 * What a domain needs running (dom_daemons.c): xenstored and xenconsoled;
 * blkback (blk) / netback (net). A test root (PVSTACK_ROOT) gets what is
 * missing started; the host's root, whose daemons are services, gets one
 * error line naming what is missing. 0 or -errno (reported).
 */
int dom_daemons_start(struct xm *xm, int verbose);
int dom_backends_start(struct xm *xm, int blk, int net, int verbose);

/* Store helpers (dom_store.c). */
int dom_store_read(struct xs_handle *xs, const char *path, char *buf,
                   size_t len);
int dom_store_write(struct xs_handle *xs, const char *path, const char *val);
int dom_store_name(struct xs_handle *xs, uint32_t domid, char *buf, size_t len);
/* domid of the domain called name, -ENOENT if none. */
int dom_store_find(struct xs_handle *xs, const char *name, uint32_t *out);
int dom_store_write_domain(struct xs_handle *xs,
                           const struct domain_config *cfg, uint32_t domid,
                           const uint8_t uuid[16]);
void dom_store_remove_domain(struct xs_handle *xs, uint32_t domid);
/* A fresh domid not in use by the store or the engine. */
int dom_store_alloc_domid(struct xs_handle *xs, uint32_t *out);

/* Command handlers (cmd_domain.c, cmd_domain_cfg.c), rows in cmdtable.c. */
int cmd_destroy(struct xm *xm, int argc, char **argv);
int cmd_shutdown(struct xm *xm, int argc, char **argv);
int cmd_reboot(struct xm *xm, int argc, char **argv);
int cmd_pause(struct xm *xm, int argc, char **argv);
int cmd_unpause(struct xm *xm, int argc, char **argv);
int cmd_console(struct xm *xm, int argc, char **argv);
int cmd_mem_set(struct xm *xm, int argc, char **argv);
int cmd_mem_max(struct xm *xm, int argc, char **argv);
int cmd_vcpu_set(struct xm *xm, int argc, char **argv);
int cmd_rename(struct xm *xm, int argc, char **argv);
int cmd_domid(struct xm *xm, int argc, char **argv);
int cmd_domname(struct xm *xm, int argc, char **argv);
int cmd_uptime(struct xm *xm, int argc, char **argv);
/* `xm daemons start|stop|status` (dom_daemons.c). */
int cmd_daemons(struct xm *xm, int argc, char **argv);

#endif
