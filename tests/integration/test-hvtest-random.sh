#!/usr/bin/env bash
# Random hypercalls from inside a guest (guest/hvtest/random.c, docs/random-hypercalls.md), next to a
# witness guest, on both engines:
#   karasu-hv   configs/hvtest-random.cfg     (scripts/run-hv, QEMU)
#   karasu-rv   configs/rv-hvtest-random.cfg  (scripts/run-rv-config), translator, and a shorter run --interp
# "random" makes HVTEST_RANDOM_CALLS (default 10^4; HVTEST_RANDOM_INTERP_CALLS, default 2000, under
# --interp) calls from HVTEST_RANDOM_SEED (default: a new one per run, printed here; set it to replay a
# failure): hypercalls with random input values, registers and GPAs, and one in eight other SMCCC / SBI calls
# through the same instruction. It checks each one itself: a status include/karasu/hv.h defines, a
# well-formed result value, registers untouched unless a fast call succeeded, no watched page changed
# outside the output window, SMCCC / SBI answers as their specifications say. This script checks its report
# independently where it can: the status names of the histogram against the HV_STATUS_* names of
# include/karasu/hv.h, the histogram's total against the number of calls, ten progress lines; and the
# witness: every beat ok (karasu answered it, its image intact), numbered without a gap, beats during the
# random run and after its last call. karasu must stay up throughout: the runs end by themselves (on
# karasu-rv the witness is switched off from karasu's console, and karasu-rv must then exit 0).
# Takes about 40 s.
#
# usage: tests/integration/test-hvtest-random.sh [--help]      (BUILD=... as for every integration test)
. tests/integration/lib.sh
if [ "${1:-}" = --help ]; then
	sed -n '2,/^$/p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
fi
logs=$BUILD/test-logs
mkdir -p "$logs"
run=$(mktemp -d "${TMPDIR:-/tmp}/karasu-hvtest-random.XXXXXX")
trap 'cp -f "$run"/*.log "$run"/*.clean "$logs"/ 2>/dev/null; rm -rf "$run"' EXIT

