#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xm snapshot-create/-list/-revert/-delete of an HVM guest with a disk
# file: memory and disk taken together; a revert replaces the running
# domain, puts the disk's bytes back and the guest carries on from the
# snapshot; the full-copy warning where the filesystem has no reflinks.
. "$(dirname "$0")/lib.sh"
t_hvm_xm "xm snapshots"

case_snapshots() {
    local img=$PVSTACK_ROOT/v1.img out id1
    # The guest never writes its disk: the host's writes stand for its.
    { printf 'BEFORE'; head -c $((4 << 20)) /dev/zero; } >"$img"
    t_hvm_boot v1 "$(t_hvm_cfg v1 "disk = [ 'file:$img,hda,w' ]" "on_poweroff = 'destroy'")"
    out=$("$XM" snapshot-create v1 s1 2>&1) || fail "snapshot-create: $out"
    assert_match "$out" "Domain snapshot s1 created"
    if [ "$(stat -f -c %T "$PVSTACK_ROOT")" != btrfs ] &&
        [ "$(stat -f -c %T "$PVSTACK_ROOT")" != xfs ]; then
        assert_match "$out" "no reflink on this filesystem, copied in full \(4 MiB\)"
    fi
    assert_match "$(t_xm_row v1)" "r-----"
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
    t_xm_listed v1 || fail "v1 not running after revert"
    [ "$("$XM" domid v1)" != "$id1" ] || fail "the old domain was not replaced"
    assert_eq "$(head -c 6 "$img")" "BEFORE" "disk reverted"
    t_hvm_carries_on v1
    # Revert with the domain gone brings it back.
    "$XM" snapshot-revert v1 s1 || fail "revert of a stopped domain"
    t_xm_listed v1 || fail "v1 not back"
    out=$("$XM" snapshot-revert v1 nosuch 2>&1) && fail "revert to nosuch"
    assert_match "$out" "has no snapshot 'nosuch'"
    t_xm_listed v1 || fail "a failed revert took v1 down"
    "$XM" destroy v1
}

t_case "snapshot-create/-list/-revert/-delete: memory and disk" case_snapshots
t_done
