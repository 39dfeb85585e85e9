#!/bin/bash
# vmtest stand-in for `iscsi-creds login|logout ALIAS`, used only by
# `run.sh --fake` to test the harness itself before/without the real core.
# Reads $CREDENTIALS_DIRECTORY/iscsi.target.ALIAS and iscsi.auth.ALIAS, writes
# a node record into the unit's private node DB ($VMTEST_NODEDB/nodes: /etc/iscsi
# up to open-iscsi 2.1.8, /var/lib/iscsi from 2.1.9) and logs in.
set -eu
op=$1 alias=$2
def=${CREDENTIALS_DIRECTORY:-/nonexistent}/iscsi.target.$alias
# systemd 252 masks /run/credentials for ExecStop= (and ExecStartPost=) of a
# unit with a mount namespace: logout uses the copy saved at login.
state=/run/vmtest-fake/iscsi.target.$alias
if [ "$op" = logout ]; then def=$state; fi
get() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$def" | tail -n1; }
target=$(get target) portal=$(get portal) tpgt=$(get tpgt)
tpgt=${tpgt:-1}
case $portal in
    \[*) addr=${portal#[}; addr=${addr%%]*}; port=${portal##*]:} ;;
    *) addr=${portal%:*}; port=${portal##*:} ;;
esac
case $op in
login)
    mkdir -p /run/vmtest-fake
    cp "$def" "$state"
    nodes=${VMTEST_NODEDB:-/etc/iscsi}/nodes
    dir=$nodes/$target/$addr,$port,$tpgt
    (umask 077; mkdir -p "$dir")
    {
        echo "node.name = $target"
        echo "node.tpgt = $tpgt"
        echo "node.startup = manual"
        echo "node.leading_login = No"
        echo "iface.iscsi_ifacename = default"
        echo "iface.transport_name = tcp"
        echo "node.session.auth.authmethod = CHAP"
        grep '^node\.session\.auth\.' "$CREDENTIALS_DIRECTORY/iscsi.auth.$alias"
        echo "node.session.timeo.replacement_timeout = 15"
        echo "node.conn[0].address = $addr"
        echo "node.conn[0].port = $port"
        echo "node.conn[0].startup = manual"
        echo "node.conn[0].timeo.login_timeout = 10"
    } >"$nodes/.tmp"
    mv "$nodes/.tmp" "$dir/default"
    rc=0
    iscsiadm -m node -T "$target" -p "$portal,$tpgt" --login || rc=$?
    case $rc in
        0) udevadm settle -t 10 || true ;;
        24) echo "fake-login: $alias: authentication failed" >&2 ;;
        *) echo "fake-login: $alias: login failed, iscsiadm rc $rc" >&2 ;;
    esac
    exit "$rc"
    ;;
logout)
    # by session id: without a node record, "-m node -T -p --logout" logs
    # out every session (seen with open-iscsi 2.1.8)
    sid=$(iscsiadm -m session 2>/dev/null | awk -v t="$target" '$4 == t { gsub(/[][]/, "", $2); print $2 }')
    [ -n "$sid" ] || { echo "fake-login: $alias: not logged in"; exit 0; }
    iscsiadm -m session -r "$sid" -u
    ;;
esac
