#!/usr/bin/env bash
# karasu-rv's sockets, event loops and mremap (guest/rv/net): TCP and UDP over 127.0.0.1 and ::1
# between forked processes, UNIX sockets with SCM_RIGHTS and SCM_CREDENTIALS, sendmmsg/recvmmsg, epoll
# over a timerfd, an eventfd and a signalfd (signals from raise, kill and another process), select/poll
# with signal masks and thread wake-ups, sigtimedwait/sigsuspend/sigqueue, mremap sequences that move and
# grow mappings, the file and memory calls added with them (memfd, splice, preadv2, xattrs, inotify...),
# and bad pointers (EFAULT) and lengths everywhere. Each program prints one line per check.
#
# Every program runs natively (the same C source built for the host: a real Linux kernel's answers,
# the reference), under qemu-riscv64, under karasu-rv (translator) and karasu-rv --interp. Checks:
#   - natively, every check of the program passes (its expectations are Linux's);
#   - karasu-rv (each engine): exit 0, stdout identical to the native run, no karasu-rv message on
#     stderr (no unsupported syscall, no internal error);
#   - karasu-rv and qemu-riscv64 print the same, except for the checks listed below where qemu-riscv64
#     7.2 itself differs from Linux (there karasu-rv must print what Linux does, see above).
# net_wild (every new system call with wild pointers and lengths: the process must survive) is compared
# with the native run only: qemu-riscv64 7.2 itself aborts on it (an assertion in cpu_exec after a bind
# with a wild address). The programs talk only to the loopback interface and end by themselves (alarm
# inside, a 60 s limit outside).
#
# Environment: BUILD (default build), KARASU_RV (default $BUILD/rv/karasu-rv).
set -u
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
	sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
fi
. "$(dirname "$0")/lib.sh"
KARASU_RV=${KARASU_RV:-$BUILD/rv/karasu-rv}
PROG_DIR=$BUILD/guest/rv/net
LOG_DIR=$BUILD/test-logs/rv-net
mkdir -p "$LOG_DIR"
exec 9>"$LOG_DIR/.lock"
flock 9

PROGRAMS="net_tcp net_unix net_epoll net_select sig_wait mremap_seq fs_calls net_wild"

# Whether qemu-riscv64 runs the program as a second reference (see above).
qemu_compared() { [ "$1" != net_wild ]; }

# Checks where qemu-riscv64 7.2 is not Linux (program, then the check's text after "ok: "/"FAIL: ").
known_qemu_deviations() {
	case "$1" in
	net_unix)
		# qemu passes a larger control buffer to the host and copies back what fits, without MSG_CTRUNC
		echo "received into room for one: one descriptor, MSG_CTRUNC"
		;;
	net_epoll)
		echo "epoll_pwait2 with a 30 ms timespec and nothing ready: 0" # ENOSYS in qemu 7.2
		echo "signalfd with a mask size 4: EINVAL"                     # qemu does not check the size
		;;
	fs_calls)
		echo "fchmodat2 sets mode 0600" # ENOSYS in qemu 7.2
		echo "mlock2, munlock"          # mlock2: ENOSYS in qemu 7.2
		echo "mlock2 with an unknown flag: EINVAL"
		;;
	esac
}

missing=0
for p in $PROGRAMS; do [ -x "$PROG_DIR/$p" ] && [ -x "$PROG_DIR/$p.native" ] || missing=1; done
if [ "$missing" = 1 ]; then
	timeout 600 make --no-print-directory -f guest/rv/net/net.mk BUILD="$BUILD" >"$LOG_DIR/build.log" 2>&1
fi
for p in $PROGRAMS; do
	for f in "$PROG_DIR/$p" "$PROG_DIR/$p.native"; do
		if [ ! -x "$f" ]; then
			tap_fail "test program $f is not built (make -f guest/rv/net/net.mk)" "$LOG_DIR/build.log"
			tap_done
		fi
	done
done
if [ ! -x "$KARASU_RV" ]; then
	tap_fail "$KARASU_RV is not built"
	tap_done
fi
if ! command -v qemu-riscv64 >/dev/null; then
	tap_fail "qemu-riscv64 (a reference) is not installed: apt-get install qemu-user"
	tap_done
