#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# root-iscsi.sh: the root file system on an iSCSI LUN, logged in from a
# systemd initrd (dracut, module "iscsi-creds") with CHAP secrets sealed to
# the machine's TPM2 (issue 13). Nothing on the guest's side holds a disk:
#
#   - tgtd on this machine (127.0.0.1:3261, CHAP) serves a file holding the
#     guest's whole root file system; qemu's user networking takes the
#     guest's 10.0.2.2:3261 there, so nothing leaves this machine;
#   - boot 0 provisions the machine as an admin would: booted from the same
#     root file system as a local disk, with a software TPM (swtpm) as its
#     TPM, it runs "iscsi-creds add root ... --root --with-key=tpm2" (the
#     secret on stdin, from an SMBIOS credential), which writes
#     iscsi.target.root ("root = yes") and iscsi.auth.root sealed to that TPM
#     (on PCR 7, systemd-creds' default); dracut then builds the initrd in the
#     root with the module "iscsi-creds" (no root= on the command line);
#   - boot 1: the initrd logs in and mounts the LUN as /sysroot; the host's
#     systemd runs on it, the guest writes a marker file and powers off;
#     boot 2: the marker is read back; the shutdown of both must end and
#     leave the root file system clean (ext4 state, no I/O error), with the
#     root session never logged out (journal: our unit leaves it, and no
#     "Logging out of session" from anyone, Debian's open-iscsi.service too);
#   - boot 3: the target's CHAP secret is changed: the initrd must stop,
#     saying on the console why (the login's error, the emergency target);
#   - the secret must be nowhere in plaintext: kernel command line, initrd
#     image (built uncompressed, so a grep sees every file in it), root LUN
#     (raw image), journal (decoded from the image), serial console.
#
# Usage: test/vm/root-iscsi.sh [--release bookworm|trixie] [--keep]
# (a release other than this machine's is built in its own build root,
# test/release/build.sh, like run.sh --release)
# Prints PASS/FAIL lines and "N passed, N failed"; exit 0 all passed, 1 a
# failure, 77 when it cannot run here. Needs root; about 10 min cold (the
# image with dracut is cached under $VMTEST_WORK/cache).
set -eu

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

src_dir=$(cd "$VM_DIR/../.." && pwd)
keep=0
while [ $# -gt 0 ]; do
    case $1 in
        --release) VM_RELEASE=$2; shift 2 ;;
        --keep) keep=1; shift ;;
        -h|--help) sed -n '2,37p' "$0"; exit 0 ;;
        *) die "unknown argument $1" ;;
    esac
done

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (debootstrap, chroot, mkfs -d, tgtd)"
"$VM_DIR/deps.sh" || { have_qemu || skip "qemu-system-x86_64 not available"; die "deps.sh failed"; }
"$src_dir/test/install-packages.sh" tgt >/dev/null || die "cannot install tgt"

HOST_RELEASE=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
IQN=iqn.2003-01.org.example:root
PORT=3261 CTL=7
W=$VM_WORK/root-iscsi
TGTD_PID="" QEMU_PID=""
cleanup() {
    [ -z "$QEMU_PID" ] || kill "$QEMU_PID" 2>/dev/null || true
    [ -z "$TGTD_PID" ] || kill -9 "$TGTD_PID" 2>/dev/null || true
    [ ! -f "$W/tpm/pid" ] || kill "$(cat "$W/tpm/pid")" 2>/dev/null || true
    if [ "$keep" = 0 ]; then umount_chroot "$W/root" 2>/dev/null || true; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

PASSED=0 FAILED=0
record() {  # NAME PASS|FAIL DETAIL
    local name=$1 v=$2; shift 2
    if [ "$v" = PASS ]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); fi
    printf '%-4s root-iscsi/%s: %s\n' "$v" "$name" "$*"
}

mount_chroot() { local r=$1; mount -t proc proc "$r/proc"; mount --rbind /sys "$r/sys"; mount --rbind /dev "$r/dev"; }
umount_chroot() { local r=$1 m; for m in dev sys proc; do umount -R "$r/$m" 2>/dev/null || true; done; }

