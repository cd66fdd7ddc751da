#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xen-create-image's Debian image (built on the host by tests/xen/mkxci:
# debootstrap bookworm with linux-image-amd64 and the menu.lst its
# 80-setup-pygrub hook writes) boots as PV with the cfg xen-create-image
# wrote (bootloader = 'pygrub'; only its disk is moved to the drive lab.sh
# hands in, /dev/vdb): Debian's pygrub picks the image's own kernel,
# `xm create -c` under script(1) shows the boot to a login prompt, root
# logs in (the --password mkxci gave), runs a command and powers off, and
# xm no longer lists the domain. A full systemd boot under TCG takes
# minutes: the waits are long.
. /opt/xentests/lib.sh
SRC=$CFG/xci/xcipv.cfg
DEV=/dev/vdb
IN=/tmp/xci.in
OUT=/tmp/xci-c.log

# expect PATTERN SECONDS: wait for PATTERN on the console; a panic ends
# the wait (the cfg's on_crash = 'restart' would boot it again and again)
expect() {
    wait_file "$OUT" "$1|Kernel panic|end Kernel panic|Script done" "$2" &&
        grep -q -a -E "$1" "$OUT" && return 0
    echo "--- the end of the console as xm create -c showed it"
    tail -c 400 "$OUT" | od -c | tail -12
    echo "--- the end of the console as xenconsoled logged it"
    tail -c 400 "$(conlog xcipv)" | od -c | tail -12
    diag xcipv
    echo "--- the domain's monitor, Xen's log"
    tail -20 /var/log/xen/xl-xcipv.log 2> /dev/null || true
    $XL dmesg 2> /dev/null | tail -20 || true
    ! grep -q -a 'Script done' "$OUT" || fail "xm create -c ended before '$1' came"
    fail "no '$1' on the console after $2 s"
}

boot_login_poweroff() {
    local t0 pid spid rc=0
    grep -q "^bootloader *= *'pygrub'" "$SRC" || fail "the cfg has no bootloader = 'pygrub': $(cat "$SRC")"
    # the cfg names the image where mkxci made it on the host; here it is
    # QEMU's second drive
    sed "s|'file:[^,']*,|'phy:$DEV,|" "$SRC" > /tmp/xcipv.cfg
    grep -a -E "disk|bootloader|root|vif" /tmp/xcipv.cfg
    grep -q "'phy:$DEV,xvda1,w'" /tmp/xcipv.cfg || fail "disk line not adapted"
    # the cfg's vif joins xenbr0 (mkxci: --bridge=xenbr0, --ip=10.99.0.2)
    ip link show xenbr0 > /dev/null 2>&1 || ip link add xenbr0 type bridge
    ip link set xenbr0 up
    rm -f "$IN" "$OUT"
    mkfifo "$IN"
    # holds the console's input open (script(1) ends at its stdin's EOF)
    sleep 100000 > "$IN" &
    spid=$!
    # the case runs in a subshell: whatever it ends on, nothing stays
    # shellcheck disable=SC2064 # the pid, now
    trap "kill $spid 2> /dev/null; xm destroy xcipv > /dev/null 2>&1 || true" EXIT
    t0=$(now)
    timeout 2000 script -qfec "xm create -c /tmp/xcipv.cfg" "$OUT" < "$IN" > /dev/null 2>&1 &
    pid=$!
    # the guest's console on the serial log as it comes (a boot under TCG
    # takes minutes: a stuck one shows where); ends with create -c. sed
    # prints whole lines: a prompt shows there once the line ends (the
    # info line after the getty's banner shows the console's last bytes)
    tail --pid="$pid" -n +1 -F "$OUT" 2> /dev/null | sed -u 's/\r$//; s/^/  xcipv| /' &
    # the vbd's counters as blkback publishes them, while the guest boots
    (
        while sleep 60; do
            id=$(xm domid xcipv 2> /dev/null) || continue
            echo "vbd at $(now)s: $(xenstore-ls "/local/domain/0/backend/vbd/$id/51713/statistics" 2> /dev/null | tr -s ' \n' ' ')"
        done
    ) &
    # shellcheck disable=SC2064 # the pids, now
    trap "kill $spid $! 2> /dev/null; xm destroy xcipv > /dev/null 2>&1 || true" EXIT
    # agetty prints /etc/issue, then the prompt without a newline
    expect 'xcipv hvc0|xcipv login:' 1500
    info "getty at $(since "$t0")s, the console ends: $(tail -c 60 "$OUT" | tr -c '[:print:]' .)"
    # the prompt ends in no newline: on create -c at once (40-lifecycle's
    # prompt case checks that alone)
    expect 'xcipv login:' 60
    info "create -> login prompt $(since "$t0")s"
    printf 'root\r' > "$IN"
    expect 'Password:' 120
    printf 'pvstack\r' > "$IN"
    expect 'root@xcipv:~#' 300
    # shellcheck disable=SC2016
    printf 'echo LOGGED-IN-$((6*7)) $(uname -r) $(cat /etc/hostname)\r' > "$IN"
    # the kernel pygrub took from the image's /boot
    expect "LOGGED-IN-42 [0-9][^ ]*-amd64 xcipv" 120
    info "$(grep -a -o 'LOGGED-IN-42 [^ ]* xcipv' "$OUT" | tail -1)"
    printf 'poweroff\r' > "$IN"
    t0=$(now)
    # create -c returns once the guest is gone (on_poweroff = 'destroy')
    wait "$pid" || rc=$?
    info "poweroff -> create -c returned $rc after $(since "$t0")s"
    tr -d '\r' < "$OUT" | tail -8
    [ $rc = 0 ] || { diag xcipv; fail "xm create -c exited $rc (124: timeout)"; }
    wait_gone xcipv 60 || fail "xcipv still listed after poweroff"
    xm list
    ! xm list | grep -q '^xcipv ' || fail "xm list shows xcipv"
}

if [ ! -s "$SRC" ] || [ ! -b "$DEV" ]; then
    t_skip "xen-create-image's image, pygrub, login on xm create -c, poweroff" \
        "no xen-create-image drive (lab.sh attaches it for 65 and all)"
else
    t_case "xen-create-image's image, pygrub, login on xm create -c, poweroff" boot_login_poweroff
fi
