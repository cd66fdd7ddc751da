#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Save, restore and snapshots, what 76-79 leave out: xl.conf's lockfile held
# by restore and migrate-receive as by create; snapshots of qcow2 disks as
# external snapshots (qcow2 overlays on a frozen base, revert to a fresh
# overlay, delete merging the base into what rests on it); a block device's
# snapshot (an LVM snapshot where device-mapper exists, else a full copy).
. "$(dirname "$0")/lib.sh"
t_hvm_xm "save/snapshot extras" "no QEMU, qemu-img/qemu-io, test kernel or xenstore-utils" \
    qemu-img qemu-io

# cfg NAME [DISKSPEC]
cfg() { t_hvm_cfg "$1" ${2:+"disk = [ '$2' ]"} "on_poweroff = 'destroy'"; }

# the POSIX lock on the lockfile: held (no arrow) or waited for (->)
lock_held() { grep -qE "^[0-9]+: POSIX .* [0-9a-f]+:[0-9a-f]+:$1 " /proc/locks; }
lock_waited() { grep -qE "^[0-9]+: -> POSIX .* [0-9a-f]+:[0-9a-f]+:$1 " /proc/locks; }
hold_lock() {
    python3 -c 'import fcntl,sys,time
f = open(sys.argv[1], "w"); fcntl.lockf(f, fcntl.LOCK_EX); time.sleep(60)' "$1" \
        >/dev/null 2>&1 &
    echo $!
}

# xl's create_domain takes the lockfile for restore and migrate-receive too
case_lock() {
    local lock=$PVSTACK_ROOT/run/xl-test.lock holder pid ino img=$PVSTACK_ROOT/k1.save
    command -v python3 >/dev/null || { echo "# no python3 to hold the lock"; return 0; }
    echo "lockfile = \"/run/xl-test.lock\"" >"$PVSTACK_ROOT/etc/xen/xl.conf"
    t_on_exit "rm -f '$PVSTACK_ROOT/etc/xen/xl.conf'"
    t_hvm_boot k1 "$(cfg k1)"
    "$XM" save k1 "$img" || fail "save"
    ino=$(stat -c %i "$lock" 2>/dev/null) || { : >"$lock"; ino=$(stat -c %i "$lock"); }
    holder=$(hold_lock "$lock")
    t_on_exit "kill $holder"
    t_wait_for "lock_held $ino" 10 || fail "the holder did not take the lock"
    timeout 60 "$XM" restore "$img" >"$PVSTACK_ROOT/r.out" 2>&1 &
    pid=$!
    t_on_exit "kill $pid"
    t_wait_for "lock_waited $ino" 10 || fail "restore did not wait for the lockfile"
    ! t_xm_listed k1 || fail "k1 restored while the lock was held"
    kill "$holder"; wait "$holder" 2>/dev/null
    wait "$pid" || fail "restore after the lock was freed: $(cat "$PVSTACK_ROOT/r.out")"
    t_xm_listed k1 || fail "k1 not restored"
    ! lock_held "$ino" || fail "the lock is still held after restore"
    t_hvm_carries_on k1
    # migrate-receive: fed the image, it waits on the lock before building;
    # then, with no sender to say go, it destroys its copy again
    holder=$(hold_lock "$lock")
    t_on_exit "kill $holder"
    t_wait_for "lock_held $ino" 10 || fail "the holder did not take the lock again"
    timeout 60 "$XM" migrate-receive <"$img" >"$PVSTACK_ROOT/m.out" 2>"$PVSTACK_ROOT/m.err" &
    pid=$!
    t_wait_for "lock_waited $ino" 10 || fail "migrate-receive did not wait for the lockfile"
    ! "$XM" list | grep -q -- --incoming || fail "a copy built while the lock was held"
    kill "$holder"; wait "$holder" 2>/dev/null
    wait "$pid" && fail "migrate-receive without a sender succeeded"
    grep -q "Transfer complete" "$PVSTACK_ROOT/m.err" ||
        fail "migrate-receive did not build after the lock: $(cat "$PVSTACK_ROOT/m.err")"
    ! "$XM" list | grep -q -- --incoming || fail "the copy was left"
}

# qcow2 bytes at offset 0 ('A' = the snapshot's, 'B' = written after)
pattern() { qemu-img convert -U -O raw "$1" "$PVSTACK_ROOT/probe.raw" && head -c 1 "$PVSTACK_ROOT/probe.raw"; }
backing() { qemu-img info -U --output=json "$1" | sed -n 's/.*"backing-filename": "\([^"]*\)".*/\1/p'; }

