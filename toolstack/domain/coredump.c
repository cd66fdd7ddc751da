/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * coredump.c: a domain's memory as an ELF core (xl dump-core, and what
 * on_crash = "coredump-destroy" / "coredump-restart" write under
 * /var/lib/xen/dump/<name>, as xl's XEN_DUMP_DIR). HVM domains are dumped
 * by their QEMU (dump-guest-memory: an ELF core gdb and crash open). PV
 * domains on the xen engine by libxenctrl (xc_domain_dumpcore: Xen's ELF
 * core, as libxl's); the kvm engine cannot dump one, which is said plainly.
 */
#include "domain/internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dm/dm.h"
#include "hv/hv.h"
#include "lib/paths.h"

#define DUMP_DIR "/var/lib/xen/dump"

/* A PV domain: the engine's dump (Xen's), else say it cannot be done. */
int pv_core_dump(const struct domain_ctx *c, uint32_t domid, const char *file)
{
    struct hv *hv = NULL;
    int rc = hv_open(&hv);

    if (!rc)
        rc = hv_domain_dumpcore(hv, domid, file);
    hv_close(hv);
    if (rc == -ENOSYS || rc == -EOPNOTSUPP) {
        domain_err(c,
                   "dump-core: domain %u is PV: this engine cannot dump a "
                   "PV domain's memory; no core written",
                   domid);
        return -ENOTSUP;
    }
    if (rc) {
        domain_err(c, "dump-core: domain %u: %s", domid, strerror(-rc));
        unlink(file); /* nothing half-written left behind */
    }
    return rc;
}

/* An HVM domain: its QEMU's dump-guest-memory. */
int hvm_core_dump(const struct domain_ctx *c, uint32_t domid, const char *file)
{
    char args[4200], *reply = NULL;
    int rc;
    /* QEMU opens the file itself: absolute, and no JSON specials */
    if (file[0] != '/' || strpbrk(file, "\"\\\n")) {
        domain_err(c,
                   "dump-core: %s: need an absolute path without quotes "
                   "or backslashes",
                   file);
        return -EINVAL;
    }
    if (snprintf(args, sizeof(args),
                 "{\"paging\": false, \"protocol\": \"file:%s\"}",
                 file) >= (int)sizeof(args))
        return -ENAMETOOLONG;
    rc = dm_qmp_command(domid, "dump-guest-memory", args, &reply);
    if (rc) {
        domain_err(c, "dump-core: domain %u: QEMU: %s%s%s", domid,
                   strerror(-rc), reply ? ": " : "", reply ? reply : "");
        unlink(file); /* nothing half-written left behind */
    }
    free(reply);
    return rc;
}

int domain_core_dump(const struct domain_ctx *c, uint32_t domid,
                     const char *file)
{
    return domain_ops_of(domid)->core_dump(c, domid, file);
}

int domain_crash_dump(const struct domain_ctx *c, uint32_t domid,
                      const char *name, char *file, size_t len)
{
    char rel[160];
    int rc;

    snprintf(rel, sizeof(rel), DUMP_DIR "/%s", name);
    rc = paths_mkdir(DUMP_DIR, 0700);
    if (!rc)
        rc = paths_get(file, len, rel);
    if (rc) {
        domain_err(c, "dump-core: %s: %s", DUMP_DIR, strerror(-rc));
        return rc;
    }
    return domain_core_dump(c, domid, file);
}
