/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vif.c: tap devices on bridges. One RTM_NEWLINK request sets master,
 * address, MTU and IFF_UP together, so a vif is never on the bridge with
 * the wrong address nor up outside it.
 */
#include "netback/vif.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct nbvif {
    int fd;
    char name[IFNAMSIZ];
};

int nbvif_fd(const struct nbvif *v)
{
    return v->fd;
}
const char *nbvif_name(const struct nbvif *v)
{
    return v->name;
}

struct nlreq {
    struct nlmsghdr nh;
    struct ifinfomsg ifi;
    char attrs[128];
};

static void nl_attr(struct nlreq *q, unsigned short type, const void *data,
                    unsigned short len)
{
    struct rtattr *rta =
        (struct rtattr *)((char *)q + NLMSG_ALIGN(q->nh.nlmsg_len));

    rta->rta_type = type;
    rta->rta_len = (unsigned short)RTA_LENGTH(len);
    memcpy(RTA_DATA(rta), data, len);
    q->nh.nlmsg_len = NLMSG_ALIGN(q->nh.nlmsg_len) + RTA_ALIGN(rta->rta_len);
}

/* Send q and read the kernel's ACK. Returns 0 or -errno. */
static int nl_talk(struct nlreq *q)
{
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
    char buf[512];
    struct nlmsghdr *h;
    ssize_t n;
    int fd, rc = -EIO;

    fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
    if (fd < 0)
        return -errno;
    if (sendto(fd, q, q->nh.nlmsg_len, 0, (struct sockaddr *)&sa, sizeof(sa)) <
        0) {
        rc = -errno;
        goto out;
    }
    n = recv(fd, buf, sizeof(buf), 0);
    if (n < 0) {
        rc = -errno;
        goto out;
    }
    h = (struct nlmsghdr *)buf;
    if (NLMSG_OK(h, (unsigned)n) && h->nlmsg_type == NLMSG_ERROR)
        rc = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
out:
    close(fd);
    return rc;
}

static int link_setup(const char *name, unsigned master, unsigned mtu)
{
    static const unsigned char addr[6] = {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff};
    struct nlreq q;
    unsigned idx = if_nametoindex(name);

    if (!idx)
        return -errno;
    memset(&q, 0, sizeof(q));
    q.nh.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    q.nh.nlmsg_type = RTM_NEWLINK;
    q.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
    q.ifi.ifi_family = AF_UNSPEC;
    q.ifi.ifi_index = (int)idx;
    q.ifi.ifi_flags = IFF_UP;
    q.ifi.ifi_change = IFF_UP;
    nl_attr(&q, IFLA_ADDRESS, addr, sizeof(addr));
    nl_attr(&q, IFLA_MTU, &mtu, sizeof(mtu));
    nl_attr(&q, IFLA_MASTER, &master, sizeof(master));
    return nl_talk(&q);
}

int nbvif_create(const char *name, const char *bridge, unsigned mtu,
                 struct nbvif **out)
{
    struct nbvif *v;
    struct ifreq ifr;
    unsigned master;
    int rc;

    *out = NULL;
    if (!*name || strlen(name) >= IFNAMSIZ || strchr(name, '/') ||
        strlen(bridge) >= IFNAMSIZ)
        return -EINVAL;
    master = if_nametoindex(bridge);
    if (!master)
        return -ENODEV;
    v = calloc(1, sizeof(*v));
    if (!v)
        return -ENOMEM;
    snprintf(v->name, sizeof(v->name), "%s", name);
    v->fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (v->fd < 0) {
        rc = -errno;
        goto fail;
    }
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    memcpy(ifr.ifr_name, v->name, sizeof(v->name));
    if (ioctl(v->fd, TUNSETIFF, &ifr)) {
        rc = -errno;
        goto fail;
    }
    rc = link_setup(v->name, master, mtu);
    if (rc == -EOPNOTSUPP)
        rc = -ENODEV; /* the master cannot take ports: not a bridge */
    if (rc)
        goto fail;
    *out = v;
    return 0;
fail:
    nbvif_destroy(v);
    return rc;
}

void nbvif_destroy(struct nbvif *v)
{
    if (!v)
        return;
    if (v->fd >= 0)
        close(v->fd);
    free(v);
}

int nbvif_run_script(const char *script, const char *action,
                     const char *be_path, const char *ifname)
{
    struct timespec ts = {0, 10 * 1000 * 1000};
    int status, i;
    pid_t pid, w;

    pid = fork();
    if (pid < 0)
        return -errno;
    if (pid == 0) {
        setenv("script", script, 1);
        setenv("XENBUS_TYPE", "vif", 1);
        setenv("XENBUS_PATH", be_path, 1);
        setenv("XENBUS_BASE_PATH", "backend", 1);
        setenv("vif", ifname, 1);
        execl(script, script, action, (char *)NULL);
        _exit(127);
    }
    for (i = 0; i < 4000; i++) { /* 40 s */
        w = waitpid(pid, &status, WNOHANG);
        if (w == pid)
            return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
        if (w < 0 && errno != EINTR)
            return -errno;
        nanosleep(&ts, NULL);
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    return -ETIMEDOUT;
}
