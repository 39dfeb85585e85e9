#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# CHAP against a real target with credentials decrypted by our code: tgtd on
# 127.0.0.1 (spare port, own control port) with CHAP accounts; CHAP secrets
# encrypted with "systemd-creds encrypt --with-key=host" under a throwaway
# host key ($SYSTEMD_CREDENTIAL_SECRET); chap-login (chap-login.c) loads
# them through load_target()/find_auth_credential()/load_chap_secrets()
# (credential_read() runs systemd-creds decrypt) and logs in with libiscsi.
#
# Usage (meson): test-chap-login.sh CHAP_LOGIN_BINARY

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

CHAP_LOGIN=${1:-}

require_root
[ -n "$CHAP_LOGIN" ] || skip "chap-login was not built: libiscsi-dev was missing when meson configured (run test/root/deps.sh, then reconfigure)"
[ -x "$CHAP_LOGIN" ] || fail "$CHAP_LOGIN is not executable"
require_cmd tgtd tgt
require_cmd tgtadm tgt
require_cmd systemd-creds systemd
require_cmd ss iproute2
[ -s /etc/machine-id ] || skip "systemd-creds host keys need /etc/machine-id"
make_tmpdir
at_exit dump_outputs

IQN1=iqn.2003-01.org.example:chap1       # one-way CHAP: account alice
IQN2=iqn.2003-01.org.example:mutual2     # mutual CHAP: account bob, outgoing tgtuser
PW_ALICE=$(rand_secret 20)
PW_BOB=$(rand_secret 22)
PW_TARGET=$(rand_secret 24)
WRONG=$(rand_secret 20)
SECRETS=("$PW_ALICE" "$PW_BOB" "$PW_TARGET" "$WRONG")

PORT=$(free_tcp_port) || fail "no free TCP port"
tgtd_start "127.0.0.1:$PORT"
HAVE_IPV6=0
if tgtadm_ --op new --mode portal --param "portal=[::1]:$PORT" >"$T/portal6.log" 2>&1; then
    HAVE_IPV6=1
else
    say "no IPv6 portal on [::1]:$PORT, IPv6 case not run: $(cat "$T/portal6.log")"
fi
tgtd_target 1 "$IQN1" "$T/lun1.img"
tgtd_account 1 alice "$PW_ALICE"
tgtd_target 2 "$IQN2" "$T/lun2.img"
tgtd_account 2 bob "$PW_BOB"
tgtd_account 2 tgtuser "$PW_TARGET" --outgoing

# Throwaway host keys: the right one and another one.
KEY=$T/host.key
OTHER_KEY=$T/other.key
SYSTEMD_CREDENTIAL_SECRET=$KEY timeout 30 systemd-creds setup >/dev/null 2>&1 || fail "systemd-creds setup ($KEY)"
SYSTEMD_CREDENTIAL_SECRET=$OTHER_KEY timeout 30 systemd-creds setup >/dev/null 2>&1 || fail "systemd-creds setup ($OTHER_KEY)"

ROOT=$T/root                     # $ISCSI_CREDS_ROOT: /etc/credstore{,.encrypted} under it
ENCDIR=$T/encrypted-creds        # $ENCRYPTED_CREDENTIALS_DIRECTORY
SYSDIR=$T/system-creds           # $CREDENTIALS_DIRECTORY (ciphertext from SMBIOS lands in the plain dir)
PLAIN=$T/plain
mkdir -p "$ROOT/etc/credstore" "$ROOT/etc/credstore.encrypted" "$ENCDIR" "$SYSDIR" "$PLAIN"
chmod 0700 "$ROOT/etc/credstore" "$ROOT/etc/credstore.encrypted" "$ENCDIR" "$SYSDIR" "$PLAIN"

# target ALIAS IQN [DIR [ADDRESS]]: plaintext target definition
target() {
    printf 'target = %s\nportal = %s:%s\nlun = 1\n' "$2" "${4:-127.0.0.1}" "$PORT" \
        >"${3:-$ROOT/etc/credstore}/iscsi.target.$1"
}