# ---------------------------------------------------------------- build
build() {
    local bdir=$VM_WORK/build-rootiscsi-$VM_RELEASE
    if [ "$VM_RELEASE" != "$HOST_RELEASE" ]; then
        # another release's guest: built in a build root of that release, against its libraries
        log "building the project in a $VM_RELEASE build root (test/release/build.sh)"
        "$src_dir/test/release/build.sh" --release "$VM_RELEASE" --suites "" --stage "$W/stage" \
            >"$W/release-build.log" 2>&1 || { tail -n 40 "$W/release-build.log" >&2; die "build for $VM_RELEASE failed"; }
        return
    fi
    if [ ! -f "$bdir/build.ninja" ]; then
        meson setup "$bdir" "$src_dir" --prefix=/usr -Dtests=disabled >"$W/meson.log" 2>&1 ||
            { tail -n 20 "$W/meson.log" >&2; die "meson setup failed"; }
    fi
    ninja -C "$bdir" >"$W/ninja.log" 2>&1 || { tail -n 30 "$W/ninja.log" >&2; die "build failed"; }
    DESTDIR=$W/stage meson install -C "$bdir" --no-rebuild >"$W/install.log" 2>&1 ||
        { tail -n 20 "$W/install.log" >&2; die "meson install failed"; }
}

# ---------------------------------------------------------------- image
# The harness's image (build-image.sh) with dracut instead of initramfs-tools,
# cached next to it.
dracut_image() {
    local base key dest tmp
    # the same image run.sh uses: its package list plus what the project links
    # (another release's image list already holds what the project links, as in run.sh)
    local extra=""
    [ "$VM_RELEASE" != "$HOST_RELEASE" ] || extra=$(runtime_packages "$W/stage")
    base=$("$VM_DIR/build-image.sh" --release "$VM_RELEASE" --extra "$extra" | tail -n1)
    key=$( { echo "$base"; sed -n '/^dracut_image()/,/^}/p' "$0"; } | sha256sum | cut -c1-16)
    dest=$VM_WORK/cache/dracut-$VM_RELEASE-$key
    if [ -f "$dest/done" ]; then printf '%s\n' "$dest/root"; return; fi
    rm -rf "$VM_WORK"/cache/dracut-"$VM_RELEASE"-*
    tmp=$dest.tmp
    rm -rf "$tmp" && mkdir -p "$tmp"
    log "image with dracut from $base"
    cp -a "$base" "$tmp/root"
    mkdir -p "$tmp/root/etc/dracut.conf.d"
    # A generic initrd: the build machine's devices say nothing about the guest's.
    printf 'hostonly="no"\nhostonly_cmdline="no"\n' >"$tmp/root/etc/dracut.conf.d/10-vmtest.conf"
    printf 'deb %s %s main\n' "$(debian_mirror)" "$VM_RELEASE" >"$tmp/root/etc/apt/sources.list"
    cp /etc/resolv.conf "$tmp/root/etc/resolv.conf"
    mount_chroot "$tmp/root"
    if ! chroot "$tmp/root" sh -c 'apt-get -q update && DEBIAN_FRONTEND=noninteractive apt-get -q install -y \
            --no-install-recommends dracut dracut-network && apt-get clean' >"$W/apt.log" 2>&1; then
        umount_chroot "$tmp/root"; tail -n 30 "$W/apt.log" >&2; die "installing dracut in the image failed"
    fi
    umount_chroot "$tmp/root"
    rm -rf "$tmp/root/var/lib/apt/lists/"*
    mv "$tmp" "$dest"
    touch "$dest/done"
    printf '%s\n' "$dest/root"
}

