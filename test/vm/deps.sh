#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install what the VM harness and the demo need on the host (Debian 12, root):
# qemu, debootstrap, mkfs.ext4 -d, unshare, swtpm (scenario tpm2); and what building the project
# needs, from the one list in test/packages-build.txt (a fresh machine has no
# compiler and no headers: the demo is the README's first command).
set -eu
here=$(dirname "$(realpath "$0")")
list=$("$here"/../packages.sh "$here"/../packages-build.txt)
mapfile -t build <<<"$list"
exec "$here"/../install-packages.sh qemu-system-x86 debootstrap e2fsprogs systemd-container swtpm \
        coreutils util-linux ca-certificates "${build[@]}"
