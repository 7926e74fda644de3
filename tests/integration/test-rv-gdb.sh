#!/usr/bin/env bash
# karasu-rv's GDB stub (rv/debug) against the real gdb-multiarch. `karasu-rv --gdb 127.0.0.1:0` loads a
# -O0 -g static riscv64 program and serves gdb on a loopback port it picks itself (port 0: no guessing, no
# clash with parallel runs) and logs. gdb attaches with `target remote`, stops at main (checked against the address `nm`
# gives), steps an instruction, reads the stack and unmapped memory, stops in a function and changes a
# variable, and runs the program to its exit; a second run dies of SIGSEGV under gdb; a third detaches and
# the program runs on without the debugger; a fourth spins until gdb interrupts it (Ctrl-C). The exit
# status must reach both gdb and karasu-rv.
set -u
. "$(dirname "$0")/lib.sh"
KARASU_RV=${KARASU_RV:-$BUILD/rv/karasu-rv}
SERVER=("$KARASU_RV" --gdb 127.0.0.1:0)
GUEST=$BUILD/tests/gdb_guest
GDB=${GDB:-gdb-multiarch}
NM=${NM:-riscv64-linux-gnu-nm}
LOG_DIR=$BUILD/test-logs/rv-gdb
mkdir -p "$LOG_DIR"
SECS=60

missing=""
for need in "$KARASU_RV" "$GUEST"; do
	[ -x "$need" ] || missing="$missing $need"
done
for tool in "$GDB" "$NM"; do
	command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	tap_fail "prerequisites missing:$missing (make $KARASU_RV $BUILD/tests/gdb_guest)"
	tap_done
fi

