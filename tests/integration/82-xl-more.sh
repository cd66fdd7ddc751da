#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# More of what xl's users expect (issue 14), on HVM domains under QEMU:
# /etc/xen/xl.conf beyond memory (vif.default.* filled into vifs that set
# none, the lockfile held around create, output_format "sxp" warned about),
# console -t/-n, on_crash = coredump-*.
. "$(dirname "$0")/lib.sh"
t_hvm_xm "xl more"

# vif.default.*: a vif's own bridge= wins; output_format sxp: warned, JSON.
case_xlconf_vif() {
    local out
    printf '%s\n' 'vif.default.bridge = "xenbr9"' 'vif.default.script = "vif-nat"' \
        'vif.default.gatewaydev = "eth7"' 'output_format = "sxp"' \
        >"$PVSTACK_ROOT/etc/xen/xl.conf"
    t_on_exit "rm -f '$PVSTACK_ROOT/etc/xen/xl.conf'"
    out=$("$XM" create -n "$(t_hvm_cfg v1 "vif = [ 'mac=00:16:3e:00:00:01', 'bridge=br1,script=vif-route' ]")" 2>&1) ||
        fail "create -n: $out"
    assert_match "$out" 'output_format "sxp" is not supported'
    assert_eq "$(printf '%s\n' "$out" | grep -c '"bridge": "xenbr9"')" 1
    assert_eq "$(printf '%s\n' "$out" | grep -c '"bridge": "br1"')" 1
    assert_eq "$(printf '%s\n' "$out" | grep -c '"script": "vif-nat"')" 1
    assert_eq "$(printf '%s\n' "$out" | grep -c '"script": "vif-route"')" 1
    assert_eq "$(printf '%s\n' "$out" | grep -c '"gatewaydev": "eth7"')" 2
    # without xl.conf: nothing filled, no warning
    rm "$PVSTACK_ROOT/etc/xen/xl.conf"
    out=$("$XM" create -n "$(t_hvm_cfg v1 "vif = [ 'mac=00:16:3e:00:00:01' ]")" 2>&1) ||
        fail "create -n: $out"
    assert_eq "$(printf '%s\n' "$out" | grep -c 'xenbr9\|vif-nat\|sxp')" 0
}

# The lockfile: a create waits while another holds it (xl's acquire_lock),
# so the memory check and the build of two creates never interleave.
case_xlconf_lock() {
    local lock=$PVSTACK_ROOT/run/xl-test.lock holder creator ino
    command -v python3 >/dev/null || { echo "# no python3 to hold the lock"; return 0; }
    echo "lockfile = \"/run/xl-test.lock\"" >"$PVSTACK_ROOT/etc/xen/xl.conf"
    t_on_exit "rm -f '$PVSTACK_ROOT/etc/xen/xl.conf'"
    "$XM" create -p "$(t_hvm_cfg l1)" || fail "create l1"
    [ -f "$lock" ] || fail "lockfile $lock not made"
    # not held once create is done (the forked monitor must not keep it)
    grep -qE "^[0-9]+: .* [0-9a-f]+:[0-9a-f]+:$(stat -c %i "$lock") " /proc/locks &&
        fail "the lock is still held after create"
    ino=$(stat -c %i "$lock")
    # another holds it, as xl does (a POSIX lock); killing it frees the lock
    python3 -c 'import fcntl,sys,time
f = open(sys.argv[1], "w"); fcntl.lockf(f, fcntl.LOCK_EX); time.sleep(50)' "$lock" \
        >/dev/null 2>&1 &
    holder=$!
    t_on_exit "kill $holder"
    t_wait_for "grep -qE '^[0-9]+: POSIX .* [0-9a-f]+:[0-9a-f]+:$ino ' /proc/locks" 10 ||
        fail "the holder did not take the lock"
    timeout 40 "$XM" create -p "$(t_hvm_cfg l2)" >"$PVSTACK_ROOT/l2.out" 2>&1 &
    creator=$!
    t_on_exit "kill $creator"
    # the create waits on the lock: a blocked lock shows as "->" in /proc/locks
    t_wait_for "grep -qE '^[0-9]+: -> POSIX .* [0-9a-f]+:[0-9a-f]+:$ino ' /proc/locks" 10 ||
        fail "create did not wait for the lockfile"
    [ -z "$(t_xm_row l2)" ] || fail "l2 built while the lock was held"
    kill "$holder"
    wait "$holder" 2>/dev/null
    wait "$creator" || fail "create l2 after the lock was freed: $(cat "$PVSTACK_ROOT/l2.out")"
    [ -n "$(t_xm_row l2)" ] || fail "l2 not listed"
    "$XM" destroy l1
    "$XM" destroy l2
}

