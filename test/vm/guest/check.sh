#!/bin/bash
# vmtest: runs once after multi-user.target.  Sources the scenario's check
# list (/etc/vmtest/checks, written by run.sh), prints
#   VMTEST RESULT <name> PASS|FAIL <detail>
#   VMTEST TIME <what> <seconds>
# lines and diagnostics on the console, then powers the guest off.
# Never prints a secret: secret scans only print counts.
set -u
exec >/dev/console 2>&1
export SYSTEMD_COLORS=0 SYSTEMD_URLIFY=0 SYSTEMD_PAGER=cat

result() {  # NAME PASS|FAIL DETAIL...
    local name=$1 verdict=$2; shift 2
    echo "VMTEST RESULT $name $verdict $*"
}
verdict() {  # NAME ERRORS OKDETAIL
    if [ -z "$2" ]; then result "$1" PASS "$3"; else result "$1" FAIL "$2"; fi
}
usec() { systemctl show -P "$2" "$1" 2>/dev/null || echo 0; }
secs() { awk -v u="${1:-0}" 'BEGIN { printf "%.1f", u / 1000000 }'; }
mount_unit() { systemd-escape --path --suffix=mount "$1"; }
login_unit() { echo "iscsi-creds-login@$1.service"; }

# next_boot: the last check of this boot (run.sh: next_boot); the next boot
# of the same image runs /etc/vmtest/checks.2 as its check list, and so on
next_boot() {
    local n
    mv /etc/vmtest/checks.2 /etc/vmtest/checks
    for ((n = 3; n < 10; n++)); do
        [ -f "/etc/vmtest/checks.$n" ] && mv "/etc/vmtest/checks.$n" "/etc/vmtest/checks.$((n - 1))"
    done
    sync
}

# check_tpm2_add NAME ALIAS IQN MOUNTPOINT KEY TID: the admin adds ALIAS on
# the guest with "iscsi-creds add --with-key=KEY" (the CHAP account of tgt
# target TID, from vmtest.tgt; the secret on standard input); the secrets
# credential must then be sealed with KEY (status --json, from its header).
# KEY "default:K": no --with-key (add's default, auto), and K expected
check_tpm2_add() {
    local name=$1 alias=$2 iqn=$3 mnt=$4 key=$5 tid=$6 errs="" user pw sealed opt
    opt=(--with-key "$key")
    case $key in default:*) key=${key#default:} opt=() ;; esac
    read -r user pw < <(zcat -f "$CREDENTIALS_DIRECTORY/vmtest.tgt" |
        awk -v t="$tid" '$1 == "account" && $2 == t { print $3, $4; exit }')
    [ -e /dev/tpmrm0 ] || errs+="no /dev/tpmrm0 in the guest; "
    echo "VMTEST TIME tpm2: $(systemd-creds has-tpm2 2>&1 | tr '\n' ' ')"
    if ! printf '%s\n' "$pw" | env -u CREDENTIALS_DIRECTORY iscsi-creds add "$alias" --target "$iqn" \
            --portal 127.0.0.1 --lun 1 --mount "$mnt" --fstype ext4 --username "$user" "${opt[@]}" \
            >/run/vmtest-add.out 2>&1; then
        errs+="iscsi-creds add ${opt[*]} failed: $(tail -c 400 /run/vmtest-add.out | tr '\n' ' '); "
    fi
    sealed=$(env -u CREDENTIALS_DIRECTORY iscsi-creds status --json "$alias" 2>/dev/null |
        jq -r '.targets[0].secrets.sealed_with')
    [ "$sealed" = "$key" ] || errs+="status --json says the secrets are sealed with '$sealed', not $key; "
    verdict "$name" "$errs" "iscsi-creds add $alias ${opt[*]:-(no --with-key)} wrote /etc/credstore.encrypted/iscsi.auth.$alias, sealed with $sealed"
}

# check_tpm_before_login NAME ALIAS: the TPM was usable when PID 1 decrypted
# the login unit's credentials: /dev/tpmrm0 (dev-tpmrm0.device) was there
# before the unit started, and where systemd has tpm2.target (256 and later)
# the unit is ordered after it and it was reached first
check_tpm_before_login() {
    local name=$1 login errs="" tl td tt detail
    login=$(login_unit "$2")
    tl=$(usec "$login" InactiveExitTimestampMonotonic)
    td=$(usec dev-tpmrm0.device ActiveEnterTimestampMonotonic)
    { [ "${td:-0}" -gt 0 ] && [ "${tl:-0}" -gt "$td" ]; } ||
        errs+="dev-tpmrm0.device active at $(secs "$td") s, $login started at $(secs "$tl") s; "
    detail="/dev/tpmrm0 at $(secs "$td") s, $login started at $(secs "$tl") s"
    if [ "$(systemctl show -P LoadState tpm2.target)" = loaded ]; then
        tt=$(usec tpm2.target ActiveEnterTimestampMonotonic)
        systemctl show -P After "$login" | tr ' ' '\n' | grep -qx tpm2.target ||
            errs+="$login is not ordered after tpm2.target; "
        { [ "${tt:-0}" -gt 0 ] && [ "$tl" -ge "$tt" ]; } ||
            errs+="tpm2.target reached at $(secs "$tt") s, after $login started; "
        detail+=", after tpm2.target ($(secs "$tt") s)"
    else
        detail+="; no tpm2.target (systemd $(systemctl --version | awk 'NR == 1 { print $2 }'))"
    fi
    verdict "$name" "$errs" "$detail"
}

# check_mounted NAME ALIAS MOUNTPOINT TOKEN
check_mounted() {
    local name=$1 alias=$2 mnt=$3 token=$4 errs="" unit login t tmu src
    unit=$(mount_unit "$mnt"); login=$(login_unit "$alias")
    if ! findmnt -n "$mnt" >/dev/null; then
        errs+="$mnt not mounted ($unit: $(systemctl is-active "$unit")); "
    else
        src=$(findmnt -n -o SOURCE "$mnt")
        [ "$(cat "$mnt/hello.txt" 2>/dev/null)" = "$token" ] ||
            errs+="$mnt/hello.txt does not hold the expected token; "
    fi
    systemctl is-active -q "$login" || errs+="$login is $(systemctl is-active "$login"); "
    t=$(usec "$unit" ActiveEnterTimestampMonotonic)
    tmu=$(usec multi-user.target ActiveEnterTimestampMonotonic)
    if [ "${5:-}" = isolated ]; then
        # Next to failing targets: remote-fs.target fails as soon as one required mount
        # fails (as with fstab entries without nofail), so multi-user.target may come
        # first. "Not held back" means: mounted soon after its own login - well before a
        # dead portal gives up (about 64 s); 30 s leaves room for LUKS and a loaded TCG host.
        local tl
        tl=$(usec "$login" ActiveEnterTimestampMonotonic)
        if [ "${t:-0}" -eq 0 ] || [ "${tl:-0}" -eq 0 ] || [ $((t - tl)) -gt 30000000 ]; then
            errs+="$unit active at $(secs "$t") s, more than 30 s after $login ($(secs "$tl") s); "
        fi
    elif [ "${t:-0}" -eq 0 ] || [ "${tmu:-0}" -eq 0 ] || [ "$t" -gt "$tmu" ]; then
        # "mounted at boot": the mount must be up before multi-user.target
        errs+="$unit active at $(secs "$t") s, after multi-user.target ($(secs "$tmu") s; remote-fs.target: $(systemctl is-active remote-fs.target)); "
    fi
    systemctl list-dependencies --plain --no-pager remote-fs.target | grep -qF "$unit" ||
        errs+="$unit not in list-dependencies remote-fs.target; "
    [ "${t:-0}" -gt 0 ] && echo "VMTEST TIME boot-to-mount:$alias $(secs "$t")"
    verdict "$name" "$errs" "$mnt mounted from ${src:-?} at $(secs "$t") s after boot, content ok, $login active, $unit in remote-fs.target"
}

# check_two_targets NAME ALIAS1 MNT1 ALIAS2 MNT2: both logged in and mounted at once
check_two_targets() {
    local name=$1 errs="" n a m; shift
    while [ $# -ge 2 ]; do
        a=$1 m=$2; shift 2
        systemctl is-active -q "$(login_unit "$a")" || errs+="$(login_unit "$a") not active; "
        findmnt -n "$m" >/dev/null || errs+="$m not mounted; "
    done
    n=$(iscsiadm -m session 2>/dev/null | wc -l)
    [ "$n" -ge 2 ] || errs+="$n iSCSI sessions; "
    verdict "$name" "$errs" "both targets logged in ($n sessions) and mounted"
}

# check_login_failed NAME ALIAS MOUNTPOINT REGEX
# The login unit failed (waiting while it is still activating), its journal
# matches REGEX, the mount is not there.
check_login_failed() {
    local name=$1 alias=$2 mnt=$3 re=$4 errs="" login st t0 t1 msg
    login=$(login_unit "$alias")
    # a login may still be retrying when the boot is done, and a failed one runs
    # its ExecStopPost= (the logout): wait for a settled state (bounded)
    for _ in $(seq "${VMTEST_SETTLE:-240}"); do
        case $(systemctl is-active "$login") in activating|deactivating|reloading) ;; *) break ;; esac
        sleep 1
    done
    st=$(systemctl is-active "$login")
    [ "$st" = failed ] || errs+="$login is $st, expected failed; "
    msg=$(journalctl -b -q -o cat --no-pager -u "$login" | grep -iE -m1 "$re")
    [ -n "$msg" ] || errs+="journal of $login has no line matching /$re/; "
    if [ -n "$mnt" ] && findmnt -n "$mnt" >/dev/null; then errs+="$mnt is mounted; "; fi
    t0=$(usec "$login" ExecMainStartTimestampMonotonic)
    t1=$(usec "$login" InactiveEnterTimestampMonotonic)
    [ "${t1:-0}" -gt 0 ] && echo "VMTEST TIME login-fail:$alias $(secs "$t1") (unit ran $(secs $((t1 - t0))) s)"
    verdict "$name" "$errs" "$login failed after $(secs $((t1 - t0))) s: $msg"
}

