/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * dom0.c: find dom0's kernel xenstore ring (see dom0.h). The page is the
 * kernel's own memory: the daemon treats it like any guest's ring (ring.c
 * validates every index it reads), it only comes from another place.
 */
#include "store/dom0.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/sys/xenbus_dev.h>

#include "lib/parse.h"

#define DOM0_PAGE 4096

void dom0_paths_default(struct dom0_paths *p)
{
    p->backend = "/dev/xen/xenbus_backend";
    p->port = "/proc/xen/xsd_port";
    p->kva = "/proc/xen/xsd_kva";
}

/* The port as text ("5\n"): older kernels, or xenfs without the device. */
static int port_from_file(const char *path, uint32_t *port)
{
    char buf[24];
    long long v;
    ssize_t n;
    int fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return -errno;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 0)
        return n < 0 ? -errno : -EINVAL;
    buf[n] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    if (parse_ll(buf, 10, 1, UINT32_MAX, &v))
        return -EINVAL;
    *port = (uint32_t)v;
    return 0;
}

static int map_page(const char *path, void **page)
{
    int fd = open(path, O_RDWR | O_CLOEXEC);
    void *a;

    if (fd < 0)
        return -errno;
    a = mmap(NULL, DOM0_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (a == MAP_FAILED)
        return -errno;
    *page = a;
    return 0;
}

int dom0_ring_open(const struct dom0_paths *p, struct dom0_ring *r,
                   const char **what)
{
    int fd, rc;

    r->page = NULL;
    r->port = 0;
    *what = p->backend;
    fd = open(p->backend, O_RDWR | O_CLOEXEC);
    if (fd >= 0) {
        /* the ioctl returns the port itself, or -1 with errno */
        rc = ioctl(fd, IOCTL_XENBUS_BACKEND_EVTCHN);
        close(fd);
        if (rc > 0)
            r->port = (uint32_t)rc;
    }
    if (!r->port) {
        *what = p->port;
        rc = port_from_file(p->port, &r->port);
        if (rc)
            return rc;
    }
    *what = p->backend;
    rc = map_page(p->backend, &r->page);
    if (rc) {
        *what = p->kva;
        rc = map_page(p->kva, &r->page);
    }
    return rc;
}

void dom0_ring_close(struct dom0_ring *r)
{
    if (r->page)
        munmap(r->page, DOM0_PAGE);
    r->page = NULL;
}
