#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# dracut module "iscsi-creds": the root file system on an iSCSI LUN, logged in
# with CHAP secrets kept in systemd credentials instead of on the kernel
# command line (netroot=iscsi:user:pass@...) or in a plaintext iscsid.conf.
#
# The credentials come from the target with "root = yes" (checked and listed
# by "iscsi-creds initrd-credentials": its secrets must be sealed to the TPM2,
# or with no key, as the host key stays on the root file system); in the
# initrd our generator writes the login and sysroot.mount from them.
# See iscsi-creds.credentials(5) and docs/recipes.md "Root file system on iSCSI".

# Only on request (add_dracutmodules+=" iscsi-creds "): the running system
# cannot tell that the next root file system is one of our LUNs.
check() {
    require_binaries iscsi-creds iscsiadm iscsid || return 1
    return 255
}

# iscsi: iscsiadm, iscsid and its units, iscsi_tcp; systemd-networkd: the
# network from ip= on the kernel command line (systemd-network-generator),
# and network-online.target through systemd-networkd-wait-online; tpm2-tss:
# the libraries PID 1 decrypts TPM2-sealed credentials with (dracut's module
# needs the tpm2 tool to be installed).
depends() {
    local m="systemd iscsi systemd-networkd"
    if require_binaries tpm2 > /dev/null 2>&1; then
        m="$m tpm2-tss"
    fi
    echo "$m"
    return 0
}

install() {
    local list line src dst

    if ! list=$(iscsi-creds initrd-credentials); then
        dfatal "iscsi-creds: no usable credentials for the root file system (see the messages above)"
        return 1
    fi
    while IFS= read -r line; do
        [ -n "$line" ] || continue
        src=${line%%$'\t'*}
        dst=${line#*$'\t'}
        inst_simple "$src" "$dst"
        chmod 0600 "${initdir}${dst}"
    done <<< "$list"

    # iscsid wants the initiator name (Debian's iscsid.service checks it with
    # startup-checks.sh first); the targets' ACLs know this machine by it.
    if [ -f /etc/iscsi/initiatorname.iscsi ]; then
        if grep -q '^GenerateName=yes' /etc/iscsi/initiatorname.iscsi; then
            dwarn "iscsi-creds: /etc/iscsi/initiatorname.iscsi has no name yet (GenerateName=yes): the initrd would make a new one at every boot; start iscsid once, or set one"
        fi
        inst_simple /etc/iscsi/initiatorname.iscsi
    fi
    inst_multiple -o /lib/open-iscsi/startup-checks.sh /usr/lib/open-iscsi/startup-checks.sh grep

    inst_multiple iscsi-creds
    inst_simple "$systemdutildir/system-generators/iscsi-creds-generator"
    inst_multiple \
        "$systemdsystemunitdir/iscsi-creds-login@.service" \
        "$systemdsystemunitdir/iscsi-creds-paths@.service" \
        "$systemdsystemunitdir/iscsi-creds-retry@.service" \
        "$systemdsystemunitdir/iscsi-creds.target" \
        "$tmpfilesdir/iscsi-creds.conf"
}
