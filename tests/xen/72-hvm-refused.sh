#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A Xen without hardware virtualisation (the lab's QEMU CPU has no SVM, as
# a host with VT-x/AMD-V off): physinfo lacks the hvm capability, and xm
# create of an HVM or PVH guest is refused up front with one line that says
# why, leaving nothing behind (no domain, no store entries).
. /opt/xentests/lib.sh

refused() {
    local type=$1 out
    cat > /tmp/$type.cfg << CFG
name = "no$type"
type = "$type"
kernel = "/opt/domu/vmlinuz"
memory = 128
CFG
    if xm create /tmp/$type.cfg > /tmp/$type.out 2>&1; then
        cat /tmp/$type.out
        fail "xm create of a $type guest succeeded"
    fi
    cat /tmp/$type.out
    out=$(cat /tmp/$type.out)
    [ "$(wc -l < /tmp/$type.out)" = 1 ] || fail "not one line"
    case $out in
    *"no$type: type = \"$type\" needs hardware virtualisation"*'use type = "pv"'*) ;;
    *) fail "unexpected message" ;;
    esac
    ! xm list | grep -q "^no$type "
    ! $XL list | grep -q "^no$type "
    [ "$($XL list | wc -l)" = 2 ] || fail "a domain was left behind"
    ! xenstore-ls /local/domain | grep -q "no$type"
}

hvm() { refused hvm; }
pvh() { refused pvh; }

# Xen's own view first: the capability really is missing here
if $XL info | grep -E '^virt_caps' | grep -qw hvm; then
    t_skip "type = hvm refused" "this Xen has hvm (XENLAB_CPU with svm)"
    t_skip "type = pvh refused" "this Xen has hvm (XENLAB_CPU with svm)"
else
    t_case 'type = "hvm" refused without hvm capability' hvm
    t_case 'type = "pvh" refused without hvm capability' pvh
fi
