#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Benchmark: iscsi-creds-generator against systemd's own systemd-fstab-generator
# on the same number of iSCSI network mounts.
#
#   generator-vs-fstab.sh [PATH-TO-iscsi-creds-generator]
#
# For each N in $BENCH_SIZES (default "1 10 100 1000") the inputs are written
# once: N credentials iscsi.target.tI (+ iscsi.auth.tI) for our generator, and
# an fstab with N "_netdev" lines for the same by-path devices and mount points
# for the anchor. Each generator then runs $BENCH_RUNS times (default 15),
# in rotating order (with the write-only anchor below), each time into a fresh empty output directory, and
# the median wall time is printed with the ratio ours/anchor (lower is better,
# target <= 1.0). Peak RSS comes from /usr/bin/time -f %M when available.
#
# A second anchor is the cost of only writing our generator's files: "cp -r"
# of its output tree (kept from the untimed warm-up run) into a fresh
# directory, in the same rotation: the same files, directories and symlinks
# with no credential read or parsed. Printed as write_ratio = ours/write-only
# (target <= 1.5 at 1000).
#
# The anchor is pointed at the test fstab with $SYSTEMD_FSTAB (systemd's
# fstab_path() in src/shared/fstab-util.h: secure_getenv("SYSTEMD_FSTAB")),
# gets an empty kernel command line via SYSTEMD_PROC_CMDLINE= and
# SYSTEMD_IN_INITRD=0; the host's /etc/fstab and /proc/cmdline are not read.
# Our generator gets CREDENTIALS_DIRECTORY and an empty ISCSI_CREDS_ROOT, so
# the host's credstores are not read either. Both get three output directory
# arguments (the same directory), as PID 1 passes them.
#
# Every run's exit status is checked and its output files counted, so a
# generator that silently does nothing cannot look fast. Exit status: 0 when
# everything ran (whatever the ratios), 1 when something failed, 77 when the
# anchor is not installed.
#
# Environment: BENCH_RUNS, BENCH_SIZES, BENCH_TMPDIR (default /dev/shm),
# BENCH_TIMER (auto, perl-monotonic or date),
# FSTAB_GENERATOR (anchor path),
# ISCSI_CREDS_BUILD_ROOT (used when no argument is given).

set -eu

ours=${1:-${ISCSI_CREDS_BUILD_ROOT:-.}/iscsi-creds-generator}
anchor=${FSTAB_GENERATOR:-}
if [ -z "$anchor" ]; then
        for p in /usr/lib/systemd/system-generators/systemd-fstab-generator \
                 /lib/systemd/system-generators/systemd-fstab-generator; do
                if [ -x "$p" ]; then
                        anchor=$p
                        break
                fi
        done
fi
runs=${BENCH_RUNS:-15}
sizes=${BENCH_SIZES:-1 10 100 1000}

die() {
        echo "generator-vs-fstab: $*" >&2
        exit 1
}

case $runs in
        '' | *[!0-9]* | 0) die "BENCH_RUNS must be a positive integer, not '$runs'." ;;
esac
[ -x "$ours" ] || die "$ours is not an executable (give the built iscsi-creds-generator as argument)."
if [ -z "$anchor" ] || [ ! -x "$anchor" ]; then
        echo "generator-vs-fstab: systemd-fstab-generator not found (set FSTAB_GENERATOR), skipping." >&2
        exit 77
fi

# ---- clocks -----------------------------------------------------------------

# Preferred: perl's CLOCK_MONOTONIC around fork+exec+wait of the generator, so
# no extra process start-up lands inside the measured interval. Fallback:
# "date +%s%N" around the command (wall clock, and it includes part of date's
# own start-up and exit, the same for both generators).
timer=${BENCH_TIMER:-auto}
case $timer in
        auto)
                if perl -MTime::HiRes=clock_gettime,CLOCK_MONOTONIC -e 1 2>/dev/null; then
                        timer=perl-monotonic
                else
                        timer='date'
                fi ;;
        perl-monotonic | date) ;;
        *) die "BENCH_TIMER must be auto, perl-monotonic or date, not '$timer'." ;;
esac

