# shellcheck shell=bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Helpers for the "root" test suite. Sourced, not executed.
#
# Conventions: skip() exits 77 (meson's "skipped") with the reason; fail()
# exits 1. Every test keeps its files in $T (a temp dir removed by the EXIT
# trap) and registers more cleanup with at_exit.

set -u

TEST_NAME=$(basename "$0" .sh)
FAILURES=0
_cleanups=()

say() { printf '[%s] %s\n' "$TEST_NAME" "$*" >&2; }
skip() { say "SKIP: $*"; exit 77; }
fail() { say "FAIL: $*"; exit 1; }

# A failed check is reported and counted; the test goes on, exits 1 at the end.
bad() { say "FAIL: $*"; FAILURES=$((FAILURES + 1)); }
ok() { say "ok: $*"; }

at_exit() { _cleanups+=("$1"); }
_run_cleanups() {
    local rc=$? i
    trap - EXIT INT TERM
    for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do
        eval "${_cleanups[$i]}" || true
    done
    exit "$rc"
}
trap _run_cleanups EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

finish() {
    if [ "$FAILURES" -ne 0 ]; then
        say "$FAILURES check(s) failed"
        exit 1
    fi
    say "all checks passed"
    exit 0
}

require_root() {
    [ "$(id -u)" = 0 ] || skip "needs root (private mount namespaces, tgtd, /var/run/tgtd)"
}

# require_cmd CMD PACKAGE
require_cmd() {
    command -v "$1" >/dev/null 2>&1 || skip "$1 not found (package $2; run test/root/deps.sh)"
}

# The binaries under test, from the environment meson sets (test_env).
binaries() {
    BUILD=${ISCSI_CREDS_BUILD_ROOT:?ISCSI_CREDS_BUILD_ROOT not set: run through meson test}
    HELPER=$BUILD/iscsi-creds
    GENERATOR=$BUILD/iscsi-creds-generator
    [ -x "$HELPER" ] || fail "$HELPER not built"
    [ -x "$GENERATOR" ] || fail "$GENERATOR not built"
}

make_tmpdir() {
    T=$(mktemp -d "${TMPDIR:-/tmp}/iscsi-creds-$TEST_NAME.XXXXXX") || fail "mktemp"
    chmod 0700 "$T"
    # shellcheck disable=SC2016  # expanded when the cleanup runs
    at_exit 'rm -rf -- "$T"'
}

