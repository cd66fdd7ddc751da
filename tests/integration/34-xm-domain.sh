#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The domain library (toolstack/domain) through xm: a name is reserved
# atomically (three concurrent creates of one cfg make one domain), rename
# follows the cfg's name rule, shutdown -w returns once the domain has shut
# down (on_poweroff = 'preserve'), create and block-attach/network-attach
# accept and refuse the same specs, UUIDs and MACs are random, and the
# config is kept as libxl keeps it (list -l, config-update, restart under
# a new domid by the one domain monitor, PV and HVM alike).
. "$(dirname "$0")/lib.sh"

# PV guests need /dev/kvm; without it the cases that any domain serves run
# on HVM domains (QEMU, TCG) and the PV-only parts are skipped.
mkcfg() {
    local name=$1
    shift
    if [ "$KIND" = pv ]; then
        t_pv_cfg "$name" "$@"
        return
    fi
    { echo "type = 'hvm'"; echo "name = '$name'"; echo "memory = 128"
      echo "kernel = '$HVM_KERNEL'"; echo "ramdisk = '$HVM_INITRD'"
      echo "extra = 'console=ttyS0 quiet'"; echo "serial = 'pty'"
      printf '%s\n' "$@"; } >"$PVSTACK_ROOT/$name.cfg"
    echo "$PVSTACK_ROOT/$name.cfg"
}
# a PV cfg whatever the engine (its checks run before anything is built)
pvcfg() {
    local name=$1
    shift
    { echo "name = \"$name\""; echo "kernel = \"$TOP/build/guest/pvguest.elf\""
      echo "memory = 32"; printf '%s\n' "$@"; } >"$PVSTACK_ROOT/$name.cfg"
    echo "$PVSTACK_ROOT/$name.cfg"
}
# the guest is up: PV prints on its console, HVM on its serial pty
wait_up() {
    if [ "$KIND" = pv ]; then
        t_wait_console "$1" "pvstack guest: ready"
        return
    fi
    t_hvm_up "$1" 60
}
vmms() { ps -eo args | grep -cE "[p]vstack-vmm .*--name $1 |[q]emu-system.* -name $1(,| )"; }

# nothing of NAME anywhere: store, VMM process
no_trace() {
    ! "$XM" domid "$1" >/dev/null 2>&1 && [ "$(vmms "$1")" = 0 ]
}

case_concurrent_create() {
    local cfg i ok=0 n
    cfg=$(mkcfg dup)
    for i in 1 2 3; do
        "$XM" create -p "$cfg" >"$PVSTACK_ROOT/dup$i.out" 2>&1 &
    done
    for i in 1 2 3; do
        wait %$i && ok=$((ok + 1))
    done
    assert_eq "$ok" 1 "creates that succeeded"
    n=$("$XM" list | awk '$1 == "dup"' | wc -l)
    assert_eq "$n" 1 "domains named dup"
    assert_eq "$(grep -l 'domain with name "dup" already exists\.' "$PVSTACK_ROOT"/dup?.out | wc -l)" 2 \
        "losers with xl's message"
    assert_eq "$(vmms dup)" 1 "VMMs/QEMUs named dup"
    assert_eq "$(xenstore-list /local/domain | grep -vcx 0)" 1 "domains in the store"
    "$XM" destroy dup
}

case_rename_rules() {
    local id out
    "$XM" create -p "$(mkcfg rn1)" || fail "create"
    id=$("$XM" domid rn1)
    out=$("$XM" rename rn1 ../../etc/x 2>&1) && fail "rename to a path accepted"
    assert_match "$out" "^xm: rename: bad name: must not contain \`/'$"
    "$XM" rename rn1 "$(printf 'x\nDomain-0                                     0  9999     1     r-----       0.0')" 2>/dev/null &&
        fail "rename to a name with a newline accepted"
    "$XM" rename rn1 "" 2>/dev/null && fail "rename to an empty name accepted"
    "$XM" rename rn1 Domain-0 2>/dev/null && fail "rename to Domain-0 accepted"
    assert_eq "$("$XM" list | grep -c '^Domain-0 ')" 1 "Domain-0 rows"
    assert_eq "$("$XM" domname "$id")" rn1
    "$XM" create -p "$(mkcfg rn2)" || fail "create rn2"
    out=$("$XM" rename rn1 rn2 2>&1) && fail "rename to a taken name accepted"
    assert_match "$out" 'domain with name "rn2" already exists\.'
    "$XM" rename rn1 rn3 || fail "rename to a free name"
    assert_eq "$("$XM" domname "$id")" rn3
    assert_eq "$(xenstore-read "$(xenstore-read /local/domain/$id/vm)/name")" rn3
    assert_match "$("$XM" list -l rn3)" '"name": "rn3"' # the kept config follows
    "$XM" destroy rn3
    "$XM" destroy rn2
}