# ---------------------------------------------------------------- TPM
# swtpm_qemu: the guest's TPM (its state in $W/tpm: the same TPM at every
# boot); swtpm_stop after qemu.
# gone PATTERN: wait (at most 10 s) until no process matches PATTERN
gone() { local _; for _ in $(seq 100); do pgrep -f "$1" >/dev/null || return 0; sleep 0.1; done; return 1; }
swtpm_stop() {
    # (swtpm --terminate may have ended with qemu and removed its pid file)
    [ ! -f "$W/tpm/pid" ] || kill "$(cat "$W/tpm/pid")" 2>/dev/null || true
    rm -f "$W/tpm/pid"
    gone "swtpm socket --tpm2 --tpmstate dir=$W/tpm" || die "swtpm did not end"
}
TPM_ARGS=()
# shellcheck disable=SC2054  # qemu's own comma lists
swtpm_qemu() {
    mkdir -p "$W/tpm"
    rm -f "$W/tpm/sock"
    swtpm socket --tpm2 --tpmstate dir="$W/tpm" --ctrl type=unixio,path="$W/tpm/sock" --terminate \
        --log file="$W/tpm/swtpm.log",level=1 --pid file="$W/tpm/pid" --daemon || die "swtpm did not start"
    TPM_ARGS=(-chardev "socket,id=chrtpm,path=$W/tpm/sock" -tpmdev emulator,id=tpm0,chardev=chrtpm
        -device tpm-tis,tpmdev=tpm0)
}

# ---------------------------------------------------------------- target
tgt_start() {
    # a tgtd left on our control port by an interrupted run
    pkill -9 -f "tgtd --control-port $CTL " && { gone "tgtd --control-port $CTL " || die "an old tgtd did not end"; }
    tgtd --control-port "$CTL" --iscsi portal=127.0.0.1:$PORT -f >"$W/tgtd.log" 2>&1 &
    TGTD_PID=$!
    local _
    for _ in $(seq 100); do tgtadm -C "$CTL" --op show --mode system >/dev/null 2>&1 && break; sleep 0.1; done
    tgtadm -C "$CTL" --lld iscsi --op new --mode target --tid 1 -T "$IQN"
    tgtadm -C "$CTL" --lld iscsi --op new --mode logicalunit --tid 1 --lun 1 -b "$W/root.img"
    tgtadm -C "$CTL" --lld iscsi --op bind --mode target --tid 1 -I ALL
}
tgt_account() {  # USER PASSWORD: the only account of the target
    tgtadm -C "$CTL" --lld iscsi --op delete --mode account --user "$1" >/dev/null 2>&1 || true
    tgtadm -C "$CTL" --lld iscsi --op new --mode account --user "$1" --password "$2"
    tgtadm -C "$CTL" --lld iscsi --op bind --mode account --tid 1 --user "$1"
}

# ---------------------------------------------------------------- boot
# boot NAME LIMIT STOP_PATTERN: qemu until it exits, or until the console
# shows STOP_PATTERN (then it is killed), or LIMIT s. Sets BOOT_S, BOOT_END.
BOOT_S=0 BOOT_END=""
boot() {
    local name=$1 limit=$2 stop=${3:-} t0 log=$W/console-$1.log initrd=$W/initrd.img cmdline=$CMDLINE
    shift 3
    if [ "$name" = 0 ]; then
        initrd=$W/initrd-local.img cmdline="root=/dev/vda rw console=ttyS0 quiet"
    fi
    swtpm_qemu
    rm -f "$log"
    t0=$(date +%s)
    log "boot $name (limit $limit s)"
    timeout -k 10 "$limit" qemu-system-x86_64 -accel tcg -m 2048 -smp 2 -nographic -no-reboot \
        -monitor none -serial "file:$log" -nic user,model=virtio-net-pci \
        -kernel "$W/vmlinuz" -initrd "$initrd" -append "$cmdline" "${TPM_ARGS[@]}" "$@" \
        </dev/null >"$W/qemu-$name.out" 2>&1 &
    QEMU_PID=$!
    BOOT_END="exit"
    while kill -0 "$QEMU_PID" 2>/dev/null; do
        if [ -n "$stop" ] && grep -aqE "$stop" "$log" 2>/dev/null; then
            BOOT_END=stopped; kill "$QEMU_PID" 2>/dev/null || true; break
        fi
        sleep 0.5
    done
    wait "$QEMU_PID" 2>/dev/null || true
    QEMU_PID=""
    BOOT_S=$(($(date +%s) - t0))
    swtpm_stop
    log "boot $name: ${BOOT_S} s ($BOOT_END)"
}
console_has() { tr -d '\r' <"$W/console-$1.log" | grep -aE "$2"; }

