#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The node record through the real login helper: "iscsi-creds login ALIAS"
# with plaintext credentials in $CREDENTIALS_DIRECTORY, run in a private
# mount namespace with a tmpfs over the node DB (standing for the host's)
# and a private network namespace (so iscsiadm can never reach an iscsid of
# the host: its socket is abstract, per netns). The helper makes its own
# mount namespace inside that (mount-namespace.h): the record is seen through
# an iscsiadm wrapper, then read back with iscsiadm; the login itself must
# fail with "no iscsid" (exit 20 -> our exit 6): this kernel has no SCSI.
#
# Usage (meson): test-node-record.sh [NODE_DB_ROOT]   (ISCSI_CREDS_BUILD_ROOT in the env)

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

# open-iscsi's node DB root as configured (meson option nodedbroot, passed
# as the argument): /etc/iscsi up to 2.1.8 (Debian 12), /var/lib/iscsi from 2.1.9.
if [ "${1:-}" = --inside ]; then DBROOT=$3; else DBROOT=${1:-/etc/iscsi}; fi
NODES=$DBROOT/nodes

# ---------------------------------------------------------------------------
# Inside the namespaces.

fresh_nodes() {
    umount "$NODES" 2>/dev/null
    mkdir -p "$NODES"
    mount -t tmpfs -o mode=0700 tmpfs "$NODES" || fail "tmpfs on $NODES"
}

# login ALIAS CREDDIR [OPTIONS...]: run the helper, stdout/stderr to $T/out.ALIAS, $T/err.ALIAS.
# The helper writes its records into a tmpfs of its own mount namespace
# (mount-namespace.h), which this namespace never sees: the iscsiadm wrapper
# snapshots them into $SNAP (on /run, which stays writable there) when asked
# to log in or discover, and, once the helper has exited, lists what is left
# in its namespace (kept alive by the lister): the helper removes the records
# (they hold the secrets) as soon as iscsiadm has run. The snapshot is then
# put into this namespace's node DB for the checks of the record itself.
login() {
    local alias=$1 dir=$2 left _
    shift 2
    RC=0
    rm -rf "$SNAP/snap" "$SNAP/left" "$SNAP/lister" "$SNAP/probe."*
    timeout 60 env CREDENTIALS_DIRECTORY="$dir" "$HELPER" "$@" login "$alias" \
        >"$T/out.$alias" 2>"$T/err.$alias" || RC=$?
    [ -d "$SNAP/snap" ] || return 0
    for _ in $(seq 200); do [ -e "$SNAP/left" ] && break; sleep 0.05; done
    [ -e "$SNAP/left" ] || bad "$alias: no list of what the helper left in its namespace"
    left=$(cat "$SNAP/left" 2>/dev/null)
    if [ -z "$left" ]; then
        ok "$alias: the helper removed its records once iscsiadm had run"
    else
        bad "$alias: records left after iscsiadm ran: $left"
    fi
    [ "${NO_COPY:-0}" = 1 ] && return 0
    cp -a "$SNAP/snap/nodes/." "$NODES/"
    if [ -d "$SNAP/snap/send_targets" ]; then cp -a "$SNAP/snap/send_targets/." "$DBROOT/send_targets/"; fi
}

# iscsiadm as the helper runs it (ISCSIADM_PATH), behind a wrapper that, when
# asked to log in or discover, snapshots the node DB (what iscsiadm read),
# tries to write a file on the persistent tree ($T) and on /run, and leaves
# a lister behind (see login).
wrap_iscsiadm() {
    local real
    real=$(command -v iscsiadm) || fail "no iscsiadm"
    cp "$real" "$T/iscsiadm.real" || fail "copy iscsiadm"
    cat >"$T/iscsiadm.wrapper" <<EOF
#!/bin/sh
# only when the helper runs it (the cases run iscsiadm themselves too)
[ "\$(cat /proc/\$PPID/comm)" = iscsi-creds ] || exec "$T/iscsiadm.real" "\$@"
case " \$* " in
*" --login "*|*" --discover "*)
    rm -rf "$SNAP/snap" && mkdir -p "$SNAP/snap"
    cp -a "$NODES" "$SNAP/snap/nodes"
    [ -d "$DBROOT/send_targets" ] && cp -a "$DBROOT/send_targets" "$SNAP/snap/send_targets"
    # (in a subshell: a failed redirection of ":" would end sh itself)
    if (: >"$T/probe") 2>/dev/null; then echo writable; else echo read-only; fi >"$SNAP/probe.persistent"
    if (: >"$SNAP/probe") 2>/dev/null; then echo writable; else echo read-only; fi >"$SNAP/probe.run"
    helper=\$PPID
    # one lister per helper run (discovery, then login, would start two)
    if mkdir "$SNAP/lister" 2>/dev/null; then
        (
            while kill -0 "\$helper" 2>/dev/null; do sleep 0.05; done
            find "$NODES" "$DBROOT/send_targets" -type f >"$SNAP/left.new" 2>/dev/null
            mv "$SNAP/left.new" "$SNAP/left"
        ) </dev/null >/dev/null 2>&1 &
    fi
    ;;