case_shutdown_wait_preserve() {
    "$XM" create "$(mkcfg sp1 "on_poweroff = 'preserve'")" || fail "create"
    wait_up sp1
    # xl returns when the domain has shut down; it stays, preserved.
    timeout 30 "$XM" shutdown -w sp1 || fail "shutdown -w did not return"
    assert_match "$(t_xm_row sp1)" ' ---s-- '
    "$XM" destroy sp1
    no_trace sp1 || fail "sp1 left behind"
}

# err_of CMD...: the reason after the last ': '-separated device prefix
reason() { sed -E 's/.*(format [a-z0-9]+ needs|backend=[^:]*: only dom0|no target).*/\1/'; }

case_create_attach_agree() {
    local spec ce ae img=$PVSTACK_ROOT/agree.img
    truncate -s 4M "$img"
    "$XM" create -p "$(mkcfg ag0)" || fail "create ag0"
    for spec in "qcow2:$img,xvdb,w" "$img,raw,xvdb,w,backend=nosuchdom" \
        ",raw,xvdb,r,devtype=cdrom"; do
        ce=$("$XM" create -p "$(pvcfg ag1 "disk = [ '$spec' ]")" 2>&1) &&
            fail "create accepted $spec"
        ae=$("$XM" block-attach ag0 "$spec" 2>&1) && fail "block-attach accepted $spec"
        [ "$(echo "$ce" | wc -l)" = 1 ] || fail "create: not one line: $ce"
        assert_eq "$(echo "$ce" | reason)" "$(echo "$ae" | reason)" "create vs attach on $spec"
        no_trace ag1 || fail "create of $spec left ag1 behind"
    done
    ce=$("$XM" create -p "$(pvcfg ag1 "vif = [ 'backend=nosuchdom' ]")" 2>&1) &&
        fail "create accepted vif backend=nosuchdom"
    ae=$("$XM" network-attach ag0 backend=nosuchdom 2>&1) && fail "network-attach accepted backend="
    assert_eq "$(echo "$ce" | reason)" "$(echo "$ae" | reason)" "create vs attach on vif backend="
    no_trace ag1 || fail "create with vif backend= left ag1 behind"
    if [ "$KIND" = pv ]; then # and both take a raw image
        "$XM" create -p "$(pvcfg ag1 "disk = [ '$img,raw,xvdb,w' ]")" || fail "create with raw disk"
        # one writer or many readers per image, as Xen's block script
        # checks sharing: ag1 writes agree.img, so ag0 may not even read it
        ae=$("$XM" block-attach ag0 "$img,raw,xvdc,r" 2>&1) &&
            fail "block-attach read-only of an image another domain writes"
        assert_match "$ae" "vbd [0-9]+: backend refused it: $img is in use read-write by a guest domain, and so cannot be attached read-only now\$"
        truncate -s 4M "$img.2"
        "$XM" block-attach ag0 "$img.2,raw,xvdc,r" || fail "block-attach of a raw disk"
        "$XM" destroy ag1
    fi
    "$XM" destroy ag0
}

