/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * opts.h: xen-create-image's command line (xen-tools 4.x option names) and
 * the validated settings resolved from defaults + config files + options.
 */
#ifndef XT_XCI_OPTS_H
#define XT_XCI_OPTS_H

#include <stdio.h>

#include "check.h"
#include "conf.h"

#define XCI_MAX_IPS 8
#define XCI_MAX_ROLES 8

/*
 * Every value is checked up front so nothing is created for a request that
 * cannot succeed. Strings are borrowed from the conf they came from and
 * live as long as it does.
 */
struct xci_settings {
    const char *hostname;
    const char *dist, *arch, *mirror;
    const char *dir;            /* file images: <dir>/domains/<host>/ */
    const char *lvm;            /* or a volume group */
    const char *fs;             /* ext2/3/4, xfs, btrfs */
    const char *fs_options;     /* fstab options for fs */
    const char *install_method; /* debootstrap, copy, tar */
    const char *install_source;
    const char *debootstrap_cmd;
    const char *cachedir; /* NULL: no .deb cache */
    const char *kernel, *initrd;
    const char *ips[XCI_MAX_IPS];
    int nips;
    const char *netmask, *gateway, *broadcast, *nameserver;
    const char *bridge, *vifname;
    char mac[18];         /* lower-case xx:xx:xx:xx:xx:xx */
    const char *password; /* plain text from --password */
    const char *roles[XCI_MAX_ROLES];
    int nroles;
    const char *roledir, *hookdir;
    const char *output, *extension, *template_path;
    const char *hash_method; /* md5, sha256, sha512 */
    unsigned long long size_bytes, swap_bytes;
    unsigned long memory_mb, maxmem_mb; /* maxmem 0: not set */
    unsigned vcpus, genpass_len;
    int noswap, dhcp, sparse, pygrub, force, verbose, dry_run;
    int genpass, passwd, hooks;
    char *ipbuf, *rolebuf; /* owned: the split --ip and --role lists */
};

/*
 * Parse argv (xen-tools syntax: --key=value, --key value, --flag, --noflag)
 * into cl. Returns 0, 1 if --help or --version was given (printed to out),
 * or -EINVAL after writing the reason to report.
 */
int xci_opts_parse(struct xci_conf *cl, int argc, char *const argv[], FILE *out,
                   FILE *report);

/*
 * Resolve and validate c into s: hostname (RFC 1123), sizes, IPs, netmask,
 * MAC (given: unicast; else 00:16:3e + 3 random bytes), fs, image type,
 * install method, dir vs lvm. Returns 0 or -EINVAL after one line on report.
 */
int xci_settings_resolve(struct xci_settings *s, const struct xci_conf *c,
                         FILE *report);

/*
 * Merge the command line cl over the config-file settings in c. A --lvm on
 * the command line drops a config file's dir (and --dir its lvm), --ip its
 * dhcp, --dhcp its ip. Returns 0 or -ENOMEM.
 */
int xci_opts_merge(struct xci_conf *c, const struct xci_conf *cl);
/* Free what resolve allocated; s may be partly resolved. */
void xci_settings_fini(struct xci_settings *s);

#endif
