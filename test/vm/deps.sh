#!/bin/bash
# Install what the VM harness needs on the host (Debian 12, root).
set -eu
exec "$(dirname "$0")/../install-packages.sh" qemu-system-x86 debootstrap e2fsprogs systemd-container \
        coreutils util-linux meson ninja-build gcc pkg-config libsystemd-dev libopeniscsiusr-dev systemd \
        ca-certificates
