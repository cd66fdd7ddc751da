/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xm.h: the xm/xl command frame. One context (struct xm) made in main() and
 * passed to every command handler; the command table lives in cmdtable.c
 * (add a row there and write cmd_<name>() in your own cmd_*.c file).
 */
#ifndef XT_XM_XM_H
#define XT_XM_XM_H

#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hv/hv.h"

struct xm_cmd;

/* The one context of an xm run. No globals: everything hangs off this. */
struct xm {
    const char *prog;         /* basename of argv[0]: "xm" or "xl" */
    int verbose;              /* -v (repeatable) */
    int dryrun;               /* global -N: parse and print, change nothing */
    int force;                /* global -f */
    FILE *out;                /* normally stdout */
    FILE *err;                /* normally stderr */
    const struct xm_cmd *cmd; /* the command being run */
};

/*
 * A command handler. argv[0] is the command name; getopt state is reset
 * (optind = 1) before the call. Returns EXIT_SUCCESS or EXIT_FAILURE; never
 * calls exit().
 */
typedef int xm_cmd_fn(struct xm *xm, int argc, char **argv);

enum {
    XM_CMD_DRYRUN = 1 << 0,   /* implements the global -N */
    XM_CMD_MODIFIES = 1 << 1, /* changes state (help shows -f) */
};

struct xm_cmd {
    const char *name;
    xm_cmd_fn *fn;
    unsigned flags;
    const char *help;    /* one line, no final '.' */
    const char *usage;   /* arguments after the command name */
    const char *options; /* option lines, or NULL */
};

/* The table (cmdtable.c) and xl's cmdtable_lookup: exact name, or an
 * unambiguous prefix. NULL if unknown or ambiguous. */
extern const struct xm_cmd xm_cmd_table[];
extern const size_t xm_cmd_count;
const struct xm_cmd *xm_cmd_lookup(const char *name);
/* The same lookup over any table (n rows). */
const struct xm_cmd *xm_cmd_find(const struct xm_cmd *table, size_t n,
                                 const char *name);

/* xl help(): the full list (cmd NULL) or one command's usage, to f. */
void xm_help(const struct xm *xm, const char *cmd, FILE *f);

