#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Run one of the README's set-up commands as on a fresh Debian machine: in a
# chroot made with "debootstrap --variant=minbase" (no compiler, no headers,
# no git), with a copy of the working tree, /proc, /sys and /dev.
#
#   fresh.sh [--release bookworm] [--root DIR] -- COMMAND...
#   fresh.sh -- ./test/vm/demo.sh
#
# The root is made anew unless --root names an existing one (a second
# command on the same "machine": the README's two commands in either order).
# The chroot gets a machine-id (an installed system has one) and apt's
# sources of the mirror this machine uses. Not part of the test suite (it
# downloads a whole release); needs root. Exit status: the command's.
set -eu

here=$(dirname "$(realpath "$0")")
# shellcheck source=../vm/lib.sh
. "$here/../vm/lib.sh"
src=$(realpath "$here/../..")
release=bookworm root=""
while [ $# -gt 0 ]; do
        case $1 in
        --release) release=$2; shift 2 ;;
        --root) root=$2; shift 2 ;;
        --) shift; break ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) die "unknown argument $1 (see --help)" ;;
        esac
done
[ $# -gt 0 ] || die "no command (fresh.sh -- ./test/vm/demo.sh)"
[ "$(id -u)" = 0 ] || die "fresh.sh must run as root"
if [ "${ISCSI_CREDS_FRESH_NS:-}" != "$$" ]; then
        export ISCSI_CREDS_FRESH_NS=$$
        exec unshare --mount --propagation private -- "$0" --release "$release" ${root:+--root "$root"} -- "$@"
fi

if [ -z "$root" ] || [ ! -x "$root/bin/sh" ]; then
        root=${root:-$(mktemp -d /var/tmp/iscsi-creds-fresh.XXXXXX)/root}
        log "debootstrap --variant=minbase $release $root"
        debootstrap --variant=minbase "$release" "$root" "$(debian_mirror)" >"$root.debootstrap.log" 2>&1 ||
                die "debootstrap failed (log: $root.debootstrap.log)"
        printf 'deb %s %s main\n' "$(debian_mirror)" "$release" >"$root/etc/apt/sources.list"
        od -An -tx1 -N16 /dev/urandom | tr -d ' \n' >"$root/etc/machine-id"
        echo >>"$root/etc/machine-id"
fi
log "fresh root: $root ($(chroot "$root" sh -c 'command -v cc gcc git meson' | wc -l) of cc, gcc, git, meson there)"
rm -rf "$root/iscsi-creds"
mkdir -p "$root/iscsi-creds"
tar -C "$src" --exclude='./build*' --exclude=./.git -cf - . | tar -C "$root/iscsi-creds" -xf -
mount --bind "$root" "$root"     # a real root is a mount point (unshare in the chroot needs it)
mount -t proc proc "$root/proc"
mount --bind /sys "$root/sys"
mount --bind /dev "$root/dev"
mount --bind /dev/pts "$root/dev/pts"
mount -t tmpfs tmpfs "$root/run"
mount -t tmpfs tmpfs "$root/tmp"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
log "in $root: $*"
rc=0
chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 TERM=dumb sh -c 'cd /iscsi-creds && exec "$@"' sh "$@" || rc=$?
log "exit status $rc (root kept: $root)"
exit "$rc"
