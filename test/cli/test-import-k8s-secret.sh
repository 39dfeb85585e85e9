#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# import-k8s-secret: YAML and JSON, data (base64) and stringData, bad inputs.
. "$(dirname "$0")/lib.sh"

enc=$ISCSI_CREDS_ROOT/etc/credstore.encrypted
u=node1 p=Kq4-Pw8sEcr3tX1 ui=tgt1 pi=Mn5_Qr7tYu9wIo2 du=disc1 dp=Dd3-Ee4Ff5Gg6Hh
b() { printf '%s' "$1" | base64 -w0; }
expected="node.session.auth.username = $u
node.session.auth.password = $p
node.session.auth.username_in = $ui
node.session.auth.password_in = $pi
discovery.sendtargets.auth.username = $du
discovery.sendtargets.auth.password = $dp"

# As "kubectl get secret -o yaml" prints it: base64 data, all six keys, metadata.
cat >"$tmp/s.yaml" <<EOT
apiVersion: v1
kind: Secret
metadata:
  name: chap-secret
  namespace: default
type: kubernetes.io/iscsi-chap
data:
  node.session.auth.username: $(b $u)
  node.session.auth.password: $(b $p)
  node.session.auth.username_in: $(b $ui)
  node.session.auth.password_in: $(b $pi)
  discovery.sendtargets.auth.username: $(b $du)
  discovery.sendtargets.auth.password: $(b $dp)
EOT
run "" -- import-k8s-secret "$tmp/s.yaml" k1 --with-key host
expect_rc 0 "YAML with base64 data"
for s in "$p" "$pi" "$dp"; do no_secret "$s" "import YAML"; done
expect_in "node.session.auth.password_in" "$err" "imported key names reported"
same_keys "$expected" "$(decrypt iscsi.auth.k1 "$enc/iscsi.auth.k1")" "YAML: decrypted key by key"

# The same as JSON ("kubectl get secret -o json"): libyaml reads it as flow style.
cat >"$tmp/s.json" <<EOT
{
    "apiVersion": "v1",
    "data": {
        "discovery.sendtargets.auth.password": "$(b $dp)",
        "discovery.sendtargets.auth.username": "$(b $du)",
        "node.session.auth.password": "$(b $p)",
        "node.session.auth.password_in": "$(b $pi)",
        "node.session.auth.username": "$(b $u)",
        "node.session.auth.username_in": "$(b $ui)"
    },
    "kind": "Secret",
    "metadata": {"name": "chap-secret", "namespace": "default"},
    "type": "kubernetes.io/iscsi-chap"
}
EOT
python3 -m json.tool "$tmp/s.json" >/dev/null && ok "fixture is valid JSON" || fail "fixture is not JSON"
run "" -- import-k8s-secret "$tmp/s.json" k2 --with-key host
expect_rc 0 "JSON with base64 data"
same_keys "$expected" "$(decrypt iscsi.auth.k2 "$enc/iscsi.auth.k2")" "JSON: decrypted key by key"
# Compact one-line JSON too.
python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1])), separators=(",", ":")))' "$tmp/s.json" >"$tmp/c.json"
run "" -- import-k8s-secret "$tmp/c.json" k3 --with-key host
expect_rc 0 "compact JSON"
same_keys "$expected" "$(decrypt iscsi.auth.k3 "$enc/iscsi.auth.k3")" "compact JSON: decrypted"

# stringData, and stringData overriding data as the API server merges them; unknown key warned.
cat >"$tmp/sd.yaml" <<EOT
kind: Secret
type: kubernetes.io/iscsi-chap
data:
  node.session.auth.username: $(b nobody)
stringData:
  node.session.auth.username: "$u"
  node.session.auth.password: '$p'
  extra.key: whatever
EOT
run "" -- import-k8s-secret "$tmp/sd.yaml" k4 --with-key host
expect_rc 0 "stringData"
expect_in 'unknown key "extra.key", ignoring' "$err" "unknown key warned"
same_keys "node.session.auth.username = $u
node.session.auth.password = $p" "$(decrypt iscsi.auth.k4 "$enc/iscsi.auth.k4")" "stringData overrides data"

# From stdin, --print.
run "$(cat "$tmp/s.yaml")" -- import-k8s-secret - k5 --with-key host --print
expect_rc 0 "stdin and --print"
no_secret "$p" "--print"
[ ! -e "$enc/iscsi.auth.k5" ] && ok "--print writes nothing" || fail "--print wrote a file"
sed -n 's/^-smbios type=11,value=io.systemd.credential.binary:iscsi.auth.k5=//p' "$tmp/out" >"$tmp/k5.cred"
same_keys "$expected" "$(decrypt iscsi.auth.k5 "$tmp/k5.cred")" "--print ciphertext decrypts"

# Existing file without --force.
run "" -- import-k8s-secret "$tmp/s.yaml" k1 --with-key host
expect_rc 3 "existing credential refused"

bad() { # LABEL FILE_CONTENT [RC]
        printf '%s\n' "$2" >"$tmp/bad.yaml"
        run "" -- import-k8s-secret "$tmp/bad.yaml" bad --with-key host
        expect_rc "${3:-3}" "$1"
        no_secret "$p" "$1"
        [ ! -e "$enc/iscsi.auth.bad" ] && ok "$1: nothing written" || { fail "$1: written"; rm -f "$enc/iscsi.auth.bad"; }
}
bad "wrong type" "kind: Secret
type: Opaque
stringData:
  node.session.auth.username: $u
  node.session.auth.password: $p"
bad "no type" "kind: Secret
stringData:
  node.session.auth.username: $u
  node.session.auth.password: $p"
