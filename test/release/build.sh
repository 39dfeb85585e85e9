#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Build and test iscsi-creds for another Debian release on this machine, in a
# chroot made with debootstrap:
#
#   build.sh --release NAME [--suites "unit golden cli"] [--stage DIR]
#            [--deb DIR] [--testlog FILE] [--keep]
#
# --release   Debian codename: bookworm, trixie, sid (whatever the mirror has)
# --suites    meson test suites to run in the root ("" builds only); default
#             "unit golden cli" (root, nspawn and vm need more than a chroot)
# --stage     also "DESTDIR=DIR meson install" (prefix /usr): DIR on this
#             machine then holds the tree built against NAME's libraries.
#             DIR must be missing or empty (nothing of the caller's is
#             overwritten or removed).
# --deb       also build the Debian package (dpkg-buildpackage -us -uc -b of
#             debian/) in the root and copy the .deb files to DIR (made if
#             missing)
# --testlog   copy meson's testlog.json out of the root to FILE (run-all.sh
#             sums it); a run that fails before its tests leaves one failed
#             entry there, so it is counted
# --keep      leave the source copy and build tree in the root afterwards
#
# The build root is debootstrap --variant=minbase plus test/packages-build.txt
# (for NAME, through test/packages.sh), cached in
# ${ISCSI_CREDS_BUILD_WORK:-/var/tmp/iscsi-creds-build}/<release>-<hash>/root,
# keyed by a hash of the release, its package list and this script. Downloaded
# .debs are kept in debs/<release> there, so a new key need not fetch again.
# The working tree is copied in as it is (uncommitted changes included).
# Ends with one line "N passed, N failed, N skipped". Needs root.
set -eu

here=$(dirname "$(realpath "$0")")
# shellcheck source=../vm/lib.sh
. "$here/../vm/lib.sh"   # debian_mirror: the mirror apt uses, never a hard-coded host
src=$(realpath "$here/../..")

log() { printf '[release %s %s] %s\n' "${release:-?}" "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

orig_args=("$@")
release="" suites="unit golden cli" stage="" debdir="" testlog="" keep=0
while [ $# -gt 0 ]; do
        case $1 in
        --release|--suites|--stage|--deb|--testlog)
                [ $# -ge 2 ] || die "$1 needs a value"
                case $1 in
                --release) release=$2 ;;
                --suites) suites=$2 ;;
                --stage) stage=$2 ;;
                --deb) debdir=$2 ;;
                --testlog) testlog=$2 ;;
                esac
                shift 2 ;;
        --release=*) release=${1#*=}; shift ;;
        --suites=*) suites=${1#*=}; shift ;;
        --stage=*) stage=${1#*=}; shift ;;
        --testlog=*) testlog=${1#*=}; shift ;;
        --keep) keep=1; shift ;;
        -h|--help) awk 'NR >= 4 && !/^#/ { exit } NR >= 4 { sub(/^# ?/, ""); print }' "$0"; exit 0 ;;
        *) die "unknown argument: $1 (see --help)" ;;
        esac
done
[ -n "$release" ] || die "--release NAME is required (bookworm, trixie, sid)"
case $release in *[!a-z0-9-]*) die "bad release name: $release" ;; esac
[ "$(id -u)" = 0 ] || die "build.sh must run as root (debootstrap, chroot, mounts)"
command -v debootstrap >/dev/null || die "debootstrap missing (run test/deps.sh)"
command -v unshare >/dev/null || die "unshare missing (util-linux)"

# Everything below runs in a private mount namespace: the /proc, /sys, /dev
# mounts of the chroot are invisible to other processes (a "rm -rf" of an old
# cache elsewhere cannot walk into the host's /dev) and die with this process
# even if the unmount trap never runs (SIGKILL).
if [ "${ISCSI_CREDS_RELEASE_NS:-}" != "$$" ]; then
        export ISCSI_CREDS_RELEASE_NS=$$
        exec unshare --mount --propagation private -- "$0" "${orig_args[@]}"
fi
# Relative paths are the caller's, before anything changes directory.
[ -z "$stage" ] || stage=$(realpath -m "$stage")
[ -z "$testlog" ] || testlog=$(realpath -m "$testlog")
[ -z "$debdir" ] || debdir=$(realpath -m "$debdir")
if [ -n "$stage" ] && [ -e "$stage" ] && [ -n "$(ls -A "$stage")" ]; then
        die "--stage $stage is not empty: remove it first"
