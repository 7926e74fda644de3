#!/usr/bin/env bash
# karasu-rv differential fuzzing, fixed seeds (a short run for `make test`; `make fuzz` is the long one):
# random RV64GC programs of each instruction class, and all classes mixed, run by the translator and by
# the interpreter from the same state; registers, FP state, memory, pc and exit must be identical.
# A failure prints the shortest differing program prefix, disassembled, and the differing state.
set -u
. "$(dirname "$0")/lib.sh"
RV_FUZZ=${RV_FUZZ:-$BUILD/tests/fuzz/rv_fuzz}
LOG_DIR=$BUILD/test-logs/rv-fuzz
mkdir -p "$LOG_DIR"
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
tap_done
