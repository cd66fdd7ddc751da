#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make bench (through build/bench/bench_guest): blk and net throughput
# through a real guest, the bundled kernel's bench=... (guest/bench.c)
# timed with the guest's clock, against the host doing the same in the
# same run:
#  - blk: blkfront over a file vbd (blkback, O_DIRECT) vs the host's own
#    O_DIRECT io_uring on the same file, same request size, pattern and
#    depth (1 MiB sequential at 4 in flight, 4 KiB random at 32), the
#    same stamps written and checked (bench_guest host);
#  - net: UDP frames from netfront through netback's tap and the bridge
#    to a socket in the netns vs the same frames written into a tap on
#    the same bridge (tap-to-tap: tap -> bridge -> veth -> socket); the
#    socket counts and checks what arrives (bench_guest sink).
# Rounds alternate host and guest (the order swapped each round); each
# side keeps its best. Skips (exit 0) without /dev/kvm or the guest.
# BENCH_GUEST_ROUNDS (3), BENCH_BLK_MB (128), BENCH_BLK_OPS (8192),
# BENCH_NET_FRAMES (100000), BENCH_DIR (/var/tmp), BENCH_GUEST_KERNEL.
set -u
. "$(dirname "$0")/../tests/integration/lib.sh"
BG=$TOP/build/bench/bench_guest
ROUNDS=${BENCH_GUEST_ROUNDS:-3}
MB=${BENCH_BLK_MB:-128}
OPS=${BENCH_BLK_OPS:-8192}
FRAMES=${BENCH_NET_FRAMES:-100000}
DIR=${BENCH_DIR:-/var/tmp}
say() { echo "bench_guest: $*"; }
field() { printf '%s\n' "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1; }
best() { printf '%s\n' "$@" | sort -g | tail -1; }

t_root
if ! t_pv_devices_host bg; then
    say "skipped: no writable /dev/kvm, no guest kernel, or xm cannot start the daemons"
    exit 0
fi
GUEST=${BENCH_GUEST_KERNEL:-$GUEST} # another build's guest, to compare
IMG=$DIR/bench_guest.$$.img
t_on_exit "rm -f '$IMG'"
"$BG" prefill "$IMG" "$MB" || { say "cannot write $IMG"; exit 1; }
say "load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs; image $MB MiB on $DIR"

N=0
# guest KIND EXTRA_CFG BENCH: boots a guest running BENCH then powering
# off; its "bench KIND: PASS|FAIL" lines go to $PVSTACK_ROOT/guest.out
guest() {
    local name=gb$((N += 1)) i
    : >"$PVSTACK_ROOT/guest.out"
    "$XM" create "$(t_pv_cfg $name "$2" "extra = \"ip=10.0.0.2 bench=$3 poweroff\"")" >/dev/null ||
        { say "create $name failed"; return 1; }
    for i in $(seq 1200); do t_xm_listed $name || break; sleep 0.1; done
    t_vmmlog $name | grep -o "bench $1: [PF].*" >"$PVSTACK_ROOT/guest.out"
}

