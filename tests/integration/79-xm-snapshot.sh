#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xm snapshot-create/-list/-revert/-delete of an HVM guest with a disk
# file: memory and disk taken together; a revert replaces the running
# domain, puts the disk's bytes back and the guest carries on from the
# snapshot; the full-copy warning where the filesystem has no reflinks.
. "$(dirname "$0")/lib.sh"
XM=$BIN/xm

if ! command -v qemu-system-x86_64 >/dev/null || ! t_hvm_guest ||
    ! command -v xenstore-read >/dev/null; then
    t_skip "xm snapshots" "no QEMU, test kernel or xenstore-utils"
    t_done; exit
fi
t_root
t_xm_daemons || { echo "not ok - xm daemons start"; exit 1; }

cfg() {
    local name=$1
    { echo "type = 'hvm'"; echo "name = '$name'"; echo "memory = 128"
      echo "kernel = '$HVM_KERNEL'"; echo "ramdisk = '$HVM_INITRD'"
      echo "serial = 'pty'"; echo "extra = 'console=ttyS0 quiet'"
      echo "disk = [ 'file:$PVSTACK_ROOT/$name.img,hda,w' ]"
      echo "on_poweroff = 'destroy'"; } >"$PVSTACK_ROOT/$name.cfg"
    echo "$PVSTACK_ROOT/$name.cfg"
}
row() { "$XM" list | awk -v n="$1" '$1 == n'; }
listed() { [ -n "$(row "$1")" ]; }
console() {
    local tty
    tty=$(xenstore-read "/local/domain/$("$XM" domid "$1")/console/tty") || fail "no tty"
    cat "$tty" >"$2" 2>/dev/null &
    t_on_exit "kill $!"
}

case_snapshots() {
    local img=$PVSTACK_ROOT/v1.img out id1
    # The guest never writes its disk: the host's writes stand for its.
    { printf 'BEFORE'; head -c $((4 << 20)) /dev/zero; } >"$img"
    "$XM" create -p "$(cfg v1)" || fail "create"
    console v1 "$PVSTACK_ROOT/v1.boot"
    "$XM" unpause v1
    t_wait_for "grep -q PVSTACK-GUEST-WAITING '$PVSTACK_ROOT/v1.boot'" 50 ||
        fail "not up: $(cat "$PVSTACK_ROOT/v1.boot")"
    out=$("$XM" snapshot-create v1 s1 2>&1) || fail "snapshot-create: $out"
    assert_match "$out" "Domain snapshot s1 created"
    if [ "$(stat -f -c %T "$PVSTACK_ROOT")" != btrfs ] &&
        [ "$(stat -f -c %T "$PVSTACK_ROOT")" != xfs ]; then
        assert_match "$out" "no reflink on this filesystem, copied in full \(4 MiB\)"
    fi
    assert_match "$(row v1)" "r-----"
    out=$("$XM" snapshot-create v1 s1 2>&1) && fail "a second s1 was taken"
    assert_match "$out" "already has a snapshot 's1'"
    "$XM" snapshot-create v1 s2 >/dev/null 2>&1 || fail "snapshot s2"
    out=$("$XM" snapshot-list v1)
    assert_match "$out" "^ s1 +[0-9-]+ [0-9:]+ [-+][0-9]+ +running"
    assert_match "$out" " s2 "
    out=$("$XM" snapshot-delete v1 s2) || fail "delete"
    ! "$XM" snapshot-list v1 | grep -q " s2 " || fail "s2 still listed"
    out=$("$XM" snapshot-delete v1 s2 2>&1) && fail "deleted s2 twice"
    assert_match "$out" "has no snapshot 's2'"
    # After the snapshot: the disk changes.
    printf 'AFTER!' | dd of="$img" conv=notrunc 2>/dev/null
    id1=$("$XM" domid v1)
    "$XM" snapshot-revert v1 s1 || fail "revert"
    listed v1 || fail "v1 not running after revert"
    [ "$("$XM" domid v1)" != "$id1" ] || fail "the old domain was not replaced"
    assert_eq "$(head -c 6 "$img")" "BEFORE" "disk reverted"
    console v1 "$PVSTACK_ROOT/v1.after"
    "$XM" shutdown v1
    t_wait_for "grep -q PVSTACK-GUEST-POWERDOWN '$PVSTACK_ROOT/v1.after'" 30 ||
        fail "reverted guest did not carry on: $(cat "$PVSTACK_ROOT/v1.after")"
    ! grep -q PVSTACK-GUEST-UP "$PVSTACK_ROOT/v1.after" || fail "guest booted again"
    t_wait_for "! listed v1" 20 || fail "v1 left"
    # Revert with the domain gone brings it back.
    "$XM" snapshot-revert v1 s1 || fail "revert of a stopped domain"
    listed v1 || fail "v1 not back"
    out=$("$XM" snapshot-revert v1 nosuch 2>&1) && fail "revert to nosuch"
    assert_match "$out" "has no snapshot 'nosuch'"
    listed v1 || fail "a failed revert took v1 down"
    "$XM" destroy v1
}

t_case "snapshot-create/-list/-revert/-delete: memory and disk" case_snapshots
t_done