# ================================================================ prepare
rm -rf "$W" && mkdir -p "$W"
build
IMG=$(dracut_image)
PW=$(rand_str 20) MARKER=$(rand_str 16)
# for --keep (debugging a boot by hand): the test's secret, removed otherwise
if [ "$keep" = 1 ]; then (umask 077; printf '%s\n' "$PW" >"$W/secret"); fi
ROOT=$W/root
log "root tree"
cp -a "$IMG" "$ROOT"
tar -C "$W/stage" -cf - . | tar -C "$ROOT" --keep-directory-symlink -xf -
# as the Debian package does (README: "systemctl enable iscsi-creds.target")
chroot "$ROOT" systemctl enable iscsi-creds.target >/dev/null 2>&1
# the root is the LUN the initrd mounts; nothing in fstab for /
printf '# / is mounted by the initrd from the iSCSI LUN (iscsi.target.root)\n' >"$ROOT/etc/fstab"
systemd-machine-id-setup --root="$ROOT" >/dev/null
# this machine's initiator name, as iscsid's first start would have made it
printf 'InitiatorName=iqn.1993-08.org.debian:01:%s\n' "$(rand_str 12 | tr '[:upper:]' '[:lower:]')" >"$ROOT/etc/iscsi/initiatorname.iscsi"
# Boot 0's provisioning: the admin's command, with the secret on stdin.
mkdir -p "$ROOT/usr/local/lib/vmtest"
cat >"$ROOT/usr/local/lib/vmtest/root-provision.sh" <<EOF
#!/bin/bash
exec >/dev/console 2>&1
iscsi-creds add root --target $IQN --portal 10.0.2.2:$PORT --lun 1 --fstype ext4 --root \\
    --username rootuser --with-key=tpm2 <"\$CREDENTIALS_DIRECTORY/roottest.secret" &&
    iscsi-creds initrd-credentials && echo "ROOTTEST provisioned"
systemctl poweroff
EOF
chmod 0755 "$ROOT/usr/local/lib/vmtest/root-provision.sh"
cat >"$ROOT/etc/systemd/system/root-provision.service" <<'EOF'
[Unit]
Description=root-iscsi: seal the root LUN's CHAP secret to this machine's TPM
ConditionPathExists=!/etc/credstore.encrypted/iscsi.auth.root
After=multi-user.target

[Service]
Type=oneshot
LoadCredential=roottest.secret
ExecStart=/usr/local/lib/vmtest/root-provision.sh
EOF
ln -sf ../root-provision.service "$ROOT/etc/systemd/system/multi-user.target.wants/root-provision.service"

# The guest's check, run once multi-user.target is up, then power off.
mkdir -p "$ROOT/usr/local/lib/vmtest"
cat >"$ROOT/usr/local/lib/vmtest/root-check.sh" <<'EOF'
#!/bin/bash
exec >/dev/console 2>&1
say() { echo "ROOTTEST $*"; }
marker=$(sed -n 's/.*roottest.marker=\([A-Za-z0-9]*\).*/\1/p' /proc/cmdline)
src=$(findmnt -no SOURCE /)
link=$(find /dev/disk/by-path -name '*iscsi-iqn.2003-01.org.example:root-lun-1' -printf '%l\n' | head -n1)
say "root-source $src by-path ${link:-none}"
say "login-unit $(systemctl is-active iscsi-creds-login@root.service)"
say "sessions $(iscsiadm -m session 2>/dev/null | wc -l)"
say "iscsid $(systemctl is-active iscsid.service)"
say "system $(systemctl is-system-running)"
iscsi-creds status root | sed 's/^/ROOTTEST status: /'
if [ -f /var/lib/roottest/marker ]; then
    say "marker-read $(cat /var/lib/roottest/marker)"
else
    mkdir -p /var/lib/roottest && echo "$marker" >/var/lib/roottest/marker && sync
    say "marker-written $marker"
fi
say "done"
systemctl poweroff
EOF
chmod 0755 "$ROOT/usr/local/lib/vmtest/root-check.sh"
cat >"$ROOT/etc/systemd/system/root-check.service" <<'EOF'
[Unit]
Description=root-iscsi: check the root file system on iSCSI, then power off
ConditionKernelCommandLine=roottest.marker
After=multi-user.target iscsi-creds.target

