#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xm save / restore of a stock Debian PV guest on real Xen (libxenguest's
# stream in libxl's v2 inside xl's framing). The guest (domu-init "count")
# prints a counter and a random marker each second: after a restore it must
# go on counting with the same marker and never boot again.
. /opt/xentests/lib.sh

# on dom0's disk: /tmp is a tmpfs of half dom0's RAM, too small for two
# images of a 128 MiB guest
S=/var/lib/xen/save-test
mkdir -p $S
LOG=$(conlog count)

save_destroys() {
    local id n t0
    rm -f "$LOG"
    t0=$(now)
    timeout 300 xm create "$CFG/count.cfg"
    info "created in $(since "$t0")s"
    wait_count "$LOG" 2 240 || { tail -20 "$LOG"; fail "the guest never counted"; }
    id=$(xm domid count)
    uuid_of "$id" > $S/uuid
    echo "$id" > $S/domid
    t0=$(now)
    timeout 300 xm save count $S/count.save
    info "save took $(since "$t0")s, $(stat -c %s $S/count.save) bytes"
    n=$(last_count "$LOG")
    echo "$n" > $S/count
    marker "$LOG" > $S/marker
    info "saved at count $n, marker $(cat $S/marker)"
    ! xm domid count 2> /dev/null || fail "count still listed after save"
    # Xen frees a destroyed domain once the last mapping of its pages goes
    # (xenconsoled, xenstored let go when they notice): not at once
    xen_gone "$id" 30 || fail "Xen still has domain $id: $($XL list)"
    [ -z "$(xenstore-ls /local/domain/$id 2> /dev/null)" ] || fail "/local/domain/$id left in the store"
    head -c 27 $S/count.save | grep -q '^Xen saved domain, xl format$' || fail "no xl header"
    # the libxl stream v2 ident follows the xl header and config
    grep -a -q LibxlFmt $S/count.save || fail "no libxl v2 stream"
    mv "$LOG" $S/before.log
}

restore_continues() {
    local id t0
    t0=$(now)
    timeout 300 xm restore $S/count.save
    info "restore took $(since "$t0")s"
    id=$(xm domid count)
    [ "$id" != "$(cat $S/domid)" ] || fail "same domid $id"
    [ "$(uuid_of "$id")" = "$(cat $S/uuid)" ] || fail "UUID $(uuid_of "$id") != $(cat $S/uuid)"
    wait_count "$LOG" "$(cat $S/count)" 120 || { tail -20 "$LOG"; fail "no count above $(cat $S/count) after restore"; }
    [ "$(marker "$LOG")" = "$(cat $S/marker)" ] || fail "marker $(marker "$LOG") != $(cat $S/marker)"
    no_reboot "$LOG"
    info "domain $id counts on: $(grep -a -o 'DOMU-COUNT [0-9]*' "$LOG" | head -1) .. $(last_count "$LOG")"
    rm -f $S/count.save
}

# a save that fails half-way (the disk fills) resumes the guest, no file left
failed_save_resumes() {
    local id n rc=0 out
    id=$(xm domid count)
    mkdir -p /tmp/small
    mount -t tmpfs -o size=16m tmpfs /tmp/small
    out=$(timeout 300 xm save count /tmp/small/count.save 2>&1) || rc=$?
    echo "$out"
    [ $rc != 0 ] || { umount /tmp/small; fail "save into 16 MiB succeeded"; }
    [ ! -e /tmp/small/count.save ] || { umount /tmp/small; fail "a half-written image was left"; }
    umount /tmp/small
    [ "$(xm domid count)" = "$id" ] || fail "domain $id gone after a failed save"
    n=$(last_count "$LOG")
    wait_count "$LOG" "$n" 60 || { tail -20 "$LOG"; fail "stopped counting after the failed save at $n"; }
    no_reboot "$LOG"
}

save_checkpoint() {
    local id n before out
    id=$(xm domid count)
    timeout 300 xm save -c count $S/ckpt.save
    [ "$(xm domid count)" = "$id" ] || fail "domain $id gone after save -c"
    n=$(last_count "$LOG")
    echo "$n" > $S/ckpt-count
    wait_count "$LOG" "$n" 60 || { tail -20 "$LOG"; fail "stopped counting after save -c at $n"; }
    no_reboot "$LOG"
    xm list count | grep -q '^count '
    # restoring a name that runs is refused before anything is made
    before=$($XL list | wc -l)
    ! out=$(timeout 300 xm restore $S/ckpt.save 2>&1) || fail "restored a second count"
    echo "$out" | grep -q 'already exists' || fail "no 'already exists' in: $out"
    [ "$($XL list | wc -l)" = "$before" ] || fail "Xen has a domain more"
}