# check_boot_time NAME MAXSEC: multi-user.target reached within MAXSEC
check_boot_time() {
    local name=$1 max=$2 t
    t=$(usec multi-user.target ActiveEnterTimestampMonotonic)
    echo "VMTEST TIME multi-user.target $(secs "$t")"
    if [ "${t:-0}" -gt 0 ] && [ "$t" -le $((max * 1000000)) ]; then
        result "$name" PASS "multi-user.target reached $(secs "$t") s after boot (limit $max s)"
    else
        result "$name" FAIL "multi-user.target reached $(secs "$t") s after boot (limit $max s)"
    fi
}

# check_boot_bound NAME UNIT SECONDS: multi-user.target reached at most
# SECONDS after UNIT started (device timeout + margin after the logins began)
check_boot_bound() {
    local name=$1 ref=$2 max=$3 t r
    t=$(usec multi-user.target ActiveEnterTimestampMonotonic)
    r=$(usec "$ref" ExecMainStartTimestampMonotonic)
    [ "${r:-0}" -gt 0 ] || r=$(usec "$ref" InactiveExitTimestampMonotonic)
    echo "VMTEST TIME multi-user.target $(secs "$t")"
    if [ "${t:-0}" -gt 0 ] && [ "${r:-0}" -gt 0 ] && [ "$t" -le $((r + max * 1000000)) ]; then
        result "$name" PASS "multi-user.target reached $(secs "$t") s after boot, $(secs $((t - r))) s after $ref started (limit $max s)"
    else
        result "$name" FAIL "multi-user.target reached $(secs "$t") s after boot, $ref started at $(secs "$r") s (limit $max s after it)"
    fi
}

# wait_settled MAXSEC: wait until no job but ours is queued (a failed
# required mount lets multi-user.target through while other logins, unlocks
# and mounts still run)
wait_settled() {
    local n=0
    for _ in $(seq "$1"); do
        n=$(systemctl list-jobs --no-legend --no-pager 2>/dev/null |
            awk '$1 ~ /^[0-9]+$/ && $2 != "vmtest-check.service"' | wc -l)
        [ "$n" = 0 ] && break
        sleep 1
    done
    echo "VMTEST TIME settled $(cut -d' ' -f1 /proc/uptime) ($n jobs left)"
}

# check_luks_open NAME ALIAS MOUNTPOINT: the LUKS volume on the LUN is open as
# /dev/mapper/iscsi-ALIAS by the unlock unit, and that is what is mounted
check_luks_open() {
    local name=$1 alias=$2 mnt=$3 errs="" unlock map src backing typ msg
    unlock=iscsi-creds-unlock@$alias.service map=/dev/mapper/iscsi-$alias
    [ -b "$map" ] || errs+="$map does not exist; "
    systemctl is-active -q "$unlock" || errs+="$unlock is $(systemctl is-active "$unlock"); "
    src=$(findmnt -n -o SOURCE "$mnt" 2>/dev/null)
    [ "$src" = "$map" ] || errs+="$mnt is mounted from '${src:-nothing}', not $map; "
    typ=$(cryptsetup status "iscsi-$alias" 2>/dev/null | sed -n 's/^ *type: *//p')
    backing=$(cryptsetup status "iscsi-$alias" 2>/dev/null | sed -n 's/^ *device: *//p')
    [ "$typ" = LUKS2 ] || errs+="cryptsetup status iscsi-$alias: type '${typ:-?}'; "
    msg=$(journalctl -b -q -o cat --no-pager -u "$unlock" | grep -m1 'opened the LUKS volume')
    [ -n "$msg" ] || errs+="no 'opened the LUKS volume' in the journal of $unlock; "
    if [ -n "$errs" ]; then
        errs+="its first error: $(journalctl -b -q -o cat --no-pager -p err _SYSTEMD_UNIT="$unlock" | head -n1)"
    fi
    verdict "$name" "$errs" "$map ($typ on $backing) mounted at $mnt, $unlock active: $msg"
}

# check_luks_wrong NAME ALIAS MOUNTPOINT REGEX: the unlock unit failed with a
# message matching REGEX, the login itself worked, the mount was not tried
check_luks_wrong() {
    local name=$1 alias=$2 mnt=$3 re=$4 errs="" unlock munit msg mj
    unlock=iscsi-creds-unlock@$alias.service munit=$(mount_unit "$mnt")
    [ "$(systemctl is-active "$unlock")" = failed ] ||
        errs+="$unlock is $(systemctl is-active "$unlock"), expected failed; "
    msg=$(journalctl -b -q -o cat --no-pager -u "$unlock" | grep -iE -m1 "$re")
    [ -n "$msg" ] || errs+="journal of $unlock has no line matching /$re/; "
    [ ! -e "/dev/mapper/iscsi-$alias" ] || errs+="/dev/mapper/iscsi-$alias exists; "
    systemctl is-active -q "$(login_unit "$alias")" ||
        errs+="$(login_unit "$alias") is $(systemctl is-active "$(login_unit "$alias")") (the login should work); "
    if findmnt -n "$mnt" >/dev/null; then errs+="$mnt is mounted; "; fi
    mj=$(journalctl -b -q -o cat --no-pager -u "$munit" | tr '\n' ' ')
    case $mj in *Mounting*) errs+="$munit was attempted: $mj; " ;; esac
    verdict "$name" "$errs" "$unlock failed: $msg | $munit not attempted ($(systemctl is-active "$munit"); journal: ${mj:-nothing})"
}

# check_initiator NAME ALIAS TARGET INITIATOR: the session to TARGET uses
# INITIATOR, as seen by the initiator and by tgtd
check_initiator() {
    local name=$1 alias=$2 target=$3 ini=$4 errs="" mine theirs tid
    systemctl is-active -q "$(login_unit "$alias")" ||
        errs+="$(login_unit "$alias") is $(systemctl is-active "$(login_unit "$alias")"); "
    mine=$(iscsiadm -m session -P 3 2>/dev/null | awk -v t="$target" '
        /^Target: / { on = ($2 == t) } on && /Iface Initiatorname:/ { print $3; exit }')
    [ "$mine" = "$ini" ] || errs+="iscsiadm -m session -P 3: Iface Initiatorname '${mine:-?}' for $target; "
    tid=$(tgtadm --lld iscsi --op show --mode target | sed -n "s/^Target \([0-9]*\): $target\$/\1/p")
    theirs=$(tgtadm --lld iscsi --op show --mode target | awk -v t="$target" '
        /^Target [0-9]+: / { on = ($3 == t) } on && /Initiator: / { print $2 }' | paste -sd' ')
    [ "$theirs" = "$ini" ] || errs+="tgtd target $tid sees initiator(s) '${theirs:-none}'; "
    verdict "$name" "$errs" "iscsiadm: Iface Initiatorname: $mine; tgtadm target $tid ($target): Initiator: $theirs"
}

# check_bypath NAME TARGET LUNS-PRESENT LUNS-ABSENT: which by-path links of
# TARGET (on 127.0.0.1:3260) exist; LUNS are space-separated lun-... suffixes
check_bypath() {
    local name=$1 target=$2 yes=$3 no=$4 errs="" l p all
    p=/dev/disk/by-path/ip-127.0.0.1:3260-iscsi-$target
    for l in $yes; do [ -e "$p-lun-$l" ] || errs+="no $p-lun-$l; "; done
    for l in $no; do [ ! -e "$p-lun-$l" ] || errs+="$p-lun-$l exists; "; done
    all=$(cd /dev/disk/by-path && for f in *"-iscsi-$target-lun-"*; do
              [ -e "$f" ] && printf '%s->%s ' "${f##*-iscsi-"$target"-}" "$(basename "$(readlink "$f")")"
          done)
    verdict "$name" "$errs" "by-path links of $target: ${all:-none}"
}

# check_discovered NAME ALIAS TARGET [OTHER]: the login unit of ALIAS
# discovered TARGET through SendTargets and logged in to it, and did not log
# in to OTHER (which the target = filter leaves out)
check_discovered() {
    local name=$1 alias=$2 target=$3 other=${4:-} errs="" login j disc
    login=$(login_unit "$alias")
    systemctl is-active -q "$login" || errs+="$login is $(systemctl is-active "$login"); "
    j=$(journalctl -b -q -o cat --no-pager -u "$login")
    disc=$(printf '%s\n' "$j" | grep -m1 -F "discovered $target at")
    [ -n "$disc" ] || errs+="no 'discovered $target at' in the journal of $login; "
    printf '%s\n' "$j" | grep -q -F "SendTargets discovery at" ||
        errs+="no 'SendTargets discovery at ... done' in the journal of $login; "
    printf '%s\n' "$j" | grep -q -F "logged in to $target at" ||
        errs+="no 'logged in to $target at' in the journal of $login; "
    if [ -n "$other" ] && printf '%s\n' "$j" | grep -q -F -e "logged in to $other at" -e "discovered $other at"; then
        errs+="$login used $other (target = filter ignored); "
    fi
    iscsiadm -m session 2>/dev/null | grep -q -F " $target" ||
        errs+="no session to $target in iscsiadm -m session; "
    verdict "$name" "$errs" "$disc | $(printf '%s\n' "$j" | grep -m1 -F "logged in to $target at") | sessions: $(iscsiadm -m session 2>/dev/null | grep -F " $target" | paste -sd';')"
}

# check_multipath NAME ALIAS MOUNTPOINT TARGET NPATHS NPORTALS: NPATHS
# sessions to TARGET, one dm-multipath map with NPATHS paths (the same WWID
# on each), mounted at MOUNTPOINT from the map; the login unit is active and
# says it logged in through NPATHS of NPORTALS portals
check_multipath() {
    local name=$1 alias=$2 mnt=$3 target=$4 np=$5 nportals=$6 errs="" login n src dm uuid ll paths wwids msg l
    login=$(login_unit "$alias")
    systemctl is-active -q "$login" || errs+="$login is $(systemctl is-active "$login"); "
    n=$(iscsiadm -m session 2>/dev/null | grep -c -F " $target")
    [ "$n" = "$np" ] || errs+="$n sessions to $target, expected $np; "
    ll=$(multipath -ll 2>&1)
    paths=$(printf '%s\n' "$ll" | grep -c -E '[0-9]+:[0-9]+:[0-9]+:[0-9]+ +sd[a-z]+ ')
    [ "$paths" = "$np" ] || errs+="multipath -ll shows $paths paths, expected $np; "
    wwids=$(for l in /dev/disk/by-path/ip-*"-iscsi-$target-lun-"*; do
                [ -e "$l" ] && /lib/udev/scsi_id -g -u -d "$l"
            done | sort | uniq -c | awk '{ printf "%s x%s ", $2, $1 }')
    src=$(findmnt -n -o SOURCE "$mnt" 2>/dev/null)
    dm=$(basename "$(readlink -f "${src:-/nonexistent}")")
    uuid=$(cat "/sys/block/$dm/dm/uuid" 2>/dev/null)
    case $uuid in
        mpath-*) ;;
        *) errs+="$mnt is mounted from '${src:-nothing}' ($dm, dm uuid '${uuid:-none}'), not a dm-multipath map; " ;;
    esac
    msg=$(journalctl -b -q -o cat --no-pager -u "$login" | grep -m1 -F "logged in through $np of $nportals portals")
    [ -n "$msg" ] || errs+="no 'logged in through $np of $nportals portals' in the journal of $login; "
    verdict "$name" "$errs" "$mnt from $src ($dm, $uuid); $n sessions; multipath -ll: $(printf '%s\n' "$ll" | head -n1) with $paths paths; scsi_id of the by-path links: $wwids; $msg"
    printf '%s\n' "$ll" | sed 's/^/    multipath -ll: /'
}

