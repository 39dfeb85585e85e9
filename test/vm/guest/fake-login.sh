#!/bin/bash
# vmtest stand-in for `iscsi-creds login|logout ALIAS`, used only by
# `run.sh --fake` to test the harness itself before/without the real core.
# Reads $CREDENTIALS_DIRECTORY/iscsi.target.ALIAS and iscsi.auth.ALIAS, writes
# a node record into the unit's private /etc/iscsi/nodes and logs in.
set -eu
op=$1 alias=$2
def=$CREDENTIALS_DIRECTORY/iscsi.target.$alias
get() { sed -n "s/^[[:space:]]*$1[[:space:]]*=[[:space:]]*//p" "$def" | tail -n1; }
target=$(get target) portal=$(get portal) tpgt=$(get tpgt)
tpgt=${tpgt:-1}
case $portal in
    \[*) addr=${portal#[}; addr=${addr%%]*}; port=${portal##*]:} ;;
    *) addr=${portal%:*}; port=${portal##*:} ;;
esac
case $op in
login)
    dir=/etc/iscsi/nodes/$target/$addr,$port,$tpgt
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
    } >/etc/iscsi/nodes/.tmp
    mv /etc/iscsi/nodes/.tmp "$dir/default"
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
    iscsiadm -m node -T "$target" -p "$portal" --logout
    ;;
esac
