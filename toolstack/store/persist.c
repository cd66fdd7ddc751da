/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * persist.c: the store across a restart (--state-file): every node's path,
 * value and permissions in preorder, written to a temporary file and
 * renamed into place; read back before the first client. Connections,
 * watches, transactions and introduced domains are not kept.
 */
#include "store/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PERSIST_MAGIC "pvstack-xenstored-1\n"

static int put32(FILE *f, uint32_t v)
{
    return fwrite(&v, sizeof(v), 1, f) == 1 ? 0 : -EIO;
}

/* n's record, then its subtree; path holds n's path (len 0: the root). */
static int save_node(FILE *f, const struct xs_node *n, char *path, size_t len)
{
    unsigned int i;
    int rc;

    rc = put32(f, len ? (uint32_t)len : 1);
    if (!rc && fwrite(len ? path : "/", 1, len ? len : 1, f) != (len ? len : 1))
        rc = -EIO;
    if (!rc)
        rc = put32(f, n->vlen);
    if (!rc && n->vlen && fwrite(n->val, 1, n->vlen, f) != n->vlen)
        rc = -EIO;
    if (!rc)
        rc = put32(f, n->nperms);
    for (i = 0; !rc && i < n->nperms; i++) {
        rc = put32(f, n->perms[i].id);
        if (!rc)
            rc = put32(f, n->perms[i].perms);
    }
    for (i = 0; !rc && i < n->nkids; i++) {
        size_t l = strlen(n->kids[i]->name);

        if (len + 1 + l >= XS_PATH_BUF)
            return -EINVAL;
        path[len] = '/';
        memcpy(path + len + 1, n->kids[i]->name, l + 1);
        rc = save_node(f, n->kids[i], path, len + 1 + l);
        path[len] = '\0';
    }
    return rc;
}

int persist_save_fp(struct xsd *x, FILE *f)
{
    char path[XS_PATH_BUF] = "";

    if (fputs(PERSIST_MAGIC, f) < 0)
        return -EIO;
    return save_node(f, x->tree.root, path, 0);
}

int xsd_save(struct xsd *x, const char *file)
{
    char tmp[4096];
    FILE *f;
    int rc;

    if (snprintf(tmp, sizeof(tmp), "%s.tmp", file) >= (int)sizeof(tmp))
        return -ENAMETOOLONG;
    f = fopen(tmp, "we");
    if (!f)
        return -errno;
    rc = persist_save_fp(x, f);
    if (fclose(f) && !rc)
        rc = -EIO;
    if (!rc && rename(tmp, file))
        rc = -errno;
    if (rc)
        remove(tmp);
    return rc;
}

static int get32(FILE *f, uint32_t *v)
{
    return fread(v, sizeof(*v), 1, f) == 1 ? 0 : -EINVAL;
}

/* One record; 1 at a clean end of file, 0 loaded, -EINVAL corrupt. */
static int load_one(struct xsd *x, FILE *f)
{
    struct xs_permissions p[64];
    char path[XS_PATH_BUF], val[XENSTORE_PAYLOAD_MAX];
    uint32_t len, vlen, np, i;
    struct xs_node *n;
    int rc;

    if (fread(&len, sizeof(len), 1, f) != 1)
        return feof(f) ? 1 : -EIO;
    if (len == 0 || len >= sizeof(path) || fread(path, 1, len, f) != len)
        return -EINVAL;
    path[len] = '\0';
    if (get32(f, &vlen) || vlen > sizeof(val) ||
        (vlen && fread(val, 1, vlen, f) != vlen) || get32(f, &np) || np == 0 ||
        np > sizeof(p) / sizeof(p[0]))
        return -EINVAL;
    for (i = 0; i < np; i++) {
        if (get32(f, &p[i].id) || get32(f, &p[i].perms) ||
            p[i].id > UINT16_MAX ||
            (p[i].perms & ~(XS_PERM_READ | XS_PERM_WRITE)))
            return -EINVAL;
    }
    if (strcmp(path, "/") && !wire_valid_path(x, path))
        return -EINVAL;
    rc = tree_create(&x->tree, path, XS_OWNER_KEEP, &n, NULL);
    if (!rc)
        rc = tree_set_perms(&x->tree, n, p, np);
    if (!rc && vlen)
        rc = tree_set_value(&x->tree, n, val, vlen);
    return rc;
}

int persist_load_fp(struct xsd *x, FILE *f)
{
    char magic[sizeof(PERSIST_MAGIC)];
    int rc;

    if (fread(magic, 1, strlen(PERSIST_MAGIC), f) != strlen(PERSIST_MAGIC) ||
        memcmp(magic, PERSIST_MAGIC, strlen(PERSIST_MAGIC)))
        return -EINVAL;
    while ((rc = load_one(x, f)) == 0)
        ;
    return rc == 1 ? 0 : rc;
}

int xsd_load(struct xsd *x, const char *file)
{
    FILE *f = fopen(file, "re");
    int rc;

    if (!f)
        return -errno;
    rc = persist_load_fp(x, f);
    fclose(f);
    return rc;
}
