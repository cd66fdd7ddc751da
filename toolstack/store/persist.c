/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * persist.c: the state file's format. A header (magic, the host's boot id)
 * and then records, each "u32 len, body, u32 check": a node's full state,
 * a removed subtree, an introduced domain and its ring's watches. A
 * snapshot is the same records for the whole store, so the journal
 * (journal.c) appends what changed and one loader replays both. A zero
 * length (the journal's unused room) ends the replay; so does a record cut
 * short or damaged, with -EINVAL.
 */
#include "store/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PERSIST_MAGIC "pvstack-xenstored-2\n"
#define BOOT_LINE 42 /* "boot " + 36-char uuid + "\n" */
#define REC_MAX (16 + 2 * XS_PATH_BUF + XENSTORE_PAYLOAD_MAX + 64 * 8)

enum {
    REC_NODE = 'P',
    REC_RM = 'D',
    REC_DOMAIN = 'I',
    REC_RELEASE = 'R',
    REC_WATCH = 'W',
    REC_UNWATCH = 'U',
    REC_RESET = 'Z',
};

/*
 * A record's check: tells a torn or scribbled tail apart (no adversary
 * writes this file). Eight bytes a step: it runs on every change.
 */
static uint32_t check(const char *p, size_t len)
{
    uint64_t h = 0x9e3779b97f4a7c15ull ^ len, w;

    for (; len >= 8; p += 8, len -= 8) {
        memcpy(&w, p, 8);
        h = (h ^ w) * 0xff51afd7ed558ccdull;
        h ^= h >> 32;
    }
    w = 0;
    memcpy(&w, p, len);
    h = (h ^ w) * 0xc4ceb9fe1a85ec53ull;
    return (uint32_t)(h ^ (h >> 29));
}

static bool reserve(struct xs_rec_buf *b, size_t more)
{
    size_t cap;
    char *p;

    if (b->oom)
        return false;
    if (b->len + more <= b->cap)
        return true;
    cap = b->cap ? b->cap * 2 : 4096;
    while (cap < b->len + more)
        cap *= 2;
    p = realloc(b->p, cap);
    if (!p) {
        b->oom = true; /* the journal reports it at the next flush */
        return false;
    }
    b->p = p;
    b->cap = cap;
    return true;
}

static void put(struct xs_rec_buf *b, const void *p, size_t len)
{
    if (reserve(b, len)) {
        memcpy(b->p + b->len, p, len);
        b->len += len;
    }
}

static void put32(struct xs_rec_buf *b, uint32_t v)
{
    put(b, &v, sizeof(v));
}

static void putstr(struct xs_rec_buf *b, const char *s)
{
    put32(b, (uint32_t)strlen(s));
    put(b, s, strlen(s));
}

/* Open a record: its length is patched in by end(). */
static size_t begin(struct xs_rec_buf *b, char type)
{
    size_t at = b->len;

    put32(b, 0);
    put(b, &type, 1);
    return at;
}

static void end(struct xs_rec_buf *b, size_t at)
{
    uint32_t len;

    if (b->oom)
        return;
    len = (uint32_t)(b->len - at - sizeof(len));
    memcpy(b->p + at, &len, sizeof(len));
    put32(b, check(b->p + at + sizeof(len), len));
}

void rec_node_path(struct xs_rec_buf *b, const struct xs_node *n,
                   const char *path)
{
    size_t at = begin(b, REC_NODE);
    unsigned int i;

    putstr(b, path);
    put32(b, n->vlen);
    if (n->vlen)
        put(b, n->val, n->vlen);
    put32(b, n->nperms);
    for (i = 0; i < n->nperms; i++) {
        put32(b, n->perms[i].id);
        put32(b, n->perms[i].perms);
    }
    end(b, at);
}

void rec_node(struct xs_rec_buf *b, const struct xs_node *n)
{
    char path[XS_PATH_BUF];

    tree_path(n, path);
    rec_node_path(b, n, path);
}

void rec_rm(struct xs_rec_buf *b, const struct xs_node *n)
{
    char path[XS_PATH_BUF];
    size_t at = begin(b, REC_RM);

    tree_path(n, path);
    putstr(b, path);
    end(b, at);
}

void rec_domain(struct xs_rec_buf *b, uint32_t domid, uint64_t mfn,
                uint32_t port, uint32_t target)
{
    size_t at = begin(b, REC_DOMAIN);

    put32(b, domid);
    put(b, &mfn, sizeof(mfn));
    put32(b, port);
    put32(b, target);
    end(b, at);
}

/* A record that names only a domain. */
static void rec_id(struct xs_rec_buf *b, char type, uint32_t domid)
{
    size_t at = begin(b, type);

    put32(b, domid);
    end(b, at);
}

void rec_release(struct xs_rec_buf *b, uint32_t domid)
{
    rec_id(b, REC_RELEASE, domid);
}

void rec_watch(struct xs_rec_buf *b, uint32_t domid, const char *path,
               const char *token, bool relative, bool add)
{
    size_t at = begin(b, add ? REC_WATCH : REC_UNWATCH);
    char rel = relative;

    put32(b, domid);
    put(b, &rel, 1);
    putstr(b, path);
    putstr(b, token);
    end(b, at);
}

void rec_reset_watches(struct xs_rec_buf *b, uint32_t domid)
{
    rec_id(b, REC_RESET, domid);
}

/* The header: magic, then this boot's id (a state file is per boot). */
static int put_header(struct xs_rec_buf *b, const char *boot_id)
{
    char line[BOOT_LINE + 1];

    snprintf(line, sizeof(line), "boot %-36.36s\n", boot_id);
    put(b, PERSIST_MAGIC, strlen(PERSIST_MAGIC));
    put(b, line, BOOT_LINE);
    return b->oom ? -ENOMEM : 0;
}

static int snap_node(struct xs_rec_buf *b, const struct xs_node *n, char *path,
                     size_t len)
{
    unsigned int i;

    rec_node_path(b, n, len ? path : "/");
    for (i = 0; i < n->nkids; i++) {
        size_t l = strlen(n->kids[i]->name);

        if (len + 1 + l >= XS_PATH_BUF)
            return -EINVAL; /* cannot happen: paths are length-checked */
        path[len] = '/';
        memcpy(path + len + 1, n->kids[i]->name, l + 1);
        snap_node(b, n->kids[i], path, len + 1 + l);
        path[len] = '\0';
    }
    return b->oom ? -ENOMEM : 0;
}

int persist_snapshot(struct xsd *x, const char *boot_id, struct xs_rec_buf *b)
{
    char path[XS_PATH_BUF] = "";
    int rc = put_header(b, boot_id);

    if (!rc)
        rc = snap_node(b, x->tree.root, path, 0);
    if (!rc)
        domain_snapshot(x, b);
    return b->oom ? -ENOMEM : rc;
}

int persist_save_fp(struct xsd *x, FILE *f)
{
    struct xs_rec_buf b = {0};
    int rc = persist_snapshot(x, x->boot_id, &b);

    if (!rc && fwrite(b.p, 1, b.len, f) != b.len)
        rc = -EIO;
    free(b.p);
    return rc;
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

/* A cursor over one record's body. */
struct cur {
    const char *p;
    size_t left;
    bool bad;
};

static void get(struct cur *c, void *out, size_t len)
{
    if (c->bad || len > c->left) {
        c->bad = true;
        memset(out, 0, len);
        return;
    }
    memcpy(out, c->p, len);
    c->p += len;
    c->left -= len;
}

static uint32_t get32(struct cur *c)
{
    uint32_t v;

    get(c, &v, sizeof(v));
    return v;
}

/* A length-prefixed string into buf (size bytes, NUL-terminated). */
static void getstr(struct cur *c, char *buf, size_t size)
{
    uint32_t len = get32(c);

    if (len >= size)
        c->bad = true;
    get(c, buf, c->bad ? 0 : len);
    buf[c->bad ? 0 : len] = '\0';
}

static int load_node(struct xsd *x, struct cur *c)
{
    struct xs_permissions p[64];
    char path[XS_PATH_BUF], val[XENSTORE_PAYLOAD_MAX];
    uint32_t vlen, np, i;
    struct xs_node *n;
    int rc;

    getstr(c, path, sizeof(path));
    vlen = get32(c);
    if (vlen > sizeof(val))
        return -EINVAL;
    get(c, val, vlen);
    np = get32(c);
    if (c->bad || np == 0 || np > sizeof(p) / sizeof(p[0]))
        return -EINVAL;
    for (i = 0; i < np; i++) {
        p[i].id = get32(c);
        p[i].perms = get32(c);
        if (p[i].id > UINT16_MAX ||
            (p[i].perms & ~(XS_PERM_READ | XS_PERM_WRITE)))
            return -EINVAL;
    }
    if (c->bad || c->left || (strcmp(path, "/") && !wire_valid_path(x, path)))
        return -EINVAL;
    rc = tree_create(&x->tree, path, XS_OWNER_KEEP, &n, NULL);
    if (!rc)
        rc = tree_set_perms(&x->tree, n, p, np);
    if (!rc && (vlen || n->vlen))
        rc = tree_set_value(&x->tree, n, val, vlen);
    return rc;
}

static int load_rm(struct xsd *x, struct cur *c)
{
    char path[XS_PATH_BUF];
    struct xs_node *n;

    getstr(c, path, sizeof(path));
    if (c->bad || c->left || !wire_valid_path(x, path))
        return -EINVAL;
    n = tree_lookup(&x->tree, path);
    if (n && n->parent)
        tree_remove(&x->tree, n);
    return 0;
}

static int load_watch(struct xsd *x, struct cur *c, char type)
{
    char path[XS_PATH_BUF], token[XENSTORE_PAYLOAD_MAX];
    uint32_t domid = get32(c);
    char rel;

    get(c, &rel, 1);
    getstr(c, path, sizeof(path));
    getstr(c, token, sizeof(token));
    /* domain 0 too: dom0's kernel ring keeps its watches (domain_hv.c) */
    if (c->bad || c->left || domid > UINT16_MAX ||
        (path[0] != '@' && !wire_valid_path(x, path)))
        return -EINVAL;
    return domain_restore_watch(x, domid, path, token, rel != 0,
                                type == REC_WATCH);
}

static int load_record(struct xsd *x, char type, struct cur *c)
{
    uint32_t domid, port, target;
    uint64_t mfn;

    switch (type) {
    case REC_NODE:
        return load_node(x, c);
    case REC_RM:
        return load_rm(x, c);
    case REC_WATCH:
    case REC_UNWATCH:
        return load_watch(x, c, type);
    case REC_DOMAIN:
        domid = get32(c);
        get(c, &mfn, sizeof(mfn));
        port = get32(c);
        target = get32(c);
        if (c->bad || c->left || domid > UINT16_MAX)
            return -EINVAL;
        return domain_restore(x, domid, mfn, port, target);
    case REC_RELEASE:
    case REC_RESET:
        domid = get32(c);
        /* dom0 is never released; its ring's watches may be reset */
        if (c->bad || c->left || domid > UINT16_MAX ||
            (domid == 0 && type == REC_RELEASE))
            return -EINVAL;
        if (type == REC_RELEASE)
            domain_forget(x, domid);
        else
            domain_restore_watch(x, domid, NULL, NULL, false, false);
        return 0;
    default:
        return -EINVAL;
    }
}

/* One record; 1 at a clean end of file, 0 loaded, -EINVAL corrupt. */
static int load_one(struct xsd *x, FILE *f, char *buf)
{
    uint32_t len, sum;
    struct cur c;

    if (fread(&len, sizeof(len), 1, f) != 1)
        return feof(f) ? 1 : -EIO;
    if (len == 0)
        return 1; /* the journal's zeroed room: nothing after it */
    if (len > REC_MAX || fread(buf, 1, len, f) != len ||
        fread(&sum, sizeof(sum), 1, f) != 1 || sum != check(buf, len))
        return -EINVAL;
    c = (struct cur){buf + 1, len - 1, false};
    return load_record(x, buf[0], &c);
}

int persist_load_fp(struct xsd *x, FILE *f, const char *want_boot)
{
    char magic[sizeof(PERSIST_MAGIC)], line[BOOT_LINE + 1], *buf;
    int rc;

    if (fread(magic, 1, strlen(PERSIST_MAGIC), f) != strlen(PERSIST_MAGIC) ||
        memcmp(magic, PERSIST_MAGIC, strlen(PERSIST_MAGIC)) ||
        fread(line, 1, BOOT_LINE, f) != BOOT_LINE || memcmp(line, "boot ", 5) ||
        line[BOOT_LINE - 1] != '\n')
        return -EINVAL;
    line[BOOT_LINE - 1] = '\0';
    if (want_boot && strcmp(line + 5, want_boot))
        return -ESTALE; /* no domain outlives its host's boot */
    buf = malloc(REC_MAX);
    if (!buf)
        return -ENOMEM;
    while ((rc = load_one(x, f, buf)) == 0)
        ;
    free(buf);
    return rc == 1 ? 0 : rc;
}

int xsd_load(struct xsd *x, const char *file)
{
    FILE *f = fopen(file, "re");
    int rc;

    if (!f)
        return -errno;
    rc = persist_load_fp(x, f, NULL);
    fclose(f);
    return rc;
}