esac
exec "$T/iscsiadm.real" "\$@"
EOF
    chmod 0755 "$T/iscsiadm.wrapper"
    mount --bind "$T/iscsiadm.wrapper" "$real" || fail "bind the iscsiadm wrapper over $real"
}

# The tree under nodes/ as "MODE TYPE PATH" lines, parents first (one record: one order).
tree() {
    (cd "$NODES" && find . -mindepth 1 -printf '%m %y %P\n')
}

show() {        # show TARGET PORTAL [-S]
    timeout 30 iscsiadm -m node -T "$1" -p "$2" ${3:+"$3"} -o show
}

# expect_line FILE LINE WHAT: FILE has exactly this line
expect_line() {
    if grep -qxF -- "$2" "$1"; then ok "$3"; else bad "$3: no line \"$2\""; sed 's/^/    | /' "$1" >&2; fi
}

no_secret_in() {        # no_secret_in ALIAS SECRET...
    local a=$1
    shift
    expect_no_secret "$a: no secret on the helper's stdout or stderr" "$T/out.$a" "$T/err.$a" -- "$@"
}

case_ipv4_chap() {
    local iqn=iqn.2003-01.org.example:t1 pw
    pw=$(rand_secret 20)
    mkdir -m 0700 "$T/c1"
    printf 'target = %s\nportal = 127.0.0.1:3260\nlun = 1\n' "$iqn" >"$T/c1/iscsi.target.t1"
    printf 'node.session.auth.username = alice\nnode.session.auth.password = %s\n' "$pw" >"$T/c1/iscsi.auth.t1"

    fresh_nodes
    login t1 "$T/c1"
    expect_rc 6 "$RC" "t1: login without iscsid"
    expect_grep "cannot connect to iscsid" "$T/err.t1" "t1: the helper says iscsid is unreachable"
    expect_grep "iscsiadm exit status 20" "$T/err.t1" "t1: the helper names iscsiadm's status"
    no_secret_in t1 "$pw"

    expect_eq "700 d $iqn
700 d $iqn/127.0.0.1,3260,1
600 f $iqn/127.0.0.1,3260,1/default" "$(tree)" "t1: record at nodes/<iqn>/<addr>,<port>,<tpgt>/<iface>, dirs 0700, file 0600"
    expect_eq "0:0" "$(stat -c %u:%g "$NODES/$iqn/127.0.0.1,3260,1/default")" "t1: record owned by root"

    local list rc=0
    list=$(timeout 30 iscsiadm -m node 2>&1) || rc=$?
    expect_rc 0 "$rc" "t1: iscsiadm -m node"
    expect_eq "127.0.0.1:3260,1 $iqn" "$list" "t1: iscsiadm -m node lists exactly the record"

    show "$iqn" 127.0.0.1:3260,1 >"$T/show.t1" 2>&1 || bad "t1: iscsiadm -o show failed: $(cat "$T/show.t1")"
    expect_line "$T/show.t1" "node.name = $iqn" "t1: node.name"
    expect_line "$T/show.t1" "node.tpgt = 1" "t1: node.tpgt"
    expect_line "$T/show.t1" "node.conn[0].address = 127.0.0.1" "t1: address"
    expect_line "$T/show.t1" "node.conn[0].port = 3260" "t1: port"
    expect_line "$T/show.t1" "iface.iscsi_ifacename = default" "t1: iface"
    expect_line "$T/show.t1" "node.startup = manual" "t1: node.startup manual"
    expect_line "$T/show.t1" "node.conn[0].startup = manual" "t1: node.conn[0].startup manual"
    expect_line "$T/show.t1" "node.session.auth.authmethod = CHAP" "t1: authmethod CHAP"
    expect_line "$T/show.t1" "node.session.auth.username = alice" "t1: username"
    expect_line "$T/show.t1" "node.session.auth.password = ********" "t1: password masked"
    expect_line "$T/show.t1" "node.session.auth.username_in = <empty>" "t1: no username_in"
    expect_no_grep "$pw" "$T/show.t1" "t1: -o show does not print the secret"

    show "$iqn" 127.0.0.1:3260,1 -S >"$T/show-S.t1" 2>&1 || bad "t1: iscsiadm -S -o show failed"
    expect_line "$T/show-S.t1" "node.session.auth.password = $pw" "t1: -S shows the credential's password"

    rc=0
    timeout 60 iscsiadm -m node -T "$iqn" -p 127.0.0.1:3260,1 --login >"$T/iscsiadm-login.t1" 2>&1 || rc=$?
    expect_rc 20 "$rc" "t1: iscsiadm --login without iscsid"

    # A second login (as on a unit restart) replaces the record, verbosely and still without the secret.
    login t1 "$T/c1" -v
    expect_rc 6 "$RC" "t1: second login, verbose"
    no_secret_in t1 "$pw"
    expect_eq 1 "$(find "$NODES" -type f | wc -l)" "t1: still exactly one record file"
    expect_eq "$iqn" "$(timeout 30 iscsiadm -m node 2>&1 | awk '{ print $2 }')" "t1: still listed once"

    # Logout with no session: nothing to do, success.
    RC=0
    timeout 60 env CREDENTIALS_DIRECTORY="$T/c1" "$HELPER" logout t1 >"$T/out.logout" 2>"$T/err.logout" || RC=$?
    expect_rc 0 "$RC" "t1: logout without a session"
    expect_grep "nothing to log out" "$T/err.logout" "t1: logout says there is nothing to do"
}