# sid_of TARGET PORTAL: the SID of the session to TARGET at PORTAL ("" if none)
sid_of() {
    local t=$1 p=$2
    iscsiadm -m session 2>/dev/null | awk -v t="$t" -v p="$p" '
        $4 == t && index($3, p ",") == 1 { gsub(/[][]/, "", $2); print $2; exit }'
}
# n_sessions TARGET: how many sessions to TARGET
n_sessions() { iscsiadm -m session 2>/dev/null | awk -v t="$1" '$4 == t' | wc -l; }

# check_shared_session NAME TARGET PORTAL ALIAS...: one session to TARGET at
# PORTAL serves every ALIAS, and their login units say so
check_shared_session() {
    local name=$1 target=$2 portal=$3 errs="" n a j sid made; shift 3
    n=$(n_sessions "$target")
    [ "$n" = 1 ] || errs+="$n sessions to $target, expected 1; "
    sid=$(sid_of "$target" "$portal")
    made=0
    for a in "$@"; do
        systemctl is-active -q "$(login_unit "$a")" || errs+="$(login_unit "$a") is $(systemctl is-active "$(login_unit "$a")"); "
        j=$(journalctl -b -q -o cat --no-pager -u "$(login_unit "$a")")
        if printf '%s\n' "$j" | grep -q -F "logged in to $target at"; then made=$((made + 1)); fi
    done
    [ "$made" = 1 ] || errs+="$made aliases logged in to $target, expected exactly 1 (the others share its session); "
    iscsi-creds status --json 2>/dev/null | jq -e --arg a "$1" '.targets[] | select(.alias == $a) |
        .session.made_by_iscsi_creds == true and (.session.used_by | length) >= 1' >/dev/null ||
        errs+="status --json of $1 does not show a session made by iscsi-creds with users; "
    verdict "$name" "$errs" "one session (SID ${sid:-?}) to $target at $portal for $*; $(iscsi-creds status "$1" 2>/dev/null | grep -E 'session:|used by:' | paste -sd' ')"
}

# check_lun_peripheral NAME ALIAS TARGET LUN: the LUN of a LIO target (peripheral
# device addressing) was attached as kernel LUN LUN, no other LUN of the
# session came with it, and the flat-space by-path name the units wait for
# points to the same disk as udev's own name
check_lun_peripheral() {
    local name=$1 alias=$2 target=$3 lun=$4 errs="" flat peri hex msg luns
    hex=$(printf '%04x' "$lun")
    flat=/dev/disk/by-path/ip-127.0.0.1:3261-iscsi-$target-lun-0x$(printf '%04x' $((0x4000 | lun)))000000000000
    peri=/dev/disk/by-path/ip-127.0.0.1:3261-iscsi-$target-lun-0x${hex}000000000000
    [ -e "$peri" ] || errs+="no $peri (udev's name); "
    [ -e "$flat" ] || errs+="no $flat (the name the units wait for); "
    [ "$(readlink -f "$flat")" = "$(readlink -f "$peri")" ] || errs+="$flat and $peri differ; "
    msg=$(journalctl -b -q -o cat --no-pager -u "$(login_unit "$alias")" | grep -m1 -F "peripheral device addressing")
    [ -n "$msg" ] || errs+="no 'peripheral device addressing' in the journal of $(login_unit "$alias"); "
    luns=$(cd /dev/disk/by-path && ls | grep -F -- "-iscsi-$target-lun-" | grep -v -e '-part' | sed 's/.*-lun-//' | sort | paste -sd' ')
    verdict "$name" "$errs" "$msg | by-path LUNs of $target: $luns | $(ls /run/udev/rules.d/ 2>/dev/null | grep iscsi-creds | paste -sd' ')"
}

# check_stop_one_alias NAME STOP_ALIAS STOP_MNT KEEP_ALIAS KEEP_MNT TOKEN TARGET PORTAL:
# with KEEP_MNT in use, stop STOP_ALIAS: its mount goes, the shared session
# (same SID) and KEEP_MNT stay and read back after dropping the caches; then
# start it again: mounted on the same session
check_stop_one_alias() {
    local name=$1 sa=$2 smnt=$3 ka=$4 kmnt=$5 token=$6 target=$7 portal=$8 errs="" sid0 sid1 sid2 holder msg
    sid0=$(sid_of "$target" "$portal")
    # something uses the other alias's file system while this one stops
    (cd "$kmnt" && exec sleep 600) & holder=$!
    systemctl stop "$(login_unit "$sa")" || errs+="systemctl stop $(login_unit "$sa") failed; "
    findmnt -n "$smnt" >/dev/null && errs+="$smnt still mounted after stopping $sa; "
    sid1=$(sid_of "$target" "$portal")
    [ -n "$sid1" ] && [ "$sid1" = "$sid0" ] || errs+="session to $target was $sid0, after stopping $sa '${sid1:-none}'; "
    findmnt -n "$kmnt" >/dev/null || errs+="$kmnt unmounted by stopping $sa; "
    sync; echo 3 >/proc/sys/vm/drop_caches
    [ "$(cat "$kmnt/hello.txt" 2>/dev/null)" = "$token" ] || errs+="$kmnt/hello.txt unreadable after dropping caches; "
    dd if="$(findmnt -n -o SOURCE "$kmnt")" of=/dev/null bs=1M count=4 iflag=direct status=none ||
        errs+="direct read of $kmnt's device failed; "
    msg=$(journalctl -b -q -o cat --no-pager -u "$(login_unit "$sa")" | grep -m1 -F "stays")
    [ -n "$msg" ] || errs+="no 'stays' in the journal of $(login_unit "$sa"); "
    kill "$holder" 2>/dev/null; wait "$holder" 2>/dev/null
    systemctl start "$(mount_unit "$smnt")" || errs+="systemctl start $(mount_unit "$smnt") failed; "
    findmnt -n "$smnt" >/dev/null || errs+="$smnt not mounted again; "
    sid2=$(sid_of "$target" "$portal")
    [ "$sid2" = "$sid0" ] || errs+="after restarting $sa the session is '${sid2:-none}', not $sid0; "
    verdict "$name" "$errs" "stopped $sa with $kmnt in use: session $sid0 stayed ($msg), $kmnt read back after drop_caches; $sa started again on session ${sid2:-?}"
}

# check_stop_all_keeps_foreign NAME OURS_TARGET... -- FOREIGN_TARGET PORTAL:
# "systemctl stop iscsi-creds.target" logs out the sessions iscsi-creds made
# and leaves the one made by hand (same SID)
check_stop_all_keeps_foreign() {
    local name=$1 errs="" t ours=() foreign portal sid0 sid1 msg; shift
    while [ "$1" != -- ]; do ours+=("$1"); shift; done
    foreign=$2 portal=$3
    sid0=$(sid_of "$foreign" "$portal")
    [ -n "$sid0" ] || errs+="no hand-made session to $foreign before the stop; "
    systemctl stop iscsi-creds.target || errs+="systemctl stop iscsi-creds.target failed; "
    # systemctl returns when the target's own job is done; the logins (ordered
    # before it) stop after it: wait for the job queue to drain
    wait_settled 120
    for t in "${ours[@]}"; do
        [ "$(n_sessions "$t")" = 0 ] || errs+="a session to $t is still there; "
    done
    sid1=$(sid_of "$foreign" "$portal")
    [ -n "$sid1" ] && [ "$sid1" = "$sid0" ] || errs+="the hand-made session to $foreign was $sid0, now '${sid1:-gone}'; "
    msg=$(journalctl -b -q -o cat --no-pager -u 'iscsi-creds-login@*' | grep -m1 -F "was not made by iscsi-creds")
    [ -n "$msg" ] || errs+="no 'was not made by iscsi-creds' in the journal; "
    verdict "$name" "$errs" "after stopping iscsi-creds.target: no session to ${ours[*]}; hand-made session $sid0 to $foreign kept ($msg)"
}

