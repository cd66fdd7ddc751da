#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xm on the kvm engine: 20 domains at once, then all destroyed with nothing
# left; and every failed create (missing kernel, bad ELF, memory larger
# than the host has free, duplicate name) leaves no VMM, socket, monitor
# or store entry behind.
. "$(dirname "$0")/lib.sh"
XM=$BIN/xm
GUEST=$TOP/build/guest/pvguest.elf.xz

nguests() { "$XM" list | awk 'NR>2' | wc -l; }
# Processes of this test root other than the daemons (VMMs, monitors).
leftovers() {
    ps -eo pid,args | grep -F -- "$PVSTACK_ROOT" | grep -v -e grep -e xenstored \
        -e blkback -e netback \
        -e xenconsoled -e "$$" || true
    ls "$PVSTACK_ROOT/run/pvstack" 2>/dev/null
    xenstore-list /local/domain 2>/dev/null | grep -vx 0 || true
}
# Snapshot of what exists: sockets, store domains, VMM processes by name.
state() {
    ls "$PVSTACK_ROOT/run/pvstack" 2>/dev/null
    xenstore-list /local/domain 2>/dev/null
    xenstore-list /vm 2>/dev/null
    ps -eo args | grep -E "[p]vstack-vmm .*--name f[0-9]|[x]m create $PVSTACK_ROOT/f[0-9]" || true
}

case_twenty() {
    local i
    for i in $(seq 1 20); do
        "$XM" create "$(t_pv_cfg "d$i")" || fail "create d$i"
    done
    assert_eq "$(nguests)" 20 "guests listed"
    sleep 1
    "$XM" list | awk 'NR>2 && $5 !~ /^[-r][-b]----$/ {print; bad=1} END {exit bad}' ||
        fail "some domain not running/blocked"
    for i in $(seq 1 20); do "$XM" destroy "d$i" || fail "destroy d$i"; done
    assert_eq "$(nguests)" 0 "guests listed after destroy"
    sleep 0.5
    [ -z "$(leftovers)" ] || fail "left behind: $(leftovers)"
}

# fail_create NAME CFG MSG [LINES]: create must fail with MSG in LINES
# lines of output (default 1) and change nothing.
fail_create() {
    local before after err
    before=$(state)
    err=$("$XM" create "$2" 2>&1) && fail "$1: create succeeded"
    assert_match "$err" "$3"
    [ "$(echo "$err" | wc -l)" = "${4:-1}" ] || fail "$1: not ${4:-1} line(s): $err"
    sleep 0.3
    after=$(state)
    [ "$before" = "$after" ] || fail "$1: left behind: $(diff <(echo "$before") <(echo "$after"))"
}

case_failed_creates() {
    echo "junk, not an ELF" >"$PVSTACK_ROOT/junk.elf"
    "$XM" create "$(t_pv_cfg ok1)" || fail "create ok1"
    fail_create missing "$(t_cfg f1 "$PVSTACK_ROOT/missing")" \
        "^xm: create: $PVSTACK_ROOT/missing: No such file or directory$"
    fail_create badelf "$(t_cfg f2 "$PVSTACK_ROOT/junk.elf")" \
        "^xm: create: $PVSTACK_ROOT/junk.elf: not an ELF file$"
    fail_create nonpv "$(t_cfg f3 /bin/true)" \
        "^xm: create: /bin/true: (not an executable ELF|no Xen ELF notes)"
    # xl's own line, then what did not fit
    fail_create bigmem "$(t_pv_cfg f4 'memory = 100000000')" \
        "^failed to free memory for the domain
xm: f4 needs 100000000 MiB, the host has [0-9]+ MiB free" 2
    fail_create dup "$(t_pv_cfg ok1)" '^xm: create: domain with name "ok1" already exists\.$'
    "$XM" destroy ok1
}

t_root
if [ ! -w /dev/kvm ] || [ ! -f "$GUEST" ]; then
    t_skip "xm at scale" "no writable /dev/kvm or no guest kernel"
    t_done
    exit
fi
t_xm_daemons || fail "daemons"
t_case "20 domains at once, all destroyed, nothing left" case_twenty
t_case "failed creates leave nothing behind" case_failed_creates
t_done
