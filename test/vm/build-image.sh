#!/bin/bash
# Build (or reuse from cache) a bootable Debian root for the VM tests.
#
#   build-image.sh [--release bookworm|trixie] [--extra "PKG..."] [--force]
#
# --extra adds packages (run.sh passes the runtime libraries of the built
# project); they are part of the cache key.
# Prints the path of the cached root directory on stdout.  The cache lives in
# $VMTEST_WORK (default /var/tmp/iscsi-creds-vm)/cache/<release>-<hash>/root,
# keyed by a hash of the release, the package list and this script, so a rerun
# takes well under a second.  Needs root (debootstrap).
set -eu

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

force=0 extra=""
while [ $# -gt 0 ]; do
    case $1 in
        --release) VM_RELEASE=$2; shift 2 ;;
        --release=*) VM_RELEASE=${1#*=}; shift ;;
        --extra) extra=$2; shift 2 ;;
        --force) force=1; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) die "unknown argument: $1" ;;
    esac
done

# multipath-tools: scenario multipath; jq: scenario admin parses status --json;
# dbus: the system bus "iscsi-creds status" asks for unit states (without it:
# "unknown"), there on any Debian system with systemd's recommends;
# nftables: scenario faults takes the network to one portal down (drops its packets);
# tpm2-tools: scenario tpm2, for the tpm2-tss libraries systemd-creds dlopens
# (their package names differ between releases; tpm2-tools' does not)
PACKAGES="systemd systemd-sysv udev linux-image-amd64 open-iscsi tgt cryptsetup
e2fsprogs kmod iproute2 util-linux procps libjson-c5 libyaml-0-2 multipath-tools jq dbus nftables
tpm2-tools"
# shellcheck disable=SC2086
PACKAGES=$(printf '%s\n' $PACKAGES $extra | sort -u | paste -sd' ')

[ "$(id -u)" = 0 ] || die "build-image.sh must run as root"
command -v debootstrap >/dev/null || die "debootstrap missing (run deps.sh)"

key=$( { printf 'release=%s\n' "$VM_RELEASE"
         # shellcheck disable=SC2086
         printf '%s\n' $PACKAGES
         cat "$0"; } | sha256sum | cut -c1-16)
cache=$VM_WORK/cache
dest=$cache/$VM_RELEASE-$key
mkdir -p "$cache"

exec 9>"$cache/.lock"
flock 9

if [ "$force" = 0 ] && [ -f "$dest/done" ]; then
    log "cached root $dest"
    printf '%s\n' "$dest/root"
    exit 0
fi

rm -rf "$dest"
tmp=$(mktemp -d "$cache/.build-XXXXXX")
cleanup() { rm -rf "$tmp"; }
trap cleanup EXIT

mirror=$(debian_mirror)
start=$(date +%s)
log "debootstrap $VM_RELEASE from $mirror (takes a minute or two)"
root=$tmp/root
# shellcheck disable=SC2086
debootstrap --variant=minbase --include="$(printf '%s\n' $PACKAGES | paste -sd,)" \
    "$VM_RELEASE" "$root" "$mirror" >"$tmp/debootstrap.log" 2>&1 || {
    tail -n 30 "$tmp/debootstrap.log" >&2
    die "debootstrap failed"
}

log "configuring the root"
printf '/dev/vda / ext4 rw,errors=remount-ro 0 1\n' >"$root/etc/fstab"
printf 'vmtest\n' >"$root/etc/hostname"
printf '127.0.0.1 localhost\n127.0.1.1 vmtest\n::1 localhost ip6-localhost ip6-loopback\n' >"$root/etc/hosts"
# machine-id and the credential host key are written per run
rm -f "$root/etc/machine-id" "$root/var/lib/dbus/machine-id"
# root may log in on the serial console without a password (debugging only)
chroot "$root" passwd -d root >/dev/null
# persistent journal so the host can read shutdown ordering from the image
mkdir -p "$root/var/log/journal" "$root/etc/systemd/journald.conf.d"
printf '[Journal]\nStorage=persistent\nForwardToConsole=no\n' \
    >"$root/etc/systemd/journald.conf.d/50-vmtest.conf"
# the harness starts tgtd itself, with accounts from a credential
chroot "$root" systemctl disable tgt.service >/dev/null 2>&1 || true
# multipathd only when a login unit pulls it in (multipath = yes: Wants=)
chroot "$root" systemctl disable multipathd.service multipathd.socket >/dev/null 2>&1 || true
# nothing periodic during a test boot
for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service \
         fstrim.timer dpkg-db-backup.timer; do
    ln -sf /dev/null "$root/etc/systemd/system/$u"
done
# make it smaller: docs, locales, apt caches
rm -rf "$root"/usr/share/doc/* "$root"/usr/share/man/* "$root"/usr/share/info/* \
       "$root"/usr/share/locale/* "$root"/var/cache/apt/*.bin \
       "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* \
       "$root"/var/log/*.log "$root"/var/log/apt/*
ls "$root"/boot/vmlinuz-* "$root"/boot/initrd.img-* >/dev/null 2>&1 ||
    die "no kernel/initrd in the root"
chroot "$root" dpkg-query -W >"$tmp/packages.txt"

# keep the newest other cache of this release (with and without the
# project's extra packages), drop the rest
# shellcheck disable=SC2012  # names are ours: <release>-<hex>
ls -dt "$cache/$VM_RELEASE"-* 2>/dev/null | tail -n +2 | while read -r old; do
    rm -rf "$old"
done
mv "$tmp" "$dest"
trap - EXIT
du -sh "$dest/root" | awk '{print $1}' >"$dest/size"
touch "$dest/done"
log "built $dest in $(( $(date +%s) - start )) s ($(cat "$dest/size"))"
printf '%s\n' "$dest/root"
