/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmd_debug.c: xl trigger, sysrq, dump-core and dmesg. HVM domains go
 * through QEMU's QMP (inject-nmi, system_reset, system_powerdown,
 * system_wakeup, send-key, dump-guest-memory); PV domains get sysrq via
 * the store as xl does. dmesg is "the hypervisor's log": on the kvm
 * engine the VMMs' and QEMUs' logs under /var/log/xen.
 */
#include "xm/dom.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <xenstore.h>

#include "dm/dm.h"
#include "domain/domain.h"
#include "lib/paths.h"
#include "xm/xm.h"

/* QEMU answers for domid: an HVM domain. */
static int is_hvm(uint32_t domid)
{
    char path[512];

    return dm_qmp_path(domid, path, sizeof(path)) == 0 &&
           access(path, F_OK) == 0;
}

static int qmp(struct xm *xm, uint32_t domid, const char *cmd, const char *args)
{
    char *reply = NULL;
    int rc = dm_qmp_command(domid, cmd, args, &reply);

    if (rc)
        xm_err(xm, "%s: QEMU: %s: %s", cmd, strerror(-rc), reply ? reply : "");
    free(reply);
    return rc;
}

int cmd_trigger(struct xm *xm, int argc, char **argv)
{
    static const char *const map[][2] = {{"nmi", "inject-nmi"},
                                         {"reset", "system_reset"},
                                         {"power", "system_powerdown"},
                                         {"s3resume", "system_wakeup"}};
    struct xm_dominfo d;
    const char *what;
    size_t i;
    int opt;

    if ((opt = xm_no_options(xm, argc, argv, 2)) >= 0)
        return opt;
    if (xm_domain_resolve(xm, argv[optind], &d))
        return EXIT_FAILURE;
    what = argv[optind + 1];
    for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (!strcmp(what, map[i][0]))
            break;
    if (i == sizeof(map) / sizeof(map[0])) {
        if (!strcmp(what, "sleep") || !strcmp(what, "init"))
            xm_err(xm, "trigger: %s: not supported by QEMU's machine", what);
        else
            fprintf(xm->err, "Invalid trigger \"%s\"\n", what);
        return EXIT_FAILURE;
    }
    if (!d.domid || !is_hvm(d.domid)) {
        xm_err(xm, "trigger: %s: only HVM domains (QEMU) take triggers here",
               d.name);
        return EXIT_FAILURE;
    }
    return qmp(xm, d.domid, map[i][1], NULL) ? EXIT_FAILURE : EXIT_SUCCESS;
}

int cmd_sysrq(struct xm *xm, int argc, char **argv)
{
    struct xm_dominfo d;
    const char *key;
    char path[64], args[256];
    struct xs_handle *xs;
    int opt, ok;

    if ((opt = xm_no_options(xm, argc, argv, 2)) >= 0)
        return opt;
    if (xm_domain_resolve(xm, argv[optind], &d))
        return EXIT_FAILURE;
    key = argv[optind + 1];
    if (strlen(key) != 1 ||
        !((*key >= 'a' && *key <= 'z') || (*key >= '0' && *key <= '9'))) {
        fprintf(xm->err, "Invalid sysrq key \"%s\"\n", key);
        return EXIT_FAILURE;
    }
    if (d.domid && is_hvm(d.domid)) {
        /* Alt+SysRq+key on QEMU's keyboard */
        snprintf(args, sizeof(args),
                 "{\"keys\": [{\"type\": \"qcode\", \"data\": \"alt\"}, "
                 "{\"type\": \"qcode\", \"data\": \"sysrq\"}, "
                 "{\"type\": \"qcode\", \"data\": \"%c\"}]}",
                 *key);
        return qmp(xm, d.domid, "send-key", args) ? EXIT_FAILURE : EXIT_SUCCESS;
    }
    /* PV: libxl_send_sysrq writes control/sysrq */
    xs = dom_xs_open(xm);
    if (!xs)
        return EXIT_FAILURE;
    snprintf(path, sizeof(path), "/local/domain/%u/control/sysrq", d.domid);
    ok = xs_write(xs, XBT_NULL, path, key, 1);
    xs_close(xs);
    if (!ok) {
        xm_err(xm, "sysrq: %s: %s", path, strerror(errno));
        return EXIT_FAILURE;
    }
    return EXIT_SUCCESS;
}

int cmd_dump_core(struct xm *xm, int argc, char **argv)
{
    char file[PATH_MAX];
    struct domain_ctx c;
    struct xm_dominfo d;
    int opt;

    if ((opt = xm_no_options(xm, argc, argv, 2)) >= 0)
        return opt;
    if (xm_domain_resolve(xm, argv[optind], &d))
        return EXIT_FAILURE;
    if (!d.domid) {
        xm_err(xm, "dump-core: cannot dump Domain-0");
        return EXIT_FAILURE;
    }
    /* QEMU opens the file itself: make the path absolute */
    if (argv[optind + 1][0] == '/')
        snprintf(file, sizeof(file), "%s", argv[optind + 1]);
    else if (!realpath(".", file) ||
             snprintf(file + strlen(file), sizeof(file) - strlen(file), "/%s",
                      argv[optind + 1]) >= (int)(sizeof(file) - strlen(file)))
        return EXIT_FAILURE;
    dom_ctx(xm, &c);
    return domain_core_dump(&c, d.domid, file) ? EXIT_FAILURE : EXIT_SUCCESS;
}

/* One log, each line prefixed with its source; emptied with -c. */
static void dmesg_file(struct xm *xm, const char *dir, const char *name,
                       int clear)
{
    char path[PATH_MAX + 256], line[1024], tag[256];
    size_t n = strcspn(name, ".");
    FILE *f;

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    snprintf(tag, sizeof(tag), "%.*s", (int)n, name);
    f = fopen(path, "re");
    if (!f)
        return;
    while (fgets(line, sizeof(line), f))
        fprintf(xm->out, "(%s) %s%s", tag, line,
                strchr(line, '\n') ? "" : "\n");
    fclose(f);
    if (clear)
        truncate(path, 0);
}

int cmd_dmesg(struct xm *xm, int argc, char **argv)
{
    struct dirent **ents = NULL;
    char dir[PATH_MAX];
    int opt, clear = 0, n, i;

    while ((opt = xm_getopt(xm, argc, argv, "c", NULL, 0)) != -1) {
        if (opt == XM_OPT_HELP || opt == XM_OPT_ERR)
            return opt == XM_OPT_HELP ? EXIT_SUCCESS : EXIT_FAILURE;
        clear |= opt == 'c';
    }
    if (paths_get(dir, sizeof(dir), "/var/log/xen"))
        return EXIT_FAILURE;
    n = scandir(dir, &ents, NULL, alphasort);
    for (i = 0; i < n; i++) {
        const char *e = ents[i]->d_name;
        size_t l = strlen(e);

        if (l > 4 && !strcmp(e + l - 4, ".log") &&
            (!strncmp(e, "vmm-", 4) || !strncmp(e, "qemu-dm-", 8)))
            dmesg_file(xm, dir, e, clear);
        free(ents[i]);
    }
    free(ents);
    return EXIT_SUCCESS;
}
