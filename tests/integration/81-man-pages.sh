#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The man pages keep up with the code: every subcommand `xm help` lists and
# every option its usage names has a place in xm(1); every xl.conf key
# cfg/xlconf.c reads is in xl.conf(5); every xl.cfg key cfg/ reads or
# warns about is in xl.cfg(5); every option in the option tables of
# xen-create-image, xen-delete-image, xen-list-images and xm top, and every
# xendomains command and setting, is in its page; every page renders
# without groff or man warnings and `make install` installs each one.
. "$(dirname "$0")/lib.sh"
XM=$BIN/xm
MAN=$TOP/docs/man

# The words of the page as man shows them (fonts and escapes gone).
page() { MANWIDTH=200 man -l "$1" 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g; s/.\x08//g'; }

case_xm_commands() {
    local text cmd opt missing=
    command -v man >/dev/null || { echo "# no man"; return 0; }
    text=$(page "$MAN/xm.1")
    for cmd in $("$XM" help | awk 'NR > 3 && NF {print $1}'); do
        printf '%s\n' "$text" | grep -qE "(^|[ ,])$cmd([ ,]|$)" || missing="$missing $cmd"
        # each short option the usage line names, e.g. [-b] or -t <type>
        for opt in $("$XM" "$cmd" -h 2>&1 | sed -n 's/^Usage: xm \[-[a-zA-Z]*\] [^ ]* //p' |
            grep -oE '(^|[[ |])-[a-zA-Z]' | grep -oE '[a-zA-Z]$' | sort -u); do
            printf '%s\n' "$text" | grep -E "(^|[ ,])$cmd([ ,]|$)" -A40 | grep -qE -- "-$opt" ||
                missing="$missing $cmd:-$opt"
        done
    done
    [ -z "$missing" ] || fail "not in xm.1:$missing"
}

case_xlconf_keys() {
    local text key missing=
    command -v man >/dev/null || { echo "# no man"; return 0; }
    text=$(page "$MAN/xl.conf.5")
    for key in $(grep -oE '(str_of|dup_of)\(raw, "[a-z0-9_.]+"' "$TOP/toolstack/cfg/xlconf.c" |
        grep -oE '"[^"]+"' | tr -d '"' | sort -u); do
        printf '%s\n' "$text" | grep -qF -- "$key" || missing="$missing $key"
    done
    [ -z "$missing" ] || fail "not in xl.conf.5:$missing"
}

# "missing" words: those of $2... that page $1 does not show.
missing_in() {
    local text w out=
    text=$(page "$1")
    shift
    for w in "$@"; do
        printf '%s\n' "$text" | grep -qF -- "$w" || out="$out $w"
    done
    printf '%s' "$out"
}

# Keys config.c reads (get_str(r, "key") and friends), CFG_SIMPLE_KEYS rows,
# disk and vif (read by key name in a loop), and xlkeys.c's warned-about keys.
case_xlcfg_keys() {
    local keys m
    command -v man >/dev/null || { echo "# no man"; return 0; }
    keys=$(grep -ohE '(get_[a-z]+|dup_str|read_action|read_cpus)\(r, "[a-z0-9_]+"' \
        "$TOP"/toolstack/cfg/*.c | grep -oE '"[^"]+"' | tr -d '"' | sort -u)
    keys="$keys $(grep -oE '^ *X\([a-z_]+, "[a-z_]+"' "$TOP/toolstack/cfg/cfg.h" | grep -oE '"[^"]+"' | tr -d '"')"
    keys="$keys $(grep -oE '^    \{"[a-z0-9_]+",' "$TOP/toolstack/cfg/xlkeys.c" | grep -oE '"[^"]+"' | tr -d '"')"
    [ "$(echo $keys | wc -w)" -gt 100 ] || fail "key extraction found only: $keys"
    # shellcheck disable=SC2086
    m=$(missing_in "$MAN/xl.cfg.5" disk vif $keys)
    [ -z "$m" ] || fail "not in xl.cfg.5:$m"
}

# The long options of xen-create-image (opts.c's opt_names) and of the other
# two tools (the vals/flags lists their main() gives xci_tool_setup).
case_xci_options() {
    local o m t
    command -v man >/dev/null || { echo "# no man"; return 0; }
    # opt_names: per kind, a string of space-separated option names
    o=$(sed -n '/^static const char \*const opt_names\[\]/,/^};/p' "$TOP/xen-create-image/opts.c" |
        grep -oE '"[a-z -]+"' | tr -d '"' | tr ' ' '\n' | grep . | sed 's/^/--/')
    [ "$(echo $o | wc -w)" -gt 40 ] || fail "opts.c's table not found"
    # shellcheck disable=SC2086
    m=$(missing_in "$MAN/xen-create-image.8" $o)
    [ -z "$m" ] || fail "not in xen-create-image.8:$m"
    for t in delete:xen-delete-image list:xen-list-images; do
        o=$(grep -E 'static const char \*const (vals|flags)\[\]' -A2 \
            "$TOP/xen-create-image/${t%%:*}.c" | grep -oE '"[a-z-]+"' | tr -d '"' | sed 's/^/--/')
        [ -n "$o" ] || fail "${t%%:*}.c: no option lists"
        # shellcheck disable=SC2086
        m=$(missing_in "$MAN/${t#*:}.8" $o)
        [ -z "$m" ] || fail "not in ${t#*:}.8:$m"
    done
}

# xendomains' commands (its case) and settings (load_config's list);
# xm top's options (cmd_top.c's table and getopt string).
case_xendomains_xentop() {
    local sh=$TOP/toolstack/xendomains/xendomains.sh c v o m
    command -v man >/dev/null || { echo "# no man"; return 0; }
    c=$(sed -n '/^case "\${1:-}" in/,/^esac/p' "$sh" | grep -oE '^[a-z| -]+\)' | tr -d ')|')
    v=$(grep -oE 'XENDOMAINS_[A-Z_]+' "$sh" | sort -u)
    [ -n "$c" ] && [ -n "$v" ] || fail "xendomains.sh: no commands or settings found"
    # shellcheck disable=SC2086
    m=$(missing_in "$MAN/xendomains.8" $c $v)
    [ -z "$m" ] || fail "not in xendomains.8:$m"
    o=$(grep -oE '\{"[a-z]+", [01], NULL, .[a-z].\}' "$TOP/toolstack/xm/cmd_top.c" |
        sed -E 's/\{"([a-z]+)", [01], NULL, .(.).\}/--\1 -\2/')
    [ -n "$o" ] || fail "cmd_top.c: no option table"
    # shellcheck disable=SC2086
    m=$(missing_in "$MAN/xentop.1" $o)
    [ -z "$m" ] || fail "not in xentop.1:$m"
}

# Every page: no groff warnings, nothing on man's stderr; make install puts
# each in its section.
case_install() {
    local d f
    d=$(mktemp -d)
    t_on_exit "rm -rf '$d'"
    make -s -C "$TOP" install DESTDIR="$d" PREFIX=/usr >/dev/null || fail "make install"
    for f in "$MAN"/*.[158]; do
        [ -f "$d/usr/share/man/man${f##*.}/${f##*/}" ] || fail "${f##*/} not installed"
    done
}

case_render() {
    local out f
    command -v groff >/dev/null || { echo "# no groff"; return 0; }
    out=$(groff -man -ww -z "$MAN"/*.[158] 2>&1)
    assert_eq "$out" ""
    if command -v man >/dev/null; then
        for f in "$MAN"/*.[158]; do
            out=$(MANWIDTH=80 man -l "$f" 2>&1 >/dev/null)
            assert_eq "$out" "" "man -l ${f##*/}"
        done
    fi
}

t_case "xm.1 names every subcommand and its options" case_xm_commands
t_case "xl.conf.5 names every key read" case_xlconf_keys
t_case "xl.cfg.5 names every key cfg/ reads or warns about" case_xlcfg_keys
t_case "xen-create/delete/list-images pages name every option" case_xci_options
t_case "xendomains.8 and xentop.1 name every command, setting and option" case_xendomains_xentop
t_case "man pages render without warnings" case_render
t_case "make install installs every page" case_install
t_done