case_ipv6_mutual() {
    local iqn=iqn.2003-01.org.example:t6 pw pwin
    pw=$(rand_secret 24)
    pwin=$(rand_secret 24)
    mkdir -m 0700 "$T/c6"
    printf 'target = %s\nportal = [::1]:3262\n' "$iqn" >"$T/c6/iscsi.target.t6"
    printf '%s\n' "node.session.auth.username = alice6" "node.session.auth.password = $pw" \
        "node.session.auth.username_in = tgtuser6" "node.session.auth.password_in = $pwin" \
        >"$T/c6/iscsi.auth.t6"

    fresh_nodes
    login t6 "$T/c6"
    expect_rc 6 "$RC" "t6: login without iscsid"
    expect_grep "cannot connect to iscsid" "$T/err.t6" "t6: the helper says iscsid is unreachable"
    no_secret_in t6 "$pw" "$pwin"

    expect_eq "700 d $iqn
700 d $iqn/::1,3262,1
600 f $iqn/::1,3262,1/default" "$(tree)" "t6: IPv6 record dir ::1,3262,1 (no brackets)"

    local list
    list=$(timeout 30 iscsiadm -m node 2>&1)
    expect_eq "[::1]:3262,1 $iqn" "$list" "t6: iscsiadm -m node lists exactly the record"

    show "$iqn" "[::1]:3262,1" >"$T/show.t6" 2>&1 || bad "t6: iscsiadm -o show failed: $(cat "$T/show.t6")"
    expect_line "$T/show.t6" "node.conn[0].address = ::1" "t6: address"
    expect_line "$T/show.t6" "node.conn[0].port = 3262" "t6: port"
    expect_line "$T/show.t6" "node.session.auth.authmethod = CHAP" "t6: authmethod CHAP"
    expect_line "$T/show.t6" "node.session.auth.username = alice6" "t6: username"
    expect_line "$T/show.t6" "node.session.auth.password = ********" "t6: password masked"
    expect_line "$T/show.t6" "node.session.auth.username_in = tgtuser6" "t6: username_in"
    expect_line "$T/show.t6" "node.session.auth.password_in = ********" "t6: password_in masked"
    expect_no_grep "$pw" "$T/show.t6" "t6: -o show does not print the secret"
    expect_no_grep "$pwin" "$T/show.t6" "t6: -o show does not print the incoming secret"

    show "$iqn" "[::1]:3262,1" -S >"$T/show-S.t6" 2>&1 || bad "t6: iscsiadm -S -o show failed"
    expect_line "$T/show-S.t6" "node.session.auth.password = $pw" "t6: -S shows password"
    expect_line "$T/show-S.t6" "node.session.auth.password_in = $pwin" "t6: -S shows password_in"
}

