#!/bin/bash
# vmtest: record every distinct command line seen in /proc until stopped.
# Output stays in /run (tmpfs), read by check.sh.  Builtins only in the loop.
set -u
out=/run/vmtest/cmdlines
mkdir -p /run/vmtest
: >"$out"
declare -A seen=()
# a pipe nobody writes to: read -t on it sleeps without forking
exec {nap}<> <(:)
while :; do
    for f in /proc/[0-9]*/cmdline; do
        args=()
        { mapfile -d '' args <"$f"; } 2>/dev/null || continue
        [ "${#args[@]}" -gt 0 ] || continue
        line="${args[*]}"
        if [ -z "${seen[$line]+x}" ]; then
            seen[$line]=1
            printf '%s\n' "$line" >>"$out"
        fi
    done
    read -r -t 0.05 -u "$nap" || true
done
