#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xm save / restore / migrate of kvm engine PV guests (the bundled guest
# kernel: Xen's PV suspend protocol; the VMM's stream, vmmsave.h): the
# guest restored under a new domid with its name and UUID carries on from
# where it was (its suspend count, kept in guest memory, goes on; it does
# not boot again), its disk and network work again (blkfront and netfront
# reconnect to the new backends: a block self-test and ping after the
# restore); save -c keeps it running; a restore of a running name and
# truncated, corrupt or foreign images are refused with nothing created;
# migrate through a local "ssh" into a second state root.
. "$(dirname "$0")/lib.sh"
T_TIMEOUT=${T_TIMEOUT_PVSAVE:-150}

t_root
if ! t_pv_devices_host ps; then
    t_skip "PV save" "no writable /dev/kvm, no guest kernel, or xm cannot start the daemons"
    t_done; exit
fi
vmm_count() { ls "$PVSTACK_ROOT/run/pvstack" 2>/dev/null | grep -c '\.sock$'; }
# boot NAME [LINE...]: a guest with a disk (and the cfg lines given), up;
# $MODE (default w) is the disk's mode.
boot() {
    local name=$1 img=$PVSTACK_ROOT/$1.img
    shift
    truncate -s 16M "$img"
    "$XM" create "$(t_pv_cfg "$name" "disk = ['file:$img,xvda,${MODE:-w}']" "$@")" ||
        fail "create $name"
    t_wait_console "$name" "pvstack guest: ready"
}
# resumed NAME WHAT N: the guest says it resumed (WHAT: new domain or
# cancelled) with its suspend count at N.
resumed() {
    t_wait_console "$1" "pvstack guest: resumed ($2; suspend $3,"
}

case_save_restore() {
    local img=$PVSTACK_ROOT/s1.save
    boot s1 "vif = ['mac=00:16:3e:00:00:31,bridge=xenbr0']" \
        'extra = "ip=10.0.0.2 resumetest=blk"'
    t_wait_console s1 "net: vif"
    nsx ping -c 2 -i 0.2 -W 2 10.0.0.2 >/dev/null || fail "no ping before save"
    t_save_restore s1 "$img"
    resumed s1 "new domain" 1
    # blkfront reconnected: the block self-test passes in the new domain.
    t_wait_console s1 "selftest blk: PASS"
    nsx ping -c 3 -i 0.2 -W 3 10.0.0.2 >"$PVSTACK_ROOT/ping" ||
        fail "no ping after restore: $(cat "$PVSTACK_ROOT/ping")"
    [ "$(t_vmmlog s1 | grep -c 'pvstack guest: booting')" -le 1 ] ||
        fail "the guest booted again"
    # A second round: the count in guest memory goes on.
    "$XM" save s1 "$img" >/dev/null 2>&1 || fail "second save"
    "$XM" restore "$img" >/dev/null 2>&1 || fail "second restore"
    resumed s1 "new domain" 2
    "$XM" destroy s1
}

case_checkpoint() {
    local img=$PVSTACK_ROOT/c1.save out
    boot c1
    out=$("$XM" save -c c1 "$img" 2>&1) || fail "save -c: $out"
    t_xm_listed c1 || fail "c1 gone after save -c"
    resumed c1 cancelled 1
    assert_match "$(t_xm_state c1)" '^(r-----|-b----)$'
    # The checkpoint restores: the count is the one it was taken with.
    t_checkpoint_restores c1 "$img" vmm_count VMM
    "$XM" unpause c1
    resumed c1 "new domain" 1
    "$XM" destroy c1
}

case_bad_images() {
    local good=$PVSTACK_ROOT/b1.save bad=$PVSTACK_ROOT/bad.save n out
    boot b1
    "$XM" save b1 "$good" || fail "save"
    n=$(vmm_count)
    t_bad_images "$good" "$bad"
    ! t_xm_listed b1 || fail "a refused restore left b1"
    assert_eq "$(vmm_count)" "$n" "no VMM left"
    # The VMM's own stream, past the framing's CRC (a migration stream has
    # none): a foreign magic, then a record whose length is out of bounds.
    off=$(grep -obUa 'pvstkPV' "$good" | head -1 | cut -d: -f1)
    [ -n "$off" ] || fail "no VMM stream in the image"
    cp "$good" "$bad"
    printf 'X' | dd of="$bad" bs=1 seek="$off" conv=notrunc 2>/dev/null
    out=$(timeout 60 "$XM" migrate-receive <"$bad" 2>&1 >/dev/null) &&
        fail "migrate-receive took a foreign VMM stream"
    assert_match "$out" "not a kvm engine PV stream \(wrong magic\)"
    cp "$good" "$bad"
    # the first record's length (after the 160-byte header): past any run
    printf '\0\0\0\0\0\1' | dd of="$bad" bs=1 seek=$((off + 160 + 8 + 2)) \
        conv=notrunc 2>/dev/null
    out=$(timeout 60 "$XM" migrate-receive <"$bad" 2>&1 >/dev/null) &&
        fail "migrate-receive took a bad record"
    assert_match "$out" "bad page record length"
    ! "$XM" list | grep -q -- "b1" || fail "a refused stream left a domain"
    assert_eq "$(vmm_count)" "$n" "no VMM left"
    "$XM" restore "$good" >/dev/null 2>&1 || fail "good image"
    resumed b1 "new domain" 1
    "$XM" destroy b1
}

