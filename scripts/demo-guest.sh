# SPDX-License-Identifier: GPL-2.0-only
# Sourced by scripts/demo (the kvm engine, under a temporary PVSTACK_ROOT)
# and by tests/xen/demo.sh (real Xen under QEMU TCG, as dom0's toolstack):
# the same walk-through on either engine. The caller sets
#   XM      xm to run             GUEST  the guest kernel
#   ETC     where the cfg goes    SRV    where the disk image goes
#   CONLOG  the guest's console log, as xenconsoled keeps it
#   WAIT    seconds to wait for the guest's self-tests (TCG is slower)
# and has xenbr0 up as 10.99.0.1/24 and the daemons running.
demo_run() { echo; echo "\$ $*"; "$@"; }

# demo_listed ID: xm list has a domain ID
demo_listed() { "$XM" list | awk -v id="$1" '$2 == id {f = 1} END {exit !f}'; }

# Returns non-zero when a step a user would see fail did fail.
demo_guest() {
    local i id rc=0
    truncate -s 64M "$SRV/demo-disk.img"
    cat > "$ETC/demo.cfg" << CFG
name   = "demo"
kernel = "$GUEST"
memory = 64
vcpus  = 2
disk   = [ 'file:$SRV/demo-disk.img,xvda,w' ]
vif    = [ 'bridge=xenbr0' ]
extra  = "ip=10.99.0.2 selftest=all,blk,net"
on_poweroff = "destroy"
CFG
    demo_run cat "$ETC/demo.cfg"
    demo_run "$XM" create "$ETC/demo.cfg" || return 1
    for ((i = 0; i < WAIT * 10; i++)); do
        grep -q 'selftest: [0-9]* passed' "$CONLOG" 2> /dev/null && break
        sleep 0.1
    done
    echo
    echo "\$ cat $CONLOG   (the guest's console, as xenconsoled logged it)"
    tr -d '\r' < "$CONLOG" | sed 's/^/    /'
    grep -q 'selftest: [0-9]* passed, 0 failed' "$CONLOG" || rc=1
    demo_run "$XM" list
    echo
    echo "\$ xm console demo   (typing 'info', then Ctrl-])"
    { sleep 0.3; printf 'info\r'; sleep 1; printf '\035'; } | "$XM" console demo | tr -d '\r' | sed 's/^/    /'
    demo_run ping -c 2 -W 5 10.99.0.2 || rc=1
    demo_run "$XM" mem-set demo 48
    sleep 1
    demo_run "$XM" list demo
    id=$("$XM" domid demo)
    demo_run "$XM" shutdown -w demo || rc=1
    # As xl, shutdown -w returns once the guest has shut down; the
    # domain's monitor then applies on_poweroff (destroy) a moment later,
    # and the hypervisor lets the domain go once its backends have
    # unmapped its pages (listed nameless and dying until then, as by xl).
    for ((i = 0; i < WAIT * 10; i++)); do
        demo_listed "$id" || break
        sleep 0.1
    done
    demo_run "$XM" list
    ! demo_listed "$id" || { echo "domain $id is still there"; rc=1; }
    return $rc
}
