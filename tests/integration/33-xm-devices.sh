#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xm create with a disk and a vif, end to end on the kvm engine: xm starts
# xenstored, xenconsoled, blkback and netback; the guest's blkfront writes
# and reads back its disk, its netfront comes up on a bridge and answers
# ping. Runs in a private network namespace (its own bridge, nothing on
# the host's network).
if [ -z "${PV_IN_NETNS:-}" ]; then
    PV_IN_NETNS=1 exec unshare -n "$0" "$@"
fi
. "$(dirname "$0")/lib.sh"
XM=$BIN/xm
GUEST=$TOP/build/guest/pvguest.elf.xz

case_disk_and_vif() {
    local img=$PVSTACK_ROOT/disk.img
    truncate -s 16M "$img"
    cat >"$PVSTACK_ROOT/dev1.cfg" <<CFG
name = "dev1"
kernel = "$GUEST"
memory = 32
disk = [ 'file:$img,xvda,w' ]
vif = [ 'bridge=pvbr0,mac=00:16:3e:01:02:03' ]
extra = "ip=10.99.0.2 selftest=blk,net"
CFG
    "$XM" create "$PVSTACK_ROOT/dev1.cfg" || fail "create"
    t_wait_for "t_console_has dev1 'selftest: '" 15 || fail "no selftest summary: $(t_vmmlog dev1 | tail -5)"
    t_console_has dev1 'selftest blk: PASS' || fail "blk: $(t_vmmlog dev1 | grep 'selftest blk')"
    t_console_has dev1 'selftest net: PASS' || fail "net: $(t_vmmlog dev1 | grep 'selftest net')"
    assert_eq "$(xenstore-read /local/domain/0/backend/vbd/$("$XM" domid dev1)/51712/state)" 4
    ip link show master pvbr0 | grep -q "vif$("$XM" domid dev1).0" || fail "vif not on pvbr0"
    ping -c 2 -W 2 10.99.0.2 >/dev/null || fail "guest does not answer ping"
    "$XM" destroy dev1
}

case_bad_disk() {
    local err
    cat >"$PVSTACK_ROOT/bad1.cfg" <<CFG
name = "bad1"
kernel = "$GUEST"
memory = 32
disk = [ 'file:$PVSTACK_ROOT/no-such.img,xvda,w' ]
CFG
    err=$("$XM" create "$PVSTACK_ROOT/bad1.cfg" 2>&1) && fail "create with a missing disk succeeded"
    assert_match "$err" "^xm: create: bad1: disk xvda: .*No such file"
    sleep 0.3
    [ -z "$(ls "$PVSTACK_ROOT/run/pvstack" 2>/dev/null)" ] || fail "VMM socket left"
    [ -z "$(xenstore-list /local/domain 2>/dev/null | grep -vx 0)" ] || fail "store entries left"
    [ -z "$(xenstore-list /local/domain/0/backend/vbd 2>/dev/null)" ] ||
        fail "backend entries left: $(xenstore-ls /local/domain/0/backend/vbd)"
    ! ps -eo args | grep -q "[p]vstack-vmm .*--name bad1 " || fail "VMM process left"
}

t_root
if [ ! -w /dev/kvm ] || [ ! -f "$GUEST" ] || [ ! -x "$BIN/blkback" ] || [ ! -x "$BIN/netback" ]; then
    t_skip "xm create with disk and vif" "needs /dev/kvm, the guest kernel, blkback and netback"
    t_done
    exit
fi
ip link set lo up
ip link add pvbr0 type bridge && ip link set pvbr0 up &&
    ip addr add 10.99.0.1/24 dev pvbr0 || { echo "bridge setup failed"; exit 1; }
t_xm_daemons || { echo "daemons failed"; exit 1; }
t_case "disk and vif: blkfront and netfront self-tests pass, guest answers ping" case_disk_and_vif
t_case "missing disk image: create fails, VMM and store entries gone" case_bad_disk
t_done
