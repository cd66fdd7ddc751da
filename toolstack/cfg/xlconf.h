/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xlconf.h: /etc/xen/xl.conf, read as xl reads it (autoballoon, lockfile,
 * vif.default.*, output_format), plus pvstack's dom0_mem: on the kvm engine
 * there is no Xen command line, so the Domain-0 share Xen takes from
 * dom0_mem= is set here, in the same syntax.
 */
#ifndef XT_CFG_XLCONF_H
#define XT_CFG_XLCONF_H

#include <stdint.h>
#include <stdio.h>

struct xl_conf {
    int autoballoon;      /* 1 on, 0 off ("auto": on unless dom0_mem set) */
    char *vif_bridge;     /* vif.default.bridge (NULL: xenbr0) */
    char *vif_script;     /* vif.default.script (NULL: vif-bridge) */
    char *vif_backend;    /* vif.default.backend (NULL: Domain-0) */
    char *vif_gatewaydev; /* vif.default.gatewaydev (NULL: none) */
    char *lockfile;       /* lockfile (default /var/lock/xl) */
    int output_json;      /* output_format: 1 json (default), 0 sxp */
    uint64_t dom0_kb;     /* dom0_mem = "<size>" (default unit MiB), 0 unset */
    unsigned dom0_pct;    /* dom0_mem = "<N>%", 0 unset */
};

/*
 * Parse xl.conf text. Unknown keys are ignored, as xl does (xl.conf also
 * carries keys for other tools). Bad values: one line "FILE:LINE:COL: ..."
 * to err and -EINVAL. On success *c is filled (free with xl_conf_fini).
 */
int xl_conf_parse_buf(const char *buf, size_t len, const char *fname,
                      struct xl_conf *c, FILE *err);
/*
 * Read root/etc/xen/xl.conf (PVSTACK_ROOT honoured); a missing file gives
 * the defaults. Returns 0, -EINVAL (reported) or -errno.
 */
int xl_conf_read(struct xl_conf *c, FILE *err);
void xl_conf_fini(struct xl_conf *c);

/*
 * xl's set_default_nic_values: each vif.default.* fills the field of a vif
 * that sets none (a vif's own bridge= etc. wins). 0 or -ENOMEM.
 */
struct vif_spec;
int xl_conf_vif_defaults(const struct xl_conf *c, struct vif_spec *v);

/* dom0's share of a host of total_kb as dom0_mem says; 0 when unset. */
uint64_t xl_conf_dom0_kb(const struct xl_conf *c, uint64_t total_kb);

#endif
