#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench (through build/bench/bench_save): xm save and restore of a
# 256 MiB HVM guest with half its memory written, against cp of the image
# and xz -T0 of the same bytes; then xm migrate --live (into a second state
# root, over a local "ssh") of a guest that keeps rewriting 64 MiB: total
# time, downtime and pages sent against its RAM. QEMU under TCG: figures
# show the toolstack's overheads against plain copying, not Xen speeds.
# Skips (exit 0) where there is no QEMU or test kernel.
set -u
. "$(dirname "$0")/../tests/integration/lib.sh"
REC=$TOP/build/bench/bench_save
. "$(dirname "$0")/save_lib.bash"
say() { echo "bench_save: $*"; }

if ! command -v qemu-system-x86_64 >/dev/null || ! t_hvm_guest || ! command -v xz >/dev/null; then
    say "skipped: no QEMU, test kernel or xz"
    exit 0
fi
trap t_cleanup EXIT
t_root
t_xm_daemons || { say "xm daemons did not start"; exit 1; }
R1=$PVSTACK_ROOT

# A guest whose init writes memory: fill:N (N MiB, then waits) or dirty:N
# (N MiB rewritten over and over). 4 MiB of random bytes repeated: xz's
# window (preset 1 as xm -z, 6 as xz's default) still sees incompressible data.
INITRD=$TOP/build/hvm-guest/bench-initrd.gz
if [ ! -s "$INITRD" ]; then
    d=$(mktemp -d)
    mkdir -p "$d"/{bin,proc,sys,dev,mnt}
    cp /bin/busybox "$d/bin/"
    cat >"$d/init" <<'INIT'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc; mount -t sysfs sys /sys; mount -t devtmpfs dev /dev
mount -t tmpfs -o size=90% tmpfs /mnt
mode=fill:16
for w in $(cat /proc/cmdline); do case $w in pvbench=*) mode=${w#pvbench=};; esac; done
n=${mode#*:}
dd if=/dev/urandom of=/mnt/r bs=1M count=4 2>/dev/null
fill() { i=0; while [ $i -lt $(($1 / 4)) ]; do cat /mnt/r; i=$((i + 1)); done > /mnt/f; }
fill "$n"
echo "BENCH-FILLED $n"
case $mode in
dirty:*) while :; do dd if=/mnt/r of=/mnt/f bs=1M count=4 seek=$((RANDOM % (n / 4) * 4)) conv=notrunc 2>/dev/null; done ;;
esac
while :; do sleep 60; done
INIT
    chmod +x "$d/init"
    (cd "$d" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$INITRD"
    rm -rf "$d"
fi

cfg() {
    { echo "type = 'hvm'"; echo "name = '$1'"; echo "memory = 256"
      echo "kernel = '$HVM_KERNEL'"; echo "ramdisk = '$INITRD'"
      echo "serial = 'pty'"; echo "extra = 'console=ttyS0 quiet pvbench=$2'"
      echo "on_poweroff = 'destroy'"; } >"$R1/$1.cfg"
    echo "$R1/$1.cfg"
}
# up NAME MODE: created, its memory written
up() {
    local tty
    "$XM" create -p "$(cfg "$1" "$2")" >/dev/null || { say "create $1 failed"; exit 1; }
    tty=$(xenstore-read "/local/domain/$("$XM" domid "$1")/console/tty")
    cat "$tty" >"$R1/$1.con" 2>/dev/null &
    t_on_exit "kill $!"
    "$XM" unpause "$1"
    t_wait_for "grep -q BENCH-FILLED '$R1/$1.con'" 600 || { say "$1 never filled its memory"; exit 1; }
}

# 1. save / restore of 256 MiB with 128 MiB written
up s1 fill:128
bench_save_restore s1 ""

# 2. live migration of a guest rewriting 64 MiB, into a second root
bench_target
up m1 dirty:64
bench_live_migrate m1 ""
exit 0
