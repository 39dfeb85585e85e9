#!/bin/bash
# Boot Debian guests under qemu (TCG) and check iscsi-creds end to end.
#
#   run.sh [options] [SCENARIO...]        (default: all)
#
# Scenarios (one guest boot each; every boot reports several named results):
#   basic      one-way CHAP on 127.0.0.1 + mutual CHAP on [::1], both mounted
#              at boot; secrets never at rest; clean shutdown order
#   failures   a good target next to a wrong password, a wrong mutual
#              password_in, a portal with nothing listening, a secret sealed
#              to a TPM2 (the guest has none) and one past its --not-after
#   advanced   LUKS on the LUN (right and wrong passphrase), the initiator
#              name per target and from iscsi.initiatorname (tgtd ACLs),
#              node.session.scan manual/auto on two-LUN targets, LUN 300
#   discovery  SendTargets discovery with its own CHAP (LIO on 127.0.0.1:3261):
#              target = filter, mounts by UUID and LABEL, a wrong discovery
#              secret
#   multipath  one tgtd target through 127.0.0.1 and 127.0.0.2 plus a dead
#              portal, multipath = yes, dm-multipath map mounted by UUID
#   admin      the admin's commands on the host before the boot (gen-secret |
#              add, import-k8s-secret, import-iscsid-conf), then verify and
#              status --json in the guest
#   sharing    LIO: two aliases for LUN 0 and LUN 300 of one target share
#              its session (stop one with the other in use, start it again),
#              an upper-case IQN, a session made by hand that iscsi-creds
#              uses but never logs out
#   distro     the distribution's units: systemctl restart iscsid.service and
#              open-iscsi.service (started, then restarted) keep the file
#              system mounted and working; shutdown order with them active
#   slowboot   network-online.target held back 40 s, device-timeout = 20s:
#              the device wait counts from the login, the LUN mounts
#   faults     I/O running through a tgtd restart, 30 s without network,
#              LIO TPG disable/enable, an iscsid restart; a fault longer
#              than replacement_timeout (EIO); targets dead at shutdown
#   late       targets that come up 60 s after boot: LUKS LUN mounted by the
#              retry service, a wrong secret retried every 2 minutes
#   tpm2       a software TPM (swtpm) in the guest; two boots of one image:
#              "iscsi-creds add --with-key=tpm2" and the default (auto, so
#              host+tpm2) on the first,
#              both LUNs mounted with the TPM-unsealed secrets on the second,
#              next to a secret sealed to another TPM (fails, says why)
#   all        basic failures advanced discovery multipath admin sharing distro slowboot late faults
#              package tpm2
#   package    basic, with the project installed from its Debian package
#              (apt-get install ./iscsi-creds_*.deb), then upgraded to the
#              same package re-versioned with the LUNs mounted; a removal
#              refused while they are attached
#   demo       the shipped example (examples/iscsi.target.demo and
#              iscsi.auth.demo.plain) from /etc/credstore(.encrypted);
#              used by demo.sh
#
# Options:
#   --source-dir DIR   project source (default: the repo holding this script)
#   --build-dir DIR    an existing build dir configured with --prefix=/usr
#                      (default: an own build dir under $VMTEST_WORK)
#   --release NAME     Debian release of the guest (default bookworm)
#   --fake             use the harness's stand-in units instead of the
#                      project (tests the harness itself)
#   --keep             keep run directories (disk image, root, logs)
#   --overlay DIR      copy DIR's tree into the guest root last (debugging)
#   --timeout SEC      hard limit for one boot (default 480)
#   --scenario-file F  source F, which defines more scenarios (functions
#                      scenario_NAME, written like the ones here); its NAMEs
#                      may then be given (test/bench/boot-scale.sh)
#   -v, --verbose      print the guest's diagnostics for every boot
#
# Env: VMTEST_WORK (default /var/tmp/iscsi-creds-vm), VMTEST_SOURCE_DIR,
# VMTEST_BUILD_DIR, VMTEST_RELEASE, VMTEST_TIMEOUT.
# Prints one line per result and finally "N passed, N failed".  Exit 0 when
# all passed, 1 when any failed, 77 when it cannot run here (not root, no qemu).
set -eu

# shellcheck source=lib.sh
. "$(dirname "$0")/lib.sh"

src_dir=${VMTEST_SOURCE_DIR:-$(cd "$VM_DIR/../.." && pwd)}
build_dir=${VMTEST_BUILD_DIR:-}
boot_timeout=${VMTEST_TIMEOUT:-300}
fake=0 keep=0 verbose=0 overlay="" scenario_file=""
scenarios=()
while [ $# -gt 0 ]; do
    case $1 in
        --source-dir) src_dir=$2; shift 2 ;;
        --build-dir) build_dir=$2; shift 2 ;;
        --release) VM_RELEASE=$2; shift 2 ;;
        --timeout) boot_timeout=$2; shift 2 ;;
        --fake) fake=1; shift ;;
        --keep) keep=1; shift ;;
        --overlay) overlay=$2; shift 2 ;;
        --scenario-file) scenario_file=$(realpath "$2"); shift 2 ;;
        -v|--verbose) verbose=1; shift ;;
        -h|--help) sed -n "2,66p" "$0"; exit 0 ;;
        -*) die "unknown option $1" ;;
        *) scenarios+=("$1"); shift ;;
    esac
done
ALL_SCENARIOS="basic failures advanced discovery multipath admin sharing distro slowboot late faults package tpm2"
[ "${#scenarios[@]}" -gt 0 ] || scenarios=(all)
expanded=()
for s in "${scenarios[@]}"; do
    case $s in
        all) read -r -a more <<<"$ALL_SCENARIOS"; expanded+=("${more[@]}") ;;
        basic|failures|advanced|discovery|multipath|admin|sharing|distro|slowboot|late|faults|package|tpm2|demo) expanded+=("$s") ;;
        *) [ -n "$scenario_file" ] || die "unknown scenario '$s' (known: $ALL_SCENARIOS all)"
           expanded+=("$s") ;;
    esac
done
scenarios=("${expanded[@]}")

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "the VM tests need root (debootstrap, unshare, mkfs -d)"
if ! "$VM_DIR/deps.sh"; then
    have_qemu || skip "qemu-system-x86_64 not available and deps.sh failed"
    die "deps.sh failed"
fi
have_qemu || skip "qemu-system-x86_64 not available"
[ -e /etc/machine-id ] || skip "/etc/machine-id missing on the host (needed to bind a test machine-id over it)"

suite_start=$(date +%s)
mkdir -p "$VM_WORK/runs" "$VM_WORK/logs"

# ---------------------------------------------------------------- cleanup
QEMU_PID="" RUNDIR=""
cleanup() {
    if [ -n "$QEMU_PID" ]; then kill "$QEMU_PID" 2>/dev/null || true; wait "$QEMU_PID" 2>/dev/null || true; fi
    if [ -n "$RUNDIR" ] && [ "$keep" = 0 ]; then rm -rf "$RUNDIR"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
trap 'log "command failed (rc $?) at line $LINENO: $BASH_COMMAND"' ERR

# ---------------------------------------------------------------- results
PASSED=0 FAILED=0
SUMMARY=$VM_WORK/logs/summary.txt
: >"$SUMMARY"
record() {  # NAME PASS|FAIL DETAIL
    local name=$1 v=$2; shift 2
    if [ "$v" = PASS ]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); fi
    printf '%-4s %s: %s\n' "$v" "$name" "$*" | tee -a "$SUMMARY"
}


# ---------------------------------------------------------------- project
STAGE=$VM_WORK/stage-$VM_RELEASE
build_product() {
    local bdir=$build_dir prefix opts
    if [ -n "$bdir" ]; then
        prefix=$(meson introspect --buildoptions "$bdir" 2>/dev/null |
                 tr '{' '\n' | sed -n 's/.*"name": "prefix", "value": "\([^"]*\)".*/\1/p')
        if [ "$prefix" != /usr ]; then
            log "build dir $bdir has prefix '$prefix', not /usr: using an own build dir"
            bdir=
        fi
    fi
    if [ -z "$bdir" ]; then
        [ -f "$src_dir/meson.build" ] || die "no meson.build in $src_dir (use --fake to test the harness alone)"
        bdir=$VM_WORK/build-$VM_RELEASE-$(printf '%s' "$src_dir" | sha256sum | cut -c1-8)
        if [ ! -f "$bdir/build.ninja" ]; then
            # only the product goes into the guest: skip the project's own tests
            opts=(--prefix=/usr)
            if grep -qs "option('tests'" "$src_dir/meson_options.txt" "$src_dir/meson.options"; then
                opts+=(-Dtests=disabled)
            fi
            rm -rf "$bdir"
            log "meson setup $bdir $src_dir ${opts[*]}"
            meson setup "$bdir" "$src_dir" "${opts[@]}" >"$VM_WORK/logs/meson-setup.log" 2>&1 || {
                tail -n 30 "$VM_WORK/logs/meson-setup.log" >&2; die "meson setup failed"; }
        fi
    fi
    log "building the project in $bdir"
    ninja -C "$bdir" >"$VM_WORK/logs/ninja.log" 2>&1 || {
        tail -n 40 "$VM_WORK/logs/ninja.log" >&2; die "build failed"; }
    rm -rf "$STAGE"
    DESTDIR=$STAGE meson install -C "$bdir" --no-rebuild >"$VM_WORK/logs/install.log" 2>&1 || {
        tail -n 30 "$VM_WORK/logs/install.log" >&2; die "meson install failed"; }
    log "installed into $STAGE: $(cd "$STAGE" && find . -type f | sort | tr '\n' ' ')"
}
# A guest of another release than this machine's gets the project built in a
# build root of that release (test/release/build.sh), against its libraries.
build_product_in_release_root() {
    rm -rf "$STAGE"
    log "building the project in a $VM_RELEASE build root (test/release/build.sh)"
    local deb=()
    [ "$want_debs" = 0 ] || deb=(--deb "$DEBS")
    "$src_dir/test/release/build.sh" --release "$VM_RELEASE" --suites "" --stage "$STAGE" "${deb[@]}" \
        >"$VM_WORK/logs/release-build-$VM_RELEASE.log" 2>&1 || {
        tail -n 40 "$VM_WORK/logs/release-build-$VM_RELEASE.log" >&2; die "build for $VM_RELEASE failed"; }
    log "installed into $STAGE: $(cd "$STAGE" && find . -type f | sort | tr '\n' ' ')"
}

# Scenarios that install the project from its Debian package (debian/) with
# apt-get instead of copying the meson install into the guest; DEBS holds the
# package built for the guest's release and the same re-versioned as an
# upgrade (VERSION+vmtest1).
DEB_SCENARIOS=" package "
DEBS=$VM_WORK/debs-$VM_RELEASE
want_debs=0
for s in "${scenarios[@]}"; do case $DEB_SCENARIOS in *" $s "*) want_debs=1 ;; esac; done
# build_debs_here: dpkg-buildpackage of a copy of the source on this machine
build_debs_here() {
    local d=$VM_WORK/deb-src
    rm -rf "$d" && mkdir -p "$d/src"
    (cd "$src_dir" && git ls-files -z -co --exclude-standard | grep -zv '^build' | tar --null -cf - -T -) |
        tar -C "$d/src" -xf -
    log "dpkg-buildpackage -us -uc -b (the package for the guest)"
    (cd "$d/src" && dpkg-buildpackage -us -uc -b) >"$VM_WORK/logs/deb-build.log" 2>&1 || {
        tail -n 30 "$VM_WORK/logs/deb-build.log" >&2; die "dpkg-buildpackage failed"; }
    mkdir -p "$DEBS"
    cp "$d"/iscsi-creds_*.deb "$DEBS"/
    rm -rf "$d"
}
# upgrade_deb: DEBS/upgrade/ = the package re-versioned VERSION+vmtest1
upgrade_deb() {
    local deb v x=$VM_WORK/deb-repack
    deb=$(find "$DEBS" -maxdepth 1 -name 'iscsi-creds_*.deb' | head -n1)
    v=$(dpkg-deb -f "$deb" Version)
    rm -rf "$x" "$DEBS/upgrade" && mkdir -p "$DEBS/upgrade"
    dpkg-deb -R "$deb" "$x"
    sed -i "s/^Version: .*/Version: $v+vmtest1/" "$x/DEBIAN/control"
    dpkg-deb -b "$x" "$DEBS/upgrade/iscsi-creds_${v}+vmtest1_$(dpkg-deb -f "$deb" Architecture).deb" >/dev/null
    rm -rf "$x"
}

