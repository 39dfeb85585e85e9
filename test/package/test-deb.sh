#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Suite "package": the Debian package, built and installed for real.
#
# 1. dpkg-buildpackage -us -uc (source and binary) of a copy of the source
#    tree; lintian -EvIL +pedantic on the result: no error and no warning
#    (overrides, if any, are listed with their reasons in debian/).
# 2. The .deb: the generator, units, tmpfiles.d, the two programs and the man
#    pages where systemd.pc and iscsi-creds(8) say; its Depends (open-iscsi,
#    systemd and the shared libraries from shlibs); maintainer scripts that
#    never start, stop or restart a unit (an upgrade must not unmount).
# 3. One list: every Build-Depends of debian/control is in
#    test/packages-build.txt for this release.
# 4. Install, upgrade (to the same package re-versioned +upgradetest1) and
#    purge with dpkg, in a chroot whose root is an overlay over this
#    machine's own root (the host is not changed): the tmpfiles directories
#    made at install, iscsi-creds.target enabled, nothing started; an
#    admin's /etc/credstore/iscsi.target.keep and
#    /etc/credstore.encrypted/iscsi.auth.keep untouched by upgrade and
#    purge; after purge, nothing left outside dpkg's own bookkeeping.
#
# Needs root (chroot, overlay mount); skips without dpkg-buildpackage,
# lintian or overlayfs. Run: meson test -C BUILD --suite package
set -eu
# shellcheck source=../root/lib.sh
. "$(dirname "$0")/../root/lib.sh"

SRC=${ISCSI_CREDS_SOURCE_ROOT:-$(realpath "$(dirname "$0")/../..")}
require_root
require_cmd dpkg-buildpackage dpkg-dev
require_cmd dh debhelper
require_cmd lintian lintian
grep -qw overlay /proc/filesystems || skip "no overlayfs in this kernel"
make_tmpdir

# ---- 1. build and lintian
mkdir "$T/src"
if git -C "$SRC" rev-parse --git-dir >/dev/null 2>&1; then
    # what git tracks, as it is in the working tree (uncommitted changes too)
    (cd "$SRC" && git ls-files -z -c -o --exclude-standard | grep -zv '^build' |
        tar --null -cf - -T -) | tar -C "$T/src" -xf -
else
    tar -C "$SRC" --exclude='./build*' -cf - . | tar -C "$T/src" -xf -
fi
version=$(dpkg-parsechangelog -l "$T/src/debian/changelog" -S Version)
deb=$T/iscsi-creds_${version}_$(dpkg-architecture -qDEB_HOST_ARCH).deb
if (cd "$T/src" && dpkg-buildpackage -us -uc) >"$T/build.out" 2>&1; then
    ok "dpkg-buildpackage -us -uc: $(basename "$deb")"
else
    tail -n 40 "$T/build.out" >&2
    fail "dpkg-buildpackage failed"
fi
[ -f "$deb" ] || fail "no $deb"
changes=$(ls "$T"/iscsi-creds_"${version}"_*.changes)
lintian --allow-root -EvIL +pedantic "$changes" >"$T/lintian.out" 2>&1 || true
sed 's/^/    lintian: /' "$T/lintian.out" >&2
if grep -qE '^[EW]: ' "$T/lintian.out"; then
    bad "lintian: $(grep -cE '^[EW]: ' "$T/lintian.out") error(s)/warning(s)"
else
    ok "lintian -EvIL +pedantic: no error, no warning ($(grep -c . "$T/lintian.out") info/pedantic/experimental line(s))"
fi

