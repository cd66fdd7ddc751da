#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xenconsoled with real guests (pvstack-vmm and the bundled guest kernel,
# console entries written as libxl writes them): the tty path in the store,
# the guest's output on the pty and in guest-<name>.log, keyboard input back
# to the guest's shell, two guests at once, detach when a domain goes.
. "$(dirname "$0")/lib.sh"
GUEST=$TOP/build/guest/pvguest.elf.xz
for b in "$BIN/xenstored" "$BIN/xenconsoled" "$BIN/pvstack-vmm"; do
    [ -x "$b" ] || { t_skip "xenconsoled" "$(basename "$b") not built"; t_done; exit; }
done
if [ ! -w /dev/kvm ] || [ ! -f "$GUEST" ]; then
    t_skip "xenconsoled" "no writable /dev/kvm or no guest kernel"
    t_done; exit
fi
t_root
LOG=$PVSTACK_ROOT/var/log/xen
"$BIN/xenstored" -N >"$LOG/xenstored.log" 2>&1 &
t_on_exit "kill $!"
t_wait_for "[ -S '$XENSTORED_PATH' ]" 5
"$BIN/xenconsoled" -i -v --log=guest >"$LOG/xenconsoled.log" 2>&1 &
XCPID=$!
t_on_exit "kill $XCPID"
# Cases run in subshells: VMMs they start are killed from here.
kill_vmms() {
    local f
    for f in "$PVSTACK_ROOT"/vmm-*.pid; do
        [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
    done
}
t_on_exit kill_vmms

# boot ID NAME: start a guest under the VMM and write its console entries.
boot() {
    local id=$1 name=$2 st=$PVSTACK_ROOT/st-$1
    "$BIN/pvstack-vmm" --domid "$id" --name "$name" --kernel "$GUEST" \
        --memory-kb 32768 --status-fd 3 3>"$st" 2>/dev/null &
    echo $! >"$PVSTACK_ROOT/vmm-$id.pid"
    t_wait_for "[ -s '$st' ]" 5
    read -r ok _ cpfn _ cport <"$st"
    [ "$ok" = OK ] || fail "vmm: $(cat "$st")"
    xenstore-write "/local/domain/$id/name" "$name" \
        "/local/domain/$id/console/ring-ref" "$cpfn" \
        "/local/domain/$id/console/port" "$cport" \
        "/local/domain/$id/console/type" xenconsoled \
        "/local/domain/$id/console/output" pty \
        "/local/domain/$id/console/limit" 1048576
}
halt() {
    kill "$(cat "$PVSTACK_ROOT/vmm-$1.pid")" 2>/dev/null
    xenstore-rm "/local/domain/$1"
}
wait_tty() {
    local t
    for _ in $(seq 100); do
        t=$(xenstore-read "/local/domain/$1/console/tty" 2>/dev/null) &&
            [ -n "$t" ] && { echo "$t"; return 0; }
        sleep 0.1
    done
    fail "no console/tty for dom $1"
}
# wait_log NAME TEXT: the guest log has TEXT (10 s)
wait_log() {
    for _ in $(seq 100); do
        grep -qF -- "$2" "$LOG/console/guest-$1.log" 2>/dev/null && return 0
        sleep 0.1
    done
    fail "guest-$1.log lacks '$2': $(tail -3 "$LOG/console/guest-$1.log" 2>&1)"
}

case_tty_and_log() {
    local tty out=$PVSTACK_ROOT/tty-out
    boot 11 c11
    tty=$(wait_tty 11)
    assert_match "$tty" '^/dev/pts/[0-9]+$'
    timeout 8 cat "$tty" >"$out" &
    local reader=$!
    wait_log c11 "pvstack guest: booting"
    wait_log c11 "pvstack guest: ready"
    if grep -q 'shell' "$TOP/guest/README.md" 2>/dev/null ||
       [ -f "$TOP/guest/shell.c" ]; then
        printf 'info\r' >"$tty"
        wait_log c11 "vcpus online, "
    fi
    t_wait_for "grep -q ready '$out'" 5
    kill $reader 2>/dev/null
    grep -q "pvstack guest: ready" "$out" || fail "pty did not carry the output: $(head -c 300 "$out")"
}
t_case "guest output on the tty from the store and in guest-NAME.log; input reaches the guest" case_tty_and_log

case_two_guests_detach() {
    local t12 t13
    boot 12 c12
    boot 13 c13
    t12=$(wait_tty 12)
    t13=$(wait_tty 13)
    [ "$t12" != "$t13" ] || fail "two guests share $t12"
    wait_log c12 "pvstack guest: booting"
    wait_log c13 "pvstack guest: booting"
    halt 12
    t_wait_for "grep -q 'dom 12 console: detached' '$LOG/xenconsoled.log'" 5 ||
        fail "dom 12 not detached"
    halt 13
    halt 11
    t_wait_for "! ls -l /proc/$XCPID/fd | grep -q ptmx" 5
    assert_eq "$(ls -l /proc/$XCPID/fd | grep -c ptmx)" 0 "ptys left open"
    kill -0 $XCPID || fail "xenconsoled died"
}
t_case "two guests get their own ttys; consoles close when domains go" case_two_guests_detach

t_done