# xl's migrate within the host (`xl migrate dom localhost`): an empty -s runs
# the receiver itself; the copy is count--incoming until the source lets go
migrate_local() {
    local id id2 n t0 l
    id=$(xm domid count)
    n=$(last_count "$LOG")
    t0=$(now)
    timeout 300 xm migrate -s "" count "xm migrate-receive"
    info "migrate took $(since "$t0")s"
    id2=$(xm domid count)
    [ "$id2" != "$id" ] || fail "still domain $id"
    ! xm list | grep -q -- '--migratedaway\|--incoming' || fail "a renamed copy left: $(xm list)"
    [ "$(uuid_of "$id2")" = "$(cat $S/uuid)" ] || fail "UUID changed"
    [ "$(xenstore-read "$(uuid_of "$id2")/name")" = count ] ||
        fail "/vm/<uuid> lost with the source: $(xenstore-ls -p /vm 2>&1; xenstore-ls -p /local/domain/$id2 2>&1 | head -5)"
    # xenconsoled names the log when it meets the domain: still --incoming
    l=$(conlog count--incoming)
    [ -e "$l" ] || l=$LOG
    info "the copy logs to $l"
    wait_count "$l" "$n" 120 || { tail -20 "$l"; fail "no count above $n after migrate"; }
    [ "$(marker "$l")" = "$(cat $S/marker)" ] || fail "marker $(marker "$l") != $(cat $S/marker)"
    no_reboot "$l"
}

truncated_refused() {
    local size out rc=0 before
    xm destroy count
    wait_gone count 30
    size=$(stat -c %s $S/ckpt.save)
    head -c $((size / 2)) $S/ckpt.save > $S/trunc.save
    before=$($XL list | wc -l)
    out=$(timeout 300 xm restore $S/trunc.save 2>&1) || rc=$?
    echo "$out"
    [ $rc != 0 ] || fail "a truncated image was restored"
    echo "$out" | grep -q truncated || fail "no 'truncated' in: $out"
    ! xm domid count 2> /dev/null || fail "count exists after a refused restore"
    [ "$($XL list | wc -l)" = "$before" ] || fail "Xen has a domain more"
    # the checkpoint itself restores: the guest goes on from its count then
    rm -f "$LOG"
    timeout 300 xm restore $S/ckpt.save
    wait_count "$LOG" "$(cat $S/ckpt-count)" 120 || { tail -20 "$LOG"; fail "checkpoint image did not count on"; }
    no_reboot "$LOG"
    rm -f $S/trunc.save
}

# host shutdown and boot: xendomains saves the PV guest and brings it back
xendomains_cycle() {
    local n
    # bash's <(...) needs /dev/fd, which udev makes on a real host; the
    # lab's dom0 mounts a bare devtmpfs
    [ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
    export XENDOMAINS_SAVE=$S/xd XENDOMAINS_AUTO=$S/no-auto XENDOMAINS_RESTORE=true
    timeout 300 xendomains stop
    ! xm domid count 2> /dev/null || fail "count still runs after xendomains stop"
    [ -s $S/xd/count ] || fail "no image $S/xd/count"
    n=$(last_count "$LOG")
    timeout 300 xendomains start
    xm domid count > /dev/null || fail "count not restored by xendomains start"
    [ ! -e $S/xd/count ] || fail "the image was kept after a good restore"
    wait_count "$LOG" "$n" 120 || { tail -20 "$LOG"; fail "no count above $n after xendomains start"; }
    no_reboot "$LOG"
    xm destroy count
    wait_gone count 30
}

t_case "xm save: the domain is written in xl's format and gone" save_destroys
t_case "xm restore: same name and UUID, new domid, the guest counts on" restore_continues
t_case "a failed save (disk full) resumes the guest and leaves no file" failed_save_resumes
t_case "xm save -c: the guest keeps running; restoring its running name is refused" save_checkpoint
t_case "xm migrate within the host: the guest counts on under its name" migrate_local
t_case "a truncated image is refused, nothing made; the checkpoint restores" truncated_refused
t_case "xendomains stop saves the PV guest, start restores it" xendomains_cycle
