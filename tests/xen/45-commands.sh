#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The rest of issue 12's xm commands on real Xen, on one running stock
# Debian PV guest (files/cmds.cfg): pause/unpause, mem-set/mem-max (the
# guest's balloon driver gives the pages back to Xen), vcpu-set (the guest
# brings cpu 1 online), rename, console, block- and network-attach/-list/
# -detach. Each is checked against Xen itself through Debian's xl.
. /opt/xentests/lib.sh

# xl_field NAME COLUMN: Debian's `xl list NAME`, one column of its row
xl_field() { $XL list "$1" | awk -v c="$2" 'NR == 2 {print $c}'; }
# wait_until SECONDS CMD...: 0 once CMD succeeds
wait_until() {
    local end=$(($(cut -d. -f1 /proc/uptime) + $1))
    shift
    until "$@"; do
        [ "$(cut -d. -f1 /proc/uptime)" -lt $end ] || return 1
        sleep 1
    done
}
# xl_until COLUMN TEST VALUE: up to 120 s until Debian's `xl list cmds`
# shows in COLUMN a value v with [ v TEST VALUE ]
xl_test() {
    local v
    v=$(xl_field cmds "$1")
    [ -n "$v" ] && [ "$v" "$2" "$3" ]
}
xl_until() { wait_until 120 xl_test "$@"; }

start_cmds() {
    local log
    log=$(conlog cmds)
    rm -f "$log"
    xm create "$CFG/cmds.cfg"
    wait_file "$log" 'DOMU-LINUX-STAY' 240 || { cat "$log"; diag cmds; fail "no marker from the guest"; }
    xm list
}

pause_unpause() {
    # a failed check must not leave the guest paused for the next cases
    trap 'xm unpause cmds 2> /dev/null || true' EXIT
    xm pause cmds
    # p in the third place: a paused guest's vcpu may also be blocked (-bp---)
    xm list | grep -E '^cmds +[0-9]+ .* [-r][-b]p--- ' || fail "xm list does not show cmds paused: $(xm list)"
    [ "$(xl_field cmds 5 | cut -c3)" = p ] || fail "Xen says $(xl_field cmds 5), not paused"
    xm unpause cmds
    [ "$(xl_field cmds 5 | cut -c3)" = - ] || fail "Xen says $(xl_field cmds 5) after unpause"
}

memory() {
    local id
    id=$(xm domid cmds)
    xm mem-max cmds 384
    [ "$(xenstore-read "/local/domain/$id/memory/static-max")" = 393216 ] || fail "static-max not 384 MiB"
    ! xm mem-set cmds 400 2> /dev/null || fail "mem-set above maxmem accepted"
    # the guest's balloon driver follows memory/target: Xen's count falls
    xm mem-set cmds 192
    [ "$(xenstore-read "/local/domain/$id/memory/target")" = 196608 ] || fail "target not 192 MiB"
    xl_until 3 -le 200 ||
        fail "Xen still gives cmds $(xl_field cmds 3) MiB"
    info "ballooned to $(xl_field cmds 3) MiB (Xen's figure), xm says $(xm list | awk '$1 == "cmds" {print $3}')"
    xm mem-set cmds 256
    xl_until 3 -ge 250 ||
        fail "cmds did not balloon back up: $(xl_field cmds 3) MiB"
}

vcpus() {
    local id
    id=$(xm domid cmds)
    [ "$(xl_field cmds 4)" = 1 ] || fail "Xen says $(xl_field cmds 4) vcpus online at start"
    ! xm vcpu-set cmds 3 2> /dev/null || fail "vcpu-set above maxvcpus accepted"
    xm vcpu-set cmds 2
    [ "$(xenstore-read "/local/domain/$id/cpu/1/availability")" = online ] || fail "cpu/1 not online in the store"
    # the guest's xen cpu hotplug brings vcpu 1 up: Xen counts it online
    xl_until 4 = 2 ||
        fail "Xen says $(xl_field cmds 4) vcpus online after vcpu-set 2"
    xm list | grep -E '^cmds +[0-9]+ +[0-9]+ +2 ' || fail "xm list: not 2 vcpus: $(xm list)"
    xm vcpu-set cmds 1
    xl_until 4 = 1 ||
        fail "Xen says $(xl_field cmds 4) vcpus online after vcpu-set 1"
}

