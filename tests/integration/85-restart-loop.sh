#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The domain monitor's restart-loop guard (domain/restart.h): an HVM guest
# with too little memory (64 MiB: the test kernel resets at once) and
# on_reboot = 'restart' is restarted twice, then refused with xend's
# "restarting too fast" in xl-<name>.log and destroyed, instead of looping
# several times a second for ever.
. "$(dirname "$0")/lib.sh"
t_hvm_xm "restart loop"

case_loop_stopped() {
    local log=$PVSTACK_ROOT/var/log/xen/xl-loop.log
    printf '%s\n' "type = 'hvm'" "name = 'loop'" "memory = 64" \
        "kernel = '$HVM_KERNEL'" "ramdisk = '$HVM_INITRD'" \
        "extra = 'console=ttyS0 quiet'" "on_reboot = 'restart'" >"$PVSTACK_ROOT/loop.cfg"
    "$XM" create "$PVSTACK_ROOT/loop.cfg" || fail "create"
    # (between a destroy and the restart the domain is briefly not listed:
    # wait for the monitor's word, then look)
    t_wait_for "grep -q 'VM loop restarting too fast .*Refusing to restart to avoid loops' '$log'" 50 ||
        fail "no refusal in xl-loop.log: $(cat "$log")"
    t_wait_for "! t_xm_listed loop" 10 || fail "still listed: $(t_xm_row loop)"
    assert_eq "$(grep -c 'restarted loop as domain' "$log")" 2 "restarts before the refusal"
    assert_eq "$(grep -c 'shut down: reboot' "$log")" 3 "incarnations that rebooted"
    # and nothing comes back
    sleep 2
    t_xm_listed loop && fail "loop came back"
    return 0
}

t_case "a guest resetting at once is stopped after 2 restarts, xend's message logged" case_loop_stopped
t_done
