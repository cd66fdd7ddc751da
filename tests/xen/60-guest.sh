#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# pvstack's own PV guest kernel (guest/, Mini-OS style) on real Xen: it
# boots from Xen's builder (ELF notes, hypercall page, start_info), maps
# the rest of its RAM with mmu_update, and its self-tests pass: store,
# events, timer, sched, smp, grant, traps, balloon; then blkfront against
# our blkback on a file vbd and netfront against our netback on xenbr0.
# The cfg is tests/xen/files/pvguest.cfg, which the kvm engine's
# tests/integration/58-guest-cfg.sh creates too.
. /opt/xentests/lib.sh

# start_guest NAME EXTRA [KEY=VALUE...]: create pvguest.cfg (unchanged) as
# NAME with extra=EXTRA, wait for its self-test summary, keep the log in
# /tmp/NAME.log.
start_guest() {
    local name=$1 extra=$2 log t0
    shift 2
    log=$(conlog "$name")
    rm -f "$log"
    t0=$(now)
    xm create "$CFG/pvguest.cfg" "name=\"$name\"" "extra=\"$extra\"" "$@"
    wait_file "$log" '^selftest: [0-9]+ passed' 240 || { cat "$log"; diag "$name"; fail "no self-test summary from the guest"; }
    info "$name: create -> self-tests done $(since "$t0")s"
    tr -d '\r' < "$log" > "/tmp/$name.log"
    cat "/tmp/$name.log"
}
# run_guest NAME TESTS [KEY=VALUE...]: the same with selftest=TESTS
# poweroff; the guest must be gone afterwards.
run_guest() {
    local name=$1 tests=$2
    shift 2
    start_guest "$name" "selftest=$tests poweroff" "$@"
    wait_gone "$name" 60 || { diag "$name"; fail "the guest did not power off"; }
}

boots_on_xen() {
    run_guest pvg all
    grep -q '^pvguest: Xen PV, start_info ' /tmp/pvg.log
    grep -q '^xen: mapped [0-9]* more pages' /tmp/pvg.log
    for t in store events timer sched smp grant traps balloon; do
        grep -q "^selftest $t: PASS" /tmp/pvg.log || fail "selftest $t did not pass"
    done
    grep -q '^selftest: 8 passed, 0 failed' /tmp/pvg.log
}

t_case "own guest kernel boots on Xen, selftest=all passes" boots_on_xen

# The guest writes a pattern over the vbd's last 4 KiB through blkfront,
# reads it back and restores what was there: the file changed under our
# blkback (mtime) and holds dom0's marker again.
blk_file_vbd() {
    local img=/tmp/pvg-disk.img sum0 m0
    rm -f "$img"
    truncate -s 16M "$img"
    yes HOSTDATA | head -c 4096 | dd of="$img" bs=4096 seek=4095 conv=notrunc status=none
    sum0=$(md5sum < "$img")
    m0=$(stat -c %.9Y "$img")
    sleep 0.1
    run_guest pvgblk blk "disk=[\"file:$img,xvda,w\"]"
    tail -5 /var/log/xen/blkback.log
    grep -q '^selftest blk: PASS (vbd 51712: 32768 sectors of 512, wrote and read back 8)' /tmp/pvgblk.log
    [ "$(stat -c %.9Y "$img")" != "$m0" ] || fail "the guest's writes never reached $img"
    [ "$(md5sum < "$img")" = "$sum0" ] || fail "the guest did not put dom0's bytes back"
}

t_case "own guest: selftest=blk on a file vbd through blkback" blk_file_vbd

# netfront against our netback on xenbr0: the guest connects, announces
# itself (gratuitous ARP) and answers dom0's pings and ARP.
net_vif_ping() {
    ip link show xenbr0 > /dev/null 2>&1 || ip link add xenbr0 type bridge
    ip addr flush dev xenbr0
    ip addr add 10.99.0.1/24 dev xenbr0
    ip link set xenbr0 up
    start_guest pvgnet "selftest=net ip=10.99.0.2" 'vif=["mac=00:16:3e:00:00:62,bridge=xenbr0"]'
    grep -q '^selftest net: PASS' /tmp/pvgnet.log
    grep -q '^selftest: 1 passed, 0 failed' /tmp/pvgnet.log
    ip link show master xenbr0
    busybox ping -c 3 -W 10 10.99.0.2 || {
        ip neigh show dev xenbr0; ip -s link show master xenbr0 || true
        tr -d '\r' < "$(conlog pvgnet)" | tail -5
        xm destroy pvgnet; wait_file /var/log/xen/netback.log disconnected 20; tail -5 /var/log/xen/netback.log
        fail "the guest does not answer ping"; }
    ip neigh show dev xenbr0 | grep -i '00:16:3e:00:00:62'
    xm destroy pvgnet
    wait_gone pvgnet 30
}

t_case "own guest: selftest=net with a vif on xenbr0 through netback" net_vif_ping