EXTRA_PKGS=""
HOST_RELEASE=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[ "$want_debs" = 0 ] || rm -rf "$DEBS"
if [ "$fake" = 0 ] && [ "$VM_RELEASE" != "$HOST_RELEASE" ]; then
    build_product_in_release_root
    # the image's package list already holds what the project links (libsystemd0,
    # libopeniscsiusr, libcryptsetup12, json-c, libyaml); check_guest_libs verifies it
elif [ "$fake" = 0 ]; then
    build_product
    EXTRA_PKGS=$(runtime_packages "$STAGE")
    log "project runtime packages: $EXTRA_PKGS"
    [ "$want_debs" = 0 ] || build_debs_here
fi
if [ "$want_debs" = 1 ]; then
    ls "$DEBS"/iscsi-creds_*.deb >/dev/null 2>&1 || die "no package was built in $DEBS"
    upgrade_deb
    log "packages for the guest: $(cd "$DEBS" && find . -name '*.deb' | sort | tr '\n' ' ')"
fi

# ---------------------------------------------------------------- image
t0=$(date +%s)
BASE=$("$VM_DIR/build-image.sh" --release "$VM_RELEASE" --extra "$EXTRA_PKGS" | tail -n1)
log "image ready in $(( $(date +%s) - t0 )) s: $BASE"

# ---------------------------------------------------------------- per-boot state
# Filled by the scenario functions through the helpers below.
reset_boot() {
    TGT_CONF="" CHECKS="" EXPECT=() SECRETS=() MOUNTED=() TCREDS=() ACREDS=() STORED=()
    SEAL_FOREIGN_TPM2=() SEAL_EXPIRED=()
    ALL_ALIASES=() LUNS=0 UNLOCKED=() PCREDS=() CREDSTORE_TARGETS=0 LUN_SIZE=32M
    # DEAD: ALIAS:MOUNTPOINT whose target the guest kills just before poweroff;
    # SHUTDOWN_MAX: the bound on poweroff (s); SCENARIO_TIMEOUT: a longer boot
    # limit than --timeout, for a scenario that waits for timers or faults
    DEAD=() SHUTDOWN_MAX=60 SCENARIO_TIMEOUT=0
    # TPM=1: a software TPM 2.0 (swtpm) as the guest's TPM, its state kept for
    # every boot of the scenario; NEXT_CHECKS: the check lists of the boots
    # after the first (next_boot), each run from the same disk image
    TPM=0 NEXT_CHECKS=() TPM2_CONTROL=
    check() { CHECKS+="$*"$'\n'; }
    # HOST_CHECKS: "FUNCTION ARGS..." the host runs on the disk image after the
    # last boot (each records its own results)
    HOST_CHECKS=()
    declare -gA TOKEN=()
}

# lun_content KEY DIR WHAT: DIR gets hello.txt = TOKEN[KEY] (a fresh token)
lun_content() {
    TOKEN[$1]=vmtest-token-$1-$(rand_str 12)
    mkdir -p "$2"
    printf '%s\n' "${TOKEN[$1]}" >"$2/hello.txt"
    printf '%s\n' "$3" >"$2/README"
}
# lun_image KEY [UUID [LABEL]]: /var/lib/vmtest/lunKEY.img (LUN_SIZE), an
# ext4 fs with hello.txt = TOKEN[KEY], label LABEL (default lunKEY), file
# system UUID UUID (default random)
lun_image() {
    local c=$RUNDIR/lun-content-$1 img=$ROOT/var/lib/vmtest/lun$1.img
    lun_content "$1" "$c" "LUN image $1"
    truncate -s "$LUN_SIZE" "$img"
    mkfs.ext4 -q -F -L "${3:-lun$1}" ${2:+-U "$2"} -d "$c" "$img"
    LUNS=$((LUNS + 1))
}
# lun TID IQN [INITIATOR]: target TID with LUN 1 = lun_image TID; only
# INITIATOR may log in when given
lun() {
    lun_image "$1"
    TGT_CONF+="target $1 $2 /var/lib/vmtest/lun$1.img${3:+ $3}"$'\n'
}
# extra_lun TID N: LUN N of target TID, token TOKEN[TID-N]
extra_lun() {
    lun_image "$1-$2"
    TGT_CONF+="lun $1 $2 /var/lib/vmtest/lun$1-$2.img"$'\n'
}
# luks_lun TID IQN PASSPHRASE: target TID whose LUN 1 is a LUKS2 volume with
# that passphrase holding an ext4 fs with hello.txt = TOKEN[TID].  Made by
# target-setup.sh in the guest (the host kernel has no dm-crypt); the
# passphrase reaches it through vmtest.tgt (SMBIOS), never the disk image.
luks_lun() {
    local c=/var/lib/vmtest/luks-content-$1
    lun_content "$1" "$ROOT$c" "LUKS LUN $1 of $2"
    truncate -s 40M "$ROOT/var/lib/vmtest/lun$1.img"
    TGT_CONF+="luks /var/lib/vmtest/lun$1.img $3 $c"$'\n'
    TGT_CONF+="target $1 $2 /var/lib/vmtest/lun$1.img"$'\n'
    SECRETS+=("$3")
    LUNS=$((LUNS + 1))
}
# lio_target KEY IQN PORTAL USER PASSWORD [UUID [LABEL]]: a LIO (kernel
# target) iSCSI target with LUN 0 = lun_image KEY, a TPG on PORTAL, any
# initiator (demo mode) but only with CHAP USER/PASSWORD; set up by
# target-setup.sh through configfs (tgtd cannot do discovery CHAP)
lio_target() {
    lun_image "$1" "${6:-}" "${7:-}"
    TGT_CONF+="lio-target $2 $3 /var/lib/vmtest/lun$1.img $4 $5"$'\n'
    SECRETS+=("$5")
}
# lio_lun KEY IQN N: LUN N = lun_image KEY of the LIO target IQN (LIO numbers
# it N for the initiator: peripheral device addressing, also from 256 on)
lio_lun() {
    lun_image "$1"
    TGT_CONF+="lio-lun $2 $3 /var/lib/vmtest/lun$1.img"$'\n'
}
# byhand IQN PORTAL USER PASSWORD: the guest logs in to IQN by hand with
# iscsiadm (vmtest-byhand.service) before iscsi-creds starts
byhand() {
    TGT_CONF+="byhand $1 $2 $3 $4"$'\n'; SECRETS+=("$4")
    install -m 0644 "$VM_DIR/guest/vmtest-byhand.service" "$ROOT/etc/systemd/system/"
    ln -sf ../vmtest-byhand.service "$ROOT/etc/systemd/system/multi-user.target.wants/"
}
# lio_discovery_auth USER PASSWORD: LIO enforces CHAP for SendTargets discovery
lio_discovery_auth() { TGT_CONF+="lio-discovery-auth $1 $2"$'\n'; SECRETS+=("$2"); }
account()  { TGT_CONF+="account $1 $2 $3"$'\n'; SECRETS+=("$3"); }
outgoing() { TGT_CONF+="outgoing $1 $2 $3"$'\n'; SECRETS+=("$3"); }
secret()   { TGT_CONF+="secret $1"$'\n'; SECRETS+=("$1"); }
# target_cred ALIAS (text on stdin): plaintext iscsi.target.ALIAS via SMBIOS,
# or in /etc/credstore when the scenario set CREDSTORE_TARGETS=1
target_cred() {
    mkdir -p "$RUNDIR/creds"
    cat >"$RUNDIR/creds/iscsi.target.$1"
    ALL_ALIASES+=("$1")
    if [ "$CREDSTORE_TARGETS" = 1 ]; then
        install -D -m 0644 "$RUNDIR/creds/iscsi.target.$1" "$ROOT/etc/credstore/iscsi.target.$1"
    else
        TCREDS+=("$1")
    fi
}
# secret_cred CREDNAME (text on stdin): encrypted with the host key
secret_cred() {
    mkdir -p "$RUNDIR/secret"
    (umask 077; cat >"$RUNDIR/secret/$1")
    ACREDS+=("$1")
}
# auth_cred NAME (text on stdin): iscsi.auth.NAME
auth_cred() { secret_cred "iscsi.auth.$1"; }
# foreign_tpm2_cred CREDNAME (text on stdin): sealed on this host with
# --with-key=tpm2 to a software TPM of its own (thrown away after): another
# TPM than the guest's, which cannot unseal it. In /etc/credstore.encrypted.
foreign_tpm2_cred() { secret_cred "$1"; SEAL_FOREIGN_TPM2+=("$1"); STORED+=("$1"); }
# expired_cred CREDNAME (text on stdin): the guest's host key, valid from two
# hours ago to one hour ago (--timestamp, --not-after). In /etc/credstore.encrypted.
expired_cred() { secret_cred "$1"; SEAL_EXPIRED+=("$1"); STORED+=("$1"); }
# luks_cred ALIAS PASSPHRASE: iscsi.luks.ALIAS (with a trailing newline, which
# the product drops)
luks_cred() { secret_cred "iscsi.luks.$1" < <(printf '%s\n' "$2"); SECRETS+=("$2"); }
# plain_cred CREDNAME (text on stdin): a plaintext system credential via SMBIOS
plain_cred() {
    mkdir -p "$RUNDIR/creds"
    cat >"$RUNDIR/creds/$1"
    PCREDS+=("$1")
}
check()  { CHECKS+="$*"$'\n'; }
# next_boot: the checks from here on run at one more boot of the same disk
# image (and TPM state); the guest switches its check list at the end of a boot
next_boot() {
    check next_boot
    NEXT_CHECKS+=("")
    check() { NEXT_CHECKS[-1]+="$*"$'\n'; }
}
expect() { EXPECT+=("$@"); }
# mounted ALIAS MOUNTPOINT: checked for shutdown order by the host
mounted() { MOUNTED+=("$1:$2"); }
cred_key() {  # ALIAS KEY -> value from the target definition
    sed -n "s/^[[:space:]]*$2[[:space:]]*=[[:space:]]*//p" "$RUNDIR/creds/iscsi.target.$1" | tail -n1
}

# ---------------------------------------------------------------- scenarios
P4=127.0.0.1:3260 P6='[::1]:3260'
IQN=iqn.2003-01.org.example

scenario_basic() {
    local pw1 pw2 pwt
    pw1=$(rand_str 24) pw2=$(rand_str 24) pwt=$(rand_str 24)
    lun 1 "$IQN:t1"; account 1 alice "$pw1"
    lun 2 "$IQN:t2"; account 2 bob "$pw2"; outgoing 2 tgtuser "$pwt"
    target_cred t1 <<EOF
# one-way CHAP over IPv4
target = $IQN:t1
portal = $P4
tpgt = 1
lun = 1
mount = /mnt/t1
fstype = ext4
auth = t1
EOF
    auth_cred t1 <<EOF
node.session.auth.username = alice
node.session.auth.password = $pw1
EOF
    target_cred t2 <<EOF
# mutual CHAP over IPv6
target = $IQN:t2
portal = $P6
tpgt = 1
lun = 1
mount = /mnt/t2
fstype = ext4
options = noatime
EOF
    auth_cred t2 <<EOF
node.session.auth.username = bob
node.session.auth.password = $pw2
node.session.auth.username_in = tgtuser
node.session.auth.password_in = $pwt
EOF
    check check_mounted chap-oneway-mount t1 /mnt/t1 "${TOKEN[1]}"
    check check_mounted chap-mutual t2 /mnt/t2 "${TOKEN[2]}"
    check check_two_targets two-targets t1 /mnt/t1 t2 /mnt/t2
    check check_failed_units no-failed-units
    check check_boot_time boot-time 120
    check check_secrets secrets
    expect chap-oneway-mount chap-mutual two-targets no-failed-units boot-time \
           secrets-journal secrets-cmdline secrets-units secrets-nodedb
    mounted t1 /mnt/t1; mounted t2 /mnt/t2
}

