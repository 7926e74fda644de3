#!/usr/bin/env bash
# Two Linux guests at once (configs/two-guests.cfg: alpha on CPUs 0-1, beta on CPUs 2-3): each reaches its
# own shell with its own 2 CPUs at EL1, and each one's output carries its own name.
. tests/integration/lib.sh
logs=$BUILD/test-logs${KARASU_HV_GIC:+/gicv$KARASU_HV_GIC}
mkdir -p "$logs"
# Logs are written in a private directory (another run of this test may be going on) and copied to
# $logs at the end.
run=$(mktemp -d "${TMPDIR:-/tmp}/karasu-hvtest.XXXXXX")
trap 'cp -f "$run"/*.log "$run"/*.clean "$logs"/ 2>/dev/null; rm -rf "$run"' EXIT
console=$run/hv-two-guests.console.log
out=$run/hv-two-guests.run.log

run_timeout 620 "$out" scripts/run-hv --no-build --quiet --config configs/two-guests.cfg --timeout 600 \
	--log "$console" --cmd 'echo nproc=$(nproc) host=$(hostname)'
rc=$?
cat "$out" >>"$console"
if [ $rc -eq 0 ]; then tap_ok "run-hv: both guests ran their command"; else
	tap_fail "run-hv: both guests ran their command (exit $rc)" "$console"; fi
for g in alpha beta; do
	check_log "$g reached its shell at EL1" "$out" "guest $g: shell=yes el=EL1"
	check_log "$g sees its own 2 CPUs and its own name" "$out" "^\[$g\] nproc=2 host=$g\$"
done
tap_done