# io_ok MNT: write a fresh file, sync, drop the caches, read it back, and read
# the device with O_DIRECT (what a mounted, working LUN does); prints what failed
io_ok() {
    local mnt=$1 tok f errs=""
    tok=vmtest-io-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')
    f=$mnt/io-check.txt
    printf '%s\n' "$tok" >"$f" 2>/dev/null && sync "$f" 2>/dev/null || errs+="write to $f failed; "
    echo 3 >/proc/sys/vm/drop_caches
    [ "$(cat "$f" 2>/dev/null)" = "$tok" ] || errs+="$f does not read back; "
    dd if="$(findmnt -n -o SOURCE "$mnt")" of=/dev/null bs=1M count=4 iflag=direct status=none 2>/dev/null ||
        errs+="O_DIRECT read of $mnt's device failed; "
    printf '%s' "$errs"
}

# check_restart_keeps_mount NAME UNIT ALIAS MNT TARGET PORTAL: "systemctl
# restart UNIT" (a distribution unit: iscsid.service, open-iscsi.service)
# leaves MNT mounted and working on the same session, and the login unit active
check_restart_keeps_mount() {
    local name=$1 unit=$2 alias=$3 mnt=$4 target=$5 portal=$6 errs="" sid0 sid1 st
    sid0=$(sid_of "$target" "$portal")
    systemctl restart "$unit" || errs+="systemctl restart $unit failed; "
    wait_settled 120
    st=$(systemctl is-active "$unit")
    sid1=$(sid_of "$target" "$portal")
    findmnt -n "$mnt" >/dev/null || errs+="$mnt is not mounted after restarting $unit ($(mount_unit "$mnt"): $(systemctl is-active "$(mount_unit "$mnt")")); "
    [ -n "$sid1" ] || errs+="no session to $target after restarting $unit; "
    systemctl is-active -q "$(login_unit "$alias")" || errs+="$(login_unit "$alias") is $(systemctl is-active "$(login_unit "$alias")"); "
    if findmnt -n "$mnt" >/dev/null; then errs+=$(io_ok "$mnt"); fi
    verdict "$name" "$errs" "after systemctl restart $unit ($st): $mnt mounted and working, session $sid0 -> ${sid1:-none}"
    journalctl -b -q -o short-monotonic --no-pager -u "$unit" | tail -n 6 | sed "s/^/    $name: /"
}

# check_package_upgrade NAME ALIAS MNT TARGET PORTAL TOKEN: with ALIAS mounted,
# "apt-get install ./iscsi-creds_VERSION+vmtest1_*.deb" (the same package,
# re-versioned: an upgrade as dpkg runs it, maintainer scripts included)
# must keep MNT mounted and working (hello.txt = TOKEN) on the same session,
# restart none of the
# alias's units and leave systemd with the new unit files loaded (the
# postinst's daemon-reload). The logout at shutdown is then the new
# package's (run.sh checks the stop order).
check_package_upgrade() {
    local name=$1 alias=$2 mnt=$3 target=$4 portal=$5 errs="" sid0 sid1 v0 v1 deb t0 t1 m0 m1 login unit
    login=$(login_unit "$alias") unit=$(mount_unit "$mnt")
    v0=$(dpkg-query -W -f='${Version}' iscsi-creds)
    sid0=$(sid_of "$target" "$portal")
    t0=$(usec "$login" ActiveEnterTimestampMonotonic) m0=$(usec "$unit" ActiveEnterTimestampMonotonic)
    deb=$(find /var/lib/vmtest/deb -name 'iscsi-creds_*+vmtest1_*.deb' | head -n1)
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$deb" >/run/vmtest/apt-upgrade.log 2>&1; then
        errs+="apt-get install $deb failed: $(tail -n 3 /run/vmtest/apt-upgrade.log | tr '\n' ' '); "
    fi
    wait_settled 60
    v1=$(dpkg-query -W -f='${Version}' iscsi-creds)
    sid1=$(sid_of "$target" "$portal")
    t1=$(usec "$login" ActiveEnterTimestampMonotonic) m1=$(usec "$unit" ActiveEnterTimestampMonotonic)
    case $v1 in *+vmtest1) ;; *) errs+="iscsi-creds is $v1 after the upgrade; " ;; esac
    [ -n "$sid1" ] && [ "$sid1" = "$sid0" ] || errs+="session to $target was $sid0, now '${sid1:-none}'; "
    findmnt -n "$mnt" >/dev/null || errs+="$mnt not mounted after the upgrade; "
    [ "$(cat "$mnt/hello.txt" 2>/dev/null)" = "${6:-}" ] || errs+="$mnt/hello.txt does not hold its token; "
    if findmnt -n "$mnt" >/dev/null; then errs+=$(io_ok "$mnt"); fi
    systemctl is-active -q "$login" || errs+="$login is $(systemctl is-active "$login"); "
    [ "$t0" = "$t1" ] || errs+="$login was restarted (active since $(secs "$t0") s, now $(secs "$t1") s); "
    [ "$m0" = "$m1" ] || errs+="$unit was remounted; "
    [ "$(systemctl show -P NeedDaemonReload "$login")" = no ] || errs+="systemd runs old unit files of $login (no daemon-reload); "
    verdict "$name" "$errs" "apt-get install of $v0 -> $v1 with $mnt mounted: same session $sid0, $login and $unit not restarted, file system working, no unit needing a daemon-reload"
}

# check_package_remove_refused NAME MNT: "apt-get remove iscsi-creds" while a
# login unit is active fails (the prerm says to stop iscsi-creds.target
# first), the package stays installed and MNT mounted
check_package_remove_refused() {
    local name=$1 mnt=$2 errs="" rc=0 msg
    DEBIAN_FRONTEND=noninteractive apt-get remove -y -q iscsi-creds >/run/vmtest/apt-remove.log 2>&1 || rc=$?
    [ "$rc" != 0 ] || errs+="apt-get remove succeeded with targets attached; "
    msg=$(grep -m1 'systemctl stop iscsi-creds.target' /run/vmtest/apt-remove.log)
    [ -n "$msg" ] || errs+="no message telling to stop iscsi-creds.target: $(tail -n 3 /run/vmtest/apt-remove.log | tr '\n' ' '); "
    dpkg-query -W -f='${db:Status-Abbrev}' iscsi-creds | grep -q '^ii' ||
        errs+="iscsi-creds is $(dpkg-query -W -f='${db:Status-Abbrev}' iscsi-creds) after the refused removal; "
    findmnt -n "$mnt" >/dev/null || errs+="$mnt not mounted after the refused removal; "
    verdict "$name" "$errs" "apt-get remove refused (exit $rc): $msg"
}

# check_restart_open_iscsi NAME ALIAS MNT TARGET PORTAL: "systemctl restart
# open-iscsi.service" while it is active runs Debian's umountiscsi.sh, which
# unmounts every iSCSI-backed file system, ours too (documented in the
# README); logout-all.sh logs out only sessions with a node record, so our
# session must stay (same SID) and the login unit active; "iscsi-creds status"
# must say the LUN is not mounted; "systemctl start remote-fs.target" must
# mount it again, working.
check_restart_open_iscsi() {
    local name=$1 alias=$2 mnt=$3 target=$4 portal=$5 errs="" sid0 sid1 was st
    sid0=$(sid_of "$target" "$portal")
    systemctl restart open-iscsi.service || errs+="systemctl restart open-iscsi.service failed; "
    wait_settled 120
    sid1=$(sid_of "$target" "$portal")
    [ -n "$sid1" ] && [ "$sid1" = "$sid0" ] || errs+="session to $target was $sid0, now '${sid1:-none}'; "
    systemctl is-active -q "$(login_unit "$alias")" || errs+="$(login_unit "$alias") is $(systemctl is-active "$(login_unit "$alias")"); "
    if findmnt -n "$mnt" >/dev/null; then
        was="stayed mounted"
    else
        was="was unmounted by umountiscsi.sh"
        # (this service has credentials of its own: status looks at the system's)
        st=$(env -u CREDENTIALS_DIRECTORY iscsi-creds status --json "$alias" 2>/dev/null | jq -r '.targets[0].mounted')
        [ "$st" = false ] || errs+="iscsi-creds status says mounted=$st for the unmounted $mnt; "
        systemctl start remote-fs.target || errs+="systemctl start remote-fs.target failed; "
        findmnt -n "$mnt" >/dev/null || errs+="$mnt not mounted again by systemctl start remote-fs.target; "
    fi
    if findmnt -n "$mnt" >/dev/null; then errs+=$(io_ok "$mnt"); fi
    verdict "$name" "$errs" "restart of the active open-iscsi.service: $mnt $was; session $sid0 kept; mounted and working after systemctl start remote-fs.target"
    journalctl -b -q -o short-monotonic --no-pager -u open-iscsi.service | tail -n 6 | sed "s/^/    $name: /"
}

