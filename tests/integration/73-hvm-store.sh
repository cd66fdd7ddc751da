#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# An HVM domain from a cfg file as xm creates it (pvstack-dm create): its
# store entries (console/tty is the serial pty), the domain through the
# domain library's HVM ops (list/info/pause/unpause/shutdown/wait/destroy:
# QMP, and the shutdown dm's monitor records; no VMM stand-in, no control
# socket), shutdown and reboot requests written to
# control/shutdown with on_* applied by the domain library's monitor (a
# restart comes back under a new domid), and the store cleaned when the
# domain goes.
. "$(dirname "$0")/lib.sh"
DM=$BIN/pvstack-dm

if ! command -v qemu-system-x86_64 >/dev/null || ! t_hvm_guest ||
    ! command -v xenstore-read >/dev/null; then
    t_skip "HVM in the store" "no QEMU, test kernel or xenstore-utils"
    t_done; exit
fi
t_root
t_xenstored || exit 1
for id in 90 91 92; do t_on_exit "'$DM' destroy $id"; done

# cfg NAME [extra lines...]: an HVM cfg for the tiny guest.
cfg() {
    local f=$PVSTACK_ROOT/etc/xen/$1.cfg name=$1
    shift
    {
        echo "type = 'hvm'"
        echo "name = '$name'"
        echo "memory = 128"
        echo "kernel = '$HVM_KERNEL'"
        echo "ramdisk = '$HVM_INITRD'"
        echo "serial = 'pty'"
        printf '%s\n' "$@"
    } >"$f"
    echo "$f"
}
flags() { "$DM" domain info "$1" | sed 's/.*flags=\([-rbps]*\).*/\1/'; }
in_store() { xenstore-exists "/local/domain/$1"; }
# domid_of NAME: the domid the store gives NAME (fails if none).
domid_of() {
    local id
    for id in $(xenstore-list /local/domain); do
        [ "$(xenstore-read "/local/domain/$id/name" 2>/dev/null)" = "$1" ] &&
            echo "$id" && return 0
    done
    return 1
}
# A restarted domain has a domid the test did not choose.
t_on_exit "id=\$(domid_of h92) && '$DM' destroy \$id"

case_create_store_console() {
    local f out tty vm
    f=$(cfg h90 "extra = 'console=ttyS0 quiet'")
    "$DM" create -p 90 "$f" || fail "create failed"
    [ ! -e "$PVSTACK_ROOT/run/pvstack/dom90.sock" ] || fail "HVM domain has a VMM socket"
    assert_eq "$(xenstore-read /local/domain/90/name)" h90
    vm=$(xenstore-read /local/domain/90/vm)
    assert_eq "$(xenstore-read "$vm/name")" h90
    tty=$(xenstore-read /local/domain/90/console/tty)
    assert_match "$tty" "^/dev/pts/[0-9]+$"
    assert_eq "$(xenstore-read /local/domain/90/serial/0/tty)" "$tty"
    assert_match "$(xenstore-read /local/domain/90/image/device-model-pid)" "^[0-9]+$"
    assert_eq "$(flags 90)" "--p-"
    # The console, as xm console finds it: the store's tty.
    out=$PVSTACK_ROOT/c90
    cat "$tty" >"$out" 2>/dev/null &
    "$DM" domain unpause 90 || fail "unpause through the domain library"
    t_wait_for "grep -q PVSTACK-GUEST-WAITING '$out'" 40 || fail "no console output"
    assert_eq "$(flags 90)" "r---"
    assert_match "$("$DM" domain info 90)" "vcpus=1 mem_kb=131072 "
    "$DM" domain list | grep -q "^90 flags=r---" || fail "domain list: $("$DM" domain list)"
    "$DM" domain pause 90 && assert_eq "$(flags 90)" "--p-"
    "$DM" domain unpause 90
    # xm shutdown writes control/shutdown: the ACPI button, then destroy.
    xenstore-write /local/domain/90/control/shutdown poweroff
    t_wait_for "! in_store 90" 30 || fail "domain still in the store"
    grep -q PVSTACK-GUEST-POWERDOWN "$out" || fail "guest did not power off"
    [ ! -e "$PVSTACK_ROOT/run/xen/qemu-dm-90.shutdown" ] || fail "shutdown record left"
    ! xenstore-exists "$vm" || fail "$vm left in the store"
    ! "$DM" domain info 90 2>/dev/null || fail "the domain library still sees dom 90"
}