case_qcow2() {
    local img=$PVSTACK_ROOT/q1.qcow2 snaps=$PVSTACK_ROOT/var/lib/xen/snapshots/q1 out id
    qemu-img create -q -f qcow2 "$img" 8M
    qemu-io -c "write -P 0x41 0 4k" "$img" >/dev/null
    t_hvm_boot q1 "$(cfg q1 "$img,qcow2,hda,w")"
    id=$("$XM" domid q1)
    out=$("$XM" snapshot-create q1 s1 2>&1) || fail "snapshot-create: $out"
    assert_match "$out" "Domain snapshot s1 created"
    ! echo "$out" | grep -q "copied in full" || fail "the qcow2 disk was copied: $out"
    t_xm_listed q1 || fail "q1 not running after the snapshot"
    assert_match "$(t_xm_row q1)" "r-----"
    [ "$("$XM" domid q1)" != "$id" ] || fail "the overlay was made under a running QEMU"
    # the disk as it was is the snapshot's base; the cfg's path an overlay
    assert_eq "$(backing "$img")" "$snaps/s1/disk-0.qcow2" "overlay's backing"
    assert_eq "$(pattern "$snaps/s1/disk-0.qcow2")" "A" "the base's bytes"
    assert_eq "$(backing "$snaps/s1/disk-0.qcow2")" "" "the base's own backing"
    t_hvm_carries_on q1
}

case_qcow2_revert() {
    local img=$PVSTACK_ROOT/q1.qcow2 snaps=$PVSTACK_ROOT/var/lib/xen/snapshots/q1
    # written after the snapshot, with the domain gone
    qemu-io -c "write -P 0x42 0 4k" "$img" >/dev/null
    assert_eq "$(pattern "$img")" "B" "written after"
    assert_eq "$(pattern "$snaps/s1/disk-0.qcow2")" "A" "the base is frozen"
    # revert: a fresh overlay on the base, the memory image restored
    "$XM" snapshot-revert q1 s1 || fail "revert"
    t_xm_listed q1 || fail "q1 not back after revert"
    assert_eq "$(pattern "$img")" "A" "reverted disk"
    assert_eq "$(backing "$img")" "$snaps/s1/disk-0.qcow2" "the fresh overlay's backing"
}

case_qcow2_delete() {
    local img=$PVSTACK_ROOT/q1.qcow2 snaps=$PVSTACK_ROOT/var/lib/xen/snapshots/q1 out id
    t_xm_listed q1 || fail "no q1 from the case before"
    # a second snapshot rests on the first: s1 <- s2 <- the disk
    "$XM" snapshot-create q1 s2 >/dev/null 2>&1 || fail "snapshot s2"
    assert_eq "$(backing "$snaps/s2/disk-0.qcow2")" "$snaps/s1/disk-0.qcow2" "s2 on s1"
    assert_eq "$(backing "$img")" "$snaps/s2/disk-0.qcow2" "the disk on s2"
    # delete s1: merged into s2's base (which no longer needs it)
    out=$("$XM" snapshot-delete q1 s1 2>&1) || fail "delete s1: $out"
    [ ! -e "$snaps/s1" ] || fail "s1 left"
    assert_eq "$(backing "$snaps/s2/disk-0.qcow2")" "" "s2's base after s1 merged"
    assert_eq "$(pattern "$img")" "A" "the disk after s1 merged"
    # delete s2 with the domain running on it: merged under the domain
    id=$("$XM" domid q1)
    out=$("$XM" snapshot-delete q1 s2 2>&1) || fail "delete s2: $out"
    [ ! -e "$snaps/s2" ] || fail "s2 left"
    t_xm_listed q1 || fail "q1 gone after delete"
    assert_eq "$(backing "$img")" "" "the disk stands alone"
    assert_eq "$(pattern "$img")" "A" "the disk after s2 merged"
    t_hvm_carries_on q1
}

# a block device: an LVM snapshot with device-mapper, else copied in full
case_block() {
    local file=$PVSTACK_ROOT/b1.raw dev out
    command -v losetup >/dev/null || { echo "# no losetup"; return 0; }
    { printf 'BEFORE'; head -c $((4 << 20)) /dev/zero; } >"$file"
    dev=$(losetup -f --show "$file" 2>/dev/null) || { echo "# no loop device here"; return 0; }
    t_on_exit "losetup -d $dev"
    t_hvm_boot b1 "$(cfg b1 "phy:$dev,hda,w")"
    out=$("$XM" snapshot-create b1 s1 2>&1) || fail "snapshot-create: $out"
    if [ -e /dev/mapper/control ]; then
        # a loop device is no LVM volume either
        assert_match "$out" "$dev: not an LVM volume, copied in full \(4 MiB\)"
    else
        assert_match "$out" "$dev: no device-mapper on this host for an LVM snapshot, copied in full \(4 MiB\)"
    fi
    printf 'AFTER!' | dd of="$dev" conv=notrunc 2>/dev/null
    "$XM" snapshot-revert b1 s1 || fail "revert"
    assert_eq "$(head -c 6 "$dev")" "BEFORE" "block device reverted"
    t_hvm_carries_on b1
    "$XM" snapshot-delete b1 s1 >/dev/null || fail "delete"
}

t_case "lockfile: restore and migrate-receive wait for it, as create does" case_lock
t_case "qcow2 snapshot: the disk frozen as its base, the domain on an overlay" case_qcow2
t_case "qcow2 revert: a fresh overlay on the base, the changes since gone" case_qcow2_revert
t_case "qcow2 delete: the base merged into the next snapshot, then under the running domain" case_qcow2_delete
t_case "block device snapshot: LVM where device-mapper exists, else a copy" case_block
t_done