/* "<prog>: <message>\n" on xm->err. */
void xm_err(const struct xm *xm, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* xm_getopt returns these besides option characters and -1. */
#define XM_OPT_HELP (-2) /* -h/--help printed usage: return success */
#define XM_OPT_ERR (-3)  /* message printed: return EXIT_FAILURE */

/*
 * getopt_long for a command, as xl's SWITCH_FOREACH_OPT: adds -h/--help,
 * reports unknown options ("option `x' not supported.") and, once options
 * end, checks that at least reqargs arguments remain (else usage). Loop
 * until it returns -1; on XM_OPT_HELP / XM_OPT_ERR return at once.
 */
int xm_getopt(struct xm *xm, int argc, char **argv, const char *optstring,
              const struct option *longopts, int reqargs);
/*
 * xm_getopt for a command without options of its own: -h, and at least
 * reqargs arguments. Returns -1 to go on, else the command's exit status
 * (EXIT_SUCCESS after -h, EXIT_FAILURE after an error it printed).
 */
int xm_no_options(struct xm *xm, int argc, char **argv, int reqargs);

/* One option without an argument, and the bits it sets. */
struct xm_flag {
    char opt;
    unsigned bits;
};

/*
 * xm_getopt for a command whose options are all flags: fl (ended by a
 * zero opt, or NULL for none) lists them, *set gets the bits of those
 * given (an option with bits 0 is accepted and ignored). lo may add long
 * names. Returns -1 to go on, else the command's exit status, as
 * xm_no_options.
 */
int xm_flag_options(struct xm *xm, int argc, char **argv,
                    const struct xm_flag *fl, const struct option *lo,
                    int reqargs, unsigned *set);

/* ---- domains ------------------------------------------------------------ */

/* One row of `xm list`. */
struct xm_dominfo {
    char name[64];
    uint32_t domid;
    uint64_t mem_kb; /* current allocation */
    uint64_t max_mem_kb;
    unsigned vcpus; /* online */
    unsigned max_vcpus;
    int running, blocked, paused, shutdown, dying;
    int shutdown_reason; /* index into "-rscwS" */
    double cpu_time;     /* seconds */
    uint8_t uuid[16];
};

/*
 * All domains, sorted by domid: Domain-0 (the host itself) first, then the
 * guests the store knows (once the store lands). *out is malloc'd; free it.
 * Returns 0 or -errno.
 */
int xm_domains_list(struct xm *xm, struct xm_dominfo **out, size_t *n_out);
/* Resolve a name or numeric id among doms. Returns the index or -ENOENT. */
int xm_domain_find(const struct xm_dominfo *doms, size_t n, const char *which);

/*
 * Resolve a name or id to its row, as xl's find_domain: on failure prints
 * "WHICH is an invalid domain identifier (rc=-6)" on xm->err and returns
 * -ENOENT (or another -errno if the list cannot be read).
 */
int xm_domain_resolve(struct xm *xm, const char *which, struct xm_dominfo *out);

/* ---- host ---------------------------------------------------------------- */

struct xm_hostinfo {
    char host[65], release[65], version[65], machine[65];
    unsigned nr_cpus;
    unsigned cores_per_socket, threads_per_core;
    unsigned cpu_khz;
    uint64_t total_kb, free_kb;
    /* set when the figures are the hypervisor's (the xen engine) */
    int from_hv;
};

/*
 * Host facts from uname; memory and CPUs from the hypervisor when the
 * engine has a view of its own (Xen: dom0 is not the host), else from
 * sysconf, /proc/meminfo, /proc/cpuinfo. 0/-errno.
 */
int xm_host_info(struct xm_hostinfo *hi);

/* The engine's figures for `xl info` (hostinfo.c). */
struct xm_enginfo {
    /* Xen's physinfo and xen_version, or the kvm engine's own in the same
     * fields; total_kb, free_kb as Xen accounts them (hostmem.h) */
    struct hv_hostinfo hv;
    unsigned nr_nodes, free_cpus;
    char scheduler[16];
};
/* 0 or -errno (xl.conf errors reported on xm->err). */
int xm_engine_info(struct xm *xm, struct xm_enginfo *e);

/* /etc/xen/xl.conf around a create (xlconf_apply.c). */
struct vif_spec;
/* vif.default.* into the fields the vifs set none of. 0 or -errno. */
int xm_xlconf_vifs(struct xm *xm, struct vif_spec *vifs, size_t n);
/* xl's acquire_lock on xl.conf's lockfile: an fd, or -errno (printed). */
int xm_xlconf_lock(struct xm *xm);
void xm_xlconf_unlock(int fd);
/* output_format: 1 json; warns (once per call) that sxp is not supported. */
int xm_xlconf_json(struct xm *xm);

/* ---- command handlers (one file per group) ------------------------------ */

int cmd_list(struct xm *xm, int argc, char **argv);           /* cmd_list.c */
int cmd_info(struct xm *xm, int argc, char **argv);           /* cmd_list.c */
int cmd_create(struct xm *xm, int argc, char **argv);         /* cmd_create.c */
int cmd_block_attach(struct xm *xm, int argc, char **argv);   /* cmd_attach.c */
int cmd_network_attach(struct xm *xm, int argc, char **argv); /* cmd_attach.c */
int cmd_block_detach(struct xm *xm, int argc, char **argv);   /* cmd_device.c */
int cmd_block_list(struct xm *xm, int argc, char **argv);     /* cmd_device.c */
int cmd_network_detach(struct xm *xm, int argc, char **argv); /* cmd_device.c */
int cmd_network_list(struct xm *xm, int argc, char **argv);   /* cmd_device.c */

/* Hot-plug of a parsed spec on a running domain (cmd_device.c); print
 * the error and return EXIT_FAILURE when it fails. */
struct disk_spec;
struct vif_spec;
int xm_device_attach_disk(struct xm *xm, uint32_t domid,
                          const struct disk_spec *d);
int xm_device_attach_nic(struct xm *xm, uint32_t domid,
                         const struct vif_spec *v);

#endif
