#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xenstored against Debian's own clients: xenstore-utils and libxenstore
# (XENSTORED_PATH), concurrent clients, daemon flags, shutdown.
. "$(dirname "$0")/lib.sh"

t_root
if ! command -v xenstore-read >/dev/null; then
    t_skip "xenstored" "xenstore-utils not installed"
    t_done
    exit
fi
t_xenstored || exit 1

c_read_write() {
    xenstore-write /vm/a/b hello /vm/a/c "two words" || fail "write"
    assert_eq "$(xenstore-read /vm/a/b)" hello
    assert_eq "$(xenstore-read /vm/a/c)" "two words"
    assert_eq "$(xenstore-read /vm/a)" ""
    assert_eq "$(xenstore-list /vm/a | tr '\n' ' ')" "b c "
    xenstore-exists /vm/a/b || fail "exists /vm/a/b"
    ! xenstore-exists /vm/a/zz || fail "exists /vm/a/zz"
    ! xenstore-read /vm/a/zz 2>/dev/null || fail "read of a missing node"
    xenstore-rm /vm/a/b || fail "rm"
    ! xenstore-exists /vm/a/b || fail "rm left /vm/a/b"
    xenstore-rm /vm || fail "rm subtree"
    ! xenstore-exists /vm/a/c || fail "subtree rm left /vm/a/c"
}

c_ls_and_perms() {
    xenstore-write /local/domain/5/name guest5 /local/domain/5/memory/target 1024
    xenstore-chmod /local/domain/5 n5 r0 || fail "chmod"
    assert_match "$(xenstore-ls -p /local/domain)" '^5 = "".*\(n5,r0\)'
    # children keep what they had; -r changes the whole subtree
    out=$(xenstore-ls -p /local/domain/5)
    assert_match "$out" 'name = "guest5".*\(n0\)'
    assert_match "$out" 'target = "1024"'
    xenstore-chmod -r /local/domain/5 n0 b5 || fail "chmod -r"
    assert_match "$(xenstore-ls -p /local/domain/5/memory)" '\(n0,b5\)'
    out=$(xenstore-ls /)
    assert_match "$out" '^tool = ""'
    assert_match "$out" ' xenstored = ""'
}

c_watch() {
    out=$PVSTACK_ROOT/watch.out
    xenstore-write /w/x 0
    xenstore-watch -n 3 /w >"$out" &
    pid=$!
    t_wait_for "[ -s '$out' ]" 3
    xenstore-write /w/x 1
    xenstore-rm /w/x
    wait $pid || fail "xenstore-watch exited $?"
    assert_eq "$(tr '\n' ' ' <"$out")" "/w /w/x /w/x "
}

c_binary_and_big() {
    v=$(head -c 2000 /dev/zero | tr '\0' 'x')
    xenstore-write /big "$v"
    assert_eq "$(xenstore-read /big)" "$v"
    for i in $(seq 400); do echo /many/entry-with-a-long-name-$i; echo v; done |
        xargs xenstore-write
    # 400 * 27 bytes > XENSTORE_PAYLOAD_MAX: libxenstore pages with
    # XS_DIRECTORY_PART after our E2BIG
    assert_eq "$(xenstore-list /many | wc -l)" 400
}

c_libxenstore() {
    # The C client (xs_open, transactions with a forced conflict + retry,
    # watches, perms, DIRECTORY_PART) against this daemon.
    XENSTORED_BIN=none "$TOP/build/tests/test_store_libxs"
}

c_concurrent() {
    for c in $(seq 16); do
        (for i in $(seq 20); do xenstore-write /conc/$c/$i $i || exit 1; done) &
    done
    wait
    # 16 directories + 320 values, none lost
    assert_eq "$(xenstore-ls /conc | grep -c '= "')" 336
    assert_eq "$(xenstore-read /conc/16/20)" 20
}

c_flags_and_shutdown() {
    local root=$PVSTACK_ROOT/second
    mkdir -p "$root"
    export XENSTORED_PATH=$root/sock
    # a cxenstored command line, its database options included
    # (its own state file: the root's default one is the first daemon's)
    "$BIN/xenstored" --pid-file "$root/pid" -T "$root/trace" -E 3 \
        -Q outstanding=5 -R -I off --state-file "$root/state" 2>/dev/null ||
        fail "daemonized start failed"
    t_wait_for "[ -s '$root/pid' ]" 5
    pid=$(cat "$root/pid")
    trap 'kill $pid 2>/dev/null' EXIT
    kill -0 "$pid" || fail "daemon not running"
    xenstore-write /x 1 || fail "write to the second daemon"
    # the read-only socket older clients use: reads work, writes do not
    XENSTORED_PATH=$root/sock_ro xenstore-read /x >/dev/null ||
        fail "read on socket_ro"
    ! XENSTORED_PATH=$root/sock_ro xenstore-write /x 2 2>/dev/null ||
        fail "write on socket_ro accepted"
    grep -q 'type 11' "$root/trace" || fail "trace has no WRITE"
    grep -q 'listening on' "$PVSTACK_ROOT/var/log/xen/xenstored.log" ||
        fail "no log under /var/log/xen"
    # SIGHUP reopens the log (logrotate moved it away)
    mv "$PVSTACK_ROOT/var/log/xen/xenstored.log" "$root/old.log"
    kill -HUP "$pid"
    t_wait_for "grep -qs 'log reopened' '$PVSTACK_ROOT/var/log/xen/xenstored.log'" 5 ||
        fail "no new log after SIGHUP"
    kill -TERM "$pid"
    t_wait_for "! kill -0 $pid" 5 || fail "still running after SIGTERM"
    [ ! -e "$root/pid" ] || fail "pid file left behind"
    [ ! -e "$root/sock" ] || fail "socket left behind"
    [ ! -e "$root/sock_ro" ] || fail "read-only socket left behind"
    ! "$BIN/xenstored" -Q bogus=1 -N 2>/dev/null || fail "bad -Q accepted"
}

c_state_file() {
    local root=$PVSTACK_ROOT/third pid
    mkdir -p "$root"
    export XENSTORED_PATH=$root/sock
    # this case runs in a subshell: its own daemons die with it
    trap 'kill $pid 2>/dev/null' EXIT
    "$BIN/xenstored" -N --state-file "$root/state" &
    pid=$!
    t_wait_for "xenstore-exists /tool" 5
    xenstore-write /local/domain/3/name kept || fail "write"
    xenstore-chmod /local/domain/3 n3 r0
    kill -TERM $pid; wait $pid || fail "exit status $?"
    [ -s "$root/state" ] || fail "no state file"
    "$BIN/xenstored" -N --state-file "$root/state" &
    pid=$!
    t_wait_for "xenstore-exists /tool" 5
    assert_eq "$(xenstore-read /local/domain/3/name)" kept
    assert_match "$(xenstore-ls -p /local/domain)" '\(n3,r0\)'
    kill -TERM $pid; wait $pid
}

t_case "xenstore-write/read/list/exists/rm" c_read_write
t_case "xenstore-ls -p and xenstore-chmod" c_ls_and_perms
t_case "xenstore-watch: initial event, change, rm" c_watch
t_case "large values and a directory above the payload max" c_binary_and_big
t_case "libxenstore client (tx conflict + retry, watches)" c_libxenstore
t_case "16 concurrent clients" c_concurrent
t_case "daemon flags, log, trace, SIGTERM shutdown" c_flags_and_shutdown
t_case "--state-file keeps the store across a restart" c_state_file
t_done
