#!/usr/bin/env bash
# karasu-rv system mode: the privileged-architecture tests (guest/rv/priv/*.S, built into
# $BUILD/guest/rv/priv/NAME.elf by guest/rv/priv/priv.mk). Each is a bare M-mode ELF for QEMU's `virt`
# machine that reports through the SiFive test finisher (exit status 0, or the failing case number)
# and prints `PASS NAME` or `FAIL NAME case N: ...` on the UART.
#
# Runs every test under `karasu-rv -M virt -bios none -kernel T` with the translator and with --interp,
# one TAP line per test and engine (a test named *_smpN runs with -smp N).
# KARASU_PRIV_RUNNER=qemu runs them on qemu-system-riscv64 -M virt -bios none instead: the cross-check
# that the expected values written in the tests are what a reference machine does. Where QEMU 7.2
# deviates from the spec, the tests skip that check on QEMU only (they recognise it by its
# marchid/mimpid), and the QEMU line says how many checks were skipped; a karasu-rv run that skipped any
# check fails.
#
# Environment: BUILD (default build), KARASU_RV (default $BUILD/rv/karasu-rv), KARASU_PRIV_RUNNER
# (karasu or qemu), KARASU_PRIV_TIMEOUT (seconds per run, default 60).
set -u
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
	sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
fi
. "$(dirname "$0")/lib.sh"
KARASU_RV=${KARASU_RV:-$BUILD/rv/karasu-rv}
RUNNER=${KARASU_PRIV_RUNNER:-karasu}
TIMEOUT=${KARASU_PRIV_TIMEOUT:-60}
PRIV_DIR=$BUILD/guest/rv/priv
LOG_DIR=$BUILD/test-logs/rv-priv
QEMU=qemu-system-riscv64

case "$RUNNER" in
karasu | qemu) ;;
*)
	echo "test-rv-priv.sh: KARASU_PRIV_RUNNER must be karasu or qemu, not '$RUNNER'" >&2
	exit 2
	;;
esac
mkdir -p "$LOG_DIR"
# Two runs at once would overwrite each other's logs: take turns.
exec 9>"$LOG_DIR/.lock"
flock 9

harts_of() { # test name -> number of harts
	if [[ $1 =~ _smp([0-9]+)$ ]]; then
		echo "${BASH_REMATCH[1]}"
	else
		echo 1
	fi
}

# run_one NAME ENGINE(jit|interp|qemu)
run_one() {
	local name=$1 engine=$2 elf=$PRIV_DIR/$1.elf log=$LOG_DIR/$1.$2.log harts rc pass skipped cmd
	harts=$(harts_of "$name")
	case "$engine" in
	qemu) cmd=("$QEMU" -M virt -bios none -nographic -smp "$harts" -kernel "$elf") ;;
	jit) cmd=("$KARASU_RV" -M virt -bios none -smp "$harts" -kernel "$elf") ;;
	interp) cmd=("$KARASU_RV" -M virt -bios none -smp "$harts" --interp -kernel "$elf") ;;
	esac
	run_timeout "$TIMEOUT" "$log" "${cmd[@]}"
	rc=$?
	pass=$(tr -d '\r' <"$log" | grep -E "^PASS $name( |$)" | tail -n 1)
	if [ "$rc" -ge 124 ]; then
		tap_fail "$name ($engine): exit status $rc (timeout after ${TIMEOUT}s, or killed)" "$log"
	elif [ "$rc" -ne 0 ]; then
		tap_fail "$name ($engine): exit status $rc (= the failing case number; the console says why)" "$log"
	elif [ -z "$pass" ]; then
		tap_fail "$name ($engine): exit status 0 but no 'PASS $name' line on the console" "$log"
	else
		skipped=$(echo "$pass" | grep -oE '[0-9]+ check\(s\) of the spec skipped' | grep -oE '^[0-9]+')
		if [ -z "$skipped" ]; then
			tap_ok "$name ($engine): all cases pass"
		elif [ "$engine" = qemu ]; then
			tap_ok "$name ($engine): all cases pass; $skipped check(s) skipped where QEMU 7.2 deviates from the spec"
		else
			tap_fail "$name ($engine): $skipped check(s) were skipped: the hart identified itself as QEMU 7.2 (marchid/mimpid)" "$log"
		fi
	fi
}

names=()
for elf in "$PRIV_DIR"/*.elf; do
	[ -e "$elf" ] || continue
	names+=("$(basename "$elf" .elf)")
done
if [ ${#names[@]} -eq 0 ]; then
	tap_fail "no privileged-architecture tests built in $PRIV_DIR (make BUILD=$BUILD rv-priv)"
	tap_done
fi

if [ "$RUNNER" = qemu ]; then
	if ! command -v "$QEMU" >/dev/null; then
		tap_fail "$QEMU is not installed (apt-get install qemu-system-misc): ${#names[@]} tests not run"
		tap_done
	fi
	for n in "${names[@]}"; do
		run_one "$n" qemu
	done
else
	for n in "${names[@]}"; do
		for engine in jit interp; do
			if [ ! -x "$KARASU_RV" ]; then
				tap_fail "$n ($engine): $KARASU_RV is not built"
				continue
			fi
			run_one "$n" "$engine"
		done
	done
fi
tap_done
