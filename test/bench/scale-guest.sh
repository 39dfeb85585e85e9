# shellcheck shell=bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Guest side of test/bench/boot-scale.sh, sourced by check.sh (its helpers:
# usec, secs, result, wait_settled). Prints, in seconds since the kernel
# started (CLOCK_MONOTONIC, as systemd's *TimestampMonotonic):
#   VMTEST TIME last-mount T         the last /mnt/sI to become active
#   VMTEST TIME mounted K/N
#   VMTEST TIME phase:NAME mean M max X n K   per-target phases (below)
#   VMTEST TIME ref:UNIT T           when UNIT became active
#   VMTEST TIME cpu:NAME S           CPU seconds from network-online.target
#                                    to the settled boot (cpu_report below)
#   VMTEST TIME acct:COMM n K cpu S  processes that exited in that time, by
#                                    command (acct_report below)
# and VMTEST RESULT scale-all-mounted.
#
# Phases per target, from systemd's own timestamps of each unit and, for
# the creds path, the helper's step times (step.NAME= in
# /run/iscsi-creds/login/sI, the same CLOCK_MONOTONIC) and its CPU time at
# each (cpu.NAME=):
#   unit   login@sI.service: job start (InactiveExit) -> unit active, split:
#     u.fork      job start -> fork of the helper (ExecMainStart)
#     u.setup     fork -> the helper runs (PID 1's child: sandbox,
#                 credentials, exec, dynamic linking)
#     u.load      credentials read and checked
#     u.probe     paths, session locks, TCP probe of the portals
#     u.records   node records written, read back through libopeniscsiusr
#     u.iscsiadm  iscsiadm --login (and iscsid, the target)
#     u.attach    the LUN scan
#     u.exit      state file, exit, PID 1 marks the unit active
#   cpu.STEP    the helper's own CPU time in each of those steps (cpu.setup:
#               PID 1's child before the exec, and the exec); not iscsiadm's
#   device login unit active -> by-path .device active (udev)
#   mount  .device active -> .mount active (fsck is not run: _netdev, 0 0)
#   total  job start -> .mount active (creds path); for the stock path
#          open-iscsi.service's start -> .mount active
# Stock path: loginall = open-iscsi.service start -> active (every login).

# The cgroups whose CPU time cpu_report prints (cgroup v2 cpu.stat usage_usec,
# which keeps the time of children that are gone: the login instances' cgroups
# are removed when they exit, their slice keeps the sum).
# LABEL=CGROUP each.
CPU_GROUPS="pid1=init.scope udevd=system.slice/systemd-udevd.service
iscsid=system.slice/iscsid.service open-iscsi=system.slice/open-iscsi.service
login-units=system.slice/system-iscsi\\x2dcreds\\x2dlogin.slice
tgtd=system.slice/vmtest-target.service journald=system.slice/systemd-journald.service
dbus=system.slice/dbus.service"

