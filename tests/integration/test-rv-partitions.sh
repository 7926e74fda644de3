#!/usr/bin/env bash
# karasu-rv --config: the guests of a karasu.cfg as partitions side by side (configs/rv-two-guests.cfg,
# two Linux guests of two harts each), through scripts/run-rv-config:
#   1. both boot and run a command; `poweroff beta` and `boot beta` typed at the karasu> prompt stop and
#      restart one guest while the other runs on undisturbed; every console line names its guest;
#   2. a kernel panic in one guest leaves the other running to the end of its command;
#   3. a config karasu-rv cannot run is refused with line-numbered errors and exit status 2.
# SynIC messages between RISC-V partitions are tested with the hypercall test guest (test-rv-hvtest.sh).
. tests/integration/lib.sh
KARASU_RV=${KARASU_RV:-$BUILD/rv/karasu-rv}
logs=$BUILD/test-logs/rv-partitions
mkdir -p "$logs"
run=$(mktemp -d "${TMPDIR:-/tmp}/karasu-rv-partitions.XXXXXX")
trap 'cp -f "$run"/*.log "$logs"/ 2>/dev/null; rm -rf "$run"' EXIT
config=configs/rv-two-guests.cfg

# clean LOG: the console without CRs and NULs
clean() { tr -d '\r\000' <"$1" >"$1.clean" && echo "$1.clean"; }
count() { grep -acE -- "$2" "$1"; }
# line number of the first match of REGEX in LOG (0: none)
line_of() { local n; n=$(grep -anE -- "$2" "$1" | head -n 1 | cut -d: -f1); echo "${n:-0}"; }

# ---- 1: side by side; poweroff and boot from the console ----
console=$run/side-by-side.console.log
out=$run/side-by-side.run.log
run_timeout 240 "$out" scripts/run-rv-config --no-build --quiet --karasu "$KARASU_RV" --config "$config" \
	--timeout 200 --log "$console" \
	--guest-cmd alpha='nproc; sleep 14; echo alpha-done' \
	--guest-cmd beta='sleep 6; echo beta-done' \
	--type-after 'beta:<esc>poweroff beta\rexit\r' \
	--type-on 'karasu-rv: beta: powered off' '<esc>boot beta\rexit\r'
rc=$?
cat "$out" >>"$console"
c=$(clean "$console")
if [ $rc -eq 0 ]; then tap_ok "two guests: run-rv-config and karasu-rv exit 0"; else
	tap_fail "two guests: run-rv-config and karasu-rv exit 0 (status $rc)" "$c"; fi
check_log "two guests: alpha runs its command on 2 harts" "$c" '^\[alpha\] 2$'
check_log "two guests: alpha's command ends with status 0" "$c" '^\[alpha\] KARASU-CMD-END name=alpha rc=0'
n=$(count "$c" '^karasu-rv: beta: started ')
if [ "$n" -eq 2 ]; then tap_ok "console: beta started twice (autostart, then 'boot beta')"; else
	tap_fail "console: beta started twice (autostart, then 'boot beta'): $n" "$c"; fi
check_log "console: 'poweroff beta' is acknowledged" "$c" '^karasu: powering off guest 1 \(beta\)'
check_log "console: 'boot beta' is acknowledged" "$c" '^karasu: booting guest 1 \(beta\)'
off=$(line_of "$c" '^karasu-rv: beta: powered off')
first_end=$(line_of "$c" 'KARASU-CMD-END name=beta ')
if [ "$off" -gt 0 ] && [ "$first_end" -gt "$off" ]; then
	tap_ok "console: beta was stopped in the middle of its command and finished it after the reboot"
else
	tap_fail "console: beta was stopped in the middle of its command (power-off at line $off, end at $first_end)" "$c"
fi
n=$(count "$c" 'KARASU-INIT name=alpha ')
if [ "$n" -eq 1 ]; then tap_ok "console: alpha booted once, undisturbed by beta's restart"; else
	tap_fail "console: alpha booted once, undisturbed by beta's restart ($n boots)" "$c"; fi
stray=$(grep -avE '^(\[alpha\] |\[beta\] |karasu|run-rv|$)' "$c" | head -n 5)
if [ -z "$stray" ]; then tap_ok "console: every line names its guest (or is karasu's own)"; else
	tap_fail "console: every line names its guest; stray lines: $(echo "$stray" | tr '\n' '|')" "$c"; fi
check_log "console: karasu-rv leaves when every guest is off" "$c" '^karasu-rv: every guest is off \(exit status 0\)'

# ---- 2: a panic in one guest ----
console=$run/panic.console.log
out=$run/panic.run.log
run_timeout 240 "$out" scripts/run-rv-config --no-build --quiet --karasu "$KARASU_RV" --config "$config" \
	--timeout 200 --log "$console" --wait beta \
	--guest-cmd alpha='echo c > /proc/sysrq-trigger' \
	--guest-cmd beta='sleep 8; echo beta-after-panic' \
	--type-on 'KARASU-CMD-END name=beta ' '<esc>poweroff alpha\rexit\r'
rc=$?
cat "$out" >>"$console"
c=$(clean "$console")
check_log "panic: alpha's kernel panics" "$c" '^\[alpha\] .*Kernel panic'
panic=$(line_of "$c" '^\[alpha\] .*Kernel panic')
done_at=$(line_of "$c" '^\[beta\] beta-after-panic')
if [ "$panic" -gt 0 ] && [ "$done_at" -gt "$panic" ]; then
	tap_ok "panic: beta goes on after alpha's panic and finishes its command"
else
	tap_fail "panic: beta goes on after alpha's panic (panic at line $panic, beta's output at $done_at)" "$c"
fi
check_log "panic: the panicked guest is powered off from the console" "$c" '^karasu-rv: alpha: powered off'
if [ $rc -eq 0 ]; then tap_ok "panic: the run ends cleanly"; else
	tap_fail "panic: the run ends cleanly (status $rc)" "$c"; fi

# ---- 3: a config karasu-rv cannot run ----
bad=$run/bad.cfg
cat >"$bad" <<'EOF'
[karasu]
escape = ctrl-]

[guest alpha]
kernel = missing/Image
cpus = 0
memory = 64M

[guest beta]
kernel = missing/Image
cpus = 0
memory_base = 0x40000000
EOF
out=$run/bad-config.log
"$KARASU_RV" --config "$bad" </dev/null >"$out" 2>&1
rc=$?
if [ $rc -eq 2 ]; then tap_ok "bad config: refused with exit status 2"; else
	tap_fail "bad config: refused with exit status 2 (got $rc)" "$out"; fi
check_log "bad config: a missing kernel is named with its guest's line" "$out" \
	"bad.cfg:4: guest alpha: kernel = missing/Image: No such file or directory"
check_log "bad config: RAM elsewhere than 0x80000000 is an error on its line" "$out" 'bad.cfg:12: .*memory_base'
check_log "bad config: nothing starts" "$out" 'nothing started'
out=$run/per-guest-option.log
"$KARASU_RV" --config "$config" -smp 2 </dev/null >"$out" 2>&1
rc=$?
if [ $rc -eq 2 ] && grep -q -- '-smp: with --config, each guest' "$out"; then
	tap_ok "bad command line: -smp with --config is a usage error"
else
	tap_fail "bad command line: -smp with --config is a usage error (status $rc)" "$out"
fi
tap_done
