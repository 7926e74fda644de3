#!/usr/bin/env bash
# karasu-rv differential fuzzing, fixed seeds (a short run for `make test`; `make fuzz` is the long one):
# random RV64GC programs of each instruction class, and all classes mixed, run by the translator and by
# the interpreter from the same state; registers, FP state, memory, pc and exit must be identical.
# A failure prints the shortest differing program prefix, disassembled, and the differing state.
# One more run uses the ASan/UBSan build (memory errors in the translator or interpreter).
set -u
. "$(dirname "$0")/lib.sh"
RV_FUZZ=${RV_FUZZ:-$BUILD/tests/fuzz/rv_fuzz}
RV_FUZZ_ASAN=${RV_FUZZ_ASAN:-$BUILD/tests/fuzz/rv_fuzz-asan}
LOG_DIR=$BUILD/test-logs/rv-fuzz
mkdir -p "$LOG_DIR"
# Two runs at once (make test while working on a test) would overwrite each other's files: take turns.
exec 9>"$LOG_DIR/.lock"
flock 9
ITERATIONS=${RV_FUZZ_ITERATIONS:-400}

if [ ! -x "$RV_FUZZ" ]; then
	tap_fail "$RV_FUZZ is not built (make $RV_FUZZ)"
	tap_done
fi

seed=1000
for classes in I M A F D C BRANCH FAULT CSR I,M,A,F,D,C,BRANCH,FAULT all; do
	seed=$((seed + 1))
	log=$LOG_DIR/$(echo "$classes" | tr ',' '-').log
	run_timeout 300 "$log" "$RV_FUZZ" --seed "$seed" --iterations "$ITERATIONS" --length 48 --ext "$classes"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		tap_ok "fuzz $classes: $(tail -n 1 "$log" | sed 's/^rv_fuzz: //')"
	else
		TAIL_LINES=80 tap_fail "fuzz $classes (seed $seed): status $rc, JIT and interpreter differ" "$log"
	fi
done

# The same with AddressSanitizer/UBSan builds of the translator, interpreter and decoder.
log=$LOG_DIR/asan.log
if [ ! -x "$RV_FUZZ_ASAN" ]; then
	tap_fail "$RV_FUZZ_ASAN is not built"
else
	run_timeout 300 "$log" "$RV_FUZZ_ASAN" --seed 2000 --iterations "$ITERATIONS" --length 48 \
		--ext I,M,A,F,D,C,BRANCH,FAULT
	rc=$?
	if [ "$rc" -eq 0 ] && ! grep -qE 'AddressSanitizer|runtime error:' "$log"; then
		tap_ok "fuzz under ASan/UBSan: $(tail -n 1 "$log" | sed 's/^rv_fuzz: //')"
	else
		TAIL_LINES=80 tap_fail "fuzz under ASan/UBSan (seed 2000): status $rc" "$log"
	fi
fi
tap_done
