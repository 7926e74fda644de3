#!/usr/bin/env bash
# The hypercall test guest (guest/hvtest) on RISC-V, and the same guest on arm64, compared case by case.
#  1. karasu-rv runs hvtest-rv.bin as a single partition (-M virt -smp 2 -m 64M): the standard cases and the
#     hostile ones (hvtest.mode=hostile), each case one TAP line; then both again under --interp, whose
#     results must be identical (nothing may depend on the translator).
#  2. karasu-rv --config configs/rv-hvtest-synic.cfg (scripts/run-rv-config): SynIC messages and events within
#     one partition, from one partition to another, and between two peers in both directions;
#     configs/rv-hvtest.cfg, which must give the single partition's cases; and configs/rv-hvtest-hostile.cfg:
#     the hostile guest as a partition next to a witness that must pass.
#  3. karasu-hv runs hvtest.bin (scripts/run-hv with configs/hvtest.cfg, hvtest-hostile.cfg, hvtest-synic.cfg)
#     and the cases of the shared groups (scope=shared: the same source on both architectures, hvtest.h) must
#     be the same on both engines: same groups, names, order and outcomes. The dispatcher is shared, so a
#     difference is a bug in one engine; the diff shows it.
#  4. The RISC-V-only groups (SBI, HSM, access faults, CSRs, U-mode) have their expected values from the
#     privileged and SBI specifications; the same binary runs them on qemu-system-riscv64 with OpenSBI
#     (hvtest.mode=arch / hostile-arch, no hypercalls) and QEMU must agree, except for the groups named
#     *.karasu (hypercalls, karasu-rv's own machine and SBI choices) and QEMU/OpenSBI's known deviations
#     below, which are counted.
# Takes well under a minute.
. tests/integration/lib.sh
. tests/integration/hvtest-cases.sh
logs=$BUILD/test-logs
mkdir -p "$logs"
run=$(mktemp -d "${TMPDIR:-/tmp}/karasu-rv-hvtest.XXXXXX")
trap 'cp -f "$run"/*.log "$run"/*.clean "$run"/*.cases "$logs"/ 2>/dev/null; rm -rf "$run"' EXIT

KARASU_RV=$BUILD/rv/karasu-rv
HVTEST_RV=$BUILD/guest/hvtest/hvtest-rv.bin
QEMU_RV=${QEMU_RV:-qemu-system-riscv64}
MACHINE=(-M virt -smp 2 -m 64M -nographic)

# QEMU 7.2 / OpenSBI 1.1 answers that differ from the SBI 2.0 specification (karasu-rv follows the spec).
KNOWN_QEMU_DEVIATIONS=(
	# OpenSBI 1.1 answers SBI_ERR_INVALID_PARAM while the hart is in a transition (START/STOP_PENDING)
	"hart_start storm (200 calls racing the hart's hart_stop): only SUCCESS/ALREADY_AVAILABLE, the hart ends STOPPED"
	# OpenSBI 1.1 truncates hart ids to 32 bits: 2^32 + 1 is hart 1 there
	"HSM hart_start of hart 2^32 + 1 (hart 1 with high bits) -> SBI_ERR_INVALID_PARAM"
	"HSM hart_get_status of hart 2^32 + 1 -> SBI_ERR_INVALID_PARAM"
	# OpenSBI 1.1 (SBI 1.0) skips absent harts in a hart mask; SBI 2.0 calls the mask invalid
	"sbi_send_ipi with a hart_mask naming a hart the machine does not have -> SBI_ERR_INVALID_PARAM"
)

for f in "$KARASU_RV" "$HVTEST_RV" "$BUILD/guest/hvtest/hvtest.bin"; do
	if [ ! -f "$f" ]; then
		tap_fail "built: $f (make $f)"
		tap_done
	fi
done

