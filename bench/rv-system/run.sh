#!/usr/bin/env bash
# karasu-rv system mode against qemu-system-riscv64, measured side by side in one run: the same Debian
# riscv64 kernel, benchmark initramfs, bootargs, RAM (1G) and hart count on both, booted by scripts/run-rv.
# Three columns: karasu-rv with its built-in SBI (its default), karasu-rv with Debian 13's OpenSBI
# (-bios fw_dynamic.bin) and QEMU with its default firmware (OpenSBI), so that the firmware's share is
# visible. Rows, for each hart count:
#   time to shell, time to power-off   wall clock from launch to the KARASU-SHELL-READY marker and to the
#                                      emulator's exit, with a trivial command (true)
#   md5sum of 64 MiB, shell loop, fork+exec, lz
#                                      measured by the guest's own clock (bench/rv-system/guest-workloads,
#                                      one boot runs them all); their results are checked: the md5 against
#                                      the host's, the counters, lz's checksum against the native x86-64 build
# The machine is noisy: every configuration runs RUNS times, interleaved (each step runs the three
# emulators in turn, the order rotating from round to round); the table shows medians, the spread
# (max - min) and karasu/QEMU ratios of the medians. The issue's goal is karasu-rv at most 0.5x QEMU's time
# on every row. A failed run (or a wrong result) is reported and left out of every median and ratio.
#
# usage: bench/rv-system/run.sh [--runs N] [--smp "1 4"] [--lz-units N] [--timeout S]
#   defaults: BENCH_RUNS or 5 runs, harts 1 and 4, 30 units of lz, 180 s per boot; env BUILD, KARASU_RV
# Needs `make bench-rv-system`'s build (rv-payload, the benchmark initramfs, bench/rv's native lz and
# karasu-rv); logs of every run go to $BUILD/bench/rv-system/logs.
# Exit status: 0 every run succeeded (whether the goal is met or not), 1 some run failed, 2 usage.
set -uo pipefail

BUILD=${BUILD:-build}
runs=${BENCH_RUNS:-5}
smps="1 4"
lz_units=30
timeout_s=180
while [ $# -gt 0 ]; do
	case "$1" in
	--runs) runs=${2:-}; shift 2 || break ;;
	--smp) smps=${2:-}; shift 2 || break ;;
	--lz-units) lz_units=${2:-}; shift 2 || break ;;
	--timeout) timeout_s=${2:-}; shift 2 || break ;;
	--help | -h) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench-rv-system: unknown argument '$1' (try --help)" >&2; exit 2 ;;
	esac
