#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xendomains: start the domains whose cfgs are in /etc/xen/auto (in name
# order, skipping ones already running) and shut every domain down at host
# shutdown, in parallel, destroying those still up after
# XENDOMAINS_STOP_MAXWAIT seconds; with XENDOMAINS_SAVE, stop saves them
# there instead (xm save) and start restores them first (XENDOMAINS_RESTORE),
# as Xen's script does. Settings: /etc/default/xendomains.
#   xendomains start|stop|status|restart
# Environment: PVSTACK_ROOT moves /etc (as every pvstack tool), XM names
# the xm to run (default: the xm next to this script, else xm on PATH),
# XENDOMAINS_* override the settings file.
set -u
ROOT=${PVSTACK_ROOT:-}
ROOT=${ROOT%/}
CONFIG=${XENDOMAINS_CONFIG:-$ROOT/etc/default/xendomains}

# Environment beats the settings file, which beats the defaults.
load_config() {
    local v saved=()
    for v in XENDOMAINS_AUTO XENDOMAINS_STOP_MAXWAIT XENDOMAINS_AUTO_ONLY \
        XENDOMAINS_CREATE_OPTS XENDOMAINS_SAVE XENDOMAINS_RESTORE; do
        [ -n "${!v+x}" ] && saved+=("$v=${!v}")
    done
    # shellcheck disable=SC1090
    [ -r "$CONFIG" ] && . "$CONFIG"
    for v in "${saved[@]}"; do export "${v?}"; done
    XENDOMAINS_AUTO=${XENDOMAINS_AUTO:-$ROOT/etc/xen/auto}
    XENDOMAINS_STOP_MAXWAIT=${XENDOMAINS_STOP_MAXWAIT:-300}
    XENDOMAINS_AUTO_ONLY=${XENDOMAINS_AUTO_ONLY:-false}
    XENDOMAINS_CREATE_OPTS=${XENDOMAINS_CREATE_OPTS:-}
    # Set and empty: no saving (Xen's rule).
    XENDOMAINS_SAVE=${XENDOMAINS_SAVE-$ROOT/var/lib/xen/save}
    XENDOMAINS_RESTORE=${XENDOMAINS_RESTORE:-true}
    case $XENDOMAINS_STOP_MAXWAIT in
    '' | *[!0-9]*)
        echo "xendomains: XENDOMAINS_STOP_MAXWAIT must be a number of seconds" >&2
        exit 1 ;;
    esac
}

find_xm() {
    local here
    if [ -n "${XM:-}" ]; then return; fi
    here=$(cd "$(dirname "$0")" && pwd)
    if [ -x "$here/xm" ]; then XM=$here/xm; else XM=xm; fi
}

# The domain name a cfg gives (name = "x"), else the file name sans .cfg.
cfg_name() {
    local n
    n=$(sed -nE "s/^[[:space:]]*name[[:space:]]*=[[:space:]]*[\"']([^\"']*)[\"'].*/\\1/p" "$1" | tail -1)
    [ -n "$n" ] || n=$(basename "$1" .cfg)
    printf '%s\n' "$n"
}

# Names of the running guests (xm list minus its header and Domain-0).
running_domains() {
    "$XM" list 2>/dev/null | awk 'NR > 1 && $1 != "Domain-0" { print $1 }'
}

is_running() { running_domains | grep -qxF -- "$1"; }

# The auto entries, sorted by name: "path" per line.
auto_entries() {
    [ -d "$XENDOMAINS_AUTO" ] || return 0
    find "$XENDOMAINS_AUTO" -mindepth 1 -maxdepth 1 \( -type f -o -type l \) \
        ! -name '.*' ! -name '*~' ! -name '*.dpkg-*' -print | LC_ALL=C sort
}

# Say why an auto entry cannot be used; nothing when it can.
entry_problem() {
    if [ -L "$1" ] && [ ! -e "$1" ]; then
        echo "dangling symlink to $(readlink "$1")"
    elif [ ! -f "$1" ]; then
        echo "not a regular file"
    elif [ ! -r "$1" ]; then
        echo "not readable"
    fi
}

# The domains stop saved: restored (and their images removed) before the
# auto ones start, so those already back are skipped.
do_restore() {
    local f out rc=0
    [ "$XENDOMAINS_RESTORE" = true ] && [ -n "$XENDOMAINS_SAVE" ] &&
        [ -d "$XENDOMAINS_SAVE" ] || return 0
    for f in "$XENDOMAINS_SAVE"/*; do
        [ -f "$f" ] || continue
        if out=$("$XM" restore "$f" 2>&1 </dev/null); then
            echo "Restoring Xen domain ${f##*/} (from $f): ok"
            rm -f "$f"
        else
            # The image stays: nothing of the domain is lost.
            echo "Restoring Xen domain ${f##*/} (from $f): failed, image kept"
            [ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/    /'
            rc=1
        fi
    done
    return $rc
}