bad "wrong kind" "kind: ConfigMap
type: kubernetes.io/iscsi-chap
data: {}"
bad "missing password" "type: kubernetes.io/iscsi-chap
stringData:
  node.session.auth.username: $u"
bad "no data at all" "type: kubernetes.io/iscsi-chap"
bad "bad base64" "type: kubernetes.io/iscsi-chap
data:
  node.session.auth.username: $(b $u)
  node.session.auth.password: 'not*base64'"
bad "base64 of a NUL byte" "type: kubernetes.io/iscsi-chap
data:
  node.session.auth.username: $(b $u)
  node.session.auth.password: AA=="
bad "base64 of a newline injection" "type: kubernetes.io/iscsi-chap
data:
  node.session.auth.username: $(printf 'u\nnode.session.auth.password_in = x' | base64 -w0)
  node.session.auth.password: $(b $p)"
bad "same secret both ways" "type: kubernetes.io/iscsi-chap
stringData:
  node.session.auth.username: $u
  node.session.auth.password: $p
  node.session.auth.username_in: $ui
  node.session.auth.password_in: $p"
bad "mutual without one-way password" "type: kubernetes.io/iscsi-chap
stringData:
  node.session.auth.username: $u
  node.session.auth.password: $p
  node.session.auth.username_in: $ui"
bad "not YAML" "{ this: is: not"
bad "a list, not an object" "- a
- b"
bad "data is a list" "type: kubernetes.io/iscsi-chap
data: [1, 2]"
# Blanks around a value: open-iscsi would trim them; refused, not silently stripped.
bad "stringData secret with blanks" "type: kubernetes.io/iscsi-chap
stringData:
  node.session.auth.username: $u
  node.session.auth.password: ' $p '"
expect_in "node.session.auth.password: the value starts or ends with a blank" "$err" "stringData blanks: reason"
bad "base64 secret with a trailing blank" "type: kubernetes.io/iscsi-chap
data:
  node.session.auth.username: $(b $u)
  node.session.auth.password: $(b "$p ")"
expect_in "node.session.auth.password: the value starts or ends with a blank" "$err" "data blanks: reason"
# Echoed fields never carry control characters to the terminal or the journal.
for esc in '\e[31m' '\x07' '\u009b2J'; do
        bad "kind with $esc" "kind: \"Se${esc}cret\"
type: kubernetes.io/iscsi-chap
stringData:
  node.session.auth.username: $u
  node.session.auth.password: $p"
        if LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]\|\xc2[\x80-\x9f]' "$tmp/err"; then
                fail "kind with $esc: a control character reached stderr"
        else
                ok "kind with $esc: stderr is clean"
        fi
        expect_in "kind is \"(not shown" "$err" "kind with $esc: placeholder"
done
bad "type with an escape" "kind: Secret
type: \"kubernetes.io/iscsi-chap\e[2J\"
stringData:
  node.session.auth.username: $u
  node.session.auth.password: $p"
LC_ALL=C grep -q $'\x1b' "$tmp/err" && fail "type: ESC reached stderr" || ok "type: stderr is clean"
# Bounds checked before libyaml's scanner, quadratic in the flow nesting depth, gets far.
python3 -c 'import sys; n=32*1024-1; sys.stdout.write("["*n + "]"*n + "\n")' >"$tmp/deep.yaml"
run "" -- import-k8s-secret "$tmp/deep.yaml" deep --with-key host
expect_rc 3 "64 KiB of nested flow sequences"
expect_in "nested more than 16 levels deep" "$err" "deep nesting: reason"
{ printf 'type: kubernetes.io/iscsi-chap\nkind: Secret\nmetadata: '
  python3 -c 'import sys; n=17; sys.stdout.write("{a: "*n + "1" + "}"*n + "\n")'
  printf 'stringData:\n  node.session.auth.username: %s\n  node.session.auth.password: %s\n' "$u" "$p"; } >"$tmp/deep17.yaml"
run "" -- import-k8s-secret "$tmp/deep17.yaml" deep --with-key host
expect_rc 3 "17 levels under metadata"
expect_in "nested more than 16 levels deep" "$err" "17 levels: reason"
no_secret "$p" "17 levels"
python3 -c 'import sys; sys.stdout.write("#" * (64 * 1024) + "\n")' >"$tmp/big.yaml"
run "" -- import-k8s-secret "$tmp/big.yaml" big --with-key host
expect_rc 3 "a file over 64 KiB"
expect_in "larger than 65536 bytes" "$err" "64 KiB: reason"
# What kubectl prints, managedFields and all (7 levels), is fine.
cat >"$tmp/managed.yaml" <<EOT
apiVersion: v1
kind: Secret
metadata:
  name: chap
  managedFields:
  - apiVersion: v1
    fieldsType: FieldsV1
    fieldsV1:
      f:data:
        .: {}
        f:node.session.auth.password: {}
        f:node.session.auth.username: {}
      f:type: {}
    manager: kubectl-create
    operation: Update
type: kubernetes.io/iscsi-chap
data:
  node.session.auth.username: $(b $u)
  node.session.auth.password: $(b $p)
EOT
run "" -- import-k8s-secret "$tmp/managed.yaml" managed --with-key host
expect_rc 0 "kubectl output with managedFields"

run "" -- import-k8s-secret "$tmp/missing.yaml" bad --with-key host
expect_rc 3 "missing file"
run "" -- import-k8s-secret "$tmp/s.yaml" bad.alias
expect_rc 2 "invalid alias"
run "" -- import-k8s-secret "$tmp/s.yaml"
expect_rc 2 "no alias"
finish
