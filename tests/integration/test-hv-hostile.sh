#!/usr/bin/env bash
# A hostile guest against karasu-hv's isolation (guest/hvtest/cases_hostile*.c). Two runs:
#  1. configs/hvtest-hostile.cfg: "hostile" (wild hypercall GPAs, stage-2 probes across all physical RAM,
#     undecodable and refused MMIO, vGIC and PSCI abuse, PMU/timer/cache system registers, EL0) next to
#     "witness" (the standard hvtest cases), plus two one-CPU guests writing ICC_SGI0R_EL1/ICC_ASGI1R_EL1.
#  2. configs/hvtest-actions.cfg: five one-CPU guests each taking one action that ends it (an LDXR and a
#     SIMD load on MMIO, DC CIVAC on MMIO, SYSTEM_OFF, SYSTEM_RESET) and one feeding its virtio-blk broken
#     requests, next to a witness that must still pass everything, in normal time.
#  3. configs/hvtest-flood.cfg: a guest whose injected abort faults again on its vector fetch, forever, next
#     to a witness (at most 90 s).
#  4. configs/hvtest-virtio.cfg: "attacker" hammers its virtio-blk disk while "victim" reads and checks
#     sectors of its own disk; "resetsmp" does SYSTEM_RESET while its vCPU 1 spins.
#  5. configs/hvtest-hostile-linux.cfg: the hostile guest again, next to a Linux guest that must boot and run
#     its command normally.
# Every hvtest case line becomes a TAP line; the rest are checks on karasu's log. Takes 1-2 minutes.
. tests/integration/lib.sh
logs=$BUILD/test-logs${KARASU_HV_GIC:+/gicv$KARASU_HV_GIC}
mkdir -p "$logs"
run=$(mktemp -d "${TMPDIR:-/tmp}/karasu-hostile.XXXXXX")
trap 'cp -f "$run"/*.log "$run"/*.clean "$logs"/ 2>/dev/null; rm -rf "$run"' EXIT
# The witness normally finishes in 1-3 s next to one or three neighbours; a neighbour must not stretch that
# by an order of magnitude (a console flood made it 40-190 s).
WITNESS_MAX_MS=${WITNESS_MAX_MS:-30000}
# karasu may report a misbehaving guest, but not with thousands of lines (the console is shared).
GUEST_LOG_MAX=${GUEST_LOG_MAX:-100}

# run_config NAME CONFIG SMP WAIT [TIMEOUT] -> $run/hv-NAME.console.clean
run_config() {
	local name=$1 config=$2 smp=$3 wait=$4 secs=${5:-300}
	local console=$run/hv-$name.console.log out=$run/hv-$name.run.log
	run_timeout $((secs + 20)) "$out" scripts/run-hv --no-build --quiet --config "$config" --smp "$smp" \
		--wait "$wait" --timeout "$secs" --log "$console" --cmd true
	cat "$out" >>"$console"
	tr -d '\r' <"$console" >"$run/hv-$name.console.clean"
}

# case_lines GUEST LOG: one TAP line per hvtest case of GUEST. karasu's console may print the start of a line
# that another guest's output interrupted and then the whole line again: per case number the last, complete
# line counts.
case_lines() {
	local guest=$1 log=$2 line what
	while IFS= read -r line; do
		what=$(echo "$line" | sed -E 's/.*HVTEST (PASS|FAIL) [0-9]+ //')
		case "$line" in
		*"HVTEST PASS "*) tap_ok "$guest: $what" ;;
		*) tap_fail "$guest: $what" ;;
		esac
	done < <(grep -E "^\[$guest\] HVTEST (PASS|FAIL) [0-9]+ " "$log" |
		awk '{ n = $4; if (!(n in line)) order[++count] = n; line[n] = $0 }
		     END { for (i = 1; i <= count; i++) print line[order[i]] }')
}

# no_panic LOG: karasu itself survived.
no_panic() {
	if grep -Eq 'karasu: (panic|PANIC)|exception in the hypervisor' "$1"; then
		tap_fail "$2: karasu did not panic" "$1"
	else
		tap_ok "$2: karasu did not panic"
	fi
}

witness_checks() {
	local log=$1 label=$2 limit=${3:-$WITNESS_MAX_MS} ms
	check_log "$label: the witness passed all its cases" "$log" \
		'HVTEST-END name=witness passed=[1-9][0-9]* failed=0'
	ms=$(grep -oE 'karasu: stats witness/0 .*uptime_ms=[0-9]+' "$log" | head -n 1 | grep -oE '[0-9]+$')
	if [ -n "$ms" ] && [ "$ms" -le "$limit" ]; then
		tap_ok "$label: the witness ran in normal time (${ms} ms <= ${limit} ms)"
	else
		tap_fail "$label: the witness ran in normal time (${ms:-no stats} ms, limit ${limit} ms)" "$log"
	fi
}

