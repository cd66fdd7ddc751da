#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# pvstack's xenstored as dom0's xenstored: it serves dom0's own kernel
# (the xenbus ring behind /dev/xen/xenbus_backend), so libxenstore's
# fallback to /dev/xen/xenbus works; and it binds VIRQ_DOM_EXC, so a domain
# destroyed behind the toolstack's back (Debian's xl destroy) is released:
# @releaseDomain fires, its connection and the nodes it owned go.
. /opt/xentests/lib.sh
LOG=/var/log/xen/xenstored.log

dom0_kernel_served() {
    grep -a "serving dom0's kernel xenbus" $LOG
    # the kernel's xenbus probed once we answered: its buses are up
    ls /sys/bus/xen/devices /sys/bus/xen-backend/devices
    xenstore-write /lab/dev hello
    # libxenstore 4.17 takes XENSTORED_PATH for both its socket and its
    # device: naming the kernel device there makes the socket connect fail
    # and the fallback open /dev/xen/xenbus, dom0's ring to our daemon
    export XENSTORED_PATH=/dev/xen/xenbus
    [ "$(timeout 30 xenstore-read /lab/dev)" = hello ]
    timeout 30 xenstore-write /lab/dev2 through-kernel
    timeout 30 xenstore-ls /local/domain/0 > /tmp/ls0
    cat /tmp/ls0
    grep -q '^name = "Domain-0"' /tmp/ls0
    # a watch through the kernel: the event comes back on its ring
    timeout 30 xenstore-watch -n 2 /lab/w > /tmp/w0 &
    sleep 2
    unset XENSTORED_PATH
    [ "$(xenstore-read /lab/dev2)" = through-kernel ]
    xenstore-write /lab/w fired
    wait $!
    cat /tmp/w0
    [ "$(grep -c '^/lab/w' /tmp/w0)" = 2 ]
    xenstore-rm /lab
}

released_on_virq() {
    local log id mon wpid
    grep -a 'VIRQ_DOM_EXC bound' $LOG
    log=$(conlog stay)
    rm -f "$log"
    xm create "$CFG/stay.cfg"
    wait_file "$log" 'DOMU-LINUX-STAY' 240 || { cat "$log"; diag stay; fail "no marker from the guest"; }
    id=$(xm domid stay)
    # a node the domain owns outside its home: Xen's xenstored deletes
    # it with the domain
    xenstore-write /lab/owned x
    xenstore-chmod /lab/owned "n$id"
    # only xenstored may notice: xm's monitor (xl-stay) would release the
    # domain itself
    mon=$(pgrep -x xl-stay)
    [ -n "$mon" ] || fail "no monitor xl-stay"
    kill $mon
    timeout 60 xenstore-watch -n 2 @releaseDomain > /tmp/rel &
    wpid=$!
    sleep 2
    $XL destroy "$id"
    wait $wpid || fail "no @releaseDomain within 60 s"
    cat /tmp/rel
    # the liveness path (not an XS_RELEASE) freed its connection
    grep -a "dom $id: gone, released" $LOG
    if xenstore-exists /lab/owned; then fail "the dead domain's node is still there"; fi
    xenstore-rm /lab
}

t_case "xenstored serves dom0's kernel (/dev/xen/xenbus)" dom0_kernel_served
t_case "VIRQ_DOM_EXC: xl destroy behind our back releases the domain" released_on_virq
