#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Real PV guests with disks and vifs: `xm create` writes the device entries,
# blkback and netback serve them, the bundled guest's self-tests drive its
# blkfront/netfront. Sparse file and LVM vbds (the guest's writes reach the
# host), read-only disk, two disks, ping and UDP echo through a bridge in a
# private netns, a guest with two vifs, and destroy leaving no tap behind.
. "$(dirname "$0")/lib.sh"

t_root
if ! t_pv_devices_host gd; then
    t_skip "guest devices" "no writable /dev/kvm, no guest kernel, or xm cannot start the daemons"
    t_done; exit
fi
mtime() { stat -c %.9Y "$1"; }
# fill FILE OFFSET: 4 KiB of a host-side marker at OFFSET
fill() {
    yes HOSTDATA | head -c 4096 | dd of="$1" bs=4096 seek=$(($2 / 4096)) conv=notrunc status=none
}

case_file_disk() {
    local img=$PVSTACK_ROOT/d1.img t0 sum0
    truncate -s 32M "$img"
    fill "$img" $((32 * 1024 * 1024 - 4096))
    sum0=$(md5sum <"$img")
    t0=$(mtime "$img")
    sleep 0.05
    "$XM" create "$(t_pv_cfg d1 "disk = ['file:$img,xvda,w']" 'extra = "selftest=blk"')" ||
        fail "create"
    t_wait_console d1 "selftest blk: PASS"
    assert_match "$(t_vmmlog d1)" 'vbd 51712: 65536 sectors of 512, wrote and read back 8'
    # The guest wrote its pattern, read it back and put the host's bytes
    # back: the file changed under blkback and holds the marker again.
    [ "$(mtime "$img")" != "$t0" ] || fail "the guest's writes never reached $img"
    assert_eq "$(md5sum <"$img")" "$sum0"
    "$XM" destroy d1
    t_fd_closed $BBPID "$img" || fail "blkback still holds $img"
}
t_case "sparse file vbd: guest writes reach the host file" case_file_disk

case_ro_two_disks() {
    local a=$PVSTACK_ROOT/a.img b=$PVSTACK_ROOT/b.img suma
    truncate -s 16M "$a"; truncate -s 8M "$b"
    fill "$a" $((16 * 1024 * 1024 - 4096))
    suma=$(md5sum <"$a")
    "$XM" create "$(t_pv_cfg d2 "disk = ['$a,raw,xvda,r', '$b,raw,xvdb,w']" 'extra = "selftest=blk"')" ||
        fail "create"
    t_wait_console d2 "selftest blk: PASS"
    assert_match "$(t_vmmlog d2)" 'vbd 51712: 32768 sectors of 512, read-only'
    assert_eq "$(md5sum <"$a")" "$suma"
    local id=$("$XM" domid d2)
    assert_eq "$(xenstore-read /local/domain/0/backend/vbd/$id/51728/state)" 2
    assert_eq "$(xenstore-read /local/domain/0/backend/vbd/$id/51712/mode)" r
    "$XM" block-list d2 >"$PVSTACK_ROOT/bl" 2>&1 &&
        assert_match "$(cat "$PVSTACK_ROOT/bl")" "^51712 +0 +$id +4 "
    "$XM" destroy d2
}
t_case "read-only disk untouched, second disk offered" case_ro_two_disks

