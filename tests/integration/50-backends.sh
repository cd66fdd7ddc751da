#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Backends over the real store: blkback and netback driven by the device
# entries libxl writes (written here with Debian's xenstore-write), without a
# guest: probe, features, hotplug-status, errors, removal, LVM LVs, taps on
# a bridge in a private network namespace, and xenconsoled staying up.
. "$(dirname "$0")/lib.sh"

XENSTORED=${XENSTORED:-$BIN/xenstored}
for b in "$XENSTORED" "$BIN/blkback" "$BIN/netback" "$BIN/xenconsoled"; do
    if [ ! -x "$b" ]; then
        t_skip "backends" "$(basename "$b") not built"
        t_done; exit
    fi
done
t_root
LOG=$PVSTACK_ROOT/var/log/xen
"$XENSTORED" -N >"$LOG/xenstored.log" 2>&1 &
XSPID=$!
t_on_exit "kill $XSPID"
t_wait_for "[ -S '$XENSTORED_PATH' ]" 5

# wait_gone PATH
wait_gone() {
    local i
    for i in $(seq 100); do
        xenstore-read "$1" >/dev/null 2>&1 || return 0
        sleep 0.1
    done
    fail "$1 still there"
}

"$BIN/blkback" -i -v >"$LOG/blkback.log" 2>&1 &
BBPID=$!
t_on_exit "kill $BBPID"
IMG=$PVSTACK_ROOT/disk.img
truncate -s 64M "$IMG"

case_vbd_file() {
    local be=/local/domain/0/backend/vbd/5/51712
    t_add_vbd 5 51712 "$IMG" w
    t_wait_key $be/state 2
    assert_eq "$(xenstore-read $be/hotplug-status)" connected
    assert_eq "$(xenstore-read $be/feature-flush-cache)" 1
    assert_eq "$(xenstore-read $be/feature-barrier)" 1
    assert_eq "$(xenstore-read $be/feature-discard)" 1
    assert_eq "$(xenstore-read $be/feature-max-indirect-segments)" 256
    ls -l /proc/$BBPID/fd | grep -q "$IMG" || fail "image not open"
    # Removal as xm destroy does it: the backend lets go of the image.
    xenstore-rm /local/domain/0/backend/vbd/5 /local/domain/5
    t_fd_closed $BBPID "$IMG" || fail "image still open"
}
t_case "blkback probes a sparse file vbd, publishes features, closes on removal" case_vbd_file

case_vbd_errors() {
    local be=/local/domain/0/backend/vbd/6/51712
    t_add_vbd 6 51712 /nonexistent/disk.img w
    t_wait_key $be/hotplug-status error
    t_wait_key $be/state 5
    assert_match "$(xenstore-read $be/hotplug-error)" "No such file"
    t_add_vbd 6 51728 qcow2:/x.img w
    t_wait_key /local/domain/0/backend/vbd/6/51728/hotplug-status error
    xenstore-rm /local/domain/0/backend/vbd/6 /local/domain/6
    kill -0 $BBPID || fail "blkback died"
}
t_case "blkback reports bad vbds in the store and keeps serving" case_vbd_errors

case_vbd_readonly_offline() {
    local be=/local/domain/0/backend/vbd/7/51712
    t_add_vbd 7 51712 "$IMG" r
    t_wait_key $be/state 2
    ls -l /proc/$BBPID/fd | grep -q "$IMG" || fail "image not open"
    [ -z "$(xenstore-read $be/feature-discard 2>/dev/null)" ] ||
        fail "discard offered on a read-only disk"
    # libxl's detach: online=0, state=5; the frontend says Closed.
    xenstore-write $be/online 0 $be/state 5 /local/domain/7/device/vbd/51712/state 6
    t_wait_key $be/state 6
    # Closed and offline: the disk is let go before the entries are removed.
    t_fd_closed $BBPID "$IMG" || fail "image still open at Closed"
    xenstore-rm /local/domain/0/backend/vbd/7 /local/domain/7
}
t_case "blkback read-only vbd and libxl's online=0 detach" case_vbd_readonly_offline

