#!/bin/bash
# Install what the VM harness needs on the host (Debian 12, root).
# Idempotent: a quick no-op when everything is there.
set -eu

pkgs="qemu-system-x86 debootstrap e2fsprogs systemd-container coreutils util-linux
      meson ninja-build gcc pkg-config libsystemd-dev libopeniscsiusr-dev
      systemd ca-certificates"

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
