#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# SendTargets discovery stays inside the login unit's time: with two
# discovery portals whose first never answers (its iscsiadm hangs and even
# ignores SIGTERM), the helper stops that iscsiadm once the portal's share of
# the time is used up (SIGTERM, then SIGKILL), does not try it again after
# its own kill, and the second portal still gets its turn and is discovered.
#
# The real "iscsi-creds login" runs in private mount and network namespaces
# (tmpfs over the node DB, /run/lock, /run/iscsi-creds; the helper makes
# its own namespace inside, with the tree read-only); iscsiadm is a
# stand-in bound over the real one there, since this host's kernel has no
# iSCSI transport: it records each call, hangs for the first portal and, for
# the second, puts the node record discovery would write (made beforehand by
# the real iscsiadm) into the helper's node DB.
#
# Usage (meson): test-discovery-deadline.sh [NODE_DB_ROOT]

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

if [ "${1:-}" = --inside ]; then DBROOT=$3; else DBROOT=${1:-/etc/iscsi}; fi
IQN=iqn.2003-01.org.example:dd
# The login unit's TimeoutStartSec= (units/iscsi-creds-login@.service.in).
UNIT_TIMEOUT=120

stand_in() {
    local real
    real=$(command -v iscsiadm) || fail "no iscsiadm"
    cp "$real" "$T/iscsiadm.real" || fail "copy iscsiadm"
    cat >"$T/iscsiadm.stand-in" <<EOF
#!/bin/bash
echo "\$(cut -d' ' -f1 /proc/uptime) \$*" >>"$CALLS"
case " \$* " in
*" 127.0.0.1:3270 --discover "*)
    trap '' TERM
    exec -a iscsiadm-hang sleep 300 ;;
*" 127.0.0.2:3270 --discover "*)
    # what discovery would write into the helper's node DB (tmpfs): the
    # record the real iscsiadm made for it beforehand (discovered_record)
    mkdir -p "$DBROOT/nodes/$IQN/127.0.0.2,3260,1" &&
        exec cp "$T/discovered" "$DBROOT/nodes/$IQN/127.0.0.2,3260,1/default" ;;
*" --login "*)
    exit 24 ;;
esac
exec "$T/iscsiadm.real" "\$@"
EOF
    chmod 0755 "$T/iscsiadm.stand-in"
    mount --bind "$T/iscsiadm.stand-in" "$real" || fail "bind the stand-in over $real"
}

# discovered_record: the record the real iscsiadm writes for the target the
# second portal "discovers", made here (where the node DB is writable) and
# kept in $T/discovered for the stand-in, which runs where the tree is
# read-only but the helper's tmpfs.
discovered_record() {
    local f=$DBROOT/nodes/$IQN/127.0.0.2,3260,1/default
    iscsiadm -m node -o new -T "$IQN" -p 127.0.0.2:3260,1 >/dev/null || fail "iscsiadm -o new"
    [ -f "$f" ] || fail "no record at $f"
    cp "$f" "$T/discovered" || fail "copy the record"
    iscsiadm -m node -o delete -T "$IQN" -p 127.0.0.2:3260,1 >/dev/null || fail "iscsiadm -o delete"
}

inside() {
    local start end rc=0 d
    at_exit dump_outputs
    # ifaces/, static/: what iscsid makes when it starts (the login unit runs
    # after it); in the helper's namespace the tree is read-only
    for d in "$DBROOT/nodes" "$DBROOT/send_targets" "$DBROOT/ifaces" "$DBROOT/static" \
        /run/lock /run/iscsi-creds /run/udev/rules.d; do
        mkdir -p "$d"
        mount -t tmpfs -o mode=0700 tmpfs "$d" || fail "tmpfs on $d"
    done
    mkdir -m 0700 /run/lock/iscsi
    # the stand-in's log of its calls: on /run, which stays writable in the helper's namespace
    CALLS=/run/iscsi-creds/test-calls
    # the portals answer TCP (the helper probes them before iscsiadm runs)
    ip link set lo up 2>/dev/null
    tcp_listen 127.0.0.1:3270 127.0.0.2:3270 127.0.0.2:3260
    discovered_record
    stand_in

    mkdir -m 0700 "$T/c"
    printf 'discovery = sendtargets\nportal = 127.0.0.1:3270\nportal = 127.0.0.2:3270\ntarget = %s\n' "$IQN" \
        >"$T/c/iscsi.target.dd"
    printf 'discovery.sendtargets.auth.username = disc\ndiscovery.sendtargets.auth.password = %s\n' \
        "$(rand_secret 20)" >"$T/c/iscsi.auth.dd"

    start=$(cut -d' ' -f1 /proc/uptime)
    timeout "$UNIT_TIMEOUT" env CREDENTIALS_DIRECTORY="$T/c" "$HELPER" login dd >"$T/out.dd" 2>"$T/err.dd" || rc=$?
    end=$(cut -d' ' -f1 /proc/uptime)
    [ "$rc" = 124 ] && bad "the login ran past the unit's TimeoutStartSec=${UNIT_TIMEOUT}s"
    say "login ran $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }') s, exit $rc"

    expect_eq 1 "$(grep -c -- '127.0.0.1:3270 --discover' "$CALLS")" \
        "the hanging portal was tried once: no retry after our own kill"
    expect_eq 1 "$(grep -c -- '127.0.0.2:3270 --discover' "$CALLS")" "the second portal got its turn"
    # its share: half of the 50 s discovery budget, less what came before it
    if grep -qE "SendTargets discovery at 127.0.0.1:3270 did not finish within 2[3-5]\.[0-9] s" "$T/err.dd"; then
        ok "the hanging portal was stopped at its share of the time (about 25 s)"
    else
        bad "the hanging portal was not stopped at about 25 s: $(grep -m1 'did not finish' "$T/err.dd")"
    fi
    expect_grep "discovered $IQN at 127.0.0.2:3260,1" "$T/err.dd" "the second portal's target was discovered"
    expect_grep "authentication failed" "$T/err.dd" "the login that follows ran (and failed as the stand-in says)"
    expect_eq "" "$(pgrep -f iscsiadm-hang)" "no iscsiadm of ours survives its kill"
    finish
}

if [ "${1:-}" = --inside ]; then
    T=$2
    binaries
    inside
fi

require_root
require_cmd unshare util-linux
require_cmd iscsiadm open-iscsi
require_cmd pgrep procps
binaries
make_tmpdir

rc=0
timeout 300 unshare -m -n --propagation private "$BASH" "$0" --inside "$T" "$DBROOT" || rc=$?
[ "$rc" -eq 124 ] && fail "timed out"
exit "$rc"