fi

work=${ISCSI_CREDS_BUILD_WORK:-/var/tmp/iscsi-creds-build}
mkdir -p "$work"
work=$(realpath "$work")

packages=$("$src"/test/packages.sh --release "$release" "$src"/test/packages-build.txt)
key=$( { printf 'release=%s\n' "$release"
         printf '%s\n' "$packages"
         cat "$0"; } | sha256sum | cut -c1-16)
dest=$work/$release-$key
root=$dest/root
# The chroot's own paths: the copied working tree, meson's build dir, DESTDIR.
in_src=/iscsi-creds/src in_build=/iscsi-creds/build in_stage=/iscsi-creds/stage

# One run per release at a time: building the root, pruning old roots and
# using the root (its /iscsi-creds) all happen under this lock.
exec 9>"$work/.lock-$release"
if ! flock -n 9; then
        log "waiting for another run on $release"
        flock 9
fi

# ---- mounts ---------------------------------------------------------------

mounted=()
# mount_in TARGET MOUNT-ARGS...: mount inside the root, remembered for umount_all.
mount_in() {
        local target=$root$1; shift
        mkdir -p "$target"
        mount "$@" "$target" || die "cannot mount $* on $target"
        mounted+=("$target")
}
umount_all() {
        local i
        for (( i = ${#mounted[@]} - 1; i >= 0; i-- )); do
                umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" ||
                        log "cannot unmount ${mounted[i]}"
        done
        mounted=()
}
# mounts_under DIR: the mount points at or below DIR, deepest last.
mounts_under() {
        findmnt -rn -o TARGET | awk -v d="$1" '$0 == d || index($0, d "/") == 1'
}
has_mounts() { [ -n "$(mounts_under "$1")" ]; }

# fail_testlog NAME: a testlog.json with one failed entry, so that run-all.sh
# counts a run that never got to its tests.
fail_testlog() {
        [ -n "$testlog" ] || return 0
        mkdir -p "$(dirname "$testlog")"
        printf '{"name": "iscsi-creds:release / %s: %s failed, no test ran", "result": "FAIL"}\n' "$release" "$1" >"$testlog"
}

tmp=""
cleanup() {
        local rc=$?
        umount_all
        if [ "$rc" != 0 ] && [ -n "$testlog" ] && [ ! -e "$testlog" ]; then
                fail_testlog "the build root, the build or meson test"
        fi
        if [ -n "$tmp" ]; then
                # a failed debootstrap may leave its /proc and /sys mounted
                mounts_under "$tmp" | tac | while read -r m; do umount -l "$m" || true; done
                has_mounts "$tmp" || rm -rf "$tmp"
        fi
        if [ "$keep" = 0 ] && [ -d "$root/iscsi-creds" ] && ! has_mounts "$root"; then
                rm -rf "$root/iscsi-creds"
        fi
        exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
[ -z "$testlog" ] || rm -f "$testlog"

# ---- the build root -------------------------------------------------------

# make_root: debootstrap the root of $dest, unless a finished one is cached.
make_root() {
        if [ -f "$dest/done" ]; then
                log "cached root $root"
                return
        fi
        rm -rf "$dest"
        tmp=$(mktemp -d "$work/.build-$release-XXXXXX")
        local mirror start r=$tmp/root
        mirror=$(debian_mirror)
        start=$(date +%s)
        mkdir -p "$work/debs/$release"
        log "debootstrap $release from $mirror with $(printf '%s\n' "$packages" | wc -l) build packages"
        # --cache-dir: the .debs survive a change of the list or this script.
        if ! debootstrap --variant=minbase --cache-dir="$work/debs/$release" \
                        --include="$(printf '%s\n' "$packages" | paste -sd,)" \
                        "$release" "$r" "$mirror" >"$tmp/debootstrap.log" 2>&1; then
                # its own log inside the root says which maintainer script failed
                cat "$tmp/debootstrap.log" "$r/debootstrap/debootstrap.log" >"$work/$release-failed.log" 2>/dev/null || true
                tail -n 30 "$tmp/debootstrap.log" >&2
                # debootstrap names a package the release lacks here:
                grep -h "Couldn't find these debs" "$tmp/debootstrap.log" >&2 || true
                die "debootstrap failed, log in $work/$release-failed.log (a package name of" \
                        "test/packages-build.txt that $release lacks? annotate it there)"
        fi
        # debootstrap leaves its own mounts (proc, sys) behind on some failures
        has_mounts "$r" && die "debootstrap left mounts under $r"
        # No network and no apt runs in here: drop what only takes room.
        rm -rf "$r"/usr/share/doc/* "$r"/usr/share/man/* "$r"/usr/share/info/* \
               "$r"/usr/share/locale/* "$r"/var/cache/apt/*.bin "$r"/var/cache/apt/archives/*.deb \
               "$r"/var/lib/apt/lists/*
        chroot "$r" dpkg-query -W >"$tmp/packages.txt"

        # Keep the newest other root of this release (switching branches back
        # and forth), drop the rest; never one with something mounted in it.
        local old
        # shellcheck disable=SC2012  # names are ours: <release>-<16 hex digits>
        ls -dt "$work/$release"-???????????????? 2>/dev/null | tail -n +2 | while read -r old; do
                has_mounts "$old" && continue
                rm -rf "$old"
        done
        mv "$tmp" "$dest"
        tmp=""
        du -sh "$root" | awk '{print $1}' >"$dest/size"
        echo $(( $(date +%s) - start )) >"$dest/seconds"
        touch "$dest/done"
        log "built $root in $(cat "$dest/seconds") s ($(cat "$dest/size"))"
}

# ---- in the root ----------------------------------------------------------

# in_root CMD...: run CMD in the chroot with a clean environment.
in_root() {
        chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
                HOME=/root LANG=C.UTF-8 TERM="${TERM:-dumb}" "$@"
}

# copy_source: the working tree as it is, tracked and untracked files but not
# what .gitignore excludes (build dirs); deleted tracked files are skipped.
copy_source() {
        git -C "$src" rev-parse --git-dir >/dev/null 2>&1 || die "$src is not a git checkout"
        rm -rf "$root/iscsi-creds"
        mkdir -p "$root$in_src"
        (cd "$src" && git ls-files -z -co --exclude-standard |
                while IFS= read -r -d '' f; do
                        if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
                done | tar --null -T - -cf -) | tar -C "$root$in_src" -xf - ||
                die "cannot copy $src into the root"
}

# check_nodedbroot LINE: the node DB root meson chose must be the one the
# root's own iscsiadm has compiled in (/etc/iscsi up to open-iscsi 2.1.8,
# /var/lib/iscsi from 2.1.9).
check_nodedbroot() {
        local chosen=$1 compiled
        compiled=$(grep -ao '/[a-z/]*/iscsi/nodes' "$root/usr/sbin/iscsiadm" 2>/dev/null | head -n1)
        compiled=${compiled%/nodes}
        echo "open-iscsi node DB root: $chosen (iscsiadm $(in_root iscsiadm --version | awk '{print $NF}')" \
                "of $release has ${compiled:-?} compiled in)"
        [ -n "$compiled" ] || die "cannot read the node DB root compiled into $release's iscsiadm"
        [ "$chosen" = "$compiled" ] || die "meson chose node DB root $chosen, $release's iscsiadm uses $compiled"
}

# build: meson setup + ninja in the root; prints the node DB root.
build() {
        local t0=$SECONDS out warnings
        log "meson setup + ninja in the root"
        if ! out=$(in_root meson setup --prefix=/usr "$in_build" "$in_src" 2>&1); then
                printf '%s\n' "$out" >&2
                die "meson setup failed in the $release root"
        fi
        printf '%s\n' "$out" >"$root/iscsi-creds/setup.log"
        if ! in_root ninja -C "$in_build" >"$root/iscsi-creds/ninja.log" 2>&1; then
                cat "$root/iscsi-creds/ninja.log" >&2
                die "ninja failed in the $release root"
        fi
        warnings=$(grep -c 'warning:' "$root/iscsi-creds/ninja.log" || true)
        # Show the warnings: a new compiler is what this is here to catch.
        grep -A3 'warning:' "$root/iscsi-creds/ninja.log" >&2 || true
        echo "built in $(( SECONDS - t0 )) s, $warnings compiler warning(s)" \
                "($(in_root gcc -dumpfullversion 2>/dev/null || echo gcc ?), meson $(in_root meson --version))"
        check_nodedbroot "$(printf '%s\n' "$out" | sed -n 's/^Message: open-iscsi node DB root: //p' | head -n1)"
}

# install_stage: DESTDIR install in the root, then copied out to $stage.
install_stage() {
        log "installing into $stage"
        rm -rf "$root$in_stage"
        in_root env DESTDIR="$in_stage" meson install -C "$in_build" --no-rebuild --quiet >&2 ||
                die "meson install failed in the $release root"
        mkdir -p "$stage"
        cp -a "$root$in_stage"/. "$stage"/
        echo "staged in $stage: $(find "$stage" -type f | wc -l) files"
}

# build_deb: dpkg-buildpackage in a copy of the source in the root; the
# .deb files to $debdir.
build_deb() {
        local t0=$SECONDS
        log "dpkg-buildpackage -us -uc -b in the root"
        rm -rf "$root/iscsi-creds/deb"
        mkdir -p "$root/iscsi-creds/deb"
        cp -a "$root$in_src" "$root/iscsi-creds/deb/src"
        if ! in_root sh -c 'cd /iscsi-creds/deb/src && dpkg-buildpackage -us -uc -b' \
                        >"$root/iscsi-creds/deb/build.log" 2>&1; then
                tail -n 40 "$root/iscsi-creds/deb/build.log" >&2
                die "dpkg-buildpackage failed in the $release root"
        fi
        mkdir -p "$debdir"
        cp "$root"/iscsi-creds/deb/*.deb "$debdir"/
        echo "package built in $(( SECONDS - t0 )) s: $(cd "$debdir" && ls ./*.deb | tr '\n' ' ')"
}

# run_tests: one meson test over the requested suites; prints the counts per
# suite and, last, the total line.
run_tests() {
        local args=() s rc=0 t0=$SECONDS
        for s in $suites; do args+=(--suite "$s"); done
        log "meson test ${args[*]}"
        in_root meson test -C "$in_build" --no-rebuild --print-errorlogs "${args[@]}" || rc=1
        local json=$root$in_build/meson-logs/testlog.json
        if [ ! -s "$json" ]; then
                die "meson test wrote no testlog.json"
        fi
        if [ -n "$testlog" ]; then
                mkdir -p "$(dirname "$testlog")"
                cp "$json" "$testlog"
        fi
        echo "tests ran in $(( SECONDS - t0 )) s"
        python3 - "$release" "$json" <<'PY'
import json, sys
release, path = sys.argv[1], sys.argv[2]
per = {}
total = {"OK": 0, "FAIL": 0, "SKIP": 0}
for line in open(path).read().splitlines():
    t = json.loads(line)
    r = t.get("result", "")
    r = "OK" if r in ("OK", "EXPECTEDFAIL") else "SKIP" if r == "SKIP" else "FAIL"
    # "project:suite / test" (meson 1.7 writes no "suite" key)
    suite = t.get("name", "?").split(" / ")[0].split(":")[-1]
    per.setdefault(suite, {"OK": 0, "FAIL": 0, "SKIP": 0})[r] += 1
    total[r] += 1
for s, c in per.items():
    print(f"{release} {s}: {c['OK']} passed, {c['FAIL']} failed, {c['SKIP']} skipped")
print(f"{total['OK']} passed, {total['FAIL']} failed, {total['SKIP']} skipped")
PY
        return $rc
}

# ---- main -----------------------------------------------------------------

# A function, so bash has read all of it before it runs: editing this file
# during a run (or a git checkout) cannot change what the run does next.
main() {
        local t_start=$SECONDS status=0
        make_root
        log "root ready after $(( SECONDS - t_start )) s"
        copy_source
        # What the build and the tests need of a running system, for this run only;
        # /run and /tmp fresh so nothing leaks into the cached root or between runs.
        mount_in /proc -t proc proc
        mount_in /sys --bind /sys
        mount_in /dev --bind /dev
        mount_in /dev/pts --bind /dev/pts
        mount_in /run -t tmpfs -o mode=0755 tmpfs
        mount_in /tmp -t tmpfs -o mode=1777 tmpfs

        build
        [ -z "$stage" ] || install_stage
        [ -z "$debdir" ] || build_deb
        if [ -n "$suites" ]; then
                run_tests || status=1
        else
                echo "0 passed, 0 failed, 0 skipped"
        fi
        [ "$keep" = 0 ] || log "kept the source and build tree in $root/iscsi-creds"
        log "done in $(( SECONDS - t_start )) s"
        return $status
}

main
exit $?
