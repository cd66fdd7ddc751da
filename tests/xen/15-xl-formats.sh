#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Lab (runs in dom0): xm prints what Debian's xl prints on the same host.
# Scripts written against xl read xm's output, so the formats are compared
# byte for byte with xl 4.17 itself; only what changes between two reads
# (free memory, CPU time, a config's random uuid) is masked.
. /opt/xentests/lib.sh

# both NAME: run "xm ARGS" and "$XL ARGS" into /tmp/xm.NAME and /tmp/xl.NAME
both() {
    local name=$1
    shift
    xm "$@" > "/tmp/xm.$name"
    $XL "$@" > "/tmp/xl.$name" 2> /dev/null
}
# same NAME SED: the two outputs, each through SED, are equal
same() {
    sed -E "$2" "/tmp/xl.$1" > "/tmp/xl.$1.m"
    sed -E "$2" "/tmp/xm.$1" > "/tmp/xm.$1.m"
    [ -s "/tmp/xl.$1.m" ] || fail "xl printed nothing for $1"
    # dom0 has no diffutils: busybox has diff
    busybox diff -u "/tmp/xl.$1.m" "/tmp/xm.$1.m" || fail "xm $1 differs from xl's"
}

info_as_xl() {
    both info info
    # free_memory moves as the two reads happen; the rest is the host's
    same info 's/^(free_memory +: ).*/\1N/'
    grep -E '^virt_caps +: pv' /tmp/xm.info
    grep -E '^xen_commandline +: .*dom0_mem=' /tmp/xm.info
}

list_as_xl() {
    both list list
    # the Time(s) column is CPU time: it grows between the two reads
    same list 's/ +[0-9]+\.[0-9]$/ T/'
    head -1 /tmp/xm.list | grep -q "$(printf 'VCPUs\tState\tTime')"
}

vcpu_list_as_xl() {
    both vcpus vcpu-list
    # which CPU a vCPU is on, its state and time change from read to read
    same vcpus 's/^(Domain-0 +0 +[0-9]+) +[0-9]+ +[-a-z]{3} +[0-9.]+ /\1 C S T /'
}

uptime_as_xl() {
    local a b
    both uptime uptime
    same uptime 's/^(Domain-0 +0) .*/\1 U/'
    # Domain-0's uptime is the host's, as xl reads it from /proc/uptime
    a=$(awk '$1=="Domain-0"{split($3,t,":"); print t[1]*3600+t[2]*60+t[3]}' /tmp/xl.uptime)
    b=$(awk '$1=="Domain-0"{split($3,t,":"); print t[1]*3600+t[2]*60+t[3]}' /tmp/xm.uptime)
    info "Domain-0 up: xl ${a}s, xm ${b}s"
    [ "$a" -gt 0 ] && [ $((b - a)) -ge -2 ] && [ $((b - a)) -le 2 ] ||
        fail "xm uptime says Domain-0 is up ${b}s, xl ${a}s"
}

# create -n: the libxl_domain_config JSON xl would build from each cfg.
# A cfg without uuid= gets a random one from each tool: masked.
dryrun_as_xl() {
    local c
    for c in stay disk net pvguest; do
        both "n-$c" create -n -q "$CFG/$c.cfg"
        same "n-$c" 's/"uuid": "[0-9a-f-]{36}"/"uuid": U/'
        info "create -n $c.cfg: $(wc -l < "/tmp/xm.n-$c") lines as xl's"
    done
}

t_case "xm info prints xl info's lines and Xen's values" info_as_xl
t_case "xm list prints xl list's header and Domain-0 line" list_as_xl
t_case "xm vcpu-list prints xl vcpu-list's table" vcpu_list_as_xl
t_case "xm uptime: Domain-0 is up as long as the host" uptime_as_xl
t_case "xm create -n prints xl create -n's JSON" dryrun_as_xl
