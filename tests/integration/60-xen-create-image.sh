#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# 60-xen-create-image.sh: xen-create-image for real. debootstrap (minbase +
# systemd-sysv + udev + ifupdown, .debs cached under build/xci-cache so later
# runs download nothing) into a sparse image, which then boots under QEMU
# (the HVM device model) to a login prompt with its hostname; copy of that tree into an LV of a
# VG on a loop device (XCI_TEST_FULL=1: debootstrap there too) and tar into
# another image; the guests' files are checked from mounts; failures clean
# up; xen-update-image and xen-delete-image; nothing is left behind.
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || { t_skip "xen-create-image" "needs root"; t_done; exit; }
for p in debootstrap losetup mkfs.ext4 lvcreate; do
    command -v $p >/dev/null || { t_skip "xen-create-image" "no $p"; t_done; exit; }
done

t_root
R=$PVSTACK_ROOT
CACHE=$TOP/build/xci-cache
mkdir -p "$CACHE" "$R/boot" "$R/srv" "$R/tmp"
# xen-create-image mounts guests under $TMPDIR: ours, not other runs'.
export TMPDIR=$R/tmp
echo "not a real kernel" >"$R/boot/vmlinuz-test"
# udev: without it systemd never sees /dev/hvc0 or /dev/ttyS0 appear, so
# no getty starts (xen-tools ships a udev role for this reason).
DBS="debootstrap --variant=minbase --include=systemd-sysv,udev,ifupdown"
VG=xcit$$
PVIMG=$R/pv.img
COMMON=(--kernel="$R/boot/vmlinuz-test" --size=1G --swap=64M --cachedir="$CACHE")

# Loop devices over the PV (the LVs' mappings without device-mapper).
lv_loops() {
    [ -s "$R/pvdev" ] || return 0
    losetup -a | grep -F "($(cat "$R/pvdev"))" | cut -d: -f1
}

# Everything this script may leave: mounts, LV loops, the VG, loops on files.
xci_cleanup() {
    local m l
    [ -x "$BIN/pvstack-dm" ] && "$BIN/pvstack-dm" destroy 61
    for m in $(grep -oE " ${R}[^ ]*" /proc/mounts | sort -r); do
        umount -l "$m"
    done
    for l in $(lv_loops); do losetup -d "$l"; done
    vgremove -f --driverloaded n "$VG" >/dev/null 2>&1
    rm -rf "/dev/${VG:?}"
    for l in $(losetup -a | grep -F "$R" | cut -d: -f1); do losetup -d "$l"; done
}
t_on_exit xci_cleanup

# No loop device or mount of ours left: file-backed loops other than the
# PV's, and exactly $1 (default 0) loops mapping LVs.
assert_nothing_left() {
    local loops
    loops=$(losetup -a | grep -F "$R" | grep -vF "($PVIMG)" || true)
    [ -z "$loops" ] || fail "loop devices left: $loops"
    assert_eq "$(lv_loops | wc -l)" "${1:-0}" "loop devices mapping LVs"
    ! grep -qF " $R" /proc/mounts || fail "mounts left: $(grep -F " $R" /proc/mounts)"
}

# mount_ro IMAGE-OR-DEV DIR [loop]: a read-only look at a guest's root;
# umount_ro DIR undoes it, waiting for the kernel to let go of the loop
# device (autoclear finishes after umount returns).
mount_ro() {
    local dev=$1
    mkdir -p "$2" || return 1
    if [ "${3:-}" = loop ]; then
        dev=$(losetup -f --show -r "$1") || return 1
        echo "$dev" >"$2.loop"
    fi
    mount -o ro "$dev" "$2"
}
loop_detach() {
    local i
    losetup -d "$1"
    for i in $(seq 300); do
        [ -e "/sys/block/${1#/dev/}/loop/backing_file" ] || return 0
        sleep 0.05
    done
    fail "$1 is still attached"
}
umount_ro() {
    umount "$1" || return 1
    [ -s "$1.loop" ] || return 0
    loop_detach "$(cat "$1.loop")"
    rm -f "$1.loop"
}

