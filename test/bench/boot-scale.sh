#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Benchmark: boot to the last mount with N CHAP targets, iscsi-creds against
# Debian's own path, on the same guest image (issue 14).
#
#   boot-scale.sh [--sizes "2 8 32"] [--rounds R] [--release NAME]
#
# For each N, boots qemu (TCG) guests of test/vm/run.sh with the scenarios of
# scale-scenario.sh: "scale-stock" (node records with node.startup =
# automatic, open-iscsi.service, fstab _netdev) and "scale-creds"
# (iscsi-creds credentials), R rounds in ABBA order (stock, creds, creds,
# stock per round). Each guest reports the time from kernel start to its
# last mount and how many of the N LUNs are mounted (scale-guest.sh). Prints
# per N and path the mean time to the last mount, the mounts of each boot,
# and the ratio creds/stock (lower is better; the aim is <= 1.0 at 2 targets
# and <= 0.9 from 8 on), the same from network-online.target on (where both
# paths start their logins), then the mean per-target phases of each path (where
# the time goes), the CPU time of each part from network-online.target to the
# settled boot (scale-guest.sh: cpu_report). Add 64 with --sizes "2 8 32 64".
#
# Runs on demand only (meson test --benchmark, or directly as root): a boot
# takes 1-3 min, so the default (3 sizes, 1 round) takes about 20 min.
# Logs: $VMTEST_WORK/bench/boot-scale-<date>/ (one summary per boot).
# Exit status: 0 when every boot ran and reported (whatever the ratios), 1
# when one did not, 77 when the VM harness cannot run here.

set -eu

here=$(dirname "$(realpath "$0")")
vm=$here/../vm/run.sh
sizes="2 8 32" rounds=1 release=bookworm
while [ $# -gt 0 ]; do
        case $1 in
        --sizes) sizes=$2; shift 2 ;;
        --rounds) rounds=$2; shift 2 ;;
        --release) release=$2; shift 2 ;;
        -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
        *) echo "boot-scale.sh: unknown argument $1" >&2; exit 2 ;;
        esac
done

work=${VMTEST_WORK:-/var/tmp/iscsi-creds-vm}
out=$work/bench/boot-scale-$(date +%Y%m%d-%H%M%S)
mkdir -p "$out"
status=0

# boot PATH N K: one guest; its summary in $out/N-PATH-K.txt
boot() {
        local path=$1 n=$2 k=$3 f=$out/$2-$1-$3.txt rc=0
        echo "[boot-scale $(date +%H:%M:%S)] N=$n $path (boot $k)" >&2
        BENCH_TARGETS=$n "$vm" --release "$release" --scenario-file "$here/scale-scenario.sh" \
                "scale-$path" >"$f.log" 2>&1 || rc=$?
        [ "$rc" != 77 ] || { tail -n 3 "$f.log" >&2; exit 77; }
        cp "$work/logs/summary.txt" "$f"
        if ! grep -q "TIME scale-$path: last-mount " "$f"; then
                echo "boot-scale: N=$n $path boot $k reported nothing (rc $rc); see $f.log" >&2
                status=1
        fi
}

for n in $sizes; do
        for ((r = 1; r <= rounds; r++)); do
                boot stock "$n" $((2 * r - 1))
                boot creds "$n" $((2 * r - 1))
                boot creds "$n" $((2 * r))
                boot stock "$n" $((2 * r))
        done
done

# value FILE PATH KEY: the first number after "TIME scale-PATH: KEY "
value() { sed -n "s/^TIME scale-$2: $3 \([0-9.\/]*\).*/\1/p" "$1" | head -n1; }

echo
printf '%-8s %-26s %-18s %-26s %-18s %s\n' targets "stock: last mount (mean)" "stock mounted" \
        "creds: last mount (mean)" "creds mounted" "ratio creds/stock"
for n in $sizes; do
        declare -A mean=() mounted=()
        for path in stock creds; do
                local_sum=0 local_n=0 m=""
                for f in "$out/$n-$path-"*.txt; do
                        [ -f "$f" ] || continue
                        t=$(value "$f" "$path" last-mount)
                        m+="$(value "$f" "$path" mounted) "
                        [ -n "$t" ] || continue
                        local_sum=$(awk -v a="$local_sum" -v b="$t" 'BEGIN { print a + b }')
                        local_n=$((local_n + 1))
                done
                mean[$path]=$(awk -v s="$local_sum" -v n="$local_n" 'BEGIN { if (n) printf "%.1f", s / n; else print "-" }')
                mounted[$path]=${m% }
        done
        ratio=$(awk -v a="${mean[creds]}" -v b="${mean[stock]}" \
                'BEGIN { if (a != "-" && b != "-" && b > 0) printf "%.2f", a / b; else print "-" }')
        printf '%-8s %-26s %-18s %-26s %-18s %s\n' "$n" "${mean[stock]} s" "${mounted[stock]}" \
                "${mean[creds]} s" "${mounted[creds]}" "$ratio"