# rv_run NAME APPEND [KARASU-RV OPTIONS]: one single-partition run; console in $run/rv-NAME.console.clean,
# cases in $run/rv-NAME.cases; returns karasu-rv's status.
rv_run() {
	local name=$1 append=$2 rc
	shift 2
	run_timeout 60 "$run/rv-$name.console.log" "$KARASU_RV" "$@" "${MACHINE[@]}" -kernel "$HVTEST_RV" \
		-append "$append"
	rc=$?
	tr -d '\r' <"$run/rv-$name.console.log" >"$run/rv-$name.console.clean"
	hvtest_cases "$run/rv-$name.console.clean" >"$run/rv-$name.cases"
	return $rc
}

# same_results WHAT A B: the two case lists are identical (every group, name, outcome and detail).
same_results() {
	local d
	d=$(diff -u --label translator --label interpreter "$2" "$3")
	if [ -n "$(cat "$2")" ] && [ -z "$d" ]; then
		tap_ok "$1: the same $(wc -l <"$2") case results as under the translator"
	else
		tap_fail "$1: the same case results as under the translator"
		echo "$d" | head -n 40 | sed 's/^/    | /'
	fi
}

# ---- 1. karasu-rv, single partition ----
rv_run std hvtest
rc=$?
c=$run/rv-std.console.clean
check_log "riscv: hvtest started in S-mode under karasu-rv" "$c" '^HVTEST-START name=hvtest'
hvtest_tap "riscv hvtest" "$run/rv-std.cases" "$c"
check_log "riscv: hvtest finished with 0 failed ($(wc -l <"$run/rv-std.cases") cases)" "$c" \
	'^HVTEST-END name=hvtest passed=[1-9][0-9]* failed=0'
if [ $rc -eq 0 ]; then tap_ok "karasu-rv: hvtest passed and the machine powered off (exit 0)"; else
	tap_fail "karasu-rv: hvtest passed and the machine powered off (exit $rc)" "$c"; fi

rv_run hostile "hvtest hvtest.mode=hostile"
rc=$?
h=$run/rv-hostile.console.clean
hvtest_tap "riscv hostile" "$run/rv-hostile.cases" "$h"
check_log "riscv hostile: ran every group to the end, 0 failed" "$h" \
	'^HVTEST-END name=hvtest passed=[1-9][0-9]* failed=0'
if [ $rc -eq 0 ]; then tap_ok "karasu-rv: the hostile guest ended with the machine powered off (exit 0)"; else
	tap_fail "karasu-rv: the hostile guest ended with the machine powered off (exit $rc)" "$h"; fi

rv_run std-interp hvtest --interp
same_results "riscv --interp" "$run/rv-std.cases" "$run/rv-std-interp.cases"
rv_run hostile-interp "hvtest hvtest.mode=hostile" --interp
same_results "riscv hostile --interp" "$run/rv-hostile.cases" "$run/rv-hostile-interp.cases"

# ---- 2. karasu-rv --config: SynIC partitions, and rv-hvtest.cfg ----
# rv_config NAME CONFIG [run-rv-config OPTIONS] -> $run/rv-NAME.console.clean
rv_config() {
	local name=$1 config=$2 rc
	shift 2
	run_timeout 90 "$run/rv-$name.run.log" scripts/run-rv-config --no-build --quiet --config "$config" \
		--timeout 60 --log "$run/rv-$name.console.log" --karasu "$KARASU_RV" --cmd true "$@"
	rc=$?
	cat "$run/rv-$name.run.log" >>"$run/rv-$name.console.log"
	tr -d '\r' <"$run/rv-$name.console.log" >"$run/rv-$name.console.clean"
	return $rc
}

if ! "$KARASU_RV" -M virt --help 2>&1 | grep -q -- '--config'; then
	tap_fail "karasu-rv has --config (the SynIC cases need partitions with connections)"