check_guest_files() { # DIR HOSTNAME IP ROOTDEV FS
    local m=$1 h=$2 ip=$3 root=$4 fs=$5
    assert_eq "$(cat "$m/etc/hostname")" "$h" "hostname"
    grep -qE "^$ip +$h\$" "$m/etc/hosts" || fail "hosts: $(cat "$m/etc/hosts")"
    grep -qE "^$root +/ +$fs " "$m/etc/fstab" || fail "fstab: $(cat "$m/etc/fstab")"
    grep -q "iface eth0 inet static" "$m/etc/network/interfaces" || fail "interfaces"
    grep -q " address $ip" "$m/etc/network/interfaces" || fail "address"
    [ -L "$m/etc/systemd/system/getty.target.wants/serial-getty@hvc0.service" ] ||
        fail "no getty on hvc0"
    [ -x "$m/sbin/init" ] || fail "no /sbin/init: the guest cannot boot"
    [ -x "$m/sbin/ifup" ] || fail "no ifup: interfaces would be ignored"
    [ ! -e "$m/usr/sbin/policy-rc.d" ] || fail "policy-rc.d left in the guest"
}

check_password() { # DIR PASSWORD
    local h salt
    h=$(awk -F: '$1 == "root" { print $2 }' "$1/etc/shadow")
    salt=$(echo "$h" | cut -d'$' -f3)
    assert_match "$h" '^\$6\$'
    assert_eq "$(openssl passwd -6 -salt "$salt" "$2")" "$h" "root password hash"
}

case_refuses_bad_input() {
    local out
    for bad in "--hostname=-x --ip=10.0.0.1" "--hostname=ok --ip=10.0.0.300" \
        "--hostname=ok --ip=10.0.0.1 --size=lots" "--hostname=ok --dhcp --mac=01:00:00:00:00:01" \
        "--hostname=ok --dhcp --fs=ntfs" "--hostname=ok --dhcp --lvm=vg0"; do
        # shellcheck disable=SC2086
        if out=$("$BIN/xen-create-image" $bad --dir="$R/srv" --kernel=/k 2>&1); then
            fail "accepted: $bad"
        fi
        assert_match "$out" "xen-create-image: "
    done
    [ -z "$(ls "$R/srv")" ] || fail "something was created: $(ls "$R/srv")"
    [ ! -e "$R/var/log/xen-tools" ] || fail "a log was created for a refused request"
}