# ---------------------------------------------------------------- faults
# A writer that checks every block it wrote: numbered 4 KiB blocks into a
# ring of WRITER_SLOTS slots of MNT/vmtest-writer-TAG.dat, each written with
# O_DIRECT|O_DSYNC (so it reaches the target, past both caches) and read
# back with O_DIRECT and compared; one line per block in
# /run/vmtest/writer-TAG/log: "SEQ EPOCH ok" or "SEQ EPOCH ERR what".  After
# "writer_stop TAG" it reads the whole ring back once (O_DIRECT) and writes
# the result to .../verify.
WRITER_SLOTS=256
FAULT_TOOL=/usr/local/lib/vmtest/target-setup.sh
writer_loop() {  # TAG FILE DIR
    local tag=$1 f=$2 d=$3 seq=0 slot blk got i
    local -a last=()
    for ((i = 0; i < WRITER_SLOTS; i++)); do printf '%-4095s\n' "vmtest-writer $tag -1"; last[i]=-1; done >"$f"
    sync "$f"
    while [ ! -e "$d/stop" ]; do
        slot=$((seq % WRITER_SLOTS))
        printf -v blk '%-4095s' "vmtest-writer $tag $seq"
        if ! dd of="$f" bs=4096 seek="$slot" count=1 iflag=fullblock oflag=direct,dsync conv=notrunc \
                status=none 2>"$d/err" <<<"$blk"; then
            echo "$seq $EPOCHREALTIME ERR write of block $slot: $(head -n1 "$d/err")" >>"$d/log"
            last[slot]='?'; seq=$((seq + 1)); sleep 0.5; continue
        fi
        if ! got=$(dd if="$f" bs=4096 skip="$slot" count=1 iflag=direct status=none 2>"$d/err"); then
            echo "$seq $EPOCHREALTIME ERR read-back of block $slot: $(head -n1 "$d/err")" >>"$d/log"
            last[slot]='?'; seq=$((seq + 1)); sleep 0.5; continue
        fi
        if [ "$got" != "$blk" ]; then
            echo "$seq $EPOCHREALTIME ERR block $slot reads back as '${got:0:40}'" >>"$d/log"
            last[slot]='?'
        else
            echo "$seq $EPOCHREALTIME ok" >>"$d/log"
            last[slot]=$seq
        fi
        seq=$((seq + 1))
    done
    for ((i = 0; i < WRITER_SLOTS; i++)); do echo "${last[i]}"; done >"$d/expected"
    if dd if="$f" bs=1M iflag=direct status=none 2>"$d/err" | awk -v tag="$tag" -v wantf="$d/expected" '
            BEGIN { while ((getline l < wantf) > 0) want[n++] = l }
            { s = NR - 1
              if ($1 != "vmtest-writer" || $2 != tag || (want[s] != "?" && $3 != want[s])) {
                  if (!bad) bad = sprintf("block %d holds \"%s %s %s\", expected seq %s", s, $1, $2, $3, want[s]); nbad++ } }
            END { if (NR != n) { printf "FAIL %d blocks read, %d written\n", NR, n; exit }
                  if (nbad) printf "FAIL %d of %d blocks wrong, first: %s\n", nbad, NR, bad
                  else printf "ok %d blocks\n", NR }' >"$d/verify"; then :; else
        echo "FAIL reading the ring back: $(head -n1 "$d/err")" >"$d/verify"
    fi
}
# writer_start TAG MNT [MIN]: start the writer, wait (bounded) until MIN
# blocks (default 5) are done
writer_start() {
    local tag=$1 mnt=$2 d=/run/vmtest/writer-$1
    mkdir -p "$d"; : >"$d/log"; rm -f "$d/stop" "$d/verify"
    writer_loop "$tag" "$mnt/vmtest-writer-$tag.dat" "$d" </dev/null >/dev/null 2>&1 &
    echo $! >"$d/pid"
    writer_wait_ok "$tag" 0 "${3:-5}" 120
}
# writer_wait_ok TAG T N MAXSEC: wait until N blocks were done after epoch T
writer_wait_ok() {
    local i
    for ((i = 0; i < $4 * 2; i++)); do
        [ "$(awk -v t="$2" '$3 == "ok" && $2 > t' "/run/vmtest/writer-$1/log" | wc -l)" -ge "$3" ] && return 0
        sleep 0.5
    done
    return 1
}
# writer_gap TAG T0: "MAXGAP FROM TO" - the longest time between two
# completed blocks from the last one before epoch T0 on
writer_gap() {
    awk -v t0="$2" '$3 != "ok" { next }
        $2 < t0 { prev = $2; next }
        { if (prev != "" && $2 - prev > max) { max = $2 - prev; from = prev; to = $2 } prev = $2 }
        END { printf "%.1f %s %s\n", max, from, to }' "/run/vmtest/writer-$1/log"
}
writer_errors() { awk -v t0="${2:-0}" '$3 == "ERR" && $2 >= t0' "/run/vmtest/writer-$1/log"; }
writer_count() { awk '$3 == "ok"' "/run/vmtest/writer-$1/log" | wc -l; }
# writer_stop TAG: stop it and wait (bounded) for its read-back of the ring
writer_stop() {
    local d=/run/vmtest/writer-$1 i
    touch "$d/stop"
    for ((i = 0; i < 240; i++)); do [ -s "$d/verify" ] && break; sleep 0.5; done
    cat "$d/verify" 2>/dev/null || echo "FAIL no read-back result"
}
now() { echo "$EPOCHREALTIME"; }
ago() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }
sess_attr() {  # SID ATTR
    cat "/sys/class/iscsi_session/session$1/$2" 2>/dev/null || echo "?"
}
# wait_logged_in SID MAXSEC: the session is LOGGED_IN again
wait_logged_in() {
    local i
    for ((i = 0; i < $2 * 2; i++)); do
        [ "$(sess_attr "$1" state)" = LOGGED_IN ] && return 0
        sleep 0.5
    done
    return 1
}
# journal_since EPOCH: journal lines (kernel and iscsid) from EPOCH on,
# the ones that say what the initiator did
journal_since() {
    journalctl -q -o short-monotonic --no-pager --since "@${1%.*}" _TRANSPORT=kernel + _COMM=iscsid 2>/dev/null |
        grep -a -iE 'conn error|connection|recovery|ping|login|reject|offline|I/O error|EXT4|iscsid' | head -n "${2:-12}"
}

# check_fault NAME TAG TARGET PORTAL HOW...: with the writer TAG running,
# apply a fault and wait (bounded) until the writer has done 5 more blocks
# after it; the session (same SID) is LOGGED_IN again, no block was lost.
# HOW: tgtd-restart | link-down PORT SECONDS | tpg-cycle IQN SECONDS |
#      iscsid-restart
# Prints VMTEST TIME fault-pause:NAME (the longest gap between two blocks).
check_fault() {
    local name=$1 tag=$2 target=$3 portal=$4 how=$5 errs="" sid0 sid1 t0 t1 gap from to what; shift 5
    sid0=$(sid_of "$target" "$portal")
    [ -n "$sid0" ] || errs+="no session to $target before the fault; "
    t0=$(now)
    case $how in
        tgtd-restart)
            what="tgtd restarted (systemctl restart vmtest-target.service)"
            systemctl restart vmtest-target.service || errs+="systemctl restart vmtest-target.service failed; " ;;
        link-down)
            what="network to port $1 down for $2 s (nft drop)"
            $FAULT_TOOL block "$1"; sleep "$2"; $FAULT_TOOL unblock "$1" ;;
        tpg-cycle)
            what="LIO TPG of $1 disabled for $2 s"
            $FAULT_TOOL lio-tpg "$1" 0; sleep "$2"; $FAULT_TOOL lio-tpg "$1" 1 ;;
        iscsid-restart)
            what="systemctl restart iscsid.service"
            systemctl restart iscsid.service || errs+="systemctl restart iscsid.service failed; " ;;
    esac
    t1=$(now)
    wait_logged_in "$sid0" 180 || errs+="session $sid0 is $(sess_attr "$sid0" state) 180 s after the fault; "
    writer_wait_ok "$tag" "$t1" 5 180 || errs+="the writer did not get 5 blocks done within 180 s after the fault; "
    sid1=$(sid_of "$target" "$portal")
    [ "$sid1" = "$sid0" ] || errs+="session was $sid0, now '${sid1:-none}'; "
    [ -z "$(writer_errors "$tag")" ] || errs+="writer errors: $(writer_errors "$tag" | head -n 2 | paste -sd'|'); "
    read -r gap from to <<<"$(writer_gap "$tag" "$t0")"
    echo "VMTEST TIME fault-pause:$name $gap"
    verdict "$name" "$errs" "$what: fault over after $(ago "$t0" "$t1") s; longest I/O pause $gap s (writer $tag, $(writer_count "$tag") blocks so far, none lost); session $sid0 $(sess_attr "$sid0" state) again, recovery_tmo $(sess_attr "$sid0" recovery_tmo) s"
    journal_since "${t0%.*}" | sed "s/^/    $name: /"
}

# check_writer_verify NAME TAG: stop the writer; every block of its ring
# reads back as last written
check_writer_verify() {
    local name=$1 tag=$2 v
    v=$(writer_stop "$tag")
    case $v in
        ok*) result "$name" PASS "writer $tag: $(writer_count "$tag") blocks written and read back one by one, ring read back at the end: $v, no error" ;;
        *) result "$name" FAIL "writer $tag: $v; errors: $(writer_errors "$tag" | head -n 2 | paste -sd'|')" ;;
    esac
}

# check_past_timeout NAME TAG MNT TARGET PORTAL IQN RT: a fault longer than
# the session's replacement_timeout RT (the LIO TPG disabled): the writer's
# I/O fails with EIO no earlier than RT s after the fault and not much later,
# the kernel says "session recovery timed out after RT secs"; with the TPG
# enabled again the session logs in again by itself.
check_past_timeout() {
    local name=$1 tag=$2 mnt=$3 target=$4 portal=$5 iqn=$6 rt=$7 errs="" sid t0 terr t1 e i tmo k after ro
    sid=$(sid_of "$target" "$portal")
    tmo=$(sess_attr "$sid" recovery_tmo)
    [ "$tmo" = "$rt" ] || errs+="recovery_tmo of session $sid is $tmo, expected $rt (replacement_timeout of the credential); "
    writer_start "$tag" "$mnt" || errs+="the writer on $mnt did not start; "
    t0=$(now)
    $FAULT_TOOL lio-tpg "$iqn" 0
    terr=""
    for ((i = 0; i < (rt + 90) * 2; i++)); do
        e=$(writer_errors "$tag" | head -n1)
        if [ -n "$e" ]; then terr=$(awk '{ print $2 }' <<<"$e"); break; fi
        sleep 0.5
    done
    if [ -z "$terr" ]; then
        errs+="no I/O error within $((rt + 90)) s of the fault; "
    else
        case $e in *"Input/output error"*) ;; *) errs+="the first error is not EIO: $e; " ;; esac
        awk -v a="$t0" -v b="$terr" -v rt="$rt" 'BEGIN { exit !(b - a >= rt - 1 && b - a <= rt + 30) }' ||
            errs+="I/O failed $(ago "$t0" "$terr") s after the fault, expected $rt..$((rt + 30)) s; "
    fi
    k=$(journalctl -q -k -o cat --no-pager --since "@${t0%.*}" | grep -a -m1 "session recovery timed out after $rt secs")
    [ -n "$k" ] || errs+="no 'session recovery timed out after $rt secs' in the kernel log; "
    writer_stop "$tag" >/dev/null
    t1=$(now)
    $FAULT_TOOL lio-tpg "$iqn" 1
    wait_logged_in "$sid" 120 || errs+="session $sid is $(sess_attr "$sid" state) 120 s after the TPG came back; "
    after=$(ago "$t1" "$(now)")
    ro=$(findmnt -n -o OPTIONS "$mnt" | cut -d, -f1)
    echo "VMTEST TIME past-timeout-eio:$name $(ago "$t0" "${terr:-$t0}")"
    verdict "$name" "$errs" "TPG of $iqn disabled, replacement_timeout $rt s: I/O failed after $(ago "$t0" "${terr:-$t0}") s with '${e#* * ERR }'; kernel: '$k'; TPG enabled again: session $sid $(sess_attr "$sid" state) after $after s, $mnt now mounted $ro"
    journal_since "${t0%.*}" 16 | sed "s/^/    $name: /"
}

