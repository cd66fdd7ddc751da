#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# More of what xl's users expect (issue 14): /etc/xen/xl.conf beyond memory
# (vif.default.* filled into vifs that set none, the lockfile held around
# create, output_format "sxp" warned about), on HVM domains under QEMU.
. "$(dirname "$0")/lib.sh"
XM=$BIN/xm

if ! command -v qemu-system-x86_64 >/dev/null || ! t_hvm_guest ||
    ! command -v xenstore-read >/dev/null; then
    t_skip "xl more" "no QEMU, test kernel or xenstore-utils"
    t_done; exit
fi
t_root
t_xm_daemons || { echo "not ok - xm daemons start"; exit 1; }

cfg() {
    local name=$1
    shift
    { echo "type = 'hvm'"; echo "name = '$name'"; echo "memory = 64"
      echo "kernel = '$HVM_KERNEL'"; echo "ramdisk = '$HVM_INITRD'"
      echo "serial = 'pty'"; echo "extra = 'console=ttyS0 quiet'"
      printf '%s\n' "$@"; } >"$PVSTACK_ROOT/$name.cfg"
    echo "$PVSTACK_ROOT/$name.cfg"
}
row() { "$XM" list | awk -v n="$1" '$1 == n'; }

# vif.default.*: a vif's own bridge= wins; output_format sxp: warned, JSON.
case_xlconf_vif() {
    local out
    printf '%s\n' 'vif.default.bridge = "xenbr9"' 'vif.default.script = "vif-nat"' \
        'vif.default.gatewaydev = "eth7"' 'output_format = "sxp"' \
        >"$PVSTACK_ROOT/etc/xen/xl.conf"
    t_on_exit "rm -f '$PVSTACK_ROOT/etc/xen/xl.conf'"
    out=$("$XM" create -n "$(cfg v1 "vif = [ 'mac=00:16:3e:00:00:01', 'bridge=br1,script=vif-route' ]")" 2>&1) ||
        fail "create -n: $out"
    assert_match "$out" 'output_format "sxp" is not supported'
    assert_eq "$(printf '%s\n' "$out" | grep -c '"bridge": "xenbr9"')" 1
    assert_eq "$(printf '%s\n' "$out" | grep -c '"bridge": "br1"')" 1
    assert_eq "$(printf '%s\n' "$out" | grep -c '"script": "vif-nat"')" 1
    assert_eq "$(printf '%s\n' "$out" | grep -c '"script": "vif-route"')" 1
    assert_eq "$(printf '%s\n' "$out" | grep -c '"gatewaydev": "eth7"')" 2
    # without xl.conf: nothing filled, no warning
    rm "$PVSTACK_ROOT/etc/xen/xl.conf"
    out=$("$XM" create -n "$(cfg v1 "vif = [ 'mac=00:16:3e:00:00:01' ]")" 2>&1) ||
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
    "$XM" create -p "$(cfg l1)" || fail "create l1"
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
    timeout 40 "$XM" create -p "$(cfg l2)" >"$PVSTACK_ROOT/l2.out" 2>&1 &
    creator=$!
    t_on_exit "kill $creator"
    # the create waits on the lock: a blocked lock shows as "->" in /proc/locks
    t_wait_for "grep -qE '^[0-9]+: -> POSIX .* [0-9a-f]+:[0-9a-f]+:$ino ' /proc/locks" 10 ||
        fail "create did not wait for the lockfile"
    [ -z "$(row l2)" ] || fail "l2 built while the lock was held"
    kill "$holder"
    wait "$holder" 2>/dev/null
    wait "$creator" || fail "create l2 after the lock was freed: $(cat "$PVSTACK_ROOT/l2.out")"
    [ -n "$(row l2)" ] || fail "l2 not listed"
    "$XM" destroy l1
    "$XM" destroy l2
}

t_case "xl.conf: vif.default.*, output_format sxp warned" case_xlconf_vif
t_case "xl.conf: lockfile held around create" case_xlconf_lock
t_done
