/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * main.c: pvstack-dm, the device-model tool: start an HVM guest's QEMU from
 * options ("bare": no toolstack above, QEMU's own poweroff/reboot/panic
 * behaviour) and drive it by domid, or create one from a cfg with the
 * domain library's monitor applying on_*, as xm does. For tests and for
 * poking at one QEMU by hand.
 */
#include <errno.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>
#include <xenstore.h>

#include "cfg/cfg.h"
#include "dm/dm.h"
#include "dm/hvm.h"
#include "domain/domain.h"
#include "lib/log.h"
#include "lib/parse.h"

#define MAX_DEV 8

struct start_opts {
    struct dm_config c;
    struct dm_monitor_ops ops;
    struct dm_disk disks[MAX_DEV];
    struct dm_nic nics[MAX_DEV];
    const char *bridges[MAX_DEV];
    int paused;
};

static void usage(void)
{
    fprintf(stderr,
            "usage: pvstack-dm start -d DOMID -n NAME [-m MB] [-c VCPUS] "
            "[-k KERNEL [-r RAMDISK] [-a CMDLINE]]\n"
            "         [-D TARGET,VDEV[,FORMAT][,ro][,cdrom]]... "
            "[-V MAC,BRIDGE[,MODEL]]... [-s] [-p]\n"
            "         [-A kvm|tcg] [-X QEMU-ARG]...\n"
            "       pvstack-dm status|pause|unpause|shutdown|reboot|destroy|"
            "console-pty DOMID\n"
            "       pvstack-dm qmp DOMID COMMAND [ARGS-JSON]\n"
            "       pvstack-dm create [-p] DOMID CFG   (HVM cfg: store entries "
            "and monitor as xm create)\n"
            "       pvstack-dm domain list|info|pause|unpause|poweroff|reboot|"
            "destroy|wait [DOMID]   (the domain library's, as xm)\n"
            "       pvstack-dm accel\n");
    exit(EXIT_FAILURE);
}

static void parse_disk(char *s, struct dm_disk *d)
{
    char *tok;
    int i = 0;

    memset(d, 0, sizeof(*d));
    /* strsep, not strtok: an empty target (",hdc,cdrom") is a field. */
    while ((tok = strsep(&s, ","))) {
        if (i == 0)
            d->target = *tok ? tok : NULL;
        else if (i == 1)
            d->vdev = tok;
        else if (!strcmp(tok, "ro"))
            d->readonly = 1;
        else if (!strcmp(tok, "cdrom"))
            d->cdrom = 1;
        else
            d->format = tok;
        i++;
    }
}

static void parse_nic(char *s, struct dm_nic *n, const char **bridge)
{
    char *mac = strtok(s, ","), *br = strtok(NULL, ","),
         *model = strtok(NULL, ",");
    unsigned b[6];
    int i;

    if (!mac || sscanf(mac, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3],
                       &b[4], &b[5]) != 6)
        fatalx("bad vif '%s'", s);
    for (i = 0; i < 6; i++)
        n->mac[i] = (uint8_t)b[i];
    n->model = model;
    n->tap_fd = -1;
    *bridge = br;
}

static long long num(const char *s, long long max)
{
    long long v;

    if (parse_ll(s, 10, 0, max, &v))
        fatalx("bad number '%s'", s);
    return v;
}

