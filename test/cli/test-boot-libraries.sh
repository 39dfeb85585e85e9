#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# The program the units run at boot (iscsi-creds: login, logout, unlock,
# lock) needs only libc, libsystemd, libopeniscsiusr and libcryptsetup; the
# admin's libraries (json-c, libyaml) belong to iscsi-creds-admin. Checked on
# the ELF's own NEEDED entries (readelf -d), not on what ldd resolves.
set -u
: "${ISCSI_CREDS:?run through meson test}" "${ISCSI_CREDS_ADMIN:?run through meson test}"
command -v readelf >/dev/null || { echo "SKIP: no readelf (binutils)"; exit 77; }

needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | sort | paste -sd' '; }
fail=0
boot=$(needed "$ISCSI_CREDS")
for lib in $boot; do
    case $lib in
        libc.so.*|libsystemd.so.*|libopeniscsiusr.so.*|libcryptsetup.so.*) ;;
        # the sanitizer runtimes of an -Db_sanitize build (run-all.sh's ASan run)
        libasan.so.*|libubsan.so.*) ;;
        *) echo "FAIL: iscsi-creds needs $lib (all: $boot)"; fail=1 ;;
    esac
done
for lib in libopeniscsiusr libcryptsetup libsystemd; do
    case " $boot " in *" $lib.so."*) ;; *) echo "FAIL: iscsi-creds does not link $lib (all: $boot)"; fail=1 ;; esac
done
admin=$(needed "$ISCSI_CREDS_ADMIN")
case " $admin " in *" libyaml-0.so."*) ;; *) echo "FAIL: iscsi-creds-admin does not link libyaml ($admin)"; fail=1 ;; esac
[ "$fail" = 0 ] && echo "ok: iscsi-creds needs $boot; iscsi-creds-admin needs $admin"
exit "$fail"
