#!/usr/bin/env bash
# karasu's console: with two guests where beta has `autostart = no`, beta stays off until `boot beta` is typed
# at the karasu prompt (escape key, then the command); `list` shows both guests and their states; then beta
# boots and runs its own command while alpha keeps running.
. tests/integration/lib.sh
logs=$BUILD/test-logs${KARASU_HV_GIC:+/gicv$KARASU_HV_GIC}
mkdir -p "$logs"
# Logs are written in a private directory (another run of this test may be going on) and copied to
# $logs at the end.
run=$(mktemp -d "${TMPDIR:-/tmp}/karasu-hvtest.XXXXXX")
trap 'cp -f "$run"/*.log "$run"/*.clean "$logs"/ 2>/dev/null; rm -rf "$run"' EXIT
console=$run/hv-console.console.log
out=$run/hv-console.run.log
work=$run

# configs/two-guests.cfg with "autostart = no" added to beta's section.
awk '{ print } /^[ \t]*\[[ \t]*guest[ \t]+beta[ \t]*\]/ { print "autostart = no" }' configs/two-guests.cfg \
	>"$work/console.cfg"
grep -q 'autostart = no' "$work/console.cfg" || { tap_fail "configs/two-guests.cfg has a [guest beta] section"; tap_done; }

run_timeout 620 "$out" scripts/run-hv --no-build --quiet --config "$work/console.cfg" --timeout 600 \
	--log "$console" --wait alpha,beta \
	--guest-cmd alpha='sleep 40; echo alpha-still-running' \
	--guest-cmd beta='echo beta-booted-from-the-console' \
	--type-after 'alpha:<esc>list\r' --type-after 'alpha:boot beta\r' --type-after 'alpha:exit\r'
rc=$?
cat "$out" >>"$console"
clean=$run/hv-console.console.clean
tr -d '\r' <"$console" >"$clean"
check_log "the escape key opened the karasu prompt and ran list" "$clean" 'karasu> list'
check_log "list shows alpha running" "$clean" '^[ *] *0 +alpha +running'
check_log "list shows beta off (autostart = no)" "$clean" '^[ *] *1 +beta +off'
check_log "beta booted after 'boot beta' and ran its command" "$out" '^\[beta\] beta-booted-from-the-console$'
check_log "alpha kept running meanwhile" "$out" '^\[alpha\] alpha-still-running$'
if [ $rc -eq 0 ]; then tap_ok "run-hv: both guests finished"; else
	tap_fail "run-hv: both guests finished (exit $rc)" "$clean"; fi
tap_done
