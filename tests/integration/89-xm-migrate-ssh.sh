#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# xm migrate over a real ssh: a throwaway sshd on a high port of localhost,
# with its own host key and one authorized key in a temp dir (nothing of the
# system's ssh setup used or changed), whose forced command runs the
# receiver in a second state root. An HVM guest goes there with its name
# and UUID and carries on, and a PV guest live; a key sshd refuses leaves it
# running at home.
. "$(dirname "$0")/lib.sh"
t_hvm_xm "xm migrate over ssh" "no QEMU, test kernel, xenstore-utils or openssh (make deps)" \
    /usr/sbin/sshd ssh ssh-keygen
t_target_root
S=$R1/ssh
mkdir -p "$S"

# The sshd: a free high port, keys of its own, StrictModes off (the temp
# dir is not root's home), the receiver as the key's forced command.
ssh-keygen -q -t ed25519 -N '' -f "$S/host" || { echo "not ok - ssh-keygen"; exit 1; }
ssh-keygen -q -t ed25519 -N '' -f "$S/key"
ssh-keygen -q -t ed25519 -N '' -f "$S/other"
echo "command=\"env PVSTACK_ROOT=$R2 XENSTORED_PATH=$XS2 PATH=$BIN:/usr/sbin:/usr/bin:/sbin:/bin sh -c \\\"\$SSH_ORIGINAL_COMMAND\\\" 2>>$R1/receiver.log\",no-pty,no-port-forwarding $(cat "$S/key.pub")" >"$S/authorized_keys"
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' 2>/dev/null ||
    echo $((20000 + RANDOM % 20000)))
cat >"$S/sshd_config" <<EOC
Port $PORT
ListenAddress 127.0.0.1
HostKey $S/host
AuthorizedKeysFile $S/authorized_keys
PidFile $S/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
AllowUsers $(id -un)
EOC
# sshd insists on its privilege separation directory (made empty if missing)
[ -d /run/sshd ] || mkdir -p -m 0755 /run/sshd
/usr/sbin/sshd -D -e -f "$S/sshd_config" 2>"$S/sshd.log" &
SSHD=$!
t_on_exit "kill $SSHD"
t_wait_for "grep -q 'Server listening' '$S/sshd.log'" 20 ||
    { echo "not ok - sshd did not start: $(cat "$S/sshd.log")"; exit 1; }
SSHCMD="ssh -p $PORT -i $S/key -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR"

boot() { t_hvm_boot "$1" "$(t_hvm_cfg "$1" "on_poweroff = 'destroy'")"; }

case_ssh() {
    local u out
    boot s1
    u=$(t_xm_uuid s1)
    out=$("$XM" migrate -s "$SSHCMD" s1 localhost 2>&1) ||
        fail "migrate: $out $(cat "$R1/receiver.log" "$S/sshd.log")"
    assert_match "$out" "migration sender: Target reports successful startup"
    assert_match "$out" "Migration successful."
    # it went through sshd: the key was accepted for that session
    assert_match "$(cat "$S/sshd.log")" "Accepted publickey for $(id -un)"
    ! t_xm_listed s1 || fail "source still listed"
    ON2 t_xm_listed s1 || fail "not on the target: $(X2 list)"
    assert_eq "$(ON2 t_xm_uuid s1)" "$u" "UUID kept"
    ON2 t_hvm_carries_on s1
}

case_refused() {
    local out
    boot s2
    out=$("$XM" migrate -s "${SSHCMD/$S\/key/$S/other}" s2 localhost 2>&1) &&
        fail "migrate with a refused key succeeded"
    assert_match "$out" "banner"
    assert_match "$(t_xm_row s2)" "r-----"
    ! ON2 t_xm_listed s2 && ! ON2 t_xm_listed s2--incoming || fail "left on the target: $(X2 list)"
    "$XM" destroy s2
}

# A kvm engine PV guest (our guest kernel), live, over the same sshd.
case_pv_live() {
    local u out
    GUEST=$TOP/build/guest/pvguest.elf.xz
    "$XM" create "$(t_pv_cfg p1)" >/dev/null || fail "create p1"
    t_wait_console p1 "pvstack guest: ready"
    u=$(t_xm_uuid p1)
    out=$("$XM" migrate --live -s "$SSHCMD" p1 localhost 2>&1) ||
        fail "migrate: $out $(cat "$R1/receiver.log" "$S/sshd.log")"
    assert_match "$out" "Migration successful."
    assert_match "$out" "migration sender: downtime [0-9]+ ms"
    ! t_xm_listed p1 || fail "source still listed"
    assert_eq "$(ON2 t_xm_uuid p1)" "$u" "UUID kept"
    ON2 t_wait_console p1--incoming "pvstack guest: resumed (new domain; suspend 1,"
    X2 destroy p1
}

t_case "migrate over a real sshd: arrives with its name and UUID, carries on" case_ssh
t_case_pv "PV guest, live, over the real sshd: arrives and carries on" case_pv_live \
    "PV migrate over ssh" "no writable /dev/kvm or guest kernel"
t_case "sshd refuses the key: the banner never comes, the guest stays" case_refused
t_done