static int cmd_start(int argc, char **argv)
{
    static struct start_opts o;
    char qmp[512], ev[512], logp[512], err[512], ifn[16];
    char *extra[32];
    size_t nextra = 0, i;
    pid_t qpid, mpid;
    int opt, rc;

    o.c.memory_mb = 128;
    o.c.vcpus = 1;
    o.c.domid = ~0u;
    /* No cfg, no on_*: QEMU powers off, resets and panics as it would. */
    o.c.bare = 1;
    o.ops.bare = 1;
    while ((opt = getopt(argc, argv, "d:n:m:c:k:r:a:D:V:spA:X:")) != -1) {
        switch (opt) {
        case 'd':
            o.c.domid = (uint32_t)num(optarg, 0x7fef);
            break;
        case 'n':
            o.c.name = optarg;
            break;
        case 'm':
            o.c.memory_mb = (uint64_t)num(optarg, 1 << 20);
            break;
        case 'c':
            o.c.vcpus = (unsigned)num(optarg, 128);
            break;
        case 'k':
            o.c.kernel = optarg;
            break;
        case 'r':
            o.c.ramdisk = optarg;
            break;
        case 'a':
            o.c.cmdline = optarg;
            break;
        case 'D':
            if (o.c.nr_disks == MAX_DEV)
                fatalx("too many disks");
            parse_disk(optarg, &o.disks[o.c.nr_disks++]);
            break;
        case 'V':
            if (o.c.nr_nics == MAX_DEV)
                fatalx("too many vifs");
            parse_nic(optarg, &o.nics[o.c.nr_nics], &o.bridges[o.c.nr_nics]);
            o.c.nr_nics++;
            break;
        case 's':
            o.c.serial_pty = 1;
            break;
        case 'p':
            o.paused = 1;
            break;
        case 'A':
            o.c.accel = optarg;
            break;
        case 'X':
            if (nextra == 32)
                fatalx("too many -X");
            extra[nextra++] = optarg;
            break;
        default:
            usage();
        }
    }
    if (o.c.domid == ~0u || !o.c.name)
        usage();
    o.c.accel = dm_accel_choose(o.c.accel);
    if (!o.c.accel)
        fatalx("accelerator must be kvm or tcg");
    o.c.disks = o.disks;
    o.c.nics = o.nics;
    o.c.extra_args = extra;
    o.c.nr_extra = nextra;
    if (dm_qmp_path(o.c.domid, qmp, sizeof(qmp)) ||
        dm_event_path(o.c.domid, ev, sizeof(ev)) ||
        dm_log_path(o.c.name, logp, sizeof(logp)))
        fatalx("bad paths");
    o.c.qmp_path = qmp;
    o.c.event_path = ev;
    for (i = 0; i < o.c.nr_nics; i++) {
        snprintf(ifn, sizeof(ifn), "vif%u.%zu", o.c.domid, i);
        rc = dm_tap_open(ifn, o.bridges[i], &o.nics[i].tap_fd);
        if (rc)
            fatalx("%s on bridge %s: %s", ifn,
                   o.bridges[i] ? o.bridges[i] : "-", strerror(-rc));
    }
    rc = dm_launch(&o.c, logp, 15000, &qpid, err, sizeof(err));
    for (i = 0; i < o.c.nr_nics; i++)
        close(o.nics[i].tap_fd);
    if (rc)
        fatalx("dom %u: %s", o.c.domid, err);
    rc = dm_monitor_spawn(o.c.domid, qpid, &o.ops, &mpid);
    if (!rc && !o.paused)
        rc = dm_unpause(o.c.domid);
    if (rc) {
        dm_destroy(o.c.domid, 2000);
        fatalx("dom %u: %s", o.c.domid, strerror(-rc));
    }
    printf("dom %u: qemu pid %d, monitor pid %d, accel %s%s\n", o.c.domid,
           (int)qpid, (int)mpid, o.c.accel, o.paused ? ", paused" : "");
    return 0;
}

static const char *state_name(enum dm_state s)
{
    static const char *const names[] = {"running", "paused", "shutdown",
                                        "crashed", "other"};

    return names[s];
}

static int cmd_dom(const char *cmd, uint32_t domid)
{
    struct dm_status st;
    char pty[64];
    int rc = 0;

    if (!strcmp(cmd, "status")) {
        rc = dm_status_get(domid, &st);
        if (!rc)
            printf("state=%s qemu=%s pid=%d vcpus=%u cpu_ns=%llu pty=%s\n",
                   state_name(st.state), st.qemu_status, (int)st.pid, st.vcpus,
                   (unsigned long long)st.cpu_ns, st.pty[0] ? st.pty : "-");
    } else if (!strcmp(cmd, "pause")) {
        rc = dm_pause(domid);
    } else if (!strcmp(cmd, "unpause")) {
        rc = dm_unpause(domid);
    } else if (!strcmp(cmd, "shutdown")) {
        rc = dm_shutdown(domid);
    } else if (!strcmp(cmd, "reboot")) {
        rc = dm_reboot(domid);
    } else if (!strcmp(cmd, "destroy")) {
        rc = dm_destroy(domid, 5000);
    } else if (!strcmp(cmd, "console-pty")) {
        rc = dm_console_pty(domid, pty, sizeof(pty));
        if (!rc)
            printf("%s\n", pty);
    } else {
        usage();
    }
    if (rc)
        fatalx("dom %u: %s: %s", domid, cmd, strerror(-rc));
    return 0;
}

