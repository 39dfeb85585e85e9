#!/bin/bash
# vmtest: configure/stop the tgtd started by vmtest-target.service.
# Config comes from the credential vmtest.tgt (gzip or plain text), lines:
#   target TID IQN LUNFILE [INITIATOR]   (LUN 1; only INITIATOR may log in,
#                                         default: any initiator)
#   lun TID N LUNFILE                    (one more LUN of target TID)
#   luks LUNFILE PASSPHRASE CONTENTDIR   (before the target line: make LUNFILE
#                                         a LUKS2 volume holding an ext4 made
#                                         from CONTENTDIR; needs dm-crypt, so
#                                         it is done here, in the guest)
#   account TID USER PASSWORD      (incoming CHAP, initiator -> target)
#   outgoing TID USER PASSWORD     (mutual CHAP, target -> initiator)
#   secret STRING                  (only scanned for leaks by check.sh)
#   lio-target IQN PORTAL LUNFILE USER PASSWORD
#                                  (a LIO kernel target, not tgtd: LUN 0 =
#                                  LUNFILE, one TPG on PORTAL, demo mode (any
#                                  initiator) with CHAP USER/PASSWORD)
#   lio-discovery-auth USER PASSWORD
#                                  (LIO enforces CHAP for SendTargets discovery;
#                                  tgtd has no discovery CHAP)
#   lio-lun IQN N LUNFILE          (one more LUN N of the LIO target IQN)
#   late-lio-target IQN PORTAL LUNFILE USER PASSWORD
#                                  (as lio-target, but made only by
#                                  "target-setup.sh late", which
#                                  vmtest-late.timer runs 60 s after boot)
#   late-lio-np IQN PORTAL         (with "late": one more network portal of
#                                  the LIO target IQN's TPG 1)
#   byhand IQN PORTAL USER PASSWORD
#                                  (not a target: "target-setup.sh byhand" logs
#                                  in to IQN by hand with iscsiadm, as an admin
#                                  would, its record in a throwaway tmpfs)
# LIO is configured through configfs directly (what targetcli/rtslib write).
# Passphrases go to cryptsetup on stdin, never on a command line.
# "start" may run again (systemctl restart vmtest-target.service restarts
# tgtd): what is already there (LIO targets, LUKS volumes) is left as it is.
#
# Fault verbs (scenario faults), each returns once done:
#   block PORT        drop every TCP packet to and from PORT (nft): the
#                     network to that portal is down, nothing answers
#   unblock PORT      the network to PORT is back
#   lio-tpg IQN 0|1   disable / enable the TPG of the LIO target IQN (LIO
#                     closes its sessions and refuses logins while disabled)
set -eu
tgtadm() { /usr/sbin/tgtadm --lld iscsi "$@"; }

# luks_prepare FILE PASSPHRASE CONTENTDIR
luks_prepare() {
    local f=$1 pw=$2 dir=$3 map i
    map=vmtest-prep-$(basename "$f" .img)
    if cryptsetup isLuks "$f" 2>/dev/null; then echo "vmtest target: $f is already a LUKS volume"; return 0; fi
    modprobe -q dm-crypt 2>/dev/null || true
    modprobe -q loop 2>/dev/null || true
    # pbkdf2 with the minimum iteration count: unlocking under TCG stays fast
    printf '%s' "$pw" | cryptsetup luksFormat -q --type luks2 --pbkdf pbkdf2 \
        --pbkdf-force-iterations 1000 --key-file=- "$f"
    printf '%s' "$pw" | cryptsetup open --key-file=- "$f" "$map"
    mkfs.ext4 -q -F -L "$(basename "$f" .img)" -d "$dir" "/dev/mapper/$map"
    udevadm settle -t 10 || true
    for i in $(seq 20); do
        cryptsetup close "$map" 2>/dev/null && break
        [ "$i" = 20 ] && { echo "vmtest target: cannot close $map" >&2; return 1; }
        sleep 0.2
    done
    echo "vmtest target: $f is a LUKS2 volume ($(cryptsetup luksDump "$f" | grep -c -E '^ +[0-9]+: luks2') keyslot), ext4 from $dir inside"
}

