#!/usr/bin/env bash
# karasu-rv benchmark table: every workload of bench/rv/ runs natively (x86-64), under qemu-riscv64 and
# under karasu-rv (JIT), paired in one invocation: each round runs the three one after the other, and
# each time (CPU time, see BENCH_CLOCK) is the MEDIAN of BENCH_RUNS rounds (default 3). Every run's checksum must equal the one the
# native build of the same source printed (the expected value; never one from karasu-rv or qemu).
# Prints per workload the times, karasu-rv/native and qemu-riscv64/karasu-rv (how many times faster
# karasu-rv is than qemu), their geomeans, and whether the speed goals are met:
#   karasu-rv/native geomean <= 1.5;  qemu/karasu-rv geomean >= 3 with no workload below 2.
# Optionally (default on) karasu-rv --interp runs 1/INTERP_DIV of the work, against a native run of
# that smaller size; and with KARASU_RV_BASE=another karasu-rv binary (e.g. a copy of the build before a
# change), that one runs in every round too and a base/karasu column shows the change's effect.
#
# usage: bench/rv/run.sh [--quick] [--no-interp] [--no-qemu] [WORKLOAD...]
#   --quick      1/10 of every size (a short check, not a measurement)
#   --no-interp  skip the interpreter column
#   --no-qemu    skip qemu-riscv64 (e.g. to compare two karasu-rv builds quickly)
#   env: BUILD, KARASU_RV, KARASU_RV_BASE, BENCH_RUNS (REPEAT is its old name), BENCH_CLOCK (cpu: user +
#   system CPU time of all threads, the default; wall: elapsed time), INTERP_DIV, TIME_LIMIT
# Exit status: 0, or 1 if any checksum differed or a run failed (the goals do not change it).
set -u
BUILD=${BUILD:-build}
KARASU_RV=${KARASU_RV:-$BUILD/rv/karasu-rv}
KARASU_RV_BASE=${KARASU_RV_BASE:-}
OUT=$BUILD/bench/rv
LOGS=$OUT/logs
INTERP_DIV=${INTERP_DIV:-20}
TIME_LIMIT=${TIME_LIMIT:-600}
RUNS=${BENCH_RUNS:-${REPEAT:-3}}
CLOCK=${BENCH_CLOCK:-cpu}
GNU_TIME=${GNU_TIME:-/usr/bin/time}
GOAL_NATIVE=1.5   # karasu-rv / native, geomean at most
GOAL_QEMU=3       # qemu / karasu-rv, geomean at least
GOAL_QEMU_MIN=2   # qemu / karasu-rv, every workload at least
mkdir -p "$LOGS"

# Work units per workload (each about 0.3-0.5 s natively on the reference machine).
declare -A UNITS=([intmix]=50000 [triad]=40 [branchy]=35 [nbody]=250 [strsearch]=35 [lz]=35
	[deflate]=12 [vm]=70 [coremix]=8000 [pzip]=60)
ORDER=(intmix triad branchy nbody strsearch lz deflate vm coremix pzip)

quick=1
interp=1
no_qemu=0
selected=()
for arg in "$@"; do
	case "$arg" in
	--quick) quick=10 ;;
	--no-interp) interp=0 ;;
	--no-qemu) no_qemu=1 ;;
	--help | -h)
		awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//'
		exit 0
		;;
	-*)
		echo "run.sh: unknown option $arg (--help)" >&2
		exit 2
		;;
	*) selected+=("$arg") ;;
	esac
