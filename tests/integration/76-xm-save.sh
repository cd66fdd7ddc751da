#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xm save / restore of HVM guests (QEMU's migration stream in xl's framing):
# the guest restored under a new domid with its name and UUID carries on
# from where it was (its shell still waits on the power button, without a
# new boot); save -c keeps it running and a restore of a running name is
# refused; truncated, corrupt and foreign images are refused with nothing
# created.
. "$(dirname "$0")/lib.sh"
XM=$BIN/xm

if ! command -v qemu-system-x86_64 >/dev/null || ! t_hvm_guest ||
    ! command -v xenstore-read >/dev/null; then
    t_skip "xm save/restore" "no QEMU, test kernel or xenstore-utils"
    t_done; exit
fi
t_root
t_xm_daemons || { echo "not ok - xm daemons start"; exit 1; }

cfg() {
    local name=$1
    { echo "type = 'hvm'"; echo "name = '$name'"; echo "memory = 128"
      echo "kernel = '$HVM_KERNEL'"; echo "ramdisk = '$HVM_INITRD'"
      echo "serial = 'pty'"; echo "extra = 'console=ttyS0 quiet'"
      echo "on_poweroff = 'destroy'"; } >"$PVSTACK_ROOT/$name.cfg"
    echo "$PVSTACK_ROOT/$name.cfg"
}
row() { "$XM" list | awk -v n="$1" '$1 == n'; }
listed() { [ -n "$(row "$1")" ]; }
state() { row "$1" | awk '{print $5}'; }
# console NAME FILE: the guest's serial output from now on.
console() {
    local id tty
    id=$("$XM" domid "$1") || fail "no domid for $1"
    tty=$(xenstore-read "/local/domain/$id/console/tty") || fail "no tty"
    cat "$tty" >"$2" 2>/dev/null &
    t_on_exit "kill $!"
}
uuid() { xenstore-read "$(xenstore-read "/local/domain/$("$XM" domid "$1")/vm")/uuid"; }
# boot NAME: created, and its shell waiting on the power button.
boot() {
    "$XM" create -p "$(cfg "$1")" || fail "create $1"
    console "$1" "$PVSTACK_ROOT/$1.boot"
    "$XM" unpause "$1" || fail "unpause $1"
    t_wait_for "grep -q PVSTACK-GUEST-WAITING '$PVSTACK_ROOT/$1.boot'" 50 ||
        fail "$1 not up: $(cat "$PVSTACK_ROOT/$1.boot")"
}
qmp_count() { ls "$PVSTACK_ROOT/run/xen" 2>/dev/null | grep -c '^qmp-libxl-'; }

case_save_restore() {
    local img=$PVSTACK_ROOT/s1.save id1 id2 u1 out
    boot s1
    id1=$("$XM" domid s1)
    u1=$(uuid s1)
    out=$("$XM" save s1 "$img" 2>&1) || fail "save: $out"
    assert_match "$out" "Saving to $img new xl format"
    ! listed s1 || fail "s1 still listed after save"
    assert_eq "$(head -c 27 "$img")" "Xen saved domain, xl format"
    out=$("$XM" restore "$img" 2>&1) || fail "restore: $out"
    assert_match "$out" "Loading new save file $img"
    listed s1 || fail "s1 not restored"
    id2=$("$XM" domid s1)
    [ "$id2" != "$id1" ] || fail "restored under the same domid $id1"
    assert_eq "$(uuid s1)" "$u1" "UUID kept"
    assert_eq "$(state s1)" "r-----"
    # The guest carries on: the shell that waited on the power button sees
    # it now, and nothing booted again.
    console s1 "$PVSTACK_ROOT/s1.after"
    "$XM" shutdown s1 || fail "shutdown"
    t_wait_for "grep -q PVSTACK-GUEST-POWERDOWN '$PVSTACK_ROOT/s1.after'" 30 ||
        fail "restored guest did not carry on: $(cat "$PVSTACK_ROOT/s1.after")"
    ! grep -q PVSTACK-GUEST-UP "$PVSTACK_ROOT/s1.after" || fail "guest booted again"
    t_wait_for "! listed s1" 20 || fail "s1 left after poweroff"
}

case_checkpoint() {
    local img=$PVSTACK_ROOT/c1.save n out
    boot c1
    "$XM" save -c c1 "$img" 2>&1 || fail "save -c"
    listed c1 || fail "c1 gone after save -c"
    assert_eq "$(state c1)" "r-----"
    n=$(qmp_count)
    out=$("$XM" restore "$img" 2>&1) && fail "restore of a running name succeeded"
    assert_match "$out" 'domain with name "c1" already exists'
    assert_eq "$(qmp_count)" "$n" "no QEMU left by the refused restore"
    # -p: left paused, destroyed cleanly.
    "$XM" destroy c1
    t_wait_for "! listed c1" 10 || fail "c1 not destroyed"
    "$XM" restore -p "$img" || fail "restore -p"
    assert_eq "$(state c1)" "--p---"
    "$XM" destroy c1
}