# sid_by_name SHORTNAME: the SID of the session whose target name ends in :SHORTNAME
sid_by_name() {
    local f
    for f in /sys/class/iscsi_session/session*/targetname; do
        case $(cat "$f") in *":$1") f=${f%/targetname}; echo "${f##*/session}"; return ;; esac
    done
}
tmo_list() {
    local s
    for s in /sys/class/iscsi_session/session*; do
        printf '%s=%s ' "$(sed 's/.*://' "$s/targetname")" "$(cat "$s/recovery_tmo")"
    done
}
# check_iscsid_restart NAME "TAG..." "PIN..." : "systemctl restart
# iscsid.service" with the writers TAG running. The new iscsid has no node
# record for our sessions: for each it logs "Could not read data from db",
# takes the values the kernel has (CHAP included) and iscsid.conf's timeouts,
# and logs in again (a sync is a reconnect, one session after the other).
# Checked: every session is LOGGED_IN again (same SIDs), the writers went on
# without error, and the sessions of the targets PIN (short names), whose
# recovery_tmo was written to sysfs before (the kernel then ignores what
# iscsid sets), keep it; prints each writer's pause and every recovery_tmo
# before and after.
check_iscsid_restart() {
    local name=$1 tags=$2 pins=$3 errs="" before after t0 t1 n ns i s tag gap from to pauses="" p v sids0 sids1 uniq
    for p in $pins; do
        s=$(sid_by_name "$p")
        v=$(cat "/sys/class/iscsi_session/session$s/recovery_tmo")
        echo "$v" >"/sys/class/iscsi_session/session$s/recovery_tmo" || errs+="cannot write recovery_tmo of session $s; "
    done
    before=$(tmo_list)
    sids0=$(iscsiadm -m session 2>/dev/null | awk '{ print $2 }' | sort | paste -sd' ')
    ns=$(ls -d /sys/class/iscsi_session/session* | wc -l)
    t0=$(now)
    systemctl restart iscsid.service || errs+="systemctl restart iscsid.service failed; "
    # the new iscsid logs "connectionN:0 is operational after recovery" once per session
    for ((i = 0; i < 240; i++)); do
        uniq=$(journalctl -q -o cat --no-pager --since "@${t0%.*}" -u iscsid.service |
               sed -n 's/^connection\([0-9]*\):0 is operational after recovery.*/\1/p' | sort -u | wc -l)
        [ "$uniq" -ge "$ns" ] && break
        sleep 0.5
    done
    t1=$(now)
    [ "$uniq" -ge "$ns" ] || errs+="only $uniq of $ns sessions logged in again within 120 s; "
    for tag in $tags; do
        writer_wait_ok "$tag" "$t1" 5 120 || errs+="writer $tag did not go on; "
        [ -z "$(writer_errors "$tag")" ] || errs+="writer $tag: $(writer_errors "$tag" | head -n 1); "
        read -r gap from to <<<"$(writer_gap "$tag" "$t0")"
        echo "VMTEST TIME fault-pause:$name:$tag $gap"
        pauses+="$tag $gap s, "
    done
    sids1=$(iscsiadm -m session 2>/dev/null | awk '{ print $2 }' | sort | paste -sd' ')
    [ "$sids1" = "$sids0" ] || errs+="sessions were $sids0, now $sids1; "
    after=$(tmo_list)
    for p in $pins; do
        [ "$(grep -o " $p=[0-9]*" <<<" $before")" = "$(grep -o " $p=[0-9]*" <<<" $after")" ] ||
            errs+="$p: recovery_tmo pinned in sysfs changed: before $before, after $after; "
    done
    n=$(journalctl -q -o cat --no-pager --since "@${t0%.*}" -u iscsid.service | grep -c "Could not read data from db")
    [ "$n" -ge "$ns" ] || errs+="$n x 'Could not read data from db' for $ns sessions; "
    echo "VMTEST TIME iscsid-resync $(ago "$t0" "$t1")"
    echo "VMTEST TIME recovery-tmo-before-iscsid-restart $before"
    echo "VMTEST TIME recovery-tmo-after-iscsid-restart $after"
    verdict "$name" "$errs" "new iscsid: $n x 'Could not read data from db. Using default and currently negotiated values', all $ns sessions ($sids1) logged in again with the kernel's CHAP values within $(ago "$t0" "$t1") s; I/O pause: ${pauses%, }; recovery_tmo before: $before; after: $after(pinned in sysfs: $pins; iscsid.conf says $(sed -n 's/^node.session.timeo.replacement_timeout *= *//p' /etc/iscsi/iscsid.conf))"
    journal_since "${t0%.*}" 14 | sed "s/^/    $name: /"
}

# at_poweroff CMD...: run CMD after the last check and the final sync, just
# before "VMTEST POWEROFF" (so that the host times the shutdown alone)
AT_POWEROFF=()
at_poweroff() { AT_POWEROFF+=("$*"); }
# dirty_mounts MNT...: 2 MiB of unsynced data on each MNT, which the
# unmount must write (run through at_poweroff, before the targets go away)
dirty_mounts() {
    local m
    for m in "$@"; do head -c 2M /dev/urandom >"$m/dirty-at-shutdown.bin"; done
    echo "vmtest: 2 MiB unsynced on $* before the targets go away"
}

# check_started_after NAME UNIT SECONDS: UNIT started no earlier than SECONDS
# after boot (what held it back: network-online.target)
check_started_after() {
    local name=$1 unit=$2 min=$3 t
    t=$(usec "$unit" ExecMainStartTimestampMonotonic)
    [ "${t:-0}" -gt 0 ] || t=$(usec "$unit" InactiveExitTimestampMonotonic)
    if [ "${t:-0}" -ge $((min * 1000000)) ]; then
        result "$name" PASS "$unit started $(secs "$t") s after boot (held back at least $min s)"
    else
        result "$name" FAIL "$unit started $(secs "$t") s after boot, expected at least $min s"
    fi
}

# check_cmd NAME CMD...: CMD exits 0; its output (first lines) is the detail
check_cmd() {
    local name=$1 out rc; shift
    out=$("$@" 2>&1); rc=$?
    printf '%s\n' "$out" | sed "s/^/    $name: /"
    if [ "$rc" = 0 ]; then result "$name" PASS "'$*' exit 0: $(printf '%s' "$out" | head -n 4 | paste -sd'|')"
    else result "$name" FAIL "'$*' exit $rc: $(printf '%s' "$out" | head -n 6 | paste -sd'|')"; fi
}