# TPM2 (issue 12): a software TPM (swtpm) is the guest's TPM, the same TPM
# state for both boots. First boot: the admin adds two targets on the guest
# with "iscsi-creds add --with-key=tpm2" and with add's default (auto: must
# be host+tpm2 here) (PCR 7, systemd-creds' default). Second boot of the same image: PID 1 unseals both
# secrets through the TPM for the login units, both LUNs are mounted; a third
# target's secret, sealed on the host to a TPM of its own, cannot be unsealed:
# its login unit fails and the retry service says why.
scenario_tpm2() {
    local pw1 pw2 pw3
    TPM=1
    pw1=$(rand_str 24) pw2=$(rand_str 24) pw3=$(rand_str 24)
    lun 1 "$IQN:tp1"; account 1 tpuser1 "$pw1"
    lun 2 "$IQN:tp2"; account 2 tpuser2 "$pw2"
    check check_tpm2_add tpm2-add tp1 "$IQN:tp1" /mnt/tp1 tpm2 1
    # tp2 without --with-key: add's default (auto) seals with host+tpm2 where there is a TPM
    check check_tpm2_add tpm2-add-host-tpm2 tp2 "$IQN:tp2" /mnt/tp2 default:host+tpm2 2
    # tp3's secret was sealed to another TPM (on the host): this one cannot unseal it.
    # nofail: remote-fs.target only wants it, so tp1 and tp2 are still checked as
    # mounted before multi-user.target.
    target_cred tp3 <<EOF
target = $IQN:tp3
portal = $P4
lun = 1
mount = /mnt/tp3
options = nofail
EOF
    foreign_tpm2_cred iscsi.auth.tp3 <<EOF
node.session.auth.username = tpuser3
node.session.auth.password = $pw3
EOF
    secret "$pw3"
    next_boot
    check check_mounted tpm2-mounted tp1 /mnt/tp1 "${TOKEN[1]}"
    check check_mounted tpm2-host-tpm2-mounted tp2 /mnt/tp2 "${TOKEN[2]}"
    check check_tpm_before_login tpm2-ordering tp1
    check check_credential_unusable tpm2-other-tpm tp3 /mnt/tp3 \
        "'iscsi.auth.tp3 \\(sealed with tpm2\\) cannot be decrypted: the TPM2 could not unseal it'"
    check check_failed_units no-failed-units iscsi-creds-login@tp3.service mnt-tp3.mount
    check check_secrets secrets
    expect tpm2-add tpm2-add-host-tpm2 tpm2-mounted tpm2-host-tpm2-mounted tpm2-ordering tpm2-other-tpm \
           no-failed-units \
           secrets-journal secrets-cmdline secrets-units secrets-nodedb
    mounted tp1 /mnt/tp1; mounted tp2 /mnt/tp2
    # The control for the stolen-disk check: encrypted with the image's host key
    # alone, it must decrypt with what is taken from the image.
    TPM2_CONTROL=vmtest-control-$(rand_str 12)
    secret_cred vmtest.control <<<"$TPM2_CONTROL"
    STORED+=(vmtest.control)
    HOST_CHECKS+=("host_disk_theft tp1 tp2")
}

# host_disk_theft ALIAS... SCENARIO: the stolen-disk case. The secrets
# credentials, the host key (/var/lib/systemd/credential.secret) and the
# machine-id are taken from the raw image after shutdown. With them the real
# systemd-creds on this host, which has no TPM, decrypts the control
# (vmtest.control: host key only, so what was taken is the image's real key)
# and none of the TPM2-sealed secrets.
host_disk_theft() {
    local b=${*: -1} a d=$RUNDIR/stolen errs="" n=0 got
    mkdir -p "$d"
    stolen_decrypt() {  # NAME FILE: systemd-creds decrypt with the image's host key and machine-id
        # shellcheck disable=SC2016  # expanded by the inner shell
        unshare -m --propagation private bash -c '
            mount --bind "$1/machine-id" /etc/machine-id &&
            SYSTEMD_CREDENTIAL_SECRET=$1/host.key systemd-creds decrypt --name="$2" "$3" -' _ "$d" "$1" "$2"
    }
    for a in /var/lib/systemd/credential.secret:host.key /etc/machine-id:machine-id \
             /etc/credstore.encrypted/vmtest.control:vmtest.control; do
        debugfs -R "dump ${a%%:*} $d/${a#*:}" "$RUNDIR/disk.img" >/dev/null 2>&1 || true
        [ -s "$d/${a#*:}" ] || errs+="no ${a%%:*} in the image; "
    done
    # systemd-creds refuses a host key others may read (debugfs dumps it 0644)
    chmod 0400 "$d/host.key" 2>/dev/null || true
    if [ -z "$errs" ]; then
        got=$(stolen_decrypt vmtest.control "$d/vmtest.control" 2>"$d/err.control") || true
        [ "$got" = "$TPM2_CONTROL" ] ||
            errs+="the control did not decrypt with the key taken from the image ($(head -n1 "$d/err.control")): the check would prove nothing; "
    fi
    for a in "${@:1:$#-1}"; do
        debugfs -R "dump /etc/credstore.encrypted/iscsi.auth.$a $d/iscsi.auth.$a" "$RUNDIR/disk.img" >/dev/null 2>&1 || true
        if [ ! -s "$d/iscsi.auth.$a" ]; then
            errs+="no /etc/credstore.encrypted/iscsi.auth.$a in the image; "
        elif stolen_decrypt "iscsi.auth.$a" "$d/iscsi.auth.$a" >/dev/null 2>"$d/err.$a"; then
            errs+="iscsi.auth.$a decrypted with what the image holds, without the TPM; "
        else
            n=$((n + 1))
        fi
    done
    if [ -z "$errs" ]; then
        record "$b/tpm2-disk-theft" PASS "host key, machine-id and $n TPM2-sealed secrets credential(s) taken from the image: on a host without that TPM the control decrypts, none of the secrets does ($(head -n1 "$d/err.$1"))"
    else
        record "$b/tpm2-disk-theft" FAIL "$errs"
    fi
    rm -rf "$d"
}

# The project installed from its Debian package with apt-get (DEB_SCENARIOS):
# basic's two targets, then an upgrade to the same package re-versioned
# with both mounted, and a removal refused while they are attached.
scenario_package() {
    scenario_basic
    check check_package_upgrade pkg-upgrade t1 /mnt/t1 "$IQN:t1" "$P4" "${TOKEN[1]}"
    check check_package_remove_refused pkg-remove-refused /mnt/t1
    expect pkg-upgrade pkg-remove-refused
}

scenario_failures() {
    local pwg pwb pwm pwmt wrong wrongin pwn pwe
    pwg=$(rand_str 24) pwb=$(rand_str 24) pwm=$(rand_str 24) pwmt=$(rand_str 24)
    pwn=$(rand_str 24) pwe=$(rand_str 24)
    wrong=$(rand_str 24) wrongin=$(rand_str 24)
    lun 1 "$IQN:good"; account 1 gina "$pwg"
    lun 3 "$IQN:badpw"; account 3 carol "$pwb"
    lun 4 "$IQN:mutual"; account 4 dave "$pwm"; outgoing 4 tgtmutual "$pwmt"
    secret "$wrong"; secret "$wrongin"
    target_cred good <<EOF
target = $IQN:good
portal = $P4
lun = 1
mount = /mnt/good
EOF
    auth_cred good <<EOF
node.session.auth.username = gina
node.session.auth.password = $pwg
EOF
    target_cred badpw <<EOF
target = $IQN:badpw
portal = $P4
lun = 1
mount = /mnt/badpw
device-timeout = 20s
EOF
    auth_cred badpw <<EOF
node.session.auth.username = carol
node.session.auth.password = $wrong
EOF
    target_cred mutualbad <<EOF
target = $IQN:mutual
portal = $P6
lun = 1
mount = /mnt/mutualbad
device-timeout = 20s
EOF
    auth_cred mutualbad <<EOF
node.session.auth.username = dave
node.session.auth.password = $pwm
node.session.auth.username_in = tgtmutual
node.session.auth.password_in = $wrongin
EOF
    target_cred down <<EOF
target = $IQN:nowhere
portal = 127.0.0.1:3299
lun = 1
mount = /mnt/down
device-timeout = 20s
EOF
    auth_cred down <<EOF
node.session.auth.username = nobody
node.session.auth.password = $pwg
EOF
    # secrets PID 1 cannot decrypt (issue 12): sealed to a TPM2 on a machine
    # without one, and past their --not-after time
    target_cred notpm <<EOF
target = $IQN:notpm
portal = $P4
lun = 1
mount = /mnt/notpm
EOF
    foreign_tpm2_cred iscsi.auth.notpm <<EOF
node.session.auth.username = nobody
node.session.auth.password = $pwn
EOF
    target_cred expired <<EOF
target = $IQN:expired
portal = $P4
lun = 1
mount = /mnt/expired
EOF
    expired_cred iscsi.auth.expired <<EOF
node.session.auth.username = nobody
node.session.auth.password = $pwe
EOF
    secret "$pwn"; secret "$pwe"
    check check_login_failed wrong-password badpw /mnt/badpw "'authentication failed'"
    check check_credential_unusable tpm2-no-tpm notpm /mnt/notpm \
        "'iscsi.auth.notpm \\(sealed with tpm2\\) cannot be decrypted: it is sealed to a TPM2 and this machine has none'"
    check check_credential_unusable not-after-passed expired /mnt/expired \
        "'iscsi.auth.expired \\(sealed with host\\) cannot be decrypted: its validity ended'"
    check check_login_failed chap-mutual-wrong-password-in mutualbad /mnt/mutualbad "'login .*failed|authentication failed'"
    check check_login_failed target-down down /mnt/down "'connect|refused|unreachable|timed? ?out|no route'"
    check check_mounted failing-target-isolation good /mnt/good "${TOKEN[1]}" isolated
    # device-timeout 20 s + 20 s margin, counted from the start of the logins
    check check_boot_bound boot-time-with-failures iscsi-creds-login@badpw.service 40
    check check_failed_units no-other-failed-units \
        iscsi-creds-login@badpw.service iscsi-creds-login@mutualbad.service \
        iscsi-creds-login@down.service mnt-badpw.mount mnt-mutualbad.mount mnt-down.mount \
        iscsi-creds-login@notpm.service iscsi-creds-login@expired.service mnt-notpm.mount mnt-expired.mount
    check check_secrets secrets
    expect wrong-password chap-mutual-wrong-password-in target-down failing-target-isolation \
           tpm2-no-tpm not-after-passed \
           boot-time-with-failures no-other-failed-units \
           secrets-journal secrets-cmdline secrets-units secrets-nodedb
    mounted good /mnt/good
}

