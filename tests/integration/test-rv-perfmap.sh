#!/usr/bin/env bash
# karasu-rv --perf-map: the map Linux perf reads for JIT code (/tmp/perf-PID.map, `START SIZE NAME`, hex).
# A guest built here (static, with a symbol table) runs a hot function, forks a child that runs it too,
# then waits on stdin; while it waits, the host's /proc/PID/maps shows the code cache. Checked:
#  - the map exists, every line parses, and every block lies inside an anonymous executable mapping of
#    the process (the code cache; perf resolves only those through the map);
#  - the hot function is named, and PC - OFFSET of its lines (rv:NAME+0xOFF@0xPC) is its address as
#    riscv64 nm reports it, for every named line of the map (an independent reading of the symbols);
#  - the fork child wrote its own /tmp/perf-CHILDPID.map (its code cache is not the parent's);
#  - the program's output is the same as without --perf-map;
#  - a stripped program still gets a map, of addresses only (rv:0xPC), and a note on stderr;
#  - system mode is not covered here.
set -u
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
	sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
fi
. "$(dirname "$0")/lib.sh"
KARASU_RV=${KARASU_RV:-$BUILD/rv/karasu-rv}
LOG_DIR=$BUILD/test-logs/rv-perfmap
CC=riscv64-linux-gnu-gcc
NM=riscv64-linux-gnu-nm
STRIP=riscv64-linux-gnu-strip
mkdir -p "$LOG_DIR"
exec 9>"$LOG_DIR/.lock"
flock 9

need_fail=0
[ -x "$KARASU_RV" ] || { tap_fail "$KARASU_RV is not built"; need_fail=1; }
for tool in $CC $NM $STRIP; do
	command -v $tool >/dev/null || { tap_fail "$tool is missing: apt-get install gcc-riscv64-linux-gnu"; need_fail=1; }
done
[ $need_fail = 0 ] || tap_done

guest=$LOG_DIR/perfmap-guest
cat >"$guest.c" <<'EOF'
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

__attribute__((noinline)) unsigned long perfmap_hot_loop(unsigned long n)
{
	unsigned long x = 1;
	for (unsigned long i = 0; i < n; i++)
		x = x * 6364136223846793005ul + (i ^ (x >> 29));
	return x;
}

int main(void)
{
	unsigned long r = perfmap_hot_loop(3000000);
	fflush(stdout);
	pid_t child = fork();
	if (child == 0)
		_exit((int)(perfmap_hot_loop(100000) & 1));
	int status;
	waitpid(child, &status, 0);
	printf("result %lx child %d exited %d\n", r, (int)child, WIFEXITED(status));
	printf("ready\n");
	fflush(stdout);
	char c;
	(void)!read(0, &c, 1); /* the test reads /proc/PID/maps meanwhile */
	return 0;
}
EOF
if ! $CC -O2 -static -o "$guest" "$guest.c" >"$LOG_DIR/cc.log" 2>&1; then
	tap_fail "build the guest" "$LOG_DIR/cc.log"
	tap_done
fi

# run_waiting PROG OUT: runs karasu-rv --perf-map PROG with a fifo as stdin until it prints "ready",
# copies the host's view of its mappings to OUT.maps, lets it finish. Sets $pid; returns its status.
run_waiting() {
	local prog=$1 out=$2 fifo=$LOG_DIR/stdin.fifo
	rm -f "$fifo" "$out" "$out.maps"
	mkfifo "$fifo"
	timeout --kill-after=5 60 "$KARASU_RV" --perf-map "$prog" <"$fifo" >"$out" 2>"$out.err" &
	pid=$!
	exec 8>"$fifo" # opened for writing after the reader: the guest blocks in read
	for _ in $(seq 600); do
		grep -q '^ready$' "$out" 2>/dev/null && break
		sleep 0.1
	done
	# timeout forks the real process: the child of $pid
	local kpid
	kpid=$(pgrep -P "$pid" | head -n 1)
	[ -n "$kpid" ] && cat "/proc/$kpid/maps" >"$out.maps" 2>/dev/null
	echo x >&8
	exec 8>&-
	wait "$pid"
	local rc=$?
	pid=$kpid
	rm -f "$fifo"
	return $rc
}

"$KARASU_RV" "$guest" </dev/null >"$LOG_DIR/plain.out" 2>&1
run_waiting "$guest" "$LOG_DIR/run.out"
rc=$?
map=/tmp/perf-$pid.map
same_output() { cmp -s <(sed 's/ child [0-9]* / child N /' "$1") <(sed 's/ child [0-9]* / child N /' "$2"); }
if [ $rc -eq 0 ] && same_output "$LOG_DIR/run.out" "$LOG_DIR/plain.out"; then
	tap_ok "the program runs as without --perf-map (status 0, same output but for the child's pid)"
else
	tap_fail "the program runs as without --perf-map (status $rc)" "$LOG_DIR/run.out"
