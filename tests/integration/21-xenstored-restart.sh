#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xenstored killed with -9 under a running PV guest: restarted, it has the
# whole store back (every acknowledged write), the guest's ring and
# watches, so `xm list` names the guest and `xm shutdown -w` works. Stale
# pid file and socket are taken over; a live daemon's are not.
. "$(dirname "$0")/lib.sh"
XM=$BIN/xm
GUEST=$TOP/build/guest/pvguest.elf.xz

ready() { t_vmmlog "$1" | grep -qF 'pvstack guest: ready'; }
store_pid() { cat "$PVSTACK_ROOT/run/xenstored.pid"; }

c_second_daemon() {
    local pid
    pid=$(store_pid)
    # a second xenstored on the same root must not take the live socket
    ! "$BIN/xenstored" -N --pid-file "$PVSTACK_ROOT/run/xenstored.pid" \
        </dev/null >"$PVSTACK_ROOT/second.out" 2>&1 ||
        fail "a second xenstored started"
    assert_match "$(cat "$PVSTACK_ROOT/second.out")" 'locked by a running xenstored'
    assert_eq "$(store_pid)" "$pid" "pid file"
    xenstore-write /local/domain/0/probe ok || fail "the live daemon lost its socket"
}

c_kill9() {
    local old id
    "$XM" create "$(t_pv_cfg r1)" || fail "create"
    t_wait_for "ready r1" 10 || fail "r1 never ready"
    id=$("$XM" domid r1)
    xenstore-write /local/domain/0/acked "before the kill" || fail "write"
    old=$(store_pid)
    kill -9 "$old"
    t_wait_for "! kill -0 $old" 10 || fail "xenstored survived kill -9"
    # the dead daemon's pid file and socket are still there
    [ -S "$XENSTORED_PATH" ] && [ -f "$PVSTACK_ROOT/run/xenstored.pid" ] ||
        fail "no stale leftovers to test with"
    "$XM" daemons start >/dev/null || fail "xm daemons start after kill -9"
    t_wait_for "xenstore-exists /tool" 10 || fail "xenstored did not come back"
    [ "$(store_pid)" != "$old" ] || fail "pid file not rewritten"
    assert_eq "$(xenstore-read /local/domain/0/acked)" "before the kill"
    assert_eq "$(xenstore-read "/local/domain/$id/name")" r1
    assert_match "$(t_xm_row r1)" "^r1 +$id +32 "
    grep -q '1 domain ring(s) reattached' "$PVSTACK_ROOT/var/log/xen/xenstored.log" ||
        fail "no reattach in the log"
    # the guest still hears its control/shutdown watch and answers
    timeout 30 "$XM" shutdown -w r1 || fail "xm shutdown -w after the restart"
    ! t_xm_listed r1 || fail "r1 still listed"
    t_wait_for "! xenstore-exists /local/domain/$id" 10 ||
        fail "r1's nodes left behind"
}

c_kill9_no_guest() {
    local old
    xenstore-write /vm/acked "before the kill" || fail "write"
    xenstore-chmod /vm/acked n3 r0 || fail "chmod"
    old=$(store_pid)
    kill -9 "$old"
    t_wait_for "! kill -0 $old" 10 || fail "xenstored survived kill -9"
    [ -S "$XENSTORED_PATH" ] || fail "no stale socket to test with"
    ! xenstore-exists /tool 2>/dev/null || fail "the dead socket answers"
    "$XM" daemons start >/dev/null || fail "xm daemons start after kill -9"
    t_wait_for "xenstore-exists /tool" 10 || fail "xenstored did not come back"
    [ "$(store_pid)" != "$old" ] || fail "pid file not rewritten"
    assert_eq "$(xenstore-read /vm/acked)" "before the kill"
    assert_match "$(xenstore-ls -p /vm)" 'acked = "before the kill".*\(n3,r0\)'
}

t_root
if ! command -v xenstore-read >/dev/null; then
    t_skip "xenstored restart" "xenstore-utils not installed"
    t_done
    exit
fi
t_xm_daemons || fail "xm daemons start"
t_case "a second xenstored leaves the running one alone" c_second_daemon
t_case "kill -9 xenstored: restarted over its stale pid file and socket" c_kill9_no_guest
t_case_pv "kill -9 xenstored: the store and the guest's ring come back" c_kill9 \
    "kill -9 under a running guest" "no writable /dev/kvm or guest kernel"
t_done
