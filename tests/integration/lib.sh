# SPDX-License-Identifier: GPL-2.0-only
# Shared helpers for integration tests: TAP output, a 60 s bound per case,
# a private PVSTACK_ROOT, and cleanup of whatever a test started.
#
#   . "$(dirname "$0")/lib.sh"
#   t_case "name" fn       # runs fn in a subshell; ok/not ok; 60 s timeout
#   t_skip "name" "why"
#   t_done                 # prints the plan, exits non-zero on failure
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=$TOP/build/bin
T_N=0
T_FAIL=0
T_TIMEOUT=${T_TIMEOUT:-60}
T_CLEANUP=()

# A private root: /run, /var/lib/xen, /var/log/xen, /etc/xen live under it.
t_root() {
    PVSTACK_ROOT=$(mktemp -d /tmp/pvstack-test.XXXXXX)
    export PVSTACK_ROOT
    export XENSTORED_PATH=$PVSTACK_ROOT/run/xenstored/socket
    mkdir -p "$PVSTACK_ROOT"/{run/xenstored,run/pvstack,var/lib/xen,var/log/xen,etc/xen}
    t_on_exit "rm -rf '$PVSTACK_ROOT'"
}

# Run a command at exit, last registered first.
t_on_exit() { T_CLEANUP=("$1" "${T_CLEANUP[@]}"); }
t_cleanup() {
    local c
    for c in "${T_CLEANUP[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
    T_CLEANUP=()
}
trap t_cleanup EXIT

t_case() {
    local name=$1 fn=$2 rc out
    T_N=$((T_N + 1))
    out=$(mktemp)
    ( "$fn" ) >"$out" 2>&1 &
    local pid=$!
    ( sleep "$T_TIMEOUT"; kill -TERM -- "$pid" 2>/dev/null; pkill -TERM -P "$pid" 2>/dev/null ) &
    local wd=$!
    wait "$pid"; rc=$?
    kill "$wd" 2>/dev/null; wait "$wd" 2>/dev/null
    if [ $rc = 0 ]; then
        echo "ok $T_N - $name"
    else
        [ $rc -ge 128 ] && echo "# timed out or killed after ${T_TIMEOUT}s (rc $rc)"
        echo "not ok $T_N - $name"
        sed 's/^/#   /' "$out"
        T_FAIL=$((T_FAIL + 1))
    fi
    rm -f "$out"
}

t_skip() {
    T_N=$((T_N + 1))
    echo "ok $T_N - $1 # SKIP $2"
}

t_done() {
    echo "1..$T_N"
    [ $T_FAIL = 0 ]
}

# Assertions that say what went wrong.
fail() { echo "FAIL: $*" >&2; exit 1; }
assert_eq() { [ "$1" = "$2" ] || fail "expected '$2', got '$1'${3:+ ($3)}"; }
assert_match() { printf '%s' "$1" | grep -qE -- "$2" || fail "'$1' does not match /$2/"; }

# t_lv_blockdev VG LV: our kernel has no device-mapper, so lvm2 can create
# an LV (lvcreate --driverloaded n -an -Zn) but not activate it. Make its
# block device ourselves: a loop device over the LV's PV at the LV's extent
# offset and size, linked at /dev/VG/LV. Single-segment LVs only. Prints the
# loop device; the caller removes it (t_lv_blockdev_rm VG LV).
t_lv_blockdev() {
    local vg=$1 lv=$2 seg pv first pe_start ext size loop
    export LVM_SUPPRESS_FD_WARNINGS=1
    seg=$(lvs --noheadings -o seg_pe_ranges "$vg/$lv" 2>/dev/null | tr -d ' ')
    pv=${seg%%:*}
    first=${seg#*:}; first=${first%%-*}
    [ -b "$pv" ] && [ -n "$first" ] || { echo "t_lv_blockdev: $vg/$lv: no segment" >&2; return 1; }
    pe_start=$(pvs --noheadings --units b --nosuffix -o pe_start "$pv" 2>/dev/null | tr -d ' ')
    ext=$(vgs --noheadings --units b --nosuffix -o vg_extent_size "$vg" 2>/dev/null | tr -d ' ')
    size=$(lvs --noheadings --units b --nosuffix -o lv_size "$vg/$lv" 2>/dev/null | tr -d ' ')
    loop=$(losetup -f --show -o $((pe_start + first * ext)) --sizelimit "$size" "$pv") || return 1
    mkdir -p "/dev/$vg" && ln -sf "$loop" "/dev/$vg/$lv"
    echo "$loop"
}
t_lv_blockdev_rm() {
    local loop
    loop=$(readlink "/dev/$1/$2") || return 0
    rm -f "/dev/$1/$2"; rmdir "/dev/$1" 2>/dev/null
    losetup -d "$loop"
}
