#!/usr/bin/env bash
# karasu-rv benchmark table: every workload of bench/rv/ runs natively (x86-64), under qemu-riscv64,
# under karasu-rv (JIT) and under karasu-rv --interp, in one run, and the checksums must agree.
# Prints per workload the time and the ratio to native, a geomean row, and qemu/karasu (how many times
# faster karasu-rv is than qemu-riscv64). The interpreter runs 1/INTERP_DIV of the work (it is much
# slower); its ratio is against a native run of that same smaller size.
#
# Each native/qemu/karasu time is the best of REPEAT runs (default 3), taken in turns, which filters out
# most of the noise of a shared machine; the interpreter runs once.
#
# usage: bench/rv/run.sh [--quick] [WORKLOAD...]     (--quick: 1/10 of every size; env BUILD, KARASU_RV,
#        REPEAT, INTERP_DIV)
# Exit status: 0, or 1 if any checksum differed or a run failed.
set -u
BUILD=${BUILD:-build}
KARASU_RV=${KARASU_RV:-$BUILD/rv/karasu-rv}
OUT=$BUILD/bench/rv
LOGS=$OUT/logs
INTERP_DIV=${INTERP_DIV:-20}
TIME_LIMIT=${TIME_LIMIT:-600}
REPEAT=${REPEAT:-3}
mkdir -p "$LOGS"

# Work units per workload (each about 0.3-0.5 s natively on the reference machine).
declare -A UNITS=([intmix]=50000 [triad]=40 [branchy]=35 [nbody]=250 [strsearch]=35 [lz]=35)
ORDER=(intmix triad branchy nbody strsearch lz)

quick=1
selected=()
for arg in "$@"; do
	case "$arg" in
	--quick) quick=10 ;;
	--help | -h)
		sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	*) selected+=("$arg") ;;
	esac