[Service]
Type=oneshot
ExecStart=/usr/local/lib/vmtest/root-check.sh
EOF
ln -sf ../root-check.service "$ROOT/etc/systemd/system/multi-user.target.wants/root-check.service"

KVER=$(find "$ROOT/lib/modules" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tail -n1)
# no root= : the initrd's generator mounts /sysroot from the credential
CMDLINE="console=ttyS0 quiet ip=dhcp rd.neednet=1 roottest.marker=$MARKER ${ROOTTEST_CMDLINE:-}"
log "boot 0: provisioning, from the root as a local disk"
cp "$ROOT/boot/initrd.img-$KVER" "$W/initrd-local.img"
cp "$ROOT/boot/vmlinuz-$KVER" "$W/vmlinuz"
printf '/dev/vda / ext4 rw 0 1\n' >"$ROOT/etc/fstab"
truncate -s 3G "$W/root.img"
mkfs.ext4 -q -d "$ROOT" "$W/root.img"
printf '# / is mounted by the initrd from the iSCSI LUN (iscsi.target.root)\n' >"$ROOT/etc/fstab"
# The secret reaches the guest by SMBIOS (not its command line); the root keeps only ciphertext.
SECRET_B64=$(printf '%s\n' "$PW" | base64 -w0)   # add reads the secret from stdin, one line
boot 0 600 "" -drive "file=$W/root.img,format=raw,if=virtio" \
    -smbios "type=11,value=io.systemd.credential.binary:roottest.secret=$SECRET_B64"
if console_has 0 'ROOTTEST provisioned' >/dev/null; then
    record provision PASS "iscsi-creds add --root --with-key=tpm2 in the guest, then initrd-credentials: $(console_has 0 $'\t/etc/credstore' | cut -f2 | tr '\n' ' ')"
else
    record provision FAIL "no ROOTTEST provisioned on the console (see $W/console-0.log)"
    echo "$PASSED passed, $FAILED failed"
    exit 1
fi
for f in credstore/iscsi.target.root credstore.encrypted/iscsi.auth.root; do
    mkdir -p "$(dirname "$ROOT/etc/$f")"
    debugfs -R "dump /etc/$f $ROOT/etc/$f" "$W/root.img" >/dev/null 2>&1
    [ -s "$ROOT/etc/$f" ] || die "boot 0 left no /etc/$f"
    chmod 0600 "$ROOT/etc/$f"
done

log "initrd (dracut in the root)"
mount_chroot "$ROOT"
# --omit multipath: the image has multipath-tools (run.sh's multipath scenario), whose
# multipathd.service has Conflicts=initrd-cleanup.service; in the initrd it fails (dracut 059
# on Debian 12 leaves out its path checkers: "Checker 'tur' not found"), and when it is
# started again while initrd-cleanup isolates initrd-switch-root.target, that conflict
# cancels initrd-cleanup (SIGTERM) and the initrd goes to emergency mode. Seen in PID 1's
# debug log. The root is not on multipath here.
chroot "$ROOT" dracut --force --no-compress --add "iscsi-creds" --omit multipath --kver "$KVER" /boot/initrd-iscsi.img \
    >"$W/dracut.log" 2>&1 || { umount_chroot "$ROOT"; tail -n 40 "$W/dracut.log" >&2; die "dracut failed"; }
chroot "$ROOT" lsinitrd /boot/initrd-iscsi.img >"$W/lsinitrd.txt" 2>&1 || true
umount_chroot "$ROOT"
cp "$ROOT/boot/initrd-iscsi.img" "$W/initrd.img"

log "root LUN image"
rm -f "$W/root.img"
truncate -s 3G "$W/root.img"
mkfs.ext4 -q -d "$ROOT" "$W/root.img"

# ================================================================ checks
# The initrd: our module's files, the sealed credential, no plaintext secret.
if grep -q "iscsi-creds-generator" "$W/lsinitrd.txt" && grep -q "credstore.encrypted/iscsi.auth.root" "$W/lsinitrd.txt"; then
    record initrd-contents PASS "generator, units and the sealed iscsi.auth.root are in the initrd"
else
    record initrd-contents FAIL "lsinitrd lacks the generator or iscsi.auth.root (see $W/lsinitrd.txt)"