rename() {
    local id
    id=$(xm domid cmds)
    xm rename cmds cmds2
    [ "$(xm domid cmds2)" = "$id" ] || fail "xm does not know cmds2"
    [ "$($XL domid cmds2)" = "$id" ] || fail "Debian's xl does not know cmds2"
    ! xm domid cmds 2> /dev/null || fail "the old name is still taken"
    xm rename cmds2 cmds
}

console() {
    local rc=0
    # attached until Ctrl-] (035), which leaves with 0 as xl console does
    (sleep 5; printf '\035') | timeout 60 script -qfec "xm console cmds" /tmp/console.log > /dev/null 2>&1 || rc=$?
    [ $rc = 0 ] || fail "xm console exited $rc (124: Ctrl-] did not detach)"
    xm domid cmds > /dev/null || fail "the guest went away with the console"
}

block_devices() {
    local id be
    id=$(xm domid cmds)
    rm -f /tmp/attach.img
    truncate -s 8M /tmp/attach.img
    xm block-attach cmds file:/tmp/attach.img,xvdb,w
    be=/local/domain/0/backend/vbd/$id/51728
    # the guest's xen-blkfront connects: backend and frontend Connected
    wait_until 60 sh -c "[ \"\$(xenstore-read $be/state)\" = 4 ]" ||
        fail "backend state $(xenstore-read $be/state 2>&1)"
    xm block-list cmds | tee /tmp/bl
    grep -E '^51728 +0 +[0-9]+ +4 ' /tmp/bl || fail "block-list: 51728 not in state 4"
    $XL block-list cmds | grep -E '^51728 ' || fail "Debian's xl block-list lacks 51728"
    xm block-detach cmds xvdb
    wait_until 60 sh -c "! xenstore-read $be/state > /dev/null 2>&1" || fail "vbd 51728 left in the store"
    ! xm block-list cmds | grep -q '^51728 ' || fail "block-list still lists 51728"
}

network_devices() {
    local id
    id=$(xm domid cmds)
    ip link show xenbr0 > /dev/null 2>&1 || ip link add xenbr0 type bridge
    ip link set xenbr0 up
    xm network-attach cmds bridge=xenbr0
    wait_until 60 sh -c "[ \"\$(xenstore-read /local/domain/0/backend/vif/$id/0/state)\" = 4 ]" ||
        fail "vif backend state $(xenstore-read /local/domain/0/backend/vif/$id/0/state 2>&1)"
    ip link show master xenbr0 | grep -q "vif$id.0" || fail "no vif$id.0 on xenbr0: $(ip link show master xenbr0)"
    xm network-list cmds | tee /tmp/nl
    grep -E '^0 +0 +00:16:3e:' /tmp/nl || fail "network-list: no vif 0 with a Xen MAC"
    $XL network-list cmds | grep -E '^0 ' || fail "Debian's xl network-list lacks vif 0"
    xm network-detach cmds 0
    wait_until 60 sh -c "! ip link show vif$id.0 > /dev/null 2>&1" || fail "vif$id.0 left behind"
    ! xm network-list cmds | grep -q '^0 ' || fail "network-list still lists vif 0"
}

stop_cmds() {
    xm destroy cmds
    wait_gone cmds 30
}

t_case "a stock PV guest to run commands on" start_cmds
t_case "pause, unpause: Xen's state follows" pause_unpause
t_case "mem-max, mem-set: the guest balloons, Xen's count follows" memory
t_case "vcpu-set: the guest brings vcpu 1 up and down" vcpus
t_case "rename: xm and Debian's xl see the new name" rename
t_case "console: attached until Ctrl-]" console
t_case "block-attach, -list, -detach of a file" block_devices
t_case "network-attach, -list, -detach on xenbr0" network_devices
t_case "destroy" stop_cmds