case_no_auth() {
    local iqn=iqn.2003-01.org.example:t0
    mkdir -m 0700 "$T/c0"
    printf 'target = %s\nportal = 127.0.0.1:3261\ntpgt = 7\n' "$iqn" >"$T/c0/iscsi.target.t0"

    fresh_nodes
    login t0 "$T/c0"
    expect_rc 6 "$RC" "t0: login without iscsid"
    expect_grep "no CHAP secrets" "$T/err.t0" "t0: the helper notes that it logs in without CHAP"
    expect_eq "700 d $iqn
700 d $iqn/127.0.0.1,3261,7
600 f $iqn/127.0.0.1,3261,7/default" "$(tree)" "t0: record with TPGT 7"

    show "$iqn" 127.0.0.1:3261,7 >"$T/show.t0" 2>&1 || bad "t0: iscsiadm -o show failed: $(cat "$T/show.t0")"
    expect_line "$T/show.t0" "node.tpgt = 7" "t0: node.tpgt"
    expect_line "$T/show.t0" "node.session.auth.authmethod = None" "t0: authmethod None"
    expect_line "$T/show.t0" "node.session.auth.username = <empty>" "t0: no username"
    expect_line "$T/show.t0" "node.session.auth.password = <empty>" "t0: no password"
}

# Initiator identity and tuning keys (issue 4): the host-wide
# iscsi.initiatorname credential lands in iface.initiatorname, a target's
# own initiator= wins over it, and the tuning keys reach the record in a
# form iscsiadm and libopeniscsiusr accept.
case_initiator_tuning() {
    local iqn=iqn.2003-01.org.example:ti
    mkdir -m 0700 "$T/ci" "$T/cj"
    printf 'target = %s\nportal = 127.0.0.1:3261\nnode.session.timeo.replacement_timeout = 7\nnode.conn[0].timeo.login_timeout = 9\nnode.session.initial_login_retry_max = 2\nnode.session.scan = auto\n' \
        "$iqn" >"$T/ci/iscsi.target.ti"
    printf 'InitiatorName=iqn.2024-01.org.example:vm-42\n' >"$T/ci/iscsi.initiatorname"

    fresh_nodes
    login ti "$T/ci"
    expect_rc 6 "$RC" "ti: login without iscsid"
    expect_grep "logging in as initiator iqn.2024-01.org.example:vm-42" "$T/err.ti" "ti: helper names the initiator"
    show "$iqn" 127.0.0.1:3261,1 >"$T/show.ti" 2>&1 || bad "ti: iscsiadm -o show failed: $(cat "$T/show.ti")"
    expect_line "$T/show.ti" "iface.initiatorname = iqn.2024-01.org.example:vm-42" "ti: initiator from iscsi.initiatorname"
    expect_line "$T/show.ti" "node.session.timeo.replacement_timeout = 7" "ti: replacement_timeout"
    expect_line "$T/show.ti" "node.conn[0].timeo.login_timeout = 9" "ti: login_timeout"
    expect_line "$T/show.ti" "node.session.initial_login_retry_max = 2" "ti: initial_login_retry_max"
    expect_line "$T/show.ti" "node.session.scan = auto" "ti: scan auto"

    # initiator= in the target wins; default scan is manual
    printf 'target = %s\nportal = 127.0.0.1:3261\ninitiator = iqn.2024-01.org.example:own\n' "$iqn" >"$T/cj/iscsi.target.tj"
    cp "$T/ci/iscsi.initiatorname" "$T/cj/"
    fresh_nodes
    login tj "$T/cj"
    show "$iqn" 127.0.0.1:3261,1 >"$T/show.tj" 2>&1 || bad "tj: iscsiadm -o show failed: $(cat "$T/show.tj")"
    expect_line "$T/show.tj" "iface.initiatorname = iqn.2024-01.org.example:own" "tj: the target's own initiator wins"
    expect_line "$T/show.tj" "node.session.scan = manual" "tj: scan manual by default"
}

