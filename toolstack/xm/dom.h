/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dom.h: xm's glue to the domain library (toolstack/domain): the store
 * opened with xl's error, name/id resolution with xl's messages, the
 * `[options] <Domain>` argument shape, console attach and starting the
 * daemons. The lifecycle itself is domain/domain.h.
 */
#ifndef XT_XM_DOM_H
#define XT_XM_DOM_H

#include <stddef.h>
#include <stdint.h>

struct xm;
struct xm_dominfo;
struct domain_config;
struct xs_handle;

/* The library's error sink for this xm run ("xm: ..." on xm->err). */
struct domain_ctx;
void dom_ctx(const struct xm *xm, struct domain_ctx *c);

/* Open the store (XENSTORED_PATH honoured). NULL with a message on error. */
struct xs_handle *dom_xs_open(struct xm *xm);

/* Append the guests (engine state + store names) to a list holding dom0. */
int dom_guests_append(struct xm *xm, struct xm_dominfo **doms, size_t *n);
/*
 * What `xm cmd [options] <Domain> Arg...` does once the store is open and
 * the domain resolved: args are the arguments after <Domain>. Returns 0 or
 * -errno, having reported the error.
 */
typedef int dom_op_fn(struct xm *xm, const struct domain_ctx *c,
                      struct xs_handle *xs, uint32_t domid, char **args);
/*
 * Such a command whole: options parsed (reqargs positional arguments
 * required), the store opened, argv[optind] resolved, op, the store
 * closed. Returns EXIT_SUCCESS (-h included) or EXIT_FAILURE.
 */
int dom_run_op(struct xm *xm, int argc, char **argv, int reqargs,
               dom_op_fn *op);
/* Name or id -> domid (and name, if name_out). Prints the xl error. */
int dom_resolve(struct xm *xm, struct xs_handle *xs, const char *which,
                uint32_t *domid_out, char *name_out, size_t len);

/* Attach the terminal to domid's console pty; Ctrl-] detaches. If
 * before_unpause is set, the domain is unpaused once the pty is open. If
 * monitor is set, the create left forking the monitor to us
 * (domain_monitor_spawn): done once the guest's first output is shown or
 * the console is idle, as the fork would hold the guest's output up. */
int dom_console(struct xm *xm, struct xs_handle *xs, uint32_t domid,
                int before_unpause, const struct domain_config *monitor);
/* xl console -t type -n num: type "pv" or "serial" (NULL: the primary
 * console), num as xl's -n. Never unpauses when type is set. */
int dom_console_at(struct xm *xm, struct xs_handle *xs, uint32_t domid,
                   const char *type, int num, int before_unpause);

/*
 * What a domain needs running (dom_daemons.c): xenstored and xenconsoled;
 * blkback (blk) / netback (net). A test root (PVSTACK_ROOT) gets what is
 * missing started; the host's root, whose daemons are services, gets one
 * error line naming what is missing. 0 or -errno (reported).
 */
int dom_daemons_start(struct xm *xm, int verbose);
int dom_backends_start(struct xm *xm, int blk, int net, int verbose);

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
int cmd_config_update(struct xm *xm, int argc, char **argv);
/* Scheduling (cmd_sched.c). */
int cmd_vcpu_list(struct xm *xm, int argc, char **argv);
int cmd_vcpu_pin(struct xm *xm, int argc, char **argv);
int cmd_sched_credit(struct xm *xm, int argc, char **argv);
int cmd_sched_credit2(struct xm *xm, int argc, char **argv);
/* Debugging (cmd_debug.c). */
int cmd_trigger(struct xm *xm, int argc, char **argv);
int cmd_sysrq(struct xm *xm, int argc, char **argv);
int cmd_dump_core(struct xm *xm, int argc, char **argv);
int cmd_dmesg(struct xm *xm, int argc, char **argv);
/* `xm top` (cmd_top.c). */
int cmd_top(struct xm *xm, int argc, char **argv);
/* xm save / restore (cmd_save.c). */
int cmd_save(struct xm *xm, int argc, char **argv);
int cmd_restore(struct xm *xm, int argc, char **argv);
/* xm migrate / migrate-receive (cmd_migrate.c). */
int cmd_migrate(struct xm *xm, int argc, char **argv);
int cmd_migrate_receive(struct xm *xm, int argc, char **argv);
/* xm snapshot-create/-list/-revert/-delete (cmd_snapshot.c). */
int cmd_snapshot_create(struct xm *xm, int argc, char **argv);
int cmd_snapshot_list(struct xm *xm, int argc, char **argv);
int cmd_snapshot_revert(struct xm *xm, int argc, char **argv);
int cmd_snapshot_delete(struct xm *xm, int argc, char **argv);
/* `xm daemons start|stop|status` (dom_daemons.c). */
int cmd_daemons(struct xm *xm, int argc, char **argv);

#endif
