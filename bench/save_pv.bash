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
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.3f", b-a}'; }
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
t0=$(now); "$XM" save s1 "$R1/s1.save" >/dev/null 2>&1 || { say "save failed"; exit 1; }; save_s=$(since "$t0")
size=$(stat -c %s "$R1/s1.save")
t0=$(now); cp "$R1/s1.save" "$R1/copy"; sync "$R1/copy"; cp_s=$(since "$t0")
t0=$(now); xz -T0 -c "$R1/s1.save" >"$R1/copy.xz"; xz_s=$(since "$t0")
t0=$(now); "$XM" restore "$R1/s1.save" >/dev/null 2>&1 || { say "restore failed"; exit 1; }; restore_s=$(since "$t0")
t_wait_for "t_console_has s1 'pvstack guest: resumed (new domain'" 60 || { say "s1 did not resume"; exit 1; }
"$XM" destroy s1
rm -f "$R1/copy" "$R1/copy.xz"
say "save ${save_s}s restore ${restore_s}s of a $((size >> 20)) MiB image; cp ${cp_s}s, xz -T0 ${xz_s}s"
"$REC" record pv_save_256m_half_written "$save_s" "$cp_s" s
"$REC" record pv_save_vs_xz "$save_s" "$xz_s" s
"$REC" record pv_restore_256m_half_written "$restore_s" "$cp_s" s
"$REC" record pv_save_image_bytes "$size" $((256 << 20)) bytes

# 2. live migration of a guest rewriting 64 MiB, into a second root
R2=$R1/target
XS2=$R2/run/xenstored/socket
mkdir -p "$R2"/{run/xenstored,run/pvstack,var/lib/xen,var/log/xen,etc/xen}
t_on_exit "PVSTACK_ROOT=$R2 XENSTORED_PATH=$XS2 t_xm_daemons_stop"
{ echo "#!/bin/sh"; echo "shift"
  echo "export PVSTACK_ROOT=$R2 XENSTORED_PATH=$XS2 PATH=$BIN:\$PATH"
  echo "exec \"\$@\" 2>>$R1/receiver.log"; } >"$R1/fakessh"
chmod +x "$R1/fakessh"
up m1 64:16
sleep 1
t0=$(now)
out=$("$XM" migrate --live -s "$R1/fakessh" m1 otherhost 2>&1) || { say "migrate --live failed: $out"; exit 1; }
total_s=$(since "$t0")
down=$(echo "$out" | sed -n 's/^migration sender: downtime \([0-9]*\) ms$/\1/p')
read -r pages ram rounds < <(echo "$out" |
    sed -n 's/^migration sender: \([0-9]*\) pages sent of \([0-9]*\) (\([0-9-]*\) rounds)$/\1 \2 \3/p')
say "migrate --live ${total_s}s, downtime ${down:-?} ms, ${pages:-?} pages sent of ${ram:-?} in ${rounds:-?} rounds"
"$REC" record pv_live_migrate_total "$total_s" "$save_s" s
[ -n "$down" ] && "$REC" record pv_live_migrate_downtime "$down" "$(awk -v t="$total_s" 'BEGIN{print t * 1000}')" ms
[ -n "$pages" ] && "$REC" record pv_live_migrate_pages_sent "$pages" "$ram" pages
exit 0
