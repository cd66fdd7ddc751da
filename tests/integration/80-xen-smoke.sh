#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The real-Xen lab's smoke in `make check`: tests/xen/lab.sh smoke builds the
# lab image (tests/xen/mkimage, cached under build/xenlab/), boots Debian's
# Xen 4.17 + dom0 under QEMU TCG, and in dom0 checks xm info/list against
# Xen and creates, lists and destroys a stock Debian PV guest. Its TAP lines
# are passed on; when the lab cannot run here (no qemu, not root: lab.sh
# exits 77) the script reports one skip with the reason. `make check-xen`
# runs all of the lab (docs/xenlab.md).
. "$(dirname "$0")/lib.sh"

out=$(mktemp)
t_on_exit "rm -f '$out'"
rc=0
# the smoke boots in well under a minute; the bound only catches a hang
# before run-tests' own 900 s one (the image build from nothing is ~3 min)
XENLAB_TIMEOUT=${XENLAB_TIMEOUT:-600} "$TOP/tests/xen/lab.sh" smoke > "$out" 2>&1 || rc=$?
if [ $rc = 77 ]; then
    t_skip "real Xen lab smoke" "$(sed -n 's/^lab: cannot run here: //p' "$out" | head -1)"
    t_done
    exit
fi
# lab.sh numbers its own cases and prints its plan; everything else it and
# mkimage print becomes a TAP comment.
sed -E '/^(ok|not ok) [0-9]+|^1\.\.[0-9]+$/!s/^/# /' "$out"
n=$(grep -cE '^(ok|not ok) [0-9]+' "$out" || true)
if [ $rc != 0 ] && ! grep -qE '^not ok [0-9]+' "$out"; then
    # the image build failed, or lab.sh died before it reported a case
    n=$((n + 1))
    echo "not ok $n - xen lab smoke exited $rc"
    grep -qE '^1\.\.' "$out" || echo "1..$n"
fi
[ $rc = 0 ]
