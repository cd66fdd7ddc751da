/* SPDX-License-Identifier: GPL-2.0-only */
/* paths.c: PVSTACK_ROOT-relative state locations (see paths.h). */
#include "lib/paths.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/fs.h"

const char *paths_root(void)
{
    const char *r = getenv("PVSTACK_ROOT");

    if (!r || !*r || !strcmp(r, "/"))
        return "";
    return r;
}

int paths_get(char *buf, size_t len, const char *path)
{
    int n = snprintf(buf, len, "%s%s", paths_root(), path);

    if (n < 0 || (size_t)n >= len)
        return -ENAMETOOLONG;
    return 0;
}

int paths_xenstored_socket(char *buf, size_t len)
{
    const char *p = getenv("XENSTORED_PATH");
    int n;

    if (p && *p) {
        n = snprintf(buf, len, "%s", p);
        return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
    }
    return paths_get(buf, len, "/run/xenstored/socket");
}

int paths_mkdir(const char *path, unsigned mode)
{
    char buf[4096];
    int rc = paths_get(buf, sizeof(buf), path);

    return rc ? rc : fs_mkdir_p(buf, mode);
}
