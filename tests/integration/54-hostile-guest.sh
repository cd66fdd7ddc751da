#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Hostile guest (issue 5): a guest booted with selftest=hostile sends blkif
# and netif TX requests no correct frontend would (past the disk end, bad
# segment counts and sector bounds, ungranted and read-only refs, unknown
# ops, oversized and malformed frames, endless chains, a wild req_prod).
# The shared blkback and netback daemons must answer errors, log them, stay
# up with the same pids, and keep serving a well-behaved guest.
. "$(dirname "$0")/lib.sh"
XM=$BIN/xm
GUEST=$TOP/build/guest/pvguest.elf.xz

t_root
LOG=$PVSTACK_ROOT/var/log/xen
if [ ! -w /dev/kvm ] || [ ! -f "$GUEST" ]; then
    t_skip "hostile guest" "no writable /dev/kvm or no guest kernel"
    t_done; exit
fi
# Store and backends started here (as in 52) so we know their pids.
"$BIN/xenstored" -N >"$LOG/xenstored.log" 2>&1 &
t_on_exit "kill $!"
for _ in $(seq 50); do [ -S "$XENSTORED_PATH" ] && break; sleep 0.1; done
"$BIN/blkback" -i -v --pid-file="$PVSTACK_ROOT/run/blkback.pid" \
    >"$LOG/blkback.log" 2>&1 &
BBPID=$!
t_on_exit "kill $BBPID"
NS=pvt-hg$$
ip netns add "$NS" || fail "netns"
t_on_exit "ip netns del $NS"
nsx() { ip netns exec "$NS" "$@"; }
nsx sh -ec 'ip link set lo up
    ip link add xenbr0 type bridge; ip link set xenbr0 up
    ip link add veth-h type veth peer name veth-b
    ip link set veth-b master xenbr0; ip link set veth-b up
    ip addr add 10.0.0.1/24 dev veth-h; ip link set veth-h up'
ip netns exec "$NS" "$BIN/netback" -i -v \
    --pid-file="$PVSTACK_ROOT/run/netback.pid" >"$LOG/netback.log" 2>&1 &
NBPID=$!
t_on_exit "kill $NBPID"
for _ in $(seq 50); do
    [ -s "$PVSTACK_ROOT/run/blkback.pid" ] && [ -s "$PVSTACK_ROOT/run/netback.pid" ] && break
    sleep 0.1
done
if ! "$XM" daemons start >/dev/null 2>&1; then
    t_skip "hostile guest" "xm cannot start the daemons yet"
    t_done; exit
fi
stop_all() {
    local id p
    for id in $("$XM" list 2>/dev/null | awk 'NR>2 {print $2}'); do
        "$XM" destroy "$id"
    done
    for p in xenconsoled; do
        [ -f "$PVSTACK_ROOT/run/$p.pid" ] && kill "$(cat "$PVSTACK_ROOT/run/$p.pid")"
    done
}
t_on_exit stop_all

cfg() {
    local name=$1
    shift
    { echo "name = \"$name\""; echo "kernel = \"$GUEST\""; echo "memory = 32"
      printf '%s\n' "$@"; } >"$PVSTACK_ROOT/$name.cfg"
    echo "$PVSTACK_ROOT/$name.cfg"
}
vmmlog() { cat "$LOG/vmm-$1.log" 2>/dev/null; }
# wait_line NAME TEXT [COUNT]: up to 30 s for COUNT lines with TEXT
wait_line() {
    local i
    for i in $(seq 300); do
        [ "$(vmmlog "$1" | grep -cF -- "$2")" -ge "${3:-1}" ] && return 0
        vmmlog "$1" | grep -q "selftest .*: FAIL" && break
        sleep 0.1
    done
    fail "$1: no '$2' on the console: $(vmmlog "$1" | grep -E 'selftest|hostile|error|FAIL|WRONG' | tail -12)"
}
alive() { kill -0 "$1" 2>/dev/null && [ "$(cat "$PVSTACK_ROOT/run/$2.pid")" = "$1" ]; }

case_hostile() {
    local good=$PVSTACK_ROOT/good.img bad=$PVSTACK_ROOT/bad.img tty
    truncate -s 8M "$good"; truncate -s 8M "$bad"
    "$XM" create "$(cfg good "disk = ['file:$good,xvda,w']" \
        "vif = ['bridge=xenbr0']" 'extra = "selftest=blk,net ip=10.0.0.2"')" ||
        fail "create good"
    wait_line good "selftest net: PASS"
    assert_match "$(vmmlog good)" 'selftest blk: PASS'
    "$XM" create "$(cfg bad "disk = ['file:$bad,xvda,w']" \
        "vif = ['bridge=xenbr0']" 'extra = "selftest=hostile ip=10.0.0.3"')" ||
        fail "create hostile"
    wait_line bad "selftest hostile-blk: PASS"
    wait_line bad "selftest hostile-net: PASS"
    # Every probe reported on its own line, none answered wrongly.
    assert_eq "$(vmmlog bad | grep -c 'console: hostile-blk: .*: ok')" 9
    assert_eq "$(vmmlog bad | grep -c 'console: hostile-net: .*: ok')" 4
    ! vmmlog bad | grep -q WRONG || fail "wrong answers: $(vmmlog bad | grep WRONG)"
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
    wait_line good "selftest blk: PASS" 2
    # The hostile guest's own device is the only one dropped.
    alive "$BBPID" blkback && alive "$NBPID" netback || fail "a daemon died late"
    "$XM" destroy bad
    "$XM" destroy good
}
t_case "hostile guest refused, daemons live on, good guest still served" case_hostile

t_done
