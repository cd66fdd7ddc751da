#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Issue 12 item 4: the cfg the real-Xen lab boots our guest kernel with
# (tests/xen/files/pvguest.cfg, tests/xen/60-guest.sh) serves the kvm
# engine unchanged: only the kernel's path (the lab has it installed under
# /usr/local) and the devices and self-tests of each case are added on the
# command line as KEY=VALUE, as the lab does. Skips without /dev/kvm.
. "$(dirname "$0")/lib.sh"

t_root
CFG=$TOP/tests/xen/files/pvguest.cfg
if ! t_pv_devices_host gc; then
    t_skip "the lab's pvguest.cfg on the kvm engine" "no writable /dev/kvm, no guest kernel, or xm cannot start the daemons"
    t_done; exit
fi
# create NAME EXTRA [KEY=VALUE...]: the lab's cfg as NAME
create() {
    local name=$1 extra=$2
    shift 2
    "$XM" create "$CFG" "kernel=\"$TOP/build/guest/pvguest.elf\"" \
        "name=\"$name\"" "extra=\"$extra\"" "$@" || fail "create $name"
}

case_all() {
    create gcall "selftest=all"
    t_wait_console gcall "selftest: 8 passed, 0 failed"
    assert_match "$(t_vmmlog gcall)" 'pvguest: kvm engine \(pvabi\), start_info'
    assert_match "$(t_vmmlog gcall)" 'selftest smp: PASS \(2 vcpus online\)'
    "$XM" destroy gcall
}
t_case "pvguest.cfg unchanged: selftest=all on the kvm engine" case_all

case_blk() {
    local img=$PVSTACK_ROOT/gc.img sum0
    truncate -s 16M "$img"
    yes HOSTDATA | head -c 4096 | dd of="$img" bs=4096 seek=4095 conv=notrunc status=none
    sum0=$(md5sum <"$img")
    create gcblk "selftest=blk" "disk=[\"file:$img,xvda,w\"]"
    t_wait_console gcblk "selftest blk: PASS (vbd 51712: 32768 sectors of 512, wrote and read back 8)"
    assert_eq "$(md5sum <"$img")" "$sum0"
    "$XM" destroy gcblk
}
t_case "pvguest.cfg unchanged: selftest=blk on a file vbd" case_blk

case_net() {
    create gcnet "selftest=net ip=10.0.0.2" 'vif=["mac=00:16:3e:00:00:62,bridge=xenbr0"]'
    t_wait_console gcnet "selftest net: PASS"
    nsx ping -c 3 -i 0.2 -W 2 10.0.0.2 >"$PVSTACK_ROOT/ping" ||
        fail "ping: $(cat "$PVSTACK_ROOT/ping")"
    "$XM" destroy gcnet
}
t_case "pvguest.cfg unchanged: selftest=net with a vif on xenbr0" case_net

t_done
