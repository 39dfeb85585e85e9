#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Shared by the cli suite's scripts: a private root and host key, helpers
# that run iscsi-creds with captured output, and assertions that fail the test.
set -u

: "${ISCSI_CREDS:?run through meson test}"
if ! command -v systemd-creds >/dev/null; then
        echo "SKIP: systemd-creds is not installed" >&2
        exit 77
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ISCSI_CREDS_ROOT="$tmp/root"
export SYSTEMD_CREDENTIAL_SECRET="$tmp/host-key"
# The host's system credentials must not leak into the search path.
export CREDENTIALS_DIRECTORY="$tmp/no-creds" ENCRYPTED_CREDENTIALS_DIRECTORY="$tmp/no-creds"
mkdir -p "$ISCSI_CREDS_ROOT"
systemd-creds setup >/dev/null 2>&1 || { echo "FAIL: systemd-creds setup" >&2; exit 1; }

failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
ok() { echo "ok: $*"; }

# run [STDIN_TEXT] -- ARGS...: runs iscsi-creds; sets $rc, $out, $err.
run() {
        local input=$1; shift
        [ "$1" = -- ] && shift
        printf '%s' "$input" >"$tmp/stdin"
        "$ISCSI_CREDS" "$@" <"$tmp/stdin" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        out=$(cat "$tmp/out")
        err=$(cat "$tmp/err")
}

expect_rc() { # WANT LABEL
        if [ "$rc" = "$1" ]; then ok "$2 (exit $rc)"; else fail "$2: exit $rc, expected $1; stderr: $err"; fi
}

expect_in() { # NEEDLE HAYSTACK LABEL
        case "$2" in *"$1"*) ok "$3" ;; *) fail "$3: \"$1\" not found in: $2" ;; esac
}

# no_secret SECRET LABEL: the secret appears in neither stdout nor stderr of the last run.
no_secret() {
        if grep -qF -- "$1" "$tmp/out" "$tmp/err"; then fail "$2: the secret appears in the output"; else ok "$2: no secret in the output"; fi
}

# decrypt NAME FILE: plaintext on stdout.
decrypt() {
        systemd-creds decrypt --name="$1" "$2" - 2>/dev/null
}

# same_keys EXPECTED_TEXT ACTUAL_TEXT LABEL: compare key = value lines as sets.
same_keys() {
        if diff <(printf '%s\n' "$1" | sed 's/ *= */=/' | grep . | sort) \
                <(printf '%s\n' "$2" | sed 's/ *= */=/' | grep . | sort) >/dev/null; then
                ok "$3"
        else
                fail "$3: decrypted keys differ"
        fi
}

finish() {
        if [ "$failures" -gt 0 ]; then echo "$failures failure(s)" >&2; exit 1; fi
        exit 0
}
