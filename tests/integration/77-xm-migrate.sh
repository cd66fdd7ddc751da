#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xm migrate / migrate-receive of HVM guests, xl's protocol over a local
# "ssh" (-s) that runs xm migrate-receive in a second state root on this
# machine: the guest arrives with its name and UUID and carries on, the
# source is destroyed; --live reports the downtime; when the receiver fails
# the source resumes under its name and nothing is left on the target.
. "$(dirname "$0")/lib.sh"
t_hvm_xm "xm migrate"
t_target_root
t_fakessh "$R1/fakessh"

boot() { t_hvm_boot "$1" "$(t_hvm_cfg "$1" "on_poweroff = 'destroy'")"; }

# migrate_ok NAME [opts]: there, running, same UUID, source gone, guest on.
migrate_ok() {
    local name=$1 u out
    shift
    boot "$name"
    u=$(t_xm_uuid "$name")
    out=$("$XM" migrate -s "$R1/fakessh" "$@" "$name" otherhost 2>&1) ||
        fail "migrate: $out $(cat "$R1/receiver.log")"
    assert_match "$out" "migration sender: Target reports successful startup"
    assert_match "$out" "Migration successful."
    ! t_xm_listed "$name" || fail "source still listed"
    ! t_xm_listed "$name--migratedaway" || fail "source left renamed"
    ON2 t_xm_listed "$name" || fail "not on the target: $(X2 list)"
    assert_eq "$(ON2 t_xm_state "$name")" "r-----"
    assert_eq "$(ON2 t_xm_uuid "$name")" "$u" "UUID kept"
    ON2 t_hvm_carries_on "$name"
    printf '%s\n' "$out"
}

case_migrate() {
    migrate_ok m1 >/dev/null
}

case_live() {
    local out
    out=$(migrate_ok m2 --live) || fail "$out"
    assert_match "$out" "migration sender: downtime [0-9]+ ms"
}

case_receiver_fails() {
    local out n
    boot f1
    # The target cannot start QEMU: creation fails there.
    t_fakessh "$R1/badssh" PVSTACK_QEMU=/nonexistent/qemu
    out=$("$XM" migrate -s "$R1/badssh" f1 otherhost 2>&1) && fail "migrate succeeded"
    assert_match "$out" "Migration failed, resuming at sender."
    assert_match "$(cat "$R1/receiver.log")" "Domain creation failed"
    assert_eq "$(t_xm_state f1)" "r-----"
    ! ON2 t_xm_listed f1 && ! ON2 t_xm_listed f1--incoming || fail "left on the target: $(X2 list)"
    n=$(ls "$R2/run/xen" 2>/dev/null | grep -c '^qmp-libxl-')
    assert_eq "$n" 0 "no QEMU left on the target"
    # A command that is no receiver at all.
    out=$("$XM" migrate -s /bin/echo f1 otherhost 2>&1) && fail "migrate to echo succeeded"
    assert_match "$out" "banner"
    assert_eq "$(t_xm_state f1)" "r-----"
    "$XM" destroy f1
}

t_case "migrate: arrives with its name and UUID, carries on, source gone" case_migrate
t_case "migrate --live: the downtime reported" case_live
t_case "receiver fails: the source resumes, nothing left on the target" case_receiver_fails
t_done
