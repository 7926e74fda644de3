#!/usr/bin/env bash
# karasu-rv system mode under gdb-multiarch: `karasu-rv -M virt -smp 2 -bios none -kernel gdbsys.elf
# -gdb tcp::PORT -S` (guest/rv/gdbsys/gdbsys.S: hart 1 counts forever; hart 0 waits for the debugger and
# for hart 1's count to reach 1000, calls compute(7), runs in S-mode with Sv39 from an alias of its code,
# and exits through the sifive test device: 0 when gdb changed a register and a word as session 1 does,
# else its result, 22).
#
#   1. -S: both harts wait at the reset vector; gdb sees two threads, releases hart 0 (memory write),
#      breaks at compute (nm's address), reads registers/memory/CSRs per thread, single-steps (the stub's
#      vCont;s and gdb's stepi) after setting a0, stops on a hardware breakpoint at a virtual address in
#      S-mode, reads and writes memory through that hart's page tables, continues to the end: exit
#      status 0 for gdb and karasu-rv. The same gdb commands run against qemu-system-riscv64 (the
#      reference stub): the values printed (pcs, registers, CSRs, memory) must be the same.
#   2. No -S: gdb attaches to a running machine (it stops), Ctrl-C stops it again after a continue, and
#      the program runs to its end with status 22.
#   3. -S, detach: the machine runs on without gdb, a second gdb attaches later, detaches again; status 22.
#   4. gdb's kill ends karasu-rv (status 0, as QEMU).
# Ports are picked free for each run; every program runs under a timeout. Environment: BUILD, KARASU_RV,
# GDB, NM, QEMU (defaults: build, $BUILD/rv/karasu-rv, gdb-multiarch, riscv64-linux-gnu-nm,
# qemu-system-riscv64).
set -u
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
	sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
fi
. "$(dirname "$0")/lib.sh"
KARASU_RV=${KARASU_RV:-$BUILD/rv/karasu-rv}
GUEST=$BUILD/guest/rv/gdbsys/gdbsys.elf
GDB=${GDB:-gdb-multiarch}
NM=${NM:-riscv64-linux-gnu-nm}
QEMU=${QEMU:-qemu-system-riscv64}
LOG_DIR=$BUILD/test-logs/rv-gdb-system
mkdir -p "$LOG_DIR"
SECS=60
ALIAS_OFFSET=$((0x40000000)) # gdbsys.S: S-mode sees RAM at its physical address minus this

missing=""
for need in "$KARASU_RV" "$GUEST"; do
	[ -e "$need" ] || missing="$missing $need"
done
for tool in "$GDB" "$NM" "$QEMU"; do
	command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	tap_fail "prerequisites missing:$missing (make BUILD=$BUILD $KARASU_RV; make -f guest/rv/gdbsys/gdbsys.mk BUILD=$BUILD)"
	tap_done
fi

