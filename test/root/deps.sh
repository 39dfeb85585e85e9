#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install what the "root" test suite needs (Debian 12, root): a real target
# (tgt), libiscsi's userspace initiator and its headers (chap-login.c),
# open-iscsi (iscsiadm, libopeniscsiusr), systemd-creds, unshare.
# Idempotent: a quick no-op when everything is there.
set -eu

pkgs="tgt libiscsi-dev libiscsi-bin open-iscsi libopeniscsiusr-dev systemd util-linux coreutils
      meson ninja-build gcc pkg-config libsystemd-dev check"

missing=
for p in $pkgs; do
    if ! dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed'; then
        missing="$missing $p"
    fi
done
if [ -z "$missing" ]; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "deps.sh: need root to install:$missing" >&2
    exit 1
fi
echo "deps.sh: installing:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# shellcheck disable=SC2086
if ! apt-get install -y --no-install-recommends $missing; then
    apt-get update
    # shellcheck disable=SC2086
    apt-get install -y --no-install-recommends $missing
fi