CFS=/sys/kernel/config/target
# lio_backstore FILE: a fileio backstore for FILE; its configfs dir in $SO
# (no command substitution: LIO_N must count in this shell)
lio_backstore() {
    local file=$1 so
    LIO_N=$((LIO_N + 1))
    so=$CFS/core/fileio_$LIO_N/vmtest$LIO_N
    mkdir -p "$so"
    # buffered: the LUN reports a write cache (WCE), so the initiator syncs it
    # when the disk goes away ("Synchronizing SCSI cache", which run.sh counts)
    echo "fd_dev_name=$file,fd_dev_size=$(stat -c %s "$file"),fd_buffered_io=1" >"$so/control"
    echo "vmtest-lio-$LIO_N" >"$so/wwn/vpd_unit_serial"
    echo 1 >"$so/enable"
    SO=$so
}
# lio_setup: load the LIO modules, mount configfs
lio_setup() {
    [ -d "$CFS/iscsi" ] && return 0
    modprobe target_core_mod
    modprobe target_core_file
    modprobe iscsi_target_mod
    mountpoint -q /sys/kernel/config || mount -t configfs configfs /sys/kernel/config
    mkdir -p "$CFS/iscsi"
}
LIO_N=0
# lio_target IQN PORTAL LUNFILE USER PASSWORD
lio_target() {
    local iqn=$1 portal=$2 file=$3 user=$4 pw=$5 so tpg
    lio_setup
    tpg=$CFS/iscsi/$iqn/tpgt_1
    if [ -d "$tpg" ]; then echo "vmtest target: LIO $iqn already set up"; return 0; fi
    lio_backstore "$file"; so=$SO
    mkdir -p "$tpg/lun/lun_0" "$tpg/np/$portal"
    ln -s "$so" "$tpg/lun/lun_0/$(basename "$so")"
    # demo mode (ACLs generated for any initiator), with TPG-level CHAP
    echo 1 >"$tpg/attrib/generate_node_acls"
    echo 1 >"$tpg/attrib/cache_dynamic_acls"
    echo 0 >"$tpg/attrib/demo_mode_write_protect"
    echo 1 >"$tpg/attrib/authentication"
    printf '%s' "$user" >"$tpg/auth/userid"
    printf '%s' "$pw" >"$tpg/auth/password"
    echo 1 >"$tpg/enable"
    echo "vmtest target: LIO $iqn lun 0 $file on $portal, CHAP user $user"
}
# lio_lun IQN N FILE: LUN N (LIO numbers it N for the initiator: peripheral
# device addressing, also from 256 on) of an existing LIO target
lio_lun() {
    local tpg=$CFS/iscsi/$1/tpgt_1 so
    [ ! -d "$tpg/lun/lun_$2" ] || return 0
    lio_backstore "$3"; so=$SO
    mkdir -p "$tpg/lun/lun_$2"
    ln -s "$so" "$tpg/lun/lun_$2/$(basename "$so")"
    echo "vmtest target: LIO $1 lun $2 $3"
}
# byhand: log in the way an admin would, to every "byhand" target of
# vmtest.tgt; the record (with the CHAP secret, written by the shell, never
# on a command line) lives in a tmpfs of a private mount namespace that is
# gone when this returns. iscsid keeps the session.
byhand() {
    local iqn portal user pw db rec
    # open-iscsi's node DB root is compiled in: /etc/iscsi up to 2.1.8, /var/lib/iscsi from 2.1.9
    db=/etc/iscsi
    if [ "$(printf '%s\n' 2.1.9 "$(iscsiadm --version | awk '{ print $NF }')" | sort -V | head -n1)" = 2.1.9 ]; then
        db=/var/lib/iscsi
    fi
    while read -r kind iqn portal user pw; do
        [ "$kind" = byhand ] || continue
        printf '%s\n' "$pw" | unshare -m --propagation private bash -c '
            set -e
            db=$1 iqn=$2 portal=$3 user=$4
            IFS= read -r pw
            mkdir -p "$db/nodes"
            mount -t tmpfs -o mode=0700 tmpfs "$db/nodes"
            iscsiadm -m node -o new -T "$iqn" -p "$portal,1" >/dev/null
            rec=$(find "$db/nodes" -type f | head -n1)
            printf "node.session.auth.authmethod = CHAP\nnode.session.auth.username = %s\nnode.session.auth.password = %s\n" \
                "$user" "$pw" >>"$rec"
            iscsiadm -m node -T "$iqn" -p "$portal,1" --login
        ' byhand "$db" "$iqn" "$portal" "$user"
        echo "vmtest: logged in to $iqn at $portal by hand: $(iscsiadm -m session | grep -F " $iqn" | head -n1)"
    done < <(zcat -f "$CREDENTIALS_DIRECTORY/vmtest.tgt")
}
# lio_discovery_auth USER PASSWORD
lio_discovery_auth() {
    local d=$CFS/iscsi/discovery_auth
    lio_setup
    printf '%s' "$1" >"$d/userid"
    printf '%s' "$2" >"$d/password"
    echo 1 >"$d/enforce_discovery_auth"
    echo "vmtest target: LIO SendTargets discovery needs CHAP user $1"
}

