#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# toolstack/dm against real QEMU, bare (pvstack-dm start: no cfg, no
# on_*): a tiny HVM guest (Debian cloud kernel + busybox initramfs) started
# paused, its serial pty read, pause/unpause, ACPI shutdown ending QEMU,
# launch failures leaving nothing behind, QEMU killed. on_poweroff/
# on_reboot/on_crash are the domain library's monitor's, for every type:
# 73 (reboot -> restart), 74 (reboot -> destroy), 78 (preserve), 82
# (crash), 85 (restart loop) test them on HVM domains.
. "$(dirname "$0")/lib.sh"
DM=$BIN/pvstack-dm

if ! command -v qemu-system-x86_64 >/dev/null; then
    t_skip "device model" "qemu-system-x86_64 not installed"
    t_done; exit
fi
if ! t_hvm_guest; then
    t_skip "device model" "no cloud kernel or busybox-static"
    t_done; exit
fi
t_root
ACCEL=$("$DM" accel)
echo "# QEMU accelerator on this host: $ACCEL (PVSTACK_DM_ACCEL overrides)"
RUN=$PVSTACK_ROOT/run/xen
# Cases run in subshells, so their cleanup is registered here, for all.
for id in 71 72 73 76 77 78 79; do t_on_exit "'$DM' destroy $id"; done