/* The domain's own store entries, as a minimal xm create writes them. */
static int write_domain(struct xs_handle *xs, uint32_t domid, const char *name,
                        const uint8_t *u)
{
    char p[160], v[40], vm[48];
    int ok;

    snprintf(v, sizeof(v),
             "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-"
             "%02x%02x%02x%02x%02x%02x",
             u[0], u[1], u[2], u[3], u[4], u[5], u[6], u[7], u[8], u[9], u[10],
             u[11], u[12], u[13], u[14], u[15]);
    snprintf(vm, sizeof(vm), "/vm/%s", v);
    snprintf(p, sizeof(p), "%s/uuid", vm);
    ok = xs_write(xs, XBT_NULL, p, v, strlen(v));
    snprintf(p, sizeof(p), "%s/name", vm);
    ok = ok && xs_write(xs, XBT_NULL, p, name, strlen(name));
    snprintf(p, sizeof(p), "/local/domain/%u/vm", domid);
    ok = ok && xs_write(xs, XBT_NULL, p, vm, strlen(vm));
    snprintf(p, sizeof(p), "/local/domain/%u/name", domid);
    ok = ok && xs_write(xs, XBT_NULL, p, name, strlen(name));
    snprintf(p, sizeof(p), "/local/domain/%u/domid", domid);
    snprintf(v, sizeof(v), "%u", domid);
    ok = ok && xs_write(xs, XBT_NULL, p, v, strlen(v));
    return ok ? 0 : -EIO;
}

static int cmd_create(int argc, char **argv)
{
    struct domain_config *cfg = NULL;
    struct dm_hvm *h = NULL;
    struct xs_handle *xs;
    char err[512] = "";
    uint8_t uuid[16];
    uint32_t domid;
    int paused = 0, rc;

    if (argc > 1 && !strcmp(argv[1], "-p"))
        paused = 1, argc--, argv++;
    if (argc != 3)
        usage();
    domid = (uint32_t)num(argv[1], 0x7fef);
    if (cfg_parse_file(argv[2], NULL, &cfg, stderr))
        return EXIT_FAILURE;
    if (cfg->type != DOMAIN_TYPE_HVM)
        fatalx("%s: not an HVM cfg (type = \"hvm\")", argv[2]);
    if (!cfg->has_uuid && getrandom(cfg->uuid, 16, 0) != 16)
        fatal("getrandom");
    /* A restart by the monitor is the same domain: the same UUID. */
    cfg->has_uuid = 1;
    memcpy(uuid, cfg->uuid, 16);
    xs = xs_open(0);
    if (!xs)
        fatal("cannot reach xenstored");
    rc = write_domain(xs, domid, cfg->name, uuid);
    if (!rc)
        rc = dm_hvm_config(cfg, domid, uuid, &h, err, sizeof(err));
    if (!rc)
        rc = dm_hvm_start(h, xs, 1, domain_store_remove, err, sizeof(err));
    /* on_* as for any domain: the domain library's monitor applies them. */
    if (!rc)
        domain_monitor_spawn(cfg, domid);
    if (!rc && !paused && (rc = dm_unpause(domid)))
        dm_destroy(domid, 2000);
    if (rc)
        domain_store_remove(xs, domid);
    xs_close(xs);
    dm_hvm_free(h);
    domain_config_free(cfg);
    if (rc)
        fatalx("create: %s", err[0] ? err : strerror(-rc));
    printf("dom %u: %s started%s\n", domid, argv[2], paused ? ", paused" : "");
    return 0;
}