sym() { # the address of a symbol of the guest, in decimal
	local hex
	hex=$("$NM" "$GUEST" | awk -v s="$1" '$3 == s { print $1 }')
	[ -n "$hex" ] && echo $((16#$hex))
}
COMPUTE=$(sym compute)
S_MAIN=$(sym s_main)
MAGIC=$(sym magic)
if [ -z "$COMPUTE" ] || [ -z "$S_MAIN" ] || [ -z "$MAGIC" ]; then
	tap_fail "symbols compute, s_main, magic not found in $GUEST by $NM"
	tap_done
fi
hex() { printf '0x%x' "$1"; }
S_MAIN_ALIAS=$(hex $((S_MAIN - ALIAS_OFFSET)))
MAGIC_ALIAS=$(hex $((MAGIC - ALIAS_OFFSET)))

# port_in_use PORT: some TCP socket (IPv4 or IPv6) has PORT as its local port (/proc/net/tcp*: the local
# address is field 2, ADDR:PORT in hex). listening PORT: a socket listens on it (state 0A).
port_in_use() {
	awk -v p="$(printf ':%04X' "$1")" 'substr($2, length($2) - 4) == p { found = 1 } END { exit !found }' \
		/proc/net/tcp /proc/net/tcp6 2>/dev/null
}
listening() {
	awk -v p="$(printf ':%04X' "$1")" 'substr($2, length($2) - 4) == p && $4 == "0A" { found = 1 }
		END { exit !found }' /proc/net/tcp /proc/net/tcp6 2>/dev/null
}
free_port() { # a port in 20000..59999 that no socket uses now
	local p
	for _ in $(seq 100); do
		p=$((20000 + RANDOM % 40000))
		port_in_use "$p" || break
	done
	echo "$p"
}

# start_server NAME CMD...: starts CMD in the background under a timeout (stdout/stderr to NAME.out/.err)
# and waits until something listens on $PORT. Sets SERVER_PID; fails if CMD ends or never listens.
start_server() {
	local name=$1
	shift
	timeout --kill-after=5 "$SECS" "$@" >"$LOG_DIR/$name.out" 2>"$LOG_DIR/$name.err" </dev/null &
	SERVER_PID=$!
	for _ in $(seq 200); do
		listening "$PORT" && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

wait_server() {
	wait "$SERVER_PID"
	SERVER_RC=$?
}

# run_gdb LOG GDB-COMMANDS...: one batch gdb session against the server on $PORT.
run_gdb() {
	local log=$1 args=()
	shift
	for c in "$@"; do
		args+=(-ex "$c")
	done
	run_timeout "$SECS" "$log" "$GDB" -batch -nx -ex 'set architecture riscv:rv64' \
		-ex "target remote 127.0.0.1:$PORT" "${args[@]}" "$GUEST"
}

value() { # value LOG KEY: what `printf "KEY=..."` printed last
	sed -n "s/^$2=//p" "$1" | tail -n 1
}

check_value() { # check_value WHAT LOG KEY EXPECTED
	local got
	got=$(value "$2" "$3")
	if [ "$got" = "$4" ]; then
		tap_ok "$1 ($3=$got)"
	else
		tap_fail "$1: $3='$got', expected '$4'" "$2"
	fi
}

# ---- session 1: -S, breakpoints, threads, registers, memory by virtual address, step, exit ----

MAIN_SESSION=(
	'info threads'
	'set var *(int *)&go = 1'
	'break *compute'
	'continue'
	'printf "bp_pc=0x%lx\n", $pc'
	'printf "a0=%ld\n", $a0'
	'printf "magic=0x%x\n", *(unsigned int *)&magic'
	'printf "hartid_t1=%ld\n", $mhartid'
	'printf "priv_m=%ld\n", $priv'
	'info threads'
	'thread 2'
	'printf "hartid_t2=%ld\n", $mhartid'
	'printf "counter_a=%ld\n", *(long *)&hart1_counter'
	'printf "counter_b=%ld\n", *(long *)&hart1_counter'
	'thread 1'
	'set $a0 = 20'
	'maint packet vCont;s:1'
	'maint flush register-cache'
	'printf "hwstep_pc=0x%lx\n", $pc'
	'printf "t0=%ld\n", $t0'
	'stepi'
	'printf "step_pc=0x%lx\n", $pc'
	'printf "a0_after=%ld\n", $a0'
	"hbreak *$S_MAIN_ALIAS"
	'continue'
	'printf "alias_pc=0x%lx\n", $pc'
	'printf "priv_s=%ld\n", $priv'
	'info registers priv'
	'printf "satp=0x%lx\n", $satp'
	"printf \"alias_magic=0x%x\\n\", *(unsigned int *)$MAGIC_ALIAS"
	'info threads'
	'thread 2'
	"printf \"t2_alias_magic=0x%x\\n\", *(unsigned int *)$MAGIC_ALIAS"
	"set var *(unsigned int *)$MAGIC_ALIAS = 1"
	'thread 1'
	"set var *(unsigned int *)$MAGIC_ALIAS = 0x600df00d"
	'printf "magic_after=0x%x\n", *(unsigned int *)&magic'
	'continue'
)

PORT=$(free_port)
if start_server main "$KARASU_RV" -M virt -smp 2 -bios none -kernel "$GUEST" -gdb "tcp::$PORT" -S; then
	tap_ok "karasu-rv -gdb tcp::$PORT -S listens"
	log=$LOG_DIR/main.gdb
	run_gdb "$log" "${MAIN_SESSION[@]}"
	gdb_rc=$?
	wait_server
	[ "$gdb_rc" -eq 0 ] && tap_ok "gdb session ran (exit 0)" || tap_fail "gdb session exit status $gdb_rc" "$log"
	# -S: nothing ran before gdb came; both harts wait at the boot ROM's reset vector
	check_log "-S: two threads, both harts stopped at the reset vector (0x1000), in M-mode" "$log" \
		'^  2    Thread 2 \(hart 1 \(M-mode\)\) 0x0000000000001000 in'
	check_log "the breakpoint at compute stops thread 1" "$log" 'Thread 1 hit Breakpoint 1, 0x[0-9a-f]+ in compute \(\)'
	check_value "pc at the breakpoint = nm's compute" "$log" bp_pc "$(hex "$COMPUTE")"
	check_value "a0 = compute's argument" "$log" a0 7
	check_value "memory read by symbol (M-mode: physical)" "$log" magic 0xbad0bad0
	check_value "CSR mhartid of thread 1" "$log" hartid_t1 0
	check_value "CSR mhartid of thread 2 (registers follow the selected thread)" "$log" hartid_t2 1
	check_value "priv register in M-mode" "$log" priv_m 3
	check_log "info threads: hart 1 was running its loop" "$log" \
		'^  2    Thread 2 \(hart 1 \(M-mode\)\) 0x[0-9a-f]+ in hart1_loop \(\)'
	a=$(value "$log" counter_a)
	b=$(value "$log" counter_b)
	if [ -n "$a" ] && [ "$a" -ge 1000 ] && [ "$a" = "$b" ]; then
		tap_ok "all-stop: hart 1 ran before the stop ($a iterations) and stays stopped with hart 0"
	else
		tap_fail "all-stop: hart 1's counter '$a' then '$b' (expected equal and >= 1000)" "$log"
	fi
	# gdb steps RISC-V with a temporary breakpoint at the next pc; the stub's own single step (vCont;s,
	# what other debuggers use) is asked for directly
	check_log "vCont;s:1 steps thread 1 by one instruction" "$log" \
		"^received: \"T05thread:1;20:$(printf '%016x' $((COMPUTE + 4)) | sed 's/\(..\)/\1 /g' | awk '{ for (i = NF; i > 0; i--) printf "%s", $i }');"
	check_value "pc after vCont;s" "$log" hwstep_pc "$(hex $((COMPUTE + 4)))"
	check_value "the step used the register gdb set (t0 = 2 * a0 = 2 * 20)" "$log" t0 40
	step_pc=$(value "$log" step_pc)
	step=$((${step_pc:-0} - COMPUTE - 4))
	if [ "$step" -eq 2 ] || [ "$step" -eq 4 ]; then
		tap_ok "gdb's stepi runs the next instruction (+$step to $step_pc)"
	else
		tap_fail "stepi: pc '$step_pc' after $(hex $((COMPUTE + 4)))" "$log"
	fi
	check_value "which added t0 to a0 (40 + 20)" "$log" a0_after 60
	check_log "hardware breakpoint at a virtual address (S-mode alias) hit" "$log" \
		"Thread 1 hit Breakpoint 2, 0x0*${S_MAIN_ALIAS#0x} in"
	check_value "pc there = s_main's alias" "$log" alias_pc "$S_MAIN_ALIAS"
	check_value "priv register in S-mode" "$log" priv_s 1
	check_log "info registers priv decodes it" "$log" '^priv +0x1[[:space:]]+prv:1 \[Supervisor\]'
	check_log "info threads: hart 0 in S-mode" "$log" "^\\* 1    Thread 1 \\(hart 0 \\(S-mode\\)\\) 0x0*${S_MAIN_ALIAS#0x} in"
	check_value "memory read through hart 0's page tables (the alias)" "$log" alias_magic 0xbad0bad0
	if [ "$(grep -c "Cannot access memory at address $MAGIC_ALIAS" "$log")" -eq 2 ]; then
		tap_ok "hart 1 (M-mode, no paging) can neither read nor write the alias address"
	else
		tap_fail "thread 2: reading and writing $MAGIC_ALIAS must both fail" "$log"
	fi
	check_value "a write through the alias changed the physical word" "$log" magic_after 0x600df00d
	check_log "gdb sees the machine exit normally" "$log" '\[Inferior 1 \(Remote target\) exited normally\]'
	if [ "$SERVER_RC" -eq 0 ] && grep -q 'told gdb the machine exited (status 0)' "$LOG_DIR/main.err"; then
		tap_ok "karasu-rv exits 0: the program passed thanks to the register and memory writes"
	else
		tap_fail "karasu-rv exit status $SERVER_RC, expected 0" "$LOG_DIR/main.err"
	fi

	# the reference: QEMU's stub, same commands, same values
	PORT=$(free_port)
	if start_server qemu "$QEMU" -M virt -smp 2 -bios none -kernel "$GUEST" -gdb "tcp:127.0.0.1:$PORT" -S \
		-nographic -monitor none -serial none; then
		qlog=$LOG_DIR/qemu.gdb
		run_gdb "$qlog" "${MAIN_SESSION[@]}"
		wait_server
		diffs=""
		for key in bp_pc a0 magic hartid_t1 hartid_t2 priv_m hwstep_pc t0 step_pc a0_after alias_pc priv_s satp \
			alias_magic magic_after; do
			ours=$(value "$log" "$key")
			theirs=$(value "$qlog" "$key")
			if [ -z "$theirs" ] || [ "$ours" != "$theirs" ]; then
				diffs="$diffs $key(karasu-rv '$ours', QEMU '$theirs')"
			fi
		done
		if [ -z "$diffs" ] && [ "$SERVER_RC" -eq 0 ]; then
			tap_ok "QEMU's stub shows the same 15 values and its run passes too"
		else
			tap_fail "differences from QEMU:$diffs (QEMU status $SERVER_RC)" "$qlog"
		fi
	else
		tap_fail "$QEMU did not start listening" "$LOG_DIR/qemu.err"
	fi
else
	tap_fail "karasu-rv did not start listening on $PORT" "$LOG_DIR/main.err"
fi

# ---- session 2: attach to a running machine, Ctrl-C, run to the end ----

PORT=$(free_port)
if start_server spin "$KARASU_RV" -M virt -smp 2 -bios none -kernel "$GUEST" -gdb "tcp:127.0.0.1:$PORT"; then
	log=$LOG_DIR/spin.gdb
	run_gdb "$log" 'info threads' 'printf "before=%ld\n", *(long *)&hart1_counter' \
		'python import threading; threading.Timer(1.0, lambda: gdb.post_event(lambda: gdb.execute("interrupt"))).start()' \
		'continue' 'printf "after=%ld\n", *(long *)&hart1_counter' 'set var *(int *)&go = 1' 'continue'
	wait_server
	check_log "attaching stops a running machine: hart 0 waits in _start" "$log" \
		'^\* 1    Thread 1 \(hart 0 \(M-mode\)\) 0x[0-9a-f]+ in _start \(\)'
	check_log "Ctrl-C (interrupt) stops it again with SIGINT" "$log" 'received signal SIGINT'
	before=$(value "$log" before)
	after=$(value "$log" after)
	if [ -n "$before" ] && [ -n "$after" ] && [ "$after" -gt "$before" ]; then
		tap_ok "between the stops the harts ran (hart 1's counter $before -> $after)"
	else
		tap_fail "hart 1's counter '$before' -> '$after'" "$log"
	fi
	# gdb prints exit codes in octal: 22 = 026
	check_log "gdb sees the exit status (22)" "$log" 'exited with code 026\]'
	[ "$SERVER_RC" -eq 22 ] && tap_ok "karasu-rv exits with the guest's status 22" ||
		tap_fail "karasu-rv exit status $SERVER_RC, expected 22" "$LOG_DIR/spin.err"
else
	tap_fail "karasu-rv did not start listening on $PORT (spin)" "$LOG_DIR/spin.err"
fi

# ---- session 3: detach, run on, a second debugger, detach again ----

PORT=$(free_port)
if start_server detach "$KARASU_RV" -M virt -smp 2 -bios none -kernel "$GUEST" -gdb "tcp::$PORT" -S; then
	run_gdb "$LOG_DIR/detach1.gdb" 'printf "held=%ld\n", *(long *)&hart1_counter' 'detach'
	sleep 0.5
	run_gdb "$LOG_DIR/detach2.gdb" 'printf "later=%ld\n", *(long *)&hart1_counter' 'set var *(int *)&go = 1' 'detach'
	wait_server
	held=$(value "$LOG_DIR/detach1.gdb" held)
	later=$(value "$LOG_DIR/detach2.gdb" later)
	check_value "-S held hart 1 before it ran" "$LOG_DIR/detach1.gdb" held 0
	if [ -n "$later" ] && [ "$later" -gt 0 ]; then
		tap_ok "after the detach the machine ran on, and a second gdb attached (counter $later)"
	else
		tap_fail "second attach: hart 1's counter '$later' (expected > 0)" "$LOG_DIR/detach2.gdb"
	fi
	if [ "$SERVER_RC" -eq 22 ] && [ "$(grep -c 'gdb detached; the machine runs on' "$LOG_DIR/detach.err")" -eq 2 ]; then
		tap_ok "released twice, the program ran to its end without gdb (status 22)"
	else
		tap_fail "detach: karasu-rv exit status $SERVER_RC (expected 22 after two detaches)" "$LOG_DIR/detach.err"
	fi
else
	tap_fail "karasu-rv did not start listening on $PORT (detach)" "$LOG_DIR/detach.err"
fi

# ---- session 4: kill ----

PORT=$(free_port)
if start_server kill "$KARASU_RV" -M virt -smp 2 -bios none -kernel "$GUEST" -gdb "tcp::$PORT" -S; then
	run_gdb "$LOG_DIR/kill.gdb" 'kill'
	wait_server
	if [ "$SERVER_RC" -eq 0 ] && grep -q 'killed by gdb' "$LOG_DIR/kill.err"; then
		tap_ok "gdb's kill ends karasu-rv (status 0, as QEMU)"
	else
		tap_fail "kill: karasu-rv exit status $SERVER_RC" "$LOG_DIR/kill.err"
	fi
else
	tap_fail "karasu-rv did not start listening on $PORT (kill)" "$LOG_DIR/kill.err"
fi

tap_done