# Features beyond one static CHAP target, in one boot:
# - LUKS on the LUN: luks = yes with the right passphrase in iscsi.luks.ALIAS
#   (opened, mounted, closed at shutdown between unmount and logout) and with
#   a wrong one (the unlock unit fails, the mount is not attempted);
# - initiator identity: tgtd ACLs by initiator name; one target names its
#   initiator, one gets it from the iscsi.initiatorname credential (which then
#   applies to every other target too), one names an initiator tgtd refuses;
# - node.session.scan: manual (default) attaches only the configured LUN of a
#   two-LUN target, auto attaches both;
# - LUN 300 (SAM flat-space addressing in the by-path name).
scenario_advanced() {
    local pwl pwok pwbad wrong pwalnum ini_a ini_b ini_x
    # passphrases with bytes outside base64, and one without (see luksalnum)
    pwl=$(rand_str 24) pwok=pass-$(rand_str 24).ok pwbad=pass-$(rand_str 24).bad
    wrong=pass-$(rand_str 24).wrong pwalnum=$(rand_str 32)
    ini_a=iqn.2024-01.org.example.vmtest:ini-a
    ini_b=iqn.2024-01.org.example.vmtest:ini-b
    ini_x=iqn.2024-01.org.example.vmtest:intruder
    # the SMBIOS credentials would pass systemd's ~4 KiB: the (non-secret)
    # target definitions go to /etc/credstore, the secrets stay in SMBIOS
    CREDSTORE_TARGETS=1

    luks_lun 1 "$IQN:luksok" "$pwok"; account 1 lucy "$pwl"
    target_cred luksok <<EOF
target = $IQN:luksok
portal = $P4
lun = 1
luks = yes
mount = /mnt/luksok
fstype = ext4
EOF
    auth_cred luksok <<EOF
node.session.auth.username = lucy
node.session.auth.password = $pwl
EOF
    luks_cred luksok "$pwok"

    luks_lun 2 "$IQN:luksbad" "$pwbad"
    target_cred luksbad <<EOF
target = $IQN:luksbad
portal = $P4
lun = 1
luks = yes
mount = /mnt/luksbad
fstype = ext4
EOF
    luks_cred luksbad "$wrong"

    # a passphrase of only base64 characters (what "openssl rand -base64" or
    # a password generator gives): must be taken as the passphrase, not
    # mistaken for ciphertext once PID 1 has decrypted it
    luks_lun 8 "$IQN:luksalnum" "$pwalnum"
    target_cred luksalnum <<EOF
target = $IQN:luksalnum
portal = $P4
lun = 1
luks = yes
mount = /mnt/luksalnum
fstype = ext4
EOF
    luks_cred luksalnum "$pwalnum"

    lun 3 "$IQN:ini-a" "$ini_a"
    target_cred inia <<EOF
target = $IQN:ini-a
portal = $P4
lun = 1
initiator = $ini_a
mount = /mnt/inia
EOF
    # the same target over IPv6 (its own session) as an initiator tgtd refuses
    target_cred intruder <<EOF
target = $IQN:ini-a
portal = $P6
lun = 1
initiator = $ini_x
node.session.initial_login_retry_max = 1
EOF

    lun 4 "$IQN:ini-b" "$ini_b"
    target_cred inib <<EOF
target = $IQN:ini-b
portal = $P4
lun = 1
mount = /mnt/inib
EOF
    plain_cred iscsi.initiatorname <<EOF
InitiatorName=$ini_b
EOF

    lun 5 "$IQN:scan-manual"; extra_lun 5 2
    target_cred scanman <<EOF
target = $IQN:scan-manual
portal = $P4
lun = 2
mount = /mnt/scanman
EOF
    lun 6 "$IQN:scan-auto"; extra_lun 6 2
    target_cred scanauto <<EOF
target = $IQN:scan-auto
portal = $P4
lun = 1
node.session.scan = auto
mount = /mnt/scanauto
EOF

    # device-timeout bounds the wait should the by-path name be wrong; systemd
    # counts it from the start of the boot transaction, not from the login
    lun 7 "$IQN:lun300"; extra_lun 7 300
    target_cred lun300 <<EOF
target = $IQN:lun300
portal = $P4
lun = 300
mount = /mnt/lun300
device-timeout = 60s
EOF
    secret "$wrong"

    check wait_settled 150
    check check_mounted luks-mount luksok /mnt/luksok "${TOKEN[1]}" isolated
    check check_luks_open luks-open luksok /mnt/luksok
    check check_luks_wrong luks-wrong-passphrase luksbad /mnt/luksbad "'does not open the LUKS volume'"
    check check_luks_open luks-alnum-passphrase luksalnum /mnt/luksalnum
    check check_mounted initiator-key-mount inia /mnt/inia "${TOKEN[3]}" isolated
    check check_initiator initiator-key inia "$IQN:ini-a" "$ini_a"
    check check_login_failed initiator-refused intruder "''" "'refused|not allowed|not found|authori'"
    check check_mounted initiator-credential-mount inib /mnt/inib "${TOKEN[4]}" isolated
    check check_initiator initiator-credential inib "$IQN:ini-b" "$ini_b"
    check check_initiator initiator-credential-default scanman "$IQN:scan-manual" "$ini_b"
    check check_mounted scan-manual-mount scanman /mnt/scanman "${TOKEN[5-2]}" isolated
    check check_bypath scan-manual-only-lun "$IQN:scan-manual" 2 1
    check check_mounted scan-auto-mount scanauto /mnt/scanauto "${TOKEN[6]}" isolated
    check check_bypath scan-auto-all-luns "$IQN:scan-auto" "'1 2'" "''"
    check check_bypath lun300-bypath "$IQN:lun300" 0x412c000000000000 "'1 300'"
    check check_mounted lun300-mount lun300 /mnt/lun300 "${TOKEN[7-300]}" isolated
    check check_boot_time boot-completes 150
    check check_failed_units no-other-failed-units \
        iscsi-creds-unlock@luksbad.service mnt-luksbad.mount iscsi-creds-login@intruder.service \
        iscsi-creds-login@lun300.service mnt-lun300.mount \
        iscsi-creds-unlock@luksalnum.service mnt-luksalnum.mount
    check check_secrets secrets
    expect luks-mount luks-open luks-wrong-passphrase luks-alnum-passphrase \
           initiator-key-mount initiator-key initiator-refused \
           initiator-credential-mount initiator-credential initiator-credential-default \
           scan-manual-mount scan-manual-only-lun scan-auto-mount scan-auto-all-luns \
           lun300-bypath lun300-mount boot-completes no-other-failed-units \
           secrets-journal secrets-cmdline secrets-units secrets-nodedb
    mounted luksok /mnt/luksok; mounted inia /mnt/inia; mounted inib /mnt/inib
    mounted scanman /mnt/scanman; mounted scanauto /mnt/scanauto
    UNLOCKED+=("luksok:/mnt/luksok")
}

# SendTargets discovery with its own CHAP (issue 4, item 1), against LIO (the
# kernel target; tgtd cannot demand CHAP for discovery) on 127.0.0.1:3261:
# two LIO targets, each with its own session CHAP, behind one discovery
# secret.  disc logs in to the one its "target =" names and mounts it by
# UUID, disclabel the other by LABEL; discbad has a wrong discovery secret.
scenario_discovery() {
    local pwd pw1 pw2 wrong uuid lio=127.0.0.1:3261
    pwd=$(rand_str 24) pw1=$(rand_str 24) pw2=$(rand_str 24) wrong=$(rand_str 24)
    uuid=$(cat /proc/sys/kernel/random/uuid)
    lio_discovery_auth discoverer "$pwd"
    lio_target 11 "$IQN:lio1" "$lio" lio1user "$pw1" "$uuid"
    lio_target 12 "$IQN:lio2" "$lio" lio2user "$pw2" "" vmtest-lio2
    secret "$wrong"
    target_cred disc <<EOF
# SendTargets discovery, only the target named here, mounted by UUID
discovery = sendtargets
portal = $lio
target = $IQN:lio1
what = UUID=$uuid
mount = /mnt/disc
EOF
    auth_cred disc <<EOF
discovery.sendtargets.auth.username = discoverer
discovery.sendtargets.auth.password = $pwd
node.session.auth.username = lio1user
node.session.auth.password = $pw1
EOF
    target_cred disclabel <<EOF
discovery = sendtargets
portal = $lio
target = $IQN:lio2
what = LABEL=vmtest-lio2
mount = /mnt/disclabel
EOF
    auth_cred disclabel <<EOF
discovery.sendtargets.auth.username = discoverer
discovery.sendtargets.auth.password = $pwd
node.session.auth.username = lio2user
node.session.auth.password = $pw2
EOF
    # the same portal with a wrong discovery secret (and right session ones)
    target_cred discbad <<EOF
discovery = sendtargets
portal = $lio
EOF
    auth_cred discbad <<EOF
discovery.sendtargets.auth.username = discoverer
discovery.sendtargets.auth.password = $wrong
node.session.auth.username = lio1user
node.session.auth.password = $pw1
EOF
    check wait_settled 90
    check check_discovered discovery-chap disc "$IQN:lio1" "$IQN:lio2"
    check check_mounted discovery-mount-uuid disc /mnt/disc "${TOKEN[11]}" isolated
    check check_discovered discovery-chap-label disclabel "$IQN:lio2" "$IQN:lio1"
    check check_mounted discovery-mount-label disclabel /mnt/disclabel "${TOKEN[12]}" isolated
    check check_login_failed discovery-wrong-secret discbad "''" \
        "'SendTargets discovery.*authentication failed|authentication failed.*SendTargets discovery'"
    check check_login_failed discovery-wrong-secret-auth discbad "''" "'discovery.*authentication failed'"
    check check_boot_time boot-completes 120
    check check_failed_units no-other-failed-units iscsi-creds-login@discbad.service
    check check_secrets secrets
    expect discovery-chap discovery-mount-uuid discovery-chap-label discovery-mount-label \
           discovery-wrong-secret discovery-wrong-secret-auth boot-completes no-other-failed-units \
           secrets-journal secrets-cmdline secrets-units secrets-nodedb
    mounted disc /mnt/disc; mounted disclabel /mnt/disclabel
}

# Two portals of one tgtd target (tgtd listens on every address: 127.0.0.1
# and 127.0.0.2, both on lo) plus a dead third, multipath = yes, mounted by
# the file system's UUID (issue 4, item 2).  multipathd (pulled in by the
# login unit) is told to assemble every path that has a WWID
# (find_multipaths greedy; Debian's default, strict, assembles only WWIDs
# already in /etc/multipath/wwids).
scenario_multipath() {
    local pw uuid
    pw=$(rand_str 24) uuid=$(cat /proc/sys/kernel/random/uuid)
    lun_image 1 "$uuid"
    TGT_CONF+="target 1 $IQN:mp /var/lib/vmtest/lun1.img"$'\n'
    account 1 mpuser "$pw"
    cat >"$ROOT/etc/multipath.conf" <<'EOF'
# vmtest: assemble every path that has a WWID (the iSCSI LUNs; the virtio
# root disk has none)
defaults {
    find_multipaths greedy
    user_friendly_names no
}
EOF
    target_cred mp <<EOF
# two paths to one LUN and a portal with nothing behind it
target = $IQN:mp
portal = 127.0.0.1:3260
portal = 127.0.0.2:3260
portal = 127.0.0.1:3299
multipath = yes
lun = 1
what = UUID=$uuid
mount = /mnt/mp
node.session.initial_login_retry_max = 1
node.conn[0].timeo.login_timeout = 5
EOF
    auth_cred mp <<EOF
node.session.auth.username = mpuser
node.session.auth.password = $pw
EOF
    check check_mounted multipath-mount mp /mnt/mp "${TOKEN[1]}"
    check check_multipath multipath-dm mp /mnt/mp "$IQN:mp" 2 3
    check check_boot_time boot-time 120
    check check_failed_units no-failed-units
    check check_secrets secrets
    expect multipath-mount multipath-dm boot-time no-failed-units \
           secrets-journal secrets-cmdline secrets-units secrets-nodedb
    mounted mp /mnt/mp
}

