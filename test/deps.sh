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

"$(dirname "$(realpath "$0")")/install-packages.sh" "${packages[@]}"

# Helpers for the suites with needs of their own.
here=$(dirname "$(realpath "$0")")
for d in "$here"/root/deps.sh "$here"/vm/deps.sh; do
        [ -x "$d" ] && "$d"
done
exit 0
