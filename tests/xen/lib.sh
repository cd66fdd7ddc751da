# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the lab's tests, which run inside dom0 (tests/xen/files/xentest).
# Each case prints "XL-TAP ok|not ok - <test>: <name>"; the host counts them.
# A case is a function run in a subshell with set -e, so the first failing
# command fails the case and the next case still runs.
XL=/usr/lib/xen-4.17/bin/xl   # Debian's xl: Xen's own view, for comparison
T=$(basename "$0" .sh)
CFG=/opt/xentests
CON=/var/log/xen/console

# dom0's uptime in seconds (builtins only: no process to start)
now() { local u r; read -r u r < /proc/uptime; echo "$u"; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
info() { echo "XL-INFO $T: $*"; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# t_case NAME FUNC: run FUNC, report it
t_case() {
    local t0 rc
    t0=$(now)
    (set -e; "$2") 2>&1 | sed 's/^/  | /'
    rc=${PIPESTATUS[0]}
    if [ "$rc" = 0 ]; then
        echo "XL-TAP ok - $T: $1 ($(since "$t0")s)"
    else
        echo "XL-TAP not ok - $T: $1 ($(since "$t0")s)"
    fi
}
t_skip() { echo "XL-TAP ok - $T: $1 # SKIP $2"; }

# wait_file FILE REGEX SECONDS: 0 once REGEX is in FILE, 1 on timeout.
# Under TCG a PV Linux guest takes ~20 s to reach its init: margins are wide.
wait_file() {
    local end=$((SECONDS + $3))
    while [ $SECONDS -lt $end ]; do
        grep -q -a -E "$2" "$1" 2>/dev/null && return 0
        sleep 0.5
    done
    grep -q -a -E "$2" "$1" 2>/dev/null
}
# wait_for CMD SECONDS: 0 once CMD (eval'ed) succeeds, 1 on timeout
wait_for() {
    local end=$((SECONDS + $2))
    while [ $SECONDS -lt $end ]; do
        eval "$1" > /dev/null 2>&1 && return 0
        sleep 0.5
    done
    return 1
}
# wait_gone NAME SECONDS: 0 once xm no longer lists NAME
wait_gone() { wait_for "! xm domid '$1'" "$2"; }
# the console log of a guest, as xenconsoled (ours) keeps it
conlog() { echo "$CON/guest-$1.log"; }
# diag NAME: what a failed case needs to be understood from the serial log
# alone: the domain as xm and Xen see it, its console entries, the daemons'
# logs
diag() {
    local id
    echo "--- diag $1"
    xm list 2>&1 || true
    $XL list 2>&1 || true
    id=$(xm domid "$1" 2> /dev/null) &&
        xenstore-ls -f "/local/domain/0/backend/console/$id" 2>&1 | head -20
    ls -la "$CON" 2>&1 | head
    for f in /var/log/xen/xenconsoled.log /var/log/xen/blkback.log /var/log/xen/xenstored.log; do
        echo "--- $f"
        tail -15 "$f" 2> /dev/null || true
    done
}

# The "count" guest (domu-init count) prints "DOMU-COUNT <n> <marker>" each
# second; the save/migrate tests (50-52) check it counts on after a restore.
# last_count FILE: the highest counter FILE shows ("" if none)
last_count() { grep -a -o 'DOMU-COUNT [0-9]* [0-9a-f-]*' "$1" | awk '{n=$2} END{print n}'; }
marker() { grep -a -o 'DOMU-COUNT [0-9]* [0-9a-f-]*' "$1" | awk 'END{print $3}'; }
uuid_of() { xenstore-read "/local/domain/$1/vm"; }
# wait_count FILE N SECONDS: until FILE shows a counter above N
wait_count() {
    local end=$((SECONDS + $3)) n
    while :; do
        n=$(last_count "$1")
        [ -n "$n" ] && [ "$n" -gt "$2" ] && return 0
        [ $SECONDS -lt $end ] || return 1
        sleep 0.5
    done
}
# xen_gone DOMID SECONDS: 0 once Xen no longer lists DOMID
xen_gone() {
    local end=$((SECONDS + $2))
    while $XL list | awk 'NR > 1 {print $2}' | grep -qx "$1"; do
        [ $SECONDS -lt $end ] || return 1
        sleep 0.5
    done
}
# no_reboot FILE: the guest's init never started (again) in FILE
no_reboot() { ! grep -a -q DOMU-LINUX-OK "$1" || fail "the guest booted again: $(grep -a DOMU-LINUX-OK "$1")"; }
