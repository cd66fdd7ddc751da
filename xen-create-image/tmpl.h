/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tmpl.h: the guest cfg template (xen-tools' xm.tmpl shape). The language
 * is small on purpose: "{$name}" inserts a variable, and lines holding only
 * "{if name}", "{if !name}", "{else}" or "{endif}" keep or drop the lines
 * between them (a variable is true when set and not "" or "0").
 */
#ifndef XT_XCI_TMPL_H
#define XT_XCI_TMPL_H

#include <stdio.h>

#include "conf.h"
#include "opts.h"

/* The built-in template; xen-create-image/xm.tmpl holds the same text. */
extern const char xci_tmpl_default[];

/*
 * Set the variables the template may use from s: hostname, date, kernel,
 * initrd, pygrub, vcpus, memory, maxmem, root_device, disk_lines (one
 * "'spec,vdev,w'," line per disk), dhcp, vif, ip, mac, bridge.
 * Returns 0 or -errno.
 */
int xci_tmpl_vars(struct xci_conf *vars, const struct xci_settings *s,
                  const char *date);

/*
 * Render tmpl with vars to out. An unknown variable, an unbalanced {if} or
 * {else}/{endif} without {if} is an error: "template:LINE: what" on report,
 * -EINVAL. Returns 0 on success.
 */
int xci_tmpl_render(const char *tmpl, const struct xci_conf *vars, FILE *out,
                    FILE *report);

#endif
