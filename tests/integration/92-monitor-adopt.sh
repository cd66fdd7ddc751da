#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A domain whose monitor ("xl-<name>") died is taken up again
# (domain_monitor_adopt): the next `xm list` forks a monitor from the kept
# config, says so on stderr, and the domain's on_reboot = 'restart' still
# happens. A dead monitor's domain destroyed meanwhile leaves nothing
# behind; a domain made without a monitor (-e) is never given one.
. "$(dirname "$0")/lib.sh"
t_hvm_xm "monitor adopt"

lockf() { echo "$PVSTACK_ROOT/run/xen/xl-monitor.$1.lock"; }
# the pid of the monitor process named xl-NAME (prctl's name), if any
monitor_pid() { pgrep -x "xl-$1" | head -1; }

case_adopt_restart() {
    local id id2 pid pid2 out
    "$XM" create "$(t_hvm_cfg ad1 "on_reboot = 'restart'")" || fail "create"
    id=$("$XM" domid ad1) || fail "domid"
    t_wait_for "[ -n \"\$(monitor_pid ad1)\" ] && [ -e '$(lockf "$id")' ]" 10 ||
        fail "no monitor or lock file for ad1"
    pid=$(monitor_pid ad1)
    # it holds its lock, and nothing of the xm that forked it (that xm's
    # store connection was a socket)
    ls -l "/proc/$pid/fd" | grep -q "xl-monitor.$id.lock" || fail "monitor without its lock"
    ! ls -l "/proc/$pid/fd" | grep -q 'socket:' ||
        fail "the monitor kept sockets: $(ls -l "/proc/$pid/fd")"
    # a monitor that runs is left alone
    out=$("$XM" list 2>&1 >/dev/null)
    assert_eq "$out" "" "xm list with every monitor alive"
    kill -KILL "$pid"
    t_wait_for "! kill -0 $pid" 5 || fail "monitor $pid not dead"
    # The guest reboots with nobody to act on it (reboot and domid look
    # the domain up in the store; they do not list the domains): QEMU
    # records the shutdown and stays stopped, the domain is not restarted.
    "$XM" reboot ad1 || fail "reboot"
    t_wait_for "[ -e '$PVSTACK_ROOT/run/xen/qemu-dm-$id.shutdown' ]" 30 ||
        fail "no shutdown recorded for $id"
    sleep 1
    assert_eq "$("$XM" domid ad1)" "$id" "restarted with no monitor"
    # Listing the domains takes it up: the new monitor finds the recorded
    # reboot and applies on_reboot from the kept config.
    out=$("$XM" list 2>&1 >/dev/null)
    assert_match "$out" "^xm: domain $id \\(ad1\\) had lost its monitor: monitoring it again\$"
    t_wait_for "id2=\$(\"$XM\" domid ad1) && [ \"\$id2\" != $id ]" 30 ||
        fail "ad1 not restarted: $(cat "$PVSTACK_ROOT/var/log/xen/xl-ad1.log")"
    t_wait_for "[ -n \"\$(monitor_pid ad1)\" ]" 10 || fail "no new monitor"
    pid2=$(monitor_pid ad1)
    [ "$pid2" != "$pid" ] || fail "the same monitor"
    out=$("$XM" list 2>&1 >/dev/null)
    assert_eq "$out" "" "xm list once the new monitor runs"
    id2=$("$XM" domid ad1)
    t_wait_for "[ -e '$(lockf "$id2")' ] && [ ! -e '$(lockf "$id")' ]" 10 ||
        fail "the lock did not move from $id to $id2: $(ls "$PVSTACK_ROOT/run/xen")"
    grep -q "restarted ad1 as domain $id2" "$PVSTACK_ROOT/var/log/xen/xl-ad1.log" ||
        fail "no restart in xl-ad1.log"
    "$XM" destroy ad1
    t_wait_for "[ ! -e '$(lockf "$id2")' ]" 10 || fail "lock file left after destroy"
}

case_destroyed_while_dead() {
    local id pid out
    "$XM" create "$(t_hvm_cfg ad2)" || fail "create"
    id=$("$XM" domid ad2)
    t_wait_for "[ -n \"\$(monitor_pid ad2)\" ] && [ -e '$(lockf "$id")' ]" 10 ||
        fail "no monitor for ad2"
    pid=$(monitor_pid ad2)
    kill -KILL "$pid"
    t_wait_for "! kill -0 $pid" 5 || fail "monitor $pid not dead"
    "$XM" destroy ad2 2>/dev/null || fail "destroy"
    out=$("$XM" list 2>&1 >/dev/null)
    assert_eq "$out" "" "xm list after the destroy"
    [ ! -e "$(lockf "$id")" ] || fail "stale lock file kept"
    [ -z "$(monitor_pid ad2)" ] || fail "a monitor for a destroyed domain"
}

case_no_monitor_stays_so() {
    local id out
    "$XM" create -e "$(t_hvm_cfg ad3)" || fail "create -e"
    id=$("$XM" domid ad3)
    out=$("$XM" list 2>&1 >/dev/null)
    assert_eq "$out" "" "xm list with a -e domain"
    [ ! -e "$(lockf "$id")" ] || fail "a -e domain has a monitor lock"
    [ -z "$(monitor_pid ad3)" ] || fail "a -e domain was given a monitor"
    "$XM" destroy ad3
}

t_case "monitor killed: xm list forks a new one, on_reboot=restart still happens" case_adopt_restart
t_case "monitor killed, then the domain destroyed: nothing left, nothing forked" case_destroyed_while_dead
t_case "create -e: no monitor, and none given later" case_no_monitor_stays_so
t_done