# Several portals (multipath, issue 4): one record per portal, each read
# back; every portal is tried even when the first fails.
case_portals() {
    local iqn=iqn.2003-01.org.example:tm
    mkdir -m 0700 "$T/cm"
    printf 'target = %s\nportal = 127.0.0.1:3261\nportal = [::1]:3262\nmultipath = yes\nmount = /srv/tm\nwhat = UUID=0b1c2d3e-0000-4000-8000-00000000000a\n' \
        "$iqn" >"$T/cm/iscsi.target.tm"
    printf 'node.session.auth.username = tm-user\nnode.session.auth.password = Tm-Secret-0123456\n' >"$T/cm/iscsi.auth.tm"

    fresh_nodes
    login tm "$T/cm"
    expect_rc 6 "$RC" "tm: no portal can log in without iscsid"
    expect_eq "700 d $iqn
700 d $iqn/127.0.0.1,3261,1
600 f $iqn/127.0.0.1,3261,1/default
700 d $iqn/::1,3262,1
600 f $iqn/::1,3262,1/default" "$(tree | LC_ALL=C sort -k3)" "tm: one record per portal"
    expect_eq 2 "$(grep -c 'node record written to the private node DB and read back' "$T/err.tm")" "tm: both records read back"
    expect_grep "portal 127.0.0.1:3261 of $iqn did not log in" "$T/err.tm" "tm: the first portal is reported"
    expect_grep "portal ::1:3262 of $iqn did not log in" "$T/err.tm" "tm: the second portal is reported"
    expect_eq 1 "$(grep -c 'Could not login to \[iface: default, target: '"$iqn"', portal: ::1,3262\]' "$T/err.tm")" \
        "tm: one iscsiadm run tries every portal of the target"
    expect_eq 1 "$(grep -c 'Could not login to \[iface: default, target: '"$iqn"', portal: 127.0.0.1,3261\]' "$T/err.tm")" \
        "tm: ... including the first"
    expect_grep "cannot connect to iscsid" "$T/err.tm" "tm: the failure is reported once no portal answered"
    no_secret_in tm Tm-Secret-0123456
}

# SendTargets discovery (issue 4): the discovery record with the discovery
# secrets lands in send_targets/ADDR,PORT/st_config (0600) in a form
# iscsiadm reads back; discovery itself needs the iscsi_tcp kernel module,
# which this host lacks (exit 12), so the test stops there.
case_discovery() {
    local pw=Disc-Secret-0123456
    mkdir -m 0700 "$T/cd"
    printf 'discovery = sendtargets\nportal = 127.0.0.1:3270\n' >"$T/cd/iscsi.target.td"
    printf 'discovery.sendtargets.auth.username = disc-user\ndiscovery.sendtargets.auth.password = %s\n' "$pw" \
        >"$T/cd/iscsi.auth.td"

    fresh_nodes
    umount "$DBROOT/send_targets" 2>/dev/null
    mkdir -p "$DBROOT/send_targets"
    mount -t tmpfs -o mode=0700 tmpfs "$DBROOT/send_targets" || fail "tmpfs on send_targets"
    login td "$T/cd"
    expect_rc 6 "$RC" "td: discovery without the kernel transport"
    expect_grep "SendTargets discovery at 127.0.0.1:3270 failed: the iSCSI transport kernel module" "$T/err.td" \
        "td: the failure names the discovery portal and the cause"
    expect_eq "600" "$(stat -c %a "$DBROOT/send_targets/127.0.0.1,3270/st_config" 2>&1)" "td: st_config is 0600"
    timeout 30 iscsiadm -m discoverydb -t st -p 127.0.0.1:3270 -o show >"$T/show.td" 2>&1 ||
        bad "td: iscsiadm -m discoverydb -o show failed: $(cat "$T/show.td")"
    expect_line "$T/show.td" "discovery.sendtargets.auth.authmethod = CHAP" "td: discovery authmethod CHAP"
    expect_line "$T/show.td" "discovery.sendtargets.auth.username = disc-user" "td: discovery username"
    expect_line "$T/show.td" "discovery.sendtargets.auth.password = ********" "td: discovery password masked"
    timeout 30 iscsiadm -m discoverydb -t st -p 127.0.0.1:3270 -o show -S >"$T/show-S.td" 2>&1
    expect_line "$T/show-S.td" "discovery.sendtargets.auth.password = $pw" "td: -S shows the discovery password"
    no_secret_in td "$pw"
    umount "$DBROOT/send_targets"
}

