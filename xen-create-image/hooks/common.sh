# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# common.sh: sourced by every hook. A hook runs as "<hook> <prefix>" with
# the guest's settings in the environment (see install.h xci_hook_env).
set -eu
prefix=${1:?usage: $0 PREFIX}
[ -d "$prefix" ] || { echo "$0: $prefix is not a directory" >&2; exit 1; }
logMessage() { echo "$(basename "$0"): $*"; }
