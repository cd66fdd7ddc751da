#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A guest attacking the VMM itself (guest flood=..., issue 11): a console
# flood is cut to a burst per window with one "suppressed" line and the
# other guest's console keeps working; a multicall of 10^9 mmuext ops is
# preempted, so a pause stops its CPU time at once; pages given back and
# touched again crash the domain instead of coming back.
. "$(dirname "$0")/lib.sh"

t_root
if ! t_pv_devices_host fl; then
    t_skip "VMM under a flooding guest" "no writable /dev/kvm, no guest kernel, or xm cannot start the daemons"
    t_done; exit
fi

case_console_flood() {
    local size tty
    "$XM" create "$(t_pv_cfg f1 'extra = "flood=console"')" || fail "create f1"
    "$XM" create "$(t_pv_cfg q1)" || fail "create q1"
    t_wait_console f1 "flood console: start"
    t_wait_console q1 "pvstack guest: ready"
    sleep 6 # past one 5 s window: the drop is reported
    t_wait_console f1 "console: suppressed"
    assert_match "$(t_vmmlog f1)" 'dom [0-9]+ \(f1\): console: suppressed [0-9]+ bytes'
    size=$(cat "$LOG"/vmm-f1.log* | wc -c)
    [ "$size" -lt $((2 * 1024 * 1024)) ] || fail "vmm-f1 logs hold $size bytes"
    # The quiet guest's console still answers through xenconsoled.
    tty=$(xenstore-read "/local/domain/$("$XM" domid q1)/console/tty") ||
        fail "no console tty for q1"
    printf 'help\r' >"$tty"
    t_wait_console q1 "selftest"
    "$XM" destroy f1
    "$XM" destroy q1
}

case_multicall_pause() {
    "$XM" create "$(t_pv_cfg m1 'extra = "flood=multicall"')" || fail "create"
    t_wait_console m1 "flood multicall: start"
    sleep 1
    # paused inside a long multicall
    t_xm_pause_still m1 2 >/dev/null
    "$XM" unpause m1
    "$XM" destroy m1 || fail "destroy"
    [ -z "$(t_xm_row m1)" ] || fail "m1 still listed after destroy"
}

case_balloon_touch() {
    "$XM" create "$(t_pv_cfg b1 'on_crash = "preserve"' \
        'extra = "flood=balloon"')" || fail "create"
    t_wait_console b1 "flood balloon: gave back 4096 of 4096 pages"
    for _ in $(seq 100); do
        t_vmmlog b1 | grep -q 'touched memory it gave back' && break
        sleep 0.1
    done
    assert_match "$(t_vmmlog b1)" 'crashed: vcpu 0 touched memory it gave back'
    ! t_vmmlog b1 | grep -q 'touched 4096 given-back pages' ||
        fail "the guest wrote to pages it gave back"
    assert_match "$(t_xm_row b1)" ' -+sc- '
    "$XM" destroy b1
}

t_case "console flood: suppressed, capped, other consoles served" case_console_flood
t_case "a 10^9-op multicall is preempted: pause stops CPU time" case_multicall_pause
t_case "pages given back and touched crash the domain" case_balloon_touch
t_done