case ${1:-} in
start)
    for _ in $(seq 100); do
        tgtadm --op show --mode sys >/dev/null 2>&1 && break
        sleep 0.1
    done
    conf=${CREDENTIALS_DIRECTORY:-/run/credentials/@system}/vmtest.tgt
    # run.sh gzips it (SMBIOS space is small)
    while read -r kind tid a b c d; do
        case $kind in
        target)
            tgtadm --op new --mode target --tid "$tid" -T "$a"
            tgtadm --op new --mode logicalunit --tid "$tid" --lun 1 -b "$b"
            if [ -n "$c" ]; then
                # an initiator-name ACL alone: no address ACL, which tgtd
                # would accept as an alternative
                tgtadm --op bind --mode target --tid "$tid" --initiator-name "$c"
            else
                tgtadm --op bind --mode target --tid "$tid" -I ALL
            fi
            echo "vmtest target: tid $tid $a lun 1 $b, initiators: ${c:-ALL}"
            ;;
        lun)
            tgtadm --op new --mode logicalunit --tid "$tid" --lun "$a" -b "$b"
            echo "vmtest target: tid $tid lun $a $b"
            ;;
        luks)
            # here "tid" is the LUN file, "a" the passphrase, "b" the content
            luks_prepare "$tid" "$a" "$b"
            ;;
        account|outgoing)
            tgtadm --op new --mode account --user "$a" --password "$b"
            if [ "$kind" = outgoing ]; then
                tgtadm --op bind --mode account --tid "$tid" --user "$a" --outgoing
            else
                tgtadm --op bind --mode account --tid "$tid" --user "$a"
            fi
            echo "vmtest target: tid $tid $kind account $a"
            ;;
        lio-target)
            # IQN PORTAL LUNFILE USER PASSWORD
            lio_target "$tid" "$a" "$b" "$c" "$d"
            ;;
        lio-discovery-auth)
            lio_discovery_auth "$tid" "$a"
            ;;
        lio-lun)
            # IQN N LUNFILE
            lio_lun "$tid" "$a" "$b"
            ;;
        esac
    done < <(zcat -f "$conf")
    tgtadm --op show --mode target | grep -E '^Target|Portal|Account|^ +LUN: [1-9]|^ +iqn\.' || true
    ;;
byhand)
    byhand
    ;;
block)
    # one table per port, so that blocks of several ports come and go apart;
    # on lo a packet passes the input hook once, in each direction
    nft -f - <<EOF
table inet vmtest_block_$2 {
    chain input {
        type filter hook input priority 0; policy accept;
        tcp dport $2 drop
        tcp sport $2 drop
    }
}
EOF
    echo "vmtest fault: network to port $2 down (nft drops tcp port $2)"
    ;;
unblock)
    nft delete table inet "vmtest_block_$2"
    echo "vmtest fault: network to port $2 back"
    ;;
lio-tpg)
    echo "$3" >"$CFS/iscsi/$2/tpgt_1/enable"
    echo "vmtest fault: LIO $2 tpgt_1 enable=$3"
    ;;
late)
    # backstores of their own: "start" numbered its own from 1
    LIO_N=100
    while read -r kind tid a b c d; do
        case $kind in
        late-lio-target)
            lio_target "$tid" "$a" "$b" "$c" "$d"
            ;;
        late-lio-np)
            mkdir "$CFS/iscsi/$tid/tpgt_1/np/$a"
            echo "vmtest target: LIO $tid now also on $a"
            ;;
        esac
    done < <(zcat -f "${CREDENTIALS_DIRECTORY:-/run/credentials/@system}/vmtest.tgt")
    ;;
stop)
    for tid in $(tgtadm --op show --mode target | sed -n 's/^Target \([0-9]*\):.*/\1/p'); do
        tgtadm --op delete --mode target --tid "$tid" --force || true
    done
    tgtadm --op delete --mode system || true
    ;;
*)
    echo "usage: $0 start|stop|byhand|late|block PORT|unblock PORT|lio-tpg IQN 0|1" >&2; exit 2 ;;
esac
