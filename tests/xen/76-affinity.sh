#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# cpus / cpus_soft on the xen engine: a PV guest has no process of ours to
# pin, so xm sets Xen's own vcpu affinity, hard and soft, as libxl does
# (xc_vcpu_setaffinity); Debian's xl vcpu-list, reading Xen, must show them.
# The lab's Xen has 2 CPUs.
. /opt/xentests/lib.sh

affinity() {
    local log aff
    sed 's/^memory = .*/memory = 128/; s/^name = .*/name = "aff"/' "$CFG/stay.cfg" > /tmp/aff.cfg
    printf '%s\n' 'cpus = "0-1"' 'cpus_soft = "1"' >> /tmp/aff.cfg
    log=$(conlog aff)
    rm -f "$log"
    xm create -p /tmp/aff.cfg
    $XL vcpu-list aff
    # "Hard / Soft" as Xen keeps them: all (both CPUs) / 1
    aff=$($XL vcpu-list aff | awk 'NR == 2 {print $(NF-2), $(NF-1), $NF}')
    [ "$aff" = "all / 1" ] || fail "Xen's affinity '$aff', want 'all / 1'"
    xm destroy aff
    wait_gone aff 30
}

t_case "cpus/cpus_soft: Xen's hard and soft vcpu affinity" affinity
