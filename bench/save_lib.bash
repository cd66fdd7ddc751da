# SPDX-License-Identifier: GPL-2.0-only
# bench/save_lib.bash: what save.bash (HVM) and save_pv.bash (kvm engine
# PV) both measure, after tests/integration/lib.sh; the caller sets REC
# (bench_save), R1 (its root) and say(), and boots its own guests.
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.3f", b-a}'; }

# bench_save_restore NAME PREFIX [RESUMED]: xm save and restore of guest
# NAME, against cp (synced) and xz -T0 of its image; RESUMED (a command)
# says when the restored guest runs again. Records PREFIXsave_* and sets
# save_s (the live migration is measured against it).
bench_save_restore() {
    local name=$1 p=$2 resumed=${3:-} t0 size cp_s xz_s restore_s
    t0=$(now); "$XM" save "$name" "$R1/$name.save" >/dev/null 2>&1 || { say "save failed"; exit 1; }; save_s=$(since "$t0")
    size=$(stat -c %s "$R1/$name.save")
    t0=$(now); cp "$R1/$name.save" "$R1/copy"; sync "$R1/copy"; cp_s=$(since "$t0")
    t0=$(now); xz -T0 -c "$R1/$name.save" >"$R1/copy.xz"; xz_s=$(since "$t0")
    t0=$(now); "$XM" restore "$R1/$name.save" >/dev/null 2>&1 || { say "restore failed"; exit 1; }; restore_s=$(since "$t0")
    if [ -n "$resumed" ]; then
        t_wait_for "$resumed" 60 || { say "$name did not resume"; exit 1; }
    fi
    "$XM" destroy "$name"
    rm -f "$R1/copy" "$R1/copy.xz"
    say "save ${save_s}s restore ${restore_s}s of a $((size >> 20)) MiB image; cp ${cp_s}s, xz -T0 ${xz_s}s"
    "$REC" record "${p}save_256m_half_written" "$save_s" "$cp_s" s
    "$REC" record "${p}save_vs_xz" "$save_s" "$xz_s" s
    "$REC" record "${p}restore_256m_half_written" "$restore_s" "$cp_s" s
    "$REC" record "${p}save_image_bytes" "$size" $((256 << 20)) bytes
}

# bench_target: the second root (lib.sh t_target_root) and its "ssh".
bench_target() {
    t_target_root
    t_fakessh "$R1/fakessh"
}

# bench_live_migrate NAME PREFIX: xm migrate --live of guest NAME into the
# second root: total time (against save_s), downtime and pages sent
# against its RAM. Records PREFIXlive_migrate_*.
bench_live_migrate() {
    local name=$1 p=$2 t0 out total_s down pages ram rounds
    t0=$(now)
    out=$("$XM" migrate --live -s "$R1/fakessh" "$name" otherhost 2>&1) || { say "migrate --live failed: $out"; exit 1; }
    total_s=$(since "$t0")
    down=$(echo "$out" | sed -n 's/^migration sender: downtime \([0-9]*\) ms$/\1/p')
    read -r pages ram rounds < <(echo "$out" |
        sed -n 's/^migration sender: \([0-9]*\) pages sent of \([0-9]*\) (\([0-9-]*\) rounds)$/\1 \2 \3/p')
    say "migrate --live ${total_s}s, downtime ${down:-?} ms, ${pages:-?} pages sent of ${ram:-?} in ${rounds:-?} rounds"
    "$REC" record "${p}live_migrate_total" "$total_s" "$save_s" s
    [ -n "$down" ] && "$REC" record "${p}live_migrate_downtime" "$down" "$(awk -v t="$total_s" 'BEGIN{print t * 1000}')" ms
    [ -n "$pages" ] && "$REC" record "${p}live_migrate_pages_sent" "$pages" "$ram" pages
    return 0
}
