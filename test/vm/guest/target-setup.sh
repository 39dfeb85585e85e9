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
# Passphrases go to cryptsetup on stdin, never on a command line.
set -eu
tgtadm() { /usr/sbin/tgtadm --lld iscsi "$@"; }

# luks_prepare FILE PASSPHRASE CONTENTDIR
luks_prepare() {
    local f=$1 pw=$2 dir=$3 map i
    map=vmtest-prep-$(basename "$f" .img)
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

case ${1:-} in
start)
    for _ in $(seq 100); do
        tgtadm --op show --mode sys >/dev/null 2>&1 && break
        sleep 0.1
    done
    conf=$CREDENTIALS_DIRECTORY/vmtest.tgt
    # run.sh gzips it (SMBIOS space is small)
    while read -r kind tid a b c; do
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
        esac
    done < <(zcat -f "$conf")
    tgtadm --op show --mode target | grep -E '^Target|Portal|Account|^ +LUN: [1-9]|^ +iqn\.' || true
    ;;
stop)
    for tid in $(tgtadm --op show --mode target | sed -n 's/^Target \([0-9]*\):.*/\1/p'); do
        tgtadm --op delete --mode target --tid "$tid" --force || true
    done
    tgtadm --op delete --mode system || true
    ;;
*)
    echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
