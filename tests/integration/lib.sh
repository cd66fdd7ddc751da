# SPDX-License-Identifier: GPL-2.0-only
# Shared helpers for integration tests: TAP output, a 60 s bound per case,
# a private PVSTACK_ROOT, and cleanup of whatever a test started.
#
#   . "$(dirname "$0")/lib.sh"
#   t_case "name" fn       # runs fn in a subshell; ok/not ok; 60 s timeout
#   t_skip "name" "why"
#   t_done                 # prints the plan, exits non-zero on failure
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=$TOP/build/bin
T_N=0
T_FAIL=0
T_TIMEOUT=${T_TIMEOUT:-60}
T_CLEANUP=()

# A private root: /run, /var/lib/xen, /var/log/xen, /etc/xen live under it.
t_root() {
    PVSTACK_ROOT=$(mktemp -d /tmp/pvstack-test.XXXXXX)
    export PVSTACK_ROOT
    export XENSTORED_PATH=$PVSTACK_ROOT/run/xenstored/socket
    mkdir -p "$PVSTACK_ROOT"/{run/xenstored,run/pvstack,var/lib/xen,var/log/xen,etc/xen}
    t_on_exit "rm -rf '$PVSTACK_ROOT'"
}

# Run a command at exit, last registered first.
t_on_exit() { T_CLEANUP=("$1" "${T_CLEANUP[@]}"); }
t_cleanup() {
    local c
    for c in "${T_CLEANUP[@]}"; do eval "$c" >/dev/null 2>&1 || true; done
    T_CLEANUP=()
}
trap t_cleanup EXIT

t_case() {
    local name=$1 fn=$2 rc out
    T_N=$((T_N + 1))
    out=$(mktemp)
    # A case is a subshell, which does not inherit the EXIT trap: give it its
    # own cleanup list, so t_on_exit inside a case cleans up at the case's end.
    ( T_CLEANUP=(); trap t_cleanup EXIT; trap "exit 143" TERM; "$fn" ) >"$out" 2>&1 &
    local pid=$!
    # The watchdog reaps its own sleep when cancelled, so nothing of it
    # outlives the case (a pipe from this script would wait for it).
    ( trap 'kill $s 2>/dev/null; exit 0' TERM
      sleep "$T_TIMEOUT" & s=$!; wait $s
      kill -TERM -- "$pid" 2>/dev/null; pkill -TERM -P "$pid" 2>/dev/null ) &
    local wd=$!
    wait "$pid"; rc=$?
    kill "$wd" 2>/dev/null; wait "$wd" 2>/dev/null
    if [ $rc = 0 ]; then
        echo "ok $T_N - $name"
    else
        [ $rc -ge 128 ] && echo "# timed out or killed after ${T_TIMEOUT}s (rc $rc)"
        echo "not ok $T_N - $name"
        sed 's/^/#   /' "$out"
        T_FAIL=$((T_FAIL + 1))
    fi
    rm -f "$out"
}

t_skip() {
    T_N=$((T_N + 1))
    echo "ok $T_N - $1 # SKIP $2"
}

# t_case_pv NAME FN SKIPNAME WHY: t_case NAME FN where a PV guest boots
# (/dev/kvm writable, the bundled guest built); else t_skip SKIPNAME WHY.
t_case_pv() {
    if [ -w /dev/kvm ] && [ -f "$TOP/build/guest/pvguest.elf.xz" ]; then
        t_case "$1" "$2"
    else
        t_skip "$3" "$4"
    fi
}

t_done() {
    echo "1..$T_N"
    [ $T_FAIL = 0 ]
}

# Assertions that say what went wrong.
fail() { echo "FAIL: $*" >&2; exit 1; }
assert_eq() { [ "$1" = "$2" ] || fail "expected '$2', got '$1'${3:+ ($3)}"; }
assert_match() { printf '%s' "$1" | grep -qE -- "$2" || fail "'$1' does not match /$2/"; }

