#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# install-data.sh DESTDIR PREFIX: xen-create-image's data for make install:
# hooks and roles next to the programs (PREFIX/share/pvstack, where the
# programs look), the cfg template and xen-tools.conf in /etc/xen-tools
# (an existing xen-tools.conf is kept).
set -eu
dest=$1 prefix=$2
here=$(cd "$(dirname "$0")" && pwd)
share="$dest$prefix/share/pvstack"
install -d "$share/hooks" "$share/roles" "$dest/etc/xen-tools"
install -m 0755 "$here"/hooks/[0-9]* "$share/hooks/"
install -m 0644 "$here"/hooks/common.sh "$share/hooks/"
install -m 0755 "$here/roles/udev" "$here/roles/builder" "$here/roles/minimal" "$share/roles/"
install -m 0644 "$here/roles/common.sh" "$share/roles/"
install -m 0644 "$here/xm.tmpl" "$dest/etc/xen-tools/xm.tmpl"
[ -e "$dest/etc/xen-tools/xen-tools.conf" ] ||
    install -m 0644 "$here/../configs/xen-tools.conf" "$dest/etc/xen-tools/"
