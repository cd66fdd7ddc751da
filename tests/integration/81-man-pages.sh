#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The man pages keep up with the code: every subcommand `xm help` lists and
# every option its usage names has a place in xm(1); every xl.conf key
# cfg/xlconf.c reads is in xl.conf(5); both render without groff warnings.
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

case_render() {
    local out
    command -v groff >/dev/null || { echo "# no groff"; return 0; }
    out=$(groff -man -ww -z "$MAN/xm.1" "$MAN/xl.conf.5" 2>&1)
    assert_eq "$out" ""
}

t_case "xm.1 names every subcommand and its options" case_xm_commands
t_case "xl.conf.5 names every key read" case_xlconf_keys
t_case "man pages render without warnings" case_render
t_done
