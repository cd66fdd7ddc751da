#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# PV core dumps on the xen engine (libxenctrl's xc_domain_dumpcore, as
# libxl's): `xm dump-core` of a running stock Debian PV guest, and
# on_crash = "coredump-destroy" writing /var/lib/xen/dump/<name> before the
# destroy. Each file must be Xen's ELF core: an ELF64 of type CORE (no
# readelf in this dom0: the header is read with od) with the sections xc
# writes (.note.Xen, .xen_prstatus, .xen_pages). 128 MiB guests: the cores
# land on dom0's 1 GiB root.
. /opt/xentests/lib.sh
DUMP=/var/lib/xen/dump

# is_xen_core FILE: Xen's ELF core, as xc_domain_dumpcore writes it
is_xen_core() {
    local magic type
    [ -s "$1" ] || fail "$1: missing or empty"
    magic=$(od -An -c -N4 "$1" | tr -d ' ')
    [ "$magic" = '177ELF' ] || fail "$1: not ELF ($magic)"
    # e_ident[EI_CLASS] = 2 (ELF64), e_type = 4 (ET_CORE)
    [ "$(od -An -tu1 -j4 -N1 "$1" | tr -d ' ')" = 2 ] || fail "$1: not ELF64"
    type=$(od -An -tu2 -j16 -N2 "$1" | tr -d ' ')
    [ "$type" = 4 ] || fail "$1: e_type $type, not CORE (4)"
    for s in .note.Xen .xen_prstatus .xen_pages; do
        grep -a -q -F "$s" "$1" || fail "$1: no $s section"
    done
    info "$1: Xen ELF core, $(($(stat -c %s "$1") / 1048576)) MiB"
}

dump_core_running() {
    local log f=$DUMP/stay-manual.core
    sed 's/^memory = .*/memory = 128/' "$CFG/stay.cfg" > /tmp/stay128.cfg
    log=$(conlog stay)
    rm -f "$log" "$f"
    mkdir -p "$DUMP"
    xm create /tmp/stay128.cfg
    wait_file "$log" 'DOMU-LINUX-STAY' 240 || { cat "$log"; fail "no marker from the guest"; }
    xm dump-core stay "$f"
    is_xen_core "$f"
    # the guest carries on after a dump
    xm list | grep -q '^stay ' || fail "stay gone after dump-core"
    rm -f "$f"
    xm destroy stay
    wait_gone stay 30
}

coredump_destroy() {
    local log f=$DUMP/crash
    sed 's/^memory = .*/memory = 128/; s/^on_crash = .*/on_crash = "coredump-destroy"/' \
        "$CFG/crash.cfg" > /tmp/crash-dump.cfg
    log=$(conlog crash)
    rm -f "$log" "$f"
    xm create /tmp/crash-dump.cfg
    wait_file "$log" 'DOMU-CRASHING' 240 || { cat "$log"; fail "the guest did not crash"; }
    # the dump (128 MiB through xc_domain_dumpcore) comes before the
    # destroy: minutes under TCG, more with another lab on the cores
    wait_gone crash 300 || { diag crash; fail "crash not destroyed"; }
    grep -q "core of domain .* written to .*$f" /var/log/xen/xl-crash.log ||
        { cat /var/log/xen/xl-crash.log; fail "no dump in xl-crash.log"; }
    is_xen_core "$f"
    rm -f "$f"
}

t_case "xm dump-core of a running PV guest: Xen's ELF core" dump_core_running
t_case "on_crash=coredump-destroy: core in /var/lib/xen/dump, then destroyed" coredump_destroy
