/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * common.h: what xen-create-image shares with xen-delete-image,
 * xen-list-images and xen-update-image: reading files, finding the hooks
 * and roles, and reading the few keys of a guest cfg they need.
 */
#ifndef XT_XCI_COMMON_H
#define XT_XCI_COMMON_H

#include <stddef.h>
#include <stdio.h>

#define XCI_CFG_MAX_DISKS 8

/* Text written to an in-memory stream (open_memstream): f while open. */
struct xci_membuf {
    char *buf;
    size_t len;
    FILE *f;
};
/* 0 or -errno. */
int xci_membuf_open(struct xci_membuf *m);
/*
 * Close m->f after writing that ended with rc: 0 with the text in m->buf
 * (the caller frees it), else rc, or -ENOMEM when the text was lost, with
 * m->buf freed and NULL.
 */
int xci_membuf_close(struct xci_membuf *m, int rc);
/* The file's contents, NUL-terminated, malloc'd; NULL on error (errno:
 * EIO when a read failed). */
char *xci_slurp(const char *path);
/* mkdir -p of an absolute path. 0 or -errno. */
int xci_mkdir_p(const char *path);

/*
 * A data directory (sub = "hooks" or "roles"): given if set, else next to
 * the program: <bindir>/../../xen-create-image/<sub> (the build tree), then
 * <bindir>/../share/pvstack/<sub> (make install). 0 or -ENOENT.
 */
int xci_data_dir(char *buf, size_t len, const char *given, const char *sub);

/* The keys of a guest cfg the companion tools use. */
struct xci_cfginfo {
    char name[256];
    char memory[32];
    char disks[XCI_CFG_MAX_DISKS][512]; /* spec strings as written */
    int ndisks;
    char vif[512]; /* first vif spec */
    int dhcp;      /* dhcp = 'dhcp' (xm-era key xen-tools writes) */
};

/*
 * Read name, memory, disk, vif and dhcp from xl/xm cfg text: "key = value" with
 * quoted strings, numbers and [ ] lists over several lines, '#' comments.
 * Other keys are skipped. Returns 0 or -EINVAL (syntax).
 */
int xci_cfg_read(const char *text, struct xci_cfginfo *out);

/*
 * Split a disk spec ("file:/p,xvda2,w", "phy:/dev/vg/lv,xvda1,w",
 * "/p,raw,xvda,rw") into its target path and whether it is phy:.
 * Returns 0 or -EINVAL.
 */
int xci_cfg_disk_target(const char *spec, char *path_out, size_t len,
                        int *phy_out);

/* "ip=..." and "mac=..." of a vif spec ("" when absent). */
void xci_cfg_vif_field(const char *vif, const char *key, char *out, size_t len);

struct xci_conf;

/*
 * The command line into cl (printing "usage: prog usage" for --help):
 * "--key=value" / "--key value" for keys listed in with_value, "--flag"
 * for keys in flags, bare words and --hostname appended to "hostname";
 * then the settings into c: PVSTACK_ROOT/etc/xen-tools/xen-tools.conf,
 * then --config, then cl. Returns 0, 1 after --help, or -errno (-EINVAL
 * after a line on stderr naming prog).
 */
int xci_tool_setup(struct xci_conf *c, struct xci_conf *cl, int argc,
                   char *const argv[], const char *prog, const char *usage,
                   const char *const with_value[], const char *const flags[]);
/*
 * one(ctx, host) for each of c's hostnames, after checking the name
 * (a line on stderr, -EINVAL) and that no such domain runs (a "Skipping"
 * line, -EBUSY). Goes on after a failure; returns the first -errno, or 0.
 */
int xci_tool_each_host(const struct xci_conf *c, const char *prog,
                       int (*one)(void *ctx, const char *host), void *ctx);
/* The cfg directory: --output/output, else PVSTACK_ROOT/etc/xen. */
int xci_tool_output(char *buf, size_t len, const struct xci_conf *c);

#endif
