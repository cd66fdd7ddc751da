/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * install.h: filling the mounted root: the install methods (debootstrap,
 * copy, tar), the customisation hooks (run-parts style, each logged) and
 * role scripts, and the root password.
 */
#ifndef XT_XCI_INSTALL_H
#define XT_XCI_INSTALL_H

#include <stddef.h>

#include "conf.h"
#include "opts.h"
#include "run.h"

/*
 * Install into mnt with s->install_method. debootstrap uses
 * s->debootstrap_cmd, s->dist, s->mirror, s->arch and keeps .debs in
 * s->cachedir (created if missing). Fails with -ENOEXEC when mnt/bin/ls is
 * missing afterwards, as xen-tools checks. With s->pygrub, debootstrap
 * also installs the kernel package (xci_kernel_package) into the guest.
 */
int xci_install(struct xci_log *l, const struct xci_settings *s,
                const char *mnt);

/*
 * The environment hooks and roles see (xen-tools names): prefix, hostname,
 * dist, mirror, ip1..ipN, ip_count, netmask, gateway, broadcast,
 * nameserver, dhcp, mac, fs, options, noswap, root_device, swap_device,
 * serial_device, disk_device, password_hash (may be ""), verbose, pygrub.
 */
int xci_hook_env(struct xci_conf *env, const struct xci_settings *s,
                 const char *mnt, const char *password_hash);

/*
 * Run every executable in dir whose name is made of [A-Za-z0-9_-] (as
 * run-parts), in name order, as "<hook> <mnt>". Stops at the first failure
 * and names it in *failed_out (borrowed until the next call). 0 or -errno.
 */
int xci_run_hooks(struct xci_log *l, const char *dir, const char *mnt,
                  const struct xci_conf *env, char *failed_out, size_t len);

/* Run the role scripts <roledir>/<role> <mnt>. 0 or -errno (-ENOENT for a
 * role that does not exist). */
int xci_run_roles(struct xci_log *l, const struct xci_settings *s,
                  const char *roledir, const char *mnt,
                  const struct xci_conf *env);

/* Debian's kernel metapackage for arch (NULL: this host's), e.g.
 * "linux-image-amd64". */
const char *xci_kernel_package(const char *arch);

/* A random password of len characters from [A-Za-z0-9]. 0 or -errno. */
int xci_genpass(char *buf, size_t len);
/*
 * crypt(3) hash of pw with a random salt: method md5 ($1$), sha256 ($5$)
 * or sha512 ($6$). Returns 0, -EINVAL or -errno.
 */
int xci_hash_password(const char *pw, const char *method, char *out,
                      size_t len);

#endif