fi
rv_config synic configs/rv-hvtest-synic.cfg
rc=$?
s=$run/rv-synic.console.clean
for g in synic recv send peer-a peer-b; do
	check_log "riscv synic: guest $g started" "$s" "^\\[$g\\] HVTEST-START name=$g"
	hvtest_cases "$s" "$g" >"$run/rv-synic-$g.cases"
	hvtest_tap "riscv synic [$g]" "$run/rv-synic-$g.cases" "$s"
	check_log "riscv synic: guest $g finished with 0 failed" "$s" "HVTEST-END name=$g passed=[1-9][0-9]* failed=0"
done
check_log "riscv synic: the message from another partition arrived" "$s" \
	'^\[recv\] HVTEST PASS [0-9]+ receiver: the sender.s message arrived'
for g in peer-a peer-b; do # each peer is sender and receiver: messages in both directions
	check_log "riscv synic: $g received its peer's message and event" "$s" \
		"^\\[$g\\] HVTEST PASS [0-9]+ receiver: the sender's event flag 77 arrived"
done
if [ $rc -eq 0 ]; then tap_ok "run-rv-config: every SynIC guest passed and karasu-rv exited 0"; else
	tap_fail "run-rv-config: every SynIC guest passed and karasu-rv exited 0 (exit $rc)" "$s"; fi
rv_config synic-interp configs/rv-hvtest-synic.cfg --interp
for g in synic recv send peer-a peer-b; do
	hvtest_cases "$run/rv-synic-interp.console.clean" "$g" >"$run/rv-synic-interp-$g.cases"
	same_results "riscv synic [$g] --interp" "$run/rv-synic-$g.cases" "$run/rv-synic-interp-$g.cases"
done

rv_config cfg configs/rv-hvtest.cfg
hvtest_cases "$run/rv-cfg.console.clean" hvtest >"$run/rv-cfg.cases"
d=$(diff -u --label '-kernel run' --label 'configs/rv-hvtest.cfg' "$run/rv-std.cases" "$run/rv-cfg.cases")
if [ -s "$run/rv-cfg.cases" ] && [ -z "$d" ]; then
	tap_ok "configs/rv-hvtest.cfg: the same $(wc -l <"$run/rv-cfg.cases") case results as the single partition"
else
	tap_fail "configs/rv-hvtest.cfg: the same case results as the single partition" "$run/rv-cfg.console.clean"
	echo "$d" | head -n 40 | sed 's/^/    | /'
fi

# The hostile guest as a partition next to a witness: the witness must not notice; the hostile guest's cases
# must come out as in its own machine.
rv_config hostile-cfg configs/rv-hvtest-hostile.cfg
w=$run/rv-hostile-cfg.console.clean
check_log "rv-hvtest-hostile.cfg: the witness passed all its cases next to the hostile partition" "$w" \
	'^\[witness\] HVTEST-END name=witness passed=[1-9][0-9]* failed=0'
hvtest_cases "$w" hostile >"$run/rv-hostile-cfg.cases"
d=$(diff -u --label '-kernel run' --label 'rv-hvtest-hostile.cfg' "$run/rv-hostile.cases" "$run/rv-hostile-cfg.cases")
if [ -s "$run/rv-hostile-cfg.cases" ] && [ -z "$d" ]; then
	tap_ok "rv-hvtest-hostile.cfg: the hostile partition's $(wc -l <"$run/rv-hostile-cfg.cases") case results are those of its own machine"
else
	tap_fail "rv-hvtest-hostile.cfg: the hostile partition's case results are those of its own machine" "$w"
	echo "$d" | head -n 40 | sed 's/^/    | /'
fi

# ---- 3. karasu-hv, and the shared cases of both engines ----
# hv_run NAME CONFIG [run-hv OPTIONS] -> $run/hv-NAME.console.clean
hv_run() {
	local name=$1 config=$2
	shift 2
	run_timeout 200 "$run/hv-$name.run.log" scripts/run-hv --no-build --quiet --config "$config" --timeout 180 \
		--log "$run/hv-$name.console.log" --cmd true "$@"
	cat "$run/hv-$name.run.log" >>"$run/hv-$name.console.log"
	tr -d '\r' <"$run/hv-$name.console.log" >"$run/hv-$name.console.clean"
}

