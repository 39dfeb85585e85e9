#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install what the "root" test suite needs (Debian 12, root): a real target
# (tgt), libiscsi's userspace initiator and its headers (chap-login.c),
# open-iscsi (iscsiadm, libopeniscsiusr), systemd-creds, unshare; and what
# building needs, from the one list in test/packages-build.txt.
set -eu
here=$(dirname "$(realpath "$0")")
list=$("$here"/../packages.sh "$here"/../packages-build.txt)
mapfile -t build <<<"$list"
exec "$here"/../install-packages.sh tgt libiscsi-dev libiscsi-bin coreutils "${build[@]}"
