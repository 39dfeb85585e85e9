# shellcheck shell=bash
# shellcheck disable=SC2034  # LUN_SIZE and the other settings are read by run.sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Scenarios for test/bench/boot-scale.sh, sourced by test/vm/run.sh
# (--scenario-file): BENCH_TARGETS (default 8) tgtd targets with one-way
# CHAP on the guest's loopback, one 16 MiB LUN each, mounted at /mnt/sI at
# boot, by one of two paths on the same image:
#
#   scale-stock  Debian's own path: a node record per target in the node DB
#                (node.startup = automatic, CHAP secrets in it, written with
#                the guest's own iscsiadm), open-iscsi.service logging in
#                with "iscsiadm -m node --loginall=automatic", and an fstab
#                line with _netdev per LUN
#   scale-creds  iscsi-creds: iscsi.target.sI in /etc/credstore and
#                iscsi.auth.sI encrypted with the guest's host key in
#                /etc/credstore.encrypted
#
# The guest reports (scale-guest.sh) the time of the last mount, how many
# are mounted, and where the time went; scale-creds then times the login unit
# of s1 against a bare iscsiadm login of the same target
# (BENCH_LOGIN_ROUNDS, default 5). The harness's cmdline sampler is
# masked: it polls /proc every 50 ms and would slow either path.

BENCH_TARGETS=${BENCH_TARGETS:-8}
BENCH_DIR=$(dirname "${BASH_SOURCE[0]}")

# scale_targets PATH: the targets and the guest side common to both paths
scale_targets() {
    local i pw
    LUN_SIZE=16M
    CREDSTORE_TARGETS=1
    # 32 logins at once under TCG: give the boot room (the guest reports how
    # many were mounted; the limit only stops a hung guest)
    SCENARIO_TIMEOUT=$((300 + 15 * BENCH_TARGETS))
    SHUTDOWN_MAX=$((60 + 2 * BENCH_TARGETS))
    ln -sf /dev/null "$ROOT/etc/systemd/system/vmtest-sampler.service"
    install -m 0755 "$BENCH_DIR/scale-guest.sh" "$ROOT/usr/local/lib/vmtest/"
    # CPU time at network-online.target, where both paths start their logins,
    # and process accounting from there on (scale-guest.sh: cpu_snapshot,
    # cpu_report, acct_start, acct_report)
    cat >"$ROOT/etc/systemd/system/vmtest-cpu-mark.service" <<'EOF'
[Unit]
Description=vmtest: CPU time at network-online.target
After=network-online.target
Wants=network-online.target

[Service]
Type=oneshot
ExecStart=/bin/bash -c '. /usr/local/lib/vmtest/scale-guest.sh && cpu_snapshot >/run/vmtest-cpu-online && acct_start'
EOF
    ln -sf ../vmtest-cpu-mark.service "$ROOT/etc/systemd/system/multi-user.target.wants/vmtest-cpu-mark.service"
    for ((i = 1; i <= BENCH_TARGETS; i++)); do
        pw=$(rand_str 16)
        lun "$i" "$IQN:s$i"
        account "$i" "u$i" "$pw"
        SCALE_PW[i]=$pw
    done
    check ". /usr/local/lib/vmtest/scale-guest.sh"
    check "scale_report $1 $BENCH_TARGETS"
    expect scale-all-mounted
}

scenario_scale-stock() {
    declare -ga SCALE_PW=()
    scale_targets stock
    local i db=/etc/iscsi v rec tmpl=$RUNDIR/record.template
    # shellcheck disable=SC2016  # dpkg-query's own format
    v=$(chroot "$ROOT" dpkg-query -W -f='${Version}' open-iscsi)
    if dpkg --compare-versions "$v" ge 2.1.9; then db=/var/lib/iscsi; fi
    # One record made by the guest's iscsiadm (it only warns that no iscsid
    # answers), the others from it: the same bytes "iscsiadm -o new" writes.
    # shellcheck disable=SC2016  # expanded by the inner shell
    unshare -m --propagation private bash -euc '
        r=$1 db=$2
        mount -t proc proc "$r/proc"
        chroot "$r" iscsiadm -m node -o new -T iqn.2003-01.org.example:template -p 127.0.0.1:3260,1 >/dev/null 2>&1
        umount "$r/proc"' _ "$ROOT" "$db"
    rec=$(find "$ROOT$db/nodes" -type f -path '*template*' | head -n1)
    [ -f "$rec" ] || die "the guest's iscsiadm wrote no node record"
    grep -v -e '^node.name' -e '^node.startup' -e '^node.session.auth' "$rec" >"$tmpl"
    rm -rf "$ROOT$db/nodes/iqn.2003-01.org.example:template"
    for ((i = 1; i <= BENCH_TARGETS; i++)); do
        rec=$ROOT$db/nodes/$IQN:s$i/127.0.0.1,3260,1/default
        mkdir -p "$(dirname "$rec")"
        {
            sed -n '1p' "$tmpl"
            echo "node.name = $IQN:s$i"
            echo "node.startup = automatic"
            sed '1d' "$tmpl"
            echo "node.session.auth.authmethod = CHAP"
            echo "node.session.auth.username = u$i"
            echo "node.session.auth.password = ${SCALE_PW[$i]}"
        } >"$rec"
        chmod 0600 "$rec"
        echo "/dev/disk/by-path/ip-127.0.0.1:3260-iscsi-$IQN:s$i-lun-1 /mnt/s$i ext4 _netdev 0 0" >>"$ROOT/etc/fstab"
    done
    # open-iscsi.service reaches the target only once it is up
    mkdir -p "$ROOT/etc/systemd/system/open-iscsi.service.d"
    cp "$VM_DIR/guest/login-dropin.conf" "$ROOT/etc/systemd/system/open-iscsi.service.d/50-vmtest.conf"
}

scenario_scale-creds() {
    declare -ga SCALE_PW=()
    scale_targets creds
    local i
    for ((i = 1; i <= BENCH_TARGETS; i++)); do
        target_cred "s$i" <<EOF
target = $IQN:s$i
portal = 127.0.0.1:3260
lun = 1
mount = /mnt/s$i
fstype = ext4
EOF
        auth_cred "s$i" <<EOF
node.session.auth.username = u$i
node.session.auth.password = ${SCALE_PW[$i]}
EOF
        STORED+=("iscsi.auth.s$i")
    done
    check "scale_login_cost s1 $IQN:s1 ${BENCH_LOGIN_ROUNDS:-5}"
    expect login-cost
}

# scale-sandbox: no targets; the CPU time of each part of the login unit's
# sandbox next to the guest's own mounts and next to BENCH_MOUNTS (default
# 150) more (scale-guest.sh: sandbox_cost). Run it with
#   test/vm/run.sh --scenario-file test/bench/scale-scenario.sh scale-sandbox
scenario_scale-sandbox() {
    ln -sf /dev/null "$ROOT/etc/systemd/system/vmtest-sampler.service"
    install -m 0755 "$BENCH_DIR/scale-guest.sh" "$ROOT/usr/local/lib/vmtest/"
    SCENARIO_TIMEOUT=900
    check ". /usr/local/lib/vmtest/scale-guest.sh"
    check "sandbox_cost ${BENCH_MOUNTS:-150} 3"
    expect sandbox-cost
}
