#!/bin/bash
# The README's "run the main job on the shipped example": as root on a fresh
# Debian 12 machine, install the dependencies, build the project, build (or
# reuse) the cached guest image, boot a qemu guest that logs in to a CHAP
# target with the shipped example credentials (the secret encrypted with the
# guest's host key) and mounts it, show what happened, power off.
#   test/vm/demo.sh [--source-dir DIR] [--release bookworm]
set -eu

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

start=$(date +%s)
[ "$(id -u)" = 0 ] || die "demo.sh must run as root"
log "installing dependencies (deps.sh)"
"$VM_DIR/deps.sh"

rm -rf "$VM_WORK/logs/demo"
rc=0
"$VM_DIR/run.sh" "$@" demo || rc=$?
serial=$VM_WORK/logs/demo/serial.log
if [ -f "$serial" ]; then
    echo
    echo "================ inside the guest ================"
    tr -d '\r' <"$serial" | sed -n '/===== VMTEST DEMO BEGIN/,/===== VMTEST DEMO END/p' | sed '1d;$d'
fi
if [ -f "$VM_WORK/logs/demo/shutdown-journal.txt" ]; then
    echo
    echo "================ poweroff (guest journal, read from the disk image afterwards) ================"
    cat "$VM_WORK/logs/demo/shutdown-journal.txt"
fi
echo
echo "demo took $(( $(date +%s) - start )) s"
exit "$rc"
