#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# bootloader = "pygrub" through xm on the kvm engine, with a stand-in pygrub
# speaking its command line (Debian's own runs in the Xen lab, 74-pygrub):
# its failures and a hostile answer give one line and leave no domain and
# no files; the kernel it hands over boots (with /dev/kvm). And a stock
# Debian bzImage as kernel= is read and refused with what will run it.
. "$(dirname "$0")/lib.sh"

# pygrub's command line; $MODE: ok (copy $SRC out as the kernel), fail,
# escape (name a file outside its directory)
fake_pygrub() {
    mkdir -p "$PVSTACK_ROOT/bin"
    cat > "$PVSTACK_ROOT/bin/pygrub" << 'SH'
#!/bin/sh
for a in "$@"; do echo "$a"; done > "$PVSTACK_ROOT/pygrub.argv"
for a in "$@"; do case $a in
  --output=*) out=${a#--output=} ;;
  --output-directory=*) dir=${a#--output-directory=} ;;
esac; done
case $MODE in
fail) echo "RuntimeError: Unable to find partition containing kernel" >&2; exit 1 ;;
escape) printf 'kernel /etc/passwd\0\0' > "$out"; exit 0 ;;
esac
k=$(mktemp "$dir/boot_kernel.XXXXXX"); cp "$SRC" "$k"
printf 'kernel %s\0args %s\0\0' "$k" "console=hvc0 from-pygrub" > "$out"
SH
    chmod 755 "$PVSTACK_ROOT/bin/pygrub"
    export PATH=$PVSTACK_ROOT/bin:$PATH
}

grubcfg() {
    truncate -s 1M "$PVSTACK_ROOT/disk.img"
    { echo "name = \"$1\""; echo 'bootloader = "pygrub"'; echo "memory = 32"
      echo "disk = [ 'file:$PVSTACK_ROOT/disk.img,xvda,r' ]"; } > "$PVSTACK_ROOT/$1.cfg"
    echo "$PVSTACK_ROOT/$1.cfg"
}

nothing_left() {
    ! "$XM" domid "$1" > /dev/null 2>&1 || fail "$1 exists"
    [ -z "$(ls -d "$PVSTACK_ROOT"/run/xen/bootloader.* 2> /dev/null)" ] || fail "bootloader files left"
}

# refused MODE NAME PATTERN: with pygrub in MODE, xm create NAME fails with
# one line (printed) matching PATTERN, and leaves no domain and no files.
refused() {
    local out
    export MODE=$1
    out=$("$XM" create "$(grubcfg "$2")" 2>&1) && fail "create succeeded: $out"
    echo "$out"
    assert_eq "$(echo "$out" | wc -l)" 1
    assert_match "$out" "$3"
    nothing_left "$2"
}

case_fails() {
    refused fail bl1 'bl1: bootloader: pygrub failed \(exit 1\): RuntimeError: Unable to find partition'
    # what libxl passes, with -q
    assert_match "$(tr '\n' ' ' < "$PVSTACK_ROOT/pygrub.argv")" \
        "^-q --output=$PVSTACK_ROOT/run/xen/bootloader\.[^ ]+/answer --output-format=simple0 --output-directory=[^ ]+ $PVSTACK_ROOT/disk.img $"
}

case_escape() {
    refused escape bl2 'bootloader named /etc/passwd, outside its directory'
}

case_boots() {
    export MODE=ok SRC=$TOP/build/guest/pvguest.elf.xz
    "$XM" create "$(grubcfg bl3)" || fail "create"
    t_wait_console bl3 "pvstack guest: ready"
    [ -z "$(ls -d "$PVSTACK_ROOT"/run/xen/bootloader.* 2> /dev/null)" ] || fail "bootloader files left"
    "$XM" destroy bl3
}

case_debian_bzimage() {
    local out
    out=$("$XM" create "$(t_cfg deb "$VMLINUZ")" 2>&1) && fail "created: $out"
    echo "$out"
    assert_match "$out" "a Linux kernel for Xen's PV MMU"
    assert_match "$out" 'boot it on real Xen \(the xen engine\) or with type = "hvm"'
    ! echo "$out" | grep -q "not an ELF file" || fail "still 'not an ELF file'"
    ! "$XM" domid deb > /dev/null 2>&1 || fail "deb exists"
}

t_root
t_xm_daemons || { echo "not ok - xm daemons start"; exit 1; }
fake_pygrub
t_case "pygrub fails: one line, no domain, no files" case_fails
t_case "pygrub names a file outside its directory: refused" case_escape
t_case_pv "the kernel pygrub hands over boots" case_boots \
    "the kernel pygrub hands over boots" "no /dev/kvm"
VMLINUZ=$(ls "$TOP"/build/xenlab/cache-*/x/boot/vmlinuz-* /boot/vmlinuz-* 2> /dev/null | head -1)
if [ -n "$VMLINUZ" ] && [ -r "$VMLINUZ" ]; then
    t_case "a stock Debian bzImage on the kvm engine: refused with what runs it" case_debian_bzimage
else
    t_skip "a stock Debian bzImage on the kvm engine" "no Debian vmlinuz here"
fi
t_done