# ---- run 1: the hostile cases ----
h=$run/hv-hostile.console.clean
run_config hostile configs/hvtest-hostile.cfg 6 hostile,witness
check_log "hostile: started in its partition" "$h" '^\[hostile\] HVTEST-START name=hostile'
case_lines hostile "$h"
check_log "hostile: ran all its case groups to the end" "$h" 'HVTEST-END name=hostile passed=[0-9]+ failed=[0-9]+'
for g in sgi0r asgi1r; do
	case_lines "$g" "$h"
	if grep -q "HVTEST-END name=$g passed=[1-9][0-9]* failed=0" "$h"; then
		tap_ok "$g: the guest survived its SGI register write and ended normally"
	else
		tap_fail "$g: the guest survived its SGI register write and ended normally ($(grep -m1 -oE "karasu: \[$g/0\] [^(]*" "$h" || echo 'no end line'))" "$h"
	fi
done
witness_checks "$h" "hostile run"
no_panic "$h" "hostile run"
check_log "hostile run: the machine powered off when the last guest was off" "$h" 'all guests are off: powering off'

# ---- run 2: actions that end a guest ----
a=$run/hv-actions.console.clean
run_config actions configs/hvtest-actions.cfg 8 witness,reset,vblkbad
for g in ldxr simd; do
	check_log "$g: karasu names the instruction it cannot emulate" "$a" \
		"karasu: \\[$g/0\\] instruction 0x[0-9a-f]+ at PC 0x[0-9a-f]+ is not a load/store karasu can emulate"
	check_log "$g: karasu stopped only that guest" "$a" "karasu: $g: stopped \\(guest fault\\)"
done
if grep -q 'HVTEST-DCMMIO-SKIPPED name=dcmmio' "$a" || grep -q 'karasu: dcmmio: stopped (guest fault)' "$a"; then
	tap_ok "dcmmio: DC CIVAC on MMIO was skipped or the guest stopped with a message"
else
	tap_fail "dcmmio: DC CIVAC on MMIO was skipped or the guest stopped with a message" "$a"
fi
check_log "off: SYSTEM_OFF stopped only that guest" "$a" 'karasu: off: stopped \(powered off\)'
starts=$(grep -c '^karasu: reset: starting' "$a") # karasu's own lines: never split by the console
if [ "$starts" -eq 2 ] && grep -q 'HVTEST-RESET-BACK name=reset' "$a"; then
	tap_ok "reset: SYSTEM_RESET restarted that guest (2 starts) and it came back"
else
	tap_fail "reset: SYSTEM_RESET restarted that guest (starts: $starts)" "$a"
fi
for g in ldxr simd dcmmio off reset; do
	if grep -Eq "^\[$g\] HVTEST FAIL" "$a"; then
		tap_fail "$g: no failed check in the guest" "$a"
	else
		tap_ok "$g: no failed check in the guest"
	fi
done
case_lines vblkbad "$a"
check_log "vblkbad: ended normally with no failed check" "$a" 'HVTEST-END name=vblkbad passed=[1-9][0-9]* failed=0'
# Seven guests on eight PEs of a 2-core host: only the result counts here, not the time.
check_log "actions run: the witness passed all its cases" "$a" 'HVTEST-END name=witness passed=[1-9][0-9]* failed=0'
no_panic "$a" "actions run"

# ---- run 3: a guest in an abort loop next to the witness (bounded: the loop never ends by itself) ----
a=$run/hv-flood.console.clean
run_config flood configs/hvtest-flood.cfg 4 witness 90
check_log "vbarloop: karasu stopped the guest whose exception vector is outside its RAM" "$a" \
	'karasu: vbarloop: stopped'
n=$(grep -c 'karasu: \[vbarloop/' "$a")
if [ "$n" -le "$GUEST_LOG_MAX" ]; then
	tap_ok "vbarloop: karasu's messages about the looping guest stay few ($n <= $GUEST_LOG_MAX lines)"
else
	tap_fail "vbarloop: karasu's messages about the looping guest stay few ($n lines > $GUEST_LOG_MAX)" "$a"
fi
witness_checks "$a" "flood run"
no_panic "$a" "flood run"

# ---- run 4: a guest hammering its disk while another reads its own ----
v=$run/hv-virtio.console.clean
run_config virtio configs/hvtest-virtio.cfg 4 attacker,victim,resetsmp
for g in attacker victim; do
	case_lines "$g" "$v"
	check_log "$g: ended normally with no failed check" "$v" "HVTEST-END name=$g passed=[1-9][0-9]* failed=0"
done
case_lines resetsmp "$v"
n=$(grep -c '^karasu: resetsmp: starting' "$v")
if [ "$n" -eq 2 ] && grep -q 'HVTEST-END name=resetsmp passed=[1-9][0-9]* failed=0' "$v"; then
	tap_ok "resetsmp: SYSTEM_RESET with vCPU 1 spinning restarted the guest once and it passed its checks"
else
	tap_fail "resetsmp: SYSTEM_RESET with vCPU 1 spinning restarted the guest once (starts: $n)" "$v"
fi
no_panic "$v" "virtio run"

# ---- run 5: the hostile guest next to a Linux guest ----
l=$run/hv-linux.console.clean
run_config linux configs/hvtest-hostile-linux.cfg 4 hostile,linux
check_log "hostile next to Linux: the hostile guest ran all its case groups" "$l" \
	'HVTEST-END name=hostile passed=[0-9]+ failed=[0-9]+'
check_log "hostile next to Linux: Linux reached its shell at EL1" "$l" 'KARASU-SHELL-READY name=linux'
check_log "hostile next to Linux: Linux ran its command and it exited 0" "$l" 'KARASU-CMD-END name=linux rc=0'
no_panic "$l" "Linux run"
tap_done
