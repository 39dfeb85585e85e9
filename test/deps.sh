#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Install what building and testing iscsi-creds needs on Debian 12, as root.
# Idempotent: a no-op when everything is there.
set -eu

packages=(
        # build
        meson ninja-build gcc pkg-config libsystemd-dev libopeniscsiusr-dev libcryptsetup-dev check systemd scdoc python3
        libyaml-dev libjson-c-dev
        # tests: real components
        open-iscsi systemd-container tgt libiscsi-bin libiscsi-dev diffutils util-linux
        # VM tests and demo
        qemu-system-x86 debootstrap e2fsprogs
)

missing=()
for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
        if [ "$(id -u)" != 0 ]; then
                echo "Missing packages: ${missing[*]}; run as root to install them." >&2
                exit 1
        fi
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Helpers for the suites with needs of their own.
here=$(dirname "$(realpath "$0")")
for d in "$here"/root/deps.sh "$here"/vm/deps.sh; do
        [ -x "$d" ] && "$d"
done
exit 0
