#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# pvstack's own PV guest kernel (guest/, Mini-OS style) on real Xen: it
# boots from Xen's builder (ELF notes, hypercall page, start_info), maps
# the rest of its RAM with mmu_update, and its self-tests pass: store,
# events, timer, sched, smp, grant, traps, balloon; then blkfront against
# our blkback on a file vbd and netfront against our netback on xenbr0.
. /opt/xentests/lib.sh

# run_guest NAME TESTS [KEY=VALUE...]: create pvguest.cfg as NAME with
# extra="selftest=TESTS poweroff", wait for its summary line, print the log.
run_guest() {
    local name=$1 tests=$2 log t0
    shift 2
    log=$(conlog "$name")
    rm -f "$log"
    t0=$(now)
    xm create "$CFG/pvguest.cfg" "name=\"$name\"" "extra=\"selftest=$tests poweroff\"" "$@"
    wait_file "$log" '^selftest: [0-9]+ passed' 240 || { cat "$log"; diag "$name"; fail "no self-test summary from the guest"; }
    info "$name: create -> self-tests done $(since "$t0")s"
    tr -d '\r' < "$log" > "/tmp/$name.log"
    cat "/tmp/$name.log"
    wait_gone "$name" 60 || { diag "$name"; fail "the guest did not power off"; }
}

boots_on_xen() {
    run_guest pvg all
    grep -q '^pvguest: Xen PV, start_info ' /tmp/pvg.log
    grep -q '^xen: mapped [0-9]* more pages' /tmp/pvg.log
    for t in store events timer sched smp grant traps balloon; do
        grep -q "^selftest $t: PASS" /tmp/pvg.log || fail "selftest $t did not pass"
    done
    grep -q '^selftest: 8 passed, 0 failed' /tmp/pvg.log
}

t_case "own guest kernel boots on Xen, selftest=all passes" boots_on_xen
