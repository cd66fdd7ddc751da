#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The cfg parser through xm: dry-run JSON of the shipped configs, exact
# error lines for bad cfgs, and xl's disk/vif spec checks
# (check-xl-disk-parse / check-xl-vif-parse ground) as golden files.
. "$(dirname "$0")/lib.sh"
t_root
DATA=$TOP/tests/integration/data/cfg

# Run each "rc okfile args..." line of a cases file against xm -N CMD 0.
run_cases() {
    local cmd=$1 cases=$2 line rc ok args out err got n=0
    out=$(mktemp) err=$(mktemp)
    while read -r line; do
        case $line in '#'*|'') continue ;; esac
        read -r rc ok args <<<"$line"
        eval "set -- $args"
        got=0
        "$BIN/xm" -N "$cmd" 0 "$@" >"$out" 2>"$err" </dev/null || got=$?
        [ "$got" = "$rc" ] || fail "$cmd $args: exit $got, want $rc ($(cat "$err"))"
        if [ "$ok" = - ]; then
            [ ! -s "$out" ] || fail "$cmd $args: stdout not empty: $(cat "$out")"
            [ -s "$err" ] || fail "$cmd $args: no error message"
        else
            diff -u "$DATA/$ok" "$out" || fail "$cmd $args: output differs from $ok"
        fi
        n=$((n + 1))
    done <"$cases"
    rm -f "$out" "$err"
    echo "# $n $cmd cases"
    [ $n -gt 10 ] || fail "only $n cases read from $cases"
}

# As xl's parser, create -n gives a cfg without uuid= a new random one:
# the golden files have "<random>" there.
UUID_RE='"uuid": "[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"'
unrandom() { sed -E "s/$UUID_RE/\"uuid\": \"<random>\"/"; }

