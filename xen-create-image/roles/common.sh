# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# common.sh: sourced by role scripts, run as "<role> <prefix>" after the
# hooks, with the same environment. installDebianPackage runs apt-get in
# the guest (it needs the mirror); daemons stay disabled meanwhile.
set -eu
prefix=${1:?usage: $0 PREFIX}
logMessage() { echo "$(basename "$0"): $*"; }
installDebianPackage() {
    mkdir -p "$prefix/usr/sbin"
    printf '#!/bin/sh\nexit 101\n' >"$prefix/usr/sbin/policy-rc.d"
    chmod 755 "$prefix/usr/sbin/policy-rc.d"
    mount -t proc proc "$prefix/proc"
    rc=0
    chroot "$prefix" /usr/bin/env DEBIAN_FRONTEND=noninteractive \
        sh -c 'apt-get -q update && apt-get -q -y --no-install-recommends install "$@"' \
        apt "$@" || rc=$?
    umount "$prefix/proc"
    rm -f "$prefix/usr/sbin/policy-rc.d" "$prefix"/var/cache/apt/archives/*.deb
    return $rc
}
