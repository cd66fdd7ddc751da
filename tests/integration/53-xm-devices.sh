#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xm block-attach / -list / -detach and network-attach / -list / -detach on
# a running PV guest: a hot-plugged sparse file reaches the guest's blkfront
# and is let go on detach; a hot-plugged vif gets its tap on a bridge in a
# private netns and loses it on detach; bad domains, specs, taken vdevs and
# unknown devices fail with one line and leave nothing behind.
. "$(dirname "$0")/lib.sh"

t_root
if [ ! -f "$TOP/guest/shell.c" ]; then
    t_skip "xm device hot-plug" "no guest shell"
    t_done; exit
fi
if ! t_pv_devices_host xd; then
    t_skip "xm device hot-plug" "no writable /dev/kvm, no guest kernel, or xm cannot start the daemons"
    t_done; exit
fi
holds() { ls -l /proc/$BBPID/fd | grep -q "$1"; }

"$XM" create "$(t_pv_cfg hp)" || fail "create"
ID=$("$XM" domid hp)
t_wait_console hp "pvstack guest: ready"
BE=/local/domain/0/backend/vbd/$ID/51728
FE=/local/domain/$ID/device/vbd/51728
IMG=$PVSTACK_ROOT/hot.img
truncate -s 4M "$IMG"

case_block() {
    local tty out
    # the spec as several words, joined by ',' as xl does
    "$XM" block-attach hp "$IMG" raw xvdb w || fail "block-attach"
    assert_match "$(xenstore-read "$BE/state")" '^[2-4]$'
    assert_eq "$(xenstore-read "$BE/params")" "$IMG"
    assert_eq "$(xenstore-read "$FE/backend")" "$BE"
    tty=$(xenstore-read /local/domain/$ID/console/tty) || fail "no console tty"
    printf 'selftest blk\r' >"$tty"
    t_wait_console hp "selftest blk: PASS (vbd 51728: 8192 sectors"
    out=$("$XM" block-list hp)
    assert_match "$out" '^Vdev +BE +handle +state +evt-ch +ring-ref +BE-path'
    assert_match "$out" "^51728 +0 +$ID +4 +[0-9]+ +[0-9]+ +$BE"
    holds "$IMG" || fail "blkback does not hold $IMG"
    "$XM" block-detach hp xvdb || fail "block-detach"
    ! xenstore-read "$BE/state" >/dev/null 2>&1 || fail "backend dir left"
    ! xenstore-read "$FE/state" >/dev/null 2>&1 || fail "frontend dir left"
    ! xenstore-ls "/libxl/$ID/device/vbd/51728" >/dev/null 2>&1 || fail "libxl dir left"
    t_wait_for "! holds $IMG" 5 || fail "blkback kept $IMG after detach"
    assert_eq "$("$XM" block-list "$ID" | wc -l)" 1
}
t_case "block-attach a file as xvdb: guest reads it, block-list 4, detach frees it" case_block

case_block_errors() {
    local out rc
    out=$("$XM" block-attach nosuch "$IMG,raw,xvdb,w" 2>&1) && fail "unknown domain accepted"
    assert_match "$out" 'nosuch is an invalid domain identifier'
    out=$("$XM" block-attach hp "$IMG,raw,xvdb,x" 2>&1) && fail "bad mode accepted"
    assert_eq "$(printf '%s\n' "$out" | wc -l)" 1
    assert_match "$out" '^xm: block-attach: bad disk spec: .*x'
    out=$("$XM" block-attach hp "$IMG,qcow2,xvdb,w" 2>&1) && fail "qcow2 accepted"
    assert_match "$out" '^xm: block-attach: xvdb: format qcow2'
    ! xenstore-read "$BE/state" >/dev/null 2>&1 || fail "refused attach left $BE"
    "$XM" block-attach hp "$IMG,raw,xvdb,w" || fail "attach"
    out=$("$XM" block-attach hp "$PVSTACK_ROOT/other.img,raw,xvdb,w" 2>&1) && fail "taken vdev accepted"
    assert_eq "$out" "xm: block-attach: xvdb: already attached"
    assert_eq "$(xenstore-read "$BE/params")" "$IMG"
    "$XM" block-detach -f hp 51728 || fail "block-detach -f by devid"
    ! xenstore-read "$BE/state" >/dev/null 2>&1 || fail "backend dir left"
    rc=0; out=$("$XM" block-detach hp xvdc 2>&1) || rc=$?
    assert_eq "$rc" 1
    assert_eq "$out" "xm: block-detach: xvdc: no such device on domain $ID"
    rc=0; "$XM" block-list hp nosuch >/dev/null 2>&1 || rc=$?
    assert_eq "$rc" 1
}
t_case "block errors: unknown domain, bad spec, qcow2, taken vdev, unknown device" case_block_errors

case_net() {
    local out rc
    "$XM" network-attach hp bridge=xenbr0 mac=00:16:3e:00:00:33 || fail "network-attach"
    t_wait_for "nsx ip -o link show vif$ID.0 | grep -q 'master xenbr0'" 10 ||
        fail "no vif$ID.0 on xenbr0: $(tail -3 "$LOG/netback.log")"
    out=$("$XM" network-list hp)
    assert_match "$out" '^Idx +BE +Mac Addr\. +handle +state +evt-ch +tx-/rx-ring-ref +BE-path'
    assert_match "$out" "^0 +0 +00:16:3e:00:00:33 +0 +[1-4] "
    rc=0; out=$("$XM" network-attach hp bridge=xenbr0 mac=zz 2>&1) || rc=$?
    assert_eq "$rc" 1
    assert_match "$out" '^xm: network-attach: bad vif spec: .*mac'
    rc=0; out=$("$XM" network-detach hp 00:16:3e:00:00:44 2>&1) || rc=$?
    assert_eq "$rc" 1
    assert_eq "$out" "xm: network-detach: 00:16:3e:00:00:44: no such device on domain $ID"
    "$XM" network-detach hp 00:16:3e:00:00:33 2>/dev/null || fail "network-detach"
    t_wait_for "! nsx ip link show vif$ID.0" 5 || fail "vif$ID.0 left after detach"
    ! xenstore-ls "/local/domain/0/backend/vif/$ID/0" >/dev/null 2>&1 || fail "vif backend left"
    assert_eq "$("$XM" network-list hp | wc -l)" 1
}
t_case "network-attach to a bridge: tap appears, network-list, detach removes it" case_net

t_done