case_debootstrap_sparse() {
    local out m=$R/m1 cfg=$R/etc/xen/xci-deb.cfg
    out=$("$BIN/xen-create-image" --hostname=xci-deb --ip=10.99.0.5 --gateway=10.99.0.1 \
        --nameserver=10.99.0.1 --dir="$R/srv" --password=s3cret --debootstrap-cmd="$DBS" \
        --mac=00:16:3e:12:34:56 --bridge=xenbr0 "${COMMON[@]}" 2>&1) || fail "create: $out"
    assert_match "$out" "Running hook 90-make-fstab"
    assert_match "$out" "All done"
    img=$R/srv/domains/xci-deb/disk.img
    [ -f "$img" ] && [ -f "$R/srv/domains/xci-deb/swap.img" ] || fail "images missing"
    # Sparse: far fewer blocks than its size.
    [ "$(du -k "$img" | cut -f1)" -lt 900000 ] || fail "image is not sparse"
    grep -q "Running: debootstrap --variant=minbase" "$R/var/log/xen-tools/xci-deb.log" ||
        fail "log lacks the debootstrap command"
    ls "$CACHE"/*.deb >/dev/null 2>&1 || fail "no .debs cached in $CACHE"
    grep -q "^disk        = \[" "$cfg" || fail "cfg: $(cat "$cfg")"
    grep -qF "'file:$img,xvda2,w'," "$cfg" || fail "cfg disk: $(cat "$cfg")"
    grep -qF "vif         = [ 'ip=10.99.0.5,mac=00:16:3e:12:34:56,bridge=xenbr0' ]" "$cfg" ||
        fail "cfg vif"
    assert_nothing_left
    mount_ro "$img" "$m" loop || fail "cannot mount the image"
    check_guest_files "$m" xci-deb 10.99.0.5 /dev/xvda2 ext4
    grep -q " gateway 10.99.0.1" "$m/etc/network/interfaces" || fail "gateway"
    assert_eq "$(cat "$m/etc/resolv.conf")" "nameserver 10.99.0.1"
    grep -qE "^/dev/xvda1 +none +swap" "$m/etc/fstab" || fail "no swap in fstab"
    grep -q "^deb http://.* bookworm main" "$m/etc/apt/sources.list" || fail "apt sources"
    check_password "$m" s3cret
    # The tree, for the copy and tar installs below.
    tar -C "$m" --numeric-owner -cpf "$R/tree.tar" . || fail "tar"
    umount_ro "$m"
}

# The host's Debian cloud kernel and its initramfs (ata_piix, sd_mod).
hvm_kernel() { ls /boot/vmlinuz-*-cloud-amd64 2>/dev/null | sort -V | tail -1; }

case_boots_hvm() {
    local k i con=$R/console.log dm=$BIN/pvstack-dm pty
    k=$(hvm_kernel)
    i=/boot/initrd.img-${k#/boot/vmlinuz-}
    # The whole-disk file system is the first IDE disk: /dev/sda. No swap:
    # the PV cfg's xvda1 does not exist under HVM.
    "$dm" start -d 61 -n xci-deb -m 512 -k "$k" -r "$i" -s -p \
        -a "root=/dev/sda ro console=ttyS0 systemd.swap=0" \
        -D "$R/srv/domains/xci-deb/disk.img,xvda,raw" >/dev/null || fail "start"
    pty=$("$dm" console-pty 61) || fail "no console pty"
    cat "$pty" >"$con" 2>/dev/null &
    "$dm" unpause 61
    t_wait_for "grep -aq 'xci-deb login:' '$con'" 280
    rc=$?
    "$dm" destroy 61
    t_wait_for "! '$dm' status 61" 10
    [ $rc = 0 ] || fail "no login prompt; console: $(tail -c 1500 "$con")"
    grep -aq "Hostname set to <xci-deb>" "$con" || fail "hostname not set at boot"
}

case_xm_parses_cfg() {
    local out
    # xl's spelling of the dry run: --dryrun (-n), printing the libxl JSON.
    out=$("$BIN/xm" create --dryrun "$R/etc/xen/xci-deb.cfg" 2>&1) || fail "xm: $out"
    assert_match "$out" '"name": "xci-deb"'
    assert_match "$out" "\"pdev_path\": \"$R/srv/domains/xci-deb/disk.img\""
    assert_match "$out" '"vdev": "xvda2"'
    assert_match "$out" '"mac": "00:16:3e:12:34:56"'
    assert_match "$out" '"cmdline": "root=/dev/xvda2 ro elevator=noop console=hvc0"'
    out=$("$BIN/xm" create --dryrun "$R/etc/xen/xci-lvm.cfg" 2>&1) || fail "xm: $out"
    assert_match "$out" "\"pdev_path\": \"/dev/$VG/xci-lvm-disk\""
}

case_list() {
    local out
    out=$("$BIN/xen-list-images" 2>&1) || fail "$out"
    assert_match "$out" "Name: xci-deb"
    assert_match "$out" "Memory: 256 MB"
    assert_match "$out" "Disk: file:$R/srv/domains/xci-deb/disk.img,xvda2,w"
    assert_match "$out" "IP: 10.99.0.5 \[MAC: 00:16:3e:12:34:56\]"
    assert_match "$out" "Config: $R/etc/xen/xci-deb.cfg"
}

case_refuses_overwrite() {
    local out before after
    before=$(stat -c %i:%Y "$R/srv/domains/xci-deb/disk.img")
    # Should a refusal fail to happen, a junk tarball ends the run quickly.
    echo "not a tarball" >"$R/bad.tar"
    local fast=(--install-method=tar --install-source="$R/bad.tar")
    if out=$("$BIN/xen-create-image" --hostname=xci-deb --ip=10.99.0.5 --dir="$R/srv" \
        "${fast[@]}" "${COMMON[@]}" 2>&1); then
        fail "overwrote without --force"
    fi
    assert_match "$out" "exists"
    rm "$R/etc/xen/xci-deb.cfg.keep" 2>/dev/null
    mv "$R/etc/xen/xci-deb.cfg" "$R/etc/xen/xci-deb.cfg.keep"
    out=$("$BIN/xen-create-image" --hostname=xci-deb --ip=10.99.0.5 --dir="$R/srv" \
        "${fast[@]}" "${COMMON[@]}" 2>&1) && fail "overwrote an image without --force"
    mv "$R/etc/xen/xci-deb.cfg.keep" "$R/etc/xen/xci-deb.cfg"
    assert_match "$out" "already exists"
    after=$(stat -c %i:%Y "$R/srv/domains/xci-deb/disk.img")
    assert_eq "$after" "$before" "the image was touched"
}

case_tar_xfs_role() {
    local out m=$R/m2 fs=ext3 roles=$R/roles
    grep -qw xfs /proc/filesystems && command -v mkfs.xfs >/dev/null && fs=xfs
    mkdir -p "$roles"
    printf '#!/bin/sh\necho "role ran for $hostname" >"$1/etc/xci-role"\n' >"$roles/mark"
    chmod +x "$roles/mark"
    out=$("$BIN/xen-create-image" --hostname=xci-tar --ip=10.99.0.6 --dir="$R/srv" --noswap \
        --fs=$fs --install-method=tar --install-source="$R/tree.tar" --role=mark \
        --roledir="$roles" --genpass "${COMMON[@]}" 2>&1) || fail "create: $out"
    assert_match "$out" "Role: mark"
    pw=$(echo "$out" | sed -n 's/^Root Password   :  //p')
    [ ${#pw} = 8 ] || fail "no generated password: $out"
    ! grep -q "$pw" "$R/var/log/xen-tools/xci-tar.log" || fail "password in the log"
    grep -qF "root        = '/dev/xvda1 ro'" "$R/etc/xen/xci-tar.cfg" || fail "root"
    ! grep -q swap "$R/etc/xen/xci-tar.cfg" || fail "swap disk with --noswap"
    mount_ro "$R/srv/domains/xci-tar/disk.img" "$m" loop || fail "mount"
    check_guest_files "$m" xci-tar 10.99.0.6 /dev/xvda1 $fs
    ! grep -q swap "$m/etc/fstab" || fail "swap in fstab with --noswap"
    assert_eq "$(cat "$m/etc/xci-role")" "role ran for xci-tar"
    check_password "$m" "$pw"
    umount_ro "$m"
    # --force replaces image and cfg (same tarball, new address).
    out=$("$BIN/xen-create-image" --hostname=xci-tar --ip=10.99.0.16 --dir="$R/srv" \
        --noswap --install-method=tar --install-source="$R/tree.tar" --force \
        "${COMMON[@]}" 2>&1) || fail "--force: $out"
    grep -qF "ip=10.99.0.16," "$R/etc/xen/xci-tar.cfg" || fail "cfg not replaced"
    mount_ro "$R/srv/domains/xci-tar/disk.img" "$m" loop || fail "mount"
    check_guest_files "$m" xci-tar 10.99.0.16 /dev/xvda1 ext4
    [ ! -e "$m/etc/xci-role" ] || fail "old image content survived --force"
    umount_ro "$m"
    assert_nothing_left
}

case_failure_cleans_up() {
    local out
    echo "not a tarball" >"$R/bad.tar"
    out=$("$BIN/xen-create-image" --hostname=xci-bad --dhcp --dir="$R/srv" \
        --install-method=tar --install-source="$R/bad.tar" "${COMMON[@]}" 2>&1) &&
        fail "succeeded with a bad tarball"
    assert_match "$out" "step 'install' failed: tar exited with status"
    assert_match "$out" "See the log: $R/var/log/xen-tools/xci-bad.log"
    [ ! -e "$R/srv/domains/xci-bad" ] || fail "left $(ls -R "$R/srv/domains/xci-bad")"
    [ ! -e "$R/etc/xen/xci-bad.cfg" ] || fail "left the cfg"
    [ -s "$R/var/log/xen-tools/xci-bad.log" ] || fail "no log"
    assert_nothing_left
}

make_vg() {
    truncate -s 3G "$PVIMG"
    pv=$(losetup -f --show "$PVIMG") || fail "losetup"
    echo "$pv" >"$R/pvdev"
    pvcreate --driverloaded n "$pv" >/dev/null 2>&1 || fail "pvcreate"
    vgcreate --driverloaded n "$VG" "$pv" >/dev/null 2>&1 || fail "vgcreate"
}

lv_names() { lvs --driverloaded n --noheadings -o lv_name "$VG" 2>/dev/null | tr -d ' ' | sort | xargs; }

case_lvm() {
    local out m=$R/m3 cfg=$R/etc/xen/xci-lvm.cfg src=$R/src
    local how=(--install-method=copy --install-source="$src")
    make_vg
    # debootstrap's cost is CPU (dpkg), the same whatever the target: by
    # default the LV gets a copy of the debootstrapped tree.
    [ "${XCI_TEST_FULL:-0}" = 1 ] && how=(--debootstrap-cmd="$DBS")
    mount_ro "$R/srv/domains/xci-deb/disk.img" "$src" loop || fail "mount source"
    out=$("$BIN/xen-create-image" --hostname=xci-lvm --ip=10.99.0.7 --lvm=$VG \
        --password=lvmpw "${how[@]}" "${COMMON[@]}" 2>&1)
    rc=$?
    umount_ro "$src"
    [ $rc = 0 ] || fail "create: $out"
    assert_eq "$(lv_names)" "xci-lvm-disk xci-lvm-swap"
    if ! grep -q device-mapper /proc/misc; then
        assert_match "$out" "WARNING: no device-mapper in this kernel: $VG/xci-lvm-disk"
        assert_match "$(readlink /dev/$VG/xci-lvm-disk)" '^/dev/loop[0-9]+$'
    fi
    grep -qF "'phy:/dev/$VG/xci-lvm-disk,xvda2,w'," "$cfg" || fail "cfg: $(cat "$cfg")"
    grep -qF "'phy:/dev/$VG/xci-lvm-swap,xvda1,w'," "$cfg" || fail "cfg swap"
    mount_ro "/dev/$VG/xci-lvm-disk" "$m" || fail "cannot mount the LV"
    check_guest_files "$m" xci-lvm 10.99.0.7 /dev/xvda2 ext4
    check_password "$m" lvmpw
    [ -x "$m/usr/bin/apt-get" ] || fail "no apt-get in the LV's root"
    umount_ro "$m"
    blkid "/dev/$VG/xci-lvm-swap" | grep -q 'TYPE="swap"' || fail "no swap on the swap LV"
    grep -q device-mapper /proc/misc || assert_nothing_left 2
}

case_lvm_copy_failure_cleans_up() {
    local out
    # A copy from a tree that is not a system: /bin/ls is missing after it.
    mkdir -p "$R/empty-tree/etc"
    out=$("$BIN/xen-create-image" --hostname=xci-lvbad --dhcp --lvm=$VG \
        --install-method=copy --install-source="$R/empty-tree" "${COMMON[@]}" 2>&1) &&
        fail "succeeded from an empty tree"
    assert_match "$out" "/bin/ls missing"
    # The LVs are checked too, not only the cfg.
    mv "$R/etc/xen/xci-lvm.cfg" "$R/xci-lvm.cfg.keep"
    out=$("$BIN/xen-create-image" --hostname=xci-lvm --dhcp --lvm=$VG --install-method=copy \
        --install-source="$R/empty-tree" "${COMMON[@]}" 2>&1) && fail "overwrote an LV"
    mv "$R/xci-lvm.cfg.keep" "$R/etc/xen/xci-lvm.cfg"
    assert_match "$out" "The LVM disk image $VG/xci-lvm-disk already exists"
    assert_eq "$(lv_names)" "xci-lvm-disk xci-lvm-swap" "LVs after the failure"
    [ ! -e "/dev/$VG/xci-lvbad-disk" ] || fail "LV link left"
    assert_nothing_left 2 # xci-lvm's disk and swap stay mapped
}

case_update() {
    local out m=$R/m4
    out=$("$BIN/xen-update-image" --dir="$R/srv" --hostname=xci-deb \
        --command='echo updated >/etc/xci-updated; test -e /proc/self' 2>&1) || fail "$out"
    assert_nothing_left 2
    mount_ro "$R/srv/domains/xci-deb/disk.img" "$m" loop || fail mount
    assert_eq "$(cat "$m/etc/xci-updated")" updated
    umount_ro "$m"
}

case_delete() {
    local out l
    # A running domain is not deleted (xm list NAME succeeds for it).
    printf '#!/bin/sh\n[ "$1 $2" = "list xci-deb" ]\n' >"$R/fake-xm"
    chmod +x "$R/fake-xm"
    out=$(PVSTACK_XM=$R/fake-xm "$BIN/xen-delete-image" --dir="$R/srv" xci-deb 2>&1) &&
        fail "deleted a running domain"
    assert_match "$out" "Skipping xen guest 'xci-deb' - it appears to be running"
    [ -f "$R/srv/domains/xci-deb/disk.img" ] && [ -f "$R/etc/xen/xci-deb.cfg" ] ||
        fail "deleted a running domain's files"
    # Attached to a loop device (a backend, a mount): in use, refused.
    l=$(losetup -f --show "$R/srv/domains/xci-deb/disk.img")
    out=$("$BIN/xen-delete-image" --dir="$R/srv" --hostname=xci-deb 2>&1) &&
        fail "deleted an image in use"
    loop_detach "$l"
    assert_match "$out" "in use"
    [ -f "$R/srv/domains/xci-deb/disk.img" ] || fail "deleted anyway"
    out=$("$BIN/xen-delete-image" --dir="$R/srv" xci-deb xci-tar 2>&1) || fail "$out"
    [ -z "$(ls "$R/srv/domains")" ] || fail "left: $(ls -R "$R/srv/domains")"
    [ ! -e "$R/etc/xen/xci-deb.cfg" ] && [ ! -e "$R/etc/xen/xci-tar.cfg" ] || fail "cfg left"
    out=$("$BIN/xen-delete-image" --lvm=$VG --hostname=xci-lvm 2>&1) || fail "$out"
    assert_eq "$(lv_names)" "" "LVs left"
    [ ! -e "/dev/$VG" ] || fail "/dev/$VG left"
    [ ! -e "$R/etc/xen/xci-lvm.cfg" ] || fail "cfg left"
    assert_nothing_left
    [ -z "$("$BIN/xen-list-images")" ] || fail "xen-list-images still lists guests"
}

t_case "refuses bad input before making anything" case_refuses_bad_input
T_TIMEOUT=300 t_case "debootstrap into a sparse image; guest files" case_debootstrap_sparse
t_case "xen-list-images shows name, memory, disks, IP/MAC" case_list
t_case "refuses to overwrite a cfg or image without --force" case_refuses_overwrite
t_case "tar install, no swap, other fs, role, generated password" case_tar_xfs_role
t_case "a failed install removes what it made" case_failure_cleans_up
T_TIMEOUT=180 t_case "an LVM volume on a loop device (copy install)" case_lvm
t_case "a failed LVM install removes its LVs" case_lvm_copy_failure_cleans_up
t_case "the cfgs parse with xm create --dryrun" case_xm_parses_cfg
t_case "xen-update-image runs in the stopped guest" case_update
# Last but one: QEMU's destroy leaves the guest's journal to replay, so the
# image is not mounted read-only after this.
if command -v qemu-system-x86_64 >/dev/null && [ -x "$BIN/pvstack-dm" ] &&
    [ -n "$(hvm_kernel)" ]; then
    T_TIMEOUT=300 t_case "the image boots under QEMU to a login prompt" case_boots_hvm
else
    t_skip "the image boots under QEMU to a login prompt" "no QEMU or cloud kernel"
fi
t_case "xen-delete-image removes images, LVs and cfgs" case_delete
t_done
