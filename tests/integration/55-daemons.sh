#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The host daemons as services, without a guest: `xm daemons
# start|status|stop` on pid files; a backend killed with -9 is started
# again by `xm daemons start` and adopts the devices the dead one served
# (disk open again, tap back on its bridge, states kept); the systemd
# units and the xencommons init script `make install` puts in place, the
# script run against this test's root. All daemons run in a private netns
# (netback's taps land on its bridge, never the host's).
. "$(dirname "$0")/lib.sh"

for b in xenstored xenconsoled blkback netback xm; do
    if [ ! -x "$BIN/$b" ]; then
        t_skip "host daemons" "$b not built"
        t_done; exit
    fi
done
t_root
XM=$BIN/xm
RUN=$PVSTACK_ROOT/run
NS=pvt-dm$$
t_netns_xenbr0 "$NS"
nsx ip link set lo up
DAEMONS="xenstored xenconsoled blkback netback"

# gone PID: the process exited (a zombie nobody reaped counts as gone).
gone() {
    local s
    s=$(ps -o stat= -p "$1" 2>/dev/null) || return 0
    case $s in Z*) return 0 ;; esac
    return 1
}
pid_of() { cat "$RUN/$1.pid"; }
# kill9 PID: kill -9 and wait until it is gone (a netback's exit closes its
# taps, which can take seconds on a loaded host).
kill9() {
    kill -9 "$1"
    for _ in $(seq 300); do gone "$1" && return 0; sleep 0.1; done
    fail "pid $1 survived kill -9 for 30 s"
}

