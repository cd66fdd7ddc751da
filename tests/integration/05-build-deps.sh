#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The build tracks headers: after a change to a header, make rebuilds every
# object that includes it, in every object folder (the host programs' and
# the guest kernel's). A guest built from objects of two header versions
# once read struct platform from the wrong slots and hung at boot.
# Dry runs only (make -n -W HEADER): nothing in build/ changes.
. "$(dirname "$0")/lib.sh"

# rebuilds HEADER TARGET SOURCE...: make -n, with HEADER taken as new,
# compiles each SOURCE on its way to TARGET.
rebuilds() {
    local hdr=$1 target=$2 out src
    shift 2
    out=$(make -C "$TOP" --no-print-directory -n -W "$hdr" "$target" 2>&1) ||
        fail "make -n -W $hdr $target: $out"
    for src in "$@"; do
        grep -q -- "-c -o [^ ]* $src\$" <<<"$out" ||
            fail "a change to $hdr does not rebuild $src"
    done
}

guest_headers() {
    [ -f "$TOP/build/guest/obj/main.c.d" ] || fail "no dependency files under build/guest/obj"
    rebuilds guest/platform.h build/guest/pvguest.elf guest/main.c guest/platform_xen.c guest/smp.c
    rebuilds guest/kernel.h build/guest/pvguest.elf guest/gnttab.c guest/console.c
    rebuilds include/proto/pvabi.h build/guest/pvguest.elf guest/main.c guest/platform_kvm.c
}

host_headers() {
    rebuilds include/proto/pvabi.h build/bin/pvstack-vmm toolstack/vmm/hcall.c
}

t_case "a guest header change rebuilds the guest objects that include it" guest_headers
t_case "a shared header change rebuilds the host objects that include it" host_headers
t_done
