#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Runs inside the container as a oneshot after iscsi-creds.target: collects
# what the host-side test asserts on into /results, then powers off.
set -u
out=/results
# The failed login of "enc" starts its retry service, whose first attempt comes
# 2 s later and ends with the login failing again: wait for its record (bounded).
for _ in $(seq 120); do
        grep -qs '^attempts=[1-9]' /run/iscsi-creds/retry/enc && grep -qs '^last_error=' /run/iscsi-creds/retry/enc &&
                grep -qs '^phase=waiting' /run/iscsi-creds/retry/enc && break
        sleep 0.5
done
ISCSI_CREDS_ADMIN=/opt/iscsi-creds/sbin/iscsi-creds-admin /opt/iscsi-creds/sbin/iscsi-creds status --json enc \
        >"$out/status.json" 2>"$out/status.err"
cp /run/iscsi-creds/retry/enc "$out/retry-state.enc" 2>/dev/null || echo "no retry state" >"$out/retry-state.enc"
{
        for u in iscsi-creds-login@enc.service iscsi-creds-login@smbios.service iscsi-creds-retry@enc.service; do
                echo "== $u"
                systemctl show -p ActiveState -p Result -p ExecMainStatus -p ExecMainStartTimestampMonotonic \
                        -p LoadCredentialEncrypted -p LoadCredential -p DropInPaths "$u"
        done
        echo "== mount"
        systemctl show -p ActiveState -p Result srv-enc.mount
        echo "== system"
        systemctl is-system-running || true
} >"$out/state" 2>&1
systemctl list-dependencies --plain --no-pager remote-fs.target >"$out/remote-fs-deps" 2>&1
systemctl list-dependencies --plain --no-pager iscsi-creds.target >"$out/iscsi-creds-deps" 2>&1
cp -r /run/systemd/generator "$out/generator"
journalctl -b --no-pager -o short-monotonic >"$out/journal" 2>&1
journalctl -b --no-pager -o export >"$out/journal.export" 2>&1
journalctl -b --no-pager -o verbose MESSAGE_ID=9a1e3c5b7d9f4b2a8e6c4a2f0d8b6e45 >"$out/journal.login-failed" 2>&1
journalctl -b --no-pager -o verbose MESSAGE_ID=425f1e10b3c3402fa531683a49ab9827 >"$out/journal.retry-attempt" 2>&1
find /etc/iscsi/nodes -mindepth 1 >"$out/host-nodes" 2>&1
cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\0' ' ' >"$out/cmdlines"
systemd-analyze verify --man=no --recursive-errors=one iscsi-creds-login@enc.service >"$out/verify" 2>&1
echo $? >"$out/verify.status"
touch "$out/done"
systemctl poweroff --no-block
