/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * control.c: operations on a running domain: shutdown/reboot requests and
 * the wait for them, pause, unpause, rename, memory, vcpus, and the kept
 * config (list -l, config-update).
 */
#include "domain/internal.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xenstore.h>

#include "cfg/cfg.h"
#include "hv/hv.h"

#define WAIT_POLL_MS 100

int domain_shutdown(const struct domain_ctx *c, struct xs_handle *xs,
                    uint32_t domid, enum domain_shutdown_req req)
{
    const char *what = req == DOMAIN_REBOOT ? "reboot" : "poweroff";
    char p[64];

    /* As xl for PV guests (and dm's monitor turns it into ACPI for HVM). */
    snprintf(p, sizeof(p), "/local/domain/%u/control/shutdown", domid);
    if (dstore_write(xs, p, what) < 0) {
        domain_err(c, "%s: domain %u: cannot write %s", what, domid, p);
        return -EIO;
    }
    return 0;
}

/* domid's type's op with the engine open (HVM needs none: a failed open
 * is then no error). */
static int type_op(uint32_t domid, const struct domain_type_ops **ops_out,
                   struct hv **hv_out)
{
    int rc = hv_open(hv_out);

    *ops_out = domain_ops_of(domid);
    if (rc < 0 && *ops_out == &domain_hvm_ops)
        rc = 0;
    return rc;
}

int domain_wait_shutdown(uint32_t domid, int timeout_ms)
{
    const struct domain_type_ops *ops;
    struct hv_dominfo info;
    struct hv *hv = NULL;
    int rc, t;

    rc = type_op(domid, &ops, &hv);
    if (rc < 0)
        return rc;
    /*
     * xl's wait_for_domain_deaths ends on DOMAIN_SHUTDOWN as on
     * DOMAIN_DEATH: with on_poweroff = 'preserve' the domain stays, shut
     * down, and that is the answer.
     */
    for (t = 0; timeout_ms < 0 || t < timeout_ms; t += WAIT_POLL_MS) {
        rc = ops->getinfo(hv, domid, &info);
        if (rc == -ESRCH || rc == -ENOENT ||
            (rc == 0 && (info.flags & HV_DOMF_SHUTDOWN))) {
            rc = 0;
            break;
        }
        rc = -ETIMEDOUT;
        poll(NULL, 0, WAIT_POLL_MS);
    }
    hv_close(hv);
    return rc;
}

static int pause_op(uint32_t domid, int unpause)
{
    const struct domain_type_ops *ops;
    struct hv *hv = NULL;
    int rc = type_op(domid, &ops, &hv);

    if (rc == 0)
        rc = unpause ? ops->unpause(hv, domid) : ops->pause(hv, domid);
    hv_close(hv);
    return rc;
}

int domain_pause(uint32_t domid)
{
    return pause_op(domid, 0);
}

int domain_unpause(uint32_t domid)
{
    return pause_op(domid, 1);
}

int domain_wait(uint32_t domid, struct domain_info *out)
{
    const struct domain_type_ops *ops;
    struct hv_dominfo h;
    struct hv *hv = NULL;
    int rc = type_op(domid, &ops, &hv);

    if (rc == 0)
        rc = ops->wait(hv, domid, &h);
    hv_close(hv);
    if (rc == 0)
        domain_info_fill(NULL, &h, NULL, out);
    return rc == -ENOENT ? -ESRCH : rc;
}

/* As libxl__domain_rename: the kept config follows, so a restart keeps the
 * new name. */
static int rename_kept(struct xs_handle *xs, uint32_t domid, const char *name)
{
    struct domain_config *k = NULL;
    char *json = NULL, *nm, err[128];
    uint8_t uuid[16];
    int rc = dstore_uuid(xs, domid, uuid);

    if (rc == 0)
        rc = userdata_read(domid, uuid, &json);
    if (rc == -ENOENT)
        return 0; /* a domain we did not create */
    if (rc == 0)
        rc = domain_config_from_json(json, &k, err, sizeof(err));
    free(json);
    if (rc == 0 && !(nm = strdup(name)))
        rc = -ENOMEM;
    if (rc == 0) {
        free(k->name);
        k->name = nm;
        rc = userdata_store(domid, uuid, k);
    }
    domain_config_free(k);
    return rc;
}

int domain_rename(const struct domain_ctx *c, struct xs_handle *xs,
                  uint32_t domid, const char *name)
{
    const char *why = cfg_name_invalid(name);
    int rc;

    if (why) {
        domain_err(c, "rename: bad name: %s", why);
        return -EINVAL;
    }
    if (domid == 0) {
        domain_err(c, "rename: cannot rename Domain-0");
        return -EINVAL;
    }
    rc = dstore_rename(xs, domid, name);
    if (rc == 0)
        rc = rename_kept(xs, domid, name);
    if (rc == -EEXIST)
        domain_err(c, "rename: domain with name \"%s\" already exists.", name);
    else if (rc < 0)
        domain_err(c, "rename: domain %u: %s", domid, strerror(-rc));
    return rc;
}