# check_status_json NAME ALIAS...: "iscsi-creds status --json" is JSON (jq)
# and shows each ALIAS with an active login unit, a session and mounted=true
check_status_json() {
    local name=$1 errs="" out a line; shift
    out=$(iscsi-creds status --json 2>/run/vmtest/status.err)
    if ! printf '%s' "$out" | jq -e . >/dev/null 2>&1; then
        result "$name" FAIL "status --json is not JSON: $(head -c 300 <<<"$out" | tr '\n' ' ') $(head -n2 /run/vmtest/status.err | tr '\n' ' ')"
        return
    fi
    printf '%s' "$out" | jq -c '.targets[]' | sed "s/^/    $name: /"
    local seen="" st sid m
    for a in "$@"; do
        line=$(printf '%s' "$out" | jq -r --arg a "$a" '.targets[] | select(.alias == $a) |
            "\(.unit.active_state) \(.session.sid // "none") \(.mounted)"')
        read -r st sid m <<<"$line"
        if [ "$st" != active ] || [ "${sid:-none}" = none ] || [ "$m" != true ]; then
            errs+="$a: '${line:-not listed}'; "
        fi
        seen+="$a: unit $st, session $sid, mounted $m; "
    done
    verdict "$name" "${errs:+expected active, a session, mounted=true: $errs}" "status --json parses (jq); $seen"
}

# ---- late targets (iscsi-creds-retry@.service) --------------------------
# mono_usec: CLOCK_MONOTONIC now, µs (what systemd's *Monotonic stamps count)
mono_usec() { awk '{ printf "%d", $1 * 1000000 }' /proc/uptime; }
# retry_msgs ALIAS MESSAGE_ID: how many such messages the alias's retry logged
retry_msgs() {
    journalctl -b -q -o cat --no-pager MESSAGE_ID="$2" ISCSI_CREDS_ALIAS="$1" 2>/dev/null | wc -l
}
MID_RETRY_WAITING=95bf2ba722004d4f8d8b71bcd4164869
MID_RETRY_ATTEMPT=425f1e10b3c3402fa531683a49ab9827
MID_RETRY_DONE=5f0772f7850d4793b3c4d711c50de53b

# check_retry_status NAME ALIAS REGEX: while the target does not answer, its
# retry service runs and "iscsi-creds status" (text and --json) shows it
# waiting, with a next attempt at most 60 s away and a last error matching REGEX
check_retry_status() {
    local name=$1 alias=$2 re=$3 errs="" unit js st next err txt
    unit=iscsi-creds-retry@$alias.service
    # started by OnFailure= of the failed login: wait until it has published a state
    # with the result of a probe (its first state, before any probe, has no error yet)
    for _ in $(seq 60); do
        js=$(iscsi-creds status --json "$alias" 2>/dev/null | jq -c '.targets[0].retry // {}')
        st=$(jq -r '.state // empty' <<<"$js") err=$(jq -r '.last_error // empty' <<<"$js")
        [ "$st" = waiting ] && [ -n "$err" ] && break
        sleep 1
    done
    systemctl is-active -q "$unit" || errs+="$unit is $(systemctl is-active "$unit"); "
    js=$(iscsi-creds status --json "$alias" 2>/dev/null | jq -c '.targets[0].retry')
    st=$(jq -r '.state // empty' <<<"$js") next=$(jq -r '.next_attempt_in_sec // empty' <<<"$js")
    err=$(jq -r '.last_error // empty' <<<"$js")
    [ "$st" = waiting ] || errs+="retry state '${st:-none}', expected waiting; "
    { [ -n "$next" ] && [ "$next" -le 60 ]; } || errs+="next attempt in '${next:-?}' s, expected <= 60; "
    grep -qE "$re" <<<"$err" || errs+="last_error '$err' does not match /$re/; "
    txt=$(iscsi-creds status "$alias" 2>/dev/null | grep -A1 '^    retry:' | paste -sd' ')
    [ -n "$txt" ] || errs+="no 'retry:' line in iscsi-creds status; "
    echo "    $name: status: $txt"
    if [ -n "$errs" ]; then
        errs+="status --json: $(iscsi-creds status --json "$alias" 2>&1 | tr -d ' \n' | tail -c 600); "
        errs+="state file: $(tr '\n' ' ' </run/iscsi-creds/retry/"$alias" 2>&1); "
    fi
    verdict "$name" "$errs" "$unit active; status --json retry: $js"
}

# check_credential_unusable NAME ALIAS MOUNTPOINT RE: PID 1 could not decrypt
# a credential of the login unit (exit status 243, CREDENTIALS), so the helper
# never ran: the login unit failed, its journal ("journalctl -u", where the
# admin looks) has the retry service's message naming the credential and why
# (RE), the retry service stays up without restarting and "status --json"
# says "stopped" with the same reason; the mount is not mounted
check_credential_unusable() {
    local name=$1 alias=$2 mnt=$3 re=$4 errs="" login retry js st err msg code
    login=iscsi-creds-login@$alias.service retry=iscsi-creds-retry@$alias.service
    for _ in $(seq "${VMTEST_SETTLE:-240}"); do
        case $(systemctl is-active "$login") in activating|deactivating|reloading) ;; *) break ;; esac
        sleep 1
    done
    [ "$(systemctl is-active "$login")" = failed ] || errs+="$login is $(systemctl is-active "$login"), expected failed; "
    code=$(systemctl show -P ExecMainStatus "$login")
    [ "$code" = 243 ] || errs+="$login ExecMainStatus=$code, expected 243 (CREDENTIALS); "
    # the retry service (OnFailure=) reads the journal for up to 3 s: wait for its state
    for _ in $(seq 60); do
        js=$(iscsi-creds status --json "$alias" 2>/dev/null | jq -c '.targets[0].retry // {}')
        [ "$(jq -r '.state // empty' <<<"$js")" = stopped ] && break
        sleep 1
    done
    st=$(jq -r '.state // empty' <<<"$js") err=$(jq -r '.last_error // empty' <<<"$js")
    [ "$st" = stopped ] || errs+="retry state '${st:-none}', expected stopped; "
    grep -qE "$re" <<<"$err" || errs+="last_error '$err' does not match /$re/; "
    systemctl is-active -q "$retry" || errs+="$retry is $(systemctl is-active "$retry"); "
    [ "$(systemctl show -P NRestarts "$retry")" = 0 ] || errs+="$retry restarted $(systemctl show -P NRestarts "$retry") times; "
    msg=$(journalctl -b -q -o json --no-pager -u "$login" |
        jq -r 'select(.MESSAGE_ID == "f7d339eb684a4289b6f85201b3d91c16") | .MESSAGE' | tail -n1)
    grep -qE "$re" <<<"$msg" || errs+="journalctl -u $login has no message of ours matching /$re/ (got '$msg'); "
    if findmnt -n "$mnt" >/dev/null; then errs+="$mnt is mounted; "; fi
    [ -z "$errs" ] || errs+="journal of $login: $(journalctl -b -q -o cat --no-pager -u "$login" | tail -n 8 | paste -sd'|'); "
    verdict "$name" "$errs" "$login failed (243/CREDENTIALS), retry stopped: $msg"
}

# check_late_mounted NAME ALIAS MOUNTPOINT TOKEN LATEUNIT MAXGAP: the target
# came up when LATEUNIT finished (after the boot); MOUNTPOINT gets mounted
# without anyone acting, at most MAXGAP s after that (the retry's longest
# interval, 60 s, plus login, unlock and mount), holding TOKEN; the boot
# reached multi-user.target before the target was up; the retry service is
# gone and said so once.
check_late_mounted() {
    local name=$1 alias=$2 mnt=$3 token=$4 late=$5 gap=$6 errs="" unit tup tm tmu src n_wait retry
    unit=$(mount_unit "$mnt") retry=iscsi-creds-retry@$alias.service
    for _ in $(seq 400); do
        findmnt -n "$mnt" >/dev/null && systemctl is-active -q "$unit" && break
        sleep 1
    done
    findmnt -n "$mnt" >/dev/null || errs+="$mnt not mounted ($unit: $(systemctl is-active "$unit")); "
    src=$(findmnt -n -o SOURCE "$mnt" 2>/dev/null)
    [ "$(cat "$mnt/hello.txt" 2>/dev/null)" = "$token" ] || errs+="$mnt/hello.txt does not hold the expected token; "
    tup=$(usec "$late" ExecMainExitTimestampMonotonic)
    tm=$(usec "$unit" ActiveEnterTimestampMonotonic)
    tmu=$(usec multi-user.target ActiveEnterTimestampMonotonic)
    if [ "${tup:-0}" -eq 0 ] || [ "${tm:-0}" -eq 0 ] || [ $((tm - tup)) -gt $((gap * 1000000)) ] || [ "$tm" -lt "$tup" ]; then
        errs+="mounted at $(secs "$tm") s, target up at $(secs "$tup") s: not within $gap s after; "
    fi
    [ "${tmu:-0}" -gt 0 ] && [ "$tmu" -lt "${tup:-0}" ] ||
        errs+="multi-user.target at $(secs "$tmu") s, not before the target came up ($(secs "$tup") s); "
    for _ in $(seq 30); do systemctl is-active -q "$retry" || break; sleep 1; done
    systemctl is-active -q "$retry" && errs+="$retry still active after the mount; "
    [ "$(retry_msgs "$alias" $MID_RETRY_DONE)" -ge 1 ] || errs+="no 'logged in' message (MESSAGE_ID $MID_RETRY_DONE) of $retry; "
    n_wait=$(retry_msgs "$alias" $MID_RETRY_WAITING)
    echo "VMTEST TIME multi-user.target $(secs "$tmu")"
    echo "VMTEST TIME late-target-up:$alias $(secs "$tup")"
    echo "VMTEST TIME late-mounted:$alias $(secs "$tm") (target-up to mounted $(secs $((tm - tup))) s)"
    verdict "$name" "$errs" "$mnt mounted from ${src:-?} at $(secs "$tm") s, $(secs $((tm - ${tup:-0}))) s after the target came up at $(secs "$tup") s; multi-user.target at $(secs "$tmu") s; $retry done, $n_wait waiting message(s), $(retry_msgs "$alias" $MID_RETRY_ATTEMPT) attempt(s)"
}

# check_paths_completed NAME ALIAS TARGET N LATEUNIT: the login logged in
# through fewer than N portals at boot and stayed active; once LATEUNIT made
# the others answer, the retry service started iscsi-creds-paths@ALIAS.service
# and TARGET has N sessions
check_paths_completed() {
    local name=$1 alias=$2 target=$3 want=$4 late=$5 errs="" login retry n ta tup
    login=$(login_unit "$alias") retry=iscsi-creds-retry@$alias.service
    for _ in $(seq 300); do
        [ "$(n_sessions "$target")" -ge "$want" ] && ! systemctl is-active -q "$retry" && break
        sleep 1
    done
    n=$(n_sessions "$target")
    [ "$n" -ge "$want" ] || errs+="$n session(s) to $target, expected $want; "
    systemctl is-active -q "$login" || errs+="$login is $(systemctl is-active "$login"); "
    ta=$(usec "$login" ActiveEnterTimestampMonotonic) tup=$(usec "$late" ExecMainExitTimestampMonotonic)
    [ "${ta:-0}" -gt 0 ] && [ "$ta" -lt "${tup:-0}" ] ||
        errs+="$login active since $(secs "$ta") s, not since before the missing portal came up ($(secs "$tup") s); "
    journalctl -b -q -o cat --no-pager -u "$login" | grep -q "logged in through 1 of $want portals" ||
        errs+="no 'logged in through 1 of $want portals' in the journal of $login; "
    journalctl -b -q -o cat --no-pager -u "$retry" | grep -q "starting iscsi-creds-paths@$alias.service" ||
        errs+="$retry never started iscsi-creds-paths@$alias.service; "
    [ "$(systemctl show -P Result "iscsi-creds-paths@$alias.service")" = success ] ||
        errs+="iscsi-creds-paths@$alias.service: result $(systemctl show -P Result "iscsi-creds-paths@$alias.service"); "
    systemctl is-active -q "$retry" && errs+="$retry still active; "
    verdict "$name" "$errs" "$n sessions to $target; $login active since $(secs "$ta") s (before the second portal came up at $(secs "$tup") s), paths added by iscsi-creds-paths@$alias.service, $retry then ended"
}