# Start build/bin/xenstored on the t_root socket ($XENSTORED_PATH), extra
# daemon flags in "$@"; wait until it answers; stop it (SIGTERM) at exit:
# at script exit when called at top level, at the case's end when called
# inside a t_case function.
# Sets XENSTORED_PID. Needs t_root first.
t_xenstored() {
    local i
    "$BIN/xenstored" -N --pid-file "$PVSTACK_ROOT/run/xenstored.pid" "$@" \
        </dev/null >/dev/null 2>&1 &
    XENSTORED_PID=$!
    t_on_exit "kill -TERM $XENSTORED_PID; wait $XENSTORED_PID"
    for i in $(seq 100); do
        xenstore-exists /tool >/dev/null 2>&1 && return 0
        kill -0 "$XENSTORED_PID" 2>/dev/null || break
        sleep 0.05
    done
    echo "t_xenstored: xenstored did not come up" >&2
    return 1
}

# t_wait_key PATH VALUE: poll the store for up to 10 s.
t_wait_key() {
    local v i
    for i in $(seq 100); do
        v=$(xenstore-read "$1" 2>/dev/null) && [ "$v" = "$2" ] && return 0
        sleep 0.1
    done
    fail "$1 is '$(xenstore-read "$1" 2>&1)', want '$2'"
}
# t_add_vbd DOMID DEVID PARAMS MODE: the keys libxl writes (libxl_disk.c).
t_add_vbd() {
    local be=/local/domain/0/backend/vbd/$1/$2 fe=/local/domain/$1/device/vbd/$2
    xenstore-write "$fe/backend" "$be" "$fe/backend-id" 0 "$fe/state" 1 \
        "$fe/virtual-device" "$2" "$fe/device-type" disk \
        "$be/frontend" "$fe" "$be/params" "$3" "$be/frontend-id" "$1" \
        "$be/online" 1 "$be/removable" 0 "$be/bootable" 1 "$be/dev" xvda \
        "$be/type" phy "$be/mode" "$4" "$be/device-type" disk "$be/state" 1
}

