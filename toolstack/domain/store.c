/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * store.c: the per-domain store entries libxl writes at create
 * (libxl__domain_make: ~/name, ~/domid, ~/vm, control/, memory/, cpu/,
 * device/, data/ ...; /vm/<uuid>/), their removal, names (reserved inside
 * the writing transaction, as libxl__domain_rename), and domid allocation
 * (increasing, never reusing a live id, as Xen).
 */
#include "domain/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>

#include "cfg/cfg.h"
#include "device/device.h"
#include "lib/parse.h"
#include "lib/paths.h"
#include "lib/xsutil.h"

#define DOMID_MAX_NORMAL 32751u /* DOMID_FIRST_RESERVED - 1 */

int dstore_read(struct xs_handle *xs, const char *path, char *buf, size_t len)
{
    unsigned int n = 0;
    char *v = xs_read(xs, XBT_NULL, path, &n);

    if (!v)
        return -errno ? -errno : -ENOENT;
    snprintf(buf, len, "%.*s", (int)n, v);
    free(v);
    return 0;
}

int dstore_write(struct xs_handle *xs, const char *path, const char *val)
{
    return xs_write(xs, XBT_NULL, path, val, (unsigned)strlen(val)) ? 0 : -EIO;
}

int domain_name(struct xs_handle *xs, uint32_t domid, char *buf, size_t len)
{
    char p[64];

    snprintf(p, sizeof(p), "/local/domain/%u/name", domid);
    return dstore_read(xs, p, buf, len);
}

/*
 * Is name used by a domain other than self? Inside transaction t the reads
 * are recorded, so a concurrent create or rename that takes the name makes
 * our commit fail with EAGAIN: the retry then sees it.
 */
static int name_owner(struct xs_handle *xs, xs_transaction_t t,
                      const char *name, uint32_t self, uint32_t *owner)
{
    unsigned int n = 0, i;
    char **ids = xs_directory(xs, t, "/local/domain", &n);
    char p[64], *nm;
    unsigned int len;
    long long id;
    int found = 0;

    if (!strcmp(name, "Domain-0")) {
        *owner = 0;
        found = self != 0;
    }
    for (i = 0; !found && ids && i < n; i++) {
        if (parse_ll(ids[i], 10, 0, UINT32_MAX, &id) < 0 || id == self)
            continue;
        snprintf(p, sizeof(p), "/local/domain/%lld/name", id);
        nm = xs_read(xs, t, p, &len);
        if (nm && strlen(nm) == len && !strcmp(nm, name)) {
            *owner = (uint32_t)id;
            found = 1;
        }
        free(nm);
    }
    free(ids);
    return found;
}

int domain_find(struct xs_handle *xs, const char *name, uint32_t *out)
{
    /* UINT32_MAX: no domain is exempt from the search */
    return name_owner(xs, XBT_NULL, name, UINT32_MAX, out) ? 0 : -ENOENT;
}

static int in_use(struct xs_handle *xs, uint32_t id)
{
    char p[64], sock[128], path[4096];
    unsigned int n;
    void *v;

    snprintf(p, sizeof(p), "/local/domain/%u", id);
    v = xs_read(xs, XBT_NULL, p, &n);
    if (v) {
        free(v);
        return 1;
    }
    snprintf(sock, sizeof(sock), "/run/pvstack/dom%u.sock", id);
    return paths_get(path, sizeof(path), sock) == 0 && access(path, F_OK) == 0;
}

