#!/usr/bin/env bash
# The bare-metal test guest (guest/hvtest, configs/hvtest.cfg) checks the TLFS hypercall rules, the VP
# register calls, fast calls, the vendor UID, PSCI with a second vCPU and aborts outside guest RAM through
# real HVCs and faults. Each of its cases becomes one TAP line here.
. tests/integration/lib.sh
logs=$BUILD/test-logs${KARASU_HV_GIC:+/gicv$KARASU_HV_GIC}
mkdir -p "$logs"
# Logs are written in a private directory (another run of this test may be going on) and copied to
# $logs at the end.
run=$(mktemp -d "${TMPDIR:-/tmp}/karasu-hvtest.XXXXXX")
trap 'cp -f "$run"/*.log "$run"/*.clean "$logs"/ 2>/dev/null; rm -rf "$run"' EXIT
console=$run/hv-hvtest.console.log
out=$run/hv-hvtest.run.log

# --cmd makes the run non-interactive; hvtest ignores it.
run_timeout 320 "$out" scripts/run-hv --no-build --quiet --config configs/hvtest.cfg --timeout 300 \
	--log "$console" --cmd true
rc=$?
cat "$out" >>"$console"
clean=$run/hv-hvtest.console.clean
tr -d '\r' <"$console" >"$clean"
check_log "hvtest started in its partition" "$clean" 'HVTEST-START name=hvtest'
cases=$(grep -cE 'HVTEST (PASS|FAIL) [0-9]+ ' "$clean")
while IFS= read -r line; do
	what=$(echo "$line" | sed -E 's/.*HVTEST (PASS|FAIL) [0-9]+ //')
	case "$line" in
	*"HVTEST PASS "*) tap_ok "hvtest: $what" ;;
	*) tap_fail "hvtest: $what" ;;
	esac
done < <(grep -E 'HVTEST (PASS|FAIL) [0-9]+ ' "$clean")
check_log "hvtest finished with 0 failed ($cases cases)" "$clean" 'HVTEST-END name=hvtest passed=[1-9][0-9]* failed=0'
if [ $rc -eq 0 ]; then tap_ok "run-hv: hvtest passed and the machine powered off"; else
	tap_fail "run-hv: hvtest passed and the machine powered off (exit $rc)" "$clean"; fi
tap_done
