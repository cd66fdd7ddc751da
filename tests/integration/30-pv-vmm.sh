#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# pvstack-vmm on its own (no xm, no store): boots the tiny PV test kernels
# at CPL3 under KVM and checks the console line, shutdown reasons, crash
# reports (rip/cr2), and the one-line errors for kernels that are not PV.
. "$(dirname "$0")/lib.sh"
VMM=$BIN/pvstack-vmm
TK=$TOP/build/tests

# vmm_run NAME KERNEL [args]: run the VMM in the foreground until the guest
# shuts down (the test kernels stop themselves), then destroy it. Prints
# the status line; the log is $PVSTACK_ROOT/var/log/xen/vmm-NAME.log.
vmm_run() {
    local name=$1 kernel=$2 st
    shift 2
    st=$PVSTACK_ROOT/status-$name
    "$VMM" --domid "$((RANDOM % 30000 + 100))" --name "$name" --kernel "$kernel" \
        --memory-kb 16384 --status-fd 3 "$@" 3>"$st" 2>/dev/null &
    local pid=$!
    for _ in $(seq 100); do
        grep -q "shut down\|crashed\|create failed" \
            "$PVSTACK_ROOT/var/log/xen/vmm-$name.log" 2>/dev/null && break
        sleep 0.05
    done
    kill "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    cat "$st"
}
log_of() { cat "$PVSTACK_ROOT/var/log/xen/vmm-$1.log"; }

case_hello() {
    local st
    st=$(vmm_run hello "$TK/pvtest-hello.elf")
    assert_match "$st" '^OK [0-9]+ [0-9]+ 1 2$'
    assert_match "$(log_of hello)" 'console: pvtest: hello'
    assert_match "$(log_of hello)" 'shut down: poweroff \(guest request\)'
    # the VMM removed its control socket when it went away
    [ -z "$(ls "$PVSTACK_ROOT/run/pvstack/" 2>/dev/null)" ] || fail "socket left"
}

case_reboot() {
    vmm_run reboot "$TK/pvtest-reboot.elf" >/dev/null
    assert_match "$(log_of reboot)" 'shut down: reboot'
}

case_crash() {
    vmm_run crash "$TK/pvtest-crash.elf" >/dev/null
    assert_match "$(log_of crash)" 'crashed: vcpu 0 triple fault.*rip 0x1[0-9a-f]+ .*cr2 0x7fff00000000'
}

case_compressed() {
    xz -c "$TK/pvtest-hello.elf" >"$PVSTACK_ROOT/k.xz"
    gzip -c "$TK/pvtest-hello.elf" >"$PVSTACK_ROOT/k.gz"
    vmm_run xz "$PVSTACK_ROOT/k.xz" >/dev/null
    assert_match "$(log_of xz)" 'console: pvtest: hello'
    vmm_run gz "$PVSTACK_ROOT/k.gz" >/dev/null
    assert_match "$(log_of gz)" 'console: pvtest: hello'
}

case_bad_kernels() {
    local st
    echo "not a kernel" >"$PVSTACK_ROOT/junk"
    st=$(vmm_run junk "$PVSTACK_ROOT/junk")
    assert_match "$st" "^ERR [0-9]+ $PVSTACK_ROOT/junk: not an ELF file$"
    st=$(vmm_run none "$PVSTACK_ROOT/missing")
    assert_match "$st" "^ERR 2 $PVSTACK_ROOT/missing: No such file"
    # A normal (non-PV) ELF: the test runner's own bash
    st=$(vmm_run bash /bin/bash)
    assert_match "$st" "^ERR [0-9]+ /bin/bash: (not an executable ELF|no Xen ELF notes)"
    st=$(vmm_run big "$TK/pvtest-hello.elf" --memory-kb $((1 << 40)))
    assert_match "$st" "^ERR 12 memory .* more than the host has free"
    [ -z "$(ls "$PVSTACK_ROOT/run/pvstack/" 2>/dev/null)" ] || fail "socket left"
}

case_guest_kernel() {
    local k=$TOP/build/guest/pvguest.elf.xz pid
    "$VMM" --domid 29999 --name guest --kernel "$k" --memory-kb 32768 \
        2>/dev/null &
    pid=$!
    for _ in $(seq 50); do
        grep -q 'pvstack guest: booting' "$PVSTACK_ROOT/var/log/xen/vmm-guest.log" 2>/dev/null && break
        sleep 0.1
    done
    kill "$pid"
    wait "$pid"
    assert_match "$(log_of guest)" 'console: pvstack guest: booting'
}

t_root
if [ ! -w /dev/kvm ]; then
    t_skip "pvstack-vmm boots PV test kernels" "no writable /dev/kvm"
    t_done
    exit
fi
t_case "hello kernel: console line, poweroff, socket removed" case_hello
t_case "reboot reason reported" case_reboot
t_case "unhandled fault is a crash with rip and cr2" case_crash
t_case "xz and gzip kernels boot" case_compressed
t_case "bad kernels: one-line error naming the file, nothing left" case_bad_kernels
if [ -f "$TOP/build/guest/pvguest.elf.xz" ]; then
    t_case "bundled guest kernel (xz) boots to its banner" case_guest_kernel
else
    t_skip "bundled guest kernel boots" "build/guest/pvguest.elf.xz not built"
fi
t_done
