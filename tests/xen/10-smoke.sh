#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Lab smoke (runs in dom0): xm info and xm list report Xen's figures, and a
# stock Debian PV kernel created by xm reaches its init, is listed, and
# xm destroy removes it. This is what `make check` boots the lab for.
. /opt/xentests/lib.sh

info_from_xen() {
    xm info > /tmp/xminfo
    cat /tmp/xminfo
    maj=$(cat /sys/hypervisor/version/major) min=$(cat /sys/hypervisor/version/minor)
    grep -E "^xen_major +: $maj$" /tmp/xminfo
    grep -E "^xen_minor +: $min$" /tmp/xminfo
    grep -E "^xen_version +: $maj\.$min" /tmp/xminfo
    grep -E "^xen_caps +: .*xen-3\.0-x86_64" /tmp/xminfo
    # Xen's memory (qemu -m 1024), not dom0's MemTotal (dom0_mem=512M)
    tot=$(awk '$1=="total_memory"{print $3}' /tmp/xminfo)
    dom0=$(awk '/^MemTotal:/{print int($2/1024)}' /proc/meminfo)
    info "total_memory $tot MiB, dom0 MemTotal $dom0 MiB"
    [ "$tot" -gt 900 ] && [ "$tot" -gt "$dom0" ] || fail "total_memory $tot is not Xen's"
}

list_dom0_from_xen() {
    xm list > /tmp/xmlist
    cat /tmp/xmlist
    mem=$(awk '$1=="Domain-0"{print $3}' /tmp/xmlist)
    # dom0_mem=512M on Xen's line: Xen's reservation, a little under 512
    [ "$mem" -ge 480 ] && [ "$mem" -le 512 ] || fail "Domain-0 Mem $mem is not Xen's"
}

create_list_destroy() {
    local t0 log
    log=$(conlog stay)
    rm -f "$log"
    t0=$(now)
    xm create "$CFG/stay.cfg"
    info "xm create returned after $(since "$t0")s"
    wait_file "$log" 'DOMU-LINUX-STAY' 240 || { cat "$log"; diag stay; fail "no marker from the guest"; }
    info "create -> guest init $(since "$t0")s"
    grep -a DOMU-LINUX-OK "$log"
    grep -a -q 'hv=xen' "$log"
    xm list > /tmp/xmlist
    cat /tmp/xmlist
    grep -E '^stay +[0-9]+ +25[0-9] +1 ' /tmp/xmlist
    # Xen's own view agrees (Debian's xl, against our xenstored)
    $XL list 2>&1 || true
    t0=$(now)
    xm destroy stay
    wait_gone stay 30
    info "destroy $(since "$t0")s"
    ! xm list | grep -q '^stay '
}

t_case "xm info shows Xen's figures" info_from_xen
t_case "xm list: Domain-0's memory from Xen" list_dom0_from_xen
t_case "xm create a stock Debian PV kernel, list, destroy" create_list_destroy