done
usage_error() { echo "bench-rv-system: $*" >&2; exit 2; }
[[ "$runs" =~ ^[1-9][0-9]*$ ]] || usage_error "--runs (BENCH_RUNS) wants a positive number, not '$runs'"
[[ "$lz_units" =~ ^[1-9][0-9]*$ ]] || usage_error "--lz-units wants a positive number"
[[ "$timeout_s" =~ ^[1-9][0-9]*$ ]] || usage_error "--timeout wants seconds"
smps=${smps//,/ }
for s in $smps; do
	{ [[ "$s" =~ ^[1-9][0-9]*$ ]] && [ "$s" -le 32 ]; } || usage_error "--smp wants hart counts 1..32, not '$s'"
done
[ -n "${smps// /}" ] || usage_error "--smp wants at least one hart count"

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
OUT=$BUILD/bench/rv-system
LOGS=$OUT/logs
INITRD=$OUT/initrd.gz
KERNEL=$BUILD/guest-rv/Image
NATIVE_LZ=$BUILD/bench/rv/native/lz
KARASU=${KARASU_RV:-$BUILD/rv/karasu-rv}
for f in "$INITRD" "$KERNEL" "$NATIVE_LZ" "$KARASU"; do
	[ -f "$f" ] || usage_error "no $f: build it first (make BUILD=$BUILD bench-rv-system builds everything)"
done
command -v qemu-system-riscv64 >/dev/null || usage_error "qemu-system-riscv64 is not installed (scripts/deps)"
rm -rf "$LOGS"
mkdir -p "$LOGS"

# ---- expected results, from other implementations than the guest's ----
want_md5=$(head -c $((64 << 20)) /dev/zero | md5sum | cut -d' ' -f1)
want_lz=$("$NATIVE_LZ" "$lz_units" 2>/dev/null | tail -n 1 | awk '{ print $NF }')
[ -n "$want_lz" ] || { echo "bench-rv-system: the native lz ($NATIVE_LZ) printed no checksum" >&2; exit 1; }
declare -A WANT=([md5]=$want_md5 [loop]=200000 [fork]=200 [lz]=$want_lz)

EMUS=(karasu qemu karasu-opensbi) # the order of the first round; later rounds rotate it
declare -A EMU_ARGS=([karasu]="" [karasu-opensbi]="--bios opensbi" [qemu]="--qemu")
ROWS=(shell poweroff md5 loop fork lz)
declare -A ROW_LABEL=([shell]="time to shell" [poweroff]="time to power-off"
	[md5]="md5sum 64 MiB /dev/zero" [loop]="shell loop, 200k iterations" [fork]="200 fork+exec /bin/true"
	[lz]="lz, $lz_units units (C, -static)")
declare -A SAMPLES # "emu/smp/row" -> seconds of the successful runs, space-separated
declare -A FAILS   # "emu/smp/row" -> number of failed runs
NOTES=()           # one line per failed run

fail_rows() { # EMU SMP REASON ROW...: one failed run of these rows
	local emu=$1 smp=$2 reason=$3 row
	shift 3
	for row in "$@"; do FAILS[$emu/$smp/$row]=$((${FAILS[$emu/$smp/$row]:-0} + 1)); done
	NOTES+=("$reason")
}
sample() { SAMPLES[$1/$2/$3]+="$4 "; } # EMU SMP ROW SECONDS

# run_rv LABEL EMU SMP CMD: one boot through scripts/run-rv; status in RC, its files $LOGS/LABEL.*
run_rv() {
	local label=$1 emu=$2 smp=$3 cmd=$4
	# shellcheck disable=SC2086 # EMU_ARGS holds separate words
	"$ROOT/scripts/run-rv" --no-build --quiet --plain --smp "$smp" --memory 1G --kernel "$KERNEL" \
		--initrd "$INITRD" --timeout "$timeout_s" --karasu "$KARASU" --name bench --log "$LOGS/$label.console" \
		${EMU_ARGS[$emu]} --cmd "$cmd" >"$LOGS/$label.out" 2>"$LOGS/$label.err" </dev/null
	RC=$?
}

# A boot with a trivial command: the shell and power-off rows. SUMMARY: a few words for the progress line
# (these functions run in this shell, not in $(...), so that what they record stays).
boot_run() { # ROUND EMU SMP
	local label="r$1-smp$3-$2-boot" emu=$2 smp=$3 times shell poweroff
	run_rv "$label" "$emu" "$smp" true
	times=$(grep -oE 'time-to-shell=[^ ]+ time-to-poweroff=[^ ]+' "$LOGS/$label.err" | tail -n 1)
	shell=$(sed -nE 's/time-to-shell=([0-9.]+) .*/\1/p' <<<"$times")
	poweroff=$(sed -nE 's/.*time-to-poweroff=([0-9.]+)$/\1/p' <<<"$times")
	if [ "$RC" -ne 0 ] || [ -z "$shell" ] || [ -z "$poweroff" ]; then
		fail_rows "$emu" "$smp" \
			"round $1, $smp hart(s), $emu, boot: run-rv status $RC, ${times:-no times} (logs $LOGS/$label.*)" \
			shell poweroff
		SUMMARY=FAILED
		return
	fi
	sample "$emu" "$smp" shell "$shell"
	sample "$emu" "$smp" poweroff "$poweroff"
	SUMMARY="$shell/$poweroff"
}

# A boot that runs the in-guest workloads: one row each, its result checked.
work_run() { # ROUND EMU SMP
	local label="r$1-smp$3-$2-work" emu=$2 smp=$3 row line ns result what summary=""
	run_rv "$label" "$emu" "$smp" "/usr/bin/rv-system-workloads $lz_units"
	if [ "$RC" -ne 0 ]; then
		fail_rows "$emu" "$smp" "round $1, $smp hart(s), $emu, workloads: run-rv status $RC (logs $LOGS/$label.*)" \
			md5 loop fork lz
		SUMMARY=FAILED
		return
	fi
	for row in md5 loop fork lz; do
		line=$(grep -aE "^KBENCH $row [0-9]+ " "$LOGS/$label.out" | tail -n 1)
		read -r _ _ ns result _ <<<"$line"
		if [ -z "$line" ] || [ "$result" != "${WANT[$row]}" ]; then
			what="no KBENCH line"
			[ -z "$line" ] || what="result \"$result\", expected \"${WANT[$row]}\""
			fail_rows "$emu" "$smp" "round $1, $smp hart(s), $emu, $row: $what (logs $LOGS/$label.*)" "$row"
			summary+=" $row FAILED"
			continue
		fi
		sample "$emu" "$smp" "$row" "$(awk -v ns="$ns" 'BEGIN { printf "%.4f", ns / 1e9 }')"
		summary+=" $row $(awk -v ns="$ns" 'BEGIN { printf "%.2f", ns / 1e9 }')"
	done
	SUMMARY=${summary# }
}

# ---- the runs ----
qemu_version=$(qemu-system-riscv64 --version | head -n 1 | sed -E 's/.*version ([^ ]+).*/\1/')
kernel_version=$(cat "$BUILD/guest-rv/kernel-version" 2>/dev/null || echo '?')
echo "bench-rv-system: karasu-rv system mode vs qemu-system-riscv64 $qemu_version;" \
	"Linux $kernel_version, busybox initramfs + lz; 1G RAM"
echo "  karasu-rv: $KARASU (built $(date -r "$KARASU" '+%F %T'))"
echo "  $runs runs of each configuration, interleaved; harts: $smps;" \
	"host: $(nproc) CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
start_s=$SECONDS
for r in $(seq 1 "$runs"); do
	order=()
	for i in 0 1 2; do order+=("${EMUS[$(((i + r - 1) % 3))]}"); done
	for smp in $smps; do
		line="  round $r/$runs, $smp hart(s):"
		for emu in "${order[@]}"; do
			boot_run "$r" "$emu" "$smp"
			line+=" $emu shell/off $SUMMARY,"
		done
		echo "${line%,}" >&2
		for emu in "${order[@]}"; do
			work_run "$r" "$emu" "$smp"
			echo "    $emu: $SUMMARY" >&2
		done
	done
done
echo "  (all runs took $((SECONDS - start_s)) s)"

# ---- the table ----
median() { tr ' ' '\n' | awk 'NF { v[++n] = $1 } END {
	if (n == 0) { print "-"; exit }
	for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
	printf "%.2f\n", (n % 2) ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }'; }
spread() { tr ' ' '\n' | awk 'NF { if (n++ == 0 || $1 < lo) lo = $1; if (n == 1 || $1 > hi) hi = $1 }
	END { if (n) printf "%.2f\n", hi - lo; else print "-" }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b <= 0) print "-"
	else printf "%.2f", a / b }'; }
goal() { awk -v r="$1" 'BEGIN { if (r == "-") print "-"; else if (r <= 0.5) print "yes"; else print "NO" }'; }
cell() { # EMU SMP ROW -> "median (spread)", with the count of good runs when some failed
	local key=$1/$2/$3 med
	med=$(median <<<"${SAMPLES[$key]:-}")
	if [ "$med" = - ]; then
		echo "FAILED"
	elif [ "${FAILS[$key]:-0}" -gt 0 ]; then
		echo "$med ($(spread <<<"${SAMPLES[$key]}")) $((runs - ${FAILS[$key]}))/$runs"
	else
		echo "$med ($(spread <<<"${SAMPLES[$key]}"))"
	fi
}

table_line() { printf '%-30s %-19s %-19s %-19s %-8s %-9s %-8s %s\n' "$@"; }
met=0
rows_total=0
unjudged=0
for smp in $smps; do
	echo
	printf '%-30s %-19s %-19s %-19s %-18s %s\n' "$smp hart(s): seconds" "karasu-rv" "karasu-rv+OpenSBI" \
		"QEMU (OpenSBI)" "karasu/QEMU" "goal <= 0.5"
	table_line "  median (spread)" "built-in SBI" "-bios fw_dynamic" "default -bios" "built-in" "OpenSBI" \
		"built-in" "OpenSBI"
	for row in "${ROWS[@]}"; do
		mk=$(median <<<"${SAMPLES[karasu/$smp/$row]:-}")
		mo=$(median <<<"${SAMPLES[karasu-opensbi/$smp/$row]:-}")
		mq=$(median <<<"${SAMPLES[qemu/$smp/$row]:-}")
		rk=$(ratio "$mk" "$mq")
		ro=$(ratio "$mo" "$mq")
		gk=$(goal "$rk")
		rows_total=$((rows_total + 1))
		[ "$gk" != yes ] || met=$((met + 1))
		[ "$gk" != - ] || unjudged=$((unjudged + 1))
		table_line "${ROW_LABEL[$row]}" "$(cell karasu "$smp" "$row")" "$(cell karasu-opensbi "$smp" "$row")" \
			"$(cell qemu "$smp" "$row")" "$rk" "$ro" "$gk" "$(goal "$ro")"
	done
done
echo
unjudged_note=""
[ "$unjudged" -eq 0 ] || unjudged_note=" ($unjudged without a ratio: no good run on one side)"
echo "goal (karasu-rv with its built-in SBI at most 0.5x QEMU's time):" \
	"met on $met of $rows_total rows$unjudged_note"
echo "(medians over the good runs; spread = slowest - fastest run; ratio = karasu median / QEMU median;"
echo " shell/power-off: wall clock from launch (scripts/run-rv); the other rows: the guest's monotonic clock;"
echo " lz's checksum $want_lz is the native x86-64 build's; logs in $LOGS)"
if [ ${#NOTES[@]} -gt 0 ]; then
	echo
	echo "bench-rv-system: ${#NOTES[@]} run(s) FAILED and are left out of the medians and ratios:"
	printf '  %s\n' "${NOTES[@]}"
	exit 1
fi
exit 0
