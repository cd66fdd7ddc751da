#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Ganeti 3.0 as a real client: its own Xen HVM driver (Debian's ganeti-3.0,
# ganeti/hypervisor/hv_xen.py, xen_cmd = xl) drives pvstack through the
# `xl` on PATH (build/bin/xl). data/ganeti_hv.py only builds the objects
# Ganeti's node daemon would pass and calls the driver's methods: list
# parsing, node info (hypervisor memory >= 0, free memory falls when an
# instance starts), start with the cfg Ganeti writes (kernel = hvmloader,
# boot from its disk, on_poweroff = 'preserve'), balloon, soft stop (shutdown -w
# then destroy), reboot, and live migration through its socat command
# and `xl migrate-receive` behind socat.
T_TIMEOUT=${T_TIMEOUT:-120}
. "$(dirname "$0")/lib.sh"
XM=$BIN/xm
GNT=$TOP/tests/integration/data/ganeti_hv.py
# Debian's python, not whatever python3 PATH finds first: Ganeti's modules
# need Debian's python3-openssl and friends.
PY=/usr/bin/python3

if [ ! -f /usr/share/ganeti/3.0/ganeti/hypervisor/hv_xen.py ]; then
    t_skip "Ganeti's Xen driver" "Debian's ganeti-3.0 is not installed"
    t_done; exit
fi
for p in qemu-system-x86_64 xenstore-read extlinux socat mkfs.ext2; do
    command -v $p >/dev/null || { t_skip "Ganeti's Xen driver" "no $p"; t_done; exit; }
done
[ -f /usr/lib/syslinux/mbr/mbr.bin ] && t_hvm_guest ||
    { t_skip "Ganeti's Xen driver" "no syslinux MBR or HVM test kernel"; t_done; exit; }

