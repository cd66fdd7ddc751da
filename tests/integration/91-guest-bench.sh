#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The guest's own benchmarks (guest/bench.c, what `make bench`'s
# bench/guest.bash times), briefly and untimed: blkfront with many
# requests in flight (indirect 1 MiB ones, 4 KiB random) writes stamped
# sectors and reads them back checked, the host finds the guest's stamps
# in the file, and a read expecting other stamps fails (the check bites);
# netfront streams UDP frames to a host socket on the bridge, which checks
# every payload and sequence number.
. "$(dirname "$0")/lib.sh"

t_root
if ! t_pv_devices_host gb; then
    t_skip "guest benchmarks" "no writable /dev/kvm, no guest kernel, or xm cannot start the daemons"
    t_done; exit
fi
BG=$TOP/build/bench/bench_guest
# field LINE KEY: the value of KEY=... in a result line
field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

case_blk() {
    local img=$PVSTACK_ROOT/b.img runs l n
    "$BG" prefill "$img" 16 || fail "prefill"
    runs="blk,1M,seq,write,gen=7+blk,1M,seq,read,gen=7+blk,4K,rand,write,qd=32,ops=512,gen=7"
    runs="$runs+blk,4K,rand,read,qd=32,ops=512,gen=7+blk,64K,rand,read,ops=64,gen=7"
    runs="$runs+blk,4K,rand,read,ops=64,gen=8+blk,4K,rand,read,ops=64,gen=7"
    "$XM" create "$(t_pv_cfg b1 "disk = ['file:$img,xvda,w']" "extra = \"bench=$runs poweroff\"")" ||
        fail "create"
    t_wait_console b1 "bench blk: " 7
    t_vmmlog b1 | grep -F "bench blk:" | sed 's/^/# /'
    n=0
    while read -r l; do
        n=$((n + 1))
        case $n in
        1 | 2) assert_match "$l" "bench blk: PASS op=(write|read) pattern=seq bs=1048576 qd=4 ops=16 bytes=16777216 "
            [ "$(field "$l" kibps)" -gt 0 ] || fail "no rate: $l" ;;
        3 | 4) assert_match "$l" "PASS op=(write|read) pattern=rand bs=4096 qd=32 ops=512 bytes=2097152 " ;;
        5) assert_match "$l" "PASS op=read pattern=rand bs=65536 qd=4 ops=64 " ;;
        6) assert_match "$l" "FAIL data read differs from the stamps written" ;;
        7) assert_match "$l" "PASS op=read pattern=rand bs=4096 qd=32 ops=64 " ;; # a failed run leaves nothing behind
        esac
    done < <(t_vmmlog b1 | grep -o "bench blk: [PF].*")
    assert_eq "$n" 7
    # every sector read by the seq read was checked
    assert_eq "$(field "$(t_vmmlog b1 | grep -m1 'bench blk: PASS op=read pattern=seq')" verified)" 32768
    t_wait_for "! t_xm_listed b1" 10 || fail "b1 did not power off"
    "$BG" check "$img" 7 || fail "the host does not find the guest's stamps"
}
t_case "blk: 1 MiB indirect and 4 KiB at depth 32, stamped and checked both sides" case_blk

case_net() {
    local size port out l
    for size in 64 1514; do
        port=$((9000 + size))
        out=$PVSTACK_ROOT/sink$size
        nsx "$BG" sink $port 3000 >"$out" 2>&1 &
        t_on_exit "kill $!"
        t_wait_for "grep -q 'sink: ready' '$out'" 10 || fail "sink: $(cat "$out")"
    done
    "$XM" create "$(t_pv_cfg n1 "vif = ['bridge=xenbr0']" \
        'extra = "ip=10.0.0.2 bench=net,64,n=3000,port=9064+net,1514,n=3000,port=10514 poweroff"')" ||
        fail "create"
    t_wait_console n1 "bench net: " 2
    t_vmmlog n1 | grep -F "bench net:" | sed 's/^/# /'
    for size in 64 1514; do
        l=$(t_vmmlog n1 | grep -o "bench net: [PF].* size=$size .*")
        assert_match "$l" "bench net: PASS size=$size frames=3000 bytes=$((size * 3000)) .* tx_errors=0 "
        out=$PVSTACK_ROOT/sink$size
        t_wait_for "grep -q 'sink: frames' '$out'" 10 || fail "sink $size never finished"
        cat "$out" | sed 's/^/# /'
        l=$(grep 'sink: frames' "$out")
        # UDP may drop under load, but what came must be whole and once
        assert_match "$l" "bad=0 dup=0"
        [ "$(field "$l" frames)" -ge 1500 ] || fail "only $(field "$l" frames) of 3000 frames arrived"
    done
}
t_case "net: 64 B and 1514 B UDP streams reach a host socket whole" case_net

t_done