# On failure, show what the programs under test printed (files $T/*.out,
# $T/*.err, $T/out.*, $T/err.*; test secrets are throwaway).
dump_outputs() {
    local f
    [ "$FAILURES" -eq 0 ] && return 0
    for f in "$T"/out.* "$T"/err.* "$T"/*.out "$T"/*.err; do
        [ -f "$f" ] || continue
        echo "--- $(basename "$f")" >&2
        sed 's/^/    | /' "$f" >&2
    done
}

# expect_rc WANT GOT WHAT
expect_rc() {
    if [ "$2" -eq "$1" ]; then ok "$3: exit status $2"; else bad "$3: exit status $2, expected $1"; fi
}

# expect_grep PATTERN FILE WHAT (fixed string)
expect_grep() {
    if grep -qF -- "$1" "$2"; then ok "$3"; else bad "$3: \"$1\" not in $(basename "$2"):"; sed 's/^/    | /' "$2" >&2; fi
}

# expect_no_grep STRING FILE WHAT (fixed string)
expect_no_grep() {
    if grep -qF -- "$1" "$2"; then bad "$3: found \"$1\" in $(basename "$2")"; else ok "$3"; fi
}

# expect_no_secret WHAT FILE... -- SECRET...: none of the secrets in any of the files
expect_no_secret() {
    local what=$1 files=() f s found=
    shift
    while [ $# -gt 0 ] && [ "$1" != -- ]; do files+=("$1"); shift; done
    shift
    for s in "$@"; do
        for f in "${files[@]}"; do
            if grep -qF -- "$s" "$f"; then found="$found $(basename "$f")"; fi
        done
    done
    if [ -n "$found" ]; then bad "$what: a secret appears in$found"; else ok "$what"; fi
}

# expect_eq WANT GOT WHAT
expect_eq() {
    if [ "$1" = "$2" ]; then ok "$3"; else bad "$3: got \"$2\", expected \"$1\""; fi
}

# A TCP port nobody listens on (IPv4 and IPv6), from a range far from the
# well-known ones. Good enough for tests run one at a time (is_parallel: false).
free_tcp_port() {
    local p i
    for ((i = 0; i < 200; i++)); do
        p=$((20000 + RANDOM % 20000))
        if [ -z "$(ss -Htan "( sport = :$p )" 2>/dev/null)" ]; then
            echo "$p"
            return 0
        fi
    done
    return 1
}

# tcp_listen ADDR:PORT...: something accepts TCP connections at each portal
# ("[::1]:3262" for IPv6) until the test ends: a stand-in for a target that
# answers, as the helper checks with a TCP connect before it runs iscsiadm
# (portal-probe.h). Returns once every socket listens.
tcp_listen() {
    local ready=$T/listen.$$.$RANDOM pid i
    python3 - "$ready" "$@" <<'PY' &
import socket, sys, time
socks = []
for a in sys.argv[2:]:
    host, port = a.rsplit(":", 1)
    host = host.strip("[]")
    s = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, int(port)))
    s.listen(64)
    socks.append(s)
open(sys.argv[1], "w").close()
time.sleep(3600)
PY
    pid=$!
    at_exit "kill $pid 2>/dev/null"
    for ((i = 0; i < 300; i++)); do
        [ -e "$ready" ] && return 0
        kill -0 "$pid" 2>/dev/null || fail "tcp_listen $*: the listener exited"
        sleep 0.1
    done
    fail "tcp_listen $*: not listening after 30 s"
}

# --- tgtd ------------------------------------------------------------------
# One tgtd per test with its own control port (-C N: socket
# /var/run/tgtd/socket.N), so a tgtd of the host or of another test is never
# touched. tgtd ignores SIGTERM: it is stopped through tgtadm, and killed by
# its pid only if that does not work.

TGTD_PID=
TGTD_CTL=
TGTD_TIDS=

tgtadm_() { timeout 10 tgtadm -C "$TGTD_CTL" --lld iscsi "$@"; }

# tgtd_start PORTAL... ; PORTAL like 127.0.0.1:3260 or [::1]:3260
tgtd_start() {
    local i args=()
    for ((i = 0; i < 50; i++)); do
        TGTD_CTL=$((100 + RANDOM % 900))
        [ -e "/var/run/tgtd/socket.$TGTD_CTL" ] || break
    done
    for p in "$@"; do args+=(--iscsi "portal=$p"); done
    tgtd -f -C "$TGTD_CTL" "${args[@]}" >"$T/tgtd.log" 2>&1 &
    TGTD_PID=$!
    at_exit tgtd_stop
    for ((i = 0; i < 50; i++)); do
        if tgtadm_ --op show --mode sys >/dev/null 2>&1; then
            say "tgtd pid $TGTD_PID, control port $TGTD_CTL, portals $*"
            return 0
        fi
        kill -0 "$TGTD_PID" 2>/dev/null || break
        sleep 0.1
    done
    sed 's/^/    | /' "$T/tgtd.log" >&2
    fail "tgtd did not come up"
}

tgtd_stop() {
    local i tid
    [ -n "$TGTD_PID" ] || return 0
    if kill -0 "$TGTD_PID" 2>/dev/null; then
        for tid in $TGTD_TIDS; do
            tgtadm_ --op delete --mode target --tid "$tid" --force >/dev/null 2>&1
        done
        tgtadm_ --op delete --mode system >/dev/null 2>&1
        for ((i = 0; i < 50; i++)); do
            kill -0 "$TGTD_PID" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$TGTD_PID" 2>/dev/null; then
            say "tgtd $TGTD_PID did not stop, killing it"
            kill -KILL "$TGTD_PID" 2>/dev/null
        fi
    fi
    wait "$TGTD_PID" 2>/dev/null
    rm -f "/var/run/tgtd/socket.$TGTD_CTL" "/var/run/tgtd/socket.$TGTD_CTL.lock"
    TGTD_PID=
}

# tgtd_target TID IQN IMAGE
tgtd_target() {
    truncate -s 16M "$3" || fail "truncate $3"
    tgtadm_ --op new --mode target --tid "$1" -T "$2" || fail "tgtadm: new target $2"
    TGTD_TIDS="$TGTD_TIDS $1"
    tgtadm_ --op new --mode logicalunit --tid "$1" --lun 1 -b "$3" || fail "tgtadm: new LUN 1"
    tgtadm_ --op bind --mode target --tid "$1" -I ALL || fail "tgtadm: bind target"
}

# tgtd_account TID USER PASSWORD [--outgoing]
tgtd_account() {
    tgtadm_ --op new --mode account --user "$2" --password "$3" || fail "tgtadm: new account $2"
    tgtadm_ --op bind --mode account --tid "$1" --user "$2" ${4:+"$4"} || fail "tgtadm: bind account $2"
}

# rand_secret LEN: a random alphanumeric string (a throwaway CHAP secret)
rand_secret() {
    local s=
    while [ "${#s}" -lt "$1" ]; do
        s="$s$(head -c 256 /dev/urandom | tr -dc 'A-Za-z0-9')"
    done
    printf '%s' "${s:0:$1}"
}
