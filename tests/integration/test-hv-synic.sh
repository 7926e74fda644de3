#!/usr/bin/env bash
# SynIC messages and events between partitions (docs/synic.md): configs/hvtest-synic.cfg runs three copies
# of the bare-metal test guest: "synic" posts to and signals itself through karasu.cfg connections (SIMP
# slot, SINT taken as PPI 20 at EL1, MessagePending + EOM, SIEFP flags, every error status); "send" posts a
# message and signals an event to "recv" in another partition. Each hvtest case becomes one TAP line.
. tests/integration/lib.sh
logs=$BUILD/test-logs${KARASU_HV_GIC:+/gicv$KARASU_HV_GIC}
mkdir -p "$logs"

run=$(mktemp -d "${TMPDIR:-/tmp}/karasu-synic.XXXXXX")
trap 'cp -f "$run"/*.log "$run"/*.clean "$logs"/ 2>/dev/null; rm -rf "$run"' EXIT
console=$run/hv-synic.console.log
out=$run/hv-synic.run.log

run_timeout 320 "$out" scripts/run-hv --no-build --quiet --config configs/hvtest-synic.cfg --timeout 300 \
	--log "$console" --cmd true
rc=$?
cat "$out" >>"$console"
clean=$run/hv-synic.console.clean
tr -d '\r' <"$console" >"$clean"

for g in synic recv send; do
	check_log "guest $g started" "$clean" "HVTEST-START name=$g"
done
# The three guests print at once: when one interrupts another's half-written line, the console shows the
# fragment and later the whole line again under a new prefix (hv/core/console.c). One TAP line per case:
# the last (complete) line of each guest's case number, in the order the cases first appeared.
last_of_each_case='{ k = $1 " " $4; if (!(k in last)) order[n++] = k; last[k] = $0 }
	END { for (i = 0; i < n; i++) print last[order[i]] }'
while IFS= read -r line; do
	what=$(echo "$line" | sed -E 's/.*HVTEST (PASS|FAIL) [0-9]+ //')
	case "$line" in
	*"HVTEST PASS "*) tap_ok "hvtest-synic: $what" ;;
	*) tap_fail "hvtest-synic: $what" "$clean" ;;
	esac
done < <(grep -E '^\[[a-z]+\] HVTEST (PASS|FAIL) [0-9]+ ' "$clean" | awk "$last_of_each_case" |
	sed -E 's/^\[([a-z]+)\] (.*)/\2 [\1]/' | sed -E 's/^(HVTEST (PASS|FAIL) [0-9]+ )(.*) \[([a-z]+)\]$/\1\4: \3/')
# The SynIC cases must really have run (not hvtest's standard cases) and all of them must have passed.
check_log "synic: the message arrived and SINT2 was taken as IRQ 20" "$clean" 'HVTEST PASS [0-9]+ SINT2 taken as IRQ 20 at EL1'
check_log "synic: EOM delivered the held message" "$clean" 'HVTEST PASS [0-9]+ EOM delivers the held message'
check_log "recv: the message from another partition arrived" "$clean" 'HVTEST PASS [0-9]+ receiver: the sender.s message arrived'
for g in synic recv send; do
	check_log "guest $g finished with 0 failed" "$clean" "HVTEST-END name=$g passed=[1-9][0-9]* failed=0"
done
if [ $rc -eq 0 ]; then tap_ok "run-hv: every guest passed and the machine powered off"; else
	tap_fail "run-hv: every guest passed and the machine powered off (exit $rc)" "$clean"; fi
tap_done