# Secrets with characters that mean something elsewhere ('#', '=', quotes,
# backslash, '%', inner blanks) and at the 255-byte limit of open-iscsi's
# buffers must come back byte for byte; so must chap_algs.
case_awkward_values() {
    local iqn=iqn.2003-01.org.example:tw pw user pwin
    pw="a#b = c \\\"d' %s%n \$HOME;\`x\`|&<>*?[]{}~!"
    pw="$pw$(rand_secret $((255 - ${#pw})))"
    user="u$(rand_secret 254)"
    pwin="In-$(rand_secret 30) # not a comment"
    mkdir -m 0700 "$T/cw"
    printf 'target = %s\nportal = 127.0.0.1\nnode.session.auth.chap_algs = SHA256,MD5\n' "$iqn" >"$T/cw/iscsi.target.tw"
    printf '%s\n' "node.session.auth.username = $user" "node.session.auth.password = $pw" \
        "node.session.auth.username_in = target-w" "node.session.auth.password_in = $pwin" >"$T/cw/iscsi.auth.tw"

    fresh_nodes
    login tw "$T/cw"
    expect_rc 6 "$RC" "tw: login without iscsid"
    no_secret_in tw "$pw" "$pwin"
    expect_eq 255 "${#pw}" "tw: test password is 255 bytes"

    show "$iqn" 127.0.0.1:3260,1 -S >"$T/show-S.tw" 2>&1 || bad "tw: iscsiadm -S -o show failed: $(cat "$T/show-S.tw")"
    expect_line "$T/show-S.tw" "node.session.auth.username = $user" "tw: 255-byte username intact"
    expect_line "$T/show-S.tw" "node.session.auth.password = $pw" "tw: 255-byte password with # = quotes \\ % intact"
    expect_line "$T/show-S.tw" "node.session.auth.password_in = $pwin" "tw: password_in with ' # ' intact"
    expect_line "$T/show-S.tw" "node.session.auth.chap_algs = SHA256,MD5" "tw: chap_algs"
    expect_line "$T/show-S.tw" "node.conn[0].port = 3260" "tw: default port 3260"

    # One byte more is refused before anything is written.
    local long
    long=$(rand_secret 256)
    mkdir -m 0700 "$T/cl"
    printf 'target = iqn.2003-01.org.example:tl\nportal = 127.0.0.1\n' >"$T/cl/iscsi.target.tl"
    printf 'node.session.auth.username = u\nnode.session.auth.password = %s\n' "$long" >"$T/cl/iscsi.auth.tl"
    fresh_nodes
    login tl "$T/cl"
    expect_rc 3 "$RC" "tl: 256-byte password refused"
    expect_grep "iscsi.auth.tl:2" "$T/err.tl" "tl: message names credential and line"
    no_secret_in tl "$long"
    expect_eq "" "$(tree)" "tl: no record written"
}

# The helper's node DB is a tmpfs of its own: the node DB it was started
# with (the host's, here with a record libopeniscsiusr cannot parse, which
# would break every listing) is neither seen nor written to.
case_host_db_unseen() {
    local junk=$NODES/iqn.2003-01.org.example:junk/127.0.0.1,3260,1
    fresh_nodes
    mkdir -m 0700 "$NODES/iqn.2003-01.org.example:junk" "$junk"
    printf 'node.name = iqn.2003-01.org.example:junk\nnode.bogus_key = 1\n' >"$junk/default"
    NO_COPY=1 login t1 "$T/c1"
    expect_rc 6 "$RC" "unseen: login without iscsid"
    expect_grep "read back through libopeniscsiusr" "$T/err.t1" "unseen: the helper's own record read back"
    expect_grep "cannot connect to iscsid" "$T/err.t1" "unseen: iscsiadm ran"
    expect_eq "iqn.2003-01.org.example:t1/127.0.0.1,3260,1/default" \
        "$(cd "$SNAP/snap/nodes" 2>/dev/null && find . -type f -printf '%P\n')" "unseen: iscsiadm saw only the helper's record"
    expect_eq "iqn.2003-01.org.example:junk/127.0.0.1,3260,1/default" "$(cd "$NODES" && find . -type f -printf '%P\n')" \
        "unseen: the node DB it was started with is as it was"
}

# The persistent tree is read-only to what the helper runs, /run is not
# (what the unit's ProtectSystem=strict and ReadWritePaths=/run gave).
case_read_only() {
    fresh_nodes
    NO_COPY=1 login t1 "$T/c1"
    expect_eq "read-only" "$(cat "$SNAP/probe.persistent" 2>&1)" "ro: iscsiadm cannot write to $T (outside /dev, /proc, /sys, /run)"
    expect_eq "writable" "$(cat "$SNAP/probe.run" 2>&1)" "ro: iscsiadm can write to /run"
    [ ! -e "$T/probe" ] && ok "ro: no probe file in $T" || bad "ro: $T/probe was written"
}

