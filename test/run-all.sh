#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The test command of README.md (and of .ci/run): installs the build and
# test dependencies (Debian 12, as root), builds, runs every suite, then
# rebuilds with AddressSanitizer/UBSan and runs the unit and golden suites
# again, then builds and runs the unit, golden, cli and package suites in a
# build root of each other Debian release (test/release/build.sh). Ends with one line
# "N passed, N failed[, N skipped]" over all of them.
#
# ISCSI_CREDS_SUITES overrides the suites of the main build (space-separated;
# default: unit golden root cli nspawn package vm, plus vm-RELEASE for each release
# below: the VM scenarios on that release's guests).
# ISCSI_CREDS_RELEASES lists the releases whose build roots are tested
# (space-separated; default "trixie"; empty: none).
set -eu

src=$(dirname "$(realpath "$0")")/..
cd "$src"

./test/deps.sh

releases=${ISCSI_CREDS_RELEASES-trixie}
default_suites="unit golden root cli nspawn package vm"
for rel in $releases; do default_suites+=" vm-$rel"; done
suites=${ISCSI_CREDS_SUITES:-$default_suites}
suite_args=()
for s in $suites; do suite_args+=(--suite "$s"); done

status=0
rm -rf build-ci build-ci-asan build-ci-release
meson setup build-ci >/dev/null
ninja -C build-ci
meson test -C build-ci --print-errorlogs "${suite_args[@]}" || status=1

meson setup build-ci-asan -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
ninja -C build-ci-asan
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        meson test -C build-ci-asan --print-errorlogs --suite unit --suite golden --suite cli || status=1

# Other Debian releases: the same sources built against their libraries and
# tools in a cached debootstrap root; their testlog.json files count below.
for rel in $releases; do
        ./test/release/build.sh --release "$rel" --suites "unit golden cli package" \
                --testlog "build-ci-release/$rel-testlog.json" || status=1
done

# One closing line over all runs, from meson's machine-readable logs.
python3 - build-ci/meson-logs/testlog.json build-ci-asan/meson-logs/testlog.json build-ci-release/*-testlog.json <<'PY'
import json, sys
counts = {"OK": 0, "FAIL": 0, "SKIP": 0}
failed = []
for path in sys.argv[1:]:
    try:
        lines = open(path).read().splitlines()
    except OSError:
        continue
    for line in lines:
        t = json.loads(line)
        r = t.get("result", "")
        if r in ("OK", "EXPECTEDFAIL"):
            counts["OK"] += 1
        elif r == "SKIP":
            counts["SKIP"] += 1
        else:
            counts["FAIL"] += 1
            failed.append((path, t))
# CI keeps only the end of this output: repeat what failed here, with the
# last lines each failed test printed, so the record names the failure.
for path, t in failed:
    print(f"FAILED {t.get('name', '?')} ({t.get('result', '?')}, {path})")
    out = ((t.get("stdout") or "") + (t.get("stderr") or "")).splitlines()
    # A VM suite's verdicts come before its long diagnostics: its FAIL lines first.
    for l in [l for l in out if l.startswith("FAIL")][:10]:
        print(f"    {l[:2000]}")
    for l in out[-25:]:
        print(f"    {l}")
print(f"{counts['OK']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
PY
exit $status
