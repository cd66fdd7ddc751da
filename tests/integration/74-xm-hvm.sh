#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xm on HVM cfgs (type = "hvm": QEMU as the device model): create -c shows
# the guest's serial console, list rows and list -l (type, accelerator),
# pause/unpause, shutdown (ACPI) and destroy; and xendomains with the real
# xm on an auto dir of HVM cfgs (one dangling).
. "$(dirname "$0")/lib.sh"
t_hvm_xm "xm on HVM"
echo "# accelerator: $("$BIN/pvstack-dm" accel)"

case_create_console() {
    local out
    out=$(timeout 40 "$XM" create -c "$(t_hvm_cfg c1 "extra = 'console=ttyS0 quiet pvtest=reboot'" \
        "on_reboot = 'destroy'")" </dev/null 2>&1)
    assert_match "$out" "PVSTACK-GUEST-UP mode=reboot"
    t_wait_for "! t_xm_listed c1" 10 || fail "c1 still listed after reboot (on_reboot=destroy)"
}

case_list_pause() {
    local out
    "$XM" create -p "$(t_hvm_cfg l1 "vcpus = 2")" ||
        fail "create -p failed"
    assert_match "$(t_xm_row l1)" "^l1 +[0-9]+ +128 +2 +--p---"
    out=$("$XM" list -l l1)
    assert_match "$out" '"type": "hvm"'
    assert_match "$out" "\"device_model_accel\": \"$("$BIN/pvstack-dm" accel)\""
    t_hvm_console l1 "$PVSTACK_ROOT/l1.out"
    "$XM" unpause l1 || fail "unpause"
    t_wait_for "grep -q PVSTACK-GUEST-WAITING '$PVSTACK_ROOT/l1.out'" 40 ||
        fail "guest not up"
    assert_eq "$(t_xm_state l1)" "r-----"
    "$XM" pause l1 && assert_eq "$(t_xm_state l1)" "--p---"
    "$XM" unpause l1 && assert_eq "$(t_xm_state l1)" "r-----"
    # ACPI power button; the guest powers off; on_poweroff=destroy.
    "$XM" shutdown l1 || fail "shutdown"
    t_wait_for "! t_xm_listed l1" 30 || fail "l1 still listed after shutdown"
    t_wait_for "grep -q PVSTACK-GUEST-POWERDOWN '$PVSTACK_ROOT/l1.out'" 5 ||
        fail "no powerdown seen"
}

case_destroy() {
    local id pid
    "$XM" create "$(t_hvm_cfg d1)" || fail "create"
    id=$("$XM" domid d1)
    pid=$(cat "$PVSTACK_ROOT/run/xen/qemu-dm-$id.pid")
    "$XM" destroy d1 || fail "destroy"
    t_wait_for "! t_xm_listed d1" 10 || fail "d1 still listed"
    t_wait_for "! grep -qv '^Z' <(ps -o stat= -p $pid)" 5 || fail "qemu $pid still running"
    ! xenstore-exists "/local/domain/$id" || fail "store entries left"
}

case_create_errors() {
    local out
    out=$("$XM" create "$(t_hvm_cfg e1 "device_model_accel = 'xen'")" 2>&1) &&
        fail "create accepted accel xen"
    assert_match "$out" "device_model_accel 'xen' must be kvm or tcg"
    out=$(PVSTACK_QEMU=/nonexistent/qemu "$XM" create "$(t_hvm_cfg e2)" 2>&1) &&
        fail "create without QEMU succeeded"
    assert_match "$out" "device model /nonexistent/qemu not found"
    ! t_xm_listed e1 && ! t_xm_listed e2 || fail "failed creates listed"
    [ -z "$(ls "$PVSTACK_ROOT/run/xen" 2>/dev/null | grep qmp)" ] || fail "QMP sockets left"
}

case_xendomains() {
    local auto=$PVSTACK_ROOT/etc/xen/auto out
    mkdir -p "$auto"
    ln -s "$(t_hvm_cfg a1)" "$auto/a1.cfg"
    ln -s "$(t_hvm_cfg a2)" "$auto/a2.cfg"
    ln -s "$PVSTACK_ROOT/missing.cfg" "$auto/a3.cfg"
    out=$(XM=$XM "$BIN/xendomains" start 2>&1) || fail "start: $out"
    assert_match "$out" "Starting auto Xen domain a1 .*: ok"
    assert_match "$out" "Starting auto Xen domain a2 .*: ok"
    assert_match "$out" "a3.cfg: dangling symlink"
    t_xm_listed a1 && t_xm_listed a2 || fail "auto domains not running"
    out=$(XM=$XM XENDOMAINS_STOP_MAXWAIT=20 "$BIN/xendomains" stop 2>&1) ||
        fail "stop: $out"
    assert_match "$out" "All Xen domains are down."
    ! t_xm_listed a1 && ! t_xm_listed a2 || fail "domains left after stop"
}

case_vif_bridge() {
    local ns=pvt-xmhvm$$ id info
    t_netns_xenbr0 "$ns"
    # The unix sockets (xenstored, QMP) are files: reachable from the netns.
    ip netns exec "$ns" "$XM" create "$(t_hvm_cfg n1 \
        "vif = [ 'mac=00:16:3e:0a:0b:0c,model=e1000', 'bridge=xenbr0,model=virtio-net' ]")" ||
        fail "create with vifs"
    id=$("$XM" domid n1)
    assert_match "$(ip -n "$ns" -o link show master xenbr0)" "vif$id\.0: .*UP"
    assert_match "$(ip -n "$ns" -o link show master xenbr0)" "vif$id\.1: .*UP"
    info=$("$BIN/pvstack-dm" qmp "$id" human-monitor-command \
        '{"command-line": "info network"}')
    assert_match "$info" "model=e1000,macaddr=00:16:3e:0a:0b:0c"
    assert_match "$info" "model=virtio-net-pci,macaddr=00:16:3e:[0-7]"
    "$XM" destroy n1
    t_wait_for "! ip -n '$ns' link show vif$id.0" 5 || fail "tap left after destroy"
    ip netns del "$ns"
}

# xl.cfg hpet = 0 reaches QEMU's machine; the default keeps the HPET.
case_hpet() {
    local id
    "$XM" create -p "$(t_hvm_cfg hp0 "hpet = 0")" || fail "create hpet=0"
    "$XM" create -p "$(t_hvm_cfg hp1)" || fail "create"
    id=$("$XM" domid hp0)
    assert_match "$("$BIN/pvstack-dm" qmp "$id" qom-get '{"path": "/machine", "property": "hpet"}')" '"return": false'
    assert_match "$("$XM" list -l hp0)" '"hpet": "False"'
    id=$("$XM" domid hp1)
    assert_match "$("$BIN/pvstack-dm" qmp "$id" qom-get '{"path": "/machine", "property": "hpet"}')" '"return": true'
    "$XM" destroy hp0
    "$XM" destroy hp1
}

t_case "create -c: the serial console, on_reboot=destroy" case_create_console
t_case "create -p, list/list -l, pause/unpause, shutdown" case_list_pause
t_case "destroy: QEMU and store entries gone" case_destroy
t_case "vifs: taps vif<id>.<n> on xenbr0 with the cfg's MAC and model" case_vif_bridge
t_case "create errors: bad accel, QEMU missing" case_create_errors
t_case "hpet = 0: QEMU's machine has no HPET" case_hpet
t_case "xendomains start/stop with xm and HVM guests" case_xendomains
t_done
