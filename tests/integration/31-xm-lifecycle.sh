#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xm lifecycle on the kvm engine with real daemons (xenstored, xenconsoled
# started by xm) and the bundled PV guest: create -c shows the banner,
# list rows and states, pause stops CPU time, shutdown/reboot/crash with
# on_* actions, destroy, mem-set seen by the guest, 2 vcpus online, and
# the small commands. 32-xm-scale.sh has 20 domains and failed creates.
. "$(dirname "$0")/lib.sh"
XM=$BIN/xm
GUEST=$TOP/build/guest/pvguest.elf.xz
SPIN=$TOP/build/tests/pvtest-spin.elf

new_id() { local id; id=$("$XM" domid "$1" 2>/dev/null) && [ "$id" != "$2" ]; }

case_create_console() {
    local out
    out=$(timeout 20 "$XM" create -c "$(t_pv_cfg c1 'extra = "poweroff"')" </dev/null)
    assert_match "$out" 'pvstack guest: booting \(cmdline: poweroff\)'
    t_wait_for "! t_xm_listed c1" 10 || fail "c1 still listed after poweroff (on_poweroff=destroy)"
}

case_list_row() {
    "$XM" create "$(t_pv_cfg l1)" || fail "create"
    t_wait_for "t_console_has l1 'pvstack guest: ready'" 10 || fail "no ready line"
    assert_match "$("$XM" list | head -1)" '^Name +ID +Mem VCPUs.State.Time\(s\)$'
    assert_match "$(t_xm_row l1)" '^l1 +[0-9]+ +32 +1 +[-r][-b]---- +[0-9]+\.[0-9]$'
    assert_match "$("$XM" list | sed -n 2p)" '^Domain-0 +0 '
    "$XM" destroy l1
    ! t_xm_listed l1 || fail "l1 still listed after destroy"
}

case_pause_cpu() {
    local t2 t3
    "$XM" create "$(t_cfg p1 "$SPIN")" || fail "create"
    sleep 1
    t2=$(t_xm_pause_still p1 1) || fail "p1 paused"
    "$XM" unpause p1
    sleep 1
    t3=$(t_xm_cputime p1)
    awk -v a="$t3" -v b="$t2" 'BEGIN { exit !(a > b) }' || fail "CPU time did not grow after unpause ($t2 -> $t3)"
    "$XM" destroy p1
}

case_shutdown_wait() {
    local id
    "$XM" create "$(t_pv_cfg s1)" || fail "create"
    t_wait_for "t_console_has s1 'pvstack guest: ready'" 10 || fail "no ready line"
    id=$("$XM" domid s1)
    timeout 30 "$XM" shutdown -w s1 || fail "shutdown -w"
    # -w returns once the domain has shut down, as xl's does; its monitor
    # (on_poweroff = destroy) then tears it down beside us.
    case $(t_xm_state s1) in
    "" | *s* | *d*) ;;
    *) fail "s1 is $(t_xm_state s1) after shutdown -w" ;;
    esac
    t_wait_for "! t_xm_listed s1" 10 || fail "s1 still listed"
    [ ! -e "$PVSTACK_ROOT/run/pvstack/dom$id.sock" ] || fail "VMM socket left"
    ! xenstore-read "/local/domain/$id/name" 2>/dev/null || fail "store entries left"
}

case_reboot_restart() {
    local id1 id2
    "$XM" create "$(t_pv_cfg r1)" || fail "create"
    t_wait_for "t_console_has r1 'pvstack guest: ready'" 10 || fail "no ready line"
    id1=$("$XM" domid r1)
    "$XM" reboot r1
    t_wait_for "new_id r1 $id1" 10 ||
        fail "r1 not restarted under a new domid"
    id2=$("$XM" domid r1)
    [ "$id2" -gt "$id1" ] || fail "new domid $id2 not above $id1"
    "$XM" destroy r1
}

case_crash_preserve() {
    "$XM" create "$(t_pv_cfg k1 'extra = "selftest=crash"' 'on_crash = "preserve"')" ||
        fail "create"
    t_wait_for "t_xm_row k1 | grep -q ' ---sc- '" 10 || fail "k1 not in state ---sc-: $(t_xm_row k1)"
    assert_match "$(t_vmmlog k1)" 'fatal trap 14 \(page fault\).*cr2 3ead00002000'
    assert_match "$(t_vmmlog k1)" 'dom [0-9]+ \(k1\) crashed'
    "$XM" destroy k1
    ! t_xm_listed k1 || fail "k1 still listed after destroy"
}