# xl console -t pv|serial -n N: the tty libxl would read for each.
case_console_type() {
    local id out
    "$XM" create -p "$(t_hvm_cfg c1)" || fail "create c1"
    id=$("$XM" domid c1)
    # Ctrl-] on stdin: attached, then detached at once
    printf '\035' | timeout 20 "$XM" console -t serial c1 || fail "console -t serial"
    printf '\035' | timeout 20 "$XM" console -t serial -n 0 c1 || fail "console -t serial -n 0"
    printf '\035' | timeout 20 "$XM" console -t pv c1 || fail "console -t pv"
    out=$(timeout 20 "$XM" console -t serial -n 1 c1 2>&1 </dev/null) &&
        fail "serial console 1 attached"
    assert_match "$out" "serial console 1 not available \(no /local/domain/$id/serial/1/tty\)"
    assert_match "$out" "Unable to attach console"
    out=$(timeout 20 "$XM" console -t pv -n 2 c1 2>&1 </dev/null) &&
        fail "pv console 2 attached"
    assert_match "$out" "pv console 2 not available \(no /local/domain/$id/device/console/2/tty\)"
    out=$("$XM" console -t vuart c1 2>&1) && fail "console -t vuart accepted"
    assert_eq "$out" "console type supported are: pv, serial"
    # -t serial reads serial/0/tty, the default console/tty
    xenstore-write "/local/domain/$id/serial/0/tty" /nonexistent
    out=$(timeout 20 "$XM" console -t serial c1 2>&1 </dev/null) &&
        fail "console -t serial opened /nonexistent"
    printf '\035' | timeout 20 "$XM" console c1 || fail "console"
    "$XM" destroy c1
}

# on_crash = coredump-destroy / coredump-restart: the core under
# /var/lib/xen/dump/<name> (xl's XEN_DUMP_DIR), an ELF core; then the action.
case_coredump_destroy() {
    local f=$PVSTACK_ROOT/var/lib/xen/dump/k1
    "$XM" create "$(t_hvm_cfg k1 "extra = 'console=ttyS0 quiet pvtest=panic'" \
        "on_crash = 'coredump-destroy'")" || fail "create k1"
    t_wait_for "[ -z \"\$(t_xm_row k1)\" ]" 50 || fail "k1 not destroyed after its crash"
    [ -s "$f" ] || fail "no core at $f: $(cat "$PVSTACK_ROOT/var/log/xen/xl-k1.log")"
    readelf -h "$f" | grep -qE 'Type: +CORE' || fail "$f is not an ELF core"
    grep -q "core of domain .* written to $f" "$PVSTACK_ROOT/var/log/xen/xl-k1.log" ||
        fail "not logged"
}

case_coredump_restart() {
    local f=$PVSTACK_ROOT/var/lib/xen/dump/k2
    "$XM" create "$(t_hvm_cfg k2 "extra = 'console=ttyS0 quiet pvtest=panic'" \
        "on_crash = 'coredump-restart'")" || fail "create k2"
    t_wait_for "grep -q 'restarted k2' '$PVSTACK_ROOT/var/log/xen/xl-k2.log'" 50 ||
        fail "k2 not restarted: $(cat "$PVSTACK_ROOT/var/log/xen/xl-k2.log")"
    [ -n "$(t_xm_row k2)" ] || fail "k2 not listed after its restart"
    readelf -h "$f" | grep -qE 'Type: +CORE' || fail "$f is not an ELF core"
    "$XM" destroy k2
}

t_case "xl.conf: vif.default.*, output_format sxp warned" case_xlconf_vif
t_case "xl.conf: lockfile held around create" case_xlconf_lock
t_case "console -t pv|serial -n N" case_console_type
t_case "on_crash = coredump-destroy: ELF core in /var/lib/xen/dump" case_coredump_destroy
t_case "on_crash = coredump-restart: core, then restarted" case_coredump_restart
t_done