case_vbd_shared() {
    # One writer per image (Xen's block script sharing check).
    t_add_vbd 10 51712 "$IMG" w
    t_wait_key /local/domain/0/backend/vbd/10/51712/state 2
    t_add_vbd 11 51712 "$IMG" w
    t_wait_key /local/domain/0/backend/vbd/11/51712/hotplug-status error
    assert_match "$(xenstore-read /local/domain/0/backend/vbd/11/51712/hotplug-error)" "^.*/disk.img is in use by a guest domain or mounted, and so cannot be attached read-write now$"
    xenstore-rm /local/domain/0/backend/vbd/10 /local/domain/10 \
        /local/domain/0/backend/vbd/11 /local/domain/11
}
t_case "blkback refuses a second writer of an image" case_vbd_shared

VG=pvt$$
case_vbd_lvm() {
    local pvimg=$PVSTACK_ROOT/pv.img pv lvdev be=/local/domain/0/backend/vbd/8/51712
    t_lvm_vg "$VG" &&
        lvcreate -q --driverloaded n -an -Zn -L 8M -n lv0 "$VG" &&
        lvcreate -q --driverloaded n -an -Zn -L 16M -n lv1 "$VG" ||
        fail "lvm setup"
    pv=$LVM_PV
    lvdev=$(t_lv_blockdev "$VG" lv1) || fail "t_lv_blockdev"
    assert_eq "$(blockdev --getsize64 /dev/$VG/lv1)" 16777216
    # The LV's bytes are the PV's bytes at the LV's extents.
    printf 'lv1-marker' | dd of=/dev/$VG/lv1 conv=notrunc status=none
    sync
    local pe_start ext
    pe_start=$(pvs --noheadings --units b --nosuffix -o pe_start "$pv" | tr -d ' ')
    ext=$(vgs --noheadings --units b --nosuffix -o vg_extent_size "$VG" | tr -d ' ')
    assert_eq "$(dd if="$pvimg" bs=1 skip=$((pe_start + 2 * ext)) count=10 status=none)" lv1-marker
    t_add_vbd 8 51712 "/dev/$VG/lv1" w
    t_wait_key $be/state 2
    t_wait_key $be/physical-device "$(printf '%x:%x' $(stat -L -c '0x%t 0x%T' /dev/$VG/lv1))"
    xenstore-rm /local/domain/0/backend/vbd/8 /local/domain/8
    t_fd_closed $BBPID "$lvdev"
    t_lv_blockdev_rm "$VG" lv1
}
t_case_lvm "blkback serves an LVM LV (loop device at the LV's extents)" case_vbd_lvm \
    "blkback serves an LVM LV" "$VG" lv1

