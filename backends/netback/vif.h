/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vif.h: the host side of a vif: a tap device vif<domid>.<devid> (or the
 * cfg's vifname), enslaved to a bridge over rtnetlink and brought up, and
 * the vif-bridge style hotplug script hook. Closing the tap removes it
 * (and so its bridge port): nothing is left behind.
 */
#ifndef XT_NETBACK_VIF_H
#define XT_NETBACK_VIF_H

struct nbvif;

/*
 * Create tap name (<= 15 chars), set mtu, give it the fe:ff:ff:ff:ff:ff
 * address Linux netback uses (so the bridge never takes it), enslave it to
 * bridge and bring it up. Returns 0, -ENODEV (no such bridge), -EINVAL
 * (bad name) or -errno.
 */
int nbvif_create(const char *name, const char *bridge, unsigned mtu,
                 struct nbvif **out);
/* The tap fd (non-blocking, one frame per read/write). */
int nbvif_fd(const struct nbvif *v);
const char *nbvif_name(const struct nbvif *v);
/* Close the tap: the kernel removes the device and its bridge port. */
void nbvif_destroy(struct nbvif *v);

/*
 * Run a hotplug script as libxl does: argv[1] = action ("online",
 * "offline"), environment script, XENBUS_TYPE=vif, XENBUS_PATH=be_path,
 * XENBUS_BASE_PATH=backend, vif=ifname. Waits up to 40 s (libxl's
 * LIBXL_HOTPLUG_TIMEOUT). Returns 0, -ETIMEDOUT or -EIO (script failed).
 */
int nbvif_run_script(const char *script, const char *action,
                     const char *be_path, const char *ifname);

#endif
