#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# "iscsi-creds initrd-credentials" (the dracut module's list) and "add --root": the one
# target with "root = yes", its secrets and what they are sealed with, checked with the
# real systemd-creds (and a software TPM where there is one). The initrd cannot use
# plaintext secrets or the host key; a null key is accepted with a warning; never a secret
# in the output.
. "$(dirname "$0")/lib.sh"

store=$ISCSI_CREDS_ROOT/etc/credstore
enc=$ISCSI_CREDS_ROOT/etc/credstore.encrypted
pw=Ro0t-Secret-Valu3

run "" -- initrd-credentials
expect_rc 3 "no target at all"
expect_in 'says "root = yes"' "$err" "says no target has root = yes"

# A data target, and the root target with its secrets sealed with the host key.
printf '%s\n' "$pw" | "$ISCSI_CREDS" add data --target iqn.2003-01.org.example:data --portal 192.0.2.7 \
        --mount /srv/data --username u --with-key host 2>/dev/null || fail "setup add data"
run "$pw"$'\n' -- add root --target iqn.2003-01.org.example:root --portal 192.0.2.8 --lun 1 --fstype ext4 \
        --root --username u --with-key host
expect_rc 0 "add --root"
expect_in "root = yes" "$(cat "$store/iscsi.target.root")" "add --root writes root = yes"
run "$pw"$'\n' -- add bad --target iqn.2003-01.org.example:bad --portal 192.0.2.9 --root --mount /srv/bad \
        --username u --with-key host
expect_rc 3 "add --root --mount"
expect_in '"root = yes" and "mount" exclude each other' "$err" "add refuses --root with --mount"
[ -e "$store/iscsi.target.bad" ] && fail "add --root --mount wrote iscsi.target.bad"

run "" -- initrd-credentials
expect_rc 3 "secrets sealed with the host key"
expect_in "is sealed with host: the host key is on the root file system" "$err" "refuses the host key"
[ -z "$out" ] && ok "nothing listed when refused" || fail "listed although refused: $out"
no_secret "$pw" "initrd-credentials, host key"

# Plaintext secrets
rm "$enc/iscsi.auth.root"
printf 'node.session.auth.username = u\nnode.session.auth.password = %s\n' "$pw" >"$store/iscsi.auth.root"
chmod 0600 "$store/iscsi.auth.root"
run "" -- initrd-credentials
expect_rc 3 "plaintext secrets"
expect_in "holds the CHAP secrets in plaintext" "$err" "refuses plaintext secrets"
no_secret "$pw" "initrd-credentials, plaintext"
rm "$store/iscsi.auth.root"

# No key at all (systemd-creds' null key: "null" from 256, "tpm2-absent" before)
for k in null tpm2-absent; do
        printf 'node.session.auth.username = u\nnode.session.auth.password = %s\n' "$pw" |
                systemd-creds encrypt --with-key="$k" --name=iscsi.auth.root - "$enc/iscsi.auth.root" 2>/dev/null && break
done
if [ -s "$enc/iscsi.auth.root" ]; then
        run "" -- initrd-credentials
        expect_rc 0 "null key"
        expect_in "anyone who can read the initrd can decrypt it" "$err" "warns about the null key"
        expect_in "$store/iscsi.target.root"$'\t'"/etc/credstore/iscsi.target.root" "$out" "lists the target"
        expect_in "$enc/iscsi.auth.root"$'\t'"/etc/credstore.encrypted/iscsi.auth.root" "$out" "lists the secrets"
        [ "$(grep -c . <<<"$out")" = 2 ] && ok "two lines, the data target left out" || fail "listed: $out"
        no_secret "$pw" "initrd-credentials, null key"
else
        fail "systemd-creds encrypt with the null key failed"
fi

# The initiator name credential goes along when the target uses it.
printf 'iqn.1993-08.org.debian:01:test\n' >"$store/iscsi.initiatorname"
run "" -- initrd-credentials
expect_in "$store/iscsi.initiatorname"$'\t'"/etc/credstore/iscsi.initiatorname" "$out" "lists iscsi.initiatorname"

# Two root targets
printf 'target = iqn.2003-01.org.example:root2\nportal = 192.0.2.10\nroot = yes\n' >"$store/iscsi.target.root2"
run "" -- initrd-credentials
expect_rc 3 "two root targets"
expect_in 'both say "root = yes"' "$err" "names both root targets"

finish
