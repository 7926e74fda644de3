# Shared helpers for integration tests (sourced). Each check prints one TAP line; a failed check prints
# the tail of the log it looked at, so that CI output shows what the console said.
#
#   tap_ok "what"                  a passing check
#   tap_fail "what" [LOG]          a failing check, with the last lines of LOG
#   check_log "what" LOG REGEX     pass if LOG matches the extended REGEX
#   run_timeout SECS LOG CMD...    run CMD with a time limit, stdout+stderr to LOG; returns CMD's status
#                                  (124 on timeout)
#   tap_done                       exits 1 if any check failed
BUILD=${BUILD:-build}
TAP_N=0
TAP_FAILED=0
TAIL_LINES=${TAIL_LINES:-40}

tap_ok() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N - $1"
}

tap_fail() {
	TAP_N=$((TAP_N + 1))
	TAP_FAILED=$((TAP_FAILED + 1))
	echo "not ok $TAP_N - $1"
	if [ -n "${2:-}" ] && [ -f "$2" ]; then
		echo "    --- last $TAIL_LINES lines of $2 ---"
		tail -n "$TAIL_LINES" "$2" | sed 's/^/    | /'
	fi
}

check_log() {
	if grep -Eq -- "$3" "$2"; then
		tap_ok "$1"
	else
		tap_fail "$1 (no match for /$3/)" "$2"
	fi
}

run_timeout() {
	local secs=$1 log=$2
	shift 2
	timeout --kill-after=5 "$secs" "$@" >"$log" 2>&1 </dev/null
}

tap_done() {
	[ "$TAP_FAILED" -eq 0 ]
	exit $?
}