# ---- 2. contents, Depends, maintainer scripts
pc() { pkg-config --variable="$1" systemd; }
dpkg-deb -c "$deb" | awk '{ print $6 }' | sed 's|^\./|/|' >"$T/contents"
for f in /usr/sbin/iscsi-creds /usr/libexec/iscsi-creds/iscsi-creds-admin \
         "$(pc systemd_system_generator_dir)/iscsi-creds-generator" \
         "$(pc systemdsystemunitdir)/iscsi-creds-login@.service" \
         "$(pc systemdsystemunitdir)/iscsi-creds-paths@.service" \
         "$(pc systemdsystemunitdir)/iscsi-creds-retry@.service" \
         "$(pc systemdsystemunitdir)/iscsi-creds-unlock@.service" \
         "$(pc systemdsystemunitdir)/iscsi-creds.target" \
         "$(pc tmpfilesdir)/iscsi-creds.conf" \
         /usr/share/man/man8/iscsi-creds.8.gz /usr/share/man/man5/iscsi-creds.credentials.5.gz \
         /usr/share/man/man8/iscsi-creds-login@.service.8.gz /usr/share/doc/iscsi-creds/copyright; do
    if grep -qxF "$f" "$T/contents"; then ok "ships $f"; else bad "does not ship $f"; fi
done
depends=$(dpkg-deb -f "$deb" Depends)
for d in open-iscsi systemd libsystemd0 libopeniscsiusr libcryptsetup12; do
    case ", $depends" in *", $d"[\ ,]*|*", $d") ok "Depends: $d" ;; *) bad "Depends lacks $d: $depends" ;; esac
done
mkdir "$T/control"
dpkg-deb -e "$deb" "$T/control"
if grep -hE '^[[:space:]]*(deb-systemd-invoke|systemctl|invoke-rc.d)[[:space:]].*(start|stop|restart)' \
        "$T"/control/{preinst,postinst,prerm,postrm} 2>/dev/null >"$T/invoke"; then
    bad "maintainer scripts start, stop or restart units: $(paste -sd' ' "$T/invoke")"
else
    ok "no maintainer script starts, stops or restarts a unit"
fi
if grep -q 'stop iscsi-creds.target' "$T/control/prerm" 2>/dev/null; then
    ok "prerm refuses a removal while targets are attached, and says how to detach them"
else
    bad "prerm has no guard against a removal with targets attached"
fi

