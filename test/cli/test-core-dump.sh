#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# No core dump holds a secret: "iscsi-creds add --mutual" has read the first
# secret and waits on a pipe for the second when it gets SIGSEGV. Its core
# size limit is raised before the start (ulimit -c unlimited), yet no core
# file may appear and none may contain the secret: the process lowers its
# core limit to 0 and makes itself non-dumpable (prctl PR_SET_DUMPABLE),
# which the kernel checks before it looks at core_pattern at all.
# As root, a second run as nobody shows the dumpable flag from outside: the
# files in /proc/PID of a non-dumpable process belong to root, not to its
# uid (proc(5); the directory itself keeps the uid).
. "$(dirname "$0")/lib.sh"

pattern=$(cat /proc/sys/kernel/core_pattern)
echo "core_pattern: $pattern"
case "$pattern" in
        "|"*) echo "note: core_pattern pipes to a helper: a core file cannot appear here; the process's own settings are still checked" ;;
esac

pw=Core-Secret-1a2b3c4d5e
mkfifo -m 0644 "$tmp/fifo"
# Under AddressSanitizer the signal must reach the kernel, not ASan's handler.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}handle_segv=0"
chmod 0711 "$tmp"

# wait_blocked PID: until PID sleeps reading its stdin pipe (at most 5 s).
wait_blocked() {
        for _ in $(seq 100); do
                # pipe_read, anon_pipe_read (6.x), or 0 where kallsyms is hidden: then only "S".
                case "$(cat "/proc/$1/wchan" 2>/dev/null)" in
                *pipe_read) return 0 ;;
                0) [ "$(cut -d' ' -f3 "/proc/$1/stat")" = S ] && return 0 ;;
                esac
                sleep 0.05
        done
        return 1
}

# start_add DIR [PREFIX...]: start "add --mutual" in DIR (its working directory, where
# core_pattern "core" puts the file) with an unlimited core limit, feed it the first
# secret and wait until it waits for the second. Sets $pid; fd 9 holds the pipe open.
start_add() {
        local dir=$1; shift
        mkdir -p "$dir" && chmod 0777 "$dir"
        (
                ulimit -c unlimited 2>/dev/null || ulimit -c "$(ulimit -H -c)"
                cd "$dir" && exec "$@" "$ISCSI_CREDS" add crash --target iqn.2003-01.org.example:crash \
                        --portal 192.0.2.10 --username node1 --mutual --username-in tgt1 --with-key host \
                        <"$tmp/fifo" >/dev/null 2>&1
        ) &
        pid=$!
        exec 9>"$tmp/fifo"
        printf '%s\n' "$pw" >&9
        if wait_blocked "$pid"; then ok "$dir: add waits for the second secret"; else fail "$dir: add is not waiting on its stdin"; fi
}

# crash_add DIR: SIGSEGV to $pid, then no core and no secret in DIR.
crash_add() {
        local dir=$1 rc cores
        kill -SEGV "$pid"
        wait "$pid" 2>/dev/null
        rc=$?
        exec 9>&-
        [ "$rc" = 139 ] && ok "$dir: add died of SIGSEGV" || fail "$dir: add exited $rc, expected 139 (SIGSEGV)"
        cores=$(find "$dir" -mindepth 1 | head -5)
        [ -z "$cores" ] && ok "$dir: no core file" || fail "$dir: core file(s) written: $cores"
        if grep -rqaF -- "$pw" "$dir"; then fail "$dir: a file holds the secret"; else ok "$dir: no file holds the secret"; fi
}

start_add "$tmp/crash"
limit=$(awk '/^Max core file size/ { print $5 " " $6 }' "/proc/$pid/limits")
[ "$limit" = "0 0" ] && ok "core size limit 0 (soft and hard)" || fail "core size limit is \"$limit\", expected 0 0"
crash_add "$tmp/crash"

if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
        start_add "$tmp/crash-nobody" setpriv --reuid=65534 --regid=65534 --clear-groups
        owner=$(stat -c %u "/proc/$pid/environ")
        [ "$owner" = 0 ] && ok "non-dumpable: /proc/PID/environ of a uid-65534 process belongs to root" ||
                fail "dumpable: /proc/PID/environ belongs to uid $owner"
        # Raising the limit back from outside needs CAP_SYS_RESOURCE; where it works, the
        # dumpable flag alone must still stop the dump.
        if prlimit --pid "$pid" --core=unlimited:unlimited 2>/dev/null; then
                ok "core limit raised again from outside"
        else
                echo "note: prlimit cannot raise the hard limit here (no CAP_SYS_RESOURCE)"
        fi
        crash_add "$tmp/crash-nobody"
else
        echo "note: not root or no setpriv: the dumpable flag is not checked from outside"
fi

finish
