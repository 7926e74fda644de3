#!/usr/bin/env bash
# Partitions and hypercalls, measured side by side in one run (make bench-partitions):
#  1. How partitions share the host's cores on karasu-rv: configs/rv-two-guests.cfg (alpha and beta, two
#     harts each) against alpha alone, both started by scripts/run-rv-config with the command `true`:
#     wall time from launch until karasu-rv exits (every guest booted and powered off). The runs alternate
#     (alone, both, alone, both...). The ratio both/alone says what a second guest costs the first: 1.0
#     if the host had a CPU per hart to spare, 2.0 if the two guests only took turns.
#  2. The round trip of one hypercall on each engine: the hypercall test guest's bench mode
#     (guest/hvtest/bench.c, hvtest.mode=bench: 20,000 GetPartitionId calls in memory and in fast form,
#     timed by the guest's own counter) on karasu-rv (translated, and --interp for scale) and on karasu-hv
#     (scripts/run-hv --direct: under QEMU's arm64 emulation, which is part of what is measured there).
# Medians of RUNS runs and the spread (max - min).
#
# usage: bench/partitions/run.sh [--runs N] [--no-hv]
#   defaults: BENCH_RUNS or 5 runs; --no-hv leaves karasu-hv out. Env: BUILD, KARASU_RV.
# Needs make bench-partitions's build (rv-payload, karasu-rv, both hvtest images, hv-payload).
# Exit status: 0 every run succeeded, 1 some run failed, 2 usage.
set -uo pipefail

BUILD=${BUILD:-build}
runs=${BENCH_RUNS:-5}
with_hv=1
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=${2:-}; shift 2 || break ;;
	--no-hv) with_hv=0; shift ;;
	--help | -h) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench-partitions: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
done
usage_error() { echo "bench-partitions: $*" >&2; exit 2; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || usage_error "--runs (BENCH_RUNS) wants a positive number, not '$runs'"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT" || exit 2
KARASU=${KARASU_RV:-$BUILD/rv/karasu-rv}
HVTEST_RV=$BUILD/guest/hvtest/hvtest-rv.bin
for f in "$KARASU" "$HVTEST_RV" "$BUILD/guest-rv/Image" "$BUILD/guest-rv/initrd.gz"; do
	[ -f "$f" ] || usage_error "no $f: build it first (make BUILD=$BUILD bench-partitions)"
done
[ $with_hv -eq 0 ] || [ -f "$BUILD/guest/hvtest/hvtest.bin" ] ||
	usage_error "no $BUILD/guest/hvtest/hvtest.bin (make bench-partitions, or --no-hv)"

LOGS=$BUILD/bench/partitions/logs
mkdir -p "$LOGS"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/karasu-bench-partitions.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
failed=0

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
spread() { sort -n | awk 'NR == 1 { lo = $1 } { hi = $1 } END { if (NR) printf "%.3f\n", hi - lo; else print "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f\n", a / b }'; }

# ---- 1: one guest alone against two side by side ----
alone=$tmp/alone.cfg
# configs/rv-two-guests.cfg without its [guest beta] section; its paths (../build/...) are mapped to
# $BUILD by run-rv-config wherever the file lives
awk '/^\[guest beta\]/ { skip = 1 } /^\[/ && !/^\[guest beta\]/ { skip = 0 } !skip' configs/rv-two-guests.cfg >"$alone"
boot_run() { # CONFIG NAME: prints seconds, or nothing on failure
	local cfg=$1 name=$2 t0 t1 log=$LOGS/$2.log
	t0=$EPOCHREALTIME
	if BUILD=$BUILD scripts/run-rv-config --no-build --quiet --karasu "$KARASU" --config "$cfg" --cmd true \
		--timeout 300 >"$log" 2>&1; then
		t1=$EPOCHREALTIME
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", b - a }'
	else
		echo "bench-partitions: run $name failed (log: $log)" >&2
	fi
}
: >"$tmp/alone.times"
: >"$tmp/both.times"
for i in $(seq 1 "$runs"); do
	t=$(boot_run "$alone" "alone-$i")
	if [ -n "$t" ]; then echo "$t" >>"$tmp/alone.times"; else failed=1; fi
	t=$(boot_run configs/rv-two-guests.cfg "both-$i")
	if [ -n "$t" ]; then echo "$t" >>"$tmp/both.times"; else failed=1; fi
done
m1=$(median <"$tmp/alone.times")
m2=$(median <"$tmp/both.times")
echo "karasu-rv partitions: boot to power-off, 2-hart guests, on $(nproc) host CPUs ($runs runs each)"
printf '  %-34s %8s s (spread %s)\n' "alpha alone" "$m1" "$(spread <"$tmp/alone.times")"
printf '  %-34s %8s s (spread %s)\n' "alpha and beta side by side" "$m2" "$(spread <"$tmp/both.times")"
printf '  %-34s %8s\n' "ratio both / alone" "$(ratio "$m2" "$m1")"

# ---- 2: hypercall round trip ----
# bench_lines LOG: "memory NS" and "fast NS" from the guest's HVTEST-BENCH lines
bench_lines() { tr -d '\r' <"$1" | sed -nE 's/.*HVTEST-BENCH name=[^ ]+ call=([a-z]+) calls=[0-9]+ ns_per_call=([0-9.]+).*/\1 \2/p'; }
declare -A samples=()
record() { # ENGINE LOG
	local kind ns got=0
	while read -r kind ns; do
		samples[$1/$kind]+="$ns "
		got=$((got + 1))
	done < <(bench_lines "$2")
	[ $got -eq 2 ] || { echo "bench-partitions: no hypercall timings from $1 (log: $2)" >&2; failed=1; }
}
hvcfg=$tmp/hvtest-bench.cfg
sed -e 's/^bootargs = .*/bootargs = hvtest.mode=bench/' configs/hvtest.cfg >"$hvcfg"
for i in $(seq 1 "$runs"); do
	for e in translated interp; do
		log=$LOGS/hypercall-rv-$e-$i.log
		opt=()
		[ $e = translated ] || opt=(--interp)
		timeout 60 "$KARASU" "${opt[@]}" -M virt -smp 1 -m 64M -nographic -kernel "$HVTEST_RV" \
			-append 'hvtest.mode=bench' </dev/null >"$log" 2>&1
		record "karasu-rv ($e)" "$log"
	done
	if [ $with_hv -eq 1 ]; then
		log=$LOGS/hypercall-hv-$i.log
		BUILD=$BUILD timeout 300 scripts/run-hv --no-build --direct --quiet --config "$hvcfg" --cmd true \
			--timeout 240 --log "$log.console" >"$log" 2>&1
		cat "$log.console" >>"$log" 2>/dev/null
		record "karasu-hv (under QEMU)" "$log"
	fi
done
echo
echo "hypercall round trip (GetPartitionId, as the guest measures it; $runs runs, 20000 calls each)"
printf '  %-28s %14s %14s\n' "engine" "memory form" "fast form"
engines=("karasu-rv (translated)" "karasu-rv (interp)")
[ $with_hv -eq 0 ] || engines+=("karasu-hv (under QEMU)")
for e in "${engines[@]}"; do
	mm=$(echo "${samples[$e/memory]:-}" | tr ' ' '\n' | grep . | median)
	mf=$(echo "${samples[$e/fast]:-}" | tr ' ' '\n' | grep . | median)
	printf '  %-28s %11s ns %11s ns\n' "$e" "$mm" "$mf"
done
[ $failed -eq 0 ] || echo "bench-partitions: some runs failed (logs in $LOGS)"
exit $failed
