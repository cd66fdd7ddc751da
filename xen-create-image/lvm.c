/* SPDX-License-Identifier: GPL-2.0-only */
/* lvm.c: LV create/remove, and loop exposure without device-mapper. */
#include "lvm.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/parse.h"
#include "undo.h"

int xci_lvm_has_dm(void)
{
    FILE *f = fopen("/proc/misc", "re");
    char line[128];
    int found = 0;

    if (!f)
        return 0;
    while (!found && fgets(line, sizeof(line), f))
        found = strstr(line, "device-mapper") != NULL;
    fclose(f);
    return found;
}

/* argv for an LVM command, with --driverloaded n when there is no dm. */
#define LVM_ARGV(name, nodm, ...)                                              \
    ((nodm) ? (const char *[]){name, "--driverloaded", "n", __VA_ARGS__, NULL} \
            : (const char *[]){name, __VA_ARGS__, NULL})

int xci_lvm_vg_check(struct xci_log *l, const char *vg, int nodm)
{
    char *out = NULL;
    int rc =
        xci_run_capture(l, LVM_ARGV("vgs", nodm, "--noheadings", vg), &out);

    free(out);
    return rc ? -ENOENT : 0;
}

int xci_lvm_lv_exists(struct xci_log *l, const char *vg, const char *lv,
                      int nodm)
{
    char *out = NULL, name[512];
    int rc;

    snprintf(name, sizeof(name), "%s/%s", vg, lv);
    rc = xci_run_capture(
        l, LVM_ARGV("lvs", nodm, "--noheadings", "-o", "lv_name", name), &out);
    free(out);
    return rc ? 0 : 1;
}

int xci_lvm_create(struct xci_log *l, const char *vg, const char *lv,
                   unsigned long long bytes, int nodm)
{
    char size[32];

    snprintf(size, sizeof(size), "%llub", bytes);
    if (nodm)
        /* Inactive, unzeroed, in one piece: one loop device can map it. */
        return xci_run(l,
                       (const char *[]){"lvcreate", "--driverloaded", "n",
                                        "-an", "-Zn", "-Wn", "--alloc",
                                        "contiguous", "-L", size, "-n", lv, vg,
                                        NULL},
                       NULL, 0);
    return xci_run(
        l, (const char *[]){"lvcreate", "-y", "-L", size, "-n", lv, vg, NULL},
        NULL, 0);
}

int xci_lvm_remove(struct xci_log *l, const char *vg, const char *lv, int nodm)
{
    char name[512];

    snprintf(name, sizeof(name), "%s/%s", vg, lv);
    return xci_run(l, LVM_ARGV("lvremove", nodm, "-f", name), NULL, 0);
}

int xci_lvm_parse_range(const char *s, char *pv_out, size_t len,
                        unsigned long long *first_out,
                        unsigned long long *last_out)
{
    const char *colon, *dash, *end;
    char num[32];
    size_t n;

    while (isspace((unsigned char)*s))
        s++;
    end = s + strlen(s);
    while (end > s && isspace((unsigned char)end[-1]))
        end--;
    if (memchr(s, ' ', (size_t)(end - s)) || memchr(s, ',', (size_t)(end - s)))
        return -EMLINK;
    colon = memrchr(s, ':', (size_t)(end - s));
    if (!colon || colon == s || (size_t)(colon - s) >= len)
        return -EINVAL;
    dash = memchr(colon, '-', (size_t)(end - colon));
    if (!dash)
        return -EINVAL;
    memcpy(pv_out, s, (size_t)(colon - s));
    pv_out[colon - s] = '\0';
    n = (size_t)(dash - colon - 1);
    if (n == 0 || n >= sizeof(num))
        return -EINVAL;
    memcpy(num, colon + 1, n);
    num[n] = '\0';
    if (parse_ull(num, 10, ~0ULL, first_out))
        return -EINVAL;
    n = (size_t)(end - dash - 1);
    if (n == 0 || n >= sizeof(num))
        return -EINVAL;
    memcpy(num, dash + 1, n);
    num[n] = '\0';
    if (parse_ull(num, 10, ~0ULL, last_out) || *last_out < *first_out)
        return -EINVAL;
    return 0;
}

