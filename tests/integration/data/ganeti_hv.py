#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-only
"""Drive Ganeti 3.0's own Xen HVM driver (ganeti/hypervisor/hv_xen.py,
xen_cmd = xl) against pvstack: the `xl` on PATH is ours. Nothing here
re-implements the driver; this only builds the objects Ganeti's node daemon
would hand it (instance, hvparams, disks) and prints what it returns.

  ganeti_hv.py list                      # GetAllInstancesInfo (+ Domain-0)
  ganeti_hv.py nodeinfo                  # GetNodeInfo as JSON
  ganeti_hv.py verify                    # Verify(): None when all is well
  ganeti_hv.py start NAME DISK MAXMEM    # StartInstance, cfg in $GNT_CFGDIR
  ganeti_hv.py stop NAME [--force]       # StopInstance (shutdown -w, destroy)
  ganeti_hv.py reboot NAME               # RebootInstance
  ganeti_hv.py balloon NAME MIB          # BalloonInstanceMemory
  ganeti_hv.py accept NAME PORT          # AcceptInstance (socat + xl m-r)
  ganeti_hv.py migrate NAME PORT         # MigrateInstance to 127.0.0.1
  ganeti_hv.py finalize-dst NAME 0|1     # FinalizeMigrationDst
  ganeti_hv.py finalize-src NAME 0|1     # FinalizeMigrationSource

Exit 0 on success; a HypervisorError prints its text and exits 1.
"""
import json
import os
import sys

sys.path.insert(0, "/usr/share/ganeti/3.0")

from ganeti import constants, errors, objects  # noqa: E402
from ganeti.hypervisor import hv_xen  # noqa: E402

CFGDIR = os.environ["GNT_CFGDIR"]
RUNDIR = os.environ["GNT_RUNDIR"]

# Ganeti keeps NIC files and socat pid files under /var/run/ganeti; the
# test's own root keeps the host clean. These are class data, not logic.
hv_xen.XenHypervisor._ROOT_DIR = RUNDIR
hv_xen.XenHypervisor._NICS_DIR = RUNDIR + "/nic"
hv_xen.XenHypervisor._MIGRATION_DIR = RUNDIR + "/migration"
hv_xen.XenHypervisor._DIRS = [RUNDIR, RUNDIR + "/nic", RUNDIR + "/migration"]
# Ganeti polls a reboot every 10 s for 10 min; poll every second instead.
hv_xen.XenHypervisor.REBOOT_RETRY_INTERVAL = 1


def hvparams():
    p = dict(constants.HVC_DEFAULTS[constants.HT_XEN_HVM])
    p[constants.HV_XEN_CMD] = constants.XEN_CMD_XL
    p[constants.HV_VNC_PASSWORD_FILE] = os.environ["GNT_VNCPW"]
    p[constants.HV_VNC_BIND_ADDRESS] = "127.0.0.1"
    p[constants.HV_MIGRATION_PORT] = int(os.environ.get("GNT_PORT", "8002"))
    return p


def instance(name, maxmem=128):
    return objects.Instance(
        name=name, hvparams=hvparams(), nics=[], network_port=None,
        beparams={constants.BE_MAXMEM: maxmem, constants.BE_MINMEM: maxmem,
                  constants.BE_VCPUS: 1})


def main(argv):
    hv = hv_xen.XenHvmHypervisor(_cfgdir=CFGDIR)
    cmd, args = argv[1], argv[2:]
    if cmd == "list":
        rows = hv._GetInstanceList(True, hvparams())
        print(json.dumps([[r[0], r[1], r[2], r[3], r[4], r[5]]
                          for r in rows]))
    elif cmd == "nodeinfo":
        print(json.dumps(hv.GetNodeInfo(hvparams=hvparams()), sort_keys=True))
    elif cmd == "verify":
        print(hv.Verify(hvparams=hvparams()))
    elif cmd == "start":
        name, disk, maxmem = args[0], args[1], int(args[2])
        dev = objects.Disk(dev_type=constants.DT_FILE,
                           logical_id=("loop", disk), mode=constants.DISK_RDWR)
        hv.StartInstance(instance(name, maxmem), [(dev, disk, None)], False)
    elif cmd == "stop":
        hv.StopInstance(instance(args[0]), force="--force" in args)
    elif cmd == "reboot":
        hv.RebootInstance(instance(args[0]))
    elif cmd == "balloon":
        hv.BalloonInstanceMemory(instance(args[0]), int(args[1]))
    elif cmd == "accept":
        os.environ["GNT_PORT"] = args[1]
        hv.AcceptInstance(instance(args[0]), None, "127.0.0.1")
    elif cmd == "migrate":
        os.environ["GNT_PORT"] = args[1]
        hv.MigrateInstance("cluster", instance(args[0]), "127.0.0.1", True)
    elif cmd == "finalize-dst":
        inst = instance(args[0])
        hv.FinalizeMigrationDst(inst, open(os.path.join(
            CFGDIR, args[0])).read(), args[1] == "1")
    elif cmd == "finalize-src":
        hv.FinalizeMigrationSource(instance(args[0]), args[1] == "1", None)
    else:
        sys.exit("ganeti_hv.py: unknown command " + cmd)


if __name__ == "__main__":
    try:
        main(sys.argv)
    except errors.HypervisorError as err:
        print("HypervisorError: %s" % err)
        sys.exit(1)
