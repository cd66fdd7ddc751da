#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xm save / restore of HVM guests (QEMU's migration stream in xl's framing):
# the guest restored under a new domid with its name and UUID carries on
# from where it was (its shell still waits on the power button, without a
# new boot); save -c keeps it running and a restore of a running name is
# refused; truncated, corrupt and foreign images are refused with nothing
# created.
. "$(dirname "$0")/lib.sh"
t_hvm_xm "xm save/restore"

cfg() { t_hvm_cfg "$1" "on_poweroff = 'destroy'"; }
# boot NAME: created, and its shell waiting on the power button.
boot() { t_hvm_boot "$1" "$(cfg "$1")"; }
qmp_count() { ls "$PVSTACK_ROOT/run/xen" 2>/dev/null | grep -c '^qmp-libxl-'; }

case_save_restore() {
    boot s1
    t_save_restore s1 "$PVSTACK_ROOT/s1.save"
    assert_eq "$(t_xm_state s1)" "r-----"
    # The guest carries on: the shell that waited on the power button sees
    # it now, and nothing booted again.
    t_hvm_carries_on s1
}

case_checkpoint() {
    local img=$PVSTACK_ROOT/c1.save
    boot c1
    "$XM" save -c c1 "$img" 2>&1 || fail "save -c"
    t_xm_listed c1 || fail "c1 gone after save -c"
    assert_eq "$(t_xm_state c1)" "r-----"
    # -p: left paused, destroyed cleanly.
    t_checkpoint_restores c1 "$img" qmp_count QEMU
    "$XM" destroy c1
}

case_bad_images() {
    local good=$PVSTACK_ROOT/b1.save bad=$PVSTACK_ROOT/bad.save n out
    boot b1
    "$XM" save b1 "$good" || fail "save"
    n=$(qmp_count)
    t_bad_images "$good" "$bad"
    head -c 40 "$good" >"$bad"
    out=$("$XM" restore "$bad" 2>&1) && fail "header-only image restored"
    assert_match "$out" "wrong magic number|truncated"
    [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "more than one line: $out"
    ! t_xm_listed b1 || fail "a refused restore left b1"
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
    ! t_xm_listed z1 || fail "z1 still listed after save -z"
    # after the header and config, the stream is xz's
    grep -q "$(printf '\xfd7zXZ')" "$img" || fail "no xz stream in the image"
    [ "$(stat -c %s "$img")" -lt "$(stat -c %s "$plain")" ] ||
        fail "-z image not smaller: $(stat -c %s "$img") vs $(stat -c %s "$plain")"
    size=$(stat -c %s "$img")
    head -c $((size * 2 / 3)) "$img" >"$bad"
    out=$("$XM" restore "$bad" 2>&1) && fail "truncated xz image restored"
    assert_match "$out" "truncated"
    ! t_xm_listed z1 || fail "a refused restore left z1"
    out=$("$XM" restore "$img" 2>&1) || fail "restore: $out"
    t_hvm_carries_on z1
}

case_xendomains() {
    local auto=$PVSTACK_ROOT/etc/xen/auto save=$PVSTACK_ROOT/var/lib/xen/save out
    mkdir -p "$auto"
    ln -s "$(cfg x1)" "$auto/x1.cfg"
    out=$(XM=$XM "$BIN/xendomains" start 2>&1) || fail "start: $out"
    assert_match "$out" "Starting auto Xen domain x1 .*: ok"
    t_hvm_up x1 50
    out=$(XM=$XM "$BIN/xendomains" stop 2>&1) || fail "stop: $out"
    assert_match "$out" "Saving Xen domain x1 to $save/x1: ok"
    assert_match "$out" "All Xen domains are down."
    ! t_xm_listed x1 || fail "x1 still running"
    [ -s "$save/x1" ] || fail "no image in $save"
    out=$(XM=$XM "$BIN/xendomains" start 2>&1) || fail "start again: $out"
    assert_match "$out" "Restoring Xen domain x1 \\(from $save/x1\\): ok"
    assert_match "$out" "Skipping auto Xen domain x1: already running"
    [ ! -e "$save/x1" ] || fail "image left after restore"
    t_hvm_carries_on x1
    rm -f "$auto/x1.cfg"
}

t_case "save, restore: new domid, same name and UUID, the guest carries on" case_save_restore
t_case "save -c keeps it running; restore of a running name refused; -p" case_checkpoint
t_case "truncated, corrupt, foreign images refused, nothing created" case_bad_images
t_case "save -z: an xz stream (liblzma), smaller, restores; truncated refused" case_xz
t_case "xendomains stop saves (XENDOMAINS_SAVE), start restores" case_xendomains
t_done