int domain_set_memory(const struct domain_ctx *c, struct xs_handle *xs,
                      uint32_t domid, uint64_t kb)
{
    char p[64], v[32], max[32];

    snprintf(p, sizeof(p), "/local/domain/%u/memory/static-max", domid);
    if (dstore_read(xs, p, max, sizeof(max)) == 0 &&
        strtoull(max, NULL, 10) < kb) {
        domain_err(c, "mem-set: %llu MiB is above maxmem (%s KiB)",
                   (unsigned long long)(kb / 1024), max);
        return -EINVAL;
    }
    snprintf(p, sizeof(p), "/local/domain/%u/memory/target", domid);
    snprintf(v, sizeof(v), "%llu", (unsigned long long)kb);
    if (dstore_write(xs, p, v) < 0) {
        domain_err(c, "mem-set: cannot write %s", p);
        return -EIO;
    }
    return 0;
}

int domain_set_maxmem(const struct domain_ctx *c, struct xs_handle *xs,
                      uint32_t domid, uint64_t kb)
{
    const struct domain_type_ops *ops;
    struct hv *hv = NULL;
    char p[64], v[32];
    int rc = type_op(domid, &ops, &hv);

    if (rc == 0)
        rc = ops->set_maxmem ? ops->set_maxmem(hv, domid, kb) : -EOPNOTSUPP;
    hv_close(hv);
    if (rc == 0) {
        snprintf(p, sizeof(p), "/local/domain/%u/memory/static-max", domid);
        snprintf(v, sizeof(v), "%llu", (unsigned long long)kb);
        rc = dstore_write(xs, p, v);
    }
    if (rc < 0)
        domain_err(c, "mem-max: domain %u: %s", domid, strerror(-rc));
    return rc;
}

int domain_set_vcpus(const struct domain_ctx *c, struct xs_handle *xs,
                     uint32_t domid, unsigned n)
{
    const struct domain_type_ops *ops;
    struct hv_dominfo info;
    struct hv *hv = NULL;
    char p[80];
    unsigned i;
    int rc = type_op(domid, &ops, &hv);

    if (rc == 0)
        rc = ops->getinfo(hv, domid, &info);
    if (rc == 0 && (n < 1 || n > info.vcpus)) {
        domain_err(c, "vcpu-set: %u: need 1..%u vcpus", n, info.vcpus);
        hv_close(hv);
        return -EINVAL;
    }
    /* The limit first, so vcpus above it cannot come back up. */
    if (rc == 0)
        rc = ops->set_vcpus ? ops->set_vcpus(hv, domid, n) : -EOPNOTSUPP;
    for (i = 0; rc == 0 && i < info.vcpus; i++) {
        snprintf(p, sizeof(p), "/local/domain/%u/cpu/%u/availability", domid,
                 i);
        rc = dstore_write(xs, p, i < n ? "online" : "offline");
    }
    hv_close(hv);
    if (rc < 0)
        domain_err(c, "vcpu-set: domain %u: %s", domid, strerror(-rc));
    return rc;
}

int domain_config_json(struct xs_handle *xs, uint32_t domid, char **json_out)
{
    uint8_t uuid[16];
    int rc = dstore_uuid(xs, domid, uuid);

    *json_out = NULL;
    return rc < 0 ? rc : userdata_read(domid, uuid, json_out);
}

int domain_config_update(const struct domain_ctx *c, struct xs_handle *xs,
                         uint32_t domid, const struct domain_config *cfg)
{
    struct domain_config k;
    char name[64];
    uint8_t uuid[16];
    int rc;

    if (domain_name(xs, domid, name, sizeof(name)) < 0 ||
        dstore_uuid(xs, domid, uuid) < 0) {
        domain_err(c, "config-update: domain %u has no kept config", domid);
        return -ENOENT;
    }
    /* libxl keys the kept config by domid and uuid; the name is the
     * domain's, changed by rename only. */
    if (strcmp(name, cfg->name)) {
        domain_err(c,
                   "config-update: the cfg names \"%s\", domain %u is \"%s\"",
                   cfg->name, domid, name);
        return -EINVAL;
    }
    /* The same domain: a restart keeps its UUID unless the cfg sets one. */
    k = *cfg;
    if (!k.has_uuid) {
        memcpy(k.uuid, uuid, 16);
        k.has_uuid = 1;
    }
    rc = userdata_store(domid, uuid, &k);
    if (rc < 0)
        domain_err(c, "config-update: domain %u: %s", domid, strerror(-rc));
    return rc;
}
