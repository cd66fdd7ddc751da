#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Hostile guest (issue 5): a guest booted with selftest=hostile sends blkif
# and netif TX requests no correct frontend would (past the disk end, bad
# segment counts and sector bounds, ungranted and read-only refs, unknown
# ops, oversized and malformed frames, endless chains, a wild req_prod).
# The shared blkback and netback daemons must answer errors, log them, stay
# up with the same pids, and keep serving a well-behaved guest.
. "$(dirname "$0")/lib.sh"

t_root
if ! t_pv_devices_host hg; then
    t_skip "hostile guest" "no writable /dev/kvm, no guest kernel, or xm cannot start the daemons"
    t_done; exit
fi
alive() { kill -0 "$1" 2>/dev/null && [ "$(cat "$PVSTACK_ROOT/run/$2.pid")" = "$1" ]; }

case_hostile() {
    local good=$PVSTACK_ROOT/good.img bad=$PVSTACK_ROOT/bad.img tty
    truncate -s 8M "$good"; truncate -s 8M "$bad"
    "$XM" create "$(t_pv_cfg good "disk = ['file:$good,xvda,w']" \
        "vif = ['bridge=xenbr0']" 'extra = "selftest=blk,net ip=10.0.0.2"')" ||
        fail "create good"
    t_wait_console good "selftest net: PASS"
    assert_match "$(t_vmmlog good)" 'selftest blk: PASS'
    "$XM" create "$(t_pv_cfg bad "disk = ['file:$bad,xvda,w']" \
        "vif = ['bridge=xenbr0']" 'extra = "selftest=hostile ip=10.0.0.3"')" ||
        fail "create hostile"
    t_wait_console bad "selftest hostile-blk: PASS"
    t_wait_console bad "selftest hostile-net: PASS"
    # Every probe reported on its own line, none answered wrongly.
    assert_eq "$(t_vmmlog bad | grep -c 'console: hostile-blk: .*: ok')" 9
    assert_eq "$(t_vmmlog bad | grep -c 'console: hostile-net: .*: ok')" 4
    ! t_vmmlog bad | grep -q WRONG || fail "wrong answers: $(t_vmmlog bad | grep WRONG)"
    # Same daemons, still running, and they said what they refused.
    alive "$BBPID" blkback || fail "blkback died: $(tail -5 "$LOG/blkback.log")"
    alive "$NBPID" netback || fail "netback died: $(tail -5 "$LOG/netback.log")"
    for _ in $(seq 30); do
        grep -q 'ahead of rsp_prod' "$LOG/blkback.log" && break
        sleep 0.1
    done
    assert_match "$(cat "$LOG/blkback.log")" 'request [0-9]+ op 127 refused \(status -2'
    assert_match "$(cat "$LOG/blkback.log")" 'op 0 refused \(status -1, 7 refused so far'
    assert_match "$(cat "$LOG/blkback.log")" 'req_prod [0-9]+ is 10000[0-9] ahead of rsp_prod'
    assert_match "$(cat "$LOG/netback.log")" 'tx packet dropped: frame too large'
    assert_match "$(cat "$LOG/netback.log")" 'tx packet dropped: ref not granted'
    assert_match "$(cat "$LOG/netback.log")" 'tx packet dropped: malformed slots'
    for _ in $(seq 30); do
        grep -q 'tx req_prod .* ahead, vif no longer served' "$LOG/netback.log" && break
        sleep 0.1
    done
    assert_match "$(cat "$LOG/netback.log")" 'tx req_prod [0-9]+ is 10000[0-9] ahead, vif no longer'
    # The good guest is still served: ping, and its blk self-test again
    # through its console shell (a fresh write and read back of its disk).
    nsx ping -c 3 -i 0.2 -W 2 10.0.0.2 >"$PVSTACK_ROOT/ping" ||
        fail "ping the good guest: $(cat "$PVSTACK_ROOT/ping")"
    tty=$(xenstore-read "/local/domain/$("$XM" domid good)/console/tty") ||
        fail "no console tty"
    printf 'selftest blk\r' >"$tty"
    t_wait_console good "selftest blk: PASS" 2
    # The hostile guest's own device is the only one dropped.
    alive "$BBPID" blkback && alive "$NBPID" netback || fail "a daemon died late"
    "$XM" destroy bad
    "$XM" destroy good
}
t_case "hostile guest refused, daemons live on, good guest still served" case_hostile

t_done