done
[ ${#selected[@]} -gt 0 ] || selected=("${ORDER[@]}")
[ "$CLOCK" = cpu ] || [ "$CLOCK" = wall ] || {
	echo "run.sh: BENCH_CLOCK must be cpu or wall" >&2
	exit 2
}
"$GNU_TIME" -q -f '%U' -o /dev/null true 2>/dev/null || GNU_TIME= # then bash's `times` (see timed)
[[ "$RUNS" =~ ^[1-9][0-9]*$ ]] || {
	echo "run.sh: BENCH_RUNS must be a positive integer" >&2
	exit 2
}

failed=0
have_karasu=1
[ -x "$KARASU_RV" ] || {
	have_karasu=0
	echo "note: $KARASU_RV is not built: only native and qemu-riscv64 are measured" >&2
}
have_qemu=1
[ $no_qemu = 0 ] || have_qemu=0
[ $no_qemu = 1 ] || command -v qemu-riscv64 >/dev/null || {
	have_qemu=0
	echo "note: qemu-riscv64 is not installed: its column is empty" >&2
}
have_base=0
if [ -n "$KARASU_RV_BASE" ]; then
	[ -x "$KARASU_RV_BASE" ] || {
		echo "run.sh: KARASU_RV_BASE=$KARASU_RV_BASE is not an executable" >&2
		exit 2
	}
	have_base=1
fi

# timed LABEL CMD...: runs CMD, prints "SECONDS CHECKSUM" (checksum = last word of its output) or
# "FAIL STATUS". SECONDS: user + system CPU time of the process and all its threads (BENCH_CLOCK=cpu,
# the default: on a shared, loaded machine the wall clock mostly measures the other jobs), or the
# elapsed time (BENCH_CLOCK=wall).
timed() {
	local label=$1 start end rc secs
	shift
	start=$(date +%s%N)
	if [ -n "$GNU_TIME" ]; then
		timeout --kill-after=5 "$TIME_LIMIT" "$GNU_TIME" -q -f '%U %S' -o "$LOGS/$label.time" "$@" \
			>"$LOGS/$label.out" 2>"$LOGS/$label.err" </dev/null
		rc=$?
	else
		# no GNU time: the subshell's `times` (its waited-for children, here the command only)
		(
			timeout --kill-after=5 "$TIME_LIMIT" "$@" >"$LOGS/$label.out" 2>"$LOGS/$label.err" </dev/null
			rc=$?
			times >"$LOGS/$label.times" # (not into a pipe: that would be another subshell's)
			awk 'NR == 2 { for (i = 1; i <= 2; i++) { split($i, t, /[ms]/); s[i] = t[1] * 60 + t[2] }
				print s[1], s[2] }' "$LOGS/$label.times" >"$LOGS/$label.time"
			exit $rc
		)
		rc=$?
	fi
	end=$(date +%s%N)
	if [ "$rc" -ne 0 ]; then
		echo "FAIL $rc"
		return
	fi
	if [ "$CLOCK" = cpu ]; then
		secs=$(awk 'END { printf "%.3f", $1 + $2 }' "$LOGS/$label.time")
	else
		secs=$(awk -v ns=$((end - start)) 'BEGIN { printf "%.3f", ns / 1e9 }')
	fi
	echo "$secs $(tail -n 1 "$LOGS/$label.out" | awk '{print $NF}')"
}

isnum() { [[ "$1" =~ ^[0-9.]+$ ]]; }
unit() { isnum "$1" && echo "$1$2" || echo "-"; } # a number with its unit, or "-"
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2];
	else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
