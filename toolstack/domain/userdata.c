/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * userdata.c: the domain's config kept on disk as libxl keeps it,
 * /var/lib/xen/userdata-d.<domid>.<uuid>.libxl-json holding the
 * libxl_domain_config JSON: what `xm list -l` prints and what a restart
 * builds from.
 */
#include "domain/internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cfg/cfg.h"
#include "lib/fs.h"
#include "lib/paths.h"

#define USERDATA_DIR "/var/lib/xen"
#define USERDATA_MAX (1u << 20) /* a config is a few KiB; refuse nonsense */

static int userdata_path(uint32_t domid, const uint8_t uuid[16], char *buf,
                         size_t len)
{
    char rel[128], us[40];

    domain_uuid_str(uuid, us);
    snprintf(rel, sizeof(rel), USERDATA_DIR "/userdata-d.%u.%s.libxl-json",
             domid, us);
    return paths_get(buf, len, rel);
}

int userdata_store(uint32_t domid, const uint8_t uuid[16],
                   const struct domain_config *cfg)
{
    char path[4096], *json = NULL;
    int rc;

    rc = paths_mkdir(USERDATA_DIR, 0755);
    if (!rc)
        rc = userdata_path(domid, uuid, path, sizeof(path));
    if (!rc)
        rc = domain_config_to_json(cfg, &json);
    if (rc)
        goto out;
    /* The rename leaves the old config or the new one, never half, if we
     * die midway. No fsync (a few ms on a loaded disk, per create): the
     * file describes a running domain, which a host crash takes with it;
     * libxl__userdata_store writes, closes and renames the same way. */
    rc = fs_write_atomic(path, json, strlen(json), 0600, 0);
out:
    free(json);
    return rc;
}

void userdata_remove(uint32_t domid)
{
    char dir[4096], pre[48], p[4400];
    struct dirent *de;
    DIR *d;

    if (paths_get(dir, sizeof(dir), USERDATA_DIR))
        return;
    d = opendir(dir);
    if (!d)
        return;
    snprintf(pre, sizeof(pre), "userdata-d.%u.", domid);
    while ((de = readdir(d)))
        if (!strncmp(de->d_name, pre, strlen(pre)) &&
            snprintf(p, sizeof(p), "%s/%s", dir, de->d_name) < (int)sizeof(p))
            unlink(p);
    closedir(d);
}

int userdata_read(uint32_t domid, const uint8_t uuid[16], char **json_out)
{
    char path[4096], *buf = NULL;
    struct stat st;
    size_t got = 0;
    ssize_t n;
    int fd, rc;

    *json_out = NULL;
    rc = userdata_path(domid, uuid, path, sizeof(path));
    if (rc)
        return rc;
    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0 || st.st_size < 0 ||
        (size_t)st.st_size > USERDATA_MAX) {
        close(fd);
        return -EFBIG;
    }
    buf = malloc((size_t)st.st_size + 1);
    if (!buf) {
        close(fd);
        return -ENOMEM;
    }
    while (got < (size_t)st.st_size &&
           (n = read(fd, buf + got, (size_t)st.st_size - got)) > 0)
        got += (size_t)n;
    close(fd);
    buf[got] = '\0';
    *json_out = buf;
    return 0;
}
