/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tap.c: the tap behind an emulated NIC, vif<domid>.<n> as Xen names it,
 * enslaved to the vif's bridge. Non-persistent, so it goes with QEMU.
 */
#include "dm/dm.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <linux/sockios.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int if_up_and_enslave(const char *ifname, const char *bridge)
{
    struct ifreq ifr;
    int s, rc = 0, idx;

    s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return -errno;
    memset(&ifr, 0, sizeof(ifr));
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    if (ioctl(s, SIOCGIFINDEX, &ifr) < 0) {
        rc = -errno;
        goto out;
    }
    idx = ifr.ifr_ifindex;
    if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
        rc = -errno;
        goto out;
    }
    ifr.ifr_flags |= IFF_UP;
    if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
        rc = -errno;
        goto out;
    }
    if (bridge && *bridge) {
        memset(&ifr, 0, sizeof(ifr));
        strncpy(ifr.ifr_name, bridge, IFNAMSIZ - 1);
        ifr.ifr_ifindex = idx;
        if (ioctl(s, SIOCBRADDIF, &ifr) < 0)
            rc = -errno;
    }
out:
    close(s);
    return rc;
}

int dm_tap_open(const char *ifname, const char *bridge, int *fd_out)
{
    struct ifreq ifr;
    int fd, rc;

    *fd_out = -1;
    if (!ifname || !*ifname || strlen(ifname) >= IFNAMSIZ)
        return -EINVAL;
    fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    memset(&ifr, 0, sizeof(ifr));
    /* IFF_VNET_HDR is left to QEMU to probe; plain frames work for all models.
     */
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
        rc = -errno;
        close(fd);
        return rc;
    }
    rc = if_up_and_enslave(ifname, bridge);
    if (rc) {
        close(fd);
        return rc;
    }
    *fd_out = fd;
    return 0;
}
