#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The xm/xl command frame: dispatch, prefixes, help and usage errors,
# `xm list` (Domain-0, xl's columns, -l JSON) and `xm info`.
. "$(dirname "$0")/lib.sh"
t_root

xl_is_xm() {
    [ -L "$BIN/xl" ] || fail "build/bin/xl is not a symlink"
    assert_eq "$(readlink "$BIN/xl")" xm
    assert_match "$("$BIN/xl" help)" '^Usage xl \[-vfNtT\] <subcommand> \[args\]'
    assert_match "$("$BIN/xm" help)" '^Usage xm \[-vfNtT\]'
}

help_texts() {
    local out
    out=$("$BIN/xm" help) || fail "help failed"
    for c in create list info block-attach network-attach; do
        assert_match "$out" "^ $c +[A-Z]"
    done
    out=$("$BIN/xm" help list)
    assert_match "$out" '^Usage: xm \[-vtT\] list \[options\] \[Domain\]'
    out=$("$BIN/xm" help create)
    assert_match "$out" '^Usage: xm \[-vtTfN\] create <ConfigFile>'
    out=$("$BIN/xm" list --help) || fail "list --help failed"
    assert_match "$out" '^Usage: xm \[-vtT\] list'
    out=$("$BIN/xm" help nosuch)
    assert_eq "$out" 'command "nosuch" not implemented'
}

usage_errors() {
    local out rc
    rc=0; out=$("$BIN/xm" frobnicate 2>&1 >/dev/null) || rc=$?
    assert_eq "$rc" 1 "unknown command"
    assert_match "$out" '^command not implemented'
    assert_match "$out" 'Usage xm \[-vfNtT\] <subcommand>'
    rc=0; out=$("$BIN/xm" -Q list 2>&1 >/dev/null) || rc=$?
    assert_eq "$rc" 1 "unknown global flag"
    assert_match "$out" '^unknown global option'
    rc=0; out=$("$BIN/xm" list -z 2>&1 >/dev/null) || rc=$?
    assert_eq "$rc" 1 "unknown list flag"
    assert_match "$out" "^option \`z' not supported."
    rc=0; out=$("$BIN/xm" create 2>&1 >/dev/null) || rc=$?
    assert_eq "$rc" 1 "create without a file"
    assert_match "$out" "^'xm create' requires at least 1 argument."
    rc=0; out=$("$BIN/xm" -N list 2>&1 >/dev/null) || rc=$?
    assert_eq "$rc" 1 "-N on list"
    assert_match "$out" 'does not implement -N'
    rc=0; "$BIN/xm" >/dev/null 2>&1 || rc=$?
    assert_eq "$rc" 1 "no command"
}

prefixes() {
    # unambiguous prefixes run the command, as xl's cmdtable_lookup
    assert_match "$("$BIN/xm" li)" '^Name +ID +Mem VCPUs'
    assert_match "$("$BIN/xm" inf)" '^host +: '
}

list_dom0() {
    local out row mem tot
    out=$("$BIN/xm" list) || fail "list failed"
    assert_eq "$(printf '%s\n' "$out" | head -1)" "$(printf 'Name                                        ID   Mem VCPUs\tState\tTime(s)')"
    row=$(printf '%s\n' "$out" | sed -n 2p)
    assert_match "$row" '^Domain-0 {32} {5}0 [ 0-9]{5} [ 0-9]{5}     r-----  [ 0-9]{6}\.[0-9]$'
    # Xen's books on the kvm engine (domain/hostmem.h): with no guests and
    # autoballoon, Domain-0 has the host less the frame-table overhead
    # (32 bytes a page, under 1%)
    tot=$(awk '/^MemTotal:/ {print int($2/1024)}' /proc/meminfo)
    mem=$(printf '%s\n' "$row" | awk '{print $3}')
    [ "$mem" -le "$tot" ] && [ "$mem" -ge $((tot * 98 / 100)) ] ||
        fail "Domain-0 memory $mem MiB is not the host's $tot MiB less Xen's overhead"
    assert_eq "$(printf '%s\n' "$row" | awk '{print $4}')" "$(getconf _NPROCESSORS_ONLN)" "Domain-0 vcpus"
    assert_eq "$("$BIN/xm" list Domain-0 | sed -n 2p | cut -c1-8)" Domain-0
    assert_eq "$("$BIN/xm" list 0 | wc -l)" 2
    out=$("$BIN/xm" list nosuch 2>&1) && fail "unknown domain listed"
    assert_eq "$out" "nosuch is an invalid domain identifier (rc=-6)"
}

list_long() {
    local out
    out=$("$BIN/xm" list -l) || fail "list -l failed"
    # the 4-space layout xendomains greps: "    {" and '        "domid": 0,'
    printf '%s\n' "$out" | grep -qx '    {' || fail "no element line"
    printf '%s\n' "$out" | grep -qx '        "domid": 0,' || fail "no domid line"
    assert_match "$out" '"name": "Domain-0"'
    if command -v python3 >/dev/null; then
        printf '%s' "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d[0]["domid"]==0 and d[0]["config"]["c_info"]["name"]=="Domain-0"' ||
            fail "list -l is not the expected JSON"
    fi
}

