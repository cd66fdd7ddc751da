/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wire.c: the request table wire_funcs[] (type -> name, handler, flags),
 * payload and path helpers, WATCH/UNWATCH and TRANSACTION_START/END.
 * Privilege and transaction lookup are checked once in wire_process().
 * Node requests live in wire_node.c, domain requests in wire_domain.c.
 */
#include "store/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Number of NUL-terminated strings in the payload (Xen xs_count_strings). */
unsigned int wire_nstrings(const struct xs_conn *c)
{
    unsigned int i, n = 0;

    for (i = 0; i < c->hdr.len; i++)
        n += c->pay[i] == '\0';
    return n;
}

const char *wire_onearg(const struct xs_conn *c)
{
    if (!c->hdr.len || strlen(c->pay) + 1 != c->hdr.len)
        return NULL;
    return c->pay;
}

bool wire_valid_path(const struct xsd *x, const char *path)
{
    size_t len = strlen(path), off = 0;
    const char *p;

    if (path[0] != '/' || (len > 1 && path[len - 1] == '/') ||
        strstr(path, "//"))
        return false;
    /* The length limit counts below a domain's home, as Xen's. */
    if (!strncmp(path, "/local/domain/", 14)) {
        size_t d = strspn(path + 14, "0123456789");

        if (d >= 1 && d <= 5 && path[14 + d] == '/')
            off = 14 + d + 1;
    }
    if (len > off + x->quota.lim.path_max || len >= XENSTORE_ABS_PATH_MAX)
        return false;
    for (p = path; *p; p++)
        if (!strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                    "0123456789-/_@",
                    *p))
            return false;
    return true;
}

int wire_canon(const struct xs_conn *c, const char *in, char *buf)
{
    char home[64];

    if (!in || in[0] == '@') /* special nodes are for watches only */
        return -EINVAL;
    if (in[0] == '/') {
        if (strlen(in) >= XS_PATH_BUF)
            return -EINVAL;
        strcpy(buf, in);
    } else {
        conn_home(c, home, sizeof(home));
        if (strlen(home) + 1 + strlen(in) >= XS_PATH_BUF)
            return -EINVAL;
        sprintf(buf, "%s/%s", home, in);
    }
    return wire_valid_path(c->xsd, buf) ? 0 : -EINVAL;
}

struct xs_tree *wire_tree(struct xs_conn *c)
{
    return c->cur_tx ? &c->cur_tx->tree : &c->xsd->tree;
}

static int h_watch(struct xs_conn *c)
{
    char path[XS_PATH_BUF];
    struct xs_rec_buf *log;
    const char *tok;
    bool rel;
    int rc;

    if (wire_nstrings(c) != 2)
        return -EINVAL;
    tok = c->pay + strlen(c->pay) + 1;
    if (c->pay[0] == '@') {
        if (strlen(c->pay) > XENSTORE_REL_PATH_MAX)
            return -EINVAL;
        strcpy(path, c->pay);
    } else if ((rc = wire_canon(c, c->pay, path))) {
        return rc;
    }
    rel = c->pay[0] != '/' && c->pay[0] != '@';
    rc = watch_add(c, path, tok, rel);
    if (rc)
        return rc;
    if ((log = journal_of(c)))
        rec_watch(log, c->domid, path, tok, rel, true);
    conn_reply_ok(c);
    /* Xen fires once at registration: clients rely on it. */
    conn_event(c, c->pay, tok);
    return 0;
}

static int h_unwatch(struct xs_conn *c)
{
    char path[XS_PATH_BUF];
    struct xs_rec_buf *log;
    const char *tok;
    int rc;

    if (wire_nstrings(c) != 2)
        return -EINVAL;
    tok = c->pay + strlen(c->pay) + 1;
    if (c->pay[0] == '@') {
        if (strlen(c->pay) >= sizeof(path))
            return -EINVAL;
        strcpy(path, c->pay);
    } else if (wire_canon(c, c->pay, path)) {
        return -ENOENT;
    }
    rc = watch_del(c, path, tok);
    if (rc)
        return rc;
    if ((log = journal_of(c)))
        rec_watch(log, c->domid, path, tok, false, false);
    conn_reply_ok(c);
    return 0;
}

static int h_tx_start(struct xs_conn *c)
{
    char buf[16];
    uint32_t id;
    int rc;

    if (c->cur_tx)
        return -EBUSY;
    rc = tx_start(c, &id);
    if (rc)
        return rc;
    snprintf(buf, sizeof(buf), "%u", id);
    conn_reply(c, XS_TRANSACTION_START, buf, strlen(buf) + 1);
    return 0;
}

