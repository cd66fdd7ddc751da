#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xendomains against a scripted xm (state in files): start creates the auto
# cfgs in name order and reports a dangling symlink without stopping, skips
# running ones; stop shuts all down in parallel and destroys stragglers after
# XENDOMAINS_STOP_MAXWAIT; status; the settings file; the service files.
. "$(dirname "$0")/lib.sh"
XD=$BIN/xendomains
t_root
AUTO=$PVSTACK_ROOT/etc/xen/auto
export XM=$PVSTACK_ROOT/fake-xm XM_STATE=$PVSTACK_ROOT/xm-state
# The scripted xm has no save: these cases are about shutting down (76
# covers XENDOMAINS_SAVE with the real xm).
export XENDOMAINS_SAVE=
mkdir -p "$AUTO" "$XM_STATE"

# The fake xm: `list` as xl prints it, create/shutdown/destroy on files.
# A domain named stubborn* ignores shutdown; bad* fails to create. Every
# call is logged (with a timestamp) to $XM_STATE/log.
cat >"$XM" <<'EOF'
#!/bin/bash
echo "$(date +%s.%N) $*" >>"$XM_STATE/log"
case $1 in
list)
    printf 'Name                                        ID   Mem VCPUs\tState\tTime(s)\n'
    printf '%-40s %5d %5d %5d     r-----  %8.1f\n' Domain-0 0 1024 2 1.0
    i=1
    for f in "$XM_STATE"/dom.*; do
        [ -e "$f" ] || continue
        printf '%-40s %5d %5d %5d     -b----  %8.1f\n' "${f##*/dom.}" $i 128 1 0.1
        i=$((i + 1))
    done ;;
create)
    n=$(sed -nE "s/^name *= *[\"']([^\"']*)[\"'].*/\1/p" "$2")
    case $n in bad*) echo "xm: $2:3:1: bad things" >&2; exit 1 ;; esac
    [ -e "$XM_STATE/dom.$n" ] && { echo "xm: domain $n exists" >&2; exit 1; }
    touch "$XM_STATE/dom.$n" ;;
shutdown)
    [ -e "$XM_STATE/dom.$2" ] || exit 1
    case $2 in stubborn*) ;; *) (sleep 1; rm -f "$XM_STATE/dom.$2") & ;; esac ;;
destroy)
    rm "$XM_STATE/dom.$2" ;;
*) exit 1 ;;
esac
EOF
chmod +x "$XM"
mkcfg() { printf '# guest %s\nname = "%s"\nmemory = 128\n' "$2" "$2" >"$1"; }
doms() { "$XM" list | awk 'NR > 2 { print $1 }' | tr '\n' ' '; }

case_start() {
    mkcfg "$AUTO/20-web.cfg" web
    mkcfg "$PVSTACK_ROOT/etc/xen/db.cfg" db
    ln -s ../db.cfg "$AUTO/10-db.cfg"
    ln -s ../gone.cfg "$AUTO/30-gone.cfg"
    local out
    out=$("$XD" start 2>&1) || fail "start failed: $out"
    assert_match "$out" "Starting auto Xen domain db \(.*/10-db.cfg\): ok"
    assert_match "$out" "Starting auto Xen domain web \(.*/20-web.cfg\): ok"
    assert_match "$out" "30-gone.cfg: dangling symlink to ../gone.cfg, skipped"
    assert_eq "$(doms)" "db web "
    # name order: db (10-) was created before web (20-)
    assert_eq "$(grep -o 'create .*' "$XM_STATE/log" | sed 's|.*/||' | tr '\n' ' ')" \
        "10-db.cfg 20-web.cfg "
}

case_start_again() {
    local out
    : >"$XM_STATE/log"
    out=$("$XD" start 2>&1) || fail "second start failed: $out"
    assert_match "$out" "Skipping auto Xen domain db: already running"
    assert_match "$out" "Skipping auto Xen domain web: already running"
    ! grep -q create "$XM_STATE/log" || fail "created a running domain again"
}

case_status() {
    local out rc
    out=$("$XD" status 2>&1); rc=$?
    assert_eq "$rc" 3 "status with a dangling entry"
    assert_match "$out" "db: running"
    assert_match "$out" "web: running"
    assert_match "$out" "30-gone.cfg: dangling symlink"
}