# Real deployments on LIO (issue 8): two aliases for LUN 0 and LUN 300 of one
# target share its session; LUN 300 in LIO's peripheral device addressing;
# an upper-case IQN as arrays write them; a session an admin made by hand
# (used by an alias, never logged out by iscsi-creds). Stop one alias while
# the other's file system is in use, start it again, stop iscsi-creds.target.
scenario_sharing() {
    local pw pwu pwh a lio=127.0.0.1:3261 up=iqn.2000-01.com.synology:DS918.Target-1.VMTEST
    pw=$(rand_str 24) pwu=$(rand_str 24) pwh=$(rand_str 24)
    # SMBIOS carries about 4 KiB: the (non-secret) definitions go to /etc/credstore
    CREDSTORE_TARGETS=1
    lio_target 1 "$IQN:shared" "$lio" shareduser "$pw"
    lio_lun 2 "$IQN:shared" 300
    lio_target 3 "$up" "$lio" upperuser "$pwu"
    lio_target 4 "$IQN:byhand" "$lio" handuser "$pwh"
    byhand "$IQN:byhand" "$lio" handuser "$pwh"
    for a in s0 s300; do
        target_cred "$a" <<EOF
# LUN ${a#s} of a LIO target, sharing its session with the other alias
target = $IQN:shared
portal = $lio
lun = ${a#s}
mount = /mnt/$a
auth = shared
EOF
    done
    auth_cred shared <<EOF
node.session.auth.username = shareduser
node.session.auth.password = $pw
EOF
    target_cred upper <<EOF
# upper-case IQN, used byte for byte
target = $up
portal = $lio
lun = 0
mount = /mnt/upper
EOF
    auth_cred upper <<EOF
node.session.auth.username = upperuser
node.session.auth.password = $pwu
EOF
    target_cred byhand <<EOF
# a target an admin already logged in to by hand
target = $IQN:byhand
portal = $lio
lun = 0
mount = /mnt/byhand
EOF
    auth_cred byhand <<EOF
node.session.auth.username = handuser
node.session.auth.password = $pwh
EOF
    check wait_settled 120
    check check_mounted sharing-lun0 s0 /mnt/s0 "${TOKEN[1]}" isolated
    check check_mounted sharing-lun300 s300 /mnt/s300 "${TOKEN[2]}" isolated
    check check_mounted upper-case-iqn upper /mnt/upper "${TOKEN[3]}" isolated
    check check_mounted byhand-mount byhand /mnt/byhand "${TOKEN[4]}" isolated
    check check_shared_session shared-session "$IQN:shared" "$lio" s0 s300
    check check_lun_peripheral lio-lun300 s300 "$IQN:shared" 300
    check check_failed_units no-failed-units
    check check_secrets secrets
    check check_stop_one_alias stop-one-alias s0 /mnt/s0 s300 /mnt/s300 "${TOKEN[2]}" "$IQN:shared" "$lio"
    check check_stop_one_alias stop-other-alias s300 /mnt/s300 s0 /mnt/s0 "${TOKEN[1]}" "$IQN:shared" "$lio"
    check check_stop_all_keeps_foreign stop-keeps-foreign "$IQN:shared" "$up" -- "$IQN:byhand" "$lio"
    expect sharing-lun0 sharing-lun300 upper-case-iqn byhand-mount shared-session lio-lun300 \
           no-failed-units secrets-journal secrets-cmdline secrets-units secrets-nodedb \
           stop-one-alias stop-other-alias stop-keeps-foreign
}

# The distribution's own units (issue 9): restarting iscsid.service (Debian's
# postinst does it on every open-iscsi upgrade) and open-iscsi.service (which
# starts once a session exists, and whose stop unmounts every iSCSI file system
# and logs out every session with a record) leave our file system mounted and
# working; the shutdown order stays unmount, our logout, iscsid, network with
# open-iscsi.service active.
scenario_distro() {
    local pw
    pw=$(rand_str 24)
    lun 1 "$IQN:d1"; account 1 dora "$pw"
    target_cred d1 <<EOF
target = $IQN:d1
portal = $P4
lun = 1
mount = /mnt/d1
EOF
    auth_cred d1 <<EOF
node.session.auth.username = dora
node.session.auth.password = $pw
EOF
    check check_mounted distro-mount d1 /mnt/d1 "${TOKEN[1]}"
    check check_restart_keeps_mount restart-iscsid iscsid.service d1 /mnt/d1 "$IQN:d1" "$P4"
    # the first start of open-iscsi.service (its condition holds once a session exists) ...
    check check_restart_keeps_mount start-open-iscsi open-iscsi.service d1 /mnt/d1 "$IQN:d1" "$P4"
    # ... and a restart of it while active (its ExecStop= runs umountiscsi.sh and logout-all.sh)
    check check_restart_open_iscsi restart-open-iscsi d1 /mnt/d1 "$IQN:d1" "$P4"
    check check_failed_units no-failed-units
    check check_secrets secrets
    expect distro-mount restart-iscsid start-open-iscsi restart-open-iscsi no-failed-units \
           secrets-journal secrets-cmdline secrets-units secrets-nodedb
    mounted d1 /mnt/d1
}

# A slow boot (issue 10, item 2): network-online.target is held back 40 s,
# the target's device-timeout is 20 s. The wait for the LUN's device counts
# from the login, not from the boot, so the mount succeeds.
scenario_slowboot() {
    local pw
    pw=$(rand_str 24)
    lun 1 "$IQN:slow"; account 1 sam "$pw"
    install -m 0644 "$VM_DIR/guest/vmtest-slow-online.service" "$ROOT/etc/systemd/system/"
    mkdir -p "$ROOT/etc/systemd/system/network-online.target.wants"
    ln -sf ../vmtest-slow-online.service "$ROOT/etc/systemd/system/network-online.target.wants/"
    target_cred slow <<EOF
target = $IQN:slow
portal = $P4
lun = 1
mount = /mnt/slow
device-timeout = 20s
EOF
    auth_cred slow <<EOF
node.session.auth.username = sam
node.session.auth.password = $pw
EOF
    check check_started_after login-held-back iscsi-creds-login@slow.service 40
    check check_mounted slow-boot-mount slow /mnt/slow "${TOKEN[1]}"
    check check_failed_units no-failed-units
    check check_secrets secrets
    expect login-held-back slow-boot-mount no-failed-units \
           secrets-journal secrets-cmdline secrets-units secrets-nodedb
    mounted slow /mnt/slow
}

# Faults under running I/O (issue 10, items 4 and 5), one boot: the CHAP
# secrets are gone from disk (the node records existed only during the
# logins), so every reconnect below authenticates with what iscsid keeps in
# memory or, after its restart, reads back from the kernel.
# - ftgt (tgtd, 127.0.0.1:3260): tgtd restarted; the network to port 3260
#   down for 30 s (nft drops the packets, nothing answers);
# - flio (LIO, 127.0.0.1:3261): its TPG disabled for 10 s; iscsid restarted
#   (it logs in again with the kernel's values), then the TPG again;
# - fshort (LIO, replacement_timeout = 10): TPG disabled past the timeout:
#   EIO, then the session comes back by itself;
# - at shutdown, with the file systems mounted and data not yet written:
#   fdown (LIO on 127.0.0.1:3262, replacement_timeout = 20) loses its network,
#   fgone (LIO, replacement_timeout = 20) its target (TPG disabled).
# A writer on each of ftgt and flio writes numbered blocks with O_DIRECT and
# reads each back; the longest pause per fault is reported.
scenario_faults() {
    local pwt pwl a lio=127.0.0.1:3261
    pwt=$(rand_str 24) pwl=$(rand_str 24)
    CREDSTORE_TARGETS=1
    # the longest I/O pause: link down 30 s + noop detection + a login_timeout
    SCENARIO_TIMEOUT=600
    # replacement_timeout of the dead targets (20 s) + noop_out_interval +
    # noop_out_timeout (5 + 5 s) to notice a silent network, + the usual 60 s
    SHUTDOWN_MAX=90
    lun 1 "$IQN:ftgt"; account 1 fred "$pwt"
    target_cred ftgt <<EOF
# tgtd: restarted, then the network to it down for 30 s
target = $IQN:ftgt
portal = $P4
lun = 1
mount = /mnt/ftgt
EOF
    auth_cred ftgt <<EOF
node.session.auth.username = fred
node.session.auth.password = $pwt
EOF
    lio_target 11 "$IQN:flio" "$lio" liouser "$pwl"
    lio_target 12 "$IQN:fshort" "$lio" liouser "$pwl"
    lio_target 13 "$IQN:fdown" 127.0.0.1:3262 liouser "$pwl"
    lio_target 14 "$IQN:fgone" "$lio" liouser "$pwl"
    for a in flio fshort fdown fgone; do
        target_cred "$a" <<EOF
target = $IQN:$a
portal = $([ "$a" = fdown ] && echo 127.0.0.1:3262 || echo "$lio")
lun = 0
mount = /mnt/$a
auth = lio
$(case $a in fshort) echo "node.session.timeo.replacement_timeout = 10" ;;
             fdown|fgone) echo "node.session.timeo.replacement_timeout = 20" ;; esac)
EOF
    done
    auth_cred lio <<EOF
node.session.auth.username = liouser
node.session.auth.password = $pwl
EOF
    check wait_settled 120
    check check_mounted faults-mount-ftgt ftgt /mnt/ftgt "${TOKEN[1]}"
    check check_mounted faults-mount-flio flio /mnt/flio "${TOKEN[11]}"
    check check_mounted faults-mount-fshort fshort /mnt/fshort "${TOKEN[12]}"
    check check_mounted faults-mount-fdown fdown /mnt/fdown "${TOKEN[13]}"
    check check_mounted faults-mount-fgone fgone /mnt/fgone "${TOKEN[14]}"
    check writer_start ftgt /mnt/ftgt
    check writer_start flio /mnt/flio
    check check_fault fault-tgtd-restart ftgt "$IQN:ftgt" "$P4" tgtd-restart
    check check_fault fault-link-down-30s ftgt "$IQN:ftgt" "$P4" link-down 3260 30
    check check_fault fault-lio-tpg flio "$IQN:flio" "$lio" tpg-cycle "$IQN:flio" 10
    check check_past_timeout fault-past-replacement-timeout fshort /mnt/fshort "$IQN:fshort" "$lio" "$IQN:fshort" 10
    # pinned in sysfs: what iscsid restarts do not change (fshort is not)
    check check_iscsid_restart iscsid-restart "'ftgt flio'" "'fdown fgone'"
    check check_fault fault-lio-tpg-after-iscsid-restart flio "$IQN:flio" "$lio" tpg-cycle "$IQN:flio" 10
    check check_writer_verify writer-verify-ftgt ftgt
    check check_writer_verify writer-verify-flio flio
    check check_failed_units no-failed-units
    check check_secrets secrets
    # after the last check and the final sync: unsynced data, then the targets go
    check at_poweroff dirty_mounts /mnt/fdown /mnt/fgone
    check at_poweroff /usr/local/lib/vmtest/target-setup.sh block 3262
    check at_poweroff /usr/local/lib/vmtest/target-setup.sh lio-tpg "$IQN:fgone" 0
    expect faults-mount-ftgt faults-mount-flio faults-mount-fshort faults-mount-fdown faults-mount-fgone \
           fault-tgtd-restart fault-link-down-30s fault-lio-tpg fault-past-replacement-timeout \
           iscsid-restart fault-lio-tpg-after-iscsid-restart \
           writer-verify-ftgt writer-verify-flio no-failed-units \
           secrets-journal secrets-cmdline secrets-units secrets-nodedb
    mounted ftgt /mnt/ftgt; mounted flio /mnt/flio; mounted fshort /mnt/fshort
    mounted fdown /mnt/fdown; mounted fgone /mnt/fgone
    DEAD=(fdown:/mnt/fdown fgone:/mnt/fgone)
}

# Late storage (issue 10): targets that come up after the host.
# - late: LUKS on a LIO LUN whose target appears 60 s after boot
#   (vmtest-late.timer). The first login fails at once (nothing answers TCP),
#   the boot goes on; iscsi-creds-retry@late.service probes with back-off and,
#   once the target answers, starts /mnt/late's mount: login, unlock, mount.
# - mp: a LIO target with two portals (attach only), the second one added
#   60 s after boot: logged in through one, the retry starts
#   iscsi-creds-paths@mp.service for the other.
# - badpw: a tgtd target with a wrong secret: retried every 2 minutes, each
#   attempt an authentication failure.
scenario_late() {
    local pwl pwm pwb wrong lpw c=/var/lib/vmtest/luks-content-1
    # the checks wait for the 60 s timer and a retry 2 minutes after the boot's login
    SCENARIO_TIMEOUT=480
    pwl=$(rand_str 24) pwm=$(rand_str 24) pwb=$(rand_str 24) wrong=$(rand_str 24) lpw=$(rand_str 20)
    install -m 0644 "$VM_DIR/guest/vmtest-late.timer" "$VM_DIR/guest/vmtest-late.service" "$ROOT/etc/systemd/system/"
    mkdir -p "$ROOT/etc/systemd/system/timers.target.wants"
    ln -sf ../vmtest-late.timer "$ROOT/etc/systemd/system/timers.target.wants/"

    lun_content 1 "$ROOT$c" "late LUKS LUN"
    truncate -s 40M "$ROOT/var/lib/vmtest/lun1.img"
    LUNS=$((LUNS + 1))
    TGT_CONF+="luks /var/lib/vmtest/lun1.img $lpw $c"$'\n'
    TGT_CONF+="late-lio-target $IQN:late 127.0.0.1:3261 /var/lib/vmtest/lun1.img lena $pwl"$'\n'
    SECRETS+=("$pwl" "$lpw")
    target_cred late <<EOF
target = $IQN:late
portal = 127.0.0.1:3261
lun = 0
luks = yes
mount = /mnt/late
EOF
    auth_cred late <<EOF
node.session.auth.username = lena
node.session.auth.password = $pwl
EOF
    luks_cred late "$lpw"

    lio_target 2 "$IQN:mp" 127.0.0.1:3263 mona "$pwm"
    TGT_CONF+="late-lio-np $IQN:mp 127.0.0.2:3263"$'\n'
    target_cred mp <<EOF
target = $IQN:mp
portal = 127.0.0.1:3263
portal = 127.0.0.2:3263
lun = 0
EOF
    auth_cred mp <<EOF
node.session.auth.username = mona
node.session.auth.password = $pwm
EOF

    lun 3 "$IQN:badpw"; account 3 bert "$pwb"; secret "$wrong"
    target_cred badpw <<EOF
target = $IQN:badpw
portal = $P4
lun = 1
mount = /mnt/badpw
EOF
    auth_cred badpw <<EOF
node.session.auth.username = bert
node.session.auth.password = $wrong
EOF

    check check_login_failed late-first-login late /mnt/late "'does not answer \\(connection refused'"
    check check_retry_status late-retry-status late "'127.0.0.1:3261: connection refused'"
    # the retry's longest interval (60 s) + login, unlock and mount on a loaded TCG guest
    check check_late_mounted late-target-mounted late /mnt/late "${TOKEN[1]}" vmtest-late.service 90
    check check_luks_open late-luks-open late /mnt/late
    check check_paths_completed late-portal-added mp "$IQN:mp" 2 vmtest-late.service
    check check_auth_retried wrong-secret-retried badpw 110
    check check_failed_units no-other-failed-units iscsi-creds-login@badpw.service mnt-badpw.mount
    check check_secrets secrets
    expect late-first-login late-retry-status late-target-mounted late-luks-open late-portal-added \
           wrong-secret-retried no-other-failed-units \
           secrets-journal secrets-cmdline secrets-units secrets-nodedb
    mounted late /mnt/late
    UNLOCKED+=("late:/mnt/late")
}

