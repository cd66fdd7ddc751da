#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Lifecycle of a stock Debian PV guest under pvstack's xm: create -c until the
# guest powers off, shutdown -w, reboot (on_reboot=restart) and a crash
# (on_crash=destroy), each ending in the state the cfg asks for; a killed
# monitor is replaced by the next xm list.
. /opt/xentests/lib.sh

create_console() {
    local t0 rc=0
    t0=$(now)
    # xm create -c wants a tty: script(1) gives it a pty
    timeout 300 script -qfec "xm create -c $CFG/linux.cfg" /tmp/create-c.log > /dev/null 2>&1 || rc=$?
    tr -d '\r' < /tmp/create-c.log | tail -5
    info "create -c returned $rc after $(since "$t0")s"
    [ $rc = 0 ] || fail "xm create -c exited $rc (124: still attached after the guest powered off)"
    grep -a -q DOMU-LINUX-OK /tmp/create-c.log
    wait_gone linux 30
}

start_stay() {
    local log
    log=$(conlog stay)
    rm -f "$log"
    xm create "$CFG/stay.cfg"
    wait_file "$log" 'DOMU-LINUX-STAY' 240 || { cat "$log"; fail "no marker from the guest"; }
}

shutdown_wait() {
    local t0
    start_stay
    t0=$(now)
    timeout 180 xm shutdown -w stay
    info "shutdown -w $(since "$t0")s"
    ! xm list | grep -q '^stay '
}

# restarted NAME OLDID: up to 180 s for NAME to be back under a domid other
# than OLDID; prints it
restarted() {
    local id
    wait_for "id=\$(xm domid '$1') && [ \"\$id\" != '$2' ]" 180 ||
        fail "$1 did not come back (was $2)"
    echo "$id"
}

reboot_restart() {
    local id1 id2
    start_stay
    id1=$(xm domid stay)
    xm reboot stay
    # on_reboot=restart: the same name comes back under a new domid
    id2=$(restarted stay "$id1")
    info "rebooted: domid $id1 -> $id2"
    xm destroy stay
    wait_gone stay 30
}

# The monitor (xl-stay) killed: a reboot then waits, shut down in Xen,
# until something lists the domains; xm list takes the domain up again
# (domain_monitor_adopt) and the new monitor restarts it.
monitor_adopt() {
    local id1 id2 mon out
    start_stay
    id1=$(xm domid stay)
    mon=$(pgrep -x xl-stay)
    [ -n "$mon" ] || fail "no monitor xl-stay"
    [ -z "$(xm list 2>&1 > /dev/null)" ] || fail "xm list said something with the monitor alive"
    kill -KILL "$mon"
    xm reboot stay
    # Xen's own view: shut down (s), waiting for a toolstack
    wait_for "$XL list stay | awk '\$1 == \"stay\" { print \$5 }' | grep -q s" 120 ||
        fail "stay never shut down: $($XL list)"
    sleep 2
    [ "$(xm domid stay)" = "$id1" ] || fail "restarted with no monitor"
    out=$(xm list 2>&1 > /dev/null)
    info "xm list: $out"
    echo "$out" | grep -q "^xm: domain $id1 (stay) had lost its monitor: monitoring it again$" ||
        fail "xm list did not take stay up: $out"
    id2=$(restarted stay "$id1")
    info "restarted by the new monitor: domid $id1 -> $id2"
    [ -n "$(pgrep -x xl-stay)" ] || fail "no monitor for the restarted stay"
    xm destroy stay
    wait_gone stay 30
}

crash_destroy() {
    local t0 rc=0
    t0=$(now)
    # on_crash=destroy: the console session must end once Xen reports the
    # crash (libxenctrl's "crashed" flag), not hang
    timeout 300 script -qfec "xm create -c $CFG/crash.cfg" /tmp/crash-c.log > /dev/null 2>&1 || rc=$?
    tr -d '\r' < /tmp/crash-c.log | grep -a -E 'DOMU-|Kernel panic' | head -5
    info "create -c of a crashing guest returned $rc after $(since "$t0")s"
    [ $rc != 124 ] || fail "xm create -c hung on a crashed guest"
    grep -a -q DOMU-CRASHING /tmp/crash-c.log
    wait_gone crash 60
}

# A getty's prompt ends in no newline: it must reach create -c at once,
# not when the guest next writes (domu-init prompt: "domu-prompt> ", read a
# line, "DOMU-GOT <line>", again; "off" powers off)
prompt_console() {
    local t0 pid spid IN=/tmp/prompt.in OUT=/tmp/prompt-c.log
    rm -f "$IN" "$OUT"
    mkfifo "$IN"
    # holds the console's input open (script(1) ends at its stdin's EOF)
    sleep 100000 > "$IN" &
    spid=$!
    # shellcheck disable=SC2064 # the pid, now
    trap "kill $spid 2> /dev/null; xm destroy prompt > /dev/null 2>&1 || true" EXIT
    timeout 300 script -qfec "xm create -c $CFG/prompt.cfg" "$OUT" < "$IN" > /dev/null 2>&1 &
    pid=$!
    wait_file "$OUT" DOMU-PROMPT-START 240 || { tr -d '\r' < "$OUT" | tail -5; fail "the guest did not start"; }
    t0=$(now)
    wait_file "$OUT" '^domu-prompt> $' 10 ||
        { tail -c 100 "$OUT" | od -c; fail "no prompt on create -c 10 s after the guest printed it"; }
    info "the prompt after $(since "$t0")s"
    printf 'hello\r' > "$IN"
    wait_file "$OUT" 'DOMU-GOT hello' 30 || { tail -c 100 "$OUT" | od -c; fail "the guest did not read the line"; }
    t0=$(now)
    wait_file "$OUT" '^domu-prompt> $' 10 ||
        { tail -c 100 "$OUT" | od -c; fail "no second prompt on create -c"; }
    info "the second prompt after $(since "$t0")s"
    printf 'off\r' > "$IN"
    wait "$pid" || fail "xm create -c exited $? (124: timeout)"
    wait_gone prompt 30
}

t_case "xm create -c: console until the guest powers off" create_console
t_case "xm create -c: a prompt without a newline shows at once" prompt_console
t_case "xm shutdown -w" shutdown_wait
t_case "xm reboot with on_reboot=restart" reboot_restart
t_case "monitor killed: xm list takes the domain up, its reboot restarts it" monitor_adopt
t_case "on_crash=destroy, create -c returns" crash_destroy