# auth ALIAS DEST_DIR KEY USER PASSWORD [USER_IN PASSWORD_IN]: encrypted secrets
auth() {
    local alias=$1 dir=$2 key=$3 name=iscsi.auth.$1
    {
        printf 'node.session.auth.username = %s\nnode.session.auth.password = %s\n' "$4" "$5"
        if [ $# -ge 7 ]; then
            printf 'node.session.auth.username_in = %s\nnode.session.auth.password_in = %s\n' "$6" "$7"
        fi
    } >"$PLAIN/$name"
    SYSTEMD_CREDENTIAL_SECRET=$key timeout 30 systemd-creds encrypt --with-key=host --name="$name" \
        "$PLAIN/$name" "$dir/$name" 2>"$T/encrypt.err" || fail "systemd-creds encrypt $name: $(cat "$T/encrypt.err")"
    rm -f "$PLAIN/$name"
    local s
    for s in "${SECRETS[@]}"; do
        if grep -qF -- "$s" "$dir/$name"; then fail "$name: plaintext secret in the encrypted file"; fi
    done
}

# chap ALIAS [VAR=VALUE...]: run chap-login, output in $T/out.ALIAS, $T/err.ALIAS, status in $RC
chap() {
    local alias=$1
    shift
    RC=0
    timeout 60 env -u CREDENTIALS_DIRECTORY -u ENCRYPTED_CREDENTIALS_DIRECTORY \
        -u LIBISCSI_CHAP_USERNAME -u LIBISCSI_CHAP_PASSWORD \
        -u LIBISCSI_CHAP_TARGET_USERNAME -u LIBISCSI_CHAP_TARGET_PASSWORD \
        ISCSI_CREDS_ROOT="$ROOT" SYSTEMD_CREDENTIAL_SECRET="$KEY" "$@" \
        "$CHAP_LOGIN" "$alias" >"$T/out.$alias" 2>"$T/err.$alias" || RC=$?
    [ "$RC" -ne 124 ] || bad "$alias: chap-login timed out"
    expect_no_secret "$alias: no secret on stdout or stderr" "$T/out.$alias" "$T/err.$alias" -- "${SECRETS[@]}"
}

# --- one-way CHAP, secrets in $ISCSI_CREDS_ROOT/etc/credstore.encrypted ----
target good "$IQN1"
auth good "$ROOT/etc/credstore.encrypted" "$KEY" alice "$PW_ALICE"
chap good
expect_rc 0 "$RC" "good: right secret"
expect_grep "secrets from iscsi.auth.good (encrypted)" "$T/out.good" "good: secrets decrypted by credential_read()"
expect_grep "chap: one-way" "$T/out.good" "good: one-way CHAP"
expect_grep "logged in" "$T/out.good" "good: logged in"
expect_grep "vendor=IET" "$T/out.good" "good: INQUIRY answered by tgtd"
expect_grep "product=VIRTUAL-DISK" "$T/out.good" "good: INQUIRY product"

target wrong "$IQN1"
auth wrong "$ROOT/etc/credstore.encrypted" "$KEY" alice "$WRONG"
chap wrong
expect_rc 10 "$RC" "wrong: wrong password"
expect_grep "Authentication failure" "$T/err.wrong" "wrong: libiscsi reports the authentication failure"
expect_no_grep "logged in" "$T/out.wrong" "wrong: not logged in"

# No secrets at all: tgtd must refuse, or "good" proved nothing.
target nosecret "$IQN1"
chap nosecret
expect_rc 10 "$RC" "nosecret: target requires CHAP"
expect_grep "no secrets credential" "$T/out.nosecret" "nosecret: no auth credential found"

# --- mutual CHAP, secrets in $ENCRYPTED_CREDENTIALS_DIRECTORY --------------
target mutual "$IQN2"
auth mutual "$ENCDIR" "$KEY" bob "$PW_BOB" tgtuser "$PW_TARGET"
chap mutual ENCRYPTED_CREDENTIALS_DIRECTORY="$ENCDIR"
expect_rc 0 "$RC" "mutual: right secrets both ways"
expect_grep "secrets from iscsi.auth.mutual (encrypted)" "$T/out.mutual" "mutual: secrets decrypted"
expect_grep "chap: mutual" "$T/out.mutual" "mutual: mutual CHAP"
expect_grep "vendor=IET" "$T/out.mutual" "mutual: INQUIRY answered"

target mutualbad "$IQN2"
auth mutualbad "$ENCDIR" "$KEY" bob "$PW_BOB" tgtuser "$WRONG"
chap mutualbad ENCRYPTED_CREDENTIALS_DIRECTORY="$ENCDIR"
expect_rc 10 "$RC" "mutualbad: wrong password_in"
expect_grep "Invalid CHAP_R response from the target" "$T/err.mutualbad" "mutualbad: libiscsi rejects the target"
expect_no_grep "logged in" "$T/out.mutualbad" "mutualbad: not logged in"

# --- ciphertext in the plain system credential dir (SMBIOS/fw_cfg) ---------
target smbios "$IQN1" "$SYSDIR"
auth smbios "$SYSDIR" "$KEY" alice "$PW_ALICE"
chap smbios CREDENTIALS_DIRECTORY="$SYSDIR"
expect_rc 0 "$RC" "smbios: ciphertext found in \$CREDENTIALS_DIRECTORY"
expect_grep "secrets from iscsi.auth.smbios (encrypted)" "$T/out.smbios" "smbios: recognized as ciphertext"
expect_grep "vendor=IET" "$T/out.smbios" "smbios: INQUIRY answered"

# --- IPv6 portal: our portal_to_string() "[::1]:PORT" as libiscsi's portal
if [ "$HAVE_IPV6" = 1 ]; then
    target ipv6 "$IQN1" "$ROOT/etc/credstore" "[::1]"
    auth ipv6 "$ROOT/etc/credstore.encrypted" "$KEY" alice "$PW_ALICE"
    chap ipv6
    expect_rc 0 "$RC" "ipv6: login over [::1]"
    expect_grep "connecting to [::1]:$PORT" "$T/out.ipv6" "ipv6: bracketed portal"
    expect_grep "vendor=IET" "$T/out.ipv6" "ipv6: INQUIRY answered"
fi

# --- ciphertext made with another key: never reaches the target ----------
target badkey "$IQN1"
auth badkey "$ROOT/etc/credstore.encrypted" "$OTHER_KEY" alice "$PW_ALICE"
chap badkey
expect_rc 2 "$RC" "badkey: credential could not be loaded"
expect_grep "Decryption failed" "$T/err.badkey" "badkey: systemd-creds' reason is shown"
expect_grep "iscsi.auth.badkey" "$T/err.badkey" "badkey: the message names the credential"
expect_no_grep "connecting to" "$T/out.badkey" "badkey: the target was not contacted"
if [ -f "$KEY" ]; then ok "badkey: host key still there"; else bad "badkey: host key $KEY was removed"; fi

# tgtd saw our failures as CHAP failures, not as something else.
expect_grep "CHAP initiator auth" "$T/tgtd.log" "tgtd logged the rejected CHAP login"

finish
