#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xm migrate --live of a PV guest on real Xen: libxc's pre-copy rounds on
# Xen's log-dirty mode (XCFLAGS_LIVE), then the suspend for the last dirty
# pages. The guest (domu-init "count") prints a counter and a random marker
# each second through the migration: the copy must count on with the same
# marker, never boot again, and the sender must report its downtime and
# the pages it sent. Debian's Xen is built without shadow paging, so it
# has no log-dirty mode for PV guests: there the fallback is checked.
. /opt/xentests/lib.sh

S=/var/lib/xen/live-test
mkdir -p $S
LOG=$(conlog count)

start_count() {
    rm -f "$LOG" "$(conlog count--incoming)"
    timeout 300 xm create "$CFG/count.cfg"
    wait_count "$LOG" 2 240 || { tail -20 "$LOG"; fail "the guest never counted"; }
    uuid_of "$(xm domid count)" > $S/uuid
    marker "$LOG" > $S/marker
    info "counting, marker $(cat $S/marker)"
}

# xl's `migrate --live dom localhost`: the receiver run by an empty -s
migrate_live() {
    local id id2 n t0 l out pages ram rounds
    id=$(xm domid count)
    n=$(last_count "$LOG")
    t0=$(now)
    out=$(timeout 300 xm migrate --live -s "" count "xm migrate-receive" 2>&1) ||
        { echo "$out"; fail "migrate --live failed"; }
    echo "$out" | grep -v '^xc: ' || true
    info "migrate --live took $(since "$t0")s"
    echo "$out" | grep -q '^Migration successful' || fail "no success message"
    echo "$out" | grep -E -q '^migration sender: downtime [0-9]+ ms$' || fail "no downtime reported"
    if echo "$out" | grep -q "not live: Xen cannot track a PV guest's dirty pages"; then
        # Debian's Xen 4.17 is built without shadow paging, which a PV
        # guest's log-dirty mode needs: said in one line, then sent
        # suspended, and no pre-copy figures claimed
        ! echo "$out" | grep -q 'pages sent of' || fail "pages claimed without pre-copy"
        ! echo "$out" | grep -q 'Failed to enable logdirty' || fail "libxc's stream was begun"
        info "this Xen has no PV log-dirty: $(echo "$out" | grep '^migration sender: downtime'), stop-and-copy"
    else
        read -r pages ram rounds < <(echo "$out" |
            sed -n 's/^migration sender: \([0-9]*\) pages sent of \([0-9]*\) (\([0-9]*\) rounds)$/\1 \2 \3/p')
        [ -n "$pages" ] || fail "no pages reported"
        info "$(echo "$out" | grep '^migration sender: downtime'), $pages pages sent of $ram in $rounds rounds"
        # pre-copy: at least one round while it ran, and its RAM sent
        [ "$rounds" -ge 1 ] || fail "no pre-copy round"
        [ "$ram" = 32768 ] || fail "RAM of $ram pages, not 128 MiB"
        [ "$pages" -ge $((ram / 2)) ] || fail "only $pages of $ram pages sent"
    fi
    id2=$(xm domid count)
    [ "$id2" != "$id" ] || fail "still domain $id"
    ! xm list | grep -q -- '--migratedaway\|--incoming' || fail "a renamed copy left: $(xm list)"
    [ "$(uuid_of "$id2")" = "$(cat $S/uuid)" ] || fail "UUID changed"
    l=$(conlog count--incoming)
    [ -e "$l" ] || l=$LOG
    wait_count "$l" "$n" 120 || { tail -20 "$l"; fail "no count above $n after migrate --live"; }
    [ "$(marker "$l")" = "$(cat $S/marker)" ] || fail "marker $(marker "$l") != $(cat $S/marker)"
    no_reboot "$l"
    xm destroy count
    wait_gone count 30
}

t_case "a PV guest counts" start_count
t_case "xm migrate --live: pre-copy rounds (or a said stop-and-copy where Xen has no PV log-dirty), downtime and pages reported, the guest counts on" migrate_live