# nodes/ on a disk file system: the helper's tmpfs goes over it, nothing is
# written to the disk; no nodes/ at all: the helper makes the (empty) mount
# point and goes on.
case_nodes_on_disk() {
    local disk fstype pw
    pw=$(rand_secret 20)
    disk=$(mktemp -d /var/tmp/iscsi-creds-nodes.XXXXXX) || fail "mktemp /var/tmp"
    at_exit "rm -rf -- '$disk'"
    fstype=$(stat -f -c %T "$disk")
    chmod 0700 "$disk"
    umount "$NODES" 2>/dev/null
    mount --bind "$disk" "$NODES" || fail "bind $disk on $NODES"

    mkdir -m 0700 "$T/cd"
    printf 'target = iqn.2003-01.org.example:td\nportal = 127.0.0.1:3260\n' >"$T/cd/iscsi.target.td"
    printf 'node.session.auth.username = bob\nnode.session.auth.password = %s\n' "$pw" >"$T/cd/iscsi.auth.td"
    NO_COPY=1 login td "$T/cd"
    expect_rc 6 "$RC" "td: login without iscsid, nodes/ on $fstype"
    expect_eq "iqn.2003-01.org.example:td/127.0.0.1,3260,1/default" \
        "$(cd "$SNAP/snap/nodes" 2>/dev/null && find . -type f -printf '%P\n')" "td: the record went to the helper's tmpfs"
    expect_eq "" "$(find "$disk" -mindepth 1)" "td: nothing written to the disk ($fstype)"
    no_secret_in td "$pw"
    umount "$NODES"

    rmdir "$NODES" || fail "rmdir $NODES"
    NO_COPY=1 login td "$T/cd"
    expect_rc 6 "$RC" "td: no $NODES at first: login without iscsid"
    expect_grep "read back through libopeniscsiusr" "$T/err.td" "td: no $NODES at first: the record read back"
    expect_eq "" "$(find "$NODES" -mindepth 1 2>&1)" "td: $NODES made as an empty mount point"
    chmod 0700 "$NODES"
}

# private_copy DIR: a tmpfs over DIR holding a copy of what was there
# (staged on a tmpfs of this namespace; the host's records, which may hold
# secrets, and discovery data are left out, so they are never copied).
private_copy() {
    local stage e
    stage=$(mktemp -d "$T/stage.XXXXXX") || fail "mktemp"
    mount -t tmpfs -o mode=0700 tmpfs "$stage" || fail "tmpfs on $stage"
    if [ -d "$1" ]; then
        for e in "$1"/* "$1"/.[!.]*; do
            [ -e "$e" ] || continue
            case "${e##*/}" in nodes | send_targets | isns | static | slp | fw) continue ;; esac
            cp -a "$e" "$stage/"
        done
    fi
    mkdir -p "$1"
    mount -t tmpfs -o mode=0755 tmpfs "$1" || fail "tmpfs on $1"
    cp -a "$stage/." "$1/"
    umount "$stage"
}

# A portal where nothing listens: the helper's TCP probe says so within
# PORTAL_PROBE_TIMEOUT, no record is written and iscsiadm never runs; exit 5
# (unreachable), and the result is left for the retry service.
case_no_answer() {
    local iqn=iqn.2003-01.org.example:tn t0 t1 port
    port=$(free_tcp_port) || fail "no free TCP port"
    mkdir -m 0700 "$T/cn"
    printf 'target = %s\nportal = 127.0.0.1:%s\nportal = 127.0.0.1:3261\nlun = 1\nmultipath = yes\nmount = /srv/tn\nwhat = UUID=0b1c2d3e-0000-4000-8000-00000000000b\n' "$iqn" "$port" \
        >"$T/cn/iscsi.target.tn"
    printf 'node.session.auth.username = tn\nnode.session.auth.password = Tn-Secret-0123456\n' >"$T/cn/iscsi.auth.tn"
    # first both portals dead: 3261 too
    sed -i "s/^portal = 127.0.0.1:3261$/portal = 127.0.0.1:$((port + 1))/" "$T/cn/iscsi.target.tn"
    fresh_nodes
    t0=$(cut -d' ' -f1 /proc/uptime)
    login tn "$T/cn"
    t1=$(cut -d' ' -f1 /proc/uptime)
    expect_rc 5 "$RC" "tn: no portal answers: exit 5 (unreachable)"
    if awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 10) }'; then
        ok "tn: failed within $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s, no login timeouts"
    else
        bad "tn: took $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
    fi
    expect_grep "portal 127.0.0.1:$port of $iqn does not answer (connection refused" "$T/err.tn" \
        "tn: the portal is named with the reason"
    [ ! -d "$SNAP/snap" ] && ok "tn: iscsiadm was not asked to log in" || bad "tn: iscsiadm ran a login"
    expect_eq "" "$(tree)" "tn: no node record written"
    expect_eq "result=failed
