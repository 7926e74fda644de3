#!/usr/bin/env bash
# Replays the libFuzzer corpora: each harness (tests/fuzz/harness/NAME.c, built as
# $BUILD/tests/fuzz/lf/NAME) runs every file of tests/fuzz/corpus/NAME/ once - seeds and the regress-*
# files of crashes found and fixed - so a fixed crash stays fixed. Deterministic and fast: libFuzzer runs
# file arguments once each and does not mutate them. One TAP line per harness; a failure prints the
# sanitizer or invariant report. A harness that is not built (clang missing) or has no corpus fails.
#
# Environment: BUILD (the build directory), FUZZ_REPLAY_TIMEOUT (seconds per harness, default 300).
set -u
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
	sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
fi
. "$(dirname "$0")/lib.sh"
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
LOG_DIR=$BUILD/test-logs/fuzz-corpus
mkdir -p "$LOG_DIR"
REPLAY_TIMEOUT=${FUZZ_REPLAY_TIMEOUT:-300}

if ! command -v clang >/dev/null; then
	tap_fail "clang is not installed (scripts/deps installs clang and libclang-rt-14-dev)"
fi
harnesses=("$ROOT"/tests/fuzz/harness/*.c)
if [ ! -e "${harnesses[0]}" ]; then
	tap_fail "no harness in tests/fuzz/harness"
	tap_done
fi

for src in "${harnesses[@]}"; do
	name=$(basename "$src" .c)
	bin=$BUILD/tests/fuzz/lf/$name
	log=$LOG_DIR/$name.log
	files=()
	for f in "$ROOT/tests/fuzz/corpus/$name"/*; do
		[ -f "$f" ] && files+=("$f")
	done
	if [ ! -x "$bin" ]; then
		tap_fail "$name: $bin is not built (make BUILD=$BUILD fuzz-harnesses)"
		continue
	fi
	if [ ${#files[@]} -eq 0 ]; then
		tap_fail "$name: no corpus in tests/fuzz/corpus/$name"
		continue
	fi
	# -runs=1 is implied for file arguments; -timeout turns a hang into a failure with the input named.
	run_timeout "$REPLAY_TIMEOUT" "$log" "$bin" -timeout=25 "${files[@]}"
	rc=$?
	ran=$(grep -c '^Executed ' "$log")
	if [ "$rc" -eq 0 ] && [ "$ran" -eq ${#files[@]} ]; then
		tap_ok "$name: ${#files[@]} corpus files replayed"
	else
		# The input being run when it failed, then the report.
		input=$(grep '^Running: ' "$log" | tail -n 1 | sed 's/^Running: //')
		TAIL_LINES=60 tap_fail "$name: status $rc after $ran of ${#files[@]} files; failing input: ${input:-?}" \
			"$log"
	fi
done
tap_done
