#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Weight and cap on the xen engine are Xen's own (xc_sched_credit[2]_domain_*,
# as libxl's), not a cgroup: cpu_weight/cap from a cfg and `xm sched-credit`
# / `sched-credit2` -d -w -c must be what Debian's xl then reads from Xen.
# The lab's Xen 4.17 runs credit2 (its default) unless booted with
# XENLAB_XEN_ARGS=sched=credit: the cases use the running scheduler's
# command and check that the other one lists nothing, as xl does.
. /opt/xentests/lib.sh

S=$(xm info | awk -F': ' '/^xen_scheduler/ {print $2}')
case $S in
credit) O=credit2 ;;
*) O=credit ;;
esac

# mk NAME [LINES...]: a paused 128 MiB stock guest (nothing needs it to run)
mk() {
    local n=$1
    shift
    sed "s/^memory = .*/memory = 128/; s/^name = .*/name = \"$n\"/" "$CFG/stay.cfg" > "/tmp/$n.cfg"
    [ $# = 0 ] || printf '%s\n' "$@" >> "/tmp/$n.cfg"
    xm create -p "/tmp/$n.cfg"
}

# row CMD NAME: "weight cap" of NAME in CMD's -d listing
row() { "$@" | awk 'NR == 2 {print $3, $4}'; }

which_sched() {
    local xl
    xl=$($XL info | awk -F': ' '/^xen_scheduler/ {print $2}')
    info "xm: '$S', Debian's xl: '$xl'"
    [ -n "$S" ] && [ "$S" = "$xl" ] || fail "xm info's xen_scheduler '$S', Xen's '$xl'"
}

cfg_share() {
    local w
    mk sch1 'cpu_weight = 512' 'cap = 50'
    $XL sched-$S -d sch1
    w=$(row $XL sched-$S -d sch1)
    [ "$w" = "512 50" ] || fail "Xen has '$w' for cpu_weight = 512, cap = 50"
    [ "$(row xm sched-$S -d sch1)" = "512 50" ] || fail "xm reads '$(row xm sched-$S -d sch1)'"
    xm destroy sch1
    wait_gone sch1 30
}

set_share() {
    local w out
    mk sch2
    [ "$(row $XL sched-$S -d sch2)" = "256 0" ] || fail "default share '$(row $XL sched-$S -d sch2)'"
    xm sched-$S -d sch2 -w 512
    w=$(row $XL sched-$S -d sch2)
    [ "$w" = "512 0" ] || fail "Debian's xl reads '$w' after -w 512"
    [ "$(row xm sched-$S -d sch2)" = "512 0" ] || fail "xm reads '$(row xm sched-$S -d sch2)'"
    xm sched-$S -d sch2 -c 40
    [ "$(row $XL sched-$S -d sch2)" = "512 40" ] || fail "-c 40 kept weight? '$(row $XL sched-$S -d sch2)'"
    # the whole listing, pool line included, as Debian's xl prints it
    # (no diff in this dom0)
    out=$(xm sched-$S)
    echo "$out"
    [ "$out" = "$($XL sched-$S)" ] || { $XL sched-$S; fail "xm sched-$S differs from xl's"; }
    xm destroy sch2
    wait_gone sch2 30
}

# libxl's ranges: weight 1..65535, cap 0..100 per vcpu; refused in one
# line, nothing changed
out_of_range() {
    local out
    mk sch3
    for a in '-c 101' '-w 0' '-w 65536'; do
        # shellcheck disable=SC2086
        if out=$(xm sched-$S -d sch3 $a 2>&1); then fail "sched-$S $a accepted"; fi
        info "$a: $out"
        [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "$a: not one line"
        echo "$out" | grep -q 'out of range' || fail "$a: '$out'"
    done
    [ "$(row $XL sched-$S -d sch3)" = "256 0" ] || fail "changed: '$(row $XL sched-$S -d sch3)'"
    xm destroy sch3
    wait_gone sch3 30
}

# xl lists no pool for a scheduler Xen is not running, and exits 0
other_sched() {
    local out
    mk sch4
    out=$(xm sched-$O) || fail "xm sched-$O failed"
    [ -z "$out" ] || { echo "$out"; fail "xm sched-$O listed something"; }
    [ -z "$($XL sched-$O)" ] || fail "Debian's xl lists a $O pool"
    if out=$(xm sched-$O -d sch4 -w 300 2>&1); then fail "sched-$O -d accepted"; fi
    info "sched-$O -d: $out"
    [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] || fail "not one line"
    [ "$(row $XL sched-$S -d sch4)" = "256 0" ] || fail "changed: '$(row $XL sched-$S -d sch4)'"
    xm destroy sch4
    wait_gone sch4 30
}

# -s: the pool's parameters are Xen's own, read and set (libxl's ranges)
pool_params() {
    local out r
    out=$(xm sched-$S -s)
    info "xm: $out"
    [ "$out" = "$($XL sched-$S -s)" ] || fail "xm -s '$out', xl '$($XL sched-$S -s)'"
    r=$(echo "$out" | sed -n 's/.*ratelimit=\([0-9]*\)us.*/\1/p')
    [ -n "$r" ] || fail "no ratelimit in '$out'"
    xm sched-$S -s -r 2000 || fail "-s -r 2000"
    $XL sched-$S -s | grep -q 'ratelimit=2000us' || fail "Xen has '$($XL sched-$S -s)' after -r 2000"
    if out=$(xm sched-$S -s -r 50 2>&1); then fail "-r 50 accepted"; fi
    [ "$out" = "Ratelimit out of range, valid range is from 100 to 500000" ] || fail "-r 50: '$out'"
    if out=$(xm sched-$S -r 300 2>&1); then fail "-r without -s accepted"; fi
    [ "$out" = "Must specify schedparam to set schedule parameter values." ] || fail "-r without -s: '$out'"
    if [ "$S" = credit ]; then
        xm sched-credit -s -t 10 || fail "-s -t 10"
        $XL sched-credit -s | grep -q 'tslice=10ms' || fail "Xen has '$($XL sched-credit -s)' after -t 10"
        xm sched-credit -s -t 30 || fail "-s -t 30"
    fi
    xm sched-$S -s -r "$r" || fail "-s -r $r (back)"
    [ "$(xm sched-$S -s)" = "$($XL sched-$S -s)" ] || fail "not back: '$($XL sched-$S -s)'"
}

t_case "xen_scheduler: the one Xen runs ($S)" which_sched
t_case "cpu_weight/cap from the cfg: Xen's $S weight and cap" cfg_share
t_case "sched-$S -d -w/-c: set in Xen, read back by xm and Debian's xl" set_share
t_case "out-of-range weight/cap: refused in one line, nothing changed" out_of_range
t_case "sched-$O: no pool runs it, lists nothing (as xl)" other_sched
t_case "sched-$S -s: the pool's parameters read and set in Xen" pool_params
