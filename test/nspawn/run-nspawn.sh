#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Boot systemd 252 as PID 1 in systemd-nspawn with our generator and units,
# hand it one target whose secrets sit encrypted in /etc/credstore.encrypted
# and one whose ciphertext arrives as a container (hypervisor-style)
# system credential, and assert: the generator ran, PID 1 decrypted the
# secrets into the login service, the helper wrote a node record that
# libopeniscsiusr accepted, and it got as far as iscsiadm (which cannot log
# in here: the host kernel has no SCSI). The failed login's OnFailure=
# starts iscsi-creds-retry@.service, which finds the portal answering (a
# TCP listener of this script stands in for the target) and starts the
# mount again. No secret may show up in the journal, generated units or
# command lines.
#
# Usage: run-nspawn.sh BUILD_DIR SOURCE_DIR
set -eu

build=$(realpath "$1") src=$(realpath "$2")
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
command -v systemd-nspawn >/dev/null || { echo "SKIP: systemd-nspawn missing (apt-get install systemd-container)"; exit 77; }
[ -x /usr/sbin/iscsiadm ] || { echo "SKIP: open-iscsi missing"; exit 77; }

tmp=$(mktemp -d /var/tmp/iscsi-creds-nspawn.XXXXXX)
machine="iscsi-creds-test-$$"
listener=
cleanup() {
        [ -z "$listener" ] || kill "$listener" 2>/dev/null || true
        [ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT

root=$tmp/root results=$tmp/results
mkdir -p "$root"/{etc,var/lib/systemd,run,tmp,proc,sys,dev,results,usr,opt/iscsi-creds/sbin,root}
mkdir -p "$root"/etc/systemd/system/multi-user.target.wants "$root"/etc/systemd/system-generators \
        "$root"/etc/credstore.encrypted "$root"/etc/iscsi/nodes
mkdir -p "$results"
for l in bin sbin lib lib64; do ln -s usr/$l "$root/$l"; done
cp /etc/os-release /etc/passwd /etc/group /etc/shadow /etc/nsswitch.conf /etc/machine-id "$root/etc/"
cp -a /etc/iscsi/. "$root/etc/iscsi/"
rm -rf "$root/etc/iscsi/nodes" "$root/etc/iscsi/send_targets"

# The project, installed by hand into paths outside the read-only /usr.
install -m 0755 "$build/iscsi-creds" "$root/opt/iscsi-creds/sbin/iscsi-creds"
install -m 0755 "$build/iscsi-creds-admin" "$root/opt/iscsi-creds/sbin/iscsi-creds-admin"
install -m 0755 "$build/iscsi-creds-generator" "$root/etc/systemd/system-generators/iscsi-creds-generator"
install -m 0644 "$build/test/nspawn/iscsi-creds-login@.service" "$build/test/nspawn/iscsi-creds-retry@.service" \
        "$root/etc/systemd/system/"
install -m 0644 "$src/units/iscsi-creds.target" "$root/etc/systemd/system/"
install -m 0644 "$src/tmpfiles.d/iscsi-creds.conf" "$root/etc/tmpfiles.d-iscsi-creds.conf"
mkdir -p "$root/etc/tmpfiles.d" && mv "$root/etc/tmpfiles.d-iscsi-creds.conf" "$root/etc/tmpfiles.d/iscsi-creds.conf"
mkdir -p "$root/etc/systemd/system/remote-fs.target.wants"
ln -s ../iscsi-creds.target "$root/etc/systemd/system/remote-fs.target.wants/iscsi-creds.target"
# As on an installed system, where remote-fs.target is enabled by preset.
ln -s /usr/lib/systemd/system/remote-fs.target "$root/etc/systemd/system/multi-user.target.wants/remote-fs.target"

# No kernel iSCSI here: iscsid cannot start, and socket activation would keep
# iscsiadm waiting until our time limit. Without iscsid, iscsiadm fails at
# once with "can not connect to iSCSI daemon" (exit status 20).
ln -s /dev/null "$root/etc/systemd/system/iscsid.socket"
ln -s /dev/null "$root/etc/systemd/system/iscsid.service"

# The checker, run once the logins are done.
install -m 0755 "$src/test/nspawn/check-inside.sh" "$root/opt/iscsi-creds/check-inside.sh"
cat >"$root/etc/systemd/system/iscsi-creds-check.service" <<UNIT
[Unit]
After=iscsi-creds.target remote-fs.target
[Service]
Type=oneshot
ExecStart=/opt/iscsi-creds/check-inside.sh
UNIT
ln -s ../iscsi-creds-check.service "$root/etc/systemd/system/multi-user.target.wants/"

# Secrets: a throwaway host key, inside the container where PID 1 looks.
secret_enc='Nspawn-Enc-Secret-1d2f'
secret_smbios='Nspawn-Smbios-Secret-9c7e'
export SYSTEMD_CREDENTIAL_SECRET="$root/var/lib/systemd/credential.secret"
systemd-creds setup >/dev/null 2>&1
printf 'node.session.auth.username = enc-user\nnode.session.auth.password = %s\n' "$secret_enc" |
        systemd-creds encrypt --with-key=host --name=iscsi.auth.enc - "$root/etc/credstore.encrypted/iscsi.auth.enc"
printf 'node.session.auth.username = smbios-user\nnode.session.auth.password = %s\n' "$secret_smbios" |
        systemd-creds encrypt --with-key=host --name=iscsi.auth.smbios - "$tmp/iscsi.auth.smbios"
unset SYSTEMD_CREDENTIAL_SECRET

printf 'target = iqn.2003-01.org.example:enc\nportal = 127.0.0.1:3260\nlun = 1\nmount = /srv/enc\nfstype = ext4\ndevice-timeout = 3s\n' >"$tmp/iscsi.target.enc"
printf 'target = iqn.2003-01.org.example:smbios\nportal = [::1]:3262\ntpgt = 1\n' >"$tmp/iscsi.target.smbios"

# The portals answer TCP (the container shares this network namespace): the
# helper's probe passes and iscsiadm runs; the retry service sees them too.
python3 - "$tmp/listening" <<'PY' &
import socket, sys, time
socks = []
for fam, host, port in ((socket.AF_INET, "127.0.0.1", 3260), (socket.AF_INET6, "::1", 3262)):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    s.listen(64)
    socks.append(s)
open(sys.argv[1], "w").close()
time.sleep(600)
PY
listener=$!
for _ in $(seq 100); do [ -e "$tmp/listening" ] && break; kill -0 "$listener" || break; sleep 0.1; done
[ -e "$tmp/listening" ] || { echo "FAIL: cannot listen on 127.0.0.1:3260 and [::1]:3262 (in use?)"; exit 1; }

start=$(date +%s)
timeout 180 systemd-nspawn --quiet --boot --register=no --keep-unit --console=pipe \
        --directory="$root" --machine="$machine" \
        --bind-ro=/usr --bind="$results:/results" \
        --load-credential=iscsi.target.enc:"$tmp/iscsi.target.enc" \
        --load-credential=iscsi.target.smbios:"$tmp/iscsi.target.smbios" \
        --load-credential=iscsi.auth.smbios:"$tmp/iscsi.auth.smbios" \
        </dev/null >"$tmp/console" 2>&1 || true
echo "container ran for $(( $(date +%s) - start )) s"

fail=0
check() { # NAME CONDITION...
        local name=$1; shift
        if "$@"; then echo "PASS: $name"; else echo "FAIL: $name"; fail=1; fi
}
has() { grep -qF -- "$2" "$1"; }
hasnt() { ! grep -qF -- "$2" "$1"; }

if [ ! -e "$results/done" ]; then
        echo "FAIL: the checker did not run; console:"; tail -50 "$tmp/console"; exit 1
fi
gen=$results/generator
check "generator wrote the drop-in naming the encrypted credstore file" \
        has "$gen/iscsi-creds-login@enc.service.d/50-credentials.conf" \
        "LoadCredentialEncrypted=iscsi.auth.enc:/etc/credstore.encrypted/iscsi.auth.enc"
check "generator recognised ciphertext among the system credentials" \
        grep -qE '^LoadCredentialEncrypted=iscsi.auth.smbios:/run/(host/)?credentials/' \
        "$gen/iscsi-creds-login@smbios.service.d/50-credentials.conf"
check "login instance hooked into iscsi-creds.target" has "$results/iscsi-creds-deps" "iscsi-creds-login@enc.service"
check "mount hooked into remote-fs.target" has "$results/remote-fs-deps" "srv-enc.mount"
check "login unit verifies inside the container" has "$results/verify.status" "0"
for a in enc smbios; do
        check "$a: login unit was started" grep -qE '^ExecMainStartTimestampMonotonic=[1-9]' <(sed -n "/== iscsi-creds-login@$a/,/==/p" "$results/state")
        check "$a: PID 1 decrypted the secrets for the helper" has "$results/journal" "iscsi.target.$a: using one-way CHAP secrets from iscsi.auth.$a."
        check "$a: node record accepted by libopeniscsiusr" has "$results/journal" "iscsi.target.$a: node record written to the private node DB and read back through libopeniscsiusr."
        check "$a: reached iscsiadm, which reports why it cannot log in" grep -qE "$a: login to iqn.2003-01.org.example:$a at .* failed: (cannot connect to iscsid|the iSCSI transport kernel module)" "$results/journal"
        check "$a: login unit failed cleanly" grep -qE '^Result=exit-code' <(sed -n "/== iscsi-creds-login@$a/,/==/p" "$results/state")
done
check "structured MESSAGE_ID for the failed login" has "$results/journal.login-failed" "ISCSI_CREDS_ALIAS=enc"
check "enc: the failed login started iscsi-creds-retry@enc.service (OnFailure=)" \
        grep -qE 'Started iscsi-creds-retry@enc.service' "$results/journal"
check "enc: the retry found the portal answering and started the mount again" \
        has "$results/journal" "enc: portal 127.0.0.1:3260 answers; starting srv-enc.mount (attempt 1)."
check "enc: the mount's start ran the login again" \
        test "$(grep -c 'iscsi.target.enc: node record written to the private node DB' "$results/journal")" -ge 2
check "enc: the retry's state says why the attempt failed" \
        grep -qxE 'last_error=the iSCSI stack failed \(iscsid, transport module or node DB\) \(exit status 6\)' \
        "$results/retry-state.enc"
check "enc: retry messages carry their MESSAGE_ID" has "$results/journal.retry-attempt" "ISCSI_CREDS_ALIAS=enc"
check "enc: iscsi-creds status --json shows the retry waiting after its first attempt" \
        grep -qE '"state":"waiting","attempts":[1-9]' <(tr -d ' \n' <"$results/status.json")
check "record lived only in the unit's tmpfs (host node DB empty)" test ! -s "$results/host-nodes"
for s in "$secret_enc" "$secret_smbios"; do
        check "secret absent from the journal (${s:0:8}...)" hasnt "$results/journal.export" "$s"
        check "secret absent from generated units (${s:0:8}...)" test -z "$(grep -rlF -- "$s" "$gen")"
        check "secret absent from command lines (${s:0:8}...)" hasnt "$results/cmdlines" "$s"
        check "secret absent from the container console (${s:0:8}...)" hasnt "$tmp/console" "$s"
done

if [ $fail != 0 ]; then
        echo "---- state"; cat "$results/state"
        echo "---- journal (iscsi)"; grep -iE 'iscsi' "$results/journal" | tail -40
fi
exit $fail
