#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# toolstack/dm devices against real QEMU: vifs as taps vif<domid>.<n> on a
# bridge (in a network namespace this test owns) with the cfg's MAC and
# model, and disks (raw, qcow2, read-only, cdrom) as QEMU sees them.
. "$(dirname "$0")/lib.sh"
DM=$BIN/pvstack-dm

if ! command -v qemu-system-x86_64 >/dev/null || ! t_hvm_guest; then
    t_skip "device model devices" "no QEMU, cloud kernel or busybox-static"
    t_done; exit
fi
t_root
NS=pvt-hvm$$
BR=xenbr-t
t_on_exit "ip netns del $NS"
for id in 80 81; do t_on_exit "ip netns exec $NS '$DM' destroy $id; '$DM' destroy $id"; done

hmp() { "$DM" qmp "$1" human-monitor-command "{\"command-line\": \"$2\"}"; }

case_vifs() {
    ip netns add "$NS" || fail "cannot create netns"
    ip -n "$NS" link add "$BR" type bridge
    ip -n "$NS" link set "$BR" up
    ip netns exec "$NS" "$DM" start -d 80 -n net80 -m 128 -k "$HVM_KERNEL" \
        -r "$HVM_INITRD" -p -V "00:16:3e:12:34:56,$BR,e1000" \
        -V "00:16:3e:65:43:21,$BR,virtio-net" >/dev/null || fail "start failed"
    local links info
    links=$(ip -n "$NS" -o link show master "$BR")
    assert_match "$links" "vif80\.0.*state (UP|UNKNOWN)"
    assert_match "$links" "vif80\.1"
    info=$(hmp 80 "info network")
    assert_match "$info" "nic0: index=0,type=nic,model=e1000,macaddr=00:16:3e:12:34:56"
    assert_match "$info" "nic1: index=0,type=nic,model=virtio-net-pci,macaddr=00:16:3e:65:43:21"
    assert_match "$info" "net0: index=0,type=tap,fd="
    ip netns exec "$NS" "$DM" destroy 80
    # Non-persistent taps go with QEMU.
    t_wait_for "! ip -n '$NS' link show vif80.0" 5 || fail "tap vif80.0 left behind"
    ! ip -n "$NS" link show vif80.1 2>/dev/null || fail "tap vif80.1 left behind"
}

case_vif_no_bridge() {
    local out
    ip netns list | grep -q "^$NS" || ip netns add "$NS"
    out=$(ip netns exec "$NS" "$DM" start -d 80 -n net80 -k "$HVM_KERNEL" \
        -V "00:16:3e:12:34:56,nosuchbr" 2>&1) && fail "start succeeded"
    assert_match "$out" "vif80.0 on bridge nosuchbr"
    ! ip -n "$NS" link show vif80.0 2>/dev/null || fail "tap left behind"
    [ ! -e "$PVSTACK_ROOT/run/xen/qmp-libxl-80" ] || fail "socket left behind"
}

case_disks() {
    local d=$PVSTACK_ROOT/disks blk
    mkdir -p "$d"
    truncate -s 64M "$d/root.img"
    qemu-img create -q -f qcow2 "$d/data.qcow2" 32M
    truncate -s 1M "$d/cd.iso"
    "$DM" start -d 81 -n disk81 -m 128 -k "$HVM_KERNEL" -r "$HVM_INITRD" -p \
        -D "$d/root.img,xvda,raw" -D "$d/data.qcow2,sda,qcow2,ro" \
        -D "$d/cd.iso,hdc,cdrom" -D ",hdd,cdrom" >/dev/null || fail "start failed"
    blk=$("$DM" qmp 81 query-block)
    assert_match "$blk" '"device": "scsi0-0"'
    assert_match "$(hmp 81 "info block ide-0")" "root.img \(raw\)"
    assert_match "$(hmp 81 "info block scsi0-0")" "data.qcow2 \(qcow2, read-only\)"
    assert_match "$(hmp 81 "info block ide-2")" "cd.iso \(raw, read-only\)"
    assert_match "$(hmp 81 "info block ide-3")" "not inserted"
    "$DM" destroy 81
}

case_bad_disk() {
    local out
    out=$("$DM" start -d 81 -n disk81 -k "$HVM_KERNEL" -D "/x.img,xvde" 2>&1) &&
        fail "start succeeded"
    assert_match "$out" "vdev 'xvde' cannot be emulated"
    out=$("$DM" start -d 81 -n disk81 -k "$HVM_KERNEL" -D "/x.img,hda,raw,ro" 2>&1) &&
        fail "start succeeded"
    assert_match "$out" "read-only IDE disks are not supported"
    out=$("$DM" start -d 81 -n disk81 -k "$HVM_KERNEL" \
        -D "$PVSTACK_ROOT/missing.img,hda" 2>&1) && fail "start succeeded"
    assert_match "$out" "device model failed to start: .*missing.img"
    [ ! -e "$PVSTACK_ROOT/run/xen/qemu-dm-81.pid" ] || fail "pid file left"
}

t_case "vifs: taps on the bridge with the cfg's MAC and model" case_vifs
t_case "vif on a missing bridge: clear error, no tap left" case_vif_no_bridge
t_case "disks: raw, qcow2 read-only, cdrom, empty cdrom" case_disks
t_case "bad disks: clear errors" case_bad_disk
t_done