# The admin's flow (issue 5), run on the host before the boot with the built
# iscsi-creds against the guest's root (ISCSI_CREDS_ROOT) and host key
# (as_guest): gen-secret | add (one-way CHAP); add --no-chap +
# import-k8s-secret (a kubernetes.io/iscsi-chap Secret, base64 data:, mutual
# CHAP); add --no-chap + import-iscsid-conf (the default iscsi.auth).  In the
# guest: all mounted, "iscsi-creds verify" exits 0, "status --json" shows them.
scenario_admin() {
    local cli gen k8su k8sp k8sin k8spin confu confp y f alog=$RUNDIR/admin.log
    cli=$(find "$STAGE" -name iscsi-creds -type f -perm -u+x | head -n1)
    [ -n "$cli" ] || die "admin: no iscsi-creds binary in $STAGE"
    if [ "$VM_RELEASE" != "$HOST_RELEASE" ]; then
        cli=${cli#"$STAGE"}     # as_guest runs it in the guest's root
    else
        # iscsi-creds runs the admin's program from its installed path: here, the staged one
        ISCSI_CREDS_ADMIN=$(find "$STAGE" -name iscsi-creds-admin -type f -perm -u+x | head -n1)
        [ -n "$ISCSI_CREDS_ADMIN" ] || die "admin: no iscsi-creds-admin binary in $STAGE"
        export ISCSI_CREDS_ADMIN
    fi
    CREDSTORE_TARGETS=1
    admin() {  # CMD...: run iscsi-creds as the guest's admin, log to admin.log
        echo "\$ iscsi-creds $*" >>"$alog"
        as_guest "$cli" "$@" >>"$alog" 2>&1 || { cat "$alog" >&2; die "admin: iscsi-creds $* failed"; }
    }

    gen=$(as_guest "$cli" gen-secret)
    [ "${#gen}" -ge 12 ] || die "admin: gen-secret printed ${#gen} characters"
    lun 1 "$IQN:adm1"; account 1 admin1 "$gen"
    printf '%s\n' "$gen" | admin add adm1 --target "$IQN:adm1" --portal "$P4" \
        --lun 1 --mount /mnt/adm1 --username admin1 --with-key host

    k8su=k8s-node k8sp=$(rand_str 20) k8sin=k8s-target k8spin=$(rand_str 20)
    lun 2 "$IQN:adm2"; account 2 "$k8su" "$k8sp"; outgoing 2 "$k8sin" "$k8spin"
    y=$RUNDIR/k8s-secret.yaml
    (umask 077; cat >"$y" <<EOF
apiVersion: v1
kind: Secret
metadata:
  name: chap-secret
  namespace: default
type: "kubernetes.io/iscsi-chap"
data:
  node.session.auth.username: $(printf '%s' "$k8su" | base64 -w0)
  node.session.auth.password: $(printf '%s' "$k8sp" | base64 -w0)
  node.session.auth.username_in: $(printf '%s' "$k8sin" | base64 -w0)
  node.session.auth.password_in: $(printf '%s' "$k8spin" | base64 -w0)
EOF
    )
    admin add adm2 --target "$IQN:adm2" --portal "$P6" --lun 1 --mount /mnt/adm2 --no-chap </dev/null
    admin import-k8s-secret "$y" adm2 --with-key host

    confu=iscsid-node confp=$(rand_str 20)
    lun 3 "$IQN:adm3"; account 3 "$confu" "$confp"
    f=$RUNDIR/iscsid.conf
    (umask 077; cat >"$f" <<EOF
# global CHAP settings of a host that used iscsid.conf
node.startup = manual
node.session.auth.authmethod = CHAP
node.session.auth.username = $confu
node.session.auth.password = $confp
node.session.timeo.replacement_timeout = 120
EOF
    )
    admin add adm3 --target "$IQN:adm3" --portal "$P4" --lun 1 --mount /mnt/adm3 --no-chap </dev/null
    admin import-iscsid-conf "$f" --with-key host
    admin verify
    ALL_ALIASES+=(adm1 adm2 adm3)
    log "admin: $(paste -sd'|' "$alog")"
    log "admin wrote: $(cd "$ROOT/etc" && find credstore credstore.encrypted -type f -printf '%p(%m) ' | sort)"

    check check_mounted admin-add-mount adm1 /mnt/adm1 "${TOKEN[1]}"
    check check_mounted admin-k8s-mount adm2 /mnt/adm2 "${TOKEN[2]}"
    check check_mounted admin-iscsid-conf-mount adm3 /mnt/adm3 "${TOKEN[3]}"
    check check_cmd admin-verify iscsi-creds verify
    check check_status_json admin-status-json adm1 adm2 adm3
    check check_failed_units no-failed-units
    check check_secrets secrets
    expect admin-add-mount admin-k8s-mount admin-iscsid-conf-mount admin-verify admin-status-json \
           no-failed-units secrets-journal secrets-cmdline secrets-units secrets-nodedb
    mounted adm1 /mnt/adm1; mounted adm2 /mnt/adm2; mounted adm3 /mnt/adm3
}

# The shipped example, installed the way docs/credentials.md tells a user to:
# the definition in /etc/credstore, the secrets encrypted for this host in
# /etc/credstore.encrypted.  The guest's tgtd gets the account from the
# example's secrets file.
scenario_demo() {
    local ex=$src_dir/examples tdef aplain iqn user pw a mnt
    tdef=$ex/iscsi.target.demo aplain=$ex/iscsi.auth.demo.plain
    if [ ! -f "$tdef" ] || [ ! -f "$aplain" ]; then
        tdef=$VM_DIR/examples/iscsi.target.demo aplain=$VM_DIR/examples/iscsi.auth.demo.plain
        log "no example in $ex, using the harness's copy in $VM_DIR/examples"
    fi
    a=demo
    iqn=$(sed -n 's/^[[:space:]]*target[[:space:]]*=[[:space:]]*//p' "$tdef")
    mnt=$(sed -n 's/^[[:space:]]*mount[[:space:]]*=[[:space:]]*//p' "$tdef")
    user=$(sed -n 's/^[[:space:]]*node\.session\.auth\.username[[:space:]]*=[[:space:]]*//p' "$aplain")
    pw=$(sed -n 's/^[[:space:]]*node\.session\.auth\.password[[:space:]]*=[[:space:]]*//p' "$aplain")
    lun 1 "$iqn"; account 1 "$user" "$pw"
    mkdir -p "$RUNDIR/creds"
    cp "$tdef" "$RUNDIR/creds/iscsi.target.$a"
    ALL_ALIASES+=("$a")
    install -D -m 0644 "$tdef" "$ROOT/etc/credstore/iscsi.target.$a"
    auth_cred "$a" <"$aplain"
    STORED+=("iscsi.auth.$a")
    check check_mounted demo-mount "$a" "$mnt" "${TOKEN[1]}"
    check show_demo "$a" "$mnt"
    check check_failed_units no-failed-units
    check check_secrets secrets
    expect demo-mount no-failed-units secrets-journal secrets-cmdline secrets-units secrets-nodedb
    mounted "$a" "$mnt"
}

# ---------------------------------------------------------------- guest setup
install_guest_files() {
    local g=$VM_DIR/guest
    install -d "$ROOT/usr/local/lib/vmtest" "$ROOT/etc/vmtest" "$ROOT/var/lib/vmtest" \
        "$ROOT/etc/systemd/system/iscsi-creds-login@.service.d" \
        "$ROOT/etc/systemd/system/multi-user.target.wants"
    install -m 0755 "$g/check.sh" "$g/target-setup.sh" "$g/sampler.sh" "$g/fake-login.sh" \
        "$ROOT/usr/local/lib/vmtest/"
    install -m 0644 "$g/vmtest-target.service" "$g/vmtest-sampler.service" \
        "$g/vmtest-check.service" "$g/vmtest-network.service" "$ROOT/etc/systemd/system/"
    install -m 0644 "$g/login-dropin.conf" \
        "$ROOT/etc/systemd/system/iscsi-creds-login@.service.d/50-vmtest.conf"
    ln -sf ../vmtest-check.service ../vmtest-network.service \
        "$ROOT/etc/systemd/system/multi-user.target.wants/"
    # no login prompt interleaved with the results on the serial console
    ln -sf /dev/null "$ROOT/etc/systemd/system/serial-getty@ttyS0.service"
}

# Stand-in for the project (--fake): a login template + one mount unit per
# target, written here on the host.
install_fake_product() {
    local a mnt unit what portal addr port dev d=$ROOT/etc/systemd/system
    local v nodedb=/etc/iscsi
    # shellcheck disable=SC2016  # dpkg-query's own format
    v=$(chroot "$ROOT" dpkg-query -W -f='${Version}' open-iscsi 2>/dev/null || echo 0)
    if dpkg --compare-versions "$v" ge 2.1.9; then nodedb=/var/lib/iscsi; fi
    sed "s|@NODEDB@|$nodedb|g" "$VM_DIR/guest/fake-login@.service" >"$d/iscsi-creds-login@.service"
    mkdir -p "$d/remote-fs.target.wants"
    for a in "${ALL_ALIASES[@]}"; do
        mnt=$(cred_key "$a" mount) portal=$(cred_key "$a" portal)
        [ -n "$mnt" ] || continue
        case $portal in
            \[*) addr=${portal#[}; addr=${addr%%]*}; port=${portal##*]:} ;;
            *) addr=${portal%:*}; port=${portal##*:} ;;
        esac
        what=/dev/disk/by-path/ip-$addr:$port-iscsi-$(cred_key "$a" target)-lun-$(cred_key "$a" lun)
        unit=$(systemd-escape --path --suffix=mount "$mnt")
        cat >"$d/$unit" <<EOF
[Unit]
Description=vmtest stand-in mount $mnt
Requires=iscsi-creds-login@$a.service
After=iscsi-creds-login@$a.service
[Mount]
What=$what
Where=$mnt
Type=ext4
Options=_netdev
EOF
        ln -sf "../$unit" "$d/remote-fs.target.wants/$unit"
        dev=$(systemd-escape --path --suffix=device "$what")
        mkdir -p "$d/$dev.d"
        printf '[Unit]\nJobRunningTimeoutSec=%s\n' "$(cred_key "$a" device-timeout | grep . || echo 90s)" \
            >"$d/$dev.d/50-device-timeout.conf"
    done
}

# install_deb: the project into the guest root with "apt-get install
# ./iscsi-creds_*.deb" (its dependencies are in the image; apt resolves them
# offline); the upgrade package goes to /var/lib/vmtest/deb for the guest.
install_deb() {
    local deb
    deb=$(find "$DEBS" -maxdepth 1 -name 'iscsi-creds_*.deb' | head -n1)
    install -d "$ROOT/var/lib/vmtest/deb"
    cp "$deb" "$DEBS"/upgrade/*.deb "$ROOT/var/lib/vmtest/deb/"
    # shellcheck disable=SC2016  # expanded by the inner shell
    unshare -m --propagation private bash -euc '
        r=$1 d=$2
        mount -t proc proc "$r/proc"; mount --bind /dev "$r/dev"
        chroot "$r" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$d"
        ' _ "$ROOT" "/var/lib/vmtest/deb/$(basename "$deb")" >"$RUNDIR/apt-install.log" 2>&1 || {
        tail -n 20 "$RUNDIR/apt-install.log" >&2; die "apt-get install ./$(basename "$deb") failed in the guest root"; }
    # shellcheck disable=SC2016  # dpkg-query's own format
    log "installed $(chroot "$ROOT" dpkg-query -W -f='${Package} ${Version}' iscsi-creds) with apt-get"
}

# Make the guest's machine-id and host key, encrypt the auth credentials with
# them, and check that they decrypt, all with the test machine-id bound over
# /etc/machine-id in a private mount namespace (the host stays untouched).
# make_key runs before the scenario (scenario admin encrypts with the key
# through the product's own commands, see as_guest), make_key_and_encrypt after.
make_key() {
    local mid
    mid=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
    printf '%s\n' "$mid" >"$RUNDIR/machine-id"
    printf '%s\n' "$mid" >"$ROOT/etc/machine-id"
    # shellcheck disable=SC2016  # expanded by the inner shell
    unshare -m --propagation private bash -euc '
        mount --bind "$1/machine-id" /etc/machine-id
        SYSTEMD_CREDENTIAL_SECRET=$1/credential.secret systemd-creds setup >/dev/null 2>&1' _ "$RUNDIR"
    [ -s "$RUNDIR/credential.secret" ] || die "systemd-creds setup made no host key"
}
# as_guest CMD...: run CMD on the host as the guest's admin would in the
# guest: the guest's machine-id bound over /etc/machine-id (private mount
# namespace), SYSTEMD_CREDENTIAL_SECRET = the guest's host key,
# ISCSI_CREDS_ROOT = the guest's root.  stdin passes through.
as_guest() {
    if [ "$VM_RELEASE" != "$HOST_RELEASE" ]; then
        # Built for the guest's release, it runs in the guest's root: this run's
        # files at the same path inside, /proc mounted, the guest's machine-id.
        # shellcheck disable=SC2016  # expanded by the inner shell
        unshare -m --propagation private bash -euc '
            d=$1 r=$2; shift 2
            mkdir -p "$r$d"
            mount --bind "$d" "$r$d"
            mount -t proc proc "$r/proc"
            exec chroot "$r" env SYSTEMD_CREDENTIAL_SECRET="$d/credential.secret" "$@"' _ "$RUNDIR" "$ROOT" "$@"
        return
    fi
    # shellcheck disable=SC2016  # expanded by the inner shell
    unshare -m --propagation private bash -euc '
        d=$1 r=$2; shift 2
        mount --bind "$d/machine-id" /etc/machine-id
        SYSTEMD_CREDENTIAL_SECRET=$d/credential.secret ISCSI_CREDS_ROOT=$r exec "$@"' _ "$RUNDIR" "$ROOT" "$@"
}
make_key_and_encrypt() {
    local tpm_pid="" now
    mkdir -p "$RUNDIR/enc"
    if [ "${#SEAL_FOREIGN_TPM2[@]}" -gt 0 ]; then
        mkdir -p "$RUNDIR/foreign-tpm"
        swtpm socket --tpm2 --tpmstate dir="$RUNDIR/foreign-tpm" --flags startup-clear,not-need-init \
            --server type=unixio,path="$RUNDIR/foreign-tpm/sock" \
            --ctrl type=unixio,path="$RUNDIR/foreign-tpm/sock.ctrl" \
            --daemon --pid file="$RUNDIR/foreign-tpm/pid" || die "swtpm (host side) did not start"
        tpm_pid=$(cat "$RUNDIR/foreign-tpm/pid")
    fi
    now=$(date +%s)
    # shellcheck disable=SC2016  # expanded by the inner shell
    SEAL_FOREIGN_TPM2="${SEAL_FOREIGN_TPM2[*]}" SEAL_EXPIRED="${SEAL_EXPIRED[*]}" \
    unshare -m --propagation private bash -euc '
        d=$1 now=$2; shift 2
        mount --bind "$d/machine-id" /etc/machine-id
        export SYSTEMD_CREDENTIAL_SECRET=$d/credential.secret
        for n in "$@"; do
            opts=(--with-key=host) verify=1
            case " $SEAL_FOREIGN_TPM2 " in *" $n "*)
                opts=(--with-key=tpm2 --tpm2-device="swtpm:path=$d/foreign-tpm/sock") verify=0 ;; esac
            case " $SEAL_EXPIRED " in *" $n "*)
                opts+=(--timestamp=@$((now - 7200)) --not-after=@$((now - 3600))) verify=0 ;; esac
            systemd-creds encrypt "${opts[@]}" --name="$n" \
                "$d/secret/$n" "$d/enc/$n" 2>"$d/encrypt.err" ||
                { cat "$d/encrypt.err" >&2; exit 1; }
            [ "$verify" = 1 ] || continue
            systemd-creds decrypt --name="$n" "$d/enc/$n" - 2>"$d/encrypt.err" |
                cmp -s - "$d/secret/$n" || { echo "decrypt check failed for $n" >&2; exit 1; }
        done' _ "$RUNDIR" "$now" "${ACREDS[@]}" || { [ -z "$tpm_pid" ] || kill "$tpm_pid"; die "encrypting the credentials failed"; }
    [ -z "$tpm_pid" ] || kill "$tpm_pid"
    install -D -m 0400 "$RUNDIR/credential.secret" "$ROOT/var/lib/systemd/credential.secret"
    for n in "${STORED[@]}"; do
        install -D -m 0600 "$RUNDIR/enc/$n" "$ROOT/etc/credstore.encrypted/$n"
    done
}

smbios_args() {  # prints one -smbios value list
    local n v="type=11"
    for n in "${TCREDS[@]}"; do
        v+=",value=io.systemd.credential.binary:iscsi.target.$n=$(base64 -w0 "$RUNDIR/creds/iscsi.target.$n")"
    done
    for n in "${PCREDS[@]}"; do
        v+=",value=io.systemd.credential.binary:$n=$(base64 -w0 "$RUNDIR/creds/$n")"
    done
    for n in "${ACREDS[@]}"; do
        case " ${STORED[*]} " in *" $n "*) continue ;; esac
        v+=",value=io.systemd.credential.binary:$n=$(base64 -w0 "$RUNDIR/enc/$n")"
    done
    # compressed: the guest reads it with zcat -f
    v+=",value=io.systemd.credential.binary:vmtest.tgt=$(printf '%s' "$TGT_CONF" | gzip -9n | base64 -w0)"
    printf '%s' "$v"
}
# Only about 4 KiB of SMBIOS type 11 strings arrive (qemu 7.2, systemd 252: at
# 4.6 KB the last credential came truncated, "Failed to base64 decode credential
# ..., ignoring: Broken pipe"; 3.9 KB worked).
SMBIOS_MAX=3900

# ---------------------------------------------------------------- host checks
host_checks() {  # BOOT
    local b=$1 sf=$RUNDIR/secrets.txt n jdir=$RUNDIR/journal errs="" m a mnt
    printf '%s\n' "${SECRETS[@]}" >"$sf"

    # secrets at rest: the raw image, the journal as journalctl decodes it
    # (journald compresses long fields), and the serial console log
    mkdir -p "$jdir"
    debugfs -R "rdump /var/log/journal $jdir" "$RUNDIR/disk.img" >/dev/null 2>&1 || true
    jc() { journalctl -D "$jdir/journal" --no-pager -q "$@"; }
    n=$(grep -a -c -F -f "$sf" "$RUNDIR/disk.img" || true)
    m=$(jc -o export 2>/dev/null | grep -a -c -F -f "$sf" || true)
    if [ "$n" = 0 ] && [ "$m" = 0 ]; then
        record "$b/secrets-disk" PASS "no secret (${#SECRETS[@]} scanned: CHAP secrets, LUKS passphrases) in the raw 2 GiB disk image after shutdown nor in its decoded journal ($(jc 2>/dev/null | wc -l) entries)"
    else
        record "$b/secrets-disk" FAIL "secret found: $n matches in disk.img, $m in the decoded journal"
    fi
    n=$(grep -a -c -F -f "$sf" "$RUNDIR/serial.log" || true)
    if [ "$n" = 0 ]; then record "$b/secrets-console" PASS "no secret on the serial console"
    else record "$b/secrets-console" FAIL "$n console lines contain a secret"; fi

    # clean shutdown: order from the guest's persistent journal
    if ! jc -n1 >/dev/null 2>&1 || [ -z "$(jc -n1 2>/dev/null)" ]; then
        record "$b/clean-shutdown" FAIL "no journal could be read from the image"; return
    fi
    stop_t() {  # UNIT -> monotonic seconds of its completed stop job, or empty
        jc -o short-monotonic UNIT="$1" JOB_TYPE=stop 2>/dev/null | tail -n1 |
            sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p'
    }
    before() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && b != "" && a + 0 <= b + 0) }'; }
    local order="" tm tl ti tn
    ti=$(stop_t iscsid.service) tn=$(stop_t network.target)
    for m in "${MOUNTED[@]}"; do
        a=${m%%:*} mnt=${m#*:}
        tm=$(stop_t "$(systemd-escape --path --suffix=mount "$mnt")")
        tl=$(stop_t "iscsi-creds-login@$a.service")
        order+="[$a: umount ${tm:-?} < logout ${tl:-?}] "
        before "$tm" "$tl" || errs+="$mnt not unmounted before logout of $a; "
        before "$tl" "$ti" || errs+="logout of $a not before iscsid stop; "
        if [ -n "$tn" ]; then
            before "$tl" "$tn" || errs+="logout of $a not before network.target stop; "
        fi
    done
    order+="< iscsid stop ${ti:-?}, network.target stop ${tn:-(never active)}"
    # LUKS: unmount, then close the volume, then log out
    local tu closed lorder="" lerrs=""
    for m in "${UNLOCKED[@]}"; do
        a=${m%%:*} mnt=${m#*:}
        tm=$(stop_t "$(systemd-escape --path --suffix=mount "$mnt")")
        tu=$(stop_t "iscsi-creds-unlock@$a.service")
        tl=$(stop_t "iscsi-creds-login@$a.service")
        closed=$(jc -o cat -u "iscsi-creds-unlock@$a.service" 2>/dev/null | grep -a -m1 "closed /dev/mapper/iscsi-$a" || true)
        lorder+="[$a: umount ${tm:-?} < luks close ${tu:-?} < logout ${tl:-?} < iscsid stop ${ti:-?}; journal: ${closed:-no close message}] "
        before "$tm" "$tu" || lerrs+="$mnt not unmounted before the LUKS volume of $a was closed; "
        before "$tu" "$tl" || lerrs+="LUKS volume of $a not closed before its logout; "
        before "$tl" "$ti" || lerrs+="logout of $a not before iscsid stop; "
        [ -n "$closed" ] || lerrs+="no 'closed /dev/mapper/iscsi-$a' in the journal of iscsi-creds-unlock@$a.service; "
    done
    if [ "${#UNLOCKED[@]}" -gt 0 ]; then
        if [ -z "$lerrs" ]; then record "$b/luks-shutdown-order" PASS "$lorder"
        else record "$b/luks-shutdown-order" FAIL "$lerrs$lorder"; fi
    fi
    # the logouts themselves must have worked: no failed ExecStop, and the
    # kernel dropped one disk per mounted target (sd_remove syncs its cache)
    # before iscsid went away
    local ts bad nsync
    for m in "${MOUNTED[@]}"; do
        a=${m%%:*}
        ts=$(jc -o short-monotonic UNIT="iscsi-creds-login@$a.service" JOB_TYPE=stop 2>/dev/null | head -n1 |
             sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
        bad=$(jc -o short-monotonic -u "iscsi-creds-login@$a.service" 2>/dev/null |
              awk -v t="${ts:-0}" '{ s = $0; sub(/^\[ */, "", s); sub(/\].*/, "", s) } s + 0 >= t + 0' |
              grep -E 'Failed with result|Control process exited|code=exited, status=[1-9]' | head -n2 | tr '\n' ' ' || true)
        [ -z "$bad" ] || errs+="logout of $a failed: $bad; "
    done
    nsync=$(jc -o short-monotonic -k 2>/dev/null | grep 'Synchronizing SCSI cache' |
            awk -v t="${ti:-0}" '{ s = $0; sub(/^\[ */, "", s); sub(/\].*/, "", s) } s + 0 <= t + 0' | wc -l)
    [ "$nsync" -ge "${#MOUNTED[@]}" ] ||
        errs+="only $nsync iSCSI disk(s) removed before iscsid stopped, ${#MOUNTED[@]} expected (sessions not logged out); "
    order+=", $nsync disk(s) detached before iscsid stop"
    jc -o short-monotonic | sed -n '/Stopped target multi-user.target/,$p' |
        grep -a -E 'iscsi|mnt-|srv-|Unmount|Synchronizing|network|vmtest-target|tgtd' |
        grep -a -v -e 'run-credentials' -e 'Consumed' >"$RUNDIR/shutdown-journal.txt" || true
    if [ "$QEMU_RC" != 0 ]; then errs+="qemu exit $QEMU_RC (timeout?); "; fi
    if [ -z "$SHUTDOWN_S" ]; then errs+="poweroff never started; "
    elif [ "$SHUTDOWN_S" -gt "$SHUTDOWN_MAX" ]; then errs+="shutdown took $SHUTDOWN_S s (> $SHUTDOWN_MAX s); "; fi
    if [ -z "$errs" ]; then
        record "$b/clean-shutdown" PASS "shutdown ${SHUTDOWN_S} s wall (limit $SHUTDOWN_MAX s); $order"
    else
        record "$b/clean-shutdown" FAIL "$errs$order"
        sed 's/^/    /' "$RUNDIR/shutdown-journal.txt" | head -n 40
    fi
}