# A stand-in VMM: answers VMMCTL_INFO (include/proto/vmmctl.h) for domid $1.
fake_vmm() {
    python3 - "$PVSTACK_ROOT/run/pvstack/dom$1.sock" "$1" <<'PY' &
import socket, struct, sys
path, domid = sys.argv[1], int(sys.argv[2])
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.bind(path)
s.listen(4)
while True:
    c, _ = s.accept()
    magic, op, arg = struct.unpack("<IIQ", c.recv(64)[:16])
    # rc, nfds; domid, flags (blocked), reason, vcpus, online, pad;
    # cpu_ns, cur_pages, max_pages, ram_pages, total_pages, start_time
    info = struct.pack("<IIIIIIQQQQQQ", domid, 0x2, 0, 4, 3, 0,
                       12_300_000_000, 65536, 131072, 65536, 131072, 0)
    # then stats[3] (VMMCTL_PRECOPY/SAVE only): zeros
    c.send(struct.pack("<iI", 0, 0) + info + bytes(24))
    c.close()
PY
    # t_case runs us in a subshell: its own EXIT trap stops the fake
    FAKE_PID=$!
    trap 'kill $FAKE_PID 2>/dev/null' EXIT
    for _ in $(seq 50); do [ -S "$PVSTACK_ROOT/run/pvstack/dom$1.sock" ] && return; sleep 0.1; done
    fail "fake VMM did not start"
}

list_guests() {
    local out row
    command -v python3 >/dev/null || { echo "no python3"; exit 0; }
    fake_vmm 5
    out=$("$BIN/xm" list) || fail "list failed"
    row=$(printf '%s\n' "$out" | sed -n 3p)
    # no xenstored here: the name is libxl's NULL, as xl prints it
    assert_eq "$row" "$(printf '%-40s %5d %5d %5d     %s  %8.1f' '(null)' 5 256 3 -b---- 12.3)"
    assert_eq "$(printf '%s\n' "$out" | wc -l)" 3
    assert_eq "$("$BIN/xm" list 5 | sed -n 2p)" "$row"
    out=$("$BIN/xm" list -l 5)
    assert_match "$out" '"domid": 5,'
    assert_match "$out" '"max_memkb": 524288,'
}

list_names_from_store() {
    command -v python3 >/dev/null || { echo "no python3"; exit 0; }
    t_xenstored || fail "no xenstored"
    fake_vmm 6
    # one EXIT trap for both (each helper set its own)
    trap "kill $FAKE_PID 2>/dev/null; kill -TERM $XENSTORED_PID 2>/dev/null; wait $XENSTORED_PID 2>/dev/null" EXIT
    xenstore-write /local/domain/6/name web6 || fail "xenstore-write"
    assert_match "$("$BIN/xm" list | sed -n 3p)" '^web6 {36} {5}6 '
    assert_eq "$("$BIN/xm" list web6 | sed -n 2p | cut -c1-4)" web6
    assert_match "$("$BIN/xm" list -l web6)" '"name": "web6"'
    assert_match "$("$BIN/xm" -N block-attach web6 /x.img,,xvda)" '"vdev": "xvda"'
}

info_fields() {
    local out
    out=$("$BIN/xm" info) || fail "info failed"
    assert_match "$out" "^host +: $(uname -n)\$"
    assert_match "$out" "release +: $(uname -r)"
    assert_match "$out" "nr_cpus +: $(getconf _NPROCESSORS_ONLN)"
    assert_match "$out" "total_memory +: $(awk '/^MemTotal:/ {print int($2/1024)}' /proc/meminfo)"
    assert_match "$out" 'free_memory +: [0-9]+'
    # the Xen ABI the engine serves (the VMM's XENVER_version on kvm)
    assert_match "$out" 'xen_version +: 4\.17'
    assert_match "$out" 'xen_changeset +: pvstack [0-9]'
    for k in host release version machine nr_cpus total_memory free_memory xen_version; do
        printf '%s\n' "$out" | grep -qE "^$(printf '%-23s' "$k"): " || fail "no aligned $k line"
    done
}

t_case "xl is a symlink to xm and names itself" xl_is_xm
t_case "help, help CMD, CMD --help" help_texts
t_case "unknown command/flag: usage, exit 1" usage_errors
t_case "unambiguous command prefixes" prefixes
t_case "list shows Domain-0 in xl's columns" list_dom0
t_case "list -l is libxl-style JSON" list_long
t_case "list shows the engine's guests after Domain-0" list_guests
if command -v xenstore-write >/dev/null && [ -x "$BIN/xenstored" ]; then
    t_case "list names guests from the store" list_names_from_store
else
    t_skip "list names guests from the store" "no xenstored or xenstore-utils"
fi
t_case "info prints host facts as xl" info_fields
t_done