case_memset_vcpus() {
    "$XM" create "$(t_pv_cfg m1 'vcpus = 2' 'maxmem = 64')" || fail "create"
    t_wait_for "t_console_has m1 'pvstack guest: ready (2 vcpus online'" 10 || fail "not 2 vcpus: $(t_vmmlog m1 | tail -3)"
    assert_match "$(t_xm_row m1)" '^m1 +[0-9]+ +32 +2 '
    "$XM" mem-set m1 24 || fail "mem-set"
    t_wait_for "t_console_has m1 'balloon: memory now 24576 KiB'" 10 || fail "guest did not balloon to 24 MiB"
    t_wait_for "t_xm_row m1 | grep -q ' 24  *2 '" 10 || fail "list Mem not 24: $(t_xm_row m1)"
    "$XM" mem-set m1 100 2>/dev/null && fail "mem-set above maxmem accepted"
    "$XM" mem-max m1 128 || fail "mem-max"
    assert_eq "$(xenstore-read "/local/domain/$("$XM" domid m1)/memory/static-max")" 131072
    "$XM" vcpu-set m1 1 || fail "vcpu-set"
    assert_eq "$(xenstore-read "/local/domain/$("$XM" domid m1)/cpu/1/availability")" offline
    "$XM" vcpu-set m1 3 2>/dev/null && fail "vcpu-set above maxvcpus accepted"
    "$XM" destroy m1
}

case_small_cmds() {
    local id
    "$XM" create -p "$(t_pv_cfg n1)" || fail "create -p"
    assert_match "$(t_xm_row n1)" ' --p--- '
    id=$("$XM" domid n1)
    assert_eq "$("$XM" domname "$id")" n1
    "$XM" rename n1 n2 || fail "rename"
    assert_eq "$("$XM" domname "$id")" n2
    "$XM" domid n1 2>/dev/null && fail "old name still resolves"
    assert_match "$("$XM" uptime n2)" "^Name +ID Uptime"
    assert_match "$("$XM" uptime n2 | tail -1)" "^n2 +$id +0:00:0[0-9]$"
    "$XM" destroy n2
    "$XM" destroy n2 2>/dev/null && fail "destroy of a gone domain succeeded"
    true
}

case_vmm_killed() {
    local id pid
    "$XM" create "$(t_pv_cfg v1)" || fail "create"
    t_wait_for "t_console_has v1 'pvstack guest: ready'" 10 || fail "no ready line"
    id=$("$XM" domid v1)
    pid=$(pgrep -f -- "pvstack-vmm --domid $id --name v1 ")
    [ -n "$pid" ] || fail "no VMM process for v1"
    kill -9 "$pid"
    t_wait_for "! xenstore-read /local/domain/$id/name" 10 || fail "store entries of a dead VMM left"
    ! t_xm_listed v1 || fail "v1 still listed"
    "$XM" create "$(t_pv_cfg v1)" || fail "name v1 not free again"
    "$XM" destroy v1
}

t_root
if [ ! -w /dev/kvm ] || [ ! -f "$GUEST" ]; then
    t_skip "xm lifecycle" "no writable /dev/kvm or no guest kernel"
    t_done
    exit
fi
t_xm_daemons || fail "xm daemons start"
t_case "create -c: banner on the console, poweroff destroys" case_create_console
t_case "list: header, Domain-0 and the guest row" case_list_row
t_case "pause stops CPU time, unpause resumes" case_pause_cpu
t_case "shutdown -w: guest powers off, nothing left" case_shutdown_wait
t_case "reboot: on_reboot=restart gives a new domid" case_reboot_restart
t_case "crash with on_crash=preserve stays as ---sc-" case_crash_preserve
t_case "mem-set seen by the guest, mem-max, 2 vcpus, vcpu-set" case_memset_vcpus
t_case "create -p, domid, domname, rename, uptime, destroy" case_small_cmds
t_case "VMM killed: the monitor removes its store entries" case_vmm_killed
t_done