do_start() {
    local cfg name why out rc=0
    do_restore || rc=1
    if [ ! -d "$XENDOMAINS_AUTO" ]; then
        echo "xendomains: no $XENDOMAINS_AUTO, nothing to start"
        return $rc
    fi
    while IFS= read -r cfg; do
        why=$(entry_problem "$cfg")
        if [ -n "$why" ]; then
            # Reported, not fatal: the other domains still start.
            echo "xendomains: $cfg: $why, skipped" >&2
            continue
        fi
        name=$(cfg_name "$cfg")
        if is_running "$name"; then
            echo "Skipping auto Xen domain $name: already running"
            continue
        fi
        # shellcheck disable=SC2086
        if out=$("$XM" create $XENDOMAINS_CREATE_OPTS "$cfg" 2>&1 </dev/null); then
            echo "Starting auto Xen domain $name ($cfg): ok"
        else
            echo "Starting auto Xen domain $name ($cfg): failed"
            [ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/    /'
            rc=1
        fi
    done < <(auto_entries)
    return $rc
}

# The domains stop acts on: all guests, or only the auto ones.
stop_targets() {
    local cfg
    if [ "$XENDOMAINS_AUTO_ONLY" = true ]; then
        while IFS= read -r cfg; do
            [ -z "$(entry_problem "$cfg")" ] || continue
            is_running "$(cfg_name "$cfg")" && cfg_name "$cfg"
        done < <(auto_entries)
    else
        running_domains
    fi
}

do_stop() {
    local targets=() left=() d i deadline now rc=0
    mapfile -t targets < <(stop_targets)
    if [ ${#targets[@]} = 0 ]; then
        echo "xendomains: no domains to shut down"
        return 0
    fi
    # Saved where they can be (xm save), the rest shut down.
    if [ -n "$XENDOMAINS_SAVE" ] && mkdir -p "$XENDOMAINS_SAVE"; then
        left=()
        for d in "${targets[@]}"; do
            if "$XM" save "$d" "$XENDOMAINS_SAVE/$d" >/dev/null 2>&1; then
                echo "Saving Xen domain $d to $XENDOMAINS_SAVE/$d: ok"
            else
                echo "Saving Xen domain $d: failed, shutting it down"
                left+=("$d")
            fi
        done
        targets=("${left[@]}")
        if [ ${#targets[@]} = 0 ]; then
            echo "All Xen domains are down."
            return 0
        fi
    fi
    # Ask them all at once: guests shut down in parallel.
    for d in "${targets[@]}"; do
        echo "Shutting down Xen domain $d"
        "$XM" shutdown "$d" >/dev/null 2>&1 ||
            echo "xendomains: $d: xm shutdown failed" >&2
    done
    deadline=$(($(date +%s) + XENDOMAINS_STOP_MAXWAIT))
    while :; do
        left=()
        for d in "${targets[@]}"; do is_running "$d" && left+=("$d"); done
        [ ${#left[@]} = 0 ] && break
        now=$(date +%s)
        [ "$now" -ge "$deadline" ] && break
        sleep 0.5
    done
    for d in "${left[@]}"; do
        echo "Destroying Xen domain $d: still up after ${XENDOMAINS_STOP_MAXWAIT}s"
        if ! "$XM" destroy "$d" >/dev/null 2>&1; then
            echo "xendomains: $d: xm destroy failed" >&2
            rc=1
        fi
    done
    # Destroy is synchronous, but give a slow engine a moment to say so.
    for i in 1 2 3 4 5 6 7 8 9 10; do
        left=()
        for d in "${targets[@]}"; do is_running "$d" && left+=("$d"); done
        [ ${#left[@]} = 0 ] && break
        sleep 0.5
    done
    if [ ${#left[@]} != 0 ]; then
        echo "xendomains: still running: ${left[*]}" >&2
        return 1
    fi
    echo "All Xen domains are down."
    return $rc
}

do_status() {
    local cfg name why rc=0 any=0
    while IFS= read -r cfg; do
        any=1
        why=$(entry_problem "$cfg")
        if [ -n "$why" ]; then
            echo "$cfg: $why"
            rc=3
            continue
        fi
        name=$(cfg_name "$cfg")
        if is_running "$name"; then
            echo "$name: running"
        else
            echo "$name: not running"
            rc=3
        fi
    done < <(auto_entries)
    [ $any = 1 ] || echo "xendomains: no auto domains in $XENDOMAINS_AUTO"
    return $rc
}

load_config
find_xm
case "${1:-}" in
start) do_start ;;
stop) do_stop ;;
status) do_status ;;
restart | reload | force-reload)
    do_stop
    do_start
    ;;
*)
    echo "usage: xendomains start|stop|status|restart" >&2
    exit 2
    ;;
esac