# cross NAME ARM64-CLEAN ARM64-GUEST RV-CASES: the shared cases of one guest on both engines.
cross() {
	hvtest_cases "$2" "$3" >"$run/hv-$1.cases"
	hvtest_select "$run/hv-$1.cases" shared >"$run/hv-$1.shared"
	hvtest_select "$4" shared >"$run/rv-$1.shared"
	hvtest_compare "cross-engine ($1)" "$run/hv-$1.shared" "$run/rv-$1.shared" karasu-hv karasu-rv
}

hv_run std configs/hvtest.cfg
check_log "arm64: hvtest ran under karasu-hv" "$run/hv-std.console.clean" '^\[hvtest\] HVTEST-START name=hvtest'
cross standard "$run/hv-std.console.clean" hvtest "$run/rv-std.cases"

hv_run hostile configs/hvtest-hostile.cfg --smp 6 --wait hostile,witness
check_log "arm64: the hostile hvtest ran under karasu-hv" "$run/hv-hostile.console.clean" \
	'^\[hostile\] HVTEST-START name=hostile'
cross hostile "$run/hv-hostile.console.clean" hostile "$run/rv-hostile.cases"

hv_run synic configs/hvtest-synic.cfg
for g in synic recv send; do
	check_log "arm64: SynIC guest $g ran under karasu-hv" "$run/hv-synic.console.clean" "^\\[$g\\] HVTEST-START name=$g"
	cross "synic-$g" "$run/hv-synic.console.clean" "$g" "$run/rv-synic-$g.cases"
done

# ---- 4. the RISC-V-only groups on QEMU + OpenSBI ----
# qemu_run NAME MODE -> $run/qemu-NAME.cases
qemu_run() {
	run_timeout 60 "$run/qemu-$1.console.log" "$QEMU_RV" -M virt -cpu rv64,h=false -smp 2 -m 64M -nographic \
		-bios default -kernel "$HVTEST_RV" -append "hvtest.mode=$2"
	tr -d '\r' <"$run/qemu-$1.console.log" >"$run/qemu-$1.console.clean"
	hvtest_cases "$run/qemu-$1.console.clean" >"$run/qemu-$1.cases"
}

# Drops the known deviations (by name; a FAIL line's text starts with it) from a selected list.
without_known() {
	awk -F '\t' -v known="$(printf '%s\n' "${KNOWN_QEMU_DEVIATIONS[@]}")" '
		BEGIN { n = split(known, k, "\n") }
		{ for (i = 1; i <= n; i++) if (k[i] != "" && ($3 == k[i] || index($3, k[i] ": ") == 1)) next; print }' "$1"
}

if ! command -v "$QEMU_RV" >/dev/null; then
	tap_fail "$QEMU_RV is installed (the reference for the RISC-V-only cases)"
else
	qemu_run std arch
	qemu_run hostile hostile-arch
	for r in std hostile; do
		groups=$(cut -f2 "$run/qemu-$r.cases" | grep -v '\.karasu$' | sort -u | paste -sd'|')
		hvtest_select "$run/qemu-$r.cases" arch "^($groups)\$" >"$run/qemu-$r.all"
		hvtest_select "$run/rv-$r.cases" arch "^($groups)\$" >"$run/rv-$r.arch-all"
		without_known "$run/qemu-$r.all" >"$run/qemu-$r.arch"
		without_known "$run/rv-$r.arch-all" >"$run/rv-$r.arch"
		known=$(($(wc -l <"$run/qemu-$r.all") - $(wc -l <"$run/qemu-$r.arch")))
		hvtest_compare "QEMU reference ($r run, RISC-V groups; $known known QEMU/OpenSBI deviations left out)" \
			"$run/qemu-$r.arch" "$run/rv-$r.arch" qemu-system-riscv64 karasu-rv
	done
fi
tap_done
