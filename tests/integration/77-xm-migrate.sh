#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xm migrate / migrate-receive of HVM guests, xl's protocol over a local
# "ssh" (-s) that runs xm migrate-receive in a second state root on this
# machine: the guest arrives with its name and UUID and carries on, the
# source is destroyed; --live reports the downtime; when the receiver fails
# the source resumes under its name and nothing is left on the target.
. "$(dirname "$0")/lib.sh"
XM=$BIN/xm

if ! command -v qemu-system-x86_64 >/dev/null || ! t_hvm_guest ||
    ! command -v xenstore-read >/dev/null; then
    t_skip "xm migrate" "no QEMU, test kernel or xenstore-utils"
    t_done; exit
fi
t_root
t_xm_daemons || { echo "not ok - xm daemons start"; exit 1; }
R1=$PVSTACK_ROOT
R2=$R1/target
XS2=$R2/run/xenstored/socket
mkdir -p "$R2"/{run/xenstored,run/pvstack,var/lib/xen,var/log/xen,etc/xen}
# X2 ...: xm on the target root.
X2() { PVSTACK_ROOT=$R2 XENSTORED_PATH=$XS2 "$XM" "$@"; }
t_on_exit "PVSTACK_ROOT=$R2 XENSTORED_PATH=$XS2 t_xm_daemons_stop"
# fakessh FILE [ENV...]: an "ssh" that drops the host and runs the command
# on the target root.
fakessh() {
    local f=$1
    shift
    { echo "#!/bin/sh"; echo "shift"
      echo "export PVSTACK_ROOT=$R2 XENSTORED_PATH=$XS2 PATH=$BIN:\$PATH $*"
      echo "exec \"\$@\" 2>>$R1/receiver.log"; } >"$f"
    chmod +x "$f"
}
fakessh "$R1/fakessh"

cfg() {
    local name=$1
    { echo "type = 'hvm'"; echo "name = '$name'"; echo "memory = 128"
      echo "kernel = '$HVM_KERNEL'"; echo "ramdisk = '$HVM_INITRD'"
      echo "serial = 'pty'"; echo "extra = 'console=ttyS0 quiet'"
      echo "on_poweroff = 'destroy'"; } >"$R1/$name.cfg"
    echo "$R1/$name.cfg"
}
row() { "$XM" list | awk -v n="$1" '$1 == n'; }
listed() { [ -n "$(row "$1")" ]; }
row2() { X2 list | awk -v n="$1" '$1 == n'; }
listed2() { [ -n "$(row2 "$1")" ]; }
# uuid SOCKET DOMID
uuid() { XENSTORED_PATH=$1 xenstore-read "$(XENSTORED_PATH=$1 xenstore-read "/local/domain/$2/vm")/uuid"; }
# console SOCKET DOMID FILE: the guest's serial output from now on.
console() {
    local tty
    tty=$(XENSTORED_PATH=$1 xenstore-read "/local/domain/$2/console/tty") || fail "no tty"
    cat "$tty" >"$3" 2>/dev/null &
    t_on_exit "kill $!"
}
boot() {
    "$XM" create -p "$(cfg "$1")" || fail "create $1"
    console "$XENSTORED_PATH" "$("$XM" domid "$1")" "$R1/$1.boot"
    "$XM" unpause "$1" || fail "unpause $1"
    t_wait_for "grep -q PVSTACK-GUEST-WAITING '$R1/$1.boot'" 50 ||
        fail "$1 not up: $(cat "$R1/$1.boot")"
}

# migrate_ok NAME [opts]: there, running, same UUID, source gone, guest on.
migrate_ok() {
    local name=$1 u out id2
    shift
    boot "$name"
    u=$(uuid "$XENSTORED_PATH" "$("$XM" domid "$name")")
    out=$("$XM" migrate -s "$R1/fakessh" "$@" "$name" otherhost 2>&1) ||
        fail "migrate: $out $(cat "$R1/receiver.log")"
    assert_match "$out" "migration sender: Target reports successful startup"
    assert_match "$out" "Migration successful."
    ! listed "$name" || fail "source still listed"
    ! listed "$name--migratedaway" || fail "source left renamed"
    listed2 "$name" || fail "not on the target: $(X2 list)"
    assert_match "$(row2 "$name")" "r-----"
    id2=$(X2 domid "$name")
    assert_eq "$(uuid "$XS2" "$id2")" "$u" "UUID kept"
    console "$XS2" "$id2" "$R1/$name.after"
    X2 shutdown "$name" || fail "shutdown on the target"
    t_wait_for "grep -q PVSTACK-GUEST-POWERDOWN '$R1/$name.after'" 30 ||
        fail "guest did not carry on: $(cat "$R1/$name.after")"
    ! grep -q PVSTACK-GUEST-UP "$R1/$name.after" || fail "guest booted again"
    printf '%s\n' "$out"
}

case_migrate() {
    migrate_ok m1 >/dev/null
}

case_live() {
    local out
    out=$(migrate_ok m2 --live) || fail "$out"
    assert_match "$out" "migration sender: downtime [0-9]+ ms"
}

case_receiver_fails() {
    local out n
    boot f1
    # The target cannot start QEMU: creation fails there.
    fakessh "$R1/badssh" PVSTACK_QEMU=/nonexistent/qemu
    out=$("$XM" migrate -s "$R1/badssh" f1 otherhost 2>&1) && fail "migrate succeeded"
    assert_match "$out" "Migration failed, resuming at sender."
    assert_match "$(cat "$R1/receiver.log")" "Domain creation failed"
    assert_match "$(row f1)" "r-----"
    ! listed2 f1 && ! listed2 f1--incoming || fail "left on the target: $(X2 list)"
    n=$(ls "$R2/run/xen" 2>/dev/null | grep -c '^qmp-libxl-')
    assert_eq "$n" 0 "no QEMU left on the target"
    # A command that is no receiver at all.
    out=$("$XM" migrate -s /bin/echo f1 otherhost 2>&1) && fail "migrate to echo succeeded"
    assert_match "$out" "banner"
    assert_match "$(row f1)" "r-----"
    "$XM" destroy f1
}

t_case "migrate: arrives with its name and UUID, carries on, source gone" case_migrate
t_case "migrate --live: the downtime reported" case_live
t_case "receiver fails: the source resumes, nothing left on the target" case_receiver_fails
t_done