done
[ ${#selected[@]} -gt 0 ] || selected=("${ORDER[@]}")

failed=0
have_karasu=1
[ -x "$KARASU_RV" ] || {
	have_karasu=0
	echo "note: $KARASU_RV is not built: only native and qemu-riscv64 are measured" >&2
}
have_qemu=1
command -v qemu-riscv64 >/dev/null || {
	have_qemu=0
	echo "note: qemu-riscv64 is not installed: its column is empty" >&2
}

# timed LABEL CMD...: runs CMD, prints "SECONDS CHECKSUM" (checksum = last word of its output) or
# "FAIL STATUS".
timed() {
	local label=$1 start end rc
	shift
	start=$(date +%s%N)
	timeout --kill-after=5 "$TIME_LIMIT" "$@" >"$LOGS/$label.out" 2>"$LOGS/$label.err" </dev/null
	rc=$?
	end=$(date +%s%N)
	if [ "$rc" -ne 0 ]; then
		echo "FAIL $rc"
		return
	fi
	echo "$(awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }') $(tail -n 1 "$LOGS/$label.out" | awk '{print $NF}')"
}

unit() { [[ "$1" =~ ^[0-9.]+$ ]] && echo "$1$2" || echo "-"; } # a number with its unit, or "-"
# best TVAR CVAR TIME CHECKSUM: keep the smallest time; a failure or a different checksum sticks.
best() {
	local -n bt=$1 bc=$2
	if [ "$3" = FAIL ] || [ "$bt" = FAIL ]; then
		[ "$bt" = FAIL ] || { bt=FAIL bc=$4; }
	elif [ "$bt" = - ]; then
		bt=$3 bc=$4
	elif [ "$4" != "$bc" ]; then
		bc="$bc/$4" # differing checksums between repeats: reported as a mismatch
	elif awk -v a="$3" -v b="$bt" 'BEGIN { exit !(a < b) }'; then
		bt=$3
	fi
}
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }'; }

printf '%-10s %9s | %9s %7s | %9s %7s | %9s %9s | %11s\n' workload native qemu "x nat" karasu "x nat" \
	"interp/$INTERP_DIV" "x nat" "qemu/karasu"
printf -- '-%.0s' {1..100}
echo
declare -a R_QEMU R_KARASU R_INTERP R_SPEEDUP
for w in "${selected[@]}"; do
	units=${UNITS[$w]:-}
	if [ -z "$units" ] || [ ! -x "$OUT/native/$w" ]; then
		echo "$w: unknown workload or not built (make rv-bench-programs)"
		failed=1
		continue
	fi
	units=$((units / quick))
	[ "$units" -gt 0 ] || units=1
	small=$((units / INTERP_DIV))
	[ "$small" -gt 0 ] || small=1
	printf '  %s: running %s units (interp %s)...\r' "$w" "$units" "$small" >&2
	t_nat=- c_nat=- t_qemu=- c_qemu=- t_k=- c_k=- t_i=- c_i=- t_ns=- c_ns=-
	for ((r = 0; r < REPEAT; r++)); do
		read -r t c < <(timed "$w.native" "$OUT/native/$w" "$units")
		best t_nat c_nat "$t" "$c"
		if [ $have_qemu = 1 ]; then
			read -r t c < <(timed "$w.qemu" qemu-riscv64 "$OUT/riscv64/$w" "$units")
			best t_qemu c_qemu "$t" "$c"
		fi
		if [ $have_karasu = 1 ]; then
			read -r t c < <(timed "$w.karasu" "$KARASU_RV" "$OUT/riscv64/$w" "$units")
			best t_k c_k "$t" "$c"
		fi
	done
	if [ $have_karasu = 1 ]; then
		read -r t_ns c_ns < <(timed "$w.native-small" "$OUT/native/$w" "$small")
		read -r t_i c_i < <(timed "$w.interp" "$KARASU_RV" --interp "$OUT/riscv64/$w" "$small")
	fi
	note=""
	for pair in "qemu:$t_qemu:$c_qemu:$c_nat" "karasu:$t_k:$c_k:$c_nat" "interp:$t_i:$c_i:$c_ns"; do
		IFS=: read -r who t c want <<<"$pair"
		[ "$t" = - ] && continue
		if [ "$t" = FAIL ]; then
			note="$note $who FAILED (status $c, see $LOGS/$w.$who.err);"
			failed=1
		elif [ "$c" != "$want" ]; then
			note="$note $who checksum $c != native $want;"
			failed=1
		fi
	done
	num() { [[ "$1" =~ ^[0-9.]+$ ]] && echo "$1" || echo 0; }
	rq=$(ratio "$(num "$t_qemu")" "$(num "$t_nat")")
	rk=$(ratio "$(num "$t_k")" "$(num "$t_nat")")
	ri=$(ratio "$(num "$t_i")" "$(num "$t_ns")")
	sp=$(ratio "$(num "$t_qemu")" "$(num "$t_k")")
	[ "$rq" = 0.00 ] && rq=-
	[ "$rk" = 0.00 ] && rk=-
	[ "$ri" = 0.00 ] && ri=-
	[ "$sp" = 0.00 ] && sp=-
	R_QEMU+=("$rq")
	R_KARASU+=("$rk")
	R_INTERP+=("$ri")
	R_SPEEDUP+=("$sp")
	printf '%-10s %9s | %9s %7s | %9s %7s | %9s %9s | %11s%s\n' "$w" "$(unit "$t_nat" s)" "$(unit "$t_qemu" s)" \
		"$(unit "$rq" x)" "$(unit "$t_k" s)" "$(unit "$rk" x)" "$(unit "$t_i" s)" "$(unit "$ri" x)" \
		"$(unit "$sp" x)" "${note:+  <--$note}"
done

geomean() { printf '%s\n' "$@" | awk '$1 ~ /^[0-9.]+$/ && $1 > 0 { s += log($1); n++ }
	END { if (n) printf "%.2f", exp(s / n); else print "-" }'; }
printf -- '-%.0s' {1..100}
echo
printf '%-10s %9s | %9s %7s | %9s %7s | %9s %9s | %11s\n' geomean "" "" "$(unit "$(geomean "${R_QEMU[@]}")" x)" "" \
	"$(unit "$(geomean "${R_KARASU[@]}")" x)" "" "$(unit "$(geomean "${R_INTERP[@]}")" x)" \
	"$(unit "$(geomean "${R_SPEEDUP[@]}")" x)"
echo "(x nat = time / native time; qemu/karasu > 1 means karasu-rv is faster than qemu-riscv64;"
echo " interp runs 1/$INTERP_DIV of the work against a native run of the same size; logs in $LOGS)"
[ "$failed" -eq 0 ] || echo "bench-rv: some runs FAILED or checksums differed (see above)"
exit "$failed"
