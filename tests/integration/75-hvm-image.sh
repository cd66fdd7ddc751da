#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The image xen-create-image makes (debootstrap, .debs cached under
# build/xci-cache; the host's kernel and initrd) booted as an HVM guest
# under QEMU: xm create with the generated cfg plus type/serial/disk/root
# overrides, then a login on `xm console` (root, the --password given).
# debootstrap from the cache and a full Debian boot under TCG each take
# 40-60 s on our loaded 2-core hosts: this script's cases get 180 s.
T_TIMEOUT=${T_TIMEOUT:-180}
. "$(dirname "$0")/lib.sh"
XM=$BIN/xm

k=$(ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -1)
for p in qemu-system-x86_64 debootstrap mkfs.ext4 xenstore-read; do
    command -v $p >/dev/null || { t_skip "HVM image" "no $p"; t_done; exit; }
done
[ -n "$k" ] || { t_skip "HVM image" "no cloud kernel"; t_done; exit; }
t_root
R=$PVSTACK_ROOT
mkdir -p "$R/srv" "$R/tmp" "$TOP/build/xci-cache"
export TMPDIR=$R/tmp
"$XM" daemons start >/dev/null || { echo "not ok - xm daemons start"; exit 1; }
t_on_exit "'$XM' destroy img1; kill \$(cat '$R/run/xenconsoled.pid') \$(cat '$R/run/xenstored.pid')"
t_on_exit "for m in \$(grep -oE ' $R[^ ]*' /proc/mounts | sort -r); do umount -l \$m; done"
echo "# accelerator: $("$BIN/pvstack-dm" accel)"

# expect FILE PATTERN SECONDS: wait for PATTERN in the console output.
expect() { t_wait_for "grep -q '$2' '$1'" "$3" || fail "no '$2' on the console: $(tail -c 300 "$1")"; }

OUT=$R/console.out
IN=$R/console.in
mkfifo "$IN"
# Holds the console's input open across cases (each case is a subshell).
sleep 100000 >"$IN" &
t_on_exit "kill $!"

# The image is made once per kernel and kept under build/hvm-image (later
# runs copy it: a boot changes it); xen-create-image's own test is 60-*.
IMG=$TOP/build/hvm-image/${k#/boot/vmlinuz-}-v1
case_make_image() {
    local tmp
    if [ ! -s "$IMG/disk.img" ] || [ ! -s "$IMG/img1.cfg" ]; then
        tmp=$R/mk
        mkdir -p "$tmp/srv" "$tmp/etc"
        # udev: systemd's serial getty waits for its tty device unit.
        PVSTACK_ROOT=$tmp "$BIN/xen-create-image" --hostname=img1 \
            --dir="$tmp/srv" --size=1G --noswap \
            --kernel="$k" --initrd="${k/vmlinuz/initrd.img}" \
            --cachedir="$TOP/build/xci-cache" --output="$tmp/etc" \
            --debootstrap-cmd="debootstrap --variant=minbase --include=systemd-sysv,udev,ifupdown" \
            --password=pvstack --ip=10.99.0.2 --netmask=255.255.255.0 \
            >"$R/xci.log" 2>&1 || fail "xen-create-image: $(tail -5 "$R/xci.log")"
        mkdir -p "$IMG"
        mv "$tmp/srv/domains/img1/disk.img" "$IMG/disk.img.new"
        cp "$tmp/etc/img1.cfg" "$IMG/img1.cfg"
        mv "$IMG/disk.img.new" "$IMG/disk.img"
    fi
    grep -q "^kernel *= *'$k'" "$IMG/img1.cfg" || fail "cfg names another kernel"
    mkdir -p "$R/srv/domains/img1"
    cp --sparse=always "$IMG/disk.img" "$R/srv/domains/img1/disk.img"
    cp "$IMG/img1.cfg" "$R/etc/xen/img1.cfg"
}

case_boot_to_login() {
    "$XM" create -p "$R/etc/xen/img1.cfg" 'type="hvm"' 'serial="pty"' \
        "disk=[\"file:$R/srv/domains/img1/disk.img,hda,w\"]" \
        'root="/dev/sda ro"' 'extra="console=ttyS0"' 'vif=[]' 2>"$R/create.err" ||
        fail "xm create: $(cat "$R/create.err")"
    # Outlives this case: the next one logs in on the same console.
    "$XM" console img1 <"$IN" >"$OUT" 2>&1 &
    sleep 0.5
    "$XM" unpause img1
    expect "$OUT" "img1 login:" 170
}

case_login() {
    printf 'root\r' >"$IN"
    expect "$OUT" "Password:" 20
    printf 'pvstack\r' >"$IN"
    expect "$OUT" "root@img1:~#" 20
    printf 'echo LOGGED-IN-$((6*7)) $(uname -r)\r' >"$IN"
    expect "$OUT" "LOGGED-IN-42 ${k#/boot/vmlinuz-}" 10
    printf 'poweroff\r' >"$IN"
    t_wait_for "! '$XM' domid img1" 40 || fail "img1 still there after poweroff"
}

t_case "xen-create-image's Debian image with the host's kernel (cached)" case_make_image
t_case "xm create type=hvm on that image: login prompt on xm console" case_boot_to_login
t_case "log in as root on xm console, run a command, poweroff" case_login
t_done
