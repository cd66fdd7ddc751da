#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# make demo where there is no /dev/kvm (scripts/demo -> lab.sh demo): in
# the lab's dom0, pvstack is the toolstack of a real Xen 4.17 and walks
# through scripts/demo-guest.sh, as scripts/demo does on the kvm engine.
# Every line of the walk-through goes to the serial line as "XL-DEMO ...",
# which lab.sh prints as it comes; one XL-TAP line says how it went.
. /opt/xentests/lib.sh
. /opt/xentests/demo-guest.sh
ping() { busybox ping "$@"; } # dom0 has busybox's, not iputils

demo_xen() {
    mkdir -p /srv/xen
    ip link show xenbr0 > /dev/null 2>&1 || ip link add xenbr0 type bridge
    ip addr flush dev xenbr0
    ip addr add 10.99.0.1/24 dev xenbr0
    ip link set xenbr0 up
    XM=xm GUEST=/usr/local/lib/pvstack/pvguest.elf ETC=/etc/xen SRV=/srv/xen
    CONLOG=$(conlog demo) WAIT=240
    rm -f "$CONLOG"
    echo
    echo "\$ xm info   (some of its lines: Xen's own figures)"
    xm info | grep -E '^(host|release|xen_version|xen_caps|total_memory|free_memory|xen_scheduler) ' |
        sed 's/^/    /'
    demo_guest
}

demo_xen 2>&1 | sed -u 's/^/XL-DEMO /'
if [ "${PIPESTATUS[0]}" = 0 ]; then
    echo "XL-TAP ok - demo: our guest on real Xen: created, self-tests, console, ping, mem-set, shutdown"
else
    echo "XL-TAP not ok - demo: our guest on real Xen (the walk-through above failed)"
fi
