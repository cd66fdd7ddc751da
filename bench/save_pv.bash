#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench (through build/bench/bench_save, after save.bash): the same
# for a kvm engine PV guest (our guest kernel, its VMM's stream): xm save
# and restore of a 256 MiB guest with 128 MiB written (pseudo-random
# bytes, dirty=128:0), against cp of the image and xz -T0 of the same
# bytes; then xm migrate --live (into a second state root, over a local
# "ssh") of a guest rewriting 64 MiB at 16 pages a millisecond: total
# time, downtime and pages sent against its RAM.
# Skips (exit 0) without a writable /dev/kvm, the guest kernel or xz.
set -u
. "$(dirname "$0")/../tests/integration/lib.sh"
REC=$TOP/build/bench/bench_save
GUEST=$TOP/build/guest/pvguest.elf.xz
. "$(dirname "$0")/save_lib.bash"
say() { echo "bench_save pv: $*"; }

if [ ! -w /dev/kvm ] || [ ! -f "$GUEST" ] || ! command -v xz >/dev/null; then
    say "skipped: no writable /dev/kvm, guest kernel or xz"
    exit 0
fi
trap t_cleanup EXIT
t_root
t_xm_daemons || { say "xm daemons did not start"; exit 1; }
R1=$PVSTACK_ROOT

# up NAME DIRTY: a 256 MiB guest with dirty=DIRTY, its memory written
up() {
    { echo "name = '$1'"; echo "kernel = '$GUEST'"; echo "memory = 256"
      echo "extra = 'dirty=$2'"; } >"$R1/$1.cfg"
    "$XM" create "$R1/$1.cfg" >/dev/null || { say "create $1 failed"; exit 1; }
    t_wait_for "t_console_has $1 'dirty: writing'" 120 ||
        { say "$1 never filled its memory: $(t_vmmlog "$1" | tail -3)"; exit 1; }
}

# 1. save / restore of 256 MiB with 128 MiB written
up s1 128:0
bench_save_restore s1 "pv_" "t_console_has s1 'pvstack guest: resumed (new domain'"

# 2. live migration of a guest rewriting 64 MiB, into a second root
bench_target
up m1 64:16
sleep 1
bench_live_migrate m1 "pv_"
exit 0