# ---- netback, in a network namespace of its own ------------------------
NS=pvt-nb$$
if ip netns add "$NS" 2>/dev/null; then
    t_on_exit "ip netns del $NS"
    ip netns exec "$NS" sh -c 'ip link add xenbr0 type bridge && ip link set xenbr0 up &&
        ip link add br-test type bridge && ip link set br-test up'
    ip netns exec "$NS" "$BIN/netback" -i -v >"$LOG/netback.log" 2>&1 &
    NBPID=$!
    t_on_exit "kill $NBPID"
    nsx() { ip netns exec "$NS" "$@"; }

    case_vif() {
        t_add_vif 5 0 mac 00:16:3e:00:00:01
        t_add_vif 5 1 bridge br-test
        t_wait_key /local/domain/0/backend/vif/5/0/state 2
        t_wait_key /local/domain/0/backend/vif/5/1/state 2
        assert_eq "$(xenstore-read /local/domain/0/backend/vif/5/0/hotplug-status)" connected
        assert_eq "$(xenstore-read /local/domain/0/backend/vif/5/0/feature-rx-copy)" 1
        assert_eq "$(xenstore-read /local/domain/0/backend/vif/5/0/mac)" 00:16:3e:00:00:01
        # No MAC from the toolstack: 00:16:3e + 3 random bytes, both ends.
        assert_match "$(xenstore-read /local/domain/0/backend/vif/5/1/mac)" '^00:16:3e:[0-7][0-9a-f](:[0-9a-f]{2}){2}$'
        assert_eq "$(xenstore-read /local/domain/5/device/vif/1/mac)" \
            "$(xenstore-read /local/domain/0/backend/vif/5/1/mac)"
        assert_match "$(nsx ip -o link show vif5.0)" 'master xenbr0 .*state (UP|UNKNOWN|DOWN)'
        assert_match "$(nsx ip -o link show vif5.0)" '<[^>]*UP'
        assert_match "$(nsx ip -o link show vif5.1)" 'master br-test'
        xenstore-rm /local/domain/0/backend/vif/5 /local/domain/5
        t_links_gone vif5.0 vif5.1 || fail "vif5.0 or vif5.1 left behind"
        [ -z "$(nsx ip -o link show master xenbr0)" ] || fail "ports left on xenbr0"
    }
    t_case "netback: two vifs, taps on their bridges, MACs, nothing left after removal" case_vif

    case_vif_named_script() {
        local script=$PVSTACK_ROOT/vif-test out=$PVSTACK_ROOT/vif-test.out
        printf '#!/bin/sh\necho "$1 $vif" >> %s\n' "$out" >"$script"
        chmod +x "$script"
        t_add_vif 6 0 vifname guest6eth0 script "$script" mac 00:16:3e:00:00:06
        t_wait_key /local/domain/0/backend/vif/6/0/state 2
        nsx ip link show guest6eth0 >/dev/null || fail "vifname not used"
        assert_eq "$(cat "$out")" "online guest6eth0"
        t_add_vif 6 1 bridge nosuchbr
        t_wait_key /local/domain/0/backend/vif/6/1/hotplug-status error
        xenstore-rm /local/domain/0/backend/vif/6 /local/domain/6
        t_wait_for "[ \"\$(wc -l <'$out')\" = 2 ]" 5
        assert_eq "$(tail -1 "$out")" "offline guest6eth0"
        kill -0 $NBPID || fail "netback died"
    }
    t_case "netback: vifname=, script= hook online/offline, missing bridge" case_vif_named_script
else
    t_skip "netback" "cannot create a network namespace"
fi

case_console() {
    "$BIN/xenconsoled" -i --log=guest >"$LOG/xenconsoled.log" 2>&1 &
    local pid=$!
    trap "kill $pid 2>/dev/null" EXIT
    # A domain the engine does not know: attach fails, the daemon stays.
    xenstore-write /local/domain/9/name ghost /local/domain/9/console/ring-ref 1 \
        /local/domain/9/console/port 2
    sleep 1.5
    kill -0 $pid || fail "xenconsoled died"
    [ -d "$PVSTACK_ROOT/var/log/xen/console" ] || fail "no log dir"
    kill $pid; wait $pid
    xenstore-rm /local/domain/9
}
t_case "xenconsoled survives a domain it cannot attach" case_console

# The last case: it stops the store. Backends left without xenstored exit
# rather than linger (test runs once leaked them by the dozen).
case_store_gone() {
    local b pids=() i
    for b in blkback netback xenconsoled; do
        "$BIN/$b" -i >"$LOG/$b-gone.log" 2>&1 &
        pids+=($!)
    done
    trap 'kill ${pids[*]} 2>/dev/null' EXIT
    sleep 1
    for i in "${pids[@]}"; do kill -0 "$i" || fail "a backend died with the store up"; done
    kill "$XSPID"; wait "$XSPID" 2>/dev/null
    for i in "${pids[@]}"; do
        t_wait_for "! kill -0 $i" 6 || fail "pid $i still running without xenstored"
    done
    for b in blkback netback xenconsoled; do
        grep -q "xenstored went away" "$LOG/$b-gone.log" || fail "$b: no exit message"
    done
}
t_case "blkback, netback and xenconsoled exit when xenstored goes away" case_store_gone

t_done