int dstore_alloc_domid(struct xs_handle *xs, uint32_t *out)
{
    char path[4096], buf[32] = "";
    unsigned long long next = 1;
    uint32_t id, tries;
    int fd, rc = -ENOSPC;
    ssize_t n;

    if (paths_mkdir("/var/lib/xen", 0755) < 0 ||
        paths_get(path, sizeof(path), "/var/lib/xen/next-domid") < 0)
        return -EIO;
    fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return -errno;
    flock(fd, LOCK_EX); /* concurrent `xm create`s get distinct ids */
    n = pread(fd, buf, sizeof(buf) - 1, 0);
    if (n > 0) {
        buf[n] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        if (parse_ull(buf, 10, DOMID_MAX_NORMAL, &next) < 0 || next == 0)
            next = 1;
    }
    for (tries = 0, id = (uint32_t)next; tries < DOMID_MAX_NORMAL; tries++) {
        if (!in_use(xs, id)) {
            *out = id;
            rc = 0;
            break;
        }
        id = id >= DOMID_MAX_NORMAL ? 1 : id + 1;
    }
    if (rc == 0) {
        n = snprintf(buf, sizeof(buf), "%u\n",
                     *out >= DOMID_MAX_NORMAL ? 1 : *out + 1);
        if (ftruncate(fd, 0) < 0 || pwrite(fd, buf, (size_t)n, 0) != n)
            rc = -EIO;
    }
    close(fd); /* drops the lock */
    return rc;
}

/* A domain's entries are some 40 requests: over a connection of their own
 * they are queued and pipelined (xsutil_raw_many), not sent one round trip
 * at a time. */
#define RAWQ_MAX 128
#define RAWQ_BUF 768
struct rawq {
    unsigned n;
    struct xsutil_req r[RAWQ_MAX];
    char buf[RAWQ_MAX][RAWQ_BUF];
};

struct tx {
    struct xs_handle *xs;
    xs_transaction_t t;
    struct rawq *q; /* set: queue the requests instead */
    int err;
};

static void rawq_add(struct tx *tx, uint32_t type, const char *path,
                     const char *val, size_t vlen)
{
    struct rawq *q = tx->q;
    size_t plen = strlen(path) + 1;
    char *b;

    if (q->n == RAWQ_MAX || plen + vlen > RAWQ_BUF) {
        tx->err = -E2BIG;
        return;
    }
    b = q->buf[q->n];
    memcpy(b, path, plen);
    memcpy(b + plen, val, vlen);
    q->r[q->n++] = (struct xsutil_req){type, b, plen + vlen};
}