CALLS=${HVTEST_RANDOM_CALLS:-10000}
INTERP_CALLS=${HVTEST_RANDOM_INTERP_CALLS:-2000}
SEED=${HVTEST_RANDOM_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
KARASU_RV=$BUILD/rv/karasu-rv
echo "# seed $SEED ($(printf '%#x' "$SEED")), $CALLS calls per engine: HVTEST_RANDOM_SEED=$SEED replays this run"

for f in "$KARASU_RV" "$BUILD/guest/hvtest/hvtest-rv.bin" "$BUILD/guest/hvtest/hvtest.bin" "$BUILD/hv/hv.bin"; do
	if [ ! -f "$f" ]; then
		tap_fail "built: $f (make hv-payload hvtest-rv $KARASU_RV)"
		tap_done
	fi
done

# The names a status may have: every HV_STATUS_* the ABI header defines.
defined=$(sed -nE 's/^#define HV_STATUS_([A-Z_]+)[[:space:]]+\(\(HV_STATUS\)0x[0-9A-Fa-f]+\).*/\1/p' \
	include/karasu/hv.h | sort -u)
if [ "$(echo "$defined" | wc -l)" -lt 10 ]; then
	tap_fail "read the HV_STATUS_* names from include/karasu/hv.h (got: $defined)"
fi

# config SRC CALLS DEST: the config with this run's call count and seed, and absolute guest paths. The witness
# beats every 20 ms instead of 250: translated, 10^4 calls take only about a quarter of a second, and the
# check below wants beats while they run.
config() {
	sed -E -e "s/hvtest\.calls=[0-9]+/hvtest.calls=$2 hvtest.seed=$SEED/" -e "s/hvtest\.beat_ms=[0-9]+/hvtest.beat_ms=20/" \
		-e "s|^kernel = \.\./build/|kernel = $(realpath "$BUILD")/|" "$1" >"$3"
}

# check_run WHAT CLEAN CALLS RC: the random guest's and the witness's lines in one console log.
check_run() {
	local what=$1 c=$2 calls=$3 rc=$4 summary hist others total bad n
	check_log "$what: random guest started with seed $SEED and $calls calls" "$c" \
		"^\\[random\\] HVTEST-RANDOM-START name=random seed=$(printf '%#x' "$SEED") calls=$calls "
	# karasu-hv's console may show a line cut short by another guest's output, then the whole line again:
	# count complete lines, each value once.
	n=$(grep -oE "^\[random\] HVTEST-RANDOM-PROGRESS name=random done=[0-9]+/$calls pct=(10|20|30|40|50|60|70|80|90|100) failures=[0-9]+ ms=[0-9]+$" "$c" |
		sed -E 's/.* pct=([0-9]+) .*/\1/' | sort -u | wc -l)
	if [ "$n" -eq 10 ]; then tap_ok "$what: progress every 10%"; else
		tap_fail "$what: progress every 10% (10 lines, got $n)" "$c"; fi
	summary=$(grep -E '^\[random\] HVTEST-RANDOM-SUMMARY name=random .* other_results=[-0-9:,]*other:[0-9]+$' "$c" | tail -n 1)
	if [[ "$summary" == *" calls=$calls failures=0 "* ]]; then
		tap_ok "$what: $calls calls, 0 failures ($(echo "$summary" | grep -oE 'calls_per_s=[0-9]+'))"
	else
		tap_fail "$what: $calls calls, 0 failures (summary: ${summary:-none})" "$c"
		grep -E '^\[random\] HVTEST-RANDOM-FAIL' "$c" | head -n 20 | sed 's/^/    | /'
	fi
	hist=$(echo "$summary" | sed -nE 's/.* statuses=([A-Z_:0-9,]+)( .*)?$/\1/p' | tr ',' '\n')
	others=$(echo "$summary" | sed -nE 's/.* other_calls=([0-9]+) .*/\1/p')
	total=$(echo "$hist" | awk -F: -v o="${others:-0}" '{ s += $2 } END { print s + o }')
	bad=$(echo "$hist" | cut -d: -f1 | grep -vxF -f <(echo "$defined") | tr '\n' ' ')
	if [ -n "$hist" ] && [ "$total" -eq "$calls" ] && [ -z "$bad" ]; then
		tap_ok "$what: status histogram + $others other calls = $total calls, every status an HV_STATUS_* of include/karasu/hv.h"
	else
		tap_fail "$what: status histogram + other calls = $calls calls, defined statuses only (total $total, undefined: ${bad:-none})" "$c"
	fi
	echo "# $what: ${hist//$'\n'/ }; SMCCC/SBI $(echo "$summary" | grep -oE 'other_results=[-0-9:,a-z]+')"
	check_log "$what: the random guest's own checks all passed" "$c" \
		'^\[random\] HVTEST-END name=random passed=[1-9][0-9]* failed=0'

	# The witness: beats 1, 2, 3, ... all ok; some while the random guest ran, some after its last call.
	awk -v start='HVTEST-RANDOM-START name=random' -v end='HVTEST-RANDOM-SUMMARY name=random' '
		index($0, "[random] " start) == 1 { phase = 1 }
		index($0, "[random] " end) == 1 { phase = 2 }
		/^\[witness\] HVTEST-BEAT name=witness beat=[0-9]+ ok=(1$|0)/ {
			n = $0; sub(/.*beat=/, "", n); sub(/ .*/, "", n)
			if (n + 0 == last) next # the same line again, after a cut-short copy
			if (n + 0 != last + 1) gaps++
			last = n + 0
			if ($0 !~ / ok=1$/) bad++
			during += phase == 1; after += phase == 2
		}
		END { printf "%d %d %d %d %d\n", last, gaps, bad, during, after }' "$c" >"$run/beats"
	read -r n gaps bad during after <"$run/beats"
	if [ "$n" -gt 0 ] && [ "$gaps" -eq 0 ] && [ "$bad" -eq 0 ]; then
		tap_ok "$what: witness beats 1..$n, every one ok (karasu answered, its image intact)"
	else
		tap_fail "$what: witness beats numbered without a gap and all ok (last $n, gaps $gaps, not ok $bad)" "$c"
		grep -E '^\[witness\] HVTEST-BEAT .* ok=0' "$c" | head -n 5 | sed 's/^/    | /'
	fi
	if [ "$during" -ge 1 ] && [ "$after" -ge 2 ]; then
		tap_ok "$what: the witness kept running during the random calls ($during beats) and after them ($after)"
	else
		tap_fail "$what: the witness kept running during ($during beats) and after ($after) the random calls" "$c"
	fi
	if [ "$rc" -eq 0 ]; then tap_ok "$what: the runner exited 0"; else
		tap_fail "$what: the runner exited 0 (exit $rc)" "$c"; fi
}

# ---- karasu-hv ----
config configs/hvtest-random.cfg "$CALLS" "$run/hv-random.cfg"
run_timeout 320 "$run/hv-random.run.log" scripts/run-hv --no-build --quiet --config "$run/hv-random.cfg" \
	--wait random --timeout 300 --log "$run/hv-random.console.log" --cmd true
rc=$?
cat "$run/hv-random.run.log" >>"$run/hv-random.console.log"
# the clean logs end in a newline, so a TAP line printed after a failure's log tail stays on its own line
{ tr -d '\r' <"$run/hv-random.console.log"; echo; } >"$run/hv-random.console.clean"
check_run "karasu-hv" "$run/hv-random.console.clean" "$CALLS" $rc

# ---- karasu-rv: translator, then the interpreter ----
# The witness beats for ever: once the random guest has ended, it is switched off from karasu's console, and
# karasu-rv must then exit 0 by itself (every partition off).
rv_random() {
	local name=$1 calls=$2
	shift 2
	config configs/rv-hvtest-random.cfg "$calls" "$run/$name.cfg"
	run_timeout 200 "$run/$name.run.log" scripts/run-rv-config --no-build --quiet --config "$run/$name.cfg" \
		--wait random --timeout 180 --log "$run/$name.console.log" --karasu "$KARASU_RV" --cmd true \
		--type-on 'HVTEST-END name=random ' '<esc>poweroff witness\r' "$@"
	local rc=$?
	cat "$run/$name.run.log" >>"$run/$name.console.log"
	{ tr -d '\r' <"$run/$name.console.log"; echo; } >"$run/$name.console.clean"
	return $rc
}
rv_random rv-random "$CALLS"
check_run "karasu-rv" "$run/rv-random.console.clean" "$CALLS" $?
rv_random rv-random-interp "$INTERP_CALLS" --interp
check_run "karasu-rv --interp" "$run/rv-random-interp.console.clean" "$INTERP_CALLS" $?
tap_done
