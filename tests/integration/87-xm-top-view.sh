#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xm top's interactive view (curses, toolstack/xm/top_view.c) on a pty:
# xentop's summary, the header, Domain-0's and a guest's rows; the keys
# v (vcpu lines), s (sort), d (delay, asked on the bottom line) and q
# (quits, status 0); the key letters are in reverse video, hence "uit".. A terminal curses cannot drive is one error line.
. "$(dirname "$0")/lib.sh"
XM=$BIN/xm
RUN=$TOP/tests/integration/data/pty_run.py

command -v python3 >/dev/null || { t_skip "top view" "no python3"; t_done; exit; }
if ! command -v qemu-system-x86_64 >/dev/null || ! t_hvm_guest; then
    t_skip "top view" "no QEMU or test kernel"
    t_done; exit
fi
t_root
t_xm_daemons || { echo "not ok - xm daemons start"; exit 1; }

case_view() {
    printf '%s\n' "type = 'hvm'" "name = 'tv1'" "memory = 128" "vcpus = 2" \
        "kernel = '$HVM_KERNEL'" "ramdisk = '$HVM_INITRD'" >"$PVSTACK_ROOT/tv1.cfg"
    "$XM" create -p "$PVSTACK_ROOT/tv1.cfg" || fail "create"
    python3 "$RUN" "expect:xentop - " "expect:domains: " "expect:NAME  STATE" \
        "expect:Domain-0" "expect:tv1 --" "expect:uit  (delay 1s)" \
        "send:v" "expect:VCPUs(sec):" \
        "send:d" "expect:Delay(sec):" "send:2\n" "expect:2s)" \
        "send:s" "send:q" "exit:0" -- "$XM" top -d 1 ||
        fail "interactive view"
    "$XM" destroy tv1
}

case_bad_term() {
    local out
    out=$(TERM=no-such-terminal "$XM" top 2>&1 </dev/null) && fail "top on an unknown terminal succeeded"
    assert_eq "$(printf '%s\n' "$out" | wc -l)" 1
    assert_match "$out" "cannot drive this terminal \(TERM=no-such-terminal\); use -b"
}

t_case "top: header, rows, v/d/s keys, q quits" case_view
t_case "top on a terminal curses cannot drive: one error line" case_bad_term
t_done