ratio() { isnum "$1" && isnum "$2" && awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0 && a > 0) printf "%.2f", a / b; else print "-" }' || echo "-"; }
geomean() { printf '%s\n' "$@" | awk '$1 ~ /^[0-9.]+$/ && $1 > 0 { s += log($1); n++ }
	END { if (n) printf "%.2f", exp(s / n); else print "-" }'; }

# run_many WHO LABEL CMD...: one timed run; appends its time to T_<WHO> and checks the checksum against
# the native one ($want); failures and mismatches go to $note.
declare -a T_native T_qemu T_karasu T_base T_interp
check_run() {
	local who=$1 t=$2 c=$3
	local -n times="T_$who"
	if [ "$t" = FAIL ]; then
		note="$note $who FAILED (status $c, see $LOGS/$w.$who.err);"
		failed=1
	elif [ "$c" != "$want" ]; then
		note="$note $who checksum $c != native $want;"
		failed=1
	else
		times+=("$t")
	fi
}

header() {
	printf '%-9s %8s | %8s %8s | %8s %8s' workload native qemu karasu "k/nat" "q/k"
	[ $have_base = 1 ] && printf ' | %8s %8s' base "base/k"
	[ $interp = 1 ] && printf ' | %9s %7s' "interp/$INTERP_DIV" "i/nat"
	echo
}
rule() {
	printf -- '-%.0s' {1..60}
	[ $have_base = 1 ] && printf -- '-%.0s' {1..20}
	[ $interp = 1 ] && printf -- '-%.0s' {1..20}
	echo
}

echo "bench-rv: $RUNS paired rounds per workload, medians of $([ "$CLOCK" = cpu ] && echo "user+system CPU time" || echo "elapsed time")$([ $quick = 1 ] || echo ", --quick sizes")"
header
rule
declare -a R_KN R_QK R_BK R_IN W_DONE
for w in "${selected[@]}"; do
	units=${UNITS[$w]:-}
	if [ -z "$units" ] || [ ! -x "$OUT/native/$w" ] || [ ! -x "$OUT/riscv64/$w" ]; then
		echo "$w: unknown workload or not built (make rv-bench-programs)"
		failed=1
		continue
	fi
	units=$((units / quick))
	[ "$units" -gt 0 ] || units=1
	small=$((units / INTERP_DIV))
	[ "$small" -gt 0 ] || small=1
	T_native=() T_qemu=() T_karasu=() T_base=()
	note=""
	read -r _ want < <(timed "$w.expected" "$OUT/native/$w" "$units")
	[ -n "$want" ] || {
		echo "$w: the native run failed (see $LOGS/$w.expected.err)"
		failed=1
		continue
	}
	for ((r = 1; r <= RUNS; r++)); do
		printf '  %s: round %d of %d (%s units)...\r' "$w" "$r" "$RUNS" "$units" >&2
		read -r t c < <(timed "$w.native" "$OUT/native/$w" "$units")
		check_run native "$t" "$c"
		if [ $have_qemu = 1 ]; then
			read -r t c < <(timed "$w.qemu" qemu-riscv64 "$OUT/riscv64/$w" "$units")
			check_run qemu "$t" "$c"
		fi
		if [ $have_karasu = 1 ]; then
			read -r t c < <(timed "$w.karasu" "$KARASU_RV" "$OUT/riscv64/$w" "$units")
			check_run karasu "$t" "$c"
		fi
		if [ $have_base = 1 ]; then
			read -r t c < <(timed "$w.base" "$KARASU_RV_BASE" "$OUT/riscv64/$w" "$units")
			check_run base "$t" "$c"
		fi
	done
	printf '%60s\r' "" >&2
	t_nat=$(median "${T_native[@]}") t_q=- t_k=- t_b=- t_i=- t_ns=-
	[ ${#T_qemu[@]} -gt 0 ] && t_q=$(median "${T_qemu[@]}")
	[ ${#T_karasu[@]} -gt 0 ] && t_k=$(median "${T_karasu[@]}")
	[ ${#T_base[@]} -gt 0 ] && t_b=$(median "${T_base[@]}")
	if [ $interp = 1 ] && [ $have_karasu = 1 ]; then
		read -r t_ns want < <(timed "$w.native-small" "$OUT/native/$w" "$small")
		read -r t c < <(timed "$w.interp" "$KARASU_RV" --interp "$OUT/riscv64/$w" "$small")
		T_interp=()
		check_run interp "$t" "$c"
		[ ${#T_interp[@]} -gt 0 ] && t_i=${T_interp[0]}
	fi
	rkn=$(ratio "$t_k" "$t_nat") rqk=$(ratio "$t_q" "$t_k") rbk=$(ratio "$t_b" "$t_k") rin=$(ratio "$t_i" "$t_ns")
	R_KN+=("$rkn") R_QK+=("$rqk") R_BK+=("$rbk") R_IN+=("$rin") W_DONE+=("$w")
	printf '%-9s %8s | %8s %8s | %8s %8s' "$w" "$(unit "$t_nat" s)" "$(unit "$t_q" s)" "$(unit "$t_k" s)" \
		"$(unit "$rkn" x)" "$(unit "$rqk" x)"
	[ $have_base = 1 ] && printf ' | %8s %8s' "$(unit "$t_b" s)" "$(unit "$rbk" x)"
	[ $interp = 1 ] && printf ' | %9s %7s' "$(unit "$t_i" s)" "$(unit "$rin" x)"
	echo "${note:+  <--$note}"
done
rule
g_kn=$(geomean "${R_KN[@]}") g_qk=$(geomean "${R_QK[@]}")
printf '%-9s %8s | %8s %8s | %8s %8s' geomean "" "" "" "$(unit "$g_kn" x)" "$(unit "$g_qk" x)"
[ $have_base = 1 ] && printf ' | %8s %8s' "" "$(unit "$(geomean "${R_BK[@]}")" x)"
[ $interp = 1 ] && printf ' | %9s %7s' "" "$(unit "$(geomean "${R_IN[@]}")" x)"
echo
echo "(k/nat = karasu-rv time / native time; q/k = qemu-riscv64 time / karasu-rv time, > 1: karasu-rv is"
echo " faster$([ $have_base = 1 ] && echo "; base/k = $KARASU_RV_BASE time / karasu-rv time, > 1: this build is faster"))"
# the goals of the translator's speed, marked met or missed
goal() { awk -v v="$1" -v g="$2" -v op="$3" 'BEGIN { if (v !~ /^[0-9.]+$/) print "not measured";
	else if ((op == "le" && v <= g) || (op == "ge" && v >= g)) print "met"; else print "MISSED" }'; }
min_qk=$(printf '%s\n' "${R_QK[@]}" | awk '$1 ~ /^[0-9.]+$/' | sort -g | head -n 1)
min_w=""
for i in "${!R_QK[@]}"; do [ "${R_QK[$i]}" = "$min_qk" ] && min_w=${W_DONE[$i]} && break; done
echo "goal: karasu-rv/native geomean <= $GOAL_NATIVE: $(goal "$g_kn" $GOAL_NATIVE le) ($(unit "$g_kn" x))"
echo "goal: qemu/karasu-rv geomean >= $GOAL_QEMU: $(goal "$g_qk" $GOAL_QEMU ge) ($(unit "$g_qk" x))"
echo "goal: qemu/karasu-rv >= $GOAL_QEMU_MIN on every workload: $(goal "${min_qk:-}" $GOAL_QEMU_MIN ge) (lowest $(unit "${min_qk:-}" x)${min_w:+, $min_w})"
[ $quick = 1 ] || echo "(--quick sizes: start-up counts for more; not a measurement of the goals)"
echo "(logs in $LOGS)"
[ "$failed" -eq 0 ] || echo "bench-rv: some runs FAILED or checksums differed (see above)"
exit "$failed"