static int h_tx_end(struct xs_conn *c)
{
    const char *a = wire_onearg(c);
    struct xs_tx *tx = c->cur_tx;
    int rc;

    if (!a || (strcmp(a, "T") && strcmp(a, "F")))
        return -EINVAL;
    if (!tx)
        return -ENOENT;
    c->cur_tx = NULL;
    rc = tx_end(c, tx, a[0] == 'T');
    if (!rc)
        conn_reply_ok(c);
    return rc;
}

#define F_PRIV 1u  /* dom0 only */
#define F_NOTID 2u /* ignores tx_id */
#define F_WRITE 4u /* refused on read-only connections */

static const struct {
    const char *name;
    int (*fn)(struct xs_conn *c);
    unsigned int flags;
} wire_funcs[XS_TYPE_COUNT] = {
    [XS_CONTROL] = {"CONTROL", wire_control, F_PRIV},
    [XS_DIRECTORY] = {"DIRECTORY", wire_directory, 0},
    [XS_READ] = {"READ", wire_read, 0},
    [XS_GET_PERMS] = {"GET_PERMS", wire_get_perms, 0},
    [XS_WATCH] = {"WATCH", h_watch, F_NOTID},
    [XS_UNWATCH] = {"UNWATCH", h_unwatch, F_NOTID},
    [XS_TRANSACTION_START] = {"TRANSACTION_START", h_tx_start, 0},
    [XS_TRANSACTION_END] = {"TRANSACTION_END", h_tx_end, 0},
    [XS_INTRODUCE] = {"INTRODUCE", wire_introduce, F_PRIV},
    [XS_RELEASE] = {"RELEASE", wire_release, F_PRIV},
    [XS_GET_DOMAIN_PATH] = {"GET_DOMAIN_PATH", wire_get_domain_path, 0},
    [XS_WRITE] = {"WRITE", wire_write, F_WRITE},
    [XS_MKDIR] = {"MKDIR", wire_mkdir, F_WRITE},
    [XS_RM] = {"RM", wire_rm, F_WRITE},
    [XS_SET_PERMS] = {"SET_PERMS", wire_set_perms, F_WRITE},
    [XS_WATCH_EVENT] = {"WATCH_EVENT", NULL, 0},
    [XS_ERROR] = {"ERROR", NULL, 0},
    [XS_IS_DOMAIN_INTRODUCED] = {"IS_DOMAIN_INTRODUCED",
                                 wire_is_domain_introduced, F_PRIV},
    [XS_RESUME] = {"RESUME", wire_resume, F_PRIV},
    [XS_SET_TARGET] = {"SET_TARGET", wire_set_target, F_PRIV},
    [XS_RESET_WATCHES] = {"RESET_WATCHES", wire_reset_watches, 0},
    [XS_DIRECTORY_PART] = {"DIRECTORY_PART", wire_directory_part, 0},
};

static const char *wire_name(uint32_t type)
{
    if (type < XS_TYPE_COUNT && wire_funcs[type].name)
        return wire_funcs[type].name;
    return "UNKNOWN";
}

void wire_process(struct xs_conn *c)
{
    uint32_t type = c->hdr.type;
    unsigned int flags;
    int rc;

    if (type >= XS_TYPE_COUNT || !wire_funcs[type].fn) {
        conn_reply_err(c, ENOSYS);
        return;
    }
    flags = wire_funcs[type].flags;
    /*
     * The read-only socket is dom0 for reading (it sees every node) but
     * may only read and watch: RELEASE or CONTROL from it would let any
     * process that can open socket_ro tear down a running guest.
     */
    if ((flags & F_PRIV) && (!c->priv || c->readonly)) {
        conn_warn(c, "%s refused: not privileged%s", wire_name(type),
                  c->readonly ? " (read-only socket)" : "");
        conn_reply_err(c, EACCES);
        return;
    }
    if ((flags & F_WRITE) && c->readonly) {
        conn_reply_err(c, EROFS);
        return;
    }
    c->cur_tx = NULL;
    if (!(flags & F_NOTID) && c->hdr.tx_id) {
        c->cur_tx = tx_find(c, c->hdr.tx_id);
        if (!c->cur_tx) {
            conn_reply_err(c, ENOENT);
            return;
        }
    }
    rc = wire_funcs[type].fn(c);
    c->cur_tx = NULL;
    if (rc)
        conn_reply_err(c, -rc);
}
