/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * wire_domain.c: the domain and daemon requests: INTRODUCE, RELEASE,
 * IS_DOMAIN_INTRODUCED, GET_DOMAIN_PATH, RESUME, SET_TARGET, RESET_WATCHES,
 * CONTROL, and SET_PERMS on the @introduceDomain/@releaseDomain nodes.
 */
#include "store/internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/parse.h"

#define XS_DOMID_SELF 0x7FF0u /* DOMID_SELF, xen/xen.h */

static int arg_domid(const char *s, uint32_t *out)
{
    long long v;

    if (!s || parse_ll(s, 10, 0, UINT16_MAX, &v))
        return -EINVAL;
    *out = (uint32_t)v;
    return 0;
}

/* domid\0mfn\0port\0 */
int wire_introduce(struct xs_conn *c)
{
    unsigned long long mfn;
    long long port;
    uint32_t domid;
    const char *p = c->pay;
    const char *mfn_s, *port_s;

    if (wire_nstrings(c) < 3 || arg_domid(p, &domid))
        return -EINVAL;
    mfn_s = p + strlen(p) + 1;
    port_s = mfn_s + strlen(mfn_s) + 1;
    if (parse_ull(mfn_s, 10, UINT64_MAX, &mfn) ||
        parse_ll(port_s, 10, 1, UINT32_MAX, &port) || domid == 0)
        return -EINVAL;
    int rc = domain_introduce(c->xsd, domid, mfn, (uint32_t)port);
    if (rc)
        return rc;
    conn_reply_ok(c);
    return 0;
}

int wire_release(struct xs_conn *c)
{
    uint32_t domid;
    int rc;

    if (arg_domid(wire_onearg(c), &domid) || domid == 0)
        return -EINVAL;
    rc = domain_release(c->xsd, domid);
    if (!rc)
        conn_reply_ok(c);
    return rc;
}

int wire_resume(struct xs_conn *c)
{
    uint32_t domid;

    if (arg_domid(wire_onearg(c), &domid) || domid == 0)
        return -EINVAL;
    if (domain_resume(c->xsd, domid))
        return -ENOENT;
    conn_reply_ok(c);
    return 0;
}

int wire_is_domain_introduced(struct xs_conn *c)
{
    uint32_t domid;
    bool yes;

    if (arg_domid(wire_onearg(c), &domid))
        return -EINVAL;
    yes = domid == 0 || domid == XS_DOMID_SELF || domain_find(c->xsd, domid);
    conn_reply(c, XS_IS_DOMAIN_INTRODUCED, yes ? "T" : "F", 2);
    return 0;
}

int wire_get_domain_path(struct xs_conn *c)
{
    char buf[64];
    uint32_t domid;

    if (arg_domid(wire_onearg(c), &domid))
        return -EINVAL;
    snprintf(buf, sizeof(buf), "/local/domain/%u", domid);
    conn_reply(c, XS_GET_DOMAIN_PATH, buf, strlen(buf) + 1);
    return 0;
}

int wire_set_target(struct xs_conn *c)
{
    uint32_t domid, target;
    int rc;

    if (wire_nstrings(c) < 2 || arg_domid(c->pay, &domid) ||
        arg_domid(c->pay + strlen(c->pay) + 1, &target))
        return -EINVAL;
    rc = domain_set_target(c->xsd, domid, target);
    if (!rc)
        conn_reply_ok(c);
    return rc;
}

int wire_reset_watches(struct xs_conn *c)
{
    struct xs_rec_buf *log = journal_of(c);

    if (log)
        rec_reset_watches(log, c->domid);
    watch_free_all(c);
    tx_free_all(c);
    conn_reply_ok(c);
    return 0;
}

int wire_set_perms_special(struct xs_conn *c, const char *name,
                           const struct xs_permissions *p, unsigned int n)
{
    struct xsd *x = c->xsd;
    struct xs_permissions *dst;
    unsigned int *ndst;

    if (!strcmp(name, "@introduceDomain")) {
        dst = x->intro_perms;
        ndst = &x->n_intro_perms;
    } else if (!strcmp(name, "@releaseDomain")) {
        dst = x->release_perms;
        ndst = &x->n_release_perms;
    } else {
        return -EINVAL;
    }
    if ((perms_for(c, dst, *ndst) & (XS_PERM_WRITE | XS_PERM_OWNER)) !=
        (XS_PERM_WRITE | XS_PERM_OWNER))
        return -EACCES;
    if (n > sizeof(x->intro_perms) / sizeof(x->intro_perms[0]))
        return -ENOSPC;
    memcpy(dst, p, n * sizeof(*p));
    *ndst = n;
    conn_reply_ok(c);
    return 0;
}

/* xenstore-control: check, log, print, quota [set <name> <val>], help. */
int wire_control(struct xs_conn *c)
{
    static const char help[] = "check\t\nlog\ton|off\nprint\t<string>\n"
                               "quota\t[set <name> <val>]\nhelp\t\n";
    char out[XENSTORE_PAYLOAD_MAX];
    unsigned int n = wire_nstrings(c);
    const char *cmd = c->pay;
    int rc;

    if (!n)
        return -EINVAL;
    if (!strcmp(cmd, "log") && n == 2) {
        /* the -T trace, switched at run time as Xen's TRACE_IO */
        const char *arg = cmd + strlen(cmd) + 1;

        if (strcmp(arg, "on") && strcmp(arg, "off"))
            return -EINVAL;
        c->xsd->trace_off = !strcmp(arg, "off");
        conn_reply_ok(c);
        return 0;
    }
    if (!strcmp(cmd, "check") || !strcmp(cmd, "print")) {
        conn_reply_ok(c);
        return 0;
    }
    if (!strcmp(cmd, "help")) {
        conn_reply(c, XS_CONTROL, help, sizeof(help));
        return 0;
    }
    if (strcmp(cmd, "quota"))
        return -EINVAL;
    if (n == 1) {
        rc = quota_show(&c->xsd->quota.lim, out, sizeof(out));
        if (rc < 0)
            return rc;
        conn_reply(c, XS_CONTROL, out, (size_t)rc + 1);
        return 0;
    }
    if (n == 4) {
        const char *set = cmd + strlen(cmd) + 1;
        const char *name = set + strlen(set) + 1;
        const char *val = name + strlen(name) + 1;
        unsigned int *q = quota_find(&c->xsd->quota.lim, name, strlen(name));
        long long v;

        if (strcmp(set, "set") || !q || parse_ll(val, 10, 1, INT32_MAX, &v))
            return -EINVAL;
        *q = (unsigned int)v;
        conn_reply_ok(c);
        return 0;
    }
    return -EINVAL;
}