static void print_info(const struct domain_info *d)
{
    printf("%u flags=%s%s%s%s reason=%u vcpus=%u mem_kb=%llu cpu_ns=%llu\n",
           d->domid, d->running ? "r" : "-", d->blocked ? "b" : "-",
           d->paused ? "p" : "-", d->shutdown ? "s" : "-",
           d->shutdown ? d->shutdown_reason : 0, d->vcpus,
           (unsigned long long)d->mem_kb, (unsigned long long)d->cpu_ns);
}

/* The domain library's calls xm makes, so tests see HVM domains as xm. */
static int cmd_domain(int argc, char **argv)
{
    struct domain_ctx c = {.prog = "pvstack-dm", .err = stderr};
    struct domain_info *all = NULL, d;
    struct xs_handle *xs = NULL;
    uint32_t domid = 0;
    const char *op;
    int rc = -EINVAL, i;

    if (argc < 2)
        usage();
    op = argv[1];
    if (strcmp(op, "list") && argc != 3)
        usage();
    if (argc == 3)
        domid = (uint32_t)num(argv[2], 0x7fef);
    /* names (list), shutdown requests and destroy go through the store */
    if (strcmp(op, "info") && strcmp(op, "wait") && strcmp(op, "pause") &&
        strcmp(op, "unpause") && !(xs = xs_open(0)))
        fatalx("cannot reach xenstored");
    if (!strcmp(op, "list")) {
        rc = domain_list(xs, &all);
        for (i = 0; i < rc; i++)
            print_info(&all[i]);
        free(all);
        rc = rc < 0 ? rc : 0;
    } else if (!strcmp(op, "info") || !strcmp(op, "wait")) {
        rc = !strcmp(op, "info") ? domain_info(NULL, domid, &d)
                                 : domain_wait(domid, &d);
        if (!rc)
            print_info(&d);
    } else if (!strcmp(op, "pause")) {
        rc = domain_pause(domid);
    } else if (!strcmp(op, "unpause")) {
        rc = domain_unpause(domid);
    } else if (!strcmp(op, "poweroff") || !strcmp(op, "reboot")) {
        rc = domain_shutdown(&c, xs, domid,
                             !strcmp(op, "reboot") ? DOMAIN_REBOOT
                                                   : DOMAIN_POWEROFF);
    } else if (!strcmp(op, "destroy")) {
        rc = domain_destroy(&c, xs, domid);
    } else {
        usage();
    }
    if (xs)
        xs_close(xs);
    if (rc)
        fatalx("domain %s: %s", op, strerror(-rc));
    return 0;
}

int main(int argc, char **argv)
{
    log_procinit("pvstack-dm");
    log_init(1, getenv("PVSTACK_DEBUG") != NULL);
    if (argc < 2)
        usage();
    if (!strcmp(argv[1], "start"))
        return cmd_start(argc - 1, argv + 1);
    if (!strcmp(argv[1], "create"))
        return cmd_create(argc - 1, argv + 1);
    if (!strcmp(argv[1], "domain"))
        return cmd_domain(argc - 1, argv + 1);
    if (!strcmp(argv[1], "accel")) {
        const char *a = dm_accel_choose(NULL);

        if (!a)
            fatalx("PVSTACK_DM_ACCEL must be kvm or tcg");
        printf("%s\n", a);
        return 0;
    }
    if (!strcmp(argv[1], "qmp") && (argc == 4 || argc == 5)) {
        char *reply = NULL;
        int rc = dm_qmp_command((uint32_t)num(argv[2], 0x7fef), argv[3],
                                argc == 5 ? argv[4] : NULL, &reply);

        if (reply)
            printf("%s\n", reply);
        free(reply);
        if (rc)
            fatalx("qmp %s: %s", argv[3], strerror(-rc));
        return 0;
    }
    if (argc != 3)
        usage();
    return cmd_dom(argv[1], (uint32_t)num(argv[2], 0x7fef));
}