fi
# a private copy: others may relink build/rv/karasu-rv while this runs
cp "$KARASU_RV" "$LOG_DIR/karasu-rv"
KARASU_RV=$LOG_DIR/karasu-rv

# run ENGINE PROG: $LOG_DIR/PROG.ENGINE.{out,err,rc}
run() {
	local engine=$1 prog=$2 base=$LOG_DIR/$2.$1 tmp
	local -a cmd
	case "$engine" in
	native) cmd=("$PROG_DIR/$prog.native") ;;
	qemu) cmd=(qemu-riscv64 "$PROG_DIR/$prog") ;;
	jit) cmd=("$KARASU_RV" "$PROG_DIR/$prog") ;;
	interp) cmd=("$KARASU_RV" --interp "$PROG_DIR/$prog") ;;
	esac
	tmp=$LOG_DIR/tmp.$prog.$engine
	rm -rf "$tmp"
	mkdir -p "$tmp"
	{
		TMPDIR="$tmp" timeout --kill-after=5 60 "${cmd[@]}" >"$base.out" 2>"$base.err" </dev/null
		echo $? >"$base.rc"
	} 2>/dev/null
	rm -rf "$tmp"
}

# Output without the known qemu deviations and the final count (which they change).
without_known() { # prog file
	local known
	known=$(known_qemu_deviations "$1")
	if [ -z "$known" ]; then
		grep -v '^done: ' "$2" || true
	else
		grep -v '^done: ' "$2" | grep -vxF -f <(printf '%s\n' "$known" | sed -e 's/^/ok: /' -e 'p' -e 's/^ok: /FAIL: /') || true
	fi
}

show_difference() { # a b label
	echo "    --- $3 ---"
	diff "$1" "$2" | head -n 20 | sed 's/^/    | /'
}

for prog in $PROGRAMS; do
	for engine in native qemu jit interp; do
		[ "$engine" = qemu ] && ! qemu_compared "$prog" && continue
		run "$engine" "$prog"
	done
	n=$LOG_DIR/$prog.native
	if [ "$(cat "$n.rc")" = 0 ] && grep -qx 'done: 0 failures' "$n.out"; then
		tap_ok "$prog (native x86-64 reference): all $(grep -c '^ok: ' "$n.out") checks pass"
	else
		tap_fail "$prog (native x86-64 reference): exit $(cat "$n.rc"), checks failed: the expectations are wrong" "$n.out"
	fi
	for engine in jit interp; do
		k=$LOG_DIR/$prog.$engine
		bad=""
		[ "$(cat "$k.rc")" = 0 ] || bad="$bad exit status $(cat "$k.rc");"
		cmp -s "$n.out" "$k.out" || bad="$bad stdout differs from the native run;"
		grep -q 'karasu-rv' "$k.err" && bad="$bad karasu-rv messages on stderr;"
		if [ -z "$bad" ]; then
			tap_ok "$prog (karasu-rv $engine): exit 0, output identical to the native run"
		else
			tap_fail "$prog (karasu-rv $engine):$bad"
			cmp -s "$n.out" "$k.out" || show_difference "$n.out" "$k.out" "native vs karasu-rv $engine"
			head -n 10 "$k.err" | sed 's/^/    stderr| /'
		fi
		qemu_compared "$prog" || continue
		q=$LOG_DIR/$prog.qemu
		without_known "$prog" "$q.out" >"$q.out.cmp"
		without_known "$prog" "$k.out" >"$k.out.cmp"
		if cmp -s "$q.out.cmp" "$k.out.cmp" && [ -s "$k.out.cmp" ]; then
			deviations=$( (diff "$n.out" "$q.out" || true) | grep -c '^> FAIL: ' || true)
			tap_ok "$prog (karasu-rv $engine): output identical to qemu-riscv64's (apart from $deviations known qemu deviations)"
		else
			tap_fail "$prog (karasu-rv $engine): output differs from qemu-riscv64's"
			show_difference "$q.out.cmp" "$k.out.cmp" "qemu-riscv64 vs karasu-rv $engine"
		fi
	done
done
tap_done
