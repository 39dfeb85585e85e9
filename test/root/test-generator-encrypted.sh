#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The generator with encrypted target definitions: systemd-creds ciphertext
# in $ISCSI_CREDS_ROOT/etc/credstore.encrypted, a throwaway host key in
# $SYSTEMD_CREDENTIAL_SECRET. A definition it can decrypt becomes units (its
# target name, LUN and mount point exist only in the ciphertext); one made
# with another key is skipped with a message naming it, the others are still
# generated, and the exit status is 1. The generator must never decrypt a
# secrets credential: iscsi.auth.enc is encrypted with the wrong key on
# purpose, and is only named in a LoadCredentialEncrypted= line.
#
# Usage (meson): test-generator-encrypted.sh   (ISCSI_CREDS_BUILD_ROOT in the env)

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

require_cmd systemd-creds systemd
[ -s /etc/machine-id ] || skip "systemd-creds host keys need /etc/machine-id"
binaries
make_tmpdir
at_exit dump_outputs

KEY=$T/host.key
OTHER_KEY=$T/other.key
for k in "$KEY" "$OTHER_KEY"; do
    SYSTEMD_CREDENTIAL_SECRET=$k timeout 30 systemd-creds setup >"$T/setup.log" 2>&1 ||
        skip "systemd-creds setup with a throwaway key failed: $(tail -n1 "$T/setup.log")"
done

ROOT=$T/root
STORE=$ROOT/etc/credstore
ESTORE=$ROOT/etc/credstore.encrypted
mkdir -p "$STORE" "$ESTORE"
chmod 0700 "$STORE" "$ESTORE"

# encrypt NAME KEY: stdin -> $ESTORE/NAME
encrypt() {
    SYSTEMD_CREDENTIAL_SECRET=$2 timeout 30 systemd-creds encrypt --with-key=host --name="$1" - "$ESTORE/$1" \
        2>"$T/encrypt.err" || fail "systemd-creds encrypt $1: $(cat "$T/encrypt.err")"
}

AUTH_PW=$(rand_secret 20)
printf 'target = iqn.2003-01.org.example:enc\nportal = 127.0.0.1:3260\nlun = 2\nmount = /srv/enc\nfstype = ext4\ndevice-timeout = 45s\n' |
    encrypt iscsi.target.enc "$KEY"
printf 'node.session.auth.username = alice\nnode.session.auth.password = %s\n' "$AUTH_PW" |
    encrypt iscsi.auth.enc "$OTHER_KEY"
printf 'target = iqn.2003-01.org.example:plain\nportal = [fd00::1]:3261\n' >"$STORE/iscsi.target.plain"
if grep -qF 'iqn.2003-01.org.example:enc' "$ESTORE/iscsi.target.enc"; then fail "ciphertext holds plaintext?"; fi

# gen OUTDIR: run the generator as PID 1 would, output dirs all OUTDIR
gen() {
    mkdir -p "$1"
    RC=0
    timeout 60 env -u CREDENTIALS_DIRECTORY -u ENCRYPTED_CREDENTIALS_DIRECTORY -u SYSTEMD_EXEC_PID \
        -u SYSTEMD_IN_INITRD ISCSI_CREDS_ROOT="$ROOT" SYSTEMD_CREDENTIAL_SECRET="$KEY" \
        "$GENERATOR" "$1" "$1" "$1" >"$1.out" 2>"$1.err" || RC=$?
}

# The output tree, "TYPE PATH [-> TARGET]" per entry, sorted.
tree() {
    (cd "$1" && find . -mindepth 1 -printf '%y %P %l\n' | sed 's/ $//' | LC_ALL=C sort)
}

DEV='dev-disk-by\x2dpath-ip\x2d127.0.0.1:3260\x2discsi\x2diqn.2003\x2d01.org.example:enc\x2dlun\x2d2.device.d'
EXPECTED_TREE() {       # EXPECTED_TREE TEMPLATE_PATH
    LC_ALL=C sort <<EOF
d $DEV
f $DEV/50-device-timeout.conf
d iscsi-creds-login@enc.service.d
f iscsi-creds-login@enc.service.d/50-credentials.conf
d iscsi-creds-login@plain.service.d
f iscsi-creds-login@plain.service.d/50-credentials.conf
d iscsi-creds-paths@enc.service.d
l iscsi-creds-paths@enc.service.d/50-credentials.conf ../iscsi-creds-login@enc.service.d/50-credentials.conf
d iscsi-creds-paths@plain.service.d
l iscsi-creds-paths@plain.service.d/50-credentials.conf ../iscsi-creds-login@plain.service.d/50-credentials.conf
d iscsi-creds.target.wants
l iscsi-creds.target.wants/iscsi-creds-login@enc.service $1
l iscsi-creds.target.wants/iscsi-creds-login@plain.service $1
d remote-fs.target.requires
l remote-fs.target.requires/srv-enc.mount ../srv-enc.mount
f srv-enc.mount
EOF
}

