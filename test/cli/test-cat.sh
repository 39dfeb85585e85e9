#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# cat: prints exactly what the generator writes, per alias; never a secret.
. "$(dirname "$0")/lib.sh"

pw=Ct8-Secret-Value1
printf '%s\n' "$pw" | "$ISCSI_CREDS" add m1 --target iqn.2003-01.org.example:m1 --portal 192.0.2.1 --mount /srv/m1 \
        --device-timeout 30s --username u --with-key host 2>/dev/null || fail "setup add m1"
printf '%s\n' "$pw" | "$ISCSI_CREDS" add a2 --target iqn.2003-01.org.example:a2 --portal '[fd00::2]:3270' \
        --username u --with-key host 2>/dev/null || fail "setup add a2"

# The generator itself, into a directory of our own.
mkdir "$tmp/gen"
"$ISCSI_CREDS_GENERATOR" "$tmp/gen" "$tmp/gen" "$tmp/gen" 2>/dev/null || fail "generator failed"

# Render the generator's tree the way cat prints it, for a set of files.
render() {
        (cd "$tmp/gen" && find . \( -type f -o -type l \) | sed 's|^\./||' | LC_ALL=C sort | grep -E "$1") |
        while read -r f; do
                if [ -L "$tmp/gen/$f" ]; then
                        printf '# /run/systemd/generator/%s -> %s\n\n' "$f" "$(readlink "$tmp/gen/$f")"
                else
                        printf '# /run/systemd/generator/%s\n' "$f"; cat "$tmp/gen/$f"; printf '\n'
                fi
        done
}

run "" -- cat
expect_rc 0 "cat (all)"
no_secret "$pw" "cat"
[ "$out" = "$(render .)" ] && ok "cat equals the generator's whole tree" || { fail "cat differs"; diff <(render .) "$tmp/out" >&2; }

run "" -- cat m1
expect_rc 0 "cat m1"
[ "$out" = "$(render 'm1|srv-m1|dev-disk')" ] && ok "cat m1 equals m1's files" || { fail "cat m1 differs"; diff <(render 'm1|srv-m1|dev-disk') "$tmp/out" >&2; }
expect_in "srv-m1.mount" "$out" "mount unit listed"
expect_in "50-device-timeout.conf" "$out" "device timeout drop-in listed"
expect_in "-> ../srv-m1.mount" "$out" "symlinks shown with their target"
case "$out" in *a2*) fail "cat m1 shows a2's files" ;; *) ok "only m1's files" ;; esac

run "" -- cat a2
expect_rc 0 "cat a2"
[ "$out" = "$(render 'a2')" ] && ok "cat a2 equals a2's files" || fail "cat a2 differs"

run "" -- cat nosuch
expect_rc 3 "unknown alias"
run "" -- cat 'bad alias'
expect_rc 3 "invalid alias"

# A broken definition: cat reports the generator's error and exits non-zero.
printf 'target = iqn.bogus\nportal = 192.0.2.1\n' >"$ISCSI_CREDS_ROOT/etc/credstore/iscsi.target.broken"
run "" -- cat
expect_rc 3 "broken definition reported"
expect_in "iscsi.target.broken" "$err" "names the broken credential"
expect_in "srv-m1.mount" "$out" "the good targets are still printed"

ISCSI_CREDS_GENERATOR=/nonexistent/generator run "" -- cat m1
[ "$rc" != 0 ] && ok "missing generator fails (exit $rc)" || fail "missing generator not reported"
finish
