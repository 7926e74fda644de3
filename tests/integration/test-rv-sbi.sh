#!/usr/bin/env bash
# karasu-rv's built-in SBI (-bios default) and its vendor extension (karasu's hypercalls from RISC-V), seen
# from a bare-metal S-mode guest (guest/rv/sbitest) on two harts: base, debug console, timer, IPI, HSM,
# remote fences, system reset, and hypercalls whose results the ABI header fixes (the dispatcher is the
# one karasu-hv uses). Translated and interpreted; each of the guest's checks is one TAP line here.
. "$(dirname "$0")/lib.sh"
KARASU_RV=${KARASU_RV:-$BUILD/rv/karasu-rv}
ELF=$BUILD/guest/rv/sbitest/sbitest.elf
LOGDIR=$BUILD/test-logs/rv-sbi
mkdir -p "$LOGDIR"

for f in "$KARASU_RV" "$ELF"; do
	[ -e "$f" ] || { tap_fail "$f is not built (make $f)"; tap_done; }
done

for engine in jit interp; do
	log=$LOGDIR/$engine.log
	opt=()
	[ "$engine" = interp ] && opt=(--interp)
	run_timeout 60 "$log" "$KARASU_RV" -M virt -smp 2 -m 128M -kernel "$ELF" "${opt[@]}"
	rc=$?
	# the guest's own verdict per check
	while IFS= read -r line; do
		case "$line" in
		"ok "*) tap_ok "$engine: ${line#ok * - }" ;;
		"not ok"*) tap_fail "$engine: ${line#not ok* - }" "$log" ;;
		esac
	done <"$log"
	if grep -q '^PASS ' "$log" && [ "$rc" -eq 0 ]; then
		tap_ok "$engine: the guest passed and powered off through SBI SRST (exit status 0)"
	else
		tap_fail "$engine: the guest did not pass and power off (exit status $rc)" "$log"
	fi
done
tap_done