# ---- 3. one list of build dependencies
list=$("$SRC/test/packages.sh" "$SRC/test/packages-build.txt")
missing=""
while read -r alt; do
    alt=$(printf '%s' "$alt" | sed 's/([^)]*)//g; s/\[[^]]*\]//g; s/<[^>]*>//g; s/ //g')
    [ -n "$alt" ] || continue
    case $alt in debhelper-compat) continue ;; esac  # the package build's own, listed apart
    found=""
    for p in ${alt//|/ }; do
        if printf '%s\n' "$list" | grep -qxF "$p"; then found=$p; break; fi
    done
    [ -n "$found" ] || missing+="$alt; "
done < <(sed -n '/^Build-Depends:/,/^[A-Z][a-zA-Z-]*:/p' "$T/src/debian/control" | sed '$d' |
         sed 's/^Build-Depends://' | tr '\n' ' ' | tr ',' '\n')
if [ -z "$missing" ]; then ok "every Build-Depends is in test/packages-build.txt"
else bad "Build-Depends not in test/packages-build.txt: $missing"; fi

# ---- 4. install, upgrade, purge in an overlay of this machine's root
new=$T/iscsi-creds_${version}+upgradetest1.deb
mkdir "$T/repack"
dpkg-deb -R "$deb" "$T/repack/x"
sed -i "s/^Version: .*/Version: ${version}+upgradetest1/" "$T/repack/x/DEBIAN/control"
dpkg-deb -b "$T/repack/x" "$new" >/dev/null
mkdir -p "$T/upper" "$T/work" "$T/root"
cp "$deb" "$new" "$T/upper/"
cat >"$T/upper/steps.sh" <<'EOF'
set -eu
deb=$1 new=$2
state() {  # what a user would look at
    for d in /run/iscsi-creds /run/iscsi-creds/sessions /run/lock/iscsi /etc/credstore /etc/credstore.encrypted; do
        stat -c "dir %n %a" "$d" 2>/dev/null || echo "dir $d missing"
    done
    if [ -L /etc/systemd/system/remote-fs.target.wants/iscsi-creds.target ]; then echo "enabled yes"; else echo "enabled no"; fi
    sha256sum /etc/credstore/iscsi.target.keep /etc/credstore.encrypted/iscsi.auth.keep 2>&1 | sed 's/^/keep /'
}
install -d -m 0700 /etc/credstore /etc/credstore.encrypted
printf 'target = iqn.2003-01.org.example:keep\nportal = 192.0.2.1\n' >/etc/credstore/iscsi.target.keep
head -c 300 /dev/urandom >/etc/credstore.encrypted/iscsi.auth.keep
echo "== before"; state
dpkg -i "/$deb" >/dev/null
echo "== installed $(dpkg-query -W -f='${Version} ${db:Status-Abbrev}' iscsi-creds)"; state
dpkg -i "/$new" >/dev/null
echo "== upgraded $(dpkg-query -W -f='${Version} ${db:Status-Abbrev}' iscsi-creds)"; state
dpkg --purge iscsi-creds >/dev/null
echo "== purged $(dpkg-query -W -f='${db:Status-Abbrev}' iscsi-creds 2>&1)"; state
EOF
# A private mount namespace; in a chroot whose root is no mount point (the
# release build roots, test/release/build.sh, which already runs in a private
# one) unshare cannot change the propagation of "/" and leaves it as it is.
prop=private
mountpoint -q / || prop=unchanged
# shellcheck disable=SC2016  # expanded by the inner shell
if ! unshare -m --propagation "$prop" bash -euc '
        t=$1; shift
        mount -t overlay overlay -o "lowerdir=/,upperdir=$t/upper,workdir=$t/work" "$t/root"
        mount -t proc proc "$t/root/proc"
        mount --bind /dev "$t/root/dev"
        mount -t tmpfs tmpfs "$t/root/run"
        mount -t tmpfs tmpfs "$t/root/tmp"
        chroot "$t/root" bash /steps.sh "$@"' _ "$T" "$(basename "$deb")" "$(basename "$new")" >"$T/steps.out" 2>&1; then
    sed 's/^/    | /' "$T/steps.out" >&2
    fail "install/upgrade/purge failed"
fi
sed 's/^/    | /' "$T/steps.out" >&2
section() { sed -n "/^== $1/,/^== /p" "$T/steps.out"; }
keep_before=$(section before | grep '^keep')
expect_grep "dir /run/iscsi-creds/sessions 700" <(section installed) "install: tmpfiles.d applied (/run/iscsi-creds/sessions 0700)"
expect_grep "dir /etc/credstore.encrypted 700" <(section installed) "install: /etc/credstore.encrypted 0700"
expect_grep "enabled yes" <(section installed) "install: iscsi-creds.target enabled (remote-fs.target.wants)"
expect_grep "upgradetest1 ii" <(section upgraded) "upgrade: the new version installed"
expect_eq "$keep_before" "$(section upgraded | grep '^keep')" "upgrade: /etc/credstore* contents untouched"
expect_eq "$keep_before" "$(section purged | grep '^keep')" "purge: /etc/credstore* contents untouched"
expect_grep "enabled no" <(section purged) "purge: the enable link is gone"
# What purge left behind, besides dpkg's bookkeeping (and man-db's cache, its trigger), the credentials the test
# wrote and what the chroot's own /run and /tmp (tmpfs) held
left=$(cd "$T/upper" && find . -mindepth 1 \( -type f -o -type l \) | sed 's|^\./|/|' |
       grep -v -E '^/(var/lib/dpkg|var/log|var/cache/debconf|var/cache/ldconfig|var/cache/man)/' |
       grep -v -x -F -e /steps.sh -e "/$(basename "$deb")" -e "/$(basename "$new")" \
           -e /etc/credstore/iscsi.target.keep -e /etc/credstore.encrypted/iscsi.auth.keep || true)
expect_eq "" "$left" "purge: no file of the package left"
dump_outputs
finish