# dead_shutdown BOOT: for each DEAD target (killed just before poweroff with
# unsynced data on its file system): how long its unmount took, what the
# kernel said about the session and the disk, and how the logout went
dead_shutdown() {
    local b=$1 m a mnt unit t0 t1 rt k errs="" info="" lo
    [ "${#DEAD[@]}" -gt 0 ] || return 0
    jc() { journalctl -D "$RUNDIR/journal/journal" --no-pager -q "$@"; }
    for m in "${DEAD[@]}"; do
        a=${m%%:*} mnt=${m#*:}
        unit=$(systemd-escape --path --suffix=mount "$mnt")
        rt=$(cred_key "$a" node.session.timeo.replacement_timeout)
        t0=$(jc -o short-monotonic -u "$unit" | grep -a -m1 'Unmounting' | sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
        t1=$(jc -o short-monotonic -u "$unit" | grep -a -E 'Unmounted|Failed unmounting|Deactivated' | tail -n1 |
             sed -n 's/^\[ *\([0-9.]*\)\].*/\1/p')
        k=$(jc -o cat -k | grep -a -E "session recovery timed out after ${rt:-[0-9]+} secs" | paste -sd'|')
        lo=$(jc -o cat -u "iscsi-creds-login@$a.service" | grep -a -E 'logged out|logout' | tail -n1)
        [ -n "$t0" ] && [ -n "$t1" ] || errs+="$a: no unmount of $mnt in the journal; "
        [ -n "$lo" ] || errs+="$a: no logout line; "
        info+="[$a: $mnt unmount took $(awk -v a="${t0:-0}" -v b="${t1:-0}" 'BEGIN { printf "%.1f", b - a }') s (${t0:-?} .. ${t1:-?}); $(jc -o cat -u "$unit" | tail -n1); logout: ${lo:-none}] "
    done
    k=$(jc -o cat -k | grep -a -E 'session recovery timed out|I/O error|EXT4-fs (error|warning)|Buffer I/O' | sort | uniq -c | sort -rn | head -n 6 | sed 's/^ *//' | paste -sd'|')
    info+="kernel: $k"
    [ -n "$k" ] || errs+="nothing in the kernel log says why; "
    if [ -z "$errs" ]; then record "$b/dead-target-shutdown" PASS "$info"
    else record "$b/dead-target-shutdown" FAIL "$errs$info"; fi
}

# Every installed ELF must find its libraries inside the guest root.
check_guest_libs() {
    local f rel missing=""
    while read -r f; do
        [ "$(head -c 4 "$f" | od -An -c | tr -d ' ')" = '177ELF' ] || continue
        rel=${f#"$STAGE"}
        missing+=$(chroot "$ROOT" ldd "$rel" 2>&1 | awk -v f="$rel" '/not found/ { printf "%s: %s; ", f, $1 }')
    done < <(find "$STAGE" -type f)
    [ -z "$missing" ] || die "the guest root lacks libraries: $missing(add their packages in build-image.sh)"
}

# ---------------------------------------------------------------- TPM
# start_swtpm: a TPM 2.0 emulator for the next qemu run, its state in
# $RUNDIR/tpm (kept across the boots of a scenario; a fresh directory is a
# new TPM); sets TPM_ARGS. swtpm ends when qemu closes the socket.
TPM_ARGS=() SWTPM_PID=
start_swtpm() {
    local d=$RUNDIR/tpm
    mkdir -p "$d"
    rm -f "$d/sock"
    swtpm socket --tpm2 --tpmstate dir="$d" --ctrl type=unixio,path="$d/sock" --terminate \
        --log file="$d/swtpm.log",level=1 --pid file="$d/pid" --daemon ||
        die "swtpm did not start (log: $d/swtpm.log)"
    SWTPM_PID=$(cat "$d/pid")
    TPM_ARGS=(-chardev "socket,id=chrtpm,path=$d/sock" -tpmdev emulator,id=tpm0,chardev=chrtpm
        -device tpm-tis,tpmdev=tpm0)
}
stop_swtpm() {
    [ -n "$SWTPM_PID" ] && kill "$SWTPM_PID" 2>/dev/null
    SWTPM_PID= TPM_ARGS=()
}

# ---------------------------------------------------------------- one boot
QEMU_RC=0 SHUTDOWN_S=
boot() {  # SCENARIO
    local s=$1 t_start t_off="" t_end kern initrd log results r name v detail failed_before=$FAILED
    log "=== $s: preparing"
    rm -rf "$VM_WORK/logs/$s"
    RUNDIR=$(mktemp -d "$VM_WORK/runs/$s.XXXXXX")
    ROOT=$RUNDIR/root
    reset_boot
    cp -a "$BASE" "$ROOT"
    if [ "$fake" = 1 ]; then
        :
    elif [ "$DEB_SCENARIOS" != "${DEB_SCENARIOS/ $s /}" ]; then
        install_deb
    else
        # keep the image's merged-/usr symlinks (/lib -> usr/lib)
        tar -C "$STAGE" -cf - . | tar -C "$ROOT" --keep-directory-symlink -xf -
    fi
    install_guest_files
    make_key
    "scenario_$s"
    if [ "$fake" = 1 ]; then
        install_fake_product
    else
        systemctl --root="$ROOT" enable iscsi-creds.target >/dev/null 2>&1 ||
            die "systemctl --root enable iscsi-creds.target failed"
        check_guest_libs
    fi
    printf '%s' "$CHECKS" >"$ROOT/etc/vmtest/checks"
    local b
    for ((b = 0; b < ${#NEXT_CHECKS[@]}; b++)); do
        printf '%s' "${NEXT_CHECKS[b]}" >"$ROOT/etc/vmtest/checks.$((b + 2))"
    done
    if [ -n "$overlay" ]; then
        tar -C "$overlay" -cf - . | tar -C "$ROOT" --keep-directory-symlink -xf -
    fi
    make_key_and_encrypt
    kern=$(find "$ROOT/boot" -maxdepth 1 -name 'vmlinuz-*' | sort | tail -n1)
    initrd=$(find "$ROOT/boot" -maxdepth 1 -name 'initrd.img-*' | sort | tail -n1)
    cp "$kern" "$RUNDIR/vmlinuz"; cp "$initrd" "$RUNDIR/initrd"
    truncate -s 2G "$RUNDIR/disk.img"
    mkfs.ext4 -q -F -d "$ROOT" "$RUNDIR/disk.img"
    [ "$keep" = 1 ] || rm -rf "$ROOT"

    local smbios
    smbios=$(smbios_args)
    [ "${#smbios}" -le "$SMBIOS_MAX" ] ||
        die "$s: the SMBIOS credentials take ${#smbios} bytes, more than systemd reads ($SMBIOS_MAX); put target definitions in /etc/credstore (CREDSTORE_TARGETS=1)"
    local boot_no n_boots=$((1 + ${#NEXT_CHECKS[@]})) all_results=""
    for ((boot_no = 1; boot_no <= n_boots; boot_no++)); do
    [ "$n_boots" = 1 ] || log "=== $s: boot $boot_no of $n_boots"
    # A pristine copy for one retry: under TCG a guest now and then locks up in early boot
    # ("watchdog: BUG: soft lockup" in udev, before any of our units ran). That is the
    # emulator, not a result; a second boot from the same image tells them apart.
    cp --sparse=always "$RUNDIR/disk.img" "$RUNDIR/disk.img.pristine"
    local attempt
    for attempt in 1 2; do
    local limit=$boot_timeout
    [ "$SCENARIO_TIMEOUT" -le "$limit" ] || limit=$SCENARIO_TIMEOUT
    log "=== $s: booting (limit $limit s; SMBIOS credentials ${#smbios} bytes; attempt $attempt)"
    log=$RUNDIR/serial.log
    [ "$boot_no" = 1 ] || log=$RUNDIR/serial.boot$boot_no.log
    : >"$log"
    [ "$TPM" = 1 ] && start_swtpm
    t_off=
    t_start=$(date +%s)
    timeout -k 10 "$limit" qemu-system-x86_64 -accel tcg -m 2048 -smp 2 \
        -nographic -no-reboot -nic none -monitor none -serial "file:$log" \
        -kernel "$RUNDIR/vmlinuz" -initrd "$RUNDIR/initrd" \
        -append "root=/dev/vda rw console=ttyS0 quiet" \
        -drive "file=$RUNDIR/disk.img,format=raw,if=virtio" \
        -smbios "$smbios" "${TPM_ARGS[@]}" </dev/null >"$RUNDIR/qemu.out" 2>&1 &
    QEMU_PID=$!
    while kill -0 "$QEMU_PID" 2>/dev/null; do
        if [ -z "$t_off" ] && grep -q 'VMTEST POWEROFF' "$log"; then t_off=$(date +%s); fi
        sleep 0.5
    done
    QEMU_RC=0; wait "$QEMU_PID" || QEMU_RC=$?
    QEMU_PID=
    [ "$TPM" = 1 ] && stop_swtpm
    t_end=$(date +%s)
    if [ -z "$t_off" ] && grep -q 'VMTEST POWEROFF' "$log"; then t_off=$t_end; fi
    SHUTDOWN_S=${t_off:+$((t_end - t_off))}
    log "=== $s: guest ran $((t_end - t_start)) s (qemu rc $QEMU_RC, poweroff to exit ${SHUTDOWN_S:-?} s)"

    results=$(tr -d '\r' <"$log" | grep -a -o 'VMTEST RESULT .*' || true)
    if [ -z "$results" ] && [ "$attempt" = 1 ]; then
        log "=== $s: the guest produced no result at all; its console ends with:"
        tail -n 5 "$log" | tr -d '\r' | sed 's/^/    | /' >&2
        log "=== $s: booting once more from the same image"
        cp --sparse=always "$RUNDIR/disk.img.pristine" "$RUNDIR/disk.img"
        cp "$log" "$RUNDIR/serial.attempt1.log"
        continue
    fi
    break
    done
    rm -f "$RUNDIR/disk.img.pristine"
    all_results+=$results$'\n'
    [ "$boot_no" = 1 ] || cat "$log" >>"$RUNDIR/serial.log"
    done
    log=$RUNDIR/serial.log results=$all_results
    for name in "${EXPECT[@]}"; do
        r=$(printf '%s\n' "$results" | awk -v n="$name" '$3 == n' | tail -n1)
        if [ -z "$r" ]; then
            record "$s/$name" FAIL "no result from the guest (qemu rc $QEMU_RC)"
            continue
        fi
        v=$(printf '%s' "$r" | awk '{print $4}')
        detail=$(printf '%s' "$r" | cut -d' ' -f5-)
        record "$s/$name" "$v" "$detail"
    done
    tr -d '\r' <"$log" | grep -a -o 'VMTEST TIME .*' | sed "s/^VMTEST TIME /TIME $s: /" | tee -a "$SUMMARY" || true
    echo "TIME $s: guest wall $((t_end - t_start)) s, shutdown ${SHUTDOWN_S:-?} s" | tee -a "$SUMMARY"
    host_checks "$s"
    local hc
    for hc in "${HOST_CHECKS[@]}"; do eval "$hc \"\$s\""; done
    dead_shutdown "$s"

    mkdir -p "$VM_WORK/logs/$s"
    cp "$log" "$VM_WORK/logs/$s/serial.log"
    [ -f "$RUNDIR/shutdown-journal.txt" ] && cp "$RUNDIR/shutdown-journal.txt" "$VM_WORK/logs/$s/"
    if [ -d "$RUNDIR/journal/journal" ]; then
        journalctl -D "$RUNDIR/journal/journal" --no-pager -o short-monotonic >"$VM_WORK/logs/$s/journal.txt" 2>&1 || true
    fi
    if [ "$verbose" = 1 ] || [ "$FAILED" != "$failed_before" ]; then
        echo "----- $s: guest diagnostics (full log: $VM_WORK/logs/$s/serial.log)"
        tr -d '\r' <"$log" | sed -n '/===== VMTEST DIAG generated/,/===== VMTEST DIAG end/p'
        if ! grep -q 'VMTEST CHECKS BEGIN' "$log"; then tail -n 40 "$log"; fi
        echo "-----"
    fi
    if [ "$keep" = 0 ]; then rm -rf "$RUNDIR"; else log "kept $RUNDIR"; fi
    RUNDIR=
}

if [ -n "$scenario_file" ]; then
    # shellcheck source=/dev/null
    . "$scenario_file"
fi
for s in "${scenarios[@]}"; do
    declare -F "scenario_$s" >/dev/null || die "unknown scenario '$s' (not in $ALL_SCENARIOS${scenario_file:+ nor in $scenario_file})"
done
for s in "${scenarios[@]}"; do
    boot "$s"
done

log "suite wall time $(( $(date +%s) - suite_start )) s (summary in $SUMMARY)"
echo "$PASSED passed, $FAILED failed"
if [ "$FAILED" != 0 ]; then exit 1; fi