# run_timed LOG VAR=VALUE... -- CMD...: runs CMD with the variables added to
# the environment (stdout and stderr to LOG), prints the elapsed nanoseconds;
# fails when CMD does.
run_timed() {
        local log=$1 t0 t1
        shift
        if [ "$timer" = perl-monotonic ]; then
                # shellcheck disable=SC2016 # perl code, not shell
                perl -MTime::HiRes=clock_gettime,CLOCK_MONOTONIC -e '
                        my $log = shift @ARGV;
                        while (@ARGV && $ARGV[0] ne "--") {
                                my ($k, $v) = split(/=/, shift @ARGV, 2);
                                $ENV{$k} = $v;
                        }
                        shift @ARGV;
                        open(my $out, ">&", \*STDOUT) or die "dup: $!";
                        open(STDOUT, ">", $log) or die "$log: $!";
                        open(STDERR, ">&", \*STDOUT) or die "dup: $!";
                        my $t0 = clock_gettime(CLOCK_MONOTONIC);
                        my $rc = system { $ARGV[0] } @ARGV;
                        my $t1 = clock_gettime(CLOCK_MONOTONIC);
                        exit 1 if $rc != 0;
                        printf {$out} "%.0f\n", ($t1 - $t0) * 1e9;' "$log" "$@"
        else
                (
                        while [ "$1" != -- ]; do
                                export "${1?}"
                                shift
                        done
                        shift
                        t0=$(date +%s%N)
                        "$@" >"$log" 2>&1 || exit 1
                        t1=$(date +%s%N)
                        echo $((t1 - t0))
                )
        fi
}

# run_plain LOG VAR=VALUE... -- CMD...: the same, untimed.
run_plain() {
        (
                log=$1
                shift
                while [ "$1" != -- ]; do
                        export "${1?}"
                        shift
                done
                shift
                "$@" >"$log" 2>&1
        )
}

have_time=0
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o /dev/null true 2>/dev/null; then
        have_time=1
fi

# ---- helpers ----------------------------------------------------------------

# Generators write to /run/systemd/generator* and credentials live in
# /run/credentials: both tmpfs. Use a tmpfs too (/dev/shm) so the numbers are
# not dominated by the disk; BENCH_TMPDIR overrides.
tmp=${BENCH_TMPDIR:-}
if [ -z "$tmp" ]; then
        tmp=${TMPDIR:-/tmp}
        if [ -d /dev/shm ] && [ -w /dev/shm ]; then
                tmp=/dev/shm
        fi
fi
work=$(mktemp -d "$tmp/iscsi-creds-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

empty_root=$work/empty-root
mkdir "$empty_root"

# median FILE: median of the numbers in FILE, one per line.
median() {
        sort -n "$1" | awk '{ v[NR] = $1 } END {
                if (NR == 0) exit 1
                if (NR % 2) printf "%.0f\n", v[(NR + 1) / 2]
                else printf "%.0f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# count_output DIR: number of files and symlinks below DIR.
count_output() {
        find "$1" \( -type f -o -type l \) | wc -l
}

# gen_argv NAME N OUTDIR: print the "VAR=VALUE... -- CMD..." arguments for
# one run of generator NAME (ours or anchor) into OUTDIR, one per line (no
# path here contains a newline: they all live under $work).
gen_argv() {
        case $1 in
                ours)
                        printf '%s\n' "CREDENTIALS_DIRECTORY=$work/n$2/creds" "ISCSI_CREDS_ROOT=$empty_root" \
                                SYSTEMD_IN_INITRD=0 -- "$ours" "$3" "$3" "$3" ;;
                anchor)
                        printf '%s\n' "SYSTEMD_FSTAB=$work/n$2/fstab" SYSTEMD_PROC_CMDLINE= SYSTEMD_IN_INITRD=0 \
                                SYSTEMD_LOG_TARGET=console -- "$anchor" "$3" "$3" "$3" ;;
                write)
                        printf '%s\n' -- cp -r "$work/ref.$2/." "$3" ;;
        esac
}

# check_output NAME N DIR: at least the per-mount files must be there.
# Ours: .mount, remote-fs.target link, device drop-in, login drop-in, paths drop-in link,
# .wants link = 6 per target. Anchor: at least 3 per line.
check_output() {
        local name=$1 n=$2 dir=$3 got want
        got=$(count_output "$dir")
        if [ "$name" != anchor ]; then
                want=$((6 * n))
                [ "$got" -eq "$want" ] ||
                        die "iscsi-creds-generator wrote $got files for N=$n, expected $want."
        else
                want=$((3 * n))
                [ "$got" -ge "$want" ] ||
                        die "systemd-fstab-generator wrote $got files for N=$n, expected >= $want."
        fi
        echo "$got"
}

prepare() {
        local n=$1 d=$work/n$1 i
        mkdir -p "$d/creds"
        : >"$d/fstab"
        for ((i = 1; i <= n; i++)); do
                printf 'target = iqn.2003-01.org.example:t%d\nportal = 127.0.0.1:3260\nlun = 1\nmount = /mnt/t%d\nfstype = ext4\noptions = noatime\n' \
                        "$i" "$i" >"$d/creds/iscsi.target.t$i"
                printf 'node.session.auth.username = initiator-%d\nnode.session.auth.password = Secret-%d\n' \
                        "$i" "$i" >"$d/creds/iscsi.auth.t$i"
                printf '/dev/disk/by-path/ip-127.0.0.1:3260-iscsi-iqn.2003-01.org.example:t%d-lun-1 /mnt/t%d ext4 _netdev,noatime 0 0\n' \
                        "$i" "$i" >>"$d/fstab"
        done
}

