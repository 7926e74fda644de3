#!/usr/bin/env bash
# karasu-rv runs real programs: every guest/rv/programs/*.c (glibc, -O2 -static) runs under qemu-riscv64
# (the reference), under karasu-rv (JIT) and under karasu-rv --interp, with the same arguments and
# environment. stdout, stderr and the exit status must be identical to qemu's. The only difference
# allowed is the line a shell prints for a process killed by a signal ("Aborted", "Segmentation fault"),
# which karasu-rv prints itself and qemu-riscv64 leaves to the shell; it is removed before comparing.
set -u
. "$(dirname "$0")/lib.sh"
KARASU_RV=${KARASU_RV:-$BUILD/rv/karasu-rv}
PROG_DIR=$BUILD/guest/rv/programs
LOG_DIR=$BUILD/test-logs/rv-programs
mkdir -p "$LOG_DIR"
# Two runs at once (make test while working on a test) would overwrite each other's files: take turns.
exec 9>"$LOG_DIR/.lock"
flock 9

# Arguments and expected exit status (from the C source, i.e. from the C/POSIX semantics) per program.
args_for() {
	case "$1" in
	args) printf '%s\0' one "two words" "" "ünïcødé" "--dash" ;;
	esac
}
expected_status() {
	case "$1" in
	args) echo 6 ;;     # returns argc
	exit3) echo 3 ;;
	return42) echo 42 ;;
	abort) echo 134 ;;  # 128 + SIGABRT
	*) echo 0 ;;
	esac
}

# Lines that a shell (or qemu) prints about a signal death, not part of the program's output.
filter_stderr() {
	grep -vE '^(qemu: uncaught target signal .*|(karasu-rv: )?(Aborted|Segmentation fault|Bus error|Illegal instruction|Trace/breakpoint trap|Floating point exception|Killed)( \(core dumped\))?)$' "$1" || true
}

# run ENGINE PROG: output in $LOG_DIR/PROG.ENGINE.{out,err,rc}
run() {
	local engine=$1 prog=$2 base=$LOG_DIR/$2.$1 tmp cmd=() t=60
	local -a args=()
	mapfile -d '' args < <(args_for "$prog")
	case "$engine" in
	qemu) cmd=(qemu-riscv64) ;;
	jit) cmd=("$KARASU_RV") ;;
	interp) cmd=("$KARASU_RV" --interp) t=240 ;;
	esac
	tmp=$LOG_DIR/tmp.$prog.$engine
	rm -rf "$tmp"
	mkdir -p "$tmp"
	# (the group's own stderr is silenced: bash would report a signal death of the command there)
	{
		env KARASU_TEST_VAR="value with spaces=and equals" TMPDIR="$tmp" \
			timeout --kill-after=5 "$t" "${cmd[@]}" "$PROG_DIR/$prog" "${args[@]}" \
			>"$base.out" 2>"$base.err" </dev/null
		echo $? >"$base.rc"
	} 2>/dev/null
	rm -rf "$tmp"
}

show_difference() { # a b label
	echo "    --- $3 ---"
	diff "$1" "$2" | head -n 20 | sed 's/^/    | /'
}

compare() { # prog engine
	local prog=$1 engine=$2 q=$LOG_DIR/$1.qemu k=$LOG_DIR/$1.$2 bad=""
	local qrc krc
	qrc=$(cat "$q.rc")
	krc=$(cat "$k.rc")
	[ "$qrc" = "$krc" ] || bad="$bad exit status $krc (qemu: $qrc);"
	cmp -s "$q.out" "$k.out" || bad="$bad stdout differs;"
	filter_stderr "$q.err" >"$q.err.filtered"
	filter_stderr "$k.err" >"$k.err.filtered"
	cmp -s "$q.err.filtered" "$k.err.filtered" || bad="$bad stderr differs;"
	if [ -z "$bad" ]; then
		tap_ok "$prog ($engine): stdout, stderr and exit status $krc identical to qemu-riscv64"
	else
		tap_fail "$prog ($engine):$bad"
		[ "$qrc" = "$krc" ] || tail -n 5 "$k.err" | sed 's/^/    stderr| /'
		cmp -s "$q.out" "$k.out" || show_difference "$q.out" "$k.out" "stdout: qemu vs $engine"
		cmp -s "$q.err.filtered" "$k.err.filtered" ||
			show_difference "$q.err.filtered" "$k.err.filtered" "stderr: qemu vs $engine"
	fi
}

progs=()
for p in "$PROG_DIR"/*; do
	[ -x "$p" ] && progs+=("$(basename "$p")")
done
if [ ${#progs[@]} -eq 0 ]; then
	tap_fail "no programs built in $PROG_DIR (make rv-guests)"
	tap_done
fi
if ! command -v qemu-riscv64 >/dev/null; then
	tap_fail "qemu-riscv64 (the reference) is not installed: apt-get install qemu-user"
	tap_done
fi

for prog in "${progs[@]}"; do
	run qemu "$prog"
	want=$(expected_status "$prog")
	got=$(cat "$LOG_DIR/$prog.qemu.rc")
	if [ "$got" = "$want" ]; then
		tap_ok "$prog (qemu-riscv64 reference): exit status $want as the C source says"
	else
		tap_fail "$prog (qemu-riscv64 reference): exit status $got, expected $want" "$LOG_DIR/$prog.qemu.err"
	fi
	for engine in jit interp; do
		if [ ! -x "$KARASU_RV" ]; then
			tap_fail "$prog ($engine): $KARASU_RV is not built"
			continue
		fi
		run "$engine" "$prog"
		compare "$prog" "$engine"
	done
done
tap_done