case_wait_preserve_destroy() {
    local f w out
    f=$(cfg h91 "extra = 'console=ttyS0 quiet'" "on_poweroff = 'preserve'")
    "$DM" create -p 91 "$f" || fail "create failed"
    cat "$(xenstore-read /local/domain/91/console/tty)" >"$PVSTACK_ROOT/c91" 2>/dev/null &
    "$DM" domain unpause 91
    out=$PVSTACK_ROOT/w91
    "$DM" domain wait 91 >"$out" 2>&1 &
    w=$!
    sleep 0.3
    [ ! -s "$out" ] || fail "wait returned early: $(cat "$out")"
    # Boot, then xm shutdown's request (control/shutdown: the power button);
    # the guest powers off, dm's monitor records it, the wait returns.
    t_wait_for "grep -q PVSTACK-GUEST-WAITING '$PVSTACK_ROOT/c91'" 40 || fail "not up"
    "$DM" domain poweroff 91 || fail "shutdown request"
    t_wait_for "[ -s '$out' ]" 40 || fail "wait did not return: $(cat "$PVSTACK_ROOT/var/log/xen/xl-h91.log"; "$DM" domain info 91; "$DM" status 91)"
    wait $w || fail "domain wait failed: $(cat "$out")"
    assert_match "$(cat "$out")" "^91 flags=---s reason=0 "
    assert_eq "$(flags 91)" "---s"
    in_store 91 || fail "preserved domain left the store"
    assert_eq "$(cat "$PVSTACK_ROOT/run/xen/qemu-dm-91.shutdown")" 0
    "$DM" domain list | grep -q "^91 flags=---s reason=0 " ||
        fail "domain list: $("$DM" domain list)"
    "$DM" domain destroy 91 || fail "destroy through the domain library"
    t_wait_for "! in_store 91" 10 || fail "destroyed domain still in the store"
    [ ! -e "$PVSTACK_ROOT/run/xen/qmp-libxl-91" ] || fail "QMP socket left"
    [ ! -e "$PVSTACK_ROOT/run/xen/qemu-dm-91.shutdown" ] || fail "shutdown record left"
}

case_reboot_restart() {
    local f out tty vm id
    f=$(cfg h92 "extra = 'console=ttyS0 quiet'" "on_reboot = 'restart'")
    "$DM" create -p 92 "$f" || fail "create failed"
    vm=$(xenstore-read /local/domain/92/vm)
    tty=$(xenstore-read /local/domain/92/console/tty)
    out=$PVSTACK_ROOT/c92
    cat "$tty" >"$out" 2>/dev/null &
    "$DM" domain unpause 92
    t_wait_for "grep -q PVSTACK-GUEST-WAITING '$out'" 40 || fail "not up"
    # Xen's way, for every type: the domain shuts down for a reboot and the
    # domain library's monitor builds it again under a new domid.
    xenstore-write /local/domain/92/control/shutdown reboot
    t_wait_for "id=\$(domid_of h92) && [ \$id != 92 ]" 40 ||
        fail "not restarted: $(cat "$PVSTACK_ROOT/var/log/xen/xl-h92.log")"
    id=$(domid_of h92)
    t_wait_for "! in_store 92" 10 || fail "the old domid stayed in the store"
    [ ! -e "$PVSTACK_ROOT/run/xen/qmp-libxl-92" ] || fail "old QEMU's socket left"
    # logged once the create returned: its entries are there before
    t_wait_for "grep -q 'restarted h92 as domain $id' '$PVSTACK_ROOT/var/log/xen/xl-h92.log'" 20 ||
        fail "monitor log: $(cat "$PVSTACK_ROOT/var/log/xen/xl-h92.log")"
    # Its store entries, the same UUID (/vm/<uuid> kept), a new console.
    assert_eq "$(xenstore-read "/local/domain/$id/vm")" "$vm"
    assert_eq "$(xenstore-read "$vm/name")" h92
    tty=$(xenstore-read "/local/domain/$id/console/tty")
    assert_match "$tty" "^/dev/pts/[0-9]+$"
    assert_match "$(xenstore-read "/local/domain/$id/image/device-model-pid")" "^[0-9]+$"
    out=$PVSTACK_ROOT/c92b
    cat "$tty" >"$out" 2>/dev/null &
    t_wait_for "grep -q PVSTACK-GUEST-WAITING '$out'" 40 || fail "restarted guest not up"
    assert_eq "$(flags "$id")" "r---"
    "$DM" domain destroy "$id"
    t_wait_for "! in_store $id" 10 || fail "still in the store"
    ! xenstore-exists "$vm" || fail "$vm left in the store"
}

case_bad_cfgs() {
    local f out
    f=$(cfg h93 "serial = '/dev/ttyS0'")
    out=$("$DM" create 93 "$f" 2>&1) && fail "create accepted serial=/dev/ttyS0"
    assert_match "$out" "serial '/dev/ttyS0' not supported"
    ! in_store 93 || fail "failed create left store entries"
    f=$(cfg h93 "device_model_args = [ '-no-such-thing' ]")
    out=$("$DM" create 93 "$f" 2>&1) && fail "create accepted a bad option"
    assert_match "$out" "device model failed to start: .*no-such-thing"
    ! in_store 93 || fail "failed create left store entries"
}

t_case "create: store entries, console via the store's tty, the domain library's view, shutdown request" case_create_store_console
t_case "domain wait/poweroff with on_poweroff=preserve, then destroy" case_wait_preserve_destroy
t_case "reboot request, on_reboot=restart: back under a new domid with its store entries" case_reboot_restart
t_case "bad HVM cfgs: clear errors, nothing in the store" case_bad_cfgs
t_done