case_stop() {
    local out t0 t1
    touch "$XM_STATE/dom.stubborn1"   # not an auto domain: stopped all the same
    : >"$XM_STATE/log"
    t0=$(date +%s)
    out=$(XENDOMAINS_STOP_MAXWAIT=3 "$XD" stop 2>&1) || fail "stop failed: $out"
    t1=$(date +%s)
    assert_eq "$(doms)" ""
    assert_match "$out" "Destroying Xen domain stubborn1: still up after 3s"
    assert_match "$out" "All Xen domains are down."
    # Parallel: every shutdown was sent before the first one completed
    # (each takes 1 s), and the whole stop took about MAXWAIT, not more.
    assert_eq "$(sed -n '/shutdown/=' "$XM_STATE/log" | tr '\n' ' ')" "2 3 4 "
    [ $((t1 - t0)) -le 6 ] || fail "stop took $((t1 - t0)) s"
    ! grep -q "destroy db\|destroy web" "$XM_STATE/log" || fail "destroyed a guest that shut down"
    out=$("$XD" stop 2>&1) || fail "stop with nothing running failed"
    assert_match "$out" "no domains to shut down"
}

case_create_fails() {
    rm -f "$AUTO/30-gone.cfg"
    mkcfg "$AUTO/15-bad.cfg" bad1
    local out
    out=$("$XD" start 2>&1) && fail "start succeeded with a failing create"
    assert_match "$out" "Starting auto Xen domain bad1 .*: failed"
    assert_match "$out" "    xm: .*15-bad.cfg:3:1: bad things"
    assert_eq "$(doms)" "db web "
    rm "$AUTO/15-bad.cfg"
    "$XD" stop >/dev/null
}

case_settings() {
    local other=$PVSTACK_ROOT/other-auto out
    mkdir -p "$other" "$PVSTACK_ROOT/etc/default"
    mkcfg "$other/x.cfg" xonly
    printf 'XENDOMAINS_AUTO=%s\nXENDOMAINS_STOP_MAXWAIT=1\n' "$other" \
        >"$PVSTACK_ROOT/etc/default/xendomains"
    out=$("$XD" restart 2>&1) || fail "restart failed: $out"
    assert_eq "$(doms)" "xonly "
    touch "$XM_STATE/dom.stubborn2"
    XENDOMAINS_AUTO_ONLY=true "$XD" stop >/dev/null || fail "auto-only stop failed"
    assert_eq "$(doms)" "stubborn2 "
    out=$(XENDOMAINS_STOP_MAXWAIT=soon "$XD" stop 2>&1) && fail "bad MAXWAIT accepted"
    assert_match "$out" "must be a number"
    "$XD" stop >/dev/null
    rm "$PVSTACK_ROOT/etc/default/xendomains"
    out=$("$XD" bogus 2>&1) && fail "bogus command accepted"
    assert_match "$out" "usage: xendomains"
    rm -rf "$AUTO"
    out=$("$XD" start 2>&1) || fail "start without an auto dir failed"
    assert_match "$out" "nothing to start"
}

case_service_files() {
    local d=$PVSTACK_ROOT/inst
    make -s -C "$TOP" install DESTDIR="$d" PREFIX=/usr/local >/dev/null 2>&1 ||
        fail "make install failed"
    grep -qx "ExecStart=/usr/local/sbin/xendomains start" \
        "$d/lib/systemd/system/xendomains.service" || fail "unit ExecStart"
    grep -qx "ExecStop=/usr/local/sbin/xendomains stop" \
        "$d/lib/systemd/system/xendomains.service" || fail "unit ExecStop"
    [ -x "$d/etc/init.d/xendomains" ] || fail "no init script"
    [ -x "$d/usr/local/sbin/xendomains" ] || fail "xendomains not installed"
    [ -d "$d/etc/xen/auto" ] || fail "no /etc/xen/auto"
    sh -n "$d/etc/init.d/xendomains" || fail "init script syntax"
    # The init script runs the installed xendomains with its argument.
    sed -i "s|^XENDOMAINS=.*|XENDOMAINS=$BIN/xendomains|" "$d/etc/init.d/xendomains"
    assert_match "$("$d/etc/init.d/xendomains" status 2>&1)" "no auto domains"
    "$d/etc/init.d/xendomains" frobnicate >/dev/null 2>&1 && fail "init accepted junk"
    if command -v systemd-analyze >/dev/null; then
        systemd-analyze verify "$d/lib/systemd/system/xendomains.service" 2>&1 |
            grep -v "not executable\|No such file\|Failed to\|Unit .* not found\|Command .* is not executable\|xenstored\|xenconsoled" |
            grep -i "xendomains.service" && fail "systemd-analyze complains"
    fi
    true
}

t_case "start: auto cfgs in name order, dangling symlink reported" case_start
t_case "start again: running domains skipped" case_start_again
t_case "status: running and broken auto entries" case_status
t_case "stop: parallel shutdown, stragglers destroyed after MAXWAIT" case_stop
t_case "start: a failing create is reported, the rest start" case_create_fails
t_case "settings file, env overrides, auto-only stop, usage" case_settings
t_case "install: systemd unit, sysvinit script, /etc/xen/auto" case_service_files
t_done