case_vcpus() {
    local img=$PVSTACK_ROOT/v1.save
    boot v1 "vcpus = 2"
    t_wait_console v1 "pvstack guest: ready (2 vcpus online"
    "$XM" save v1 "$img" >/dev/null 2>&1 || fail "save"
    "$XM" restore "$img" >/dev/null 2>&1 || fail "restore"
    resumed v1 "new domain" 1
    t_wait_console v1 "2 vcpus online)"
    "$XM" destroy v1
}

case_snapshot_xz() {
    local img=$PVSTACK_ROOT/z1.save out
    boot n1
    out=$("$XM" snapshot-create n1 s1 2>&1) || fail "snapshot-create: $out"
    assert_match "$out" "Domain snapshot s1 created"
    resumed n1 cancelled 1
    "$XM" snapshot-revert n1 s1 || fail "revert"
    t_xm_listed n1 || fail "n1 not running after revert"
    resumed n1 "new domain" 1
    out=$("$XM" save -z n1 "$img" 2>&1) || fail "save -z: $out"
    grep -q "$(printf '\xfd7zXZ')" "$img" || fail "no xz stream in the image"
    "$XM" restore "$img" >/dev/null 2>&1 || fail "restore of -z"
    resumed n1 "new domain" 2
    "$XM" destroy n1
}

# A ballooned guest: the pages it gave back are given back in the new
# domain too (the stream's balloon record), so it can take them back there
# (increase_reservation only re-populates pfns given back before).
case_balloon() {
    local img=$PVSTACK_ROOT/m2.save
    boot m2
    "$XM" mem-set m2 24 || fail "mem-set 24"
    t_wait_console m2 "balloon: memory now 24576 KiB"
    assert_match "$(t_xm_row m2)" "^m2 +[0-9]+ +24 "
    "$XM" save m2 "$img" >/dev/null 2>&1 || fail "save"
    "$XM" restore "$img" >/dev/null 2>&1 || fail "restore"
    resumed m2 "new domain" 1
    "$XM" mem-set m2 32 || fail "mem-set 32"
    t_wait_console m2 "balloon: memory now 32768 KiB"
    t_wait_for "t_xm_row m2 | grep -qE '^m2 +[0-9]+ +32 '" 10 ||
        fail "not 32 MiB again: $(t_xm_row m2)"
    "$XM" destroy m2
}

case_xendomains() {
    local auto=$PVSTACK_ROOT/etc/xen/auto save=$PVSTACK_ROOT/var/lib/xen/save out
    mkdir -p "$auto"
    truncate -s 16M "$PVSTACK_ROOT/x1.img"
    ln -s "$(t_pv_cfg x1 "disk = ['file:$PVSTACK_ROOT/x1.img,xvda,w']")" "$auto/x1.cfg"
    t_on_exit "rm -f '$auto/x1.cfg'"
    out=$(XM=$XM "$BIN/xendomains" start 2>&1) || fail "start: $out"
    t_wait_console x1 "pvstack guest: ready"
    out=$(XM=$XM "$BIN/xendomains" stop 2>&1) || fail "stop: $out"
    assert_match "$out" "Saving Xen domain x1 to $save/x1: ok"
    ! t_xm_listed x1 || fail "x1 still running"
    out=$(XM=$XM "$BIN/xendomains" start 2>&1) || fail "start again: $out"
    assert_match "$out" "Restoring Xen domain x1 \\(from $save/x1\\): ok"
    resumed x1 "new domain" 1
    "$XM" destroy x1
}

# Migration into a second state root through a local "ssh" (as 77 does):
# the target has its own daemons (xenstored, blkback...), no netns, so no
# vif.
t_target_root
t_fakessh "$R1/fakessh"
# The target cannot start a VMM: its restore fails.
t_fakessh "$R1/badssh" PVSTACK_VMM=/nonexistent/pvstack-vmm