fi
ct=$(head -c 40 "$ROOT/etc/credstore.encrypted/iscsi.auth.root")
if grep -aqF "$ct" "$W/initrd.img" && ! grep -aqF "$PW" "$W/initrd.img"; then
    record initrd-secret PASS "the initrd (uncompressed cpio) holds the ciphertext and not the secret"
else
    record initrd-secret FAIL "ciphertext found: $(grep -acF "$ct" "$W/initrd.img"), secret found: $(grep -acF "$PW" "$W/initrd.img")"
fi

tgt_start
tgt_account rootuser "$PW"

# boot_root N: boot N from the LUN; again (at most 3 attempts) when the initrd's
# switch to the root failed: initrd-cleanup.service killed by SIGTERM while it
# isolated initrd-switch-root.target (the multipathd conflict above; kept as a
# guard, each retry is printed).
RETRIES=0
boot_root() {
    local n=$1 attempt
    for attempt in 1 2 3; do
        boot "$n" 600 'Failed to start .*initrd-switch-root'
        [ "$BOOT_END" = stopped ] || return 0
        RETRIES=$((RETRIES + 1))
        echo "RETRY root-iscsi/boot$n: attempt $attempt: the initrd's switch to the root failed (initrd-switch-root.service); booting again"
        cp "$W/console-$n.log" "$W/console-$n.attempt$attempt.log"
    done
}

boot_root 1
check_boot() {  # N
    local n=$1
    if console_has "$n" 'ROOTTEST done' >/dev/null; then
        record "boot$n-multi-user" PASS "multi-user.target on the iSCSI root after $(console_has "$n" 'ROOTTEST root-source' | head -n1 | sed 's/.*ROOTTEST root-source //') ($BOOT_S s wall to poweroff)"
    else
        record "boot$n-multi-user" FAIL "no ROOTTEST done on the console (see $W/console-$n.log)"
    fi
    if console_has "$n" 'ROOTTEST login-unit active' >/dev/null && console_has "$n" 'ROOTTEST sessions 1$' >/dev/null &&
        console_has "$n" 'ROOTTEST iscsid active' >/dev/null; then
        record "boot$n-session" PASS "the login unit is active on the host, one session, iscsid running"
    else
        record "boot$n-session" FAIL "$(console_has "$n" 'ROOTTEST (login-unit|sessions|iscsid)' | tr '\n' ' ')"
    fi
    if [ "$BOOT_END" = exit ] && [ "$BOOT_S" -lt 590 ]; then
        record "boot$n-shutdown" PASS "the guest powered off by itself ($(console_has "$n" 'reboot: Power down' | grep -aoE '\[ *[0-9.]+\] reboot: Power down' | head -n1))"
    else
        record "boot$n-shutdown" FAIL "qemu did not end by itself ($BOOT_END, $BOOT_S s)"
    fi
}
# clean_root N: after boot N powered off, the root file system on the LUN was
# left clean (ext4 "clean", no journal replay pending): the shutdown remounted
# it read-only while its session was still logged in. The console must show no
# I/O error of the root either.
clean_root() {
    local n=$1 sb errs
    sb=$(dumpe2fs -h "$W/root.img" 2>/dev/null || true)
    errs=$(console_has "$n" 'I/O error|EXT4-fs error|Aborting journal|detected conn error' | head -n 3 || true)
    if grep -qE '^Filesystem state: +clean$' <<<"$sb" && ! grep -q needs_recovery <<<"$sb" && [ -z "$errs" ]; then
        record "boot$n-root-clean" PASS "the root file system was left clean at power-off (ext4 state clean, no journal recovery pending, no I/O error on the console)"
    else
        record "boot$n-root-clean" FAIL "$(grep -E '^(Filesystem state|Filesystem features):' <<<"$sb" | tr -s ' ' | tr '\n' ' ') console: ${errs:-none}"
    fi
}
check_boot 1
clean_root 1
if console_has 1 "ROOTTEST marker-written $MARKER" >/dev/null; then
    record boot1-write PASS "marker written to the iSCSI root"
else
    record boot1-write FAIL "marker not written"
fi

boot_root 2
check_boot 2
clean_root 2
if console_has 2 "ROOTTEST marker-read $MARKER" >/dev/null; then
    record boot2-read PASS "the marker of boot 1 read back"
