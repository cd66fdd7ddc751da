#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The store on real Xen: Debian's xenstore-* clients against pvstack's
# xenstored; a PV domain's entries as libxl writes them (ring-refs are
# machine frames); and pvstack's xm against Debian's own xenstored, which
# refuses entries for a domain Xen does not have yet (libxl's order).
. /opt/xentests/lib.sh

debian_clients() {
    xm daemons start
    xenstore-write /lab/a hello /lab/b world
    [ "$(xenstore-read /lab/a)" = hello ]
    [ "$(xenstore-list /lab | tr '\n' ' ')" = "a b " ]
    xenstore-chmod /lab/a n0 r1
    xenstore-ls -p /lab | grep -a 'a = "hello"'
    xenstore-rm /lab
    if xenstore-exists /lab; then fail "/lab still there after xenstore-rm"; fi
}

# xm daemons start (xencommons' role, run by xentest) wrote what
# xen-init-dom0 writes: Debian's xl lists dom0 by name, not "(null)", and
# names the pool (its sched-credit and cpupool-list read it)
dom0_entries() {
    [ "$(xenstore-read /local/domain/0/name)" = Domain-0 ]
    [ "$(xenstore-read /local/domain/0/domid)" = 0 ]
    [ "$(xenstore-read /local/pool/0/name)" = Pool-0 ]
    $XL list
    $XL list | grep -E '^Domain-0 +0 '
}

domain_entries() {
    local log id uuid n
    log=$(conlog stay)
    rm -f "$log"
    xm create "$CFG/stay.cfg"
    wait_file "$log" 'DOMU-LINUX-STAY' 240 || { cat "$log"; fail "no marker from the guest"; }
    id=$(xm domid stay)
    xenstore-ls -f "/local/domain/$id" > /tmp/store-$id
    cat /tmp/store-$id
    # what libxl writes for a PV domain (libxl__domain_make, the console and
    # store wiring) -- the guest kernel got this far by reading them
    for n in name domid vm control/shutdown memory/target cpu/0/availability \
        store/port store/ring-ref console/port console/ring-ref console/tty; do
        grep -q "^/local/domain/$id/$n = " /tmp/store-$id || fail "no $n"
    done
    [ "$(xenstore-read "/local/domain/$id/name")" = stay ]
    uuid=$(xenstore-read "/local/domain/$id/vm")
    [ "$(xenstore-read "$uuid/name")" = stay ]
    # a PV guest's ring-ref is a machine frame: with 256 MiB in a 1 GiB
    # host it is not the small pfn the builder put the page at
    info "store/ring-ref $(xenstore-read "/local/domain/$id/store/ring-ref"), console/ring-ref $(xenstore-read "/local/domain/$id/console/ring-ref")"
    xm destroy stay
    wait_gone stay 30
    ! xenstore-exists "/local/domain/$id"
}

xm_on_debian_xenstored() {
    local log dpid
    xm daemons stop
    /usr/lib/xen-4.17/bin/xenstored --pid-file=/run/xenstored.debian.pid
    /usr/lib/xen-4.17/bin/xen-init-dom0
    dpid=$(cat /run/xenstored.debian.pid)
    # our xenconsoled, blkback and netback (xencommons' other roles): xm
    # finds a store answering and starts no xenstored of its own
    xm daemons start
    xm daemons status || true
    xm daemons status | grep -E '^xenstored +running \(no pid file\)'
    [ ! -e /run/xenstored.pid ] || fail "xm started its own xenstored"
    kill -0 "$dpid"
    log=$(conlog stay)
    rm -f "$log"
    # Debian's xenstored refuses entries (SET_PERMS: ENOENT) for a domain
    # Xen does not have yet: this passes only in libxl's order
    xm create "$CFG/stay.cfg"
    wait_file "$log" 'DOMU-LINUX-STAY' 240 || { cat "$log"; fail "no marker from the guest"; }
    xm list | grep '^stay '
    $XL list | grep '^stay '
    id=$(xm domid stay)
    [ "$(xenstore-read "/local/domain/$id/name")" = stay ]
    xm destroy stay
    wait_gone stay 30
    # Debian's xenstored served it all and is still the one answering
    kill -0 "$dpid"
    ! xenstore-exists "/local/domain/$id"
}

restore_ours() {
    xm daemons stop || true
    [ -f /run/xenstored.debian.pid ] && kill "$(cat /run/xenstored.debian.pid)" 2> /dev/null || true
    sleep 1
    xm daemons start
}

t_case "Debian's xenstore-* clients against pvstack's xenstored" debian_clients
t_case "dom0's name and domid, as xen-init-dom0 writes them" dom0_entries
t_case "a PV domain's store entries" domain_entries
t_case "xm against Debian's xenstored (entries after the domain exists)" xm_on_debian_xenstored
restore_ours > /dev/null 2>&1
