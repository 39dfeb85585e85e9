#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# status: text and --json with the documented fields; unknown unit state
# without a bus; devices through by-path links; mount state from mountinfo.
. "$(dirname "$0")/lib.sh"

pw=St4tus-Secret-Val
iqn=iqn.2003-01.org.example:s1
printf '%s\n' "$pw" | "$ISCSI_CREDS" add s1 --target $iqn --portal 192.0.2.7 --lun 1 --mount /proc \
        --username u --with-key host 2>/dev/null || fail "setup add s1"
"$ISCSI_CREDS" add s2 --target iqn.2003-01.org.example:s2 --portal 192.0.2.8 --mount /srv/not-mounted --no-chap \
        2>/dev/null || fail "setup add s2"
printf 'target = iqn.bogus\nportal = 192.0.2.1\n' >"$ISCSI_CREDS_ROOT/etc/credstore/iscsi.target.broken"

# A by-path link (under the test root) to a fake device node, with one partition.
bp=$ISCSI_CREDS_ROOT/dev/disk/by-path
mkdir -p "$bp" "$ISCSI_CREDS_ROOT/dev"
touch "$ISCSI_CREDS_ROOT/dev/sdz" "$ISCSI_CREDS_ROOT/dev/sdz1"
ln -s ../../sdz "$bp/ip-192.0.2.7:3260-iscsi-$iqn-lun-1"
ln -s ../../sdz1 "$bp/ip-192.0.2.7:3260-iscsi-$iqn-lun-1-part1"

run "" -- status --json
expect_rc 0 "status --json"
no_secret "$pw" "status --json"
printf '%s' "$out" | python3 -m json.tool >/dev/null && ok "valid JSON" || fail "not JSON: $out"
printf '%s' "$out" >"$tmp/status.json"
python3 - "$tmp/status.json" <<'PY' && ok "JSON fields" || fail "JSON fields"
import json, sys
d = json.load(open(sys.argv[1]))
t = {x["alias"]: x for x in d["targets"]}
assert set(t) == {"s1", "s2", "broken"}, t.keys()
s1 = t["s1"]
for k in ["alias", "credential", "path", "valid", "target", "portal", "tpgt", "lun", "iface", "mount",
          "mounted", "unit", "session", "devices"]:
    assert k in s1, k
assert s1["valid"] is True and s1["target"] == "iqn.2003-01.org.example:s1"
assert s1["portal"] == {"address": "192.0.2.7", "port": 3260}
assert s1["lun"] == 1 and s1["tpgt"] == 1 and s1["iface"] == "default"
assert s1["mount"] == "/proc" and s1["mounted"] is True
assert s1["unit"]["name"] == "iscsi-creds-login@s1.service"
assert isinstance(s1["unit"]["active_state"], str) and isinstance(s1["unit"]["sub_state"], str)
assert s1["session"] is None
assert s1["devices"][0]["link"].startswith("/dev/disk/by-path/ip-192.0.2.7:3260-iscsi-")
assert s1["devices"][0]["node"] == "/dev/sdz", s1["devices"]
assert s1["devices"][1]["node"] == "/dev/sdz1", s1["devices"]
s2 = t["s2"]
assert s2["mounted"] is False and s2["devices"][0]["node"] is None
assert t["broken"]["valid"] is False
PY

run "" -- status
expect_rc 0 "status (text)"
expect_in "s1: $iqn at 192.0.2.7:3260" "$out" "text: target line"
expect_in "/proc (mounted)" "$out" "text: mounted"
expect_in "/srv/not-mounted (not mounted)" "$out" "text: not mounted"
expect_in "-> /dev/sdz" "$out" "text: device"
expect_in "iscsi.target.broken: invalid definition" "$out" "text: invalid target listed"

run "" -- status --json s2
expect_rc 0 "status --json ALIAS"
[ "$(printf '%s' "$out" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["targets"]))')" = 1 ] &&
        ok "only the named target" || fail "named target filter"

# Without a system bus the unit state is "unknown" and status still succeeds.
DBUS_SYSTEM_BUS_ADDRESS=unix:path=$tmp/no-bus run "" -- status --json s1
expect_rc 0 "status without a bus"
[ "$(printf '%s' "$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["targets"][0]["unit"]["active_state"])')" = unknown ] &&
        ok "unit state unknown without a bus" || fail "unit state without a bus"

run "" -- status nosuch
expect_rc 3 "unknown alias"
run "" -- status --bogus
expect_rc 2 "unknown option"
finish