# t_add_vif DOMID DEVID [key value]...: libxl_nic.c's keys.
t_add_vif() {
    local d=$1 i=$2 be=/local/domain/0/backend/vif/$1/$2 fe=/local/domain/$1/device/vif/$2
    shift 2
    local extra=() k
    while [ $# -ge 2 ]; do extra+=("$be/$1" "$2"); shift 2; done
    xenstore-write "$fe/backend" "$be" "$fe/backend-id" 0 "$fe/state" 1 \
        "$fe/handle" "$i" "$be/frontend" "$fe" "$be/frontend-id" "$d" \
        "$be/online" 1 "$be/handle" "$i" "$be/type" vif "${extra[@]}" \
        "$be/state" 1
}

# HVM test guest (tests 7x): Debian's cloud kernel and a busybox initramfs
# (cached under build/hvm-guest) whose /init prints PVSTACK-GUEST-UP on
# ttyS0 and then acts on pvtest= from its cmdline: "poweroff" (default)
# powers off on the ACPI power button, "reboot" reboots after 1 s (so a
# console reader sees the line before QEMU may go), "panic"
# panics (pvpanic tells QEMU). Sets HVM_KERNEL, HVM_INITRD; returns 1 when
# the kernel or busybox is missing (the caller skips).
t_hvm_guest() {
    local k kver mods dir tmp
    k=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -1)
    [ -n "$k" ] && [ -x /bin/busybox ] && command -v cpio >/dev/null || return 1
    kver=${k#/boot/vmlinuz-}
    mods=/lib/modules/$kver/kernel
    HVM_KERNEL=$k
    HVM_INITRD=$TOP/build/hvm-guest/initrd-v3-$kver.gz
    [ -s "$HVM_INITRD" ] && return 0
    tmp=$(mktemp -d)
    dir=$tmp/root
    mkdir -p "$dir"/{bin,lib,proc,sys,dev} "$TOP/build/hvm-guest"
    cp /bin/busybox "$dir/bin/"
    cp "$mods/drivers/input/evdev.ko" "$mods/drivers/acpi/button.ko" "$dir/lib/"
    cp "$mods"/drivers/misc/pvpanic/pvpanic{,-mmio}.ko "$dir/lib/" 2>/dev/null
    cat >"$dir/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
for m in evdev button pvpanic pvpanic-mmio; do
    [ -f /lib/$m.ko ] && insmod /lib/$m.ko 2>/dev/null
done
mode=poweroff
for w in $(cat /proc/cmdline); do case $w in pvtest=*) mode=${w#pvtest=};; esac; done
echo "PVSTACK-GUEST-UP mode=$mode"
case $mode in
reboot) sleep 1; reboot -f ;;
panic) echo c >/proc/sysrq-trigger ;;
esac
ev=
for i in /sys/class/input/event*; do
    grep -q "Power Button" "$i/device/name" 2>/dev/null && ev=/dev/input/${i##*/}
done
echo "PVSTACK-GUEST-WAITING $ev"
dd if="$ev" bs=24 count=1 of=/dev/null 2>/dev/null
echo "PVSTACK-GUEST-POWERDOWN"
# let the console reader drain the pty before QEMU exits and closes it
sleep 1
poweroff -f
INIT
    chmod +x "$dir/init"
    (cd "$dir" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$tmp/initrd.gz" &&
        mv "$tmp/initrd.gz" "$HVM_INITRD"
    rm -rf "$tmp"
    [ -s "$HVM_INITRD" ]
}

# t_hvm_xm WHAT [WHY CMD...]: skips the test (WHAT is its name) and exits
# unless QEMU, the HVM test guest, xenstore-utils and each CMD (a command
# or an executable's path) are here, saying WHY (default: "no QEMU, test
# kernel or xenstore-utils"); else a t_root with xm's daemons running.
t_hvm_xm() {
    local c ok=1
    if ! command -v qemu-system-x86_64 >/dev/null || ! t_hvm_guest ||
        ! command -v xenstore-read >/dev/null; then
        ok=
    fi
    for c in "${@:3}"; do
        [ -n "$ok" ] && ! command -v "$c" >/dev/null && ok=
    done
    if [ -z "$ok" ]; then
        t_skip "$1" "${2:-no QEMU, test kernel or xenstore-utils}"
        t_done; exit
    fi
    t_root
    t_xm_daemons || { echo "not ok - xm daemons start"; exit 1; }
}
# t_hvm_cfg NAME [LINE...]: an HVM cfg for the test guest in $PVSTACK_ROOT
# (128 MiB, serial console on a pty, quiet kernel); prints its path. A
# LINE that sets a key again (extra = ...) wins.
t_hvm_cfg() {
    local name=$1
    shift
    { echo "type = 'hvm'"; echo "name = '$name'"; echo "memory = 128"
      echo "kernel = '$HVM_KERNEL'"; echo "ramdisk = '$HVM_INITRD'"
      echo "serial = 'pty'"; echo "extra = 'console=ttyS0 quiet'"
      printf '%s\n' "$@"; } >"$PVSTACK_ROOT/$name.cfg"
    echo "$PVSTACK_ROOT/$name.cfg"
}
# t_hvm_console NAME FILE: the guest's serial output (the store's
# console/tty) from now on into FILE, until the case or script ends.
t_hvm_console() {
    local id tty
    id=$("$XM" domid "$1") || fail "no domid for $1"
    tty=$(xenstore-read "/local/domain/$id/console/tty") || fail "no tty for $1"
    cat "$tty" >"$2" 2>/dev/null &
    t_on_exit "kill $!"
}
# t_hvm_up NAME [SECS]: NAME's serial output from now on into
# $PVSTACK_ROOT/NAME.out; waits up to SECS (default 40) for the guest's
# shell to wait on the power button.
t_hvm_up() {
    local out=$PVSTACK_ROOT/$1.out
    t_hvm_console "$1" "$out"
    t_wait_for "grep -q PVSTACK-GUEST-WAITING '$out'" "${2:-40}" ||
        fail "$1 not up: $(cat "$out")"
}
# t_hvm_boot NAME CFG: CFG created paused, its console into
# $PVSTACK_ROOT/NAME.boot, unpaused; returns when the guest's shell waits
# on the power button.
t_hvm_boot() {
    "$XM" create -p "$2" || fail "create $1"
    t_hvm_console "$1" "$PVSTACK_ROOT/$1.boot"
    "$XM" unpause "$1" || fail "unpause $1"
    t_wait_for "grep -q PVSTACK-GUEST-WAITING '$PVSTACK_ROOT/$1.boot'" 50 ||
        fail "$1 not up: $(cat "$PVSTACK_ROOT/$1.boot")"
}
# t_hvm_carries_on NAME: a guest restored (migrated, reverted) after
# t_hvm_boot carries on where it was: the shell that waited on the power
# button sees xm shutdown's press, nothing boots again, and the domain goes.
t_hvm_carries_on() {
    local out=$PVSTACK_ROOT/$1.after
    t_hvm_console "$1" "$out"
    "$XM" shutdown "$1" || fail "shutdown $1"
    t_wait_for "grep -q PVSTACK-GUEST-POWERDOWN '$out'" 30 ||
        fail "$1 did not carry on: $(cat "$out")"
    ! grep -q PVSTACK-GUEST-UP "$out" || fail "$1 booted again"
    t_wait_for "! t_xm_listed $1" 20 || fail "$1 left after poweroff"
}
# t_xm_uuid NAME: the domain's UUID as the store has it.
t_xm_uuid() { xenstore-read "$(xenstore-read "/local/domain/$("$XM" domid "$1")/vm")/uuid"; }

# Wait up to $2 seconds (default 30) for command $1 to succeed.
t_wait_for() {
    local i n=$(( ${2:-30} * 10 ))
    for ((i = 0; i < n; i++)); do
        eval "$1" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    return 1
}

# t_fd_closed PID PATH: up to 5 s for process PID to hold no descriptor
# on PATH (a backend letting go of a disk image). Returns 1 if it still does.
t_fd_closed() { t_wait_for "! ls -l /proc/$1/fd | grep -qF -- '$2'" 5; }
# t_links_gone LINK...: up to 5 s for the links to go from the netns $NS.
t_links_gone() {
    local l
    for l in "$@"; do
        t_wait_for "! nsx ip link show $l" 5 || return 1
    done
}

# t_lvm_vg VG: a volume group VG on a loop device over a 64 MiB
# $PVSTACK_ROOT/pv.img; sets LVM_PV (that loop device, also written to
# $PVSTACK_ROOT/pv.dev for the cleanup outside a case). Its LVs are the
# caller's; t_lvm_vg_rm VG [LV...] takes the LVs' block devices, VG, PV and
# loop device down again.
t_lvm_vg() {
    export LVM_SUPPRESS_FD_WARNINGS=1
    truncate -s 64M "$PVSTACK_ROOT/pv.img"
    LVM_PV=$(losetup -f --show "$PVSTACK_ROOT/pv.img") || { echo "t_lvm_vg: losetup" >&2; return 1; }
    echo "$LVM_PV" >"$PVSTACK_ROOT/pv.dev"
    pvcreate -q "$LVM_PV" && vgcreate -q "$1" "$LVM_PV"
}
t_lvm_vg_rm() {
    local vg=$1 lv
    shift
    export LVM_SUPPRESS_FD_WARNINGS=1
    for lv in "$@"; do t_lv_blockdev_rm "$vg" "$lv"; done
    vgremove -q -f "$vg" >/dev/null 2>&1
    if [ -f "$PVSTACK_ROOT/pv.dev" ]; then
        pvremove -q "$(cat "$PVSTACK_ROOT/pv.dev")" >/dev/null 2>&1
        losetup -d "$(cat "$PVSTACK_ROOT/pv.dev")"
    fi
}
# t_case_lvm NAME FN SKIPNAME VG LV: where lvm2 is installed, t_case NAME
# FN with t_lvm_vg_rm VG LV at exit; else t_skip SKIPNAME.
t_case_lvm() {
    if command -v lvcreate >/dev/null; then
        t_on_exit "t_lvm_vg_rm $4 $5"
        t_case "$1" "$2"
    else
        t_skip "$3" "lvm2 not installed"
    fi
}
# t_lv_blockdev VG LV: our kernel has no device-mapper, so lvm2 can create
# an LV (lvcreate --driverloaded n -an -Zn) but not activate it. Make its
# block device ourselves: a loop device over the LV's PV at the LV's extent
# offset and size, linked at /dev/VG/LV. Single-segment LVs only. Prints the
# loop device; the caller removes it (t_lv_blockdev_rm VG LV).
t_lv_blockdev() {
    local vg=$1 lv=$2 seg pv first pe_start ext size loop
    export LVM_SUPPRESS_FD_WARNINGS=1
    seg=$(lvs --noheadings -o seg_pe_ranges "$vg/$lv" 2>/dev/null | tr -d ' ')
    pv=${seg%%:*}
    first=${seg#*:}; first=${first%%-*}
    [ -b "$pv" ] && [ -n "$first" ] || { echo "t_lv_blockdev: $vg/$lv: no segment" >&2; return 1; }
    pe_start=$(pvs --noheadings --units b --nosuffix -o pe_start "$pv" 2>/dev/null | tr -d ' ')
    ext=$(vgs --noheadings --units b --nosuffix -o vg_extent_size "$vg" 2>/dev/null | tr -d ' ')
    size=$(lvs --noheadings --units b --nosuffix -o lv_size "$vg/$lv" 2>/dev/null | tr -d ' ')
    loop=$(losetup -f --show -o $((pe_start + first * ext)) --sizelimit "$size" "$pv") || return 1
    mkdir -p "/dev/$vg" && ln -sf "$loop" "/dev/$vg/$lv"
    echo "$loop"
}
t_lv_blockdev_rm() {
    local loop
    loop=$(readlink "/dev/$1/$2") || return 0
    rm -f "/dev/$1/$2"; rmdir "/dev/$1" 2>/dev/null
    losetup -d "$loop"
}

# t_netns_xenbr0 NS: a network namespace NS with a bridge xenbr0 up (where
# QEMU's or netback's taps go), deleted at exit.
t_netns_xenbr0() {
    ip netns add "$1" || fail "netns"
    t_on_exit "ip netns del $1"
    ip -n "$1" link add xenbr0 type bridge
    ip -n "$1" link set xenbr0 up
}

# PV guests with devices (tests 52-54). Starts xenstored, blkback here and
# netback inside a private netns pvt-$1$$ whose bridge xenbr0 has a veth
# with 10.0.0.1/24 on our side (tests never touch the host's bridges), with
# the sockets and pid files xm looks for, so `xm daemons start` leaves them
# be. Sets XM, GUEST, LOG, NS, BBPID, NBPID; nsx runs a command in NS.
# Call at top level after t_root. Returns 1 (the caller skips) without a
# writable /dev/kvm or the guest kernel, or when xm cannot start the rest.
t_pv_devices_host() {
    XM=$BIN/xm
    GUEST=$TOP/build/guest/pvguest.elf.xz
    LOG=$PVSTACK_ROOT/var/log/xen
    [ -w /dev/kvm ] && [ -f "$GUEST" ] || return 1
    "$BIN/xenstored" -N >"$LOG/xenstored.log" 2>&1 &
    t_on_exit "kill $!"
    for _ in $(seq 50); do [ -S "$XENSTORED_PATH" ] && break; sleep 0.1; done
    "$BIN/blkback" -i -v --pid-file="$PVSTACK_ROOT/run/blkback.pid" \
        >"$LOG/blkback.log" 2>&1 &
    BBPID=$!
    t_on_exit "kill $BBPID"
    NS=pvt-$1$$
    t_netns_xenbr0 "$NS"
    nsx sh -ec 'ip link set lo up
        ip link add veth-h type veth peer name veth-b
        ip link set veth-b master xenbr0; ip link set veth-b up
        ip addr add 10.0.0.1/24 dev veth-h; ip link set veth-h up'
    # not through nsx: $! must be netback itself (ip netns exec execs it)
    ip netns exec "$NS" "$BIN/netback" -i -v \
        --pid-file="$PVSTACK_ROOT/run/netback.pid" >"$LOG/netback.log" 2>&1 &
    NBPID=$!
    t_on_exit "kill $NBPID"
    for _ in $(seq 50); do
        [ -s "$PVSTACK_ROOT/run/blkback.pid" ] &&
            [ -s "$PVSTACK_ROOT/run/netback.pid" ] && break
        sleep 0.1
    done
    "$XM" daemons start >/dev/null 2>&1 || return 1
    t_on_exit t_pv_stop_all
}
nsx() { ip netns exec "$NS" "$@"; }
t_pv_stop_all() {
    t_xm_destroy_all
    [ -f "$PVSTACK_ROOT/run/xenconsoled.pid" ] &&
        kill "$(cat "$PVSTACK_ROOT/run/xenconsoled.pid")"
}
t_xm_destroy_all() {
    local id
    for id in $("$XM" list 2>/dev/null | awk 'NR>2 {print $2}'); do
        "$XM" destroy "$id"
    done
}
# t_xm_daemons: xm starts its daemons (xenstored, xenconsoled, blkback and
# netback where built) under our root; at exit every domain is destroyed
# and every daemon stopped.
t_xm_daemons() {
    XM=$BIN/xm
    "$XM" daemons start >/dev/null || return 1
    t_on_exit t_xm_daemons_stop
}
t_xm_daemons_stop() {
    local p
    t_xm_destroy_all
    sleep 0.3 # the backends tear down the destroyed domains' devices
    for p in netback blkback xenconsoled xenstored; do
        [ -f "$PVSTACK_ROOT/run/$p.pid" ] && kill "$(cat "$PVSTACK_ROOT/run/$p.pid")"
    done
    sleep 0.2
}
# t_target_root: a second state root for a migration's target, R2 under
# R1 (this test's root), with its own xenstored at XS2; its daemons are
# stopped at exit. ON2 CMD...: CMD (a lib.sh helper) on the target root;
# X2 ...: xm there.
t_target_root() {
    R1=$PVSTACK_ROOT
    R2=$R1/target
    XS2=$R2/run/xenstored/socket
    mkdir -p "$R2"/{run/xenstored,run/pvstack,var/lib/xen,var/log/xen,etc/xen}
    t_on_exit "ON2 t_xm_daemons_stop"
}
ON2() { PVSTACK_ROOT=$R2 XENSTORED_PATH=$XS2 "$@"; }
X2() { ON2 "$XM" "$@"; }
# t_fakessh FILE [ENV...]: an "ssh" that drops the host and runs the
# command on the target root (after t_target_root), its stderr in
# R1/receiver.log.
t_fakessh() {
    local f=$1
    shift
    { echo "#!/bin/sh"; echo "shift"
      echo "export PVSTACK_ROOT=$R2 XENSTORED_PATH=$XS2 PATH=$BIN:\$PATH $*"
      echo "exec \"\$@\" 2>>$R1/receiver.log"; } >"$f"
    chmod +x "$f"
}
# t_save_restore NAME IMG: xm save of domain NAME into IMG (an xl image,
# the domain gone), then xm restore: NAME again, under a new domid, with
# its UUID.
t_save_restore() {
    local id1 u1 out
    id1=$("$XM" domid "$1")
    u1=$(t_xm_uuid "$1")
    out=$("$XM" save "$1" "$2" 2>&1) || fail "save: $out $(t_vmmlog "$1" | tail -5)"
    assert_match "$out" "Saving to $2 new xl format"
    ! t_xm_listed "$1" || fail "$1 still listed after save"
    assert_eq "$(head -c 27 "$2")" "Xen saved domain, xl format"
    out=$("$XM" restore "$2" 2>&1) || fail "restore: $out $(t_vmmlog "$1" | tail -5)"
    assert_match "$out" "Loading new save file $2"
    t_xm_listed "$1" || fail "$1 not restored"
    [ "$("$XM" domid "$1")" != "$id1" ] || fail "restored under the same domid $id1"
    assert_eq "$(t_xm_uuid "$1")" "$u1" "UUID kept"
}
# t_checkpoint_restores NAME IMG COUNT WHAT: with NAME running, xm restore
# of its checkpoint IMG is refused and leaves no WHAT (the command COUNT
# counts them); once NAME is destroyed, restore -p brings it back paused.
t_checkpoint_restores() {
    local n out
    n=$($3)
    out=$("$XM" restore "$2" 2>&1) && fail "restore of a running name succeeded"
    assert_match "$out" "domain with name \"$1\" already exists"
    assert_eq "$($3)" "$n" "no $4 left by the refused restore"
    "$XM" destroy "$1"
    t_wait_for "! t_xm_listed $1" 10 || fail "$1 not destroyed"
    "$XM" restore -p "$2" || fail "restore -p"
    assert_eq "$(t_xm_state "$1")" "--p---"
}
# t_bad_images GOOD BAD: xm restore refuses GOOD cut short, GOOD with a
# byte changed (in BAD) and a foreign file, each with its reason.
t_bad_images() {
    local good=$1 bad=$2 size out
    size=$(stat -c %s "$good")
    head -c $((size - 100)) "$good" >"$bad"
    out=$("$XM" restore "$bad" 2>&1) && fail "truncated image restored"
    assert_match "$out" "Savefile is truncated"
    cp "$good" "$bad"
    printf 'X' | dd of="$bad" bs=1 seek=$((size - 5000)) conv=notrunc 2>/dev/null
    out=$("$XM" restore "$bad" 2>&1) && fail "corrupt image restored"
    assert_match "$out" "Savefile is corrupt"
    out=$("$XM" restore /etc/passwd 2>&1) && fail "foreign file restored"
    assert_match "$out" "wrong magic number"
}
# `xm list`'s row for domain NAME (empty if none), whether it has one, and
# its CPU time.
t_xm_row() { "$XM" list | awk -v n="$1" '$1 == n'; }
t_xm_listed() { [ -n "$(t_xm_row "$1")" ]; }
t_xm_cputime() { t_xm_row "$1" | awk '{print $NF}'; }
# t_xm_state NAME: the state column of its row (r-----, --p---...).
t_xm_state() { t_xm_row "$1" | awk '{print $5}'; }
# t_xm_pause_still NAME SECS: pause NAME; its row says paused and its CPU
# time stands still for SECS seconds. Prints that time.
t_xm_pause_still() {
    local t1 t2
    "$XM" pause "$1" || fail "pause $1"
    assert_match "$(t_xm_row "$1")" ' --p--- '
    t1=$(t_xm_cputime "$1")
    sleep "$2"
    t2=$(t_xm_cputime "$1")
    assert_eq "$t2" "$t1" "$1's CPU time while paused"
    echo "$t2"
}
# t_cfg NAME KERNEL [LINE...]: a 32 MiB PV cfg; prints its path.
t_cfg() {
    local name=$1 kernel=$2
    shift 2
    { echo "name = \"$name\""; echo "kernel = \"$kernel\""; echo "memory = 32"
      printf '%s\n' "$@"; } >"$PVSTACK_ROOT/$name.cfg"
    echo "$PVSTACK_ROOT/$name.cfg"
}
# t_pv_cfg NAME [LINE...]: t_cfg for the bundled guest.
t_pv_cfg() { t_cfg "$1" "$GUEST" "${@:2}"; }
# The guest's console as the VMM logs it, and whether it printed TEXT.
t_vmmlog() { cat "$PVSTACK_ROOT/var/log/xen/vmm-$1.log" 2>/dev/null; }
t_console_has() { t_vmmlog "$1" | grep -qF "console: $2"; }
# t_wait_console NAME TEXT [COUNT]: up to 30 s for COUNT lines with TEXT on
# the console; gives up early when a self-test fails.
t_wait_console() {
    local i
    for i in $(seq 300); do
        [ "$(t_vmmlog "$1" | grep -cF -- "$2")" -ge "${3:-1}" ] && return 0
        t_vmmlog "$1" | grep -q "selftest .*: FAIL" && break
        sleep 0.1
    done
    fail "$1: no '$2' on the console: $(t_vmmlog "$1" | grep -E 'selftest|hostile|error|FAIL|WRONG' | tail -12)"
}
