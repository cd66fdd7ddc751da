/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * perms.c: Xen's permission model. perms[0] names the owner and the access
 * everyone else gets by default; later entries grant a domain r/w/b/n.
 * Owners, their SET_TARGET device models and privileged connections get
 * everything (xenstored_core.c perm_for_conn()).
 */
#include "store/internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/parse.h"

unsigned int perms_for(const struct xs_conn *conn,
                       const struct xs_permissions *p, unsigned int n)
{
    const unsigned int all = XS_PERM_READ | XS_PERM_WRITE | XS_PERM_OWNER;
    unsigned int i;

    if (conn->priv || p[0].id == conn->domid ||
        (conn->target != XS_NO_TARGET && p[0].id == conn->target))
        return all;
    for (i = 1; i < n; i++)
        if (!(p[i].perms & XS_PERM_IGNORE) &&
            (p[i].id == conn->domid ||
             (conn->target != XS_NO_TARGET && p[i].id == conn->target)))
            return p[i].perms & all;
    return p[0].perms & all;
}

int perms_parse(const char *s, size_t len, unsigned int count,
                struct xs_permissions *out)
{
    unsigned int i;
    long long id;

    for (i = 0; i < count; i++) {
        size_t l = strnlen(s, len);

        if (l == len || l < 2)
            return -EINVAL;
        switch (s[0]) {
        case 'r':
            out[i].perms = XS_PERM_READ;
            break;
        case 'w':
            out[i].perms = XS_PERM_WRITE;
            break;
        case 'b':
            out[i].perms = XS_PERM_READ | XS_PERM_WRITE;
            break;
        case 'n':
            out[i].perms = XS_PERM_NONE;
            break;
        default:
            return -EINVAL;
        }
        if (parse_ll(s + 1, 10, 0, UINT16_MAX, &id))
            return -EINVAL;
        out[i].id = (unsigned int)id;
        s += l + 1;
        len -= l + 1;
    }
    return 0;
}

int perms_format(const struct xs_permissions *p, unsigned int n, char *buf,
                 size_t size)
{
    size_t off = 0;
    unsigned int i;

    for (i = 0; i < n; i++) {
        char c;
        int w;

        switch (p[i].perms & (XS_PERM_READ | XS_PERM_WRITE)) {
        case XS_PERM_READ:
            c = 'r';
            break;
        case XS_PERM_WRITE:
            c = 'w';
            break;
        case XS_PERM_READ | XS_PERM_WRITE:
            c = 'b';
            break;
        default:
            c = 'n';
            break;
        }
        w = snprintf(buf + off, size - off, "%c%u", c, p[i].id);
        if (w < 0 || (size_t)w + 1 > size - off)
            return -E2BIG;
        off += (size_t)w + 1; /* keep the NUL */
    }
    return (int)off;
}