static void tx_write(struct tx *tx, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void tx_write(struct tx *tx, const char *path, const char *fmt, ...)
{
    char v[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(v, sizeof(v), fmt, ap);
    va_end(ap);
    if (tx->q)
        rawq_add(tx, XS_WRITE, path, v, strlen(v));
    else if (!xs_write(tx->xs, tx->t, path, v, (unsigned)strlen(v)))
        tx->err = -EIO;
}

/* owner = dom0, guest may read (ro), or owner = guest (rw), as libxl. */
static void tx_dir(struct tx *tx, const char *path, uint32_t domid, int rw)
{
    struct xs_permissions p[2] = {
        {.id = rw ? domid : 0, .perms = XS_PERM_NONE},
        {.id = rw ? 0 : domid, .perms = XS_PERM_READ},
    };

    char w[32];
    int n;

    if (tx->q) { /* xs_set_permissions' wire form: "n<owner>\0r<id>\0" */
        n = snprintf(w, sizeof(w), "n%u%cr%u", p[0].id, '\0', p[1].id);
        rawq_add(tx, XS_MKDIR, path, NULL, 0);
        rawq_add(tx, XS_SET_PERMS, path, w, (size_t)n + 1);
    } else if (!xs_mkdir(tx->xs, tx->t, path) ||
               !xs_set_permissions(tx->xs, tx->t, path, p, 2))
        tx->err = -EIO;
}

void domain_uuid_str(const uint8_t u[16], char *s)
{
    sprintf(s,
            "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x"
            "%02x",
            u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
            u[11], u[12], u[13], u[14], u[15]);
}

static void write_domain_tx(struct tx *tx, const struct domain_config *cfg,
                            uint32_t id, const uint8_t uuid[16])
{
    static const char *const rw_dirs[] = {"device",  "data", "drivers",
                                          "feature", "attr", "error"};
    char base[64], vm[80], p[160], us[40];
    unsigned i;

    domain_uuid_str(uuid, us);
    snprintf(base, sizeof(base), "/local/domain/%u", id);
    snprintf(vm, sizeof(vm), "/vm/%s", us);
    tx_dir(tx, base, id, 0);
    tx_dir(tx, vm, id, 0);
    snprintf(p, sizeof(p), "%s/name", base);
    tx_write(tx, p, "%s", cfg->name);
    snprintf(p, sizeof(p), "%s/domid", base);
    tx_write(tx, p, "%u", id);
    snprintf(p, sizeof(p), "%s/vm", base);
    tx_write(tx, p, "%s", vm);
    for (i = 0; i < sizeof(rw_dirs) / sizeof(rw_dirs[0]); i++) {
        snprintf(p, sizeof(p), "%s/%s", base, rw_dirs[i]);
        tx_dir(tx, p, id, 1);
    }
    snprintf(p, sizeof(p), "%s/control", base);
    tx_dir(tx, p, id, 0);
    snprintf(p, sizeof(p), "%s/control/shutdown", base);
    tx_dir(tx, p, id, 1);
    snprintf(p, sizeof(p), "%s/control/sysrq", base);
    tx_dir(tx, p, id, 1);
    snprintf(p, sizeof(p), "%s/control/platform-feature-multiprocessor-suspend",
             base);
    tx_write(tx, p, "1");
    snprintf(p, sizeof(p), "%s/memory/static-max", base);
    tx_write(tx, p, "%llu", (unsigned long long)cfg->maxmem_mb * 1024);
    snprintf(p, sizeof(p), "%s/memory/target", base);
    tx_write(tx, p, "%llu", (unsigned long long)cfg->memory_mb * 1024);
    for (i = 0; i < cfg->maxvcpus; i++) {
        snprintf(p, sizeof(p), "%s/cpu/%u/availability", base, i);
        tx_write(tx, p, "%s", i < cfg->vcpus ? "online" : "offline");
    }
    snprintf(p, sizeof(p), "%s/name", vm);
    tx_write(tx, p, "%s", cfg->name);
    snprintf(p, sizeof(p), "%s/uuid", vm);
    tx_write(tx, p, "%s", us);
    snprintf(p, sizeof(p), "%s/image/ostype", vm);
    tx_write(tx, p, "linux");
    snprintf(p, sizeof(p), "%s/start_time", vm);
    tx_write(tx, p, "%lld", (long long)time(NULL));
}

/* Commit retries: each EAGAIN means another toolstack call got in first. */
#define TX_TRIES 100

/*
 * Run fn inside a transaction until it commits: fn returns 0 to commit or
 * -errno to abort with that error. Returns 0, fn's error, or -EIO/-EAGAIN.
 */
static int tx_run(struct xs_handle *xs, int (*fn)(struct tx *, void *),
                  void *arg)
{
    struct tx tx = {.xs = xs};
    int tries, rc;

    for (tries = 0; tries < TX_TRIES; tries++) {
        tx.err = 0;
        tx.t = xs_transaction_start(xs);
        if (tx.t == XBT_NULL)
            return -EIO;
        rc = fn(&tx, arg);
        if (!rc)
            rc = tx.err;
        if (rc) {
            xs_transaction_end(xs, tx.t, true);
            return rc;
        }
        if (xs_transaction_end(xs, tx.t, false))
            return 0;
        if (errno != EAGAIN)
            return -EIO;
    }
    return -EAGAIN;
}

struct make_args {
    const struct domain_config *cfg;
    uint32_t domid;
    const uint8_t *uuid;
};

static int make_tx(struct tx *tx, void *arg)
{
    struct make_args *a = arg;
    uint32_t owner;

    if (name_owner(tx->xs, tx->t, a->cfg->name, a->domid, &owner))
        return -EEXIST;
    write_domain_tx(tx, a->cfg, a->domid, a->uuid);
    return 0;
}

/* name_owner() on a raw connection: the names are read pipelined. */
static int raw_name_owner(int fd, uint32_t t, const char *name, uint32_t self)
{
    struct xsutil_req *r = NULL;
    char *dir = NULL, **vals = NULL, (*paths)[48] = NULL;
    size_t len = 0, off;
    unsigned n = 0, i;
    long long id;
    int *errs = NULL, rc, found = 0;

    if (!strcmp(name, "Domain-0"))
        return self != 0;
    rc = xsutil_raw_call(fd, XS_DIRECTORY, t, "/local/domain", 14, &dir, &len);
    if (rc < 0)
        return rc == -ENOENT ? 0 : rc;
    for (off = 0; off < len; off += strlen(dir + off) + 1)
        n++;
    r = calloc(n + 1, sizeof(*r));
    paths = calloc(n + 1, sizeof(*paths));
    errs = calloc(n + 1, sizeof(*errs));
    vals = calloc(n + 1, sizeof(*vals));
    rc = r && paths && errs && vals ? 0 : -ENOMEM;
    for (off = 0, n = 0; rc == 0 && off < len; off += strlen(dir + off) + 1) {
        if (parse_ll(dir + off, 10, 0, UINT32_MAX, &id) < 0 || id == self)
            continue;
        snprintf(paths[n], sizeof(paths[n]), "/local/domain/%lld/name", id);
        r[n] = (struct xsutil_req){XS_READ, paths[n], strlen(paths[n]) + 1};
        n++;
    }
    if (rc == 0)
        rc = xsutil_raw_many(fd, t, r, n, errs, vals);
    for (i = 0; i < n; i++) {
        if (rc == 0 && vals[i] && !strcmp(vals[i], name))
            found = 1;
        free(vals[i]);
    }
    free(dir);
    free(r);
    free(paths);
    free(errs);
    free(vals);
    return rc < 0 ? rc : found;
}

static void raw_tx_end(int fd, uint32_t t, int abort)
{
    xsutil_raw_call(fd, XS_TRANSACTION_END, t, abort ? "F" : "T", 2, NULL,
                    NULL);
}

/* make_tx's transaction in some five round trips: start, the directory,
 * the names, the entries, commit. */
static int make_raw(int fd, const struct make_args *a)
{
    struct rawq *q = malloc(sizeof(*q));
    int errs[RAWQ_MAX], tries, rc = -ENOMEM;
    unsigned long long t;
    char *v = NULL;
    unsigned i;

    for (tries = 0; q && tries < TX_TRIES; tries++) {
        struct tx tx = {.q = q};

        q->n = 0;
        rc = xsutil_raw_call(fd, XS_TRANSACTION_START, 0, "", 1, &v, NULL);
        if (rc == 0 && parse_ull(v, 10, UINT32_MAX, &t) < 0)
            rc = -EPROTO;
        free(v);
        v = NULL;
        if (rc < 0)
            break;
        rc = raw_name_owner(fd, (uint32_t)t, a->cfg->name, a->domid);
        if (rc == 0) {
            write_domain_tx(&tx, a->cfg, a->domid, a->uuid);
            rc = tx.err;
        } else if (rc > 0)
            rc = -EEXIST;
        if (rc == 0)
            rc = xsutil_raw_many(fd, (uint32_t)t, q->r, q->n, errs, NULL);
        for (i = 0; rc == 0 && i < q->n; i++)
            if (errs[i] < 0)
                rc = -EIO;
        if (rc < 0) {
            raw_tx_end(fd, (uint32_t)t, 1);
            break;
        }
        rc = xsutil_raw_call(fd, XS_TRANSACTION_END, (uint32_t)t, "T", 2, NULL,
                             NULL);
        if (rc != -EAGAIN)
            break;
    }
    free(q);
    return rc == 0 || rc == -EEXIST || rc == -ENOMEM || rc == -EAGAIN ||
                   rc == -E2BIG
               ? rc
               : -EIO;
}

int dstore_write_domain(struct xs_handle *xs, const struct domain_config *cfg,
                        uint32_t domid, const uint8_t uuid[16])
{
    struct make_args a = {.cfg = cfg, .domid = domid, .uuid = uuid};
    int fd = xsutil_raw_open(), rc;

    /* No socket (the kernel's xenbus device): libxenstore, one by one. */
    if (fd < 0)
        return tx_run(xs, make_tx, &a);
    rc = make_raw(fd, &a);
    close(fd);
    /* /local/domain too big for one reply (some 700 domains: libxenstore
     * reads it with XS_DIRECTORY_PART), or entries beyond the queue. */
    if (rc == -E2BIG)
        rc = tx_run(xs, make_tx, &a);
    return rc;
}

struct rename_args {
    uint32_t domid;
    const char *name;
};

static int rename_tx(struct tx *tx, void *arg)
{
    struct rename_args *a = arg;
    char p[96], *vm;
    unsigned int len;
    uint32_t owner;

    snprintf(p, sizeof(p), "/local/domain/%u/vm", a->domid);
    vm = xs_read(tx->xs, tx->t, p, &len);
    if (!vm)
        return -ENOENT;
    if (name_owner(tx->xs, tx->t, a->name, a->domid, &owner)) {
        free(vm);
        return -EEXIST;
    }
    snprintf(p, sizeof(p), "/local/domain/%u/name", a->domid);
    tx_write(tx, p, "%s", a->name);
    if (!strncmp(vm, "/vm/", 4) &&
        snprintf(p, sizeof(p), "%s/name", vm) < (int)sizeof(p))
        tx_write(tx, p, "%s", a->name);
    free(vm);
    return 0;
}

int dstore_rename(struct xs_handle *xs, uint32_t domid, const char *name)
{
    struct rename_args a = {.domid = domid, .name = name};

    return tx_run(xs, rename_tx, &a);
}

int dstore_uuid(struct xs_handle *xs, uint32_t domid, uint8_t uuid[16])
{
    char p[64], vm[128];
    const char *s;
    unsigned i, v;

    snprintf(p, sizeof(p), "/local/domain/%u/vm", domid);
    if (dstore_read(xs, p, vm, sizeof(vm)) < 0 || strncmp(vm, "/vm/", 4))
        return -ENOENT;
    s = vm + 4;
    for (i = 0; i < 16; i++) {
        if (*s == '-')
            s++;
        if (sscanf(s, "%2x", &v) != 1 || !s[0] || !s[1])
            return -ENOENT;
        uuid[i] = (uint8_t)v;
        s += 2;
    }
    return *s ? -ENOENT : 0;
}

/*
 * Another domain still names vm as its /vm path: a migration within one
 * host, where the copy has the source's UUID until the source is gone.
 */
static int vm_shared(struct xs_handle *xs, const char *vm)
{
    unsigned int n = 0, i;
    char **ids = xs_directory(xs, XBT_NULL, "/local/domain", &n);
    char p[96], v[128];
    int shared = 0;

    /* Not known: a /vm node left behind beats a live domain's lost. */
    if (!ids)
        return 1;
    for (i = 0; ids && i < n && !shared; i++) {
        snprintf(p, sizeof(p), "/local/domain/%s/vm", ids[i]);
        shared = dstore_read(xs, p, v, sizeof(v)) == 0 && !strcmp(v, vm);
    }
    free(ids);
    return shared;
}

void domain_store_remove(struct xs_handle *xs, uint32_t domid)
{
    static const char *const kinds[] = {"vbd", "vif", "console", "qdisk"};
    char p[128], vm[128] = "";
    unsigned i;

    snprintf(p, sizeof(p), "/local/domain/%u/vm", domid);
    dstore_read(xs, p, vm, sizeof(vm));
    /* libxl's order: ask each backend to close and give it a moment, so it
     * does not write its Closed state back into a tree we just removed. */
    for (i = 0; i < 2; i++) {
        uint32_t ids[64];
        int n = device_list(xs, i ? "vif" : "vbd", domid, ids, 64), k;
        for (k = 0; k < n && k < 64; k++)
            device_remove(xs, i ? "vif" : "vbd", domid, ids[k], 0, 500);
    }
    for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
        snprintf(p, sizeof(p), "/local/domain/0/backend/%s/%u", kinds[i],
                 domid);
        xs_rm(xs, XBT_NULL, p);
    }
    snprintf(p, sizeof(p), "/libxl/%u", domid);
    xs_rm(xs, XBT_NULL, p);
    snprintf(p, sizeof(p), "/local/domain/%u", domid);
    xs_rm(xs, XBT_NULL, p);
    if (strncmp(vm, "/vm/", 4) == 0 && !vm_shared(xs, vm))
        xs_rm(xs, XBT_NULL, vm);
}
