#!/usr/bin/env bash
# karasu-hv boots the default guest (configs/karasu.cfg) through U-Boot: the guest reaches its shell with 4
# CPUs, Linux reports its CPUs started at EL1 (karasu runs at EL2 underneath), a command runs, the guest
# powers off and karasu then switches the machine off (QEMU exits 0).
. tests/integration/lib.sh
logs=$BUILD/test-logs${KARASU_HV_GIC:+/gicv$KARASU_HV_GIC}
mkdir -p "$logs"
# Logs are written in a private directory (another run of this test may be going on) and copied to
# $logs at the end.
run=$(mktemp -d "${TMPDIR:-/tmp}/karasu-hvtest.XXXXXX")
trap 'cp -f "$run"/*.log "$run"/*.clean "$logs"/ 2>/dev/null; rm -rf "$run"' EXIT
console=$run/hv-boot.console.log
out=$run/hv-boot.run.log

run_timeout 420 "$out" scripts/run-hv --no-build --quiet --config configs/karasu.cfg --timeout 400 \
	--log "$console" --cmd 'echo nproc=$(nproc); echo kernel=$(uname -r)'
rc=$?
cat "$out" >>"$console"
if [ $rc -eq 0 ]; then tap_ok "run-hv: the default guest booted, ran its command and powered off"; else
	tap_fail "run-hv: the default guest booted, ran its command and powered off (exit $rc)" "$console"; fi
check_log "karasu-hv started from U-Boot (booti hv.bin)" "$console" 'karasu: .*karasu-hv on PE 0'
check_log "the guest reached its shell" "$out" 'guest linux: shell=yes'
check_log "Linux reports all CPUs started at EL1" "$console" 'CPU: All CPU\(s\) started at EL1'
check_log "nproc in the guest is 4" "$out" '^\[linux\] nproc=4$'
check_log "the guest runs the Debian kernel" "$out" '^\[linux\] kernel=6\.1\.'
check_log "karasu switched the machine off after the last guest (QEMU exit 0)" "$out" 'QEMU exited \(status 0\)'
tap_done