check_common() {        # check_common OUTDIR LABEL
    local o=$1 l=$2 template
    template=$(readlink "$o/iscsi-creds.target.wants/iscsi-creds-login@enc.service")
    case "$template" in
        /*/iscsi-creds-login@.service) ok "$l: wants link points to the template" ;;
        *) bad "$l: wants link points to \"$template\"" ;;
    esac
    expect_eq "$(EXPECTED_TREE "$template")" "$(tree "$o")" "$l: output tree"

    local dropin=$o/iscsi-creds-login@enc.service.d/50-credentials.conf
    expect_grep "LoadCredentialEncrypted=iscsi.target.enc:$ESTORE/iscsi.target.enc" "$dropin" \
        "$l: encrypted target definition handed over with LoadCredentialEncrypted="
    expect_grep "LoadCredentialEncrypted=iscsi.auth.enc:$ESTORE/iscsi.auth.enc" "$dropin" \
        "$l: encrypted secrets handed over with LoadCredentialEncrypted="
    expect_grep "# Source: $ESTORE/iscsi.target.enc" "$dropin" "$l: the drop-in names its source credential"
    # The paths unit (portals that come up later) gets the same credentials as the login
    # (its drop-in is a link to the login's).
    expect_eq "$(grep '^LoadCredential' "$dropin")" \
        "$(grep '^LoadCredential' "$o/iscsi-creds-paths@enc.service.d/50-credentials.conf")" \
        "$l: the paths unit loads the login's credentials"
    expect_grep "SourcePath=$ESTORE/iscsi.target.enc" "$o/srv-enc.mount" "$l: SourcePath= of the mount names the credential"
    expect_grep "LoadCredential=iscsi.target.plain:$STORE/iscsi.target.plain" \
        "$o/iscsi-creds-login@plain.service.d/50-credentials.conf" "$l: plaintext target uses LoadCredential="

    # Only in the ciphertext: target name, LUN, mount point, fstype.
    local m=$o/srv-enc.mount
    expect_grep "What=/dev/disk/by-path/ip-127.0.0.1:3260-iscsi-iqn.2003-01.org.example:enc-lun-2" "$m" \
        "$l: mount unit from the decrypted definition"
    expect_grep "Where=/srv/enc" "$m" "$l: Where="
    expect_grep "Type=ext4" "$m" "$l: Type="
    expect_grep "Requires=iscsi-creds-login@enc.service" "$m" "$l: Requires= the login instance"
    expect_grep "JobRunningTimeoutSec=45s" "$o/$DEV/50-device-timeout.conf" "$l: device-timeout from the decrypted definition"

    expect_no_grep "iscsi.auth.enc: decryption" "$o.err" "$l: the secrets credential was not decrypted"
    if grep -rqF -- "$AUTH_PW" "$o" "$o.out" "$o.err"; then bad "$l: secret in the output"; else ok "$l: no secret in the output"; fi
}

# 1. Everything decryptable: exit 0.
gen "$T/out1"
expect_rc 0 "$RC" "all good"
check_common "$T/out1" "all good"

# 2. Plus a definition encrypted with another key: skipped, named, exit 1.
printf 'target = iqn.2003-01.org.example:bad\nportal = 127.0.0.1:3260\nmount = /srv/bad\n' |
    encrypt iscsi.target.bad "$OTHER_KEY"
gen "$T/out2"
expect_rc 1 "$RC" "wrong key"
check_common "$T/out2" "wrong key"
expect_grep "iscsi.target.bad: decryption with systemd-creds failed" "$T/out2.err" "wrong key: message names the credential"
expect_grep "Decryption failed" "$T/out2.err" "wrong key: systemd-creds' reason"
expect_grep "iscsi.target.bad: skipping this target." "$T/out2.err" "wrong key: target skipped"
if grep -rqF bad "$T/out2"; then bad "wrong key: units for the bad target"; else ok "wrong key: no unit mentions it"; fi
if [ -f "$KEY" ] && [ -f "$OTHER_KEY" ]; then ok "keys still there"; else bad "a host key was removed"; fi

# 3. Truncated ciphertext: same handling.
rm -f "$ESTORE/iscsi.target.bad"
head -c 40 "$ESTORE/iscsi.target.enc" >"$ESTORE/iscsi.target.cut"
# 4. Ciphertext made for another name and stored under this one: refused
#    (decrypt --name= checks the embedded name), so credentials cannot be swapped.
printf 'target = iqn.2003-01.org.example:other\nportal = 127.0.0.1:3260\n' | encrypt iscsi.target.other "$KEY"
mv "$ESTORE/iscsi.target.other" "$ESTORE/iscsi.target.renamed"
gen "$T/out3"
expect_rc 1 "$RC" "truncated+renamed"
expect_grep "iscsi.target.cut: decryption with systemd-creds failed" "$T/out3.err" "truncated: message names the credential"
expect_grep "iscsi.target.renamed: decryption with systemd-creds failed" "$T/out3.err" "renamed: message names the credential"
expect_grep "does not match" "$T/out3.err" "renamed: systemd-creds' reason (embedded name)"
check_common "$T/out3" "truncated+renamed"

finish