# what|host's arguments|the guest's run; 4 KiB at depth 1 shows the
# round trip of one request (a guest's wake-up each)
BLK_RUNS=(
    "seq-write 1MiB|1048576 seq write 4|blk,1M,seq,write,qd=4,gen=1"
    "seq-read 1MiB|1048576 seq read 4|blk,1M,seq,read,qd=4,gen=1"
    "rand-write 4KiB|4096 rand write 32 ops=$OPS|blk,4K,rand,write,qd=32,ops=$OPS,gen=1"
    "rand-read 4KiB|4096 rand read 32 ops=$OPS|blk,4K,rand,read,qd=32,ops=$OPS,gen=1"
    "rand-read 4KiB|4096 rand read 1 ops=$((OPS / 4))|blk,4K,rand,read,qd=1,ops=$((OPS / 4)),gen=1"
)
declare -A H G
blk_host() {
    local i l
    for i in "${!BLK_RUNS[@]}"; do
        IFS='|' read -r _ args _ <<<"${BLK_RUNS[$i]}"
        l=$("$BG" host "$IMG" $args gen=1) || { say "host: $l"; return 1; }
        H[$i]+=" $(field "$l" kibps):$(field "$l" iops)"
    done
}
blk_guest() {
    local spec="" i=0 l
    for r in "${BLK_RUNS[@]}"; do spec+="+${r##*|}"; done
    guest blk "disk = ['file:$IMG,xvda,w']" "${spec#+}" || return 1
    while read -r l; do
        case $l in *PASS*) ;; *) say "guest: $l"; return 1 ;; esac
        G[$i]+=" $(field "$l" kibps):$(field "$l" iops)"
        i=$((i + 1))
    done <"$PVSTACK_ROOT/guest.out"
    [ $i = ${#BLK_RUNS[@]} ] || { say "guest: $i of ${#BLK_RUNS[@]} results"; return 1; }
}
for r in $(seq "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then blk_host && blk_guest; else blk_guest && blk_host; fi || exit 1
done
for i in "${!BLK_RUNS[@]}"; do
    IFS='|' read -r what args _ <<<"${BLK_RUNS[$i]}"
    hk=$(best $(printf '%s\n' ${H[$i]} | cut -d: -f1)); gk=$(best $(printf '%s\n' ${G[$i]} | cut -d: -f1))
    hi=$(best $(printf '%s\n' ${H[$i]} | cut -d: -f2)); gi=$(best $(printf '%s\n' ${G[$i]} | cut -d: -f2))
    qd=$(echo "$args" | cut -d' ' -f4)
    awk -v w="$what" -v q="$qd" -v hk="$hk" -v gk="$gk" -v hi="$hi" -v gi="$gi" 'BEGIN {
        printf "guest blk %-16s qd %2d  host O_DIRECT %8.1f MB/s %7d IOPS | guest %8.1f MB/s %7d IOPS | ratio %.2f\n",
            w, q, hk * 1.024 / 1000, hi, gk * 1.024 / 1000, gi, gk / hk }'
    case $what in
    seq*) "$BG" record "blk $what qd$qd" "$(awk -v k="$gk" 'BEGIN{print k * 1.024 / 1000}')" \
        "$(awk -v k="$hk" 'BEGIN{print k * 1.024 / 1000}')" MB/s ;;
    *) "$BG" record "blk $what qd$qd" "$gi" "$hi" IOPS ;;
    esac
done
# the guests' writes left every sector with the stamps of gen 1
"$BG" check "$IMG" 1 >/dev/null || { say "the image lost the stamps written"; exit 1; }

# ---- net ------------------------------------------------------------------
VMAC=$(nsx cat /sys/class/net/veth-h/address)
sink_start() { # PORT FILE
    nsx "$BG" sink "$1" "$FRAMES" >"$2" 2>&1 &
    t_wait_for "grep -q 'sink: ready' '$2'" 10 || { say "sink: $(cat "$2")"; exit 1; }
}
sink_pps() { # FILE: waits for the sink's result, prints pps
    t_wait_for "grep -q 'sink: frames' '$1'" 120 || { say "no sink result"; exit 1; }
    grep -q "bad=0 dup=0" "$1" || { say "frames damaged: $(cat "$1")"; exit 1; }
    field "$(grep 'sink: frames' "$1")" pps
}
declare -A NT NG NGG
net_tap() {
    local size f=$PVSTACK_ROOT/sink.tap
    for size in 64 1514; do
        sink_start 9100 "$f"
        nsx "$BG" tapsend xenbr0 $size "$FRAMES" "$VMAC" 10.0.0.1 9100 >/dev/null || exit 1
        NT[$size]+=" $(sink_pps "$f")"
    done
}
net_guest() {
    local l f=$PVSTACK_ROOT/sink.g
    sink_start 9164 "$f.64"
    sink_start 10614 "$f.1514"
    guest net "vif = ['bridge=xenbr0']" "net,64,n=$FRAMES,port=9164+net,1514,n=$FRAMES,port=10614" || exit 1
    while read -r l; do
        case $l in *PASS*) ;; *) say "guest: $l"; exit 1 ;; esac
        NGG[$(field "$l" size)]+=" $(field "$l" pps)"
    done <"$PVSTACK_ROOT/guest.out"
    NG[64]+=" $(sink_pps "$f.64")"
    NG[1514]+=" $(sink_pps "$f.1514")"
}
for r in $(seq "$ROUNDS"); do
    if [ $((r % 2)) = 1 ]; then net_tap; net_guest; else net_guest; net_tap; fi
done
for size in 64 1514; do
    t=$(best ${NT[$size]}); g=$(best ${NG[$size]}); gg=$(best ${NGG[$size]})
    awk -v s=$size -v t="$t" -v g="$g" -v gg="$gg" 'BEGIN {
        printf "guest net %4d B UDP  tap-to-tap %8.0f pps %7.1f MB/s | guest %8.0f pps %7.1f MB/s (guest clock %.0f pps) | ratio %.2f\n",
            s, t, t * s / 1e6, g, g * s / 1e6, gg, g / t }'
    "$BG" record "net ${size} B UDP frames" "$g" "$t" pps
done
say "load after: $(cut -d' ' -f1-3 /proc/loadavg); best of $ROUNDS rounds, host and guest alternating"
exit 0