status=5
unit=srv-tn.mount
down=127.0.0.1:$port
down=127.0.0.1:$((port + 1))" "$(grep -Ev '^(step|cpu)\.' /run/iscsi-creds/login/tn)" "tn: the result for the retry service"
    # when each step ended (CLOCK_MONOTONIC µs): up to the probe, in order, none after it
    expect_eq "started loaded probed" "$(sed -n 's/^step\.\([a-z-]*\)=.*/\1/p' /run/iscsi-creds/login/tn | paste -sd' ')" \
        "tn: the steps reached are recorded"
    sed -n 's/^step\.[a-z-]*=//p' /run/iscsi-creds/login/tn | sort -c -n &&
        [ "$(sed -n 's/^step\.started=//p' /run/iscsi-creds/login/tn)" -gt 0 ] &&
        ok "tn: the step times are monotonic" || bad "tn: step times out of order: $(grep '^step' /run/iscsi-creds/login/tn)"
    no_secret_in tn Tn-Secret-0123456
}

inside() {
    at_exit dump_outputs
    # Private copies of /etc/iscsi (initiatorname.iscsi, iscsid.conf) and of
    # the node DB root (ifaces) on tmpfs, without records and without
    # iscsid.startup: iscsiadm must not try to start the host's iscsid
    # (systemctl reaches PID 1 through a file socket, netns or not).
    # Private /run/lock for iscsiadm's lock dir.
    private_copy /etc/iscsi
    if [ "$DBROOT" != /etc/iscsi ]; then private_copy "$DBROOT"; fi
    if [ -f /etc/iscsi/iscsid.conf ]; then sed -i '/^[[:space:]]*iscsid\.startup/d' /etc/iscsi/iscsid.conf; fi
    mount -t tmpfs -o mode=0755 tmpfs /run/lock || fail "tmpfs on /run/lock"
    mkdir -m 0700 /run/lock/iscsi
    # the helper's session records (session-owner.h), private too
    mkdir -p /run/iscsi-creds
    mount -t tmpfs -o mode=0700 tmpfs /run/iscsi-creds || fail "tmpfs on /run/iscsi-creds"
    ip link set lo up 2>/dev/null
    # the portals of the cases answer TCP (the helper probes them first), so
    # iscsiadm runs and fails for want of iscsid, as the cases expect
    tcp_listen 127.0.0.1:3260 127.0.0.1:3261 '[::1]:3262' 127.0.0.1:3270
    # what the iscsiadm wrapper saw in the helper's namespace (login,
    # wrap_iscsiadm): on this namespace's tmpfs under /run, which stays
    # writable in the helper's and leaves nothing on the host's
    SNAP=$(mktemp -d /run/iscsi-creds/test.XXXXXX) || fail "mktemp /run/iscsi-creds"
    wrap_iscsiadm

    case_ipv4_chap
    case_ipv6_mutual
    case_no_auth
    case_initiator_tuning
    case_portals
    case_discovery
    case_awkward_values
    case_host_db_unseen
    case_read_only
    case_nodes_on_disk
    case_no_answer
    finish
}

# ---------------------------------------------------------------------------

if [ "${1:-}" = --inside ]; then
    T=$2
    binaries
    inside
fi

require_root
require_cmd unshare util-linux
require_cmd iscsiadm open-iscsi
require_cmd ss iproute2
binaries
make_tmpdir

rc=0
timeout 300 unshare -m -n --propagation private "$BASH" "$0" --inside "$T" "$DBROOT" || rc=$?
[ "$rc" -eq 124 ] && fail "timed out"
# The host is untouched.
if [ -d "$NODES" ] && [ -n "$(find "$NODES" -mindepth 1 -name '*example:t*' 2>/dev/null)" ]; then
    fail "a test record leaked into the host's $NODES"
fi
exit "$rc"
