#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# install-packages.sh PACKAGE...: install the Debian packages that are missing
# (as root, with apt-get; "apt-get update" only when a first try fails).
# A quick no-op when all are installed. Used by every deps.sh of the tests.
set -eu

missing=()
for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
        echo "Missing packages: ${missing[*]}; run as root to install them." >&2
        exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
