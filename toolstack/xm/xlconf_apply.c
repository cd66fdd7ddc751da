/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xlconf_apply.c: what xl does with /etc/xen/xl.conf (cfg/xlconf.h) around
 * a create: vif.default.* fill vifs that set none, the lockfile serialises
 * creates (the memory check and the build happen under it, as xl's
 * acquire_lock, so two creates cannot both pass the check), and
 * output_format "sxp" is refused with a warning (we print JSON).
 */
#include "xm/xm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg/cfg.h"
#include "cfg/xlconf.h"
#include "lib/fs.h"
#include "lib/paths.h"

int xm_xlconf_vifs(struct xm *xm, struct vif_spec *vifs, size_t n)
{
    struct xl_conf xc;
    size_t i;
    int rc = xl_conf_read(&xc, xm->err);

    if (rc)
        return rc;
    for (i = 0; !rc && i < n; i++)
        rc = xl_conf_vif_defaults(&xc, &vifs[i]);
    xl_conf_fini(&xc);
    if (rc)
        xm_err(xm, "vif defaults: %s", strerror(-rc));
    return rc;
}

int xm_xlconf_lock(struct xm *xm)
{
    struct xl_conf xc;
    struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET};
    char path[4096], *slash;
    int fd, rc = xl_conf_read(&xc, xm->err);

    if (rc)
        return rc;
    rc = paths_get(path, sizeof(path), xc.lockfile);
    xl_conf_fini(&xc);
    if (rc) {
        xm_err(xm, "lockfile: %s", strerror(-rc));
        return rc;
    }
    slash = strrchr(path, '/');
    if (slash && slash != path) { /* /var/lock may not exist under a root */
        *slash = '\0';
        fs_mkdir_p(path, 0755); /* and /run/lock if /var/lock links there */
        *slash = '/';
    }
    fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
        rc = -errno;
        xm_err(xm, "cannot open the lockfile %s: %s", path, strerror(-rc));
        return rc;
    }
    /*
     * xl's acquire_lock: a POSIX lock (F_SETLKW), not flock(2), which
     * matters: the domain's monitor is forked (no exec) inside
     * domain_create and would inherit a flock, holding it for the
     * domain's life; POSIX locks are not inherited. xm has no SIGTERM
     * handler, so a create blocked here dies when killed.
     */
    while (fcntl(fd, F_SETLKW, &fl) < 0) {
        if (errno != EINTR) {
            rc = -errno;
            xm_err(xm, "cannot lock the lockfile %s: %s", path, strerror(-rc));
            close(fd);
            return rc;
        }
    }
    return fd;
}

void xm_xlconf_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* releases the lock */
}

int xm_xlconf_json(struct xm *xm)
{
    struct xl_conf xc;
    int json;

    if (xl_conf_read(&xc, NULL))
        return 1; /* the error is reported where xl.conf matters */
    json = xc.output_json;
    xl_conf_fini(&xc);
    if (!json)
        xm_err(xm, "warning: xl.conf output_format \"sxp\" is not supported; "
                   "printing JSON");
    return json;
}
