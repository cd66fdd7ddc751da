/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * list.c: xen-list-images. For every cfg in the output directory (default
 * /etc/xen, moved by PVSTACK_ROOT): name, memory, disks, IP or DHCP with
 * the MAC, and the file, as xen-tools' xen-list-images prints them.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common.h"
#include "conf.h"

static int wanted(const char *name, const char *ext)
{
    size_t n = strlen(name), e = strlen(ext);

    /* Editor and dpkg leftovers and xl.conf are not guests. */
    if (n <= e || strcmp(name + n - e, ext) || !strcmp(name, "xl.conf"))
        return 0;
    return !strstr(name, ".dpkg-") && name[n - 1] != '~';
}

static void show(const char *path, int first)
{
    char *text = xci_slurp(path);
    struct xci_cfginfo ci;
    char ip[64], mac[32];
    int i;

    if (!text || xci_cfg_read(text, &ci)) {
        fprintf(stderr, "xen-list-images: %s: cannot parse\n", path);
        free(text);
        return;
    }
    xci_cfg_vif_field(ci.vif, "ip", ip, sizeof(ip));
    xci_cfg_vif_field(ci.vif, "mac", mac, sizeof(mac));
    if (!first)
        putchar('\n');
    printf("Name: %s\n", ci.name);
    printf("Memory: %s MB\n", *ci.memory ? ci.memory : "0");
    for (i = 0; i < ci.ndisks; i++)
        printf("Disk: %s\n", ci.disks[i]);
    if (*ip)
        printf("IP: %s%s%s%s\n", ip, *mac ? " [MAC: " : "", mac,
               *mac ? "]" : "");
    else if (ci.dhcp)
        printf("DHCP%s%s%s\n", *mac ? " [MAC: " : "", mac, *mac ? "]" : "");
    printf("Config: %s\n", path);
    free(text);
}

int main(int argc, char **argv)
{
    static const char *const vals[] = {"output", "extension", "config", NULL};
    struct xci_conf cl = {0}, c = {0};
    struct dirent **ents = NULL;
    char dir[4096];
    const char *ext;
    int n, i, rc, shown = 0;

    rc = xci_tool_setup(&c, &cl, argc, argv, "xen-list-images",
                        "[--output=DIR] [--extension=.cfg] [--config=FILE]",
                        vals, NULL);
    if (!rc)
        rc = xci_tool_output(dir, sizeof(dir), &c);
    if (rc)
        goto out;
    ext =
        xci_conf_get(&c, "extension") ? xci_conf_get(&c, "extension") : ".cfg";
    n = scandir(dir, &ents, NULL, alphasort);
    if (n < 0) {
        rc = errno == ENOENT ? 0 : -errno;
        if (rc)
            fprintf(stderr, "xen-list-images: %s: %s\n", dir, strerror(-rc));
        goto out;
    }
    for (i = 0; i < n; i++) {
        char path[4400];
        struct stat st;

        snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
        if (wanted(ents[i]->d_name, ext) && !stat(path, &st) &&
            S_ISREG(st.st_mode))
            show(path, !shown++);
        free(ents[i]);
    }
    free(ents);
out:
    xci_conf_fini(&c);
    xci_conf_fini(&cl);
    return rc < 0 ? EXIT_FAILURE : EXIT_SUCCESS;
}
