#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# cpus_soft (soft affinity) on an HVM domain: kept, shown by vcpu-list as
# xl does ("Affinity (Hard / Soft)"), and applied the only way Linux can:
# the vcpu threads run on the preferred CPUs where they meet the hard map.
# vcpu-pin's soft map replaces the kept one; "-" leaves a map as it is.
. "$(dirname "$0")/lib.sh"
XM=$BIN/xm

if ! command -v qemu-system-x86_64 >/dev/null || ! t_hvm_guest; then
    t_skip "soft affinity" "no QEMU or test kernel"
    t_done; exit
fi
if [ "$(nproc)" -lt 2 ]; then
    t_skip "soft affinity" "one CPU"
    t_done; exit
fi
t_root
t_xm_daemons || { echo "not ok - xm daemons start"; exit 1; }

# The CPUs the domain's vcpu threads ("CPU n/TCG" or "/KVM") may run on, one
# line per thread.
threads_cpus() {
    local pid t
    pid=$(cat "$PVSTACK_ROOT/run/xen/qemu-dm-$1.pid") || fail "no QEMU pid"
    for t in /proc/"$pid"/task/*; do
        grep -q '^CPU [0-9]*/' "$t/comm" 2>/dev/null &&
            awk '/^Cpus_allowed_list/ {print $2}' "$t/status"
    done | sort -u
}
# vcpu-list's affinity column for NAME's vcpus, one line each, unique
aff() { "$XM" vcpu-list "$1" | awk 'NR > 1 {print $(NF-2), $(NF-1), $NF}' | sort -u; }

case_soft() {
    local id
    printf '%s\n' "type = 'hvm'" "name = 's1'" "memory = 128" "vcpus = 2" \
        "kernel = '$HVM_KERNEL'" "ramdisk = '$HVM_INITRD'" \
        "cpus_soft = '1'" >"$PVSTACK_ROOT/s1.cfg"
    "$XM" create -p "$PVSTACK_ROOT/s1.cfg" || fail "create"
    id=$("$XM" domid s1)
    assert_eq "$(aff s1)" "all / 1"
    assert_eq "$(threads_cpus "$id")" 1 "threads on the preferred CPU"
    "$XM" vcpu-pin s1 all - 0 || fail "vcpu-pin all - 0"
    assert_eq "$(aff s1)" "all / 0"
    assert_eq "$(threads_cpus "$id")" 0
    "$XM" vcpu-pin s1 all 1 - || fail "vcpu-pin all 1 -"
    assert_eq "$(aff s1)" "1 / 0" "hard changed, soft kept"
    assert_eq "$(threads_cpus "$id")" 1 "soft outside hard: the hard map"
    "$XM" vcpu-pin s1 all all all || fail "vcpu-pin all all all"
    assert_eq "$(aff s1)" "all / all"
    assert_eq "$(threads_cpus "$id")" "0-$(($(nproc) - 1))"
    # what is kept is what a restart or list -l sees
    assert_match "$("$XM" list -l s1)" '"cpus_soft": "all"'
    "$XM" destroy s1
}

case_no_soft() {
    printf '%s\n' "type = 'hvm'" "name = 's2'" "memory = 128" \
        "kernel = '$HVM_KERNEL'" "ramdisk = '$HVM_INITRD'" "cpus = '1'" >"$PVSTACK_ROOT/s2.cfg"
    "$XM" create -p "$PVSTACK_ROOT/s2.cfg" || fail "create"
    assert_eq "$(aff s2)" "1 / all"
    "$XM" destroy s2
}

t_case "cpus_soft kept, shown as Hard / Soft, threads on the preferred CPUs; vcpu-pin" case_soft
t_case "no cpus_soft: soft is all" case_no_soft
t_done
