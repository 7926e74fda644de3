#!/usr/bin/env bash
# karasu-rv differential fuzzing, fixed seeds (a short run for `make test`; `make fuzz` is the long one):
# random RV64GC programs of each instruction class, and all classes mixed, run by the translator and by
# the interpreter from the same state; registers, FP state, memory, pc and exit must be identical.
# A failure prints the shortest differing program prefix, disassembled, and the differing state.
# One more run uses the ASan/UBSan build (memory errors in the translator or interpreter).
#
# Then system mode (rv_fuzz_system): random privileged programs - M/S/U and the transitions between them,
# traps and their delegation, CSRs, Sv39/Sv48 page tables with random permissions, satp switches,
# sfence.vma, PMP, MPRV/SUM/MXR, stores into code - on a test machine, run by both engines through the
# real hart run loop; every register and CSR, the trap log and all of RAM must be identical. A failure
# prints the program minimised, disassembled, with its page tables and both trap logs. Last, the
# hand-written programs of tests/fuzz/programs/ (differences the fuzzer found), one check each.
#
# Environment: BUILD, RV_FUZZ, RV_FUZZ_ASAN, RV_FUZZ_SYSTEM, RV_FUZZ_SYSTEM_ASAN (the binaries),
# RV_FUZZ_ITERATIONS, RV_FUZZ_SYSTEM_ITERATIONS (programs per run).
set -u
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
 sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
fi
. "$(dirname "$0")/lib.sh"
RV_FUZZ=${RV_FUZZ:-$BUILD/tests/fuzz/rv_fuzz}
RV_FUZZ_ASAN=${RV_FUZZ_ASAN:-$BUILD/tests/fuzz/rv_fuzz-asan}
RV_FUZZ_SYSTEM=${RV_FUZZ_SYSTEM:-$BUILD/tests/fuzz/rv_fuzz_system}
RV_FUZZ_SYSTEM_ASAN=${RV_FUZZ_SYSTEM_ASAN:-$BUILD/tests/fuzz/rv_fuzz_system-asan}
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
for classes in I M A F D C BRANCH FAULT CSR I,M,A,F,D,C,BRANCH,FAULT all B,ZICOND,BRANCH; do
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

# The bit-manipulation classes again with the translator's baseline x86-64 sequences (no BMI1/BMI2/LZCNT/
# POPCNT), which a host that has those extensions would otherwise never run.
log=$LOG_DIR/baseline-x86.log
KARASU_RV_JIT_BASELINE_X86=1 run_timeout 300 "$log" "$RV_FUZZ" --seed 1500 --iterations "$ITERATIONS" --length 48 \
	--ext B,ZICOND,BRANCH
rc=$?
if [ "$rc" -eq 0 ]; then
	tap_ok "fuzz B,ZICOND,BRANCH with baseline x86-64: $(tail -n 1 "$log" | sed 's/^rv_fuzz: //')"
else
	TAIL_LINES=80 tap_fail "fuzz B,ZICOND,BRANCH with baseline x86-64 (seed 1500): status $rc" "$log"
fi

# Without the profile (as in system mode): short programs otherwise never leave the profiling phase, and
# inner forward branches are only made once it is over.
log=$LOG_DIR/fixed-map.log
KARASU_RV_JIT_FIXED_MAP=1 run_timeout 300 "$log" "$RV_FUZZ" --seed 1600 --iterations "$ITERATIONS" --length 48 \
	--ext all
rc=$?
if [ "$rc" -eq 0 ]; then
	tap_ok "fuzz all without the profile: $(tail -n 1 "$log" | sed 's/^rv_fuzz: //')"
else
	TAIL_LINES=80 tap_fail "fuzz all without the profile (seed 1600): status $rc" "$log"
fi

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

# System mode: programs of 6 privilege segments, of 12, and a few under ASan/UBSan.
SYS_ITERATIONS=${RV_FUZZ_SYSTEM_ITERATIONS:-1500}
run_system() { # NAME BINARY SEED ITERATIONS SEGMENTS
	local name=$1 bin=$2 seed=$3 n=$4 segments=$5 log rc
	log=$LOG_DIR/system-$(echo "$name" | tr -c 'A-Za-z0-9\n' '-').log
	if [ ! -x "$bin" ]; then
		tap_fail "$bin is not built (make $bin)"
		return
	fi
	run_timeout 300 "$log" "$bin" --seed "$seed" --iterations "$n" --segments "$segments"
	rc=$?
	if [ "$rc" -eq 0 ] && ! grep -qE 'AddressSanitizer|runtime error:' "$log"; then
		tap_ok "$name: $(tail -n 1 "$log" | sed 's/^rv_fuzz_system: //')"
	elif [ "$rc" -eq 3 ]; then
		TAIL_LINES=80 tap_fail "$name (seed $seed): a program did not end" "$log"
	else
		TAIL_LINES=200 tap_fail "$name (seed $seed): status $rc, JIT and interpreter differ" "$log"
	fi
}
run_system "fuzz system mode" "$RV_FUZZ_SYSTEM" 3001 "$SYS_ITERATIONS" 6
run_system "fuzz system mode, long programs" "$RV_FUZZ_SYSTEM" 3002 $((SYS_ITERATIONS / 2)) 12
run_system "fuzz system mode under ASan/UBSan" "$RV_FUZZ_SYSTEM_ASAN" 3003 $((SYS_ITERATIONS / 6)) 6

# Hand-written programs for differences the fuzzer found (tests/fuzz/programs/*.hex, what each checks is
# at its top): the engines must agree on each.
for prog in "$(dirname "$0")"/../fuzz/programs/*.hex; do
	name=$(basename "$prog" .hex)
	log=$LOG_DIR/program-$name.log
	if [ ! -x "$RV_FUZZ_SYSTEM" ]; then
		tap_fail "system program $name: $RV_FUZZ_SYSTEM is not built"
		continue
	fi
	run_timeout 60 "$log" "$RV_FUZZ_SYSTEM" --seed 1 --iterations 1 --program "$prog"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		tap_ok "system program $name: JIT == interpreter"
	else
		TAIL_LINES=30 tap_fail "system program $name: status $rc, JIT and interpreter differ" "$log"
	fi
done
tap_done
