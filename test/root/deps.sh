#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install what the "root" test suite needs (Debian 12, root): a real target
# (tgt), libiscsi's userspace initiator and its headers (chap-login.c),
# open-iscsi (iscsiadm, libopeniscsiusr), systemd-creds, unshare.
set -eu
exec "$(dirname "$0")/../install-packages.sh" tgt libiscsi-dev libiscsi-bin open-iscsi libopeniscsiusr-dev \
        systemd util-linux coreutils meson ninja-build gcc pkg-config libsystemd-dev check
