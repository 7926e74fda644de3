#!/usr/bin/env bash
# A guest that panics does not take the other one down: with configs/two-guests.cfg, alpha crashes its kernel
# (sysrq c) as soon as it has a shell, beta keeps running, runs its command afterwards and powers off.
. tests/integration/lib.sh
logs=$BUILD/test-logs${KARASU_HV_GIC:+/gicv$KARASU_HV_GIC}
mkdir -p "$logs"
# Logs are written in a private directory (another run of this test may be going on) and copied to
# $logs at the end.
run=$(mktemp -d "${TMPDIR:-/tmp}/karasu-hvtest.XXXXXX")
trap 'cp -f "$run"/*.log "$run"/*.clean "$logs"/ 2>/dev/null; rm -rf "$run"' EXIT
console=$run/hv-panic.console.log
out=$run/hv-panic.run.log

run_timeout 620 "$out" scripts/run-hv --no-build --quiet --config configs/two-guests.cfg --timeout 600 \
	--log "$console" --wait beta --guest-cmd alpha='echo c > /proc/sysrq-trigger' \
	--guest-cmd beta='sleep 20; echo beta-alive-after-panic; nproc'
rc=$?
cat "$out" >>"$console"
clean=$run/hv-panic.console.clean
tr -d '\r' <"$console" >"$clean"
check_log "alpha's kernel panicked" "$clean" 'Kernel panic - not syncing: sysrq triggered crash'
check_log "beta reached its shell" "$out" 'guest beta: shell=yes'
if [ $rc -eq 0 ]; then tap_ok "beta ran its command to the end (rc 0)"; else
	tap_fail "beta ran its command to the end (run-hv exit $rc)" "$clean"; fi
panic_line=$(grep -n -m1 'Kernel panic - not syncing' "$clean" | cut -d: -f1)
alive_line=$(grep -n -m1 'beta-alive-after-panic' "$clean" | cut -d: -f1)
if [ -n "$panic_line" ] && [ -n "$alive_line" ] && [ "$alive_line" -gt "$panic_line" ]; then
	tap_ok "beta was still running after alpha's panic"
else
	tap_fail "beta was still running after alpha's panic (panic at line ${panic_line:-none}, beta at ${alive_line:-none})" "$clean"
fi
check_log "karasu kept running (no hypervisor panic)" "$clean" '^\[beta\] KARASU-CMD-END name=beta rc=0'
if grep -qiE 'karasu: .*(panic|fatal)' "$clean"; then
	tap_fail "no karasu panic in the log" "$clean"
else
	tap_ok "no karasu panic in the log"
fi
tap_done