# Ganeti's HVM cfg boots from its first disk (boot = 'cd'): an MBR disk
# with extlinux booting the HVM test kernel and initramfs, made once per
# kernel under build/hvm-guest (loop-mounted: mkfs.ext2 without 64bit and
# metadata_csum, which extlinux cannot read).
DISK0=$TOP/build/hvm-guest/ganeti-disk-${HVM_INITRD##*/initrd-}.img
make_disk() {
    local img=$DISK0.tmp loop m
    rm -f "$img"
    truncate -s 48M "$img"
    loop=$(losetup -f --show -o $((2048 * 512)) --sizelimit $((46 * 1048576)) "$img") || return 1
    mkfs.ext2 -q -O ^64bit,^metadata_csum "$loop" && m=$(mktemp -d) &&
        mount "$loop" "$m" && mkdir "$m/boot" &&
        cp "$HVM_KERNEL" "$m/boot/vmlinuz" && cp "$HVM_INITRD" "$m/boot/initrd.gz" &&
        printf '%s\n' "SERIAL 0 115200" "DEFAULT g" "TIMEOUT 1" "LABEL g" \
            " KERNEL vmlinuz" " APPEND initrd=initrd.gz console=ttyS0 quiet" \
            >"$m/boot/extlinux.conf" &&
        extlinux --install "$m/boot" >/dev/null 2>&1
    local rc=$?
    umount "$m" 2>/dev/null; rmdir "$m" 2>/dev/null; losetup -d "$loop"
    [ $rc = 0 ] || return 1
    # the MBR: syslinux's boot code, one bootable Linux partition at 1 MiB
    dd if=/usr/lib/syslinux/mbr/mbr.bin of="$img" conv=notrunc bs=440 count=1 2>/dev/null &&
        "$PY" -c 'import struct, sys
f = open(sys.argv[1], "r+b"); f.seek(446)
f.write(struct.pack("<B3sB3sII", 0x80, bytes.fromhex("002100"), 0x83,
                    bytes.fromhex("feffff"), 2048, 46 * 2048))
f.seek(510); f.write(bytes.fromhex("55aa"))' "$img" && mv "$img" "$DISK0"
}
[ -s "$DISK0" ] || make_disk || { echo "not ok - make the boot disk"; exit 1; }

t_root
R=$PVSTACK_ROOT
# Ganeti wants dom0_mem set (xm.1): free_memory is then what guests can use.
echo 'dom0_mem = "2048M"' >"$R/etc/xen/xl.conf"
t_xm_daemons || { echo "not ok - xm daemons start"; exit 1; }
export PATH=$BIN:$PATH GNT_CFGDIR=$R/etc/xen GNT_RUNDIR=$R/run/ganeti GNT_VNCPW=$R/vnc-pw
echo gnt-secret >"$GNT_VNCPW"
cp --sparse=always "$DISK0" "$R/disk0.img"
cp --sparse=always "$DISK0" "$R/disk1.img"
# Ganeti's migration daemon (socat) is started detached: stop it at exit.
t_on_exit "pkill -F '$R/run/ganeti/migration/socat.pid'"

gnt() { "$PY" "$GNT" "$@"; }
# field KEY of `gnt nodeinfo`
nodeinfo() { gnt nodeinfo | "$PY" -c "import json,sys; print(json.load(sys.stdin)['$1'])"; }
# Ganeti's tuple for NAME: name id mem vcpus state time (state 0: running)
gnt_row() {
    gnt list | "$PY" -c "import json,sys
for r in json.load(sys.stdin):
    if r[0] == '$1': print(*r)"
}
# wait for the guest's init on the serial console (Ganeti writes serial = 'pty')
# console_log NAME TAG: copy NAME's console to $R/NAME-TAG.out until the case ends
console_log() {
    local id tty
    id=$("$XM" domid "$1") || fail "no domain $1"
    tty=$(xenstore-read "/local/domain/$id/serial/0/tty" 2>/dev/null ||
        xenstore-read "/local/domain/$id/console/tty") || fail "$1: no console tty"
    cat "$tty" >"$R/$1-$2.out" 2>/dev/null &
    t_on_exit "kill $!"
}
guest_up() {
    local out=$R/$1-$2.out
    console_log "$1" "$2"
    t_wait_for "grep -q PVSTACK-GUEST-WAITING '$out'" 60 ||
        fail "$1 did not boot from Ganeti's disk: $(tail -c 300 "$out")"
}

case_node() {
    local out
    assert_eq "$(gnt verify)" None "Ganeti's Verify() with xen_cmd = xl"
    out=$(gnt nodeinfo) || fail "GetNodeInfo: $out"
    echo "# $out"
    [ "$(nodeinfo memory_total)" -gt 0 ] || fail "memory_total"
    [ "$(nodeinfo memory_free)" -gt 0 ] || fail "memory_free"
    assert_eq "$(nodeinfo memory_dom0)" 2048
    # Ganeti's hypervisor memory: total - free - every domain's memory
    [ "$(nodeinfo memory_hv)" -ge 0 ] || fail "negative hypervisor memory"
    [ "$(nodeinfo memory_hv)" -le $(($(nodeinfo memory_total) / 100)) ] ||
        fail "hypervisor memory $(nodeinfo memory_hv) MiB is more than 1%"
    assert_eq "$(nodeinfo cpu_total)" "$(nproc)"
    assert_eq "$(nodeinfo hv_version)" "[4, 17]"
    assert_match "$(gnt list)" '^\[\["Domain-0", 0, 2048, [0-9]+, 0, [0-9.]+\]\]$'
}

case_start() {
    local free0 cfg
    free0=$(nodeinfo memory_free)
    gnt start g1 "$R/disk0.img" 128 || fail "StartInstance"
    cfg=$GNT_CFGDIR/g1
    grep -q "^kernel = '/usr/lib/xen/boot/hvmloader'" "$cfg" || fail "not Ganeti's cfg: $(cat "$cfg")"
    grep -q "^on_poweroff = 'preserve'" "$cfg" || fail "no on_poweroff in $cfg"
    guest_up g1 start
    assert_match "$(gnt_row g1)" '^g1 [0-9]+ 128 1 0 [0-9.]+$'
    assert_eq "$(nodeinfo memory_free)" $((free0 - 128)) "free memory after the start"
    [ "$(nodeinfo memory_hv)" -ge 0 ] || fail "negative hypervisor memory with g1"
}

# The test guest has no balloon driver: as on Xen, xl list keeps showing
# Ganeti's xl migration: AcceptInstance starts `socat TCP-LISTEN:port
# SYSTEM:'xl migrate-receive'`, MigrateInstance runs `xl migrate -s "socat
# -b524288 - TCP:host:port #" -C cfg g1 host` (here both ends on this host:
# the source is g1--migratedaway meanwhile), then both sides finalize.
case_migrate() {
    local id0 port=$((20000 + $$ % 10000))
    id0=$("$XM" domid g1)
    gnt accept g1 $port || fail "AcceptInstance"
    out=$(timeout 90 "$PY" "$GNT" migrate g1 $port) || fail "MigrateInstance: $out"
    gnt finalize-dst g1 1 || fail "FinalizeMigrationDst"
    gnt finalize-src g1 1 || fail "FinalizeMigrationSource"
    [ "$("$XM" domid g1)" != "$id0" ] || fail "g1 not migrated"
    [ -z "$(gnt_row g1--migratedaway)" ] || fail "the source is left"
    assert_match "$(gnt_row g1)" '^g1 [0-9]+ 128 1 0 [0-9.]+$'
}

# what it holds; the target is what xl mem-set sets.
case_balloon() {
    local id
    id=$("$XM" domid g1)
    gnt balloon g1 96 || fail "BalloonInstanceMemory"
    assert_eq "$(xenstore-read "/local/domain/$id/memory/target")" $((96 * 1024))
    grep -q '^memory = 96$' "$GNT_CFGDIR/g1" || fail "Ganeti's sed of the cfg"
    gnt balloon g1 128 || fail "balloon back"
}

case_stop() {
    local out free
    free=$(nodeinfo memory_free)
    console_log g1 stop
    out=$(timeout 60 "$PY" "$GNT" stop g1) || fail "StopInstance: $out"
    [ -z "$(gnt_row g1)" ] || fail "g1 still listed"
    [ ! -e "$GNT_CFGDIR/g1" ] || fail "Ganeti's cfg left behind"
    assert_eq "$(nodeinfo memory_free)" $((free + 128))
    # the guest powered off on the ACPI button (not destroyed while running)
    grep -q PVSTACK-GUEST-POWERDOWN "$R/g1-stop.out" || fail "no ACPI poweroff seen"
}

# A second instance, not waited for (SeaBIOS is enough for a reset): reboot
# gives it a new domain id, as on Xen; a forced stop destroys it.
case_reboot() {
    local id0
    gnt start g2 "$R/disk1.img" 128 || fail "StartInstance g2"
    id0=$("$XM" domid g2)
    gnt reboot g2 || fail "RebootInstance"
    [ "$("$XM" domid g2)" != "$id0" ] || fail "same domain id after reboot"
    gnt stop g2 --force || fail "StopInstance --force"
    [ -z "$(gnt_row g2)" ] || fail "g2 still listed"
}

t_case "Ganeti Verify/GetNodeInfo/list: xl info and xl list parsed" case_node
t_case "Ganeti StartInstance: its HVM cfg boots its disk; free memory falls" case_start
t_case "Ganeti BalloonInstanceMemory (xl mem-set)" case_balloon
t_case "Ganeti AcceptInstance/MigrateInstance: xl migrate through socat" case_migrate
t_case "Ganeti StopInstance: shutdown -w (preserve) then destroy" case_stop
t_case "Ganeti RebootInstance: a new domain id; forced stop" case_reboot
t_done
