#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xm on the kvm engine: 20 domains at once, then all destroyed with nothing
# left; and every failed create (missing kernel, bad ELF, memory larger
# than the host has free, duplicate name) leaves no VMM, socket, monitor
# or store entry behind.
. "$(dirname "$0")/lib.sh"
XM=$BIN/xm
GUEST=$TOP/build/guest/pvguest.elf.xz

xm_down() {
    local id p
    for id in $("$XM" list 2>/dev/null | awk 'NR>2 {print $2}'); do
        "$XM" destroy "$id"
    done
    for p in netback blkback xenconsoled xenstored; do
        [ -f "$PVSTACK_ROOT/run/$p.pid" ] && kill "$(cat "$PVSTACK_ROOT/run/$p.pid")"
    done
    sleep 0.2
}
cfg() {
    local name=$1 kernel=$2
    shift 2
    { echo "name = \"$name\""; echo "kernel = \"$kernel\""
      echo "memory = 32"; printf '%s\n' "$@"; } >"$PVSTACK_ROOT/$name.cfg"
    echo "$PVSTACK_ROOT/$name.cfg"
}
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
        "$XM" create "$(cfg "d$i" "$GUEST")" || fail "create d$i"
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

# fail_create NAME CFG MSG: create must fail with MSG and change nothing.
fail_create() {
    local before after err
    before=$(state)
    err=$("$XM" create "$2" 2>&1) && fail "$1: create succeeded"
    assert_match "$err" "$3"
    [ "$(echo "$err" | wc -l)" = 1 ] || fail "$1: not one line: $err"
    sleep 0.3
    after=$(state)
    [ "$before" = "$after" ] || fail "$1: left behind: $(diff <(echo "$before") <(echo "$after"))"
}

case_failed_creates() {
    echo "junk, not an ELF" >"$PVSTACK_ROOT/junk.elf"
    "$XM" create "$(cfg ok1 "$GUEST")" || fail "create ok1"
    fail_create missing "$(cfg f1 "$PVSTACK_ROOT/missing")" \
        "^xm: create: $PVSTACK_ROOT/missing: No such file or directory$"
    fail_create badelf "$(cfg f2 "$PVSTACK_ROOT/junk.elf")" \
        "^xm: create: $PVSTACK_ROOT/junk.elf: not an ELF file$"
    fail_create nonpv "$(cfg f3 /bin/true)" \
        "^xm: create: /bin/true: (not an executable ELF|no Xen ELF notes)"
    fail_create bigmem "$(cfg f4 "$GUEST" 'memory = 100000000')" \
        "more than the host has free"
    fail_create dup "$(cfg ok1 "$GUEST")" '^xm: create: domain with name "ok1" already exists\.$'
    "$XM" destroy ok1
}

t_root
if [ ! -w /dev/kvm ] || [ ! -f "$GUEST" ]; then
    t_skip "xm at scale" "no writable /dev/kvm or no guest kernel"
    t_done
    exit
fi
"$XM" daemons start >/dev/null || fail "daemons"
t_on_exit xm_down
t_case "20 domains at once, all destroyed, nothing left" case_twenty
t_case "failed creates leave nothing behind" case_failed_creates
t_done