# start_server NAME CMD...: starts CMD (karasu-rv --gdb) in the background, time-limited,
# and waits until the stub logs its port. Sets SERVER_PID and PORT; fails if CMD ends or stays silent.
start_server() {
	local name=$1
	shift
	rm -f "$LOG_DIR/$name.out" "$LOG_DIR/$name.err" # a previous run's port must not be read
	timeout --kill-after=5 "$SECS" "$@" >"$LOG_DIR/$name.out" 2>"$LOG_DIR/$name.err" </dev/null &
	SERVER_PID=$!
	PORT=""
	for _ in $(seq 200); do
		PORT=$(sed -n 's/^karasu-rv: gdb stub listening on 127\.0\.0\.1:\([0-9][0-9]*\) .*/\1/p' "$LOG_DIR/$name.err" 2>/dev/null)
		[ -n "$PORT" ] && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

# run_gdb NAME GDB-COMMANDS...: one batch gdb session against karasu-rv on $PORT.
run_gdb() {
	local name=$1 args=()
	shift
	for c in "$@"; do
		args+=(-ex "$c")
	done
	run_timeout "$SECS" "$LOG_DIR/$name.gdb" "$GDB" -batch -nx -ex 'set architecture riscv:rv64' \
		-ex "target remote 127.0.0.1:$PORT" "${args[@]}" "$GUEST"
}

# Waits for karasu-rv; sets SERVER_RC.
wait_server() {
	wait "$SERVER_PID"
	SERVER_RC=$?
}

# ---- session 1: breakpoint at main, stepi, memory, a variable changed, exit status ----

main_hex=$("$NM" "$GUEST" | awk '$3 == "main" { print $1 }')
if [ -z "$main_hex" ]; then
	tap_fail "main not found in $GUEST by $NM"
	tap_done
fi
main_addr=$((16#$main_hex))
main_pc=$(printf '0x%x' "$main_addr")

# session_main NAME CMD...: the whole session against the stub that CMD starts.
session_main() {
	local name=$1 what
	what=$(basename "$2")
	shift
	if ! start_server "$name" "$@"; then
		tap_fail "$what did not start listening" "$LOG_DIR/$name.err"
		return
	fi
	tap_ok "$what listens on a loopback port ($PORT)"
	run_gdb "$name" "break *$main_pc" 'continue' 'info registers pc' 'stepi' 'info registers pc' \
		'x/4xw $sp' 'x/2xw 0' 'info registers fcsr' 'break add' 'continue' 'print a' 'set var a = 10' \
		'print a' 'continue'
	gdb_rc=$?
	wait_server
	log=$LOG_DIR/$name.gdb
	[ "$gdb_rc" -eq 0 ] && tap_ok "gdb session ran (exit 0)" || tap_fail "gdb session exit status $gdb_rc" "$log"
	mapfile -t pcs < <(awk '$1 == "pc" { print $2 }' "$log")
	if [ "${#pcs[@]}" -ge 1 ] && [ $((pcs[0])) -eq "$main_addr" ]; then
		tap_ok "breakpoint at main hit: pc ${pcs[0]} = nm's main $main_pc"
	else
		tap_fail "breakpoint at main: pc '${pcs[0]:-none}', nm says $main_pc" "$log"
	fi
	step=$((${pcs[1]:-0} - main_addr))
	if [ "${#pcs[@]}" -ge 2 ] && { [ "$step" -eq 2 ] || [ "$step" -eq 4 ]; }; then
		tap_ok "stepi advances pc by one instruction (+$step to ${pcs[1]})"
	else
		tap_fail "stepi: pc '${pcs[1]:-none}' after main $main_pc" "$log"
	fi
	check_log "x/4xw \$sp reads 4 words of the stack" "$log" \
		'^0x[0-9a-f]+:[[:space:]]+0x[0-9a-f]{8}[[:space:]]+0x[0-9a-f]{8}[[:space:]]+0x[0-9a-f]{8}[[:space:]]+0x[0-9a-f]{8}$'
	check_log "reading unmapped memory is an error for gdb, not a crash" "$log" \
		'Cannot access memory at address 0x0'
	check_log "FP CSRs from target.xml (info registers fcsr)" "$log" '^fcsr[[:space:]]+0x0'
	check_log "breakpoint in add() by symbol, arguments from registers/stack" "$log" \
		'^Breakpoint 2, add \(a=3, b=3\)'
	check_log "print a variable" "$log" '^\$1 = 3$'
	check_log "set a variable (memory write), read it back" "$log" '^\$2 = 10$'
	# gdb prints exit codes in octal: 14 = 016
	check_log "gdb sees the program exit with its status (14)" "$log" \
		'\[Inferior 1 \(Remote target\) exited with code 016\]'
	if [ "$SERVER_RC" -eq 14 ]; then
		tap_ok "$what exits with the guest's status 14 (add: the changed a=10 + 3 + 1)"
	else
		tap_fail "$what exit status $SERVER_RC, expected 14" "$LOG_DIR/$name.err"
	fi
	check_log "guest output went to stdout" "$LOG_DIR/$name.out" '^gdb guest: counter 14$'
}

session_main karasu-rv "${SERVER[@]}" "$GUEST"

# ---- session 2: a fault stops in gdb, continuing delivers it ----

if start_server segv "${SERVER[@]}" "$GUEST" segv; then
	run_gdb segv 'continue' 'info registers pc' 'continue'
	wait_server
	log=$LOG_DIR/segv.gdb
	check_log "SIGSEGV stops the program in gdb" "$log" 'Program received signal SIGSEGV'
	check_log "continuing delivers it: gdb sees the program killed" "$log" \
		'Program terminated with signal SIGSEGV'
	if [ "$SERVER_RC" -eq 139 ] && grep -q '^Segmentation fault$' "$LOG_DIR/segv.err"; then
		tap_ok "karasu-rv dies like the guest would: status 139, \"Segmentation fault\""
	else
		tap_fail "segv: karasu-rv exit status $SERVER_RC, expected 139 and the message" "$LOG_DIR/segv.err"
	fi
else
	tap_fail "karasu-rv did not start listening (segv)" "$LOG_DIR/segv.err"
fi

# ---- session 3: detach, the program runs on without the debugger ----

if start_server detach "${SERVER[@]}" "$GUEST"; then
	run_gdb detach 'break add' 'continue' 'detach'
	wait_server
	log=$LOG_DIR/detach.gdb
	check_log "stopped in add() before the detach" "$log" '^Breakpoint 1, add \(a=3, b=3\)'
	check_log "gdb detached" "$log" 'Detaching from program|\[Inferior 1 \(Remote target\) detached\]'
	if [ "$SERVER_RC" -eq 7 ] && grep -q '^gdb guest: counter 7$' "$LOG_DIR/detach.out"; then
		tap_ok "after the detach the program runs to its end (status 7, its output)"
	else
		tap_fail "detach: karasu-rv exit status $SERVER_RC, expected 7 and the output" "$LOG_DIR/detach.err"
	fi
else
	tap_fail "karasu-rv did not start listening (detach)" "$LOG_DIR/detach.err"
fi

# ---- session 4: Ctrl-C stops a running program (gdb's Python posts `interrupt` during a continue) ----

if start_server spin "${SERVER[@]}" "$GUEST" spin; then
	run_gdb spin \
		'python import threading; threading.Timer(1.0, lambda: gdb.post_event(lambda: gdb.execute("interrupt"))).start()' \
		'continue' 'print gdb_guest_counter > 0' 'set var gdb_guest_spin = 0' 'continue'
	wait_server
	log=$LOG_DIR/spin.gdb
	check_log "interrupt (Ctrl-C) stops the spinning program with SIGINT" "$log" \
		'Program received signal SIGINT'
	check_log "it was running: its counter moved" "$log" '^\$1 = 1$'
	if [ "$SERVER_RC" -eq 7 ] && grep -q 'exited with code 07' "$log"; then
		tap_ok "released by the debugger, it runs to its end (status 7)"
	else
		tap_fail "spin: exit status $SERVER_RC, expected 7 (and gdb seeing it)" "$log"
	fi
else
	tap_fail "karasu-rv did not start listening (spin)" "$LOG_DIR/spin.err"
fi

tap_done
