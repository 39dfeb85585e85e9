#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Install what building and testing iscsi-creds needs on Debian 12, as root.
# Idempotent: a no-op when everything is there.
set -eu

here=$(dirname "$(realpath "$0")")

# Building and the unit, golden and cli suites: the one list in
# packages-build.txt, which the release build roots (test/release) read too.
list=$("$here"/packages.sh "$here"/packages-build.txt)
mapfile -t packages <<<"$list"
packages+=(
        # root and nspawn suites: real components
        systemd-container tgt libiscsi-bin libiscsi-dev
        # VM tests, demo, release build roots (test/release)
        qemu-system-x86 debootstrap e2fsprogs
        # cli suite (test-sealing.sh): TPM2-sealed credentials made by systemd-creds
        # against a software TPM through tpm2-tss' swtpm TCTI (systemd dlopens these)
        swtpm libtss2-tcti-swtpm0 libtss2-esys-3.0.2-0 libtss2-rc0 libtss2-mu0
)

"$here"/install-packages.sh "${packages[@]}"

# Helpers for the suites with needs of their own.
for d in "$here"/root/deps.sh "$here"/vm/deps.sh; do
        [ -x "$d" ] && "$d"
done
exit 0
