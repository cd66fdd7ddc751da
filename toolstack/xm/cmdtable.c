/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * cmdtable.c: the xm/xl command table, one row per command (xl cmd_table):
 * {name, handler, flags, help, usage, options}. Add your command here.
 */
#include "xm/xm.h"
#include "xm/dom.h"

#include <string.h>

const struct xm_cmd xm_cmd_table[] = {
    {"create", cmd_create, XM_CMD_DRYRUN | XM_CMD_MODIFIES,
     "Create a domain from config file <filename>",
     "<ConfigFile> [options] [vars]",
     "-h                      Print this help.\n"
     "-p                      Leave the domain paused after it is created.\n"
     "-c                      Connect to the console after the domain is "
     "created.\n"
     "-e                      Do not wait in the background for the death of "
     "the domain.\n"
     "-n, --dryrun            Dry run - prints the resulting configuration\n"
     "                         (deprecated in favour of global -N option)."},
    {"list", cmd_list, 0, "List information about all/some domains",
     "[options] [Domain]",
     "-l, --long              Output all VM details\n"
     "-v, --verbose           Prints out UUIDs and security context"},
    {"info", cmd_info, 0, "Get information about Xen host", "", NULL},
    {"network-attach", cmd_network_attach, XM_CMD_DRYRUN | XM_CMD_MODIFIES,
     "Create a new virtual network device",
     "<Domain> [type=<type>] [mac=<mac>] [bridge=<bridge>] [ip=<ip>] "
     "[script=<script>] [backend=<BackDomain>] [vifname=<name>] "
     "[rate=<rate>] [model=<model>] [accel=<accel>] [mtu=<mtu>]",
     NULL},
    {"block-attach", cmd_block_attach, XM_CMD_DRYRUN | XM_CMD_MODIFIES,
     "Create a new virtual block device",
     "<Domain> <disk-spec-component(s)>...", NULL},
    {"block-list", cmd_block_list, 0, "List virtual block devices for a domain",
     "<Domain(s)>", NULL},
    {"block-detach", cmd_block_detach, XM_CMD_MODIFIES,
     "Destroy a domain's virtual block device", "[-f] <Domain> <DevId>",
     "-f                      Force detach"},
    {"network-list", cmd_network_list, 0,
     "List virtual network interfaces for a domain", "<Domain(s)>", NULL},
    {"network-detach", cmd_network_detach, XM_CMD_MODIFIES,
     "Destroy a domain's virtual network device", "<Domain> <DevId|mac>", NULL},
    {"destroy", cmd_destroy, XM_CMD_MODIFIES, "Terminate a domain immediately",
     "<Domain>", NULL},
    {"shutdown", cmd_shutdown, XM_CMD_MODIFIES,
     "Issue a shutdown signal to a domain", "[options] <-a|Domain>",
     "-a, --all               Shutdown all guest domains.\n"
     "-h                      Print this help.\n"
     "-F                      Fallback to ACPI power event for HVM guests\n"
     "-w, --wait              Wait for guest(s) to complete shutdown."},
    {"reboot", cmd_reboot, XM_CMD_MODIFIES, "Issue a reboot signal to a domain",
     "[options] <-a|Domain>",
     "-a, --all               Reboot all guest domains.\n"
     "-h                      Print this help.\n"
     "-w, --wait              Wait for guest(s) to complete reboot."},
    {"pause", cmd_pause, XM_CMD_MODIFIES, "Pause execution of a domain",
     "<Domain>", NULL},
    {"unpause", cmd_unpause, XM_CMD_MODIFIES, "Unpause a paused domain",
     "<Domain>", NULL},
    {"console", cmd_console, 0, "Attach to domain's console",
     "[options] <Domain>",
     "-t <type>       console type, pv or serial\n"
     "-n <number>     console number (with -t)\n"
     "Ctrl-] detaches."},
    {"mem-set", cmd_mem_set, XM_CMD_MODIFIES,
     "Set the current memory usage for a domain",
     "<Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>", NULL},
    {"mem-max", cmd_mem_max, XM_CMD_MODIFIES,
     "Set the maximum amount reservation for a domain",
     "<Domain> <MemMB['b'[bytes]|'k'[KB]|'m'[MB]|'g'[GB]|'t'[TB]]>", NULL},
    {"vcpu-set", cmd_vcpu_set, XM_CMD_MODIFIES,
     "Set the number of active VCPUs allowed for the domain",
     "<Domain> <vCPUs>", NULL},
    {"vcpu-list", cmd_vcpu_list, 0, "List the VCPUs for all/some domains",
     "[Domain, ...]", NULL},
    {"vcpu-pin", cmd_vcpu_pin, XM_CMD_MODIFIES, "Set which CPUs a VCPU can use",
     "[option] <Domain> <VCPU|all> <Hard affinity|-|all> <Soft affinity|-|all>",
     "-f, --force        undo an override pinning done by the kernel"},
    {"sched-credit", cmd_sched_credit, 0, "Get/set credit scheduler parameters",
     "[-d <Domain> [-w[=WEIGHT]|-c[=CAP]]] [-s [-t TSLICE] [-r RATELIMIT]] [-p "
     "CPUPOOL]",
     "-d DOMAIN, --domain=DOMAIN        Domain to modify\n"
     "-w WEIGHT, --weight=WEIGHT        Weight (int)\n"
     "-c CAP,    --cap=CAP              Cap (int)\n"
     "-s         --schedparam           Query / modify scheduler parameters\n"
     "-p CPUPOOL, --cpupool=CPUPOOL     Restrict output to CPUPOOL"},
    {"sched-credit2", cmd_sched_credit2, 0,
     "Get/set credit2 scheduler parameters",
     "[-d <Domain> [-w[=WEIGHT]|-c[=CAP]]] [-s [-r RATELIMIT]] [-p CPUPOOL]",
     "-d DOMAIN, --domain=DOMAIN        Domain to modify\n"
     "-w WEIGHT, --weight=WEIGHT        Weight (int)\n"
     "-c CAP,    --cap=CAP              Cap (int)\n"
     "-s         --schedparam           Query / modify scheduler parameters\n"
     "-p CPUPOOL, --cpupool=CPUPOOL     Restrict output to CPUPOOL"},
    {"trigger", cmd_trigger, XM_CMD_MODIFIES, "Send a trigger to a domain",
     "<Domain> <nmi|reset|init|power|sleep|s3resume> [<VCPU>]", NULL},
    {"sysrq", cmd_sysrq, XM_CMD_MODIFIES, "Send a sysrq to a domain",
     "<Domain> <letter>", NULL},
    {"dump-core", cmd_dump_core, XM_CMD_MODIFIES, "Core dump a domain",
     "<Domain> <filename>", NULL},
    {"dmesg", cmd_dmesg, 0, "Read and/or clear dmesg buffer", "[-c]",
     "  -c                        Clear dmesg buffer as well as printing it"},
    {"top", cmd_top, 0, "Monitor a host and the domains in real time",
     "[-b] [-i ITERATIONS] [-d DELAY]",
     "-b, --batch          output in batch mode, no user input accepted\n"
     "-i, --iterations     number of iterations before exiting\n"
     "-d, --delay=SECONDS  seconds between updates (default 3)"},
    {"rename", cmd_rename, XM_CMD_MODIFIES, "Rename a domain",
     "<Domain> <NewDomainName>", NULL},
    {"config-update", cmd_config_update, XM_CMD_MODIFIES,
     "Update a running domain's saved configuration, used when rebuilding "
     "the domain after reboot",
     "<Domain> <ConfigFile> [vars]", NULL},
    {"domid", cmd_domid, 0, "Convert a domain name to domain id",
     "<DomainName>", NULL},
    {"domname", cmd_domname, 0, "Convert a domain id to domain name",
     "<DomainId>", NULL},
    {"uptime", cmd_uptime, 0, "Print uptime for all/some domains",
     "[-s] [Domain]", NULL},
    {"save", cmd_save, XM_CMD_MODIFIES, "Save a domain state to restore later",
     "[options] <Domain> <CheckpointFile> [<ConfigFile>]",
     "-h  Print this help.\n"
     "-c  Leave domain running after creating the snapshot.\n"
     "-p  Leave domain paused after creating the snapshot.\n"
     "-z  Compress the domain's stream with xz (liblzma)."},
    {"restore", cmd_restore, XM_CMD_MODIFIES,
     "Restore a domain from a saved state",
     "[options] [<ConfigFile>] <CheckpointFile>",
     "-h                       Print this help.\n"
     "-p                       Do not unpause domain after restoring it.\n"
     "-e                       Do not wait in the background for the death "
     "of the domain.\n"
     "-d                       Enable debug messages.\n"
     "-V, --vncviewer          Connect to the VNC display after the domain "
     "is created."},
    {"migrate", cmd_migrate, XM_CMD_MODIFIES,
     "Migrate a domain to another host", "[options] <Domain> <host>",
     "-h              Print this help.\n"
     "-C <config>     Send <config> instead of config file from creation.\n"
     "-s <sshcommand> Use <sshcommand> instead of ssh.  String will be "
     "passed\n"
     "                to sh. If empty, run <host> instead of ssh <host> xl\n"
     "                migrate-receive [-d -e]\n"
     "-e              Do not wait in the background (on <host>) for the "
     "death\n"
     "                of the domain.\n"
     "--live          Copy the domain's memory while it runs, then stop it "
     "for\n"
     "                the last round (the downtime is reported)."},
    {"migrate-receive", cmd_migrate_receive, XM_CMD_MODIFIES,
     "Receive a migrating domain on stdin (run by xm migrate)", "[-e] [-p]",
     NULL},
    {"snapshot-create", cmd_snapshot_create, XM_CMD_MODIFIES,
     "Snapshot a domain: its memory and disk files (as virsh)",
     "<Domain> [<SnapshotName>]", NULL},
    {"snapshot-list", cmd_snapshot_list, 0, "List the snapshots of a domain",
     "<Domain>", NULL},
    {"snapshot-revert", cmd_snapshot_revert, XM_CMD_MODIFIES,
     "Revert a domain to a snapshot (the running domain is replaced)",
     "<Domain> <SnapshotName>", NULL},
    {"snapshot-delete", cmd_snapshot_delete, XM_CMD_MODIFIES,
     "Delete a snapshot of a domain", "<Domain> <SnapshotName>", NULL},
    {"daemons", cmd_daemons, XM_CMD_MODIFIES,
     "Start, stop or show xenstored, xenconsoled, blkback and netback "
     "(by their pid files)",
     "start|stop|status", NULL},
};

const size_t xm_cmd_count = sizeof(xm_cmd_table) / sizeof(xm_cmd_table[0]);

const struct xm_cmd *xm_cmd_find(const struct xm_cmd *table, size_t n,
                                 const char *name)
{
    const struct xm_cmd *found = NULL;
    size_t i, len, count = 0;

    if (!name || !*name)
        return NULL;
    len = strlen(name);
    for (i = 0; i < n; i++) {
        if (strncmp(name, table[i].name, len))
            continue;
        /* an exact match wins even if it also prefixes another command */
        if (!table[i].name[len])
            return &table[i];
        found = &table[i];
        count++;
    }
    return count == 1 ? found : NULL;
}

const struct xm_cmd *xm_cmd_lookup(const char *name)
{
    return xm_cmd_find(xm_cmd_table, xm_cmd_count, name);
}
