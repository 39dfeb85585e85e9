#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# packages.sh [--release NAME] [FILE]: print the Debian packages of a package
# list file (default test/packages-build.txt) for release NAME (default: this
# machine's, from /etc/os-release), one per line. See the file's header for
# its format: "#" comments, "NAME [rel ...]" and "NAME [!rel ...]".
set -eu

die() { echo "packages.sh: $*" >&2; exit 1; }

release="" file=$(dirname "$(realpath "$0")")/packages-build.txt
while [ $# -gt 0 ]; do
        case $1 in
        --release) [ $# -ge 2 ] || die "--release needs a name"; release=$2; shift 2 ;;
        --release=*) release=${1#*=}; shift ;;
        -*) die "unknown option: $1" ;;
        *) file=$1; shift ;;
        esac
done
if [ -z "$release" ]; then
        # shellcheck disable=SC1091
        release=$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")
        [ -n "$release" ] || die "cannot tell this machine's release; pass --release"
fi
[ -r "$file" ] || die "cannot read $file"

awk -v rel="$release" -v file="$file" '
        { sub(/#.*/, "") }
        NF == 0 { next }
        {
                name = $1; rest = $0; sub(/^[[:space:]]*[^[:space:]]+[[:space:]]*/, "", rest)
                if (rest == "") { print name; next }
                if (rest !~ /^\[!?[a-z0-9 -]+\][[:space:]]*$/) {
                        printf "packages.sh: %s:%d: bad line: %s\n", file, NR, $0 > "/dev/stderr"
                        bad = 1; exit 1
                }
                gsub(/[][]/, "", rest)
                neg = sub(/^!/, "", rest)
                n = split(rest, rels, " ")
                hit = 0
                for (i = 1; i <= n; i++) if (rels[i] == rel) hit = 1
                if (hit != neg) print name
        }
        END { exit bad }' "$file"