dryrun_configs() {
    local f b
    cd "$TOP"
    for f in configs/*.cfg; do
        b=$(basename "$f" .cfg)
        "$BIN/xm" create --dryrun "$f" >"$PVSTACK_ROOT/$b.json" 2>/dev/null ||
            fail "$f: create --dryrun failed"
        if grep -q '^uuid' "$f"; then
            diff -u "$DATA/$b.json.ok" "$PVSTACK_ROOT/$b.json" || fail "$f: JSON differs"
        else
            grep -qE "$UUID_RE" "$PVSTACK_ROOT/$b.json" || fail "$f: no random uuid"
            "$BIN/xm" create -n "$f" | cmp -s - "$PVSTACK_ROOT/$b.json" &&
                fail "$f: the same uuid twice"
            unrandom <"$PVSTACK_ROOT/$b.json" | diff -u "$DATA/$b.json.ok" - || fail "$f: JSON differs"
        fi
        "$BIN/xm" create --dry-run "$f" | unrandom | diff -u <(unrandom <"$DATA/$b.json.ok") - ||
            fail "$f: create --dry-run differs from --dryrun"
    done
}

several_files() {
    local f
    cd "$TOP"
    for f in configs/*.cfg; do cat "$DATA/$(basename "$f" .cfg).json.ok"; done >"$PVSTACK_ROOT/want"
    "$BIN/xm" create -n configs/*.cfg >"$PVSTACK_ROOT/got" 2>/dev/null || fail "create -n of several files"
    unrandom <"$PVSTACK_ROOT/want" >"$PVSTACK_ROOT/want.u"
    unrandom <"$PVSTACK_ROOT/got" | diff -u "$PVSTACK_ROOT/want.u" - || fail "several files: output differs"
    "$BIN/xm" create configs/pv-guest.cfg configs/hvm-guest.cfg 2>"$PVSTACK_ROOT/err" && fail "real create of two files"
    assert_eq "$(cat "$PVSTACK_ROOT/err")" "xm: create: one config file at a time (configs/pv-guest.cfg, then configs/hvm-guest.cfg)"
}

etc_xen_lookup() {
    local out
    cp "$TOP/configs/pv-guest.cfg" "$PVSTACK_ROOT/etc/xen/web01.cfg"
    cd /
    out=$("$BIN/xm" create -n web01.cfg) || fail "create -n web01.cfg from /"
    assert_match "$out" '"name": "pv-guest",'
    out=$("$BIN/xm" create -n ./web01.cfg 2>&1) && fail "./web01.cfg found"
    assert_match "$out" '^xm: ./web01.cfg: unable to open configuration file'
}

global_n_and_xl() {
    cd "$TOP"
    "$BIN/xl" -N create configs/pv-guest.cfg >"$PVSTACK_ROOT/a" || fail "xl -N create"
    "$BIN/xm" create -n configs/pv-guest.cfg >"$PVSTACK_ROOT/b" || fail "xm create -n"
    cmp "$PVSTACK_ROOT/a" "$PVSTACK_ROOT/b" || fail "-N and -n differ"
}

xm_era_file() {
    local err
    cd "$TOP"
    err=$("$BIN/xm" create -n configs/xen-tools-guest.cfg 2>&1 >/dev/null)
    assert_eq "$err" "xm: configs/xen-tools-guest.cfg:40:1: warning: unknown key \`dhcp' ignored"
    # quoted numbers read as numbers, phy: prefix stripped
    out=$("$BIN/xm" create -n configs/xen-tools-guest.cfg 2>/dev/null)
    assert_match "$out" '"target_memkb": 131072,'
    assert_match "$out" '"pdev_path": "/dev/vg0/web01-disk",'
}

extra_args_override() {
    local out
    cd "$TOP"
    out=$("$BIN/xm" create -n configs/pv-guest.cfg memory=64 'name="other"' 'vif=[]')
    assert_match "$out" '"target_memkb": 65536,'
    assert_match "$out" '"name": "other",'
    if printf '%s' "$out" | grep -q '"nics"'; then fail "vif=[] did not override"; fi
    out=$("$BIN/xm" create -n configs/pv-guest.cfg 'memory=' 2>&1 >/dev/null) && fail "bad k=v accepted"
    assert_match "$out" '^xm: command line:1:8: syntax error'
}

bad_cfgs() {
    local f b out err rc n=0
    cd "$DATA"
    for f in fail-*.cfg; do
        b=${f%.cfg}
        rc=0
        out=$("$BIN/xm" create -n "$f" 2>"$PVSTACK_ROOT/err") || rc=$?
        assert_eq "$rc" 1 "$f exit status"
        assert_eq "$out" "" "$f stdout"
        diff -u "$b.err" "$PVSTACK_ROOT/err" || fail "$f: message differs"
        n=$((n + 1))
    done
    [ $n -ge 10 ] || fail "only $n bad cfgs"
    # xl names itself in the message
    err=$("$BIN/xl" create -n fail-vcpus.cfg 2>&1)
    assert_eq "$err" "xl: fail-vcpus.cfg:3:12: maxvcpus: maxvcpus < vcpus"
    err=$("$BIN/xm" create -n /nonexistent.cfg 2>&1) && fail "missing file accepted"
    assert_match "$err" '^xm: /nonexistent.cfg: unable to open configuration file: No such file'
}

missing_kernel() {
    local err
    cd "$TOP"
    printf 'name = "nokernel"\nkernel = "/nonexistent/k"\n' >"$PVSTACK_ROOT/nk.cfg"
    err=$("$BIN/xm" create "$PVSTACK_ROOT/nk.cfg" 2>&1) &&
        fail "create with a missing kernel succeeded"
    assert_eq "$err" "xm: create: /nonexistent/k: No such file or directory"
}

disk_specs() { run_cases block-attach "$DATA/disk-cases.txt"; }
vif_specs() { run_cases network-attach "$DATA/vif-cases.txt"; }

attach_unknown_domain() {
    local out rc=0
    out=$("$BIN/xm" -N block-attach nosuch /x.img,,xvda 2>&1) || rc=$?
    assert_eq "$rc" 1
    assert_eq "$out" "nosuch is an invalid domain identifier (rc=-6)"
    rc=0
    out=$("$BIN/xm" -N network-attach 77 bridge=xenbr0 2>&1) || rc=$?
    assert_eq "$rc" 1
    assert_eq "$out" "77 is an invalid domain identifier (rc=-6)"
    assert_match "$("$BIN/xm" -N network-attach Domain-0 bridge=xenbr0)" '"bridge": "xenbr0"'
}

t_case "create --dryrun prints each shipped cfg as libxl JSON" dryrun_configs
t_case "create -n configs/*.cfg prints each file" several_files
t_case "global -N and create -n agree; xl is xm" global_n_and_xl
t_case "create NAME finds /etc/xen/NAME, as xm did" etc_xen_lookup
t_case "xm-era xen-tools cfg: quoted numbers, phy:, unknown-key warning" xm_era_file
t_case "create FILE KEY=VALUE overrides the file" extra_args_override
t_case "bad cfgs: one exact FILE:LINE:COL line, exit 1, no stdout" bad_cfgs
t_case "create with a missing kernel: one-line error, exit 1" missing_kernel
t_case "block-attach -N: xl's disk spec checks" disk_specs
t_case "network-attach -N: xl's vif spec checks" vif_specs
t_case "attach -N resolves the domain first, as xl" attach_unknown_domain
t_done
