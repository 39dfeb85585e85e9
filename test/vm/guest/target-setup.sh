#!/bin/bash
# vmtest: configure/stop the tgtd started by vmtest-target.service.
# Config comes from the credential vmtest.tgt, lines:
#   target TID IQN LUNFILE
#   account TID USER PASSWORD      (incoming CHAP, initiator -> target)
#   outgoing TID USER PASSWORD     (mutual CHAP, target -> initiator)
#   secret STRING                  (only scanned for leaks by check.sh)
set -eu
tgtadm() { /usr/sbin/tgtadm --lld iscsi "$@"; }

case ${1:-} in
start)
    for _ in $(seq 100); do
        tgtadm --op show --mode sys >/dev/null 2>&1 && break
        sleep 0.1
    done
    conf=$CREDENTIALS_DIRECTORY/vmtest.tgt
    while read -r kind tid a b; do
        case $kind in
        target)
            tgtadm --op new --mode target --tid "$tid" -T "$a"
            tgtadm --op new --mode logicalunit --tid "$tid" --lun 1 -b "$b"
            tgtadm --op bind --mode target --tid "$tid" -I ALL
            echo "vmtest target: tid $tid $a lun 1 $b"
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
    done <"$conf"
    tgtadm --op show --mode target | grep -E '^Target|Portal|Account|^ +LUN: [1-9]' || true
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
