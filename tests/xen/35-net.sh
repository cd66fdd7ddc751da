#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A vif through pvstack's netback (a tap on xenbr0, grants through
# libxengnttab) seen by the stock Debian guest's xen-netfront: eth0 comes
# up and the guest pings dom0's address on the bridge. No outside network.
. /opt/xentests/lib.sh

vif_ping_dom0() {
    local log t0 id
    # a failed case must not leave its guest holding memory for the next
    trap 'xm destroy net > /dev/null 2>&1 || true' EXIT
    log=$(conlog net)
    rm -f "$log"
    ip link show xenbr0 > /dev/null 2>&1 || ip link add xenbr0 type bridge
    ip addr flush dev xenbr0
    ip addr add 10.99.0.1/24 dev xenbr0
    ip link set xenbr0 up
    t0=$(now)
    xm create "$CFG/net.cfg"
    wait_file "$log" 'DOMU-NET ' 240 || { cat "$log"; diag net; fail "the guest printed no DOMU-NET line"; }
    info "create -> ping done $(since "$t0")s"
    grep -a 'DOMU-NET ' "$log"
    id=$(xm domid net)
    xenstore-ls "/local/domain/0/backend/vif/$id" | head -20
    ip link show master xenbr0
    # the guest's frames crossed the bridge: dom0 learnt its MAC
    ip neigh show dev xenbr0 | grep -i '00:16:3e:00:00:42'
    grep -a -q 'DOMU-NET ok' "$log" || fail "the guest could not ping dom0"
    xm destroy net
    wait_gone net 30
}

t_case "vif on xenbr0 through netback: the guest pings dom0" vif_ping_dom0