case_migrate() {
    local u out
    ON2 "$XM" daemons start >/dev/null 2>&1 || fail "daemons on the target"
    # Read-only: both blkbacks of this one host hold it during the move
    # (two hosts would not; Xen's block script knows it is the same VM).
    MODE=r boot m1 'extra = "resumetest=blk"'
    u=$(t_xm_uuid m1)
    out=$("$XM" migrate -s "$R1/fakessh" m1 otherhost 2>&1) ||
        fail "migrate: $out $(cat "$R1/receiver.log")"
    assert_match "$out" "Migration successful."
    ! t_xm_listed m1 || fail "source still listed"
    ON2 t_xm_listed m1 || fail "not on the target: $(ON2 "$XM" list)"
    assert_eq "$(ON2 t_xm_uuid m1)" "$u" "UUID kept"
    # The VMM keeps the name it was started with (log vmm-m1--incoming.log).
    ON2 resumed m1--incoming "new domain" 1
    ON2 t_wait_console m1--incoming "selftest blk: PASS"
    ON2 "$XM" destroy m1
}

# Live: pre-copy rounds on KVM's dirty log while the guest keeps writing
# 16 MiB of its memory (dirty=16:64, 64 pages a millisecond, spinning so
# it writes whatever our timers do), then the last round suspended; the
# guest arrives, every page holds its last write (self-test dirty) and its
# disk works.
case_migrate_live() {
    local out g1 g2
    ON2 "$XM" daemons start >/dev/null 2>&1 || fail "daemons on the target"
    MODE=r boot l1 'extra = "resumetest=blk,dirty dirty=16:64"'
    t_wait_console l1 "dirty: writing"
    sleep 1 # writing at its pace
    out=$("$XM" migrate --live -s "$R1/fakessh" l1 otherhost 2>&1) ||
        fail "migrate --live: $out $(cat "$R1/receiver.log")"
    assert_match "$out" "Migration successful."
    assert_match "$out" "migration sender: downtime [0-9]+ ms"
    assert_match "$(t_vmmlog l1)" "saved, [0-9]+ of [0-9]+ pages sent in the last round"
    ! t_xm_listed l1 || fail "source still listed"
    # The guest wrote while it was copied and KVM's log saw it.
    assert_match "$(t_vmmlog l1)" "pre-copy, [1-9] rounds, [0-9]+ pages sent, [0-9]+ dirty left \(KVM's log: [1-9]"
    ON2 resumed l1--incoming "new domain" 1
    ON2 t_wait_console l1--incoming "selftest blk: PASS"
    ON2 t_wait_console l1--incoming "selftest dirty: PASS"
    # Its last writes arrived: the generation it had when it suspended.
    g1=$(t_vmmlog l1 | sed -n 's/.*suspending (dirty generation \([0-9]*\)).*/\1/p')
    g2=$(ON2 t_vmmlog l1--incoming | sed -n 's/.*selftest dirty: PASS (4096 pages, generation \([0-9]*\)).*/\1/p')
    assert_eq "$g2" "$g1" "the guest's dirty generation after the move"
    ON2 "$XM" destroy l1
}

# When the target fails the source resumes (its suspend cancelled) and
# nothing is left there; live or not (a live one may fail in its rounds,
# before the guest is asked to suspend: then it just runs on).
case_migrate_fails() {
    local out opt s
    ON2 "$XM" daemons start >/dev/null 2>&1 || fail "daemons on the target"
    MODE=r boot f1
    for opt in "" --live; do
        out=$("$XM" migrate $opt -s "$R1/badssh" f1 otherhost 2>&1) &&
            fail "migrate $opt succeeded"
        assert_match "$out" "Migration failed, resuming at sender."
        s=$(t_vmmlog f1 | grep -c "pvstack guest: suspending")
        [ "$s" = 0 ] || resumed f1 cancelled "$s"
        assert_match "$(t_xm_state f1)" '^(r-----|-b----)$'
        ! ON2 t_xm_listed f1 && ! ON2 t_xm_listed f1--incoming ||
            fail "left on the target: $(ON2 "$XM" list)"
        assert_eq "$(ls "$R2/run/pvstack" | grep -c '\.sock$')" 0 "no VMM on the target"
    done
    [ "$(t_vmmlog f1 | grep -c "pvstack guest: suspending")" -ge 1 ] ||
        fail "the plain migration never suspended the guest"
    "$XM" destroy f1
}

t_case "PV save, restore: new domid, same name and UUID; counter, disk, ping carry on" case_save_restore
t_case "PV save -c keeps it running; restore of a running name refused; -p" case_checkpoint
t_case "PV truncated, corrupt, foreign images refused, nothing created" case_bad_images
t_case "PV snapshot-create keeps it running, revert carries on; save -z" case_snapshot_xz
t_case "PV ballooned guest: restored with its balloon, takes the pages back" case_balloon
t_case "PV xendomains stop saves, start restores" case_xendomains
t_case "PV guest with 2 vcpus: both online again after restore" case_vcpus
t_case "PV migrate into a second root: arrives, carries on, disk works" case_migrate
t_case "PV migrate --live: pre-copy rounds, downtime, arrives, disk works" case_migrate_live
t_case "PV migrate to a failing target: source resumes, nothing left there" case_migrate_fails
t_done