# one_run NAME N RUN: time one run into a fresh directory, append to the
# sample file, check the output, remove it again.
one_run() {
        local name=$1 n=$2 r=$3 out ns
        local -a args
        out=$work/out.$name.$n.$r
        mkdir "$out"
        mapfile -t args < <(gen_argv "$name" "$n" "$out")
        ns=$(run_timed "$work/log.$name" "${args[@]}") ||
                die "$name generator failed for N=$n run $r: $(head -c 2000 "$work/log.$name")"
        echo "$ns" >>"$work/t.$name.$n"
        check_output "$name" "$n" "$out" >/dev/null
        rm -rf "$out"
}

# peak_rss NAME N: median peak RSS (KiB) of 3 runs under /usr/bin/time.
peak_rss() {
        local name=$1 n=$2 out k i
        local -a args
        : >"$work/rss.$name.$n"
        for k in 1 2 3; do
                out=$work/rss-out.$name.$n.$k
                mkdir "$out"
                mapfile -t args < <(gen_argv "$name" "$n" "$out")
                for ((i = 0; i < ${#args[@]}; i++)); do
                        [ "${args[i]}" = -- ] && break
                done
                args=("${args[@]:0:i+1}" /usr/bin/time -f %M -o "$work/rss1" "${args[@]:i+1}")
                run_plain "$work/log.$name" "${args[@]}" ||
                        die "$name generator failed under /usr/bin/time for N=$n: $(head -c 2000 "$work/log.$name")"
                check_output "$name" "$n" "$out" >/dev/null
                tail -n 1 "$work/rss1" >>"$work/rss.$name.$n"
                rm -rf "$out"
        done
        median "$work/rss.$name.$n"
}

fmt_ms() { awk -v ns="$1" 'BEGIN { printf "%.3fms", ns / 1e6 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else printf "inf" }'; }

# ---- main -------------------------------------------------------------------

echo "generator-vs-fstab: ours=$ours anchor=$anchor runs=$runs timer=$timer dir=$tmp rss=$([ "$have_time" = 1 ] && echo /usr/bin/time || echo n/a)"

worst=0
summary=""
for n in $sizes; do
        prepare "$n"

        # Warm-up (page cache, dynamic loader) and output check, not timed.
        for name in ours anchor; do
                out=$work/warm.$name.$n
                mkdir "$out"
                mapfile -t args < <(gen_argv "$name" "$n" "$out")
                run_plain "$work/log.$name" "${args[@]}" ||
                        die "$name generator failed for N=$n: $(head -c 2000 "$work/log.$name")"
                files=$(check_output "$name" "$n" "$out")
                if [ "$name" = ours ]; then
                        files_ours=$files
                        mv "$out" "$work/ref.$n"        # what "write" copies
                else
                        files_anchor=$files
                        rm -rf "$out"
                fi
        done

        : >"$work/t.ours.$n"
        : >"$work/t.anchor.$n"
        : >"$work/t.write.$n"
        for ((r = 1; r <= runs; r++)); do
                case $((r % 3)) in
                        1) order="ours anchor write" ;;
                        2) order="anchor write ours" ;;
                        0) order="write ours anchor" ;;
                esac
                for name in $order; do
                        one_run "$name" "$n" "$r"
                done
        done

        m_ours=$(median "$work/t.ours.$n")
        m_anchor=$(median "$work/t.anchor.$n")
        m_write=$(median "$work/t.write.$n")
        q=$(ratio "$m_ours" "$m_anchor")
        line="N=$n iscsi-creds-generator median=$(fmt_ms "$m_ours") systemd-fstab-generator median=$(fmt_ms "$m_anchor") ratio=$q"
        line="$line write-only median=$(fmt_ms "$m_write") write_ratio=$(ratio "$m_ours" "$m_write")"
        line="$line files=$files_ours/$files_anchor"
        if [ "$have_time" = 1 ]; then
                rss_ours=$(peak_rss ours "$n")
                rss_anchor=$(peak_rss anchor "$n")
                line="$line rss=${rss_ours}KiB/${rss_anchor}KiB rss_ratio=$(ratio "$rss_ours" "$rss_anchor")"
        fi
        echo "$line"
        summary="$summary N=$n:$q"
        worst=$(awk -v a="$worst" -v b="$q" 'BEGIN { print (b == "inf" || b + 0 > a + 0) ? b : a }')
        rm -rf "${work:?}/n$n" "$work/ref.$n"
done

verdict=ok
awk -v w="$worst" 'BEGIN { exit !(w == "inf" || w + 0 > 1.0) }' && verdict="above target"
echo "summary: time ratio ours/anchor (lower is better, target <= 1.0):$summary; worst=$worst ($verdict); runs=$runs timer=$timer dir=$tmp"
exit 0