done

# The same from network-online.target, where both paths start their logins: the
# part of the boot they differ in, without the noise of what comes before it
# (under TCG network-online.target varies by several seconds between boots).
echo
echo "From network-online.target to the last mount (mean s; the logins of both paths wait for it):"
for n in $sizes; do
        for path in stock creds; do
                for f in "$out/$n-$path-"*.txt; do
                        [ -f "$f" ] || continue
                        t=$(value "$f" "$path" last-mount) o=$(value "$f" "$path" ref:network-online.target)
                        [ -n "$t" ] && [ -n "$o" ] && echo "$path $t $o"
                done
        done | awk -v n="$n" '{ s[$1] += $2 - $3; c[$1]++ }
                END { if (c["stock"] && c["creds"]) printf "N=%-3s stock %.1f  creds %.1f  ratio %.2f\n", n,
                      s["stock"] / c["stock"], s["creds"] / c["creds"], (s["creds"] / c["creds"]) / (s["stock"] / c["stock"]) }'
done

echo
echo "Per-target phases (s, mean over the boots of each N; scale-guest.sh says what each is):"
for n in $sizes; do
        for path in stock creds; do
                cat "$out/$n-$path-"*.txt 2>/dev/null | sed -n "s/^TIME scale-$path: phase:\([a-z.-]*\) mean \([-0-9.]*\) max \([-0-9.]*\).*/\1 \2 \3/p" |
                        awk -v n="$n" -v p="$path" '
                        { s[$1] += $2; c[$1]++; if ($3 > m[$1]) m[$1] = $3; if (!($1 in o)) { o[$1] = ++k; name[k] = $1 } }
                        END { if (k) printf "N=%-3s %s\n", n, p
                              for (i = 1; i <= k; i++) { x = name[i]; printf "  %-30s %6.2f  (max %.2f)\n", x, s[x] / c[x], m[x] } }'
        done
done
echo
echo "CPU seconds from network-online.target to the settled boot (mean; 2 vCPUs; busy = all CPUs' non-idle time):"
for n in $sizes; do
        for path in stock creds; do
                cat "$out/$n-$path-"*.txt 2>/dev/null | sed -n "s/^TIME scale-$path: cpu:\([a-z0-9-]*\) \([-0-9.]*\)$/\1 \2/p" |
                        awk -v n="$n" -v p="$path" '
                        { s[$1] += $2; c[$1]++; if (!($1 in o)) { o[$1] = ++k; name[k] = $1 } }
                        END { if (k) { printf "N=%-3s %-5s", n, p
                                       for (i = 1; i <= k; i++) printf " %s %.1f", name[i], s[name[i]] / c[name[i]]
                                       printf "\n" } }'
        done
done
echo
echo "Processes that exited from network-online.target to the settled boot, by command (BSD process"
echo "accounting; mean per boot: name count/CPU s, the 12 costliest and all; scale-guest.sh: acct_report):"
for n in $sizes; do
        for path in stock creds; do
                boots=$(cat "$out/$n-$path-"*.txt 2>/dev/null | grep -c "^TIME scale-$path: acct:all ") || continue
                cat "$out/$n-$path-"*.txt |
                        sed -n "s/^TIME scale-$path: acct:\(.*\) n \([0-9]*\) cpu \([0-9.]*\)$/\1 \2 \3/p" |
                        awk -v b="$boots" '{ c[$1] += $2; s[$1] += $3 } END { for (x in s) printf "%s %.0f %.1f\n", x, c[x] / b, s[x] / b }' |
                        sort -k3,3nr | head -n 13 |
                        awk -v n="$n" -v p="$path" '{ l = l " " $1 " " $2 "/" $3 } END { printf "N=%-3s %-5s%s\n", n, p, l }'
        done
done
echo
echo "The helper's own cost per login (s; login unit start vs bare iscsiadm --login of the same target, one at a time):"
for n in $sizes; do
        cat "$out/$n-creds-"*.txt 2>/dev/null |
                sed -n 's/^TIME scale-creds: login-cost:\([a-z]*\) mean \([0-9.]*\).*/\1 \2/p' |
                awk -v n="$n" '{ s[$1] += $2; c[$1]++ }
                     END { if (c["creds"] && c["bare"]) printf "N=%-3s unit %.2f, bare iscsiadm %.2f, ratio %.2f\n", n,
                           s["creds"] / c["creds"], s["bare"] / c["bare"], (s["creds"] / c["creds"]) / (s["bare"] / c["bare"]) }'
done
echo
echo "Logs: $out"
exit $status
