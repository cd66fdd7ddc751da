#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# A file-backed disk through pvstack's blkback, seen by the stock Debian
# guest's xen-blkfront: the guest reads the first sector and prints it, and
# stays (disk.cfg: "disk stay") so the backend's side can be checked.
. /opt/xentests/lib.sh

disk_seen_by_guest() {
    local log t0
    # a failed case must not leave its guest holding memory for the next
    trap 'xm destroy disk > /dev/null 2>&1 || true' EXIT
    log=$(conlog disk)
    rm -f "$log" /tmp/disk.img
    truncate -s 16M /tmp/disk.img
    printf 'PVSTACK-DISK-OK-' | dd of=/tmp/disk.img conv=notrunc status=none
    t0=$(now)
    xm create "$CFG/disk.cfg"
    wait_file "$log" 'DOMU-DISK ' 240 || { cat "$log"; diag disk; fail "the guest printed no DOMU-DISK line"; }
    info "create -> disk read $(since "$t0")s"
    grep -a 'DOMU-DISK ' "$log"
    grep -a -q 'DOMU-DISK PVSTACK-DISK-OK-' "$log"
    # the backend's side in the store, as blkback wrote it
    id=$(xm domid disk)
    xenstore-ls "/local/domain/0/backend/vbd/$id" | head -20
    [ "$(xenstore-read "/local/domain/0/backend/vbd/$id/51712/state")" = 4 ]
    xm destroy disk
    wait_gone disk 30
}

t_case "file-backed disk through blkback, read by the guest" disk_seen_by_guest
