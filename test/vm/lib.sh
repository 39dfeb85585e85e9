# shellcheck shell=bash
# Common helpers for the qemu VM harness. Sourced, not executed.

# shellcheck disable=SC2034  # used by the scripts that source this
VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_WORK=${VMTEST_WORK:-/var/tmp/iscsi-creds-vm}
VM_RELEASE=${VMTEST_RELEASE:-bookworm}

log() { printf '[vmtest %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

# The Debian mirror apt on this machine uses (deb822 .sources first, then
# one-line sources.list).  Never hard-code another host.
debian_mirror() {
    local f uri=
    if [ -n "${VMTEST_MIRROR:-}" ]; then
        printf '%s\n' "$VMTEST_MIRROR"; return
    fi
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        # first URIs: line of a stanza whose Suites contain the plain release
        uri=$(awk '
            /^[[:space:]]*$/ { if (u != "" && s ~ /(^| )[a-z]+( |$)/ && u !~ /security/) { print u; exit } u=""; s=""; next }
            /^URIs:/ { u=$2 }
            /^Suites:/ { $1=""; s=$0 }
            END { if (u != "" && u !~ /security/) print u }' "$f" | head -n1)
        [ -n "$uri" ] && break
    done
    if [ -z "$uri" ]; then
        uri=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list |
              grep -v security | awk '{ for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' |
              head -n1)
    fi
    [ -n "$uri" ] || die "cannot find the Debian mirror apt uses"
    printf '%s\n' "$uri"
}

have_qemu() {
    command -v qemu-system-x86_64 >/dev/null 2>&1
}

# random alphanumeric string of length $1
rand_str() {
    local s=
    while [ "${#s}" -lt "$1" ]; do
        s="$s$(head -c 256 /dev/urandom | tr -dc 'A-Za-z0-9')"
    done
    printf '%s' "${s:0:$1}"
}

# runtime_packages STAGE: the Debian packages holding the shared libraries the
# ELF files installed under STAGE need (resolved on this machine, which runs
# the guest's release): build-image.sh --extra takes them.
runtime_packages() {
    local f lib
    find "$1" -type f | while read -r f; do
        [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
        ldd "$f" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'
    done | sort -u | while read -r lib; do
        dpkg -S "$lib" 2>/dev/null || dpkg -S "/usr$lib" 2>/dev/null ||
            dpkg -S "$(readlink -f "$lib")" 2>/dev/null || true
    done | cut -d: -f1 | sort -u | paste -sd' '
}