fi
if [ -s "$map" ]; then
	cp "$map" "$LOG_DIR/run.map"
	tap_ok "$map written ($(wc -l <"$map") lines)"
else
	tap_fail "$map written" "$LOG_DIR/run.out.err"
	tap_done
fi
bad=$(grep -cvE '^[0-9a-f]+ [0-9a-f]+ rv:[^ ]+$' "$map")
[ "$bad" -eq 0 ] && tap_ok "every line is START SIZE NAME in hex" ||
	tap_fail "every line is START SIZE NAME in hex ($bad are not)" "$map"

# the anonymous executable mappings of the process (no file name): where the code cache is
declare -a lo=() hi=()
while read -r range perms _ _ _ name; do
	[[ "$perms" == *x* && -z "$name" ]] || continue
	lo+=($((16#${range%-*}))) hi+=($((16#${range#*-})))
done <"$LOG_DIR/run.out.maps"
outside=0
while read -r start size _; do
	s=$((16#$start)) e=$((16#$start + 16#$size)) ok=0
	for i in "${!lo[@]}"; do
		[ $s -ge ${lo[$i]} ] && [ $e -le ${hi[$i]} ] && ok=1 && break
	done
	[ $ok = 1 ] || outside=$((outside + 1))
done <"$map"
if [ ${#lo[@]} -gt 0 ] && [ "$outside" -eq 0 ]; then
	tap_ok "every block lies in an anonymous executable mapping (the code cache)"
else
	tap_fail "every block lies in an anonymous executable mapping ($outside do not)" "$LOG_DIR/run.out.maps"
fi

if grep -qE ' rv:perfmap_hot_loop(\+0x[0-9a-f]+)?@0x[0-9a-f]+$' "$map" && grep -qE ' rv:main(\+0x[0-9a-f]+)?@' "$map"; then
	tap_ok "the hot function and main are named"
else
	tap_fail "the hot function and main are named" "$map"
fi
# every named line against nm: PC - OFFSET = the symbol's address
declare -A addr=()
while read -r value type name; do
	[[ "$type" =~ ^[TtWwi]$ ]] && addr[$name]="${addr[$name]:-} $((16#$value)) "
done < <($NM "$guest")
n_wrong=0 n_checked=0
: >"$LOG_DIR/nm-mismatch"
while read -r _ _ label; do
	[[ "$label" =~ ^rv:([^@+]+)(\+0x([0-9a-f]+))?@0x([0-9a-f]+)$ ]] || continue
	name=${BASH_REMATCH[1]} off=${BASH_REMATCH[3]:-0} pc=${BASH_REMATCH[4]}
	n_checked=$((n_checked + 1))
	if [[ "${addr[$name]:-}" != *" $((16#$pc - 16#$off)) "* ]]; then
		n_wrong=$((n_wrong + 1))
		echo "$label: nm says ${name}=${addr[$name]:-(none)}" >>"$LOG_DIR/nm-mismatch"
	fi
done <"$map"
if [ "$n_checked" -gt 0 ] && [ "$n_wrong" -eq 0 ]; then
	tap_ok "PC - OFFSET of all $n_checked named lines is the symbol's address (riscv64 nm)"
else
	tap_fail "PC - OFFSET of named lines is the symbol's address ($n_wrong of $n_checked differ)" "$LOG_DIR/nm-mismatch"
fi

child=$(sed -n 's/^result [0-9a-f]* child \([0-9]*\) exited 1$/\1/p' "$LOG_DIR/run.out")
if [ -n "$child" ] && grep -q ' rv:perfmap_hot_loop' "/tmp/perf-$child.map" 2>/dev/null; then
	tap_ok "the fork child wrote its own /tmp/perf-$child.map"
else
	tap_fail "the fork child wrote its own map (child ${child:-?})" "$LOG_DIR/run.out"
fi
rm -f "$map" ${child:+"/tmp/perf-$child.map"}

cp "$guest" "$guest.stripped"
$STRIP "$guest.stripped"
run_waiting "$guest.stripped" "$LOG_DIR/stripped.out"
rc=$?
map=/tmp/perf-$pid.map
if [ $rc -eq 0 ] && [ -s "$map" ] && ! grep -vqE '^[0-9a-f]+ [0-9a-f]+ rv:0x[0-9a-f]+$' "$map" &&
	grep -q 'blocks are named by address only' "$LOG_DIR/stripped.out.err"; then
	tap_ok "a stripped program: a map of addresses only, and a note"
else
	tap_fail "a stripped program: a map of addresses only, and a note (status $rc)" "$LOG_DIR/stripped.out.err"
fi
child=$(sed -n 's/^result [0-9a-f]* child \([0-9]*\) exited 1$/\1/p' "$LOG_DIR/stripped.out")
rm -f "$map" ${child:+"/tmp/perf-$child.map"}
tap_done