else
    record boot2-read FAIL "marker not read back: $(console_has 2 'ROOTTEST marker' | tr '\n' ' ')"
fi

# boot 3: the target wants another secret now
tgt_account rootuser "$(rand_str 20)"
boot 3 420 'emergency|Emergency'
msg=$(console_has 3 'root: .*(authenticat|CHAP)' | grep -aoE '(\[ *[0-9.]+\] )?iscsi-creds.*' | head -n1 || true)
if [ -n "$msg" ] && console_has 3 'emergency|Emergency' >/dev/null; then
    record wrong-secret PASS "the initrd stopped after $BOOT_S s, the console says: $msg"
else
    record wrong-secret FAIL "no login error and emergency mode on the console ($BOOT_END after $BOOT_S s; see $W/console-3.log)"
fi

# ================================================================ secrets
kill -9 "$TGTD_PID" 2>/dev/null || true; wait "$TGTD_PID" 2>/dev/null || true; TGTD_PID=""
n_img=$(grep -acF "$PW" "$W/root.img" || true)
# The guest's journal, read by the guest's own journalctl (a newer release's
# journal files may use features this machine's journalctl does not know).
J=$ROOT/var/tmp/roottest-journal
rm -rf "$J" && mkdir -p "$J"
debugfs -R "rdump /var/log/journal $J" "$W/root.img" >/dev/null 2>&1 || true
gjournal() { chroot "$ROOT" journalctl -D /var/tmp/roottest-journal/journal --no-pager "$@"; }
n_jour=$(gjournal -o export 2>/dev/null | grep -acF "$PW" || true)
n_entries=$(gjournal -o export 2>/dev/null | grep -ac '^__CURSOR=' || true)
n_con=$(cat "$W"/console-*.log | grep -acF "$PW" || true)
if [ "$n_img" = 0 ] && [ "$n_jour" = 0 ] && [ "$n_con" = 0 ] && [ "${n_entries:-0}" -gt 0 ] &&
    [ "${CMDLINE/$PW/}" = "$CMDLINE" ]; then
    record secret-nowhere PASS "not in the kernel command line, the initrd, the raw root LUN, its journal ($n_entries entries) or the console"
else
    record secret-nowhere FAIL "root LUN $n_img, journal $n_jour (of ${n_entries:-0} entries), console $n_con"
fi
# What the shutdowns of boots 1 and 2 did with the root session (their
# journals: -b -1 and -b 0, the last two boots on the root): our unit left the
# session alone, and nothing logged it out (iscsiadm's "Logging out of
# session", e.g. from Debian's open-iscsi.service, whose umountiscsi.sh must
# keep the root's).
for b in -1 0; do
    n=$((2 + b))
    out=$(gjournal -b "$b" -o short-monotonic 2>/dev/null || true)
    kept=$(grep -a 'root: the session to .* leaving it as it is' <<<"$out" | head -n1 || true)
    logout=$(grep -aE 'Logging out of session|Logout of \[sid' <<<"$out" | head -n1 || true)
    if [ -n "$kept" ] && [ -z "$logout" ]; then
        record "boot$n-session-kept" PASS "at shutdown: ${kept#*]} ; no logout of it"
    else
        record "boot$n-session-kept" FAIL "kept: ${kept:-no message}; logout: ${logout:-none}"
    fi
done
gjournal -b 0 -o short-monotonic 2>/dev/null |
    grep -aE 'iscsi|Unmount|remount' | tail -n 30 >"$W/shutdown.txt" || true
log "shutdown of boot 2, from its journal: $W/shutdown.txt"
# Boot 2's timeline (monotonic s since the kernel started), for the record.
tl=$(gjournal -b 0 -o short-monotonic 2>/dev/null | grep -aE \
    'root: logged in|Mounted sysroot.mount|Switching root|Reached target multi-user|Startup finished' |
    sed -E 's/^\[ *([0-9.]+)\] [^ ]+ ([^:]+): (.{0,60}).*/\1 s \3/' || true)
printf 'INFO root-iscsi/boot2-timeline: %s\n' "$(tr '\n' ';' <<<"$tl")"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