VG=pvtg$$
case_lvm_disk() {
    local pv t0
    t_lvm_vg "$VG" &&
        lvcreate -q --driverloaded n -an -Zn -L 12M -n root "$VG" || fail "lvm"
    pv=$LVM_PV
    t_lv_blockdev "$VG" root >/dev/null || fail "t_lv_blockdev"
    # Sectors written to the PV's block device (/sys/block/X/stat field 7).
    t0=$(awk '{print $7}' "/sys/block/${pv#/dev/}/stat")
    "$XM" create "$(t_pv_cfg d3 "disk = ['phy:/dev/$VG/root,xvda,w']" 'extra = "selftest=blk"')" ||
        fail "create"
    t_wait_console d3 "selftest blk: PASS"
    assert_match "$(t_vmmlog d3)" 'vbd 51712: 24576 sectors of 512, wrote'
    sync
    [ "$(awk '{print $7}' "/sys/block/${pv#/dev/}/stat")" -ge $((t0 + 8)) ] ||
        fail "the guest's writes never reached the PV ($t0 -> $(awk '{print $7}' "/sys/block/${pv#/dev/}/stat"))"
    "$XM" destroy d3
    sleep 0.3
    t_lv_blockdev_rm "$VG" root
}
t_case_lvm "LVM LV vbd: guest writes reach the PV at the LV's extents" case_lvm_disk \
    "LVM LV vbd" "$VG" root

case_net() {
    local id reply
    "$XM" create "$(t_pv_cfg n1 "vif = ['mac=00:16:3e:00:00:22,bridge=xenbr0', 'bridge=xenbr0']" \
        'extra = "selftest=net ip=10.0.0.2"')" || fail "create"
    id=$("$XM" domid n1)
    t_wait_console n1 "selftest net: PASS"
    assert_match "$(nsx ip -o link show vif$id.0)" 'master xenbr0'
    assert_match "$(nsx ip -o link show vif$id.1)" 'master xenbr0'
    nsx ping -c 3 -i 0.2 -W 2 10.0.0.2 >"$PVSTACK_ROOT/ping" ||
        fail "ping: $(cat "$PVSTACK_ROOT/ping")"
    reply=$(nsx bash -c 'exec 3<>/dev/udp/10.0.0.2/7; printf "echo-%s" $$ >&3;
        read -r -t 3 -N 9 r <&3; echo "$r"')
    assert_match "$reply" '^echo-[0-9]'
    "$XM" network-list n1 >"$PVSTACK_ROOT/nl" 2>&1 &&
        assert_match "$(cat "$PVSTACK_ROOT/nl")" '^0 +0 +00:16:3e:00:00:22 +0 +4 '
    "$XM" destroy n1
    t_links_gone vif$id.0 vif$id.1 || fail "vif$id.0 or vif$id.1 left after destroy"
    [ -z "$(nsx ip -o link show master xenbr0 | grep -v veth-b)" ] || fail "ports left on xenbr0"
}
t_case "two vifs on a bridge: ping and UDP echo to the guest, no tap after destroy" case_net

# Hot-plug on a running guest: the vbd entries appear after boot (written
# here with libxl's keys, as xm block-attach does), the guest's shell runs
# its blk self-test on request; then libxl's detach (online=0, Closing) and
# removal make blkback let go of the image.
case_hotplug() {
    local img=$PVSTACK_ROOT/hot.img id be fe tty
    truncate -s 4M "$img"
    "$XM" create "$(t_pv_cfg h1)" || fail "create"
    id=$("$XM" domid h1)
    t_wait_console h1 "pvstack guest: ready"
    be=/local/domain/0/backend/vbd/$id/51712
    fe=/local/domain/$id/device/vbd/51712
    xenstore-write "$fe/backend" "$be" "$fe/backend-id" 0 "$fe/state" 1 \
        "$fe/virtual-device" 51712 "$fe/device-type" disk \
        "$be/frontend" "$fe" "$be/params" "$img" "$be/frontend-id" "$id" \
        "$be/online" 1 "$be/removable" 0 "$be/bootable" 1 "$be/dev" xvda \
        "$be/type" phy "$be/mode" w "$be/device-type" disk "$be/state" 1
    # The guest owns its frontend directory, and may read the backend's.
    xenstore-chmod -r "$fe" "n$id" r0
    xenstore-chmod -r "$be" n0 "r$id"
    t_wait_key $be/state 2
    tty=$(xenstore-read /local/domain/$id/console/tty) || fail "no console tty"
    printf 'selftest blk\r' >"$tty"
    t_wait_console h1 "selftest blk: PASS (vbd 51712: 8192 sectors"
    assert_eq "$(xenstore-read $be/state)" 4
    # libxl's detach: blkback stops serving the ring at once; the disk
    # goes when the frontend closes or, as here with a frontend that does
    # not, when the toolstack removes the entries after its timeout.
    xenstore-write $be/online 0 $be/state 5
    t_wait_for "grep -q 'dom $id vbd 51712: disconnected after' '$LOG/blkback.log'" 5 ||
        fail "ring still served after online=0"
    xenstore-rm $be $fe
    for _ in $(seq 50); do ls -l /proc/$BBPID/fd | grep -q "$img" || break; sleep 0.1; done
    ! ls -l /proc/$BBPID/fd | grep -q "$img" || fail "blkback kept $img after removal"
    "$XM" destroy h1
}
if [ -f "$TOP/guest/shell.c" ]; then
    t_case "hot-attach a vbd to a running guest, detach it" case_hotplug
else
    t_skip "hot-attach a vbd to a running guest" "the guest has no console shell"
fi

t_done