case_random_ids() {
    local a b ma mb ns=pvt-xmdom$$ in=
    if [ "$KIND" = hvm ]; then # QEMU's taps go on xenbr0: a private one
        t_netns_xenbr0 "$ns"
        in="ip netns exec $ns"
    fi
    $in "$XM" create -p "$(mkcfg u1 "vif = [ '' ]")" || fail "create u1"
    $in "$XM" create -p "$(mkcfg u2 "vif = [ '' ]")" || fail "create u2"
    a=$(xenstore-read "/local/domain/$("$XM" domid u1)/vm")
    b=$(xenstore-read "/local/domain/$("$XM" domid u2)/vm")
    [ "$a" != "$b" ] || fail "both domains have $a"
    assert_match "$a" '^/vm/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'
    # the MAC each got is in its kept config, as libxl keeps it
    ma=$("$XM" list -l u1 | sed -n 's/.*"mac": "\(.*\)".*/\1/p')
    mb=$("$XM" list -l u2 | sed -n 's/.*"mac": "\(.*\)".*/\1/p')
    [ "$ma" != "$mb" ] || fail "both vifs have MAC $ma"
    assert_match "$ma" '^00:16:3e:[0-7][0-9a-f]:[0-9a-f]{2}:[0-9a-f]{2}$'
    "$XM" destroy u1
    "$XM" destroy u2
}

case_kept_config() {
    local id id2 uuid f out
    "$XM" create -p "$(mkcfg kc1 'vcpus = 2' 'maxmem = 160')" || fail "create"
    id=$("$XM" domid kc1)
    uuid=$(xenstore-read "/local/domain/$id/vm" | sed 's|^/vm/||')
    f=$PVSTACK_ROOT/var/lib/xen/userdata-d.$id.$uuid.libxl-json
    [ -s "$f" ] || fail "no kept config $f"
    out=$("$XM" list -l kc1)
    assert_match "$out" "\"kernel\": \"$(sed -n "s/^kernel = .\(.*\).$/\1/p" "$PVSTACK_ROOT/kc1.cfg")\""
    assert_match "$out" "\"uuid\": \"$uuid\""
    assert_match "$out" '"max_vcpus": 2'
    # config-update: no effect now, the next restart builds from it
    mkcfg kc1 'vcpus = 2' 'maxmem = 160' 'memory = 144' >/dev/null
    "$XM" config-update kc1 "$PVSTACK_ROOT/kc1.cfg" || fail "config-update"
    assert_match "$("$XM" list -l kc1)" '"target_memkb": 147456'
    "$XM" config-update kc1 "$(mkcfg kc2)" 2>/dev/null && fail "config-update to another name accepted"
    "$XM" unpause kc1
    # a PV guest acts on control/shutdown once up; HVM is reset by QEMU
    [ "$KIND" = pv ] && wait_up kc1
    # on_reboot = restart: the domain monitor rebuilds it from the kept
    # config under a new domid, whatever the type (as Xen)
    "$XM" reboot kc1 || fail "reboot"
    t_wait_for "id2=\$(\"$XM\" domid kc1) && [ \"\$id2\" != $id ]" 30 || fail "kc1 not restarted"
    id2=$("$XM" domid kc1)
    # listed once built (the name is in the store before)
    t_wait_for "t_xm_row kc1 | grep -qE '^kc1 +$id2 +144 '" 30 ||
        fail "kc1 not rebuilt from the updated config: $(t_xm_row kc1)"
    assert_eq "$(xenstore-read "/local/domain/$id2/vm")" "/vm/$uuid" "UUID kept across restart"
    [ ! -e "$f" ] || fail "kept config of the old domid left"
    "$XM" destroy kc1
    [ -z "$(ls "$PVSTACK_ROOT/var/lib/xen" | grep userdata-d)" ] || fail "kept config left after destroy"
}

t_root
if [ -w /dev/kvm ] && t_pv_devices_host dm; then
    KIND=pv
elif command -v qemu-system-x86_64 >/dev/null && t_hvm_guest; then
    KIND=hvm
    t_xm_daemons || { echo "not ok - xm daemons start"; exit 1; }
else
    t_skip "domain library" "neither /dev/kvm (PV) nor QEMU and a test kernel (HVM)"
    t_done; exit
fi
echo "# domains: $KIND"
t_case "three concurrent creates of one cfg: one domain, two xl errors" case_concurrent_create
t_case "rename: the cfg's name rule, taken names refused" case_rename_rules
t_case "shutdown -w returns once shut down (on_poweroff=preserve)" case_shutdown_wait_preserve
t_case "create and block/network-attach refuse the same specs" case_create_attach_agree
t_case "UUIDs and MACs are random" case_random_ids
t_case "config kept as libxl-json: list -l, config-update, restart" case_kept_config
t_done