case_xm_daemons() {
    local out d pids
    t_on_exit "nsx $XM daemons stop"
    out=$("$XM" daemons status) && fail "status succeeded with nothing running"
    assert_eq "$(printf '%s\n' "$out" | grep -c ' stopped$')" 4
    nsx "$XM" daemons start >/dev/null || fail "xm daemons start"
    out=$("$XM" daemons status) || fail "status: $out"
    for d in $DAEMONS; do
        assert_match "$out" "^$d +running \(pid [0-9]+\)"
        assert_eq "$(cat /proc/"$(pid_of $d)"/comm)" "$d" "$d's pid file"
    done
    # Again: everything runs, nothing new is started.
    pids=$(cat "$RUN"/*.pid)
    nsx "$XM" daemons start >/dev/null || fail "second start"
    assert_eq "$(cat "$RUN"/*.pid)" "$pids"
    # A second blkback for the same pid file refuses to serve beside it.
    out=$("$BIN/blkback" -i --pid-file="$RUN/blkback.pid" 2>&1) &&
        fail "a second blkback ran"
    assert_match "$out" "already running"
    "$XM" daemons stop >/dev/null || fail "xm daemons stop"
    for d in $pids; do gone "$d" || fail "pid $d still running after stop"; done
    ! ls "$RUN"/*.pid >/dev/null 2>&1 || fail "pid files left: $(ls "$RUN")"
    "$XM" daemons status >/dev/null && fail "status succeeded after stop"
    true
}
t_case "xm daemons start, status, stop by pid files" case_xm_daemons

# kill -9 each backend in turn; `xm daemons start` starts a new one, which
# adopts the device its predecessor served. Before, it saw the dead
# process in /proc and started nothing, and a new backend left devices
# past Initialising alone.
case_restart_adopts() {
    local img=$PVSTACK_ROOT/disk.img vbd=/local/domain/0/backend/vbd/5/51712
    local vif=/local/domain/0/backend/vif/5/0 old new
    t_on_exit "nsx $XM daemons stop"
    nsx "$XM" daemons start >/dev/null || fail "xm daemons start"
    truncate -s 16M "$img"
    t_add_vbd 5 51712 "$img" w
    t_add_vif 5 0 mac 00:16:3e:00:05:00 bridge xenbr0
    t_wait_key $vbd/state 2
    t_wait_key $vif/state 2
    assert_match "$(nsx ip -o link show vif5.0)" 'master xenbr0'

    old=$(pid_of blkback)
    kill9 "$old"
    assert_match "$("$XM" daemons status)" "blkback +stopped"
    nsx "$XM" daemons start >/dev/null || fail "restart blkback"
    new=$(pid_of blkback)
    [ "$new" != "$old" ] || fail "blkback was not started again"
    for _ in $(seq 50); do
        ls -l "/proc/$new/fd" | grep -q "$img" && break
        sleep 0.1
    done
    ls -l "/proc/$new/fd" | grep -q "$img" || fail "the new blkback did not adopt vbd 51712"
    assert_eq "$(xenstore-read $vbd/state)" 2
    assert_eq "$(xenstore-read $vbd/hotplug-status)" connected

    old=$(pid_of netback)
    kill9 "$old"
    nsx "$XM" daemons start >/dev/null || fail "restart netback"
    [ "$(pid_of netback)" != "$old" ] || fail "netback was not started again"
    for _ in $(seq 50); do
        nsx ip -o link show vif5.0 2>/dev/null | grep -q 'master xenbr0' && break
        sleep 0.1
    done
    assert_match "$(nsx ip -o link show vif5.0)" 'master xenbr0'
    assert_eq "$(xenstore-read $vif/state)" 2
    assert_eq "$(xenstore-read $vif/mac)" 00:16:3e:00:05:00

    # The adopted devices go away as any other.
    xenstore-rm /local/domain/0/backend/vbd/5 /local/domain/0/backend/vif/5 \
        /local/domain/5
    t_fd_closed "$new" "$img" || fail "blkback kept the image"
    t_links_gone vif5.0 || fail "vif5.0 left behind"
}
t_case "kill -9 blkback, netback: xm daemons start, the new ones adopt the devices" \
    case_restart_adopts

case_services() {
    local d=$PVSTACK_ROOT/inst init out u
    make -s -C "$TOP" install DESTDIR="$d" PREFIX=/usr/local >/dev/null 2>&1 ||
        fail "make install failed"
    for u in $DAEMONS; do
        grep -q "^ExecStart=/usr/local/sbin/$u .*pid-file.*/run/$u.pid" \
            "$d/lib/systemd/system/$u.service" || fail "$u.service ExecStart"
    done
    grep -q '^Requires=xenstored.service' "$d/lib/systemd/system/blkback.service" ||
        fail "blkback.service does not need xenstored"
    [ -f "$d/etc/default/xencommons" ] || fail "no /etc/default/xencommons"
    if command -v systemd-analyze >/dev/null; then
        out=$(cd "$d/lib/systemd/system" && systemd-analyze verify \
            xenstored.service xenconsoled.service blkback.service netback.service 2>&1 |
            grep -v "not executable\|No such file\|man xenstored\|Failed to\|not found")
        [ -z "$out" ] || fail "systemd-analyze: $out"
    fi
    init=$d/etc/init.d/xencommons
    sh -n "$init" || fail "init script syntax"
    # The installed script, pointed at the build and this test's root.
    sed -i -e "s|^SBINDIR=.*|SBINDIR=$BIN|" -e "s|^RUNDIR=.*|RUNDIR=$RUN|" "$init"
    t_on_exit "nsx $init stop"
    out=$(nsx "$init" start) || fail "init start: $out"
    assert_eq "$(printf '%s\n' "$out" | grep -c ': ok$')" 4
    out=$("$XM" daemons status) || fail "xm does not see the init script's daemons: $out"
    out=$("$init" status) || fail "init status: $out"
    assert_match "$out" "netback is running \(pid [0-9]+\)"
    nsx "$init" stop >/dev/null || fail "init stop"
    out=$("$init" status)
    assert_eq "$?" 3 "LSB status of stopped daemons"
    assert_match "$out" "xenstored is not running"
    "$init" frobnicate >/dev/null 2>&1 && fail "init accepted junk"
    true
}
t_case "make install: units and xencommons init script that drive the daemons" case_services

t_done