# start DOMID NAME [pvstack-dm start options...]: start paused with a pty.
start() {
    local id=$1 name=$2
    shift 2
    "$DM" start -d "$id" -n "$name" -m 128 -k "$HVM_KERNEL" -r "$HVM_INITRD" \
        -s -p "$@"
}
# console DOMID FILE: copy the guest's serial output into FILE.
console() {
    local pty
    pty=$("$DM" console-pty "$1") || fail "no pty for dom $1"
    # The reader ends by itself with EIO once QEMU closes the pty.
    cat "$pty" >"$2" 2>/dev/null &
    # QEMU drops serial output while no one has the pty open: a guest that
    # panics at once would print to nobody if we unpaused it before then.
    t_wait_for "has_open $! '$pty'" 5 || fail "the console reader did not open $pty"
}
# has_open PID FILE: PID has FILE open
has_open() {
    local f
    for f in /proc/"$1"/fd/*; do
        [ "$(readlink "$f" 2>/dev/null)" = "$2" ] && return 0
    done
    return 1
}
# boot DOMID OUT [start options...]: start tinyDOMID with its serial
# output copied to OUT, and let it run.
boot() {
    local id=$1 out=$2
    shift 2
    start "$id" "tiny$id" "$@" >/dev/null
    console "$id" "$out"
    "$DM" unpause "$id"
}
# A zombie is dead: the launcher that forked QEMU has exited without reaping.
alive() { [ -e "/proc/$1" ] && ! grep -qE '\) [ZX] ' "/proc/$1/stat" 2>/dev/null; }
qemu_pid() { cat "$RUN/qemu-dm-$1.pid"; }
gone() {
    [ ! -e "$RUN/qmp-libxl-$1" ] && [ ! -e "$RUN/qmp-event-$1" ] &&
        [ ! -e "$RUN/qemu-dm-$1.pid" ] && ! "$DM" status "$1" 2>/dev/null
}
state() { "$DM" status "$1" | sed 's/^state=\([a-z]*\).*/\1/'; }

case_lifecycle() {
    local out=$PVSTACK_ROOT/c71 st pid cpu1 cpu2
    start 71 tiny71 -c 2 -a "console=ttyS0 quiet" | grep -q "accel $ACCEL, paused" ||
        fail "start did not report a paused domain on $ACCEL"
    assert_eq "$(state 71)" paused
    pid=$(qemu_pid 71)
    grep -q "accel=$ACCEL" "/proc/$pid/cmdline" || fail "qemu not on $ACCEL"
    console 71 "$out"
    "$DM" unpause 71
    t_wait_for "grep -q PVSTACK-GUEST-WAITING '$out'" 40 ||
        fail "no guest output on the console: $(cat "$out")"
    st=$("$DM" status 71)
    assert_match "$st" "^state=running qemu=running pid=$pid vcpus=2 "
    "$DM" pause 71
    assert_eq "$(state 71)" paused
    cpu1=$("$DM" status 71 | sed 's/.*cpu_ns=\([0-9]*\).*/\1/')
    [ "$cpu1" -gt 0 ] || fail "no CPU time accounted"
    sleep 0.5
    cpu2=$("$DM" status 71 | sed 's/.*cpu_ns=\([0-9]*\).*/\1/')
    assert_eq "$cpu2" "$cpu1" "CPU time grew while paused"
    "$DM" unpause 71
    assert_eq "$(state 71)" running
    # ACPI power button -> guest powers off -> QEMU exits (bare).
    "$DM" shutdown 71
    t_wait_for "gone 71" 30 || fail "domain still there after poweroff"
    grep -q PVSTACK-GUEST-POWERDOWN "$out" || fail "guest did not see the button"
    ! alive "$pid" || fail "qemu $pid still running"
    [ -s "$PVSTACK_ROOT/var/log/xen/qemu-dm-tiny71.log" ] || fail "no qemu-dm log"
}

# Bare: QEMU's own -action defaults, nothing decided above it.
case_bare_reboot_panic() {
    local out=$PVSTACK_ROOT/c72 pid
    boot 72 "$out" -a "console=ttyS0 quiet pvtest=reboot"
    pid=$(qemu_pid 72)
    # Each boot reboots at once: QEMU resets the same machine.
    t_wait_for "[ \$(grep -c PVSTACK-GUEST-UP '$out') -ge 2 ]" 50 ||
        fail "guest did not come back after reboot: $(cat "$out")"
    assert_eq "$(qemu_pid 72)" "$pid"
    "$DM" destroy 72
    gone 72 || fail "destroy left files behind"
    out=$PVSTACK_ROOT/c73
    boot 73 "$out" -a "console=ttyS0 quiet pvtest=panic"
    t_wait_for "gone 73" 40 || fail "QEMU still there after a panic: $(state 73)"
    grep -q PVSTACK-GUEST-UP "$out" || fail "guest never ran: $(cat "$out")"
}

case_missing_qemu() {
    local out
    out=$(PVSTACK_QEMU=/nonexistent/qemu "$DM" start -d 76 -n m76 -k "$HVM_KERNEL" 2>&1) &&
        fail "start succeeded without QEMU"
    assert_match "$out" "dom 76: device model /nonexistent/qemu not found"
    gone 76 || fail "files left behind"
}

case_qemu_dies() {
    local fake=$PVSTACK_ROOT/fake-qemu out
    printf '#!/bin/sh\necho "fake-qemu: cannot allocate guest RAM" >&2\nexit 1\n' >"$fake"
    chmod +x "$fake"
    out=$(PVSTACK_QEMU=$fake "$DM" start -d 77 -n d77 -k "$HVM_KERNEL" 2>&1) &&
        fail "start succeeded with a dying QEMU"
    assert_match "$out" "device model failed to start: fake-qemu: cannot allocate guest RAM"
    gone 77 || fail "files left behind"
}

case_bad_option() {
    local out
    out=$("$DM" start -d 78 -n b78 -k "$HVM_KERNEL" -X -no-such-option 2>&1) &&
        fail "start succeeded with a bad option"
    assert_match "$out" "device model failed to start: .*no-such-option"
    gone 78 || fail "files left behind"
    # Other tests may run QEMUs on this host: look only for ours.
    ! pgrep -f "$PVSTACK_ROOT/run/xen/qmp-libxl-78" >/dev/null || fail "a QEMU was left running"
}

case_qemu_killed() {
    start 79 tiny79 -a "console=ttyS0 quiet" >/dev/null
    local pid
    pid=$(qemu_pid 79)
    kill -9 "$pid"
    t_wait_for "gone 79" 15 || fail "monitor did not clean up after QEMU died"
    out=$("$DM" status 79 2>&1) && fail "status of a dead domain succeeded"
    assert_match "$out" "No such file"
}

t_case "lifecycle: paused start, console, pause/unpause, ACPI poweroff ($ACCEL)" case_lifecycle
t_case "bare: a guest reboot resets the machine, a panic ends QEMU" case_bare_reboot_panic
t_case "QEMU missing: clear error, nothing left" case_missing_qemu
t_case "QEMU dies at start: its message, nothing left" case_qemu_dies
t_case "bad device_model_args option: clear error, nothing left" case_bad_option
t_case "QEMU killed: the monitor cleans up" case_qemu_killed
t_done