/* One number from an lvm report ("  1048576  "). */
static int report_num(struct xci_log *l, const char *const argv[],
                      unsigned long long *out)
{
    char *o = NULL, *p, *e;
    int rc = xci_run_capture(l, argv, &o);

    if (rc)
        return rc;
    for (p = o; isspace((unsigned char)*p); p++)
        ;
    for (e = p; *e && !isspace((unsigned char)*e); e++)
        ;
    *e = '\0';
    rc = parse_ull(p, 10, ~0ULL, out) ? -EINVAL : 0;
    free(o);
    return rc;
}

static int make_link(const char *vg, const char *lv, const char *loop)
{
    char dir[512], link[1024];

    snprintf(dir, sizeof(dir), "/dev/%s", vg);
    snprintf(link, sizeof(link), "/dev/%s/%s", vg, lv);
    if (mkdir(dir, 0755) && errno != EEXIST)
        return -errno;
    unlink(link);
    return symlink(loop, link) ? -errno : 0;
}

int xci_lvm_expose(struct xci_log *l, const char *vg, const char *lv,
                   char *loop_out, size_t len)
{
    char name[512], pv[512], offs[32], lim[32], *o = NULL;
    unsigned long long first, last, ext, pe_start;
    int rc;

    snprintf(name, sizeof(name), "%s/%s", vg, lv);
    rc = xci_run_capture(
        l, LVM_ARGV("lvs", 1, "--noheadings", "-o", "seg_pe_ranges", name), &o);
    if (rc)
        return rc;
    /* Several segments come as several lines. */
    {
        char *nl = strchr(o, '\n');

        if (nl && nl[strspn(nl, " \n")] != '\0')
            rc = -EMLINK;
    }
    if (!rc)
        rc = xci_lvm_parse_range(o, pv, sizeof(pv), &first, &last);
    free(o);
    o = NULL;
    if (!rc)
        rc = report_num(l,
                        LVM_ARGV("vgs", 1, "--noheadings", "--units", "b",
                                 "--nosuffix", "-o", "vg_extent_size", vg),
                        &ext);
    if (!rc)
        rc = report_num(l,
                        LVM_ARGV("pvs", 1, "--noheadings", "--units", "b",
                                 "--nosuffix", "-o", "pe_start", pv),
                        &pe_start);
    if (rc)
        return rc;
    snprintf(offs, sizeof(offs), "%llu", pe_start + first * ext);
    snprintf(lim, sizeof(lim), "%llu", (last - first + 1) * ext);
    rc = xci_run_capture(l,
                         (const char *[]){"losetup", "-f", "--show", "-o", offs,
                                          "--sizelimit", lim, pv, NULL},
                         &o);
    if (rc)
        return rc;
    o[strcspn(o, "\n")] = '\0';
    snprintf(loop_out, len, "%s", o);
    free(o);
    rc = make_link(vg, lv, loop_out);
    if (rc) {
        xci_run(l, (const char *[]){"losetup", "-d", loop_out, NULL}, NULL, 0);
        return rc;
    }
    xci_say(l,
            "WARNING: no device-mapper in this kernel: %s is not activated "
            "but mapped as /dev/%s -> %s (offset %s, %s bytes); the mapping "
            "does not survive a reboot",
            name, name, loop_out, offs, lim);
    return 0;
}

int xci_lvm_unexpose(struct xci_log *l, const char *vg, const char *lv)
{
    char link[1024], target[256], dir[512];
    ssize_t n;
    int rc;

    snprintf(link, sizeof(link), "/dev/%s/%s", vg, lv);
    n = readlink(link, target, sizeof(target) - 1);
    if (n < 0)
        return errno == ENOENT || errno == EINVAL ? 0 : -errno;
    target[n] = '\0';
    if (strncmp(target, "/dev/loop", 9))
        return 0;
    rc = xci_run(l, (const char *[]){"losetup", "-d", target, NULL}, NULL, 0);
    if (!rc)
        rc = xci_loop_wait_gone(target);
    if (rc)
        return rc;
    if (unlink(link))
        return -errno;
    snprintf(dir, sizeof(dir), "/dev/%s", vg);
    rmdir(dir);
    return 0;
}
