#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The program the units run at boot (iscsi-creds: login, logout, unlock,
# lock) links only libc, libsystemd and libopeniscsiusr; libcryptsetup is
# loaded by unlock and lock only (dlopen, src/boot/luks.c), under the SONAME
# of the libcryptsetup it was built against; the admin's libraries (json-c,
# libyaml) belong to iscsi-creds-admin. Checked on the ELF's own NEEDED
# entries (readelf -d), not on what ldd resolves.
set -u
: "${ISCSI_CREDS:?run through meson test}" "${ISCSI_CREDS_ADMIN:?run through meson test}"
command -v readelf >/dev/null || { echo "SKIP: no readelf (binutils)"; exit 77; }

needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | paste -sd' '; }
fail=0
boot=$(needed "$ISCSI_CREDS")
for lib in $boot; do
    case $lib in
        libc.so.*|libsystemd.so.*|libopeniscsiusr.so.*) ;;
        # the sanitizer runtimes of an -Db_sanitize build (run-all.sh's ASan run)
        libasan.so.*|libubsan.so.*) ;;
        *) echo "FAIL: iscsi-creds needs $lib (all: $boot)"; fail=1 ;;
    esac
done
for lib in libopeniscsiusr libsystemd; do
    case " $boot " in *" $lib.so."*) ;; *) echo "FAIL: iscsi-creds does not link $lib (all: $boot)"; fail=1 ;; esac
done
# the library unlock and lock load: the SONAME of the one built against
dev=$(pkg-config --variable=libdir libcryptsetup)/libcryptsetup.so
soname=$(readelf -d "$dev" 2>/dev/null | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
if [ -z "$soname" ]; then
    echo "FAIL: no SONAME in $dev"; fail=1
elif ! grep -qaF "$soname" "$ISCSI_CREDS"; then
    echo "FAIL: iscsi-creds does not load $soname, the SONAME of $dev"; fail=1
fi
admin=$(needed "$ISCSI_CREDS_ADMIN")
case " $admin " in *" libyaml-0.so."*) ;; *) echo "FAIL: iscsi-creds-admin does not link libyaml ($admin)"; fail=1 ;; esac
[ "$fail" = 0 ] && echo "ok: iscsi-creds needs $boot and loads $soname; iscsi-creds-admin needs $admin"
exit "$fail"
