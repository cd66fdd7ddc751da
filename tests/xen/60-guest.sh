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

# wait_lines FILE RE N SECS: FILE has N lines matching RE within SECS.
wait_lines() {
    local i
    for ((i = 0; i < $4 * 2; i++)); do
        [ "$(tr -d '\r' < "$1" 2>/dev/null | grep -c -E "$2")" -ge "$3" ] && return 0
        sleep 0.5
    done
    return 1
}

# Our guest through libxc's save on Xen: it publishes its p2m's frame
# list in shared_info and, around the suspend, leaves only its RAM mapped
# (shared_info and the grant frames unmapped, start_info's store and
# console frames as pfns), as libxc wants. save -c: the suspend is
# cancelled and it goes on; save + restore: a new domain, the same guest
# (its suspend count in memory goes on), its disk reconnected
# (resumetest=blk passes again after each resume).
own_save_restore() {
    local img=/tmp/pvgsr-disk.img s=/var/lib/xen/save-test/pvgsr.save log id1 t0
    mkdir -p /var/lib/xen/save-test
    rm -f "$img" "$s"
    truncate -s 16M "$img"
    log=$(conlog pvgsr)
    rm -f "$log"
    xm create "$CFG/pvguest.cfg" 'name="pvgsr"' 'extra="resumetest=blk"' "disk=[\"file:$img,xvda,w\"]"
    wait_file "$log" 'pvstack guest: ready' 240 || { cat "$log"; diag pvgsr; fail "the guest never got ready"; }
    t0=$(now)
    timeout 300 xm save -c pvgsr "$s" || { tail -20 "$log"; diag pvgsr; fail "xm save -c"; }
    info "save -c took $(since "$t0")s, $(stat -c %s "$s") bytes"
    wait_lines "$log" 'pvstack guest: resumed \(cancelled; suspend 1,' 1 60 ||
        { tail -20 "$log"; diag pvgsr; fail "no cancelled resume"; }
    wait_lines "$log" '^selftest blk: PASS' 1 60 || { tail -20 "$log"; fail "blk after save -c"; }
    id1=$(xm domid pvgsr)
    t0=$(now)
    timeout 300 xm save pvgsr "$s" || { tail -20 "$log"; diag pvgsr; fail "xm save"; }
    info "save took $(since "$t0")s"
    wait_gone pvgsr 30 || fail "pvgsr still listed after save"
    t0=$(now)
    timeout 300 xm restore "$s" || { tail -20 "$log"; diag pvgsr; fail "xm restore"; }
    info "restore took $(since "$t0")s"
    [ "$(xm domid pvgsr)" != "$id1" ] || fail "restored under the same domid"
    wait_lines "$log" 'pvstack guest: resumed \(new domain; suspend 2,' 1 120 ||
        { tail -20 "$log"; diag pvgsr; fail "no resume in a new domain"; }
    wait_lines "$log" '^selftest blk: PASS' 2 120 || { tail -20 "$log"; diag pvgsr; fail "blk after restore"; }
    [ "$(tr -d '\r' < "$log" | grep -c 'pvstack guest: booting')" -le 1 ] || fail "the guest booted again"
    tr -d '\r' < "$log" | tail -8
    xm destroy pvgsr
    wait_gone pvgsr 30
    rm -f "$s"
}

t_case "own guest: save -c, save and restore on Xen; it carries on" own_save_restore
