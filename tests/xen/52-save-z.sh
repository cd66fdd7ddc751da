#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xm save -z of a PV guest on real Xen: libxl's stream v2 around libxc's goes
# through liblzma (domain/xzpipe.c), xl's header carries pvstack's xz flag,
# and xm restore finds the flag and decompresses. The guest (domu-init
# "count") must count on with the same marker and never boot again.
. /opt/xentests/lib.sh

S=/var/lib/xen/savez-test
mkdir -p $S
LOG=$(conlog count)

save_z() {
    local t0 size
    rm -f "$LOG" $S/count.save
    timeout 300 xm create "$CFG/count.cfg"
    wait_count "$LOG" 2 240 || { tail -20 "$LOG"; fail "the guest never counted"; }
    marker "$LOG" > $S/marker
    t0=$(now)
    timeout 300 xm save -z count $S/count.save
    size=$(stat -c %s $S/count.save)
    info "save -z took $(since "$t0")s, $size bytes"
    last_count "$LOG" > $S/count
    ! xm domid count 2> /dev/null || fail "count still listed after save"
    head -c 27 $S/count.save | grep -q '^Xen saved domain, xl format$' || fail "no xl header"
    # compressed, not silently plain: no libxl stream in the clear, an xz
    # stream after the header, far below the 128 MiB a plain image takes
    ! grep -a -q LibxlFmt $S/count.save || fail "the libxl stream is in the clear"
    grep -a -q "$(printf '\3757zXZ')" $S/count.save || fail "no xz stream"
    [ "$size" -lt $((64 * 1024 * 1024)) ] || fail "$size bytes: not compressed"
}

restore_z() {
    rm -f "$LOG" # the log still holds the first boot: no_reboot must see only the restored run
    timeout 300 xm restore $S/count.save
    wait_count "$LOG" "$(cat $S/count)" 120 || { tail -20 "$LOG"; fail "no count above $(cat $S/count) after restore"; }
    [ "$(marker "$LOG")" = "$(cat $S/marker)" ] || fail "marker $(marker "$LOG") != $(cat $S/marker)"
    no_reboot "$LOG"
}

# a truncated compressed image is refused whole, nothing made
truncated_z() {
    local size out rc=0 before after
    xm destroy count
    wait_gone count 30
    size=$(stat -c %s $S/count.save)
    head -c $((size * 3 / 4)) $S/count.save > $S/trunc.save
    before=$($XL list) || true
    out=$(timeout 300 xm restore $S/trunc.save 2>&1) || rc=$?
    echo "$out"
    [ $rc != 0 ] || fail "a truncated image was restored"
    echo "$out" | grep -q truncated || fail "no 'truncated' in: $out"
    ! xm domid count 2> /dev/null || fail "count exists after a refused restore"
    after=$($XL list) || true
    [ "$(echo "$after" | wc -l)" = "$(echo "$before" | wc -l)" ] || {
        printf 'Xen before the restore:\n%s\nafter:\n%s\n' "$before" "$after"
        fail "Xen has a domain more"; }
    rm -f $S/trunc.save $S/count.save
}

t_case "xm save -z: the PV stream is xz-compressed" save_z
t_case "xm restore of the -z image: the guest counts on" restore_z
t_case "a truncated -z image is refused, nothing made" truncated_z