case_bad_images() {
    local good=$PVSTACK_ROOT/b1.save bad=$PVSTACK_ROOT/bad.save n out size
    boot b1
    "$XM" save b1 "$good" || fail "save"
    n=$(qmp_count)
    size=$(stat -c %s "$good")
    head -c $((size - 100)) "$good" >"$bad"
    out=$("$XM" restore "$bad" 2>&1) && fail "truncated image restored"
    assert_match "$out" "Savefile is truncated"
    cp "$good" "$bad"
    printf 'X' | dd of="$bad" bs=1 seek=$((size - 5000)) conv=notrunc 2>/dev/null
    out=$("$XM" restore "$bad" 2>&1) && fail "corrupt image restored"
    assert_match "$out" "Savefile is corrupt"
    out=$("$XM" restore /etc/passwd 2>&1) && fail "foreign file restored"
    assert_match "$out" "wrong magic number"
    head -c 40 "$good" >"$bad"
    out=$("$XM" restore "$bad" 2>&1) && fail "header-only image restored"
    assert_match "$out" "wrong magic number|truncated"
    [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "more than one line: $out"
    ! listed b1 || fail "a refused restore left b1"
    assert_eq "$(qmp_count)" "$n" "no QEMU left"
    # The good image still restores.
    "$XM" restore "$good" >/dev/null 2>&1 || fail "good image"
    "$XM" destroy b1
}

case_xz() {
    local plain=$PVSTACK_ROOT/z1.plain img=$PVSTACK_ROOT/z1.save
    local bad=$PVSTACK_ROOT/z1.bad out size
    boot z1
    "$XM" save -c z1 "$plain" || fail "save -c"
    out=$("$XM" save -z z1 "$img" 2>&1) || fail "save -z: $out"
    ! listed z1 || fail "z1 still listed after save -z"
    # after the header and config, the stream is xz's
    grep -q "$(printf '\xfd7zXZ')" "$img" || fail "no xz stream in the image"
    [ "$(stat -c %s "$img")" -lt "$(stat -c %s "$plain")" ] ||
        fail "-z image not smaller: $(stat -c %s "$img") vs $(stat -c %s "$plain")"
    size=$(stat -c %s "$img")
    head -c $((size * 2 / 3)) "$img" >"$bad"
    out=$("$XM" restore "$bad" 2>&1) && fail "truncated xz image restored"
    assert_match "$out" "truncated"
    ! listed z1 || fail "a refused restore left z1"
    out=$("$XM" restore "$img" 2>&1) || fail "restore: $out"
    console z1 "$PVSTACK_ROOT/z1.after"
    "$XM" shutdown z1 || fail "shutdown"
    t_wait_for "grep -q PVSTACK-GUEST-POWERDOWN '$PVSTACK_ROOT/z1.after'" 30 ||
        fail "restored guest did not carry on: $(cat "$PVSTACK_ROOT/z1.after")"
    ! grep -q PVSTACK-GUEST-UP "$PVSTACK_ROOT/z1.after" || fail "guest booted again"
    t_wait_for "! listed z1" 20 || fail "z1 left after poweroff"
}

case_xendomains() {
    local auto=$PVSTACK_ROOT/etc/xen/auto save=$PVSTACK_ROOT/var/lib/xen/save out
    mkdir -p "$auto"
    ln -s "$(cfg x1)" "$auto/x1.cfg"
    out=$(XM=$XM "$BIN/xendomains" start 2>&1) || fail "start: $out"
    assert_match "$out" "Starting auto Xen domain x1 .*: ok"
    console x1 "$PVSTACK_ROOT/x1.boot"
    t_wait_for "grep -q PVSTACK-GUEST-WAITING '$PVSTACK_ROOT/x1.boot'" 50 ||
        fail "x1 not up"
    out=$(XM=$XM "$BIN/xendomains" stop 2>&1) || fail "stop: $out"
    assert_match "$out" "Saving Xen domain x1 to $save/x1: ok"
    assert_match "$out" "All Xen domains are down."
    ! listed x1 || fail "x1 still running"
    [ -s "$save/x1" ] || fail "no image in $save"
    out=$(XM=$XM "$BIN/xendomains" start 2>&1) || fail "start again: $out"
    assert_match "$out" "Restoring Xen domain x1 \\(from $save/x1\\): ok"
    assert_match "$out" "Skipping auto Xen domain x1: already running"
    [ ! -e "$save/x1" ] || fail "image left after restore"
    console x1 "$PVSTACK_ROOT/x1.after"
    "$XM" shutdown x1
    t_wait_for "grep -q PVSTACK-GUEST-POWERDOWN '$PVSTACK_ROOT/x1.after'" 30 ||
        fail "restored x1 did not carry on"
    ! grep -q PVSTACK-GUEST-UP "$PVSTACK_ROOT/x1.after" || fail "x1 booted again"
    rm -f "$auto/x1.cfg"
}

t_case "save, restore: new domid, same name and UUID, the guest carries on" case_save_restore
t_case "save -c keeps it running; restore of a running name refused; -p" case_checkpoint
t_case "truncated, corrupt, foreign images refused, nothing created" case_bad_images
t_case "save -z: an xz stream (liblzma), smaller, restores; truncated refused" case_xz
t_case "xendomains stop saves (XENDOMAINS_SAVE), start restores" case_xendomains
t_done
