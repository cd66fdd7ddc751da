#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Boot Xen + the lab's dom0 under QEMU TCG and run tests/xen/NN-*.sh there.
#   tests/xen/lab.sh [smoke|all|demo|NN[,NN...]]    (default smoke)
# Builds the image first (tests/xen/mkimage, cached). Prints each result as a
# TAP line, then "N passed, N failed, N skipped"; exits 1 on any failure or
# when dom0 never reports it finished, 77 when the lab cannot run here.
# The whole serial log is kept in build/xenlab/log-<sel>.txt (line by line,
# so a run in progress can be followed).
# Env: XENLAB_TIMEOUT (s, whole boot), XENLAB_NOBUILD=1 (use the image as is),
# XENLAB_CPU (QEMU's -cpu, default max,-svm), XENLAB_ACCEL (QEMU's -accel,
# default tcg,tb-size=256; e.g. add thread=single), XENLAB_XEN_ARGS (more of
# Xen's command line, e.g. sched=credit: Xen 4.17 runs credit2 otherwise).
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
W=${XENLAB_DIR:-$top/build/xenlab}
sel=${1:-smoke}
case $sel in
smoke | demo) tmo=${XENLAB_TIMEOUT:-900} ;;
*) tmo=${XENLAB_TIMEOUT:-2400} ;;
esac
skip() { echo "lab: cannot run here: $*" >&2; exit 77; }
command -v qemu-system-x86_64 > /dev/null || skip "no qemu-system-x86_64 (make deps)"
[ "$(id -u)" = 0 ] || skip "mkimage needs root"
# 65-xci-pygrub boots xen-create-image's image (tests/xen/mkxci, minutes
# from nothing, cached): built and attached only for `all` or a selection
# naming it.
xci=0
case ,$sel, in *,65,* | ,all,) xci=1 ;; esac
if [ "${XENLAB_NOBUILD:-0}" != 1 ]; then
    if [ $xci = 1 ]; then
        "$top/tests/xen/mkxci" || echo "lab: xen-create-image's image failed: 65 skips" >&2
    fi
    "$top/tests/xen/mkimage" || { echo "lab: image build failed" >&2; exit 1; }
fi
for f in xen vmlinuz stage1.cpio dom0.img; do
    [ -e "$W/$f" ] || { echo "lab: $W/$f missing (run tests/xen/mkimage)" >&2; exit 1; }
done
log=$W/log-${sel//,/-}.txt

# Xen: serial console on com1; smap=0 because Xen's SMAP under QEMU TCG
# kills a PV dom0 at its first fault (d0v0 Unhandled #PF[0001]).
# dom0_mem is fixed so tests can tell Xen's memory figures from dom0's.
# spec-ctrl=eager-fpu: Xen switches FPU/SSE state on every context switch.
# Under TCG, Xen's default here (lazy, CR0.TS and #NM) let processes of
# dom0 and a guest running side by side use each other's vector registers
# at random: gzip, cut, ld.so, malloc and systemd crashed or went wrong
# (65, and a busy guest beside a busy dom0, within minutes); eager, none.
xen_args="console=com1 com1=115200,8n1 dom0_mem=512M,max:512M dom0_max_vcpus=2 noreboot smap=0 spec-ctrl=eager-fpu"
xen_args="$xen_args${XENLAB_XEN_ARGS:+ $XENLAB_XEN_ARGS}"
# -initrd is multiboot's module list: the dom0 kernel then its initramfs,
# each with its command line after the path. QEMU splits the list on commas,
# so a selection "10,20" travels as xlab=10.20.
dsel=${sel//,/.}
# QEMU's TCG emulates AMD's SVM, and with -cpu max Xen 4.17 finds it and
# offers HVM. pvstack's xen engine builds PV guests only (its HVM is QEMU
# as the domain, the kvm engine's way), so the lab is a Xen without hvm
# capability, as a host with VT-x/AMD-V off: 72-hvm-refused checks that.
cpu=${XENLAB_CPU:-max,-svm}
# the second drive, dom0's /dev/vdb; snapshot=on: the cached image stays clean
xdrive=()
[ $xci = 1 ] && [ -s "$W/xci/disk.img" ] &&
    xdrive=(-drive "file=$W/xci/disk.img,if=virtio,format=raw,snapshot=on")
# demo_tee LOG: the serial log to LOG; for the demo (tests/xen/demo.sh) its
# walk-through to stdout too, line by line as dom0 prints it.
demo_tee() {
    if [ "$sel" = demo ]; then
        tee "$1" | { grep --line-buffered -a -o 'XL-DEMO.*' || true; } | sed -u 's/^XL-DEMO //'
    else
        cat > "$1"
    fi
}
[ "$sel" != demo ] || echo "lab: booting Xen and its dom0 under QEMU TCG (~30 s), then the demo" >&2
t0=$(date +%s)
rc=0
# snapshot=on: the tests write to dom0's root; the cached image stays clean.
timeout --foreground -k 10 "$tmo" qemu-system-x86_64 -accel "${XENLAB_ACCEL:-tcg,tb-size=256}" -cpu "$cpu" -m 1024 -smp 2 \
    -nographic -no-reboot -monitor none -serial stdio -net none \
    -kernel "$W/xen" -append "$xen_args" \
    -initrd "$W/vmlinuz console=hvc0 earlyprintk=xen xlab=$dsel,$W/stage1.cpio" \
    -drive file="$W/dom0.img",if=virtio,format=raw,snapshot=on "${xdrive[@]}" \
    < /dev/null 2>&1 | stdbuf -oL tr -d '\r' | demo_tee "$log" || rc=$?
secs=$(($(date +%s) - t0))

pass=0 fail=0 skipped=0 n=0
while IFS= read -r line; do
    r=${line#*XL-TAP }
    n=$((n + 1))
    case $r in
    "not ok"*) fail=$((fail + 1)); echo "not ok $n ${r#not ok }" ;;
    *"# SKIP"*) skipped=$((skipped + 1)); echo "ok $n ${r#ok }" ;;
    *) pass=$((pass + 1)); echo "ok $n ${r#ok }" ;;
    esac
done < <(grep -a -o 'XL-TAP .*' "$log" || true)
if ! grep -a -q '^XL-DONE' "$log"; then
    n=$((n + 1)) fail=$((fail + 1))
    echo "not ok $n - dom0 did not finish (qemu rc=$rc after ${secs}s; 124 = timeout)"
    grep -a -E 'Panic|panic|crashed|Unhandled|FATAL' "$log" | head -5 | sed 's/^/# /'
fi
echo "1..$n"
echo "# xen lab '$sel': ${secs}s wall, serial log $log"
echo "$pass passed, $fail failed, $skipped skipped"
[ $fail = 0 ]
