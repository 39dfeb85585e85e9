#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# import-iscsid-conf: the global CHAP settings, key = value with optional blanks.
. "$(dirname "$0")/lib.sh"

enc=$ISCSI_CREDS_ROOT/etc/credstore.encrypted
p=Gl0b4l-Secr3t-99 pi=Ta4g3t_Secr3t_77 dp=D1sc0v3ry-S3cr3t

cat >"$tmp/iscsid.conf" <<EOT
# iscsid.conf as the CoreOS guide writes it
iscsid.startup = /bin/systemctl start iscsid.socket
node.startup = automatic
node.session.auth.authmethod = CHAP
node.session.auth.chap_algs = SHA3-256,SHA256
#node.session.auth.username = commented
# node.session.auth.password = commented
node.session.auth.username=initiator1
node.session.auth.password   =   $p
	node.session.auth.username_in = target1
node.session.auth.password_in = $pi
discovery.sendtargets.auth.authmethod = CHAP
discovery.sendtargets.auth.username = disc
discovery.sendtargets.auth.password = $dp
node.session.timeo.replacement_timeout = 120
EOT
run "" -- import-iscsid-conf "$tmp/iscsid.conf" --with-key host
expect_rc 0 "import into iscsi.auth"
for s in "$p" "$pi" "$dp"; do no_secret "$s" "import-iscsid-conf"; done
expect_in "node.session.auth.password_in" "$err" "imported key names reported"
same_keys "node.session.auth.username = initiator1
node.session.auth.password = $p
node.session.auth.username_in = target1
node.session.auth.password_in = $pi
discovery.sendtargets.auth.username = disc
discovery.sendtargets.auth.password = $dp" "$(decrypt iscsi.auth "$enc/iscsi.auth")" "decrypted key by key (authmethod, chap_algs, comments ignored)"

run "" -- import-iscsid-conf "$tmp/iscsid.conf" --name shared --with-key host
expect_rc 0 "--name"
[ -e "$enc/iscsi.auth.shared" ] && ok "iscsi.auth.shared written" || fail "iscsi.auth.shared missing"
decrypt iscsi.auth.shared "$enc/iscsi.auth.shared" | grep -q "username = initiator1" && ok "iscsi.auth.shared decrypts" || fail "iscsi.auth.shared"

run "" -- import-iscsid-conf "$tmp/iscsid.conf" --with-key host
expect_rc 3 "existing iscsi.auth refused"
run "" -- import-iscsid-conf "$tmp/iscsid.conf" --with-key host --force
expect_rc 0 "--force"

run "" -- import-iscsid-conf "$tmp/iscsid.conf" --name vm --with-key host --print
expect_rc 0 "--print"
no_secret "$p" "--print"
sed -n 's/^-smbios type=11,value=io.systemd.credential.binary:iscsi.auth.vm=//p' "$tmp/out" >"$tmp/vm.cred"
decrypt iscsi.auth.vm "$tmp/vm.cred" | grep -q "username = initiator1" && ok "--print ciphertext decrypts" || fail "--print ciphertext"

# A later line wins, as in iscsid, with a warning.
printf 'node.session.auth.username = a\nnode.session.auth.password = %s\nnode.session.auth.username = b\n' "$p" >"$tmp/twice.conf"
run "" -- import-iscsid-conf "$tmp/twice.conf" --name twice --with-key host
expect_rc 0 "repeated key"
expect_in "set again" "$err" "repeated key warned"
decrypt iscsi.auth.twice "$enc/iscsi.auth.twice" | grep -q "username = b" && ok "later value wins" || fail "later value"

bad() { # LABEL CONTENT
        printf '%s\n' "$2" >"$tmp/bad.conf"
        run "" -- import-iscsid-conf "$tmp/bad.conf" --name bad --with-key host
        expect_rc 3 "$1"
        no_secret "$p" "$1"
        [ ! -e "$enc/iscsi.auth.bad" ] && ok "$1: nothing written" || { fail "$1: written"; rm -f "$enc/iscsi.auth.bad"; }
}
bad "no CHAP settings" "node.startup = automatic
#node.session.auth.password = x"
bad "password without username" "node.session.auth.password = $p"
bad "same secret both ways" "node.session.auth.username = u
node.session.auth.password = $p
node.session.auth.username_in = t
node.session.auth.password_in = $p"
bad "control character in a value" "node.session.auth.username = u
node.session.auth.password = $(printf 'ab\001cdefghijklmn')"
run "" -- import-iscsid-conf "$tmp/nonexistent.conf" --with-key host
expect_rc 3 "missing file"
run "" -- import-iscsid-conf "$tmp/iscsid.conf" --name 'a:b'
expect_rc 2 "invalid --name"
run "" -- import-iscsid-conf
expect_rc 2 "no file"
finish
