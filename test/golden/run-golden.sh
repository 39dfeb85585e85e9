#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Golden test for iscsi-creds-generator: run the real binary on the
# credentials in CASE/ (as $CREDENTIALS_DIRECTORY, with an empty root so the
# host's credential stores are not read), then compare
#   - the output tree with CASE.expected/ (symlink targets compared as text,
#     the unit directory compiled in, $ISCSI_CREDS_UNITDIR, as @UNITDIR@:
#     /lib/systemd/system on Debian 12, /usr/lib/systemd/system from 13 on),
#   - stderr with CASE.stderr, the exit status with CASE.status,
# with the case directory's path replaced by @CREDDIR@. CASE.env, if there,
# adds VAR=value lines to the generator's environment (SYSTEMD_IN_INITRD=1,
# SYSTEMD_PROC_CMDLINE=..., as PID 1 and systemd's generators use them). Finally
# "systemd-analyze verify" must accept every generated unit together with
# the project's own units.
#
# Usage: run-golden.sh GENERATOR CASE_DIR VERIFY_UNIT_DIR...
# GOLDEN_UPDATE=1 rewrites the expectations instead of comparing.
set -eu

generator=$1 case_dir=$(realpath "$2"); shift 2
verify_dirs=("$@")
name=$(basename "$case_dir")
golden=$(dirname "$case_dir")

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/out" "$tmp/root"

extra_env=()
if [ -f "$golden/$name.env" ]; then
        mapfile -t extra_env < <(grep -v '^#' "$golden/$name.env")
fi
status=0
env -i PATH=/usr/bin:/bin CREDENTIALS_DIRECTORY="$case_dir" ISCSI_CREDS_ROOT="$tmp/root" "${extra_env[@]}" \
        "$generator" "$tmp/out" "$tmp/out" "$tmp/out" 2>"$tmp/stderr.raw" || status=$?

# Verify the real output; compare a copy with this checkout's paths normalized.
cp -a "$tmp/out" "$tmp/raw"
sed -i "s|$case_dir|@CREDDIR@|g" "$tmp/stderr.raw"
mv "$tmp/stderr.raw" "$tmp/stderr"
find "$tmp/out" -type f -exec sed -i "s|$case_dir|@CREDDIR@|g" {} +
unitdir=${ISCSI_CREDS_UNITDIR:?set by meson: the unitdir the generator was built with}
while IFS= read -r -d '' link; do
        target=$(readlink "$link")
        case $target in "$unitdir"/*) ln -sfn "@UNITDIR@${target#"$unitdir"}" "$link" ;; esac
done < <(find "$tmp/out" -type l -print0)

if [ "${GOLDEN_UPDATE:-0}" = 1 ]; then
        rm -rf "$golden/$name.expected"
        cp -a "$tmp/out" "$golden/$name.expected"
        touch "$golden/$name.expected/.keep"
        cp "$tmp/stderr" "$golden/$name.stderr"
        echo "$status" >"$golden/$name.status"
        echo "updated $name"
        exit 0
fi

fail=0
touch "$tmp/out/.keep"
if ! diff -ru --no-dereference "$golden/$name.expected" "$tmp/out"; then
        echo "FAIL: $name: generated tree differs from $name.expected" >&2
        fail=1
fi
if ! diff -u "$golden/$name.stderr" "$tmp/stderr"; then
        echo "FAIL: $name: messages differ from $name.stderr" >&2
        fail=1
fi
expected_status=$(cat "$golden/$name.status")
if [ "$status" != "$expected_status" ]; then
        echo "FAIL: $name: exit status $status, expected $expected_status" >&2
        fail=1
fi

# systemd-analyze verify: every generated unit (drop-ins are applied when
# their unit loads), with the generated dir and the project's units on the
# unit path.
mapfile -t units < <(cd "$tmp/raw" && find . -maxdepth 1 -type f \( -name '*.mount' -o -name '*.automount' -o -name '*.service' \) -printf '%f\n' | sort)
mapfile -t instances < <(cd "$tmp/raw" && find . -maxdepth 1 -type d -name 'iscsi-creds-*@*.service.d' -printf '%f\n' | sed 's/\.d$//' | sort)
if [ $((${#units[@]} + ${#instances[@]})) -gt 0 ]; then
        unit_path="$tmp/raw"
        for d in "${verify_dirs[@]}"; do unit_path="$unit_path:$d"; done
        # Trailing ':' appends systemd's default unit path (remote-fs.target etc.).
        # With CASE.env's SYSTEMD_IN_INITRD=1 PID 1's rules for the initrd apply (in_initrd()
        # honours the variable): /sysroot mounts go before initrd-root-fs.target, not local-fs.target.
        if ! (cd "$tmp/raw" && env "${extra_env[@]}" SYSTEMD_UNIT_PATH="$unit_path:" systemd-analyze verify --man=no \
                        --recursive-errors=one "${units[@]}" "${instances[@]}" iscsi-creds.target) >"$tmp/verify" 2>&1; then
                cat "$tmp/verify" >&2
                echo "FAIL: $name: systemd-analyze verify rejected the generated units" >&2
                fail=1
        elif [ -s "$tmp/verify" ]; then
                # Anything it says about our units is a finding.
                if grep -E "iscsi-creds|$tmp" "$tmp/verify" >&2; then
                        echo "FAIL: $name: systemd-analyze verify warned about the generated units" >&2
                        fail=1
                fi
        fi
fi

[ $fail = 0 ] && echo "ok: $name"
exit $fail