# check_auth_retried NAME ALIAS MINGAP: a rejected secret fails the login
# again on the retry service's slow schedule (no sooner than MINGAP s after
# the previous attempt), each attempt reported as an authentication failure
check_auth_retried() {
    local name=$1 alias=$2 mingap=$3 errs="" login retry stamps n t1 t2 js
    login=$(login_unit "$alias") retry=iscsi-creds-retry@$alias.service
    auth_stamps() {
        # the helper's own line ("login to ... failed: authentication failed: ..."), not iscsiadm's
        journalctl -b -q -o short-monotonic --no-pager -u "$login" | grep -F 'failed: authentication failed' |
            sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'
    }
    for _ in $(seq 360); do
        [ "$(auth_stamps | wc -l)" -ge 2 ] && break
        sleep 1
    done
    stamps=$(auth_stamps) n=$(printf '%s\n' "$stamps" | grep -c .)
    [ "$n" -ge 2 ] || errs+="$n authentication failure(s) in the journal of $login, expected 2 (boot + retry); "
    t1=$(printf '%s\n' "$stamps" | sed -n 1p) t2=$(printf '%s\n' "$stamps" | sed -n 2p)
    if [ -n "$t2" ] && ! awk -v a="$t1" -v b="$t2" -v g="$mingap" 'BEGIN { exit !(b - a >= g) }'; then
        errs+="second attempt $(awk -v a="$t1" -v b="$t2" 'BEGIN { printf "%.1f", b - a }') s after the first, expected >= $mingap s; "
    fi
    js=$(iscsi-creds status --json "$alias" 2>/dev/null | jq -c '.targets[0].retry')
    grep -q 'rejected the CHAP secrets' <<<"$js" || errs+="status --json retry: $js; "
    journalctl -b -q -o cat --no-pager -p err -u "$retry" | grep -q 'rejected the CHAP secrets' ||
        errs+="$retry logged no error about the secrets; "
    echo "VMTEST TIME auth-retry-gap:$alias $(awk -v a="$t1" -v b="${t2:-0}" 'BEGIN { printf "%.1f", b - a }')"
    verdict "$name" "$errs" "authentication failures at ${t1:-?} s and ${t2:-?} s ($(awk -v a="$t1" -v b="${t2:-0}" 'BEGIN { printf "%.1f", b - a }') s apart); status --json retry: $js"
}

# check_failed_units NAME UNIT...: no failed units other than the ones listed
check_failed_units() {
    local name=$1 u bad=""; shift
    for u in $(systemctl list-units --failed --plain --no-legend --no-pager | awk '{print $1}'); do
        case " $* " in *" $u "*) ;; *) bad+="$u " ;; esac
    done
    verdict "$name" "${bad:+unexpected failed units: $bad}" "no failed units besides the expected ones (${*:-none})"
}

# check_secrets PREFIX: scan journal, sampled cmdlines, generated units
check_secrets() {
    local p=$1 sf=/run/vmtest/secrets n seen
    mkdir -p /run/vmtest
    awk '$1 == "account" || $1 == "outgoing" { print $4 } $1 == "secret" { print $2 } $1 == "luks" { print $3 }
         $1 == "lio-target" { print $6 } $1 == "lio-discovery-auth" { print $3 } $1 == "byhand" { print $5 }' \
        <(zcat -f "$CREDENTIALS_DIRECTORY/vmtest.tgt") >"$sf"
    if [ ! -s "$sf" ]; then result "$p-journal" FAIL "no secrets known to scan for"; return; fi

    n=$(journalctl -b -o export --no-pager 2>/dev/null | grep -a -c -F -f "$sf")
    verdict "$p-journal" "$([ "$n" = 0 ] || echo "$n journal lines contain a secret")" \
        "no secret in the journal ($(journalctl -b -q --no-pager | wc -l) entries)"

    systemctl stop vmtest-sampler.service
    seen=$(grep -c -E 'iscsi' /run/vmtest/cmdlines 2>/dev/null)
    n=$(grep -a -c -F -f "$sf" /run/vmtest/cmdlines 2>/dev/null)
    if [ ! -s /run/vmtest/cmdlines ] || [ "${seen:-0}" = 0 ]; then
        result "$p-cmdline" FAIL "sampler saw no iscsi command line (sampler broken?)"
    else
        verdict "$p-cmdline" "$([ "$n" = 0 ] || echo "$n sampled command lines contain a secret")" \
            "no secret in $(wc -l </run/vmtest/cmdlines) distinct command lines ($seen mention iscsi)"
    fi

    n=$(grep -r -a -l -F -f "$sf" /run/systemd/generator /run/systemd/generator.early \
            /run/systemd/generator.late /run/systemd/system /etc/systemd 2>/dev/null | wc -l)
    verdict "$p-units" "$([ "$n" = 0 ] || echo "$n generated/unit files contain a secret")" \
        "no secret in /run/systemd/generator*, /run/systemd/system, /etc/systemd"

    n=$(grep -r -a -l -F -f "$sf" /etc/iscsi /var/lib/iscsi 2>/dev/null | wc -l)
    verdict "$p-nodedb" "$([ "$n" = 0 ] || echo "$n files in /etc/iscsi or /var/lib/iscsi contain a secret")" \
        "no secret in the persistent node DB"
}

# show_demo ALIAS MOUNTPOINT: what a user wants to see, for demo.sh
show_demo() {
    local alias=$1 mnt=$2 unit login f
    unit=$(mount_unit "$mnt"); login=$(login_unit "$alias")
    echo "===== VMTEST DEMO BEGIN"
    run() { echo; echo "# $*"; "$@" 2>&1; }
    run ls -l /etc/credstore /etc/credstore.encrypted
    echo; echo "# generated by iscsi-creds-generator into /run/systemd/generator:"
    (cd /run/systemd/generator && find . -path "*$alias*" -o -name "$unit" -o -path '*iscsi-creds*' | sort)
    for f in "/run/systemd/generator/$login.d/"*.conf "/run/systemd/generator/$unit" \
             /run/systemd/generator/dev-disk-by*"$alias"*.device.d/*.conf; do
        [ -f "$f" ] || continue
        echo; echo "# cat $f"; cat "$f"
    done
    run systemctl status --no-pager -l "$login"
    run journalctl -b --no-pager -o short-monotonic -u "$login" -u "$unit"
    run findmnt "$mnt"
    run ls -l "$mnt"
    run cat "$mnt/hello.txt" "$mnt/README"
    run iscsiadm -m session
    run systemctl list-dependencies --no-pager remote-fs.target
    echo; echo "# boot to mount: $(secs "$(usec "$unit" ActiveEnterTimestampMonotonic)") s after kernel start (TCG emulation, no KVM)"
    echo "===== VMTEST DEMO END"
}

diagnostics() {
    local f
    echo "===== VMTEST DIAG generated units"
    for f in /run/systemd/generator/*iscsi* /run/systemd/generator/*.mount \
             /run/systemd/generator/*/*iscsi* ; do
        [ -e "$f" ] || continue
        case $f in */-.mount) continue ;; esac
        if [ -d "$f" ]; then ls -l "$f"; continue; fi
        if [ -L "$f" ]; then echo "$f -> $(readlink "$f")"; continue; fi
        echo "--- $f"; cat "$f"
    done
    for f in /run/systemd/generator/*.d/*.conf; do
        [ -e "$f" ] || continue
        echo "--- $f"; cat "$f"
    done
    echo "===== VMTEST DIAG units"
    systemctl list-units --all --no-pager --plain 'iscsi*' '*.mount' 'vmtest*' 'remote-fs*' | grep -v -e '^sys-' -e '^dev-' || true
    systemctl status --no-pager -l -n 0 'iscsi-creds*' 2>/dev/null || true
    echo "===== VMTEST DIAG journal (iscsi, mounts, tgt)"
    journalctl -b --no-pager -o short-monotonic -u 'iscsi-creds*' -u 'iscsid*' -u 'open-iscsi*' \
        -u '*.mount' -u vmtest-target.service -u remote-fs.target -u 'systemd-fsck*' | grep -v -e 'sys-kernel' -e 'dev-hugepages' || true
    journalctl -b --no-pager -o short-monotonic -k | grep -iE 'iscsi|scsi|sd[a-z]|ext4' | tail -n 40 || true
    journalctl -b --no-pager -o short-monotonic -p warning | tail -n 40 || true
    echo "===== VMTEST DIAG mounts / sessions"
    findmnt -t ext4 || true
    iscsiadm -m session -P 3 2>&1 | grep -v -i -e password -e 'username' || true
    lsblk -o NAME,SIZE,TYPE,TRAN,MOUNTPOINT 2>&1 || true
    dmesg | grep -i -E 'scsi|sd[a-z]|iscsi|connection' | tail -n 20 || true
    for f in /dev/disk/by-path/*iscsi*; do [ -e "$f" ] && echo "$f -> $(readlink "$f")"; done
    ls -l /dev/mapper 2>&1 || true
    tgtadm --lld iscsi --op show --mode target 2>&1 | grep -E '^Target|Initiator:|^ +LUN: |ACL|^ +(ALL|iqn)' || true
    echo "===== VMTEST DIAG end"
}

echo "VMTEST CHECKS BEGIN"
# shellcheck source=/dev/null
. /etc/vmtest/checks
if [ "${VMTEST_DIAG:-1}" = 1 ]; then diagnostics; fi
sync
for c in "${AT_POWEROFF[@]}"; do eval "$c"; done
echo "VMTEST POWEROFF"
systemctl poweroff --no-block