# cpu_snapshot: "NAME USEC" lines: busy and idle time of all CPUs (/proc/stat,
# USER_HZ 100), each of CPU_GROUPS that exists, and the mounts' cgroups together. Taken at
# network-online.target by vmtest-cpu-mark.service (scale-scenario.sh) and
# again by cpu_report.
cpu_snapshot() {
    local g f m=0 u
    awk '$1 == "cpu" { printf "busy %d\nidle %d\n", ($2 + $3 + $4 + $7 + $8 + $9) * 10000, ($5 + $6) * 10000 }' /proc/stat
    for g in $CPU_GROUPS; do
        f=/sys/fs/cgroup/${g#*=}/cpu.stat
        [ -f "$f" ] && echo "${g%%=*} $(awk '$1 == "usage_usec" { print $2 }' "$f")"
    done
    for f in /sys/fs/cgroup/system.slice/*.mount/cpu.stat; do
        [ -f "$f" ] || continue
        u=$(awk '$1 == "usage_usec" { print $2 }' "$f")
        m=$((m + u))
    done
    echo "mounts $m"
}

# cpu_report: CPU seconds per cpu_snapshot name from network-online.target to
# now (the boot settled): VMTEST TIME cpu:NAME S. "busy" is every CPU's
# non-idle time (2 vCPUs: at most 2 s per second); "other" is busy minus the
# named groups (the kernel's threads and interrupts, the rest of userspace,
# and a group gone by then: open-iscsi.service's cgroup is removed when its
# login-all ends, so its time is counted here).
cpu_report() {
    local -A a=()
    local k v named=0
    [ -f /run/vmtest-cpu-online ] || { echo "VMTEST TIME cpu:none (no snapshot at network-online)"; return 0; }
    while read -r k v; do a[$k]=$v; done </run/vmtest-cpu-online
    while read -r k v; do
        v=$((v - ${a[$k]:-0}))      # 0 at network-online: made since (the login slice)
        case $k in busy|idle) ;; *) named=$((named + v)) ;; esac
        [ "$k" = busy ] && a[busy.d]=$v
        echo "VMTEST TIME cpu:$k $(secs "$v")"
    done < <(cpu_snapshot)
    v=$((${a[busy.d]} - named))
    echo "VMTEST TIME cpu:other $(secs "$v")"
}

# acct_start: BSD process accounting (acct(2), syscall 163 on x86_64; perl-base
# is in every Debian image) into /run/vmtest-pacct from network-online.target
# on: one record per process that exits, with its command name and CPU time.
acct_start() {
    : >/run/vmtest-pacct
    perl -e 'syscall(163, $ARGV[0]) == 0 or die "acct: $!\n"' /run/vmtest-pacct
}

# acct_report [TOP]: stops the accounting and prints, per command name, the
# processes that exited since acct_start and their CPU time (user + system;
# the kernel rounds each process down to 10 ms), the TOP (default 20) by CPU
# time: VMTEST TIME acct:COMM n K cpu S. Names in parentheses are forks that
# did not exec: PID 1's children before exec ("(iscsi-creds)"), udev's workers.
# Processes still running (PID 1, udevd, iscsid, tgtd) are not in it: the
# cgroup lines above have them.
acct_report() {
    [ -f /run/vmtest-pacct ] || { echo "VMTEST TIME acct:none (not started)"; return 0; }
    perl -e 'syscall(163, 0)'
    perl -e '
        sub comp { my $v = shift; return ($v & 0x1fff) << (3 * ($v >> 13)); }
        my (%n, %cpu, $all, $all_n);
        open(my $f, "<", $ARGV[0]) or die "$ARGV[0]: $!\n";
        binmode $f;
        while (read($f, my $r, 64) == 64) {
            my @a = unpack("C C S L L L L L L f S S S S S S S S Z16", $r);
            next unless $a[1] == 3;
            my $c = (comp($a[10]) + comp($a[11])) / 100;
            $n{$a[18]}++; $cpu{$a[18]} += $c; $all += $c; $all_n++;
        }
        my @k = sort { $cpu{$b} <=> $cpu{$a} } keys %cpu;
        splice(@k, $ARGV[1]) if @k > $ARGV[1];
        printf "VMTEST TIME acct:%s n %d cpu %.2f\n", $_, $n{$_}, $cpu{$_} for @k;
        printf "VMTEST TIME acct:all n %d cpu %.2f\n", $all_n, $all;
    ' /run/vmtest-pacct "${1:-20}"
}

# stats: reads numbers (µs), prints "mean M max X n K" in seconds
stats() {
    awk '{ s += $1; if ($1 > m) m = $1; n++ }
         END { if (n) printf "mean %.2f max %.2f n %d", s / n / 1e6, m / 1e6, n; else printf "n 0" }'
}

# scale_report PATH N: PATH is stock or creds
scale_report() {
    local path=$1 n=$2 i mnt unit dev login last=0 k=0 t td tl ts missing=""
    local -a p_unit=() p_device=() p_mount=() p_total=()
    declare -gA p_step=()
    wait_settled $((300 + 15 * n))
    cpu_report
    acct_report
    for u in network-online.target iscsid.service open-iscsi.service remote-fs.target multi-user.target; do
        echo "VMTEST TIME ref:$u $(secs "$(usec "$u" ActiveEnterTimestampMonotonic)")"
    done
    local t_oi
    t_oi=$(usec open-iscsi.service InactiveExitTimestampMonotonic)
    for ((i = 1; i <= n; i++)); do
        mnt=/mnt/s$i
        unit=$(systemd-escape --path --suffix=mount "$mnt")
        dev=$(systemd-escape --path --suffix=device \
            "/dev/disk/by-path/ip-127.0.0.1:3260-iscsi-iqn.2003-01.org.example:s$i-lun-1")
        login=iscsi-creds-login@s$i.service
        t=$(usec "$unit" ActiveEnterTimestampMonotonic)
        if findmnt -n "$mnt" >/dev/null && [ "${t:-0}" -gt 0 ]; then
            k=$((k + 1))
            [ "$t" -gt "$last" ] && last=$t
        else
            missing+="s$i "
            continue
        fi
        td=$(usec "$dev" ActiveEnterTimestampMonotonic)
        p_mount+=($((t - td)))
        if [ "$path" = creds ]; then
            ts=$(usec "$login" InactiveExitTimestampMonotonic)
            tl=$(usec "$login" ActiveEnterTimestampMonotonic)
            p_unit+=($((tl - ts))) p_device+=($((td - tl))) p_total+=($((t - ts)))
            login_steps "$i" "$ts" "$(usec "$login" ExecMainStartTimestampMonotonic)" "$tl"
        else
            p_device+=($((td - t_oi))) p_total+=($((t - t_oi)))
        fi
    done
    echo "VMTEST TIME last-mount $(secs "$last")"
    echo "VMTEST TIME mounted $k/$n"
    if [ "$path" = stock ]; then
        echo "VMTEST TIME phase:loginall $(printf '%s\n' $(($(usec open-iscsi.service ActiveEnterTimestampMonotonic) - t_oi)) | stats)"
        echo "VMTEST TIME phase:device-from-loginall-start $(printf '%s\n' "${p_device[@]}" | stats)"
    else
        echo "VMTEST TIME phase:unit $(printf '%s\n' "${p_unit[@]}" | stats)"
        for u in fork setup load probe records iscsiadm attach exit; do
            # shellcheck disable=SC2086  # one number per word
            echo "VMTEST TIME phase:u.$u $(printf '%s\n' ${p_step[$u]:-} | stats)"
        done
        for u in setup load probe records iscsiadm attach; do
            # shellcheck disable=SC2086  # one number per word
            echo "VMTEST TIME phase:cpu.$u $(printf '%s\n' ${p_step[cpu.$u]:-} | stats)"
        done
        echo "VMTEST TIME phase:device $(printf '%s\n' "${p_device[@]}" | stats)"
    fi
    echo "VMTEST TIME phase:mount $(printf '%s\n' "${p_mount[@]}" | stats)"
    echo "VMTEST TIME phase:total $(printf '%s\n' "${p_total[@]}" | stats)"
    if [ "$k" = "$n" ]; then
        result scale-all-mounted PASS "$path: $k of $n mounted, the last at $(secs "$last") s"
    else
        result scale-all-mounted FAIL "$path: $k of $n mounted (missing: $missing)"
    fi
}

# login_steps I JOBSTART FORK ACTIVE: adds sI's login steps to p_step[], and
# the helper's own CPU time in each (its cpu.NAME=, CLOCK_PROCESS_CPUTIME_ID)
# as cpu.NAME: cpu.setup is PID 1's child before the exec (sandbox,
# credentials) and the helper's start; iscsiadm's own CPU is not in
# cpu.iscsiadm.
login_steps() {
    local i=$1 prev=$2 t k c cprev=0
    local -A st=()
    while IFS='=' read -r k t; do st[$k]=$t; done < <(grep -E '^(step|cpu)\.' "/run/iscsi-creds/login/s$i")
    for k in fork::$3 setup:started:${st[step.started]:-} load:loaded:${st[step.loaded]:-} \
        probe:probed:${st[step.probed]:-} records:records:${st[step.records]:-} \
        iscsiadm:logged-in:${st[step.logged-in]:-} attach:attached:${st[step.attached]:-} exit::$4; do
        t=${k##*:} c=${k#*:} c=${c%%:*} k=${k%%:*}
        [ -n "$t" ] || continue
        p_step[$k]+=" $((t - prev))"
        prev=$t
        t=${st[cpu.$c]:-}
        if [ -n "$c" ] && [ -n "$t" ]; then
            p_step[cpu.$k]+=" $((t - cprev))"
            cprev=$t
        fi
    done
}

# unit_cpu UNIT: CPU time (µs) of UNIT's current start (systemd resets
# CPUUsageNSec= when a unit starts; a oneshot with RemainAfterExit= keeps it)
unit_cpu() { echo $(($(systemctl show -P CPUUsageNSec "$1") / 1000)); }

# run_cpu NAME PROPERTY... -- CMD...: CPU time (µs) of CMD run as the transient
# oneshot NAME.service with those properties (the fork, the sandbox PID 1's
# child sets up, CMD); its output dropped.
run_cpu() {
    local name=$1 t
    local -a props=()
    shift
    while [ "$1" != -- ]; do props+=(-p "$1"); shift; done
    shift
    systemd-run -q --unit="$name" -p Type=oneshot -p RemainAfterExit=yes -p StandardOutput=null \
        "${props[@]}" "$@" || return 1
    t=$(unit_cpu "$name.service")
    systemctl stop "$name.service"
    echo "$t"
}

# scale_login_cost ALIAS IQN ROUNDS: the helper's own cost per login. With the
# boot done, ALIAS's mount and login are stopped (logged out), then ROUNDS
# times, alternating: "systemctl start iscsi-creds-login@ALIAS.service" (PID 1
# decrypting the credentials, the sandbox, the helper) against a bare
# "iscsiadm -m node --login" of the same target with a record written just
# before in a private tmpfs (what the helper does without it); each followed by
# a logout. Prints VMTEST TIME login-cost:creds|bare mean M max X n K (wall
# time), then the CPU time of each (cpu-creds: the login unit's CPUUsageNSec=,
# cpu-bare: the same bare login as a transient unit) and of /bin/true as a
# transient unit alone (cpu-true) and with the login unit's sandbox and
# credentials (cpu-sandbox), with the count of mounts and sessions they ran
# next to: what a login costs beyond iscsiadm, and what of it grows with N.
scale_login_cost() {
    local alias=$1 iqn=$2 rounds=$3 unit login=iscsi-creds-login@$1.service i t0 t1 user pw
    local -a creds=() bare=() c_creds=() c_bare=() c_true=() c_sandbox=() sandbox=()
    local db=/etc/iscsi
    [ -d /var/lib/iscsi ] && db=/var/lib/iscsi
    # the login unit's sandbox (iscsi-creds-login@.service) and its credentials
    sandbox=("TemporaryFileSystem=$db/nodes:mode=0700 $db/send_targets:mode=0700" LimitCORE=0
        NoNewPrivileges=yes ProtectSystem=strict ReadWritePaths=/run
        "RestrictAddressFamilies=AF_UNIX AF_NETLINK AF_INET AF_INET6"
        "LoadCredential=iscsi.target.$alias:/etc/credstore/iscsi.target.$alias"
        "LoadCredentialEncrypted=iscsi.auth.$alias:/etc/credstore.encrypted/iscsi.auth.$alias")
    unit=$(systemd-escape --path --suffix=mount "/mnt/$alias")
    read -r user pw < <(zcat -f "$CREDENTIALS_DIRECTORY/vmtest.tgt" |
        awk -v t="${alias#s}" '$1 == "account" && $2 == t { print $3, $4; exit }')
    systemctl stop "$unit" "$login"
    for ((i = 0; i < rounds; i++)); do
        t0=$(date +%s%N)
        systemctl start "$login" || { result login-cost FAIL "$login did not start"; return; }
        t1=$(date +%s%N)
        creds+=($(((t1 - t0) / 1000)))
        c_creds+=("$(unit_cpu "$login")")
        systemctl stop "$login"
        c_true+=("$(run_cpu vmtest-true-$i -- /bin/true)")
        c_sandbox+=("$(run_cpu vmtest-sandbox-$i "${sandbox[@]}" -- /bin/true)")
        t0=$(date +%s%N)
        # shellcheck disable=SC2016  # expanded by the inner shell
        printf '%s\n' "$pw" | unshare -m --propagation private bash -euc '
            db=/etc/iscsi; [ -d /var/lib/iscsi ] && db=/var/lib/iscsi
            mkdir -p "$db/nodes"; mount -t tmpfs -o mode=0700 tmpfs "$db/nodes"
            read -r pw
            iscsiadm -m node -o new -T "$1" -p 127.0.0.1:3260,1 >/dev/null
            rec=$(find "$db/nodes" -type f | head -n1)
            printf "node.session.auth.authmethod = CHAP\nnode.session.auth.username = %s\nnode.session.auth.password = %s\n" \
                "$2" "$pw" >>"$rec"
            iscsiadm -m node -T "$1" -p 127.0.0.1:3260,1 --login >/dev/null' bare "$iqn" "$user" ||
            { result login-cost FAIL "bare iscsiadm login failed"; return; }
        t1=$(date +%s%N)
        bare+=($(((t1 - t0) / 1000)))
        logout_target "$iqn"
        # the same bare login, as a transient unit for its CPU time
        (umask 077; printf '%s\n' "$pw" >/run/vmtest-bare-pw)
        # shellcheck disable=SC2016  # expanded by the inner shell
        c_bare+=("$(run_cpu vmtest-bare-$i -- unshare -m --propagation private bash -euc '
            db=$3
            mount -t tmpfs -o mode=0700 tmpfs "$db/nodes"
            read -r pw </run/vmtest-bare-pw
            iscsiadm -m node -o new -T "$1" -p 127.0.0.1:3260,1 >/dev/null
            rec=$(find "$db/nodes" -type f | head -n1)
            printf "node.session.auth.authmethod = CHAP\nnode.session.auth.username = %s\nnode.session.auth.password = %s\n" \
                "$2" "$pw" >>"$rec"
            iscsiadm -m node -T "$1" -p 127.0.0.1:3260,1 --login >/dev/null' bare "$iqn" "$user" "$db")") ||
            { result login-cost FAIL "bare iscsiadm login (transient unit) failed"; return; }
        rm -f /run/vmtest-bare-pw
        logout_target "$iqn"
    done
    echo "VMTEST TIME login-cost:creds $(printf '%s\n' "${creds[@]}" | stats)"
    echo "VMTEST TIME login-cost:bare $(printf '%s\n' "${bare[@]}" | stats)"
    echo "VMTEST TIME login-cost:cpu-creds $(printf '%s\n' "${c_creds[@]}" | stats)"
    echo "VMTEST TIME login-cost:cpu-bare $(printf '%s\n' "${c_bare[@]}" | stats)"
    echo "VMTEST TIME login-cost:cpu-true $(printf '%s\n' "${c_true[@]}" | stats)"
    echo "VMTEST TIME login-cost:cpu-sandbox $(printf '%s\n' "${c_sandbox[@]}" | stats)"
    echo "VMTEST TIME login-cost:next-to $(wc -l </proc/self/mountinfo) mounts, $(find /sys/class/iscsi_session -mindepth 1 -maxdepth 1 | wc -l) sessions"
    result login-cost PASS "$rounds logins each way"
}

# logout_target IQN: logs out IQN's session (no unit of ours owns it)
logout_target() {
    iscsiadm -m session -r "$(iscsiadm -m session | awk -v t="$1" '$4 == t { gsub(/[][]/, "", $2); print $2 }')" \
        --logout >/dev/null
}

# sandbox_cost M ROUNDS: CPU time of /bin/true as a transient unit with each
# part of the login unit's sandbox (iscsi-creds-login@.service), next to the
# guest's own mounts and then with M more (tmpfs on /mnt/sandbox-K, as M
# mounted LUNs would be): which part of the sandbox grows with the mounts.
# Prints VMTEST TIME sandbox:VARIANT@MOUNTS mean M max X n K.
sandbox_cost() {
    local m=$1 rounds=$2 k i v name db=/etc/iscsi t
    local -A sets=()
    [ -d /var/lib/iscsi ] && db=/var/lib/iscsi
    mkdir -p /etc/credstore
    printf 'x = 1\n' >/etc/credstore/vmtest.sandbox
    sets[none]=""
    sets[strict]="ProtectSystem=strict|ReadWritePaths=/run"
    sets[full]="ProtectSystem=full"
    sets[tmpfs]="TemporaryFileSystem=$db/nodes:mode=0700 $db/send_targets:mode=0700"
    sets[creds]="LoadCredential=vmtest.sandbox:/etc/credstore/vmtest.sandbox"
    # login: the sandbox systemd built for the login unit until the helper made its
    # own mount namespace (mount-namespace.h); unit: what the unit asks of systemd now
    sets[login]="${sets[strict]}|${sets[tmpfs]}|${sets[creds]}|NoNewPrivileges=yes|LimitCORE=0|RestrictAddressFamilies=AF_UNIX AF_NETLINK AF_INET AF_INET6"
    sets[unit]="${sets[creds]}|NoNewPrivileges=yes|LimitCORE=0|RestrictAddressFamilies=AF_UNIX AF_NETLINK AF_INET AF_INET6"
    sets[login-full]="${sets[full]}|${sets[tmpfs]}|${sets[creds]}|NoNewPrivileges=yes|LimitCORE=0|RestrictAddressFamilies=AF_UNIX AF_NETLINK AF_INET AF_INET6"
    for pass in base more; do
        if [ "$pass" = more ]; then
            for ((k = 0; k < m; k++)); do
                mkdir -p "/mnt/sandbox-$k" && mount -t tmpfs -o size=1M tmpfs "/mnt/sandbox-$k"
            done
        fi
        t=$(wc -l </proc/self/mountinfo)
        for v in none strict full tmpfs creds login login-full unit; do
            local -a samples=() p=()
            IFS='|' read -r -a p <<<"${sets[$v]}"
            for ((i = 0; i < rounds; i++)); do
                name=vmtest-sb-$v-$pass-$i
                samples+=("$(run_cpu "$name" "${p[@]}" -- /bin/true)")
            done
            echo "VMTEST TIME sandbox:$v@$t $(printf '%s\n' "${samples[@]}" | stats)"
        done
    done
    for ((k = 0; k < m; k++)); do umount "/mnt/sandbox-$k"; done
    result sandbox-cost PASS "$rounds runs per variant, $m extra mounts"
}
