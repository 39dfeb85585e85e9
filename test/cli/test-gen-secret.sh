#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# gen-secret: length, alphabet, randomness, bounds.
. "$(dirname "$0")/lib.sh"

run "" -- gen-secret
expect_rc 0 "gen-secret"
[[ "$out" =~ ^[A-Za-z0-9_-]{16}$ ]] && ok "16 characters of [A-Za-z0-9_-]" || fail "default secret has the wrong form: ${#out} chars"
[ -z "$err" ] && ok "nothing on stderr" || fail "gen-secret wrote to stderr: $err"
first=$out
run "" -- gen-secret
[ "$out" != "$first" ] && ok "two runs differ" || fail "two runs gave the same secret"

for n in 12 40 255; do
        run "" -- gen-secret --bytes "$n"
        expect_rc 0 "--bytes $n"
        [ "${#out}" = "$n" ] && ok "--bytes $n gives $n characters" || fail "--bytes $n gave ${#out}"
done

# All 64 symbols turn up over many draws (a biased or truncated alphabet would not).
symbols=$(for i in $(seq 1 20); do "$ISCSI_CREDS" gen-secret --bytes 255; done | fold -w1 | sort -u | wc -l)
[ "$symbols" = 64 ] && ok "all 64 symbols used" || fail "only $symbols distinct symbols"

# A generated secret passes the shared CHAP rules without the short-secret warning.
secret=$("$ISCSI_CREDS" gen-secret)
run "$secret
" -- add g1 --target iqn.2003-01.org.example:g --portal 192.0.2.1 --username u --with-key host
expect_rc 0 "a generated secret is accepted by add"
case "$err" in *"shorter than"*) fail "generated secret triggers the short-secret warning" ;; *) ok "no short-secret warning" ;; esac

for bad in 11 256 0 -1 abc ""; do
        run "" -- gen-secret --bytes "$bad"
        expect_rc 2 "--bytes '$bad' refused"
done
run "" -- gen-secret extra
expect_rc 2 "extra argument refused"
run "" -- gen-secret --help
expect_rc 0 "--help"
expect_in "96 bits" "$out" "--help explains the 96 bits"
finish
