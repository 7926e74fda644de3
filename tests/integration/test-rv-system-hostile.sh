#!/usr/bin/env bash
# karasu-rv system mode against hostile bare-metal guests (guest/rv/hostile-sys/, built into
# $BUILD/guest/rv/hostile-sys/ by hostile-sys.mk). Each guest checks what the RISC-V specifications say
# it must see and reports PASS/FAIL through the SiFive test device (exit status 0 / the failing case);
# where QEMU behaves the same, the same guest also runs on qemu-system-riscv64 -M virt as the cross-check
# of the expected values written in it (a QEMU line may say that checks were skipped where QEMU differs,
# see the guests' sources; on karasu-rv nothing may be skipped).
#
#   access_fault    loads, stores, AMOs, FP accesses, fetches, a compressed load and an instruction
#                   crossing the end of RAM, all on unmapped addresses: access faults with the right
#                   cause/tval/epc, precise; M-mode (-bios none) and S-mode (built-in SBI, OpenSBI)
#   illegal         illegal instructions in M-mode: cause 2, mepc, mtval = the bits; 100000 in a loop
#   no_handler      a trap with mtvec = 0 (M) or stvec = 0 (S, built-in SBI): karasu-rv must end it by
#                   itself with exit status 125 and a message (QEMU spins there forever: not run there)
#   spin            every hart loops with interrupts off: Ctrl-] x on stdin ends karasu-rv with exit 0
#                   within 3 s; SIGTERM (timeout(1)) ends it by the signal, and the process is gone
#   smc_smp         4 harts each rewrite the code of the page they run from and call it, 100000 times,
#                   with and without FENCE.I: every sum exact
#   uart_flood      100000 lines as fast as the UART takes them, stdout a pipe read slowly (first
#                   nothing for 2 s, then 4 KiB every 2 ms): exit 0, every line there, in order
#   virtio_dma      a bare-metal virtio-mmio driver: good requests, then requests pointing past RAM, a
#                   looping chain, a bad next index, an available index run ahead, a descriptor table
#                   past RAM: DEVICE_NEEDS_RESET each time, a working device after a reset; DMA over code
#                   already run; afterwards the disk image holds exactly the guest's one write
# The translator and the interpreter (--interp) run every guest.
#
# Environment: BUILD (default build), KARASU_RV (default $BUILD/rv/karasu-rv).
set -u
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
	awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
	exit 0
fi
. "$(dirname "$0")/lib.sh"
KARASU_RV=${KARASU_RV:-$BUILD/rv/karasu-rv}
HSYS=$BUILD/guest/rv/hostile-sys
QEMU=qemu-system-riscv64
OPENSBI=$BUILD/guest-rv/fw_dynamic.bin # trixie's OpenSBI (scripts/fetch-guest-rv)
LOGDIR=$BUILD/test-logs/rv-system-hostile
TIMEOUT=60
mkdir -p "$LOGDIR"
exec 9>"$LOGDIR/.lock"
flock 9

GUESTS="access_fault access_fault_smode illegal no_handler no_handler_smode spin smc_smp smc_smp_nofence uart_flood virtio_dma"
for g in $GUESTS; do
	[ -e "$HSYS/$g.elf" ] || { tap_fail "$HSYS/$g.elf is not built (make BUILD=$BUILD rv-hostile-sys)"; tap_done; }
done
[ -x "$KARASU_RV" ] || { tap_fail "$KARASU_RV is not built"; tap_done; }
HAVE_QEMU=1
command -v "$QEMU" >/dev/null || HAVE_QEMU=0

# a signal ended karasu-rv itself, or a sanitizer/libc reported a crash
crashed() { # LOG STATUS
	[ "$2" -gt 128 ] || grep -Eaq 'AddressSanitizer|runtime error:|Segmentation fault|core dumped|Assertion .* failed' "$1"
}

# run_guest NAME RUNNER LABEL ARGS...: runs $HSYS/NAME.elf; RUNNER = jit, interp or qemu (machine
# options in ARGS); one TAP line: exit 0 with `PASS NAME` on the console (and no skipped check unless on
# QEMU).
run_guest() {
	local name=$1 runner=$2 label=$3 log rc pass
	shift 3
	log=$LOGDIR/$name.$runner${label:+.$label}.log
	case $runner in
	qemu) run_timeout $TIMEOUT "$log" "$QEMU" -M virt -nographic "$@" -kernel "$HSYS/$name.elf" ;;
	jit) run_timeout $TIMEOUT "$log" "$KARASU_RV" -M virt "$@" -kernel "$HSYS/$name.elf" ;;
	interp) run_timeout $TIMEOUT "$log" "$KARASU_RV" -M virt --interp "$@" -kernel "$HSYS/$name.elf" ;;
	esac
	rc=$?
	pass=$(tr -d '\r' <"$log" | grep -aE "^PASS $name( |$)" | tail -n 1)
	local what="$name ($runner${label:+, $label})"
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		tap_fail "$what: no end within ${TIMEOUT}s" "$log"
	elif [ "$runner" != qemu ] && crashed "$log" $rc; then
		tap_fail "$what: karasu-rv crashed (exit status $rc)" "$log"
	elif [ $rc -ne 0 ] || [ -z "$pass" ]; then
		tap_fail "$what: exit status $rc (the guest's failing case), no PASS line" "$log"
	elif [ "$runner" != qemu ] && [[ "$pass" == *skipped* ]]; then
		tap_fail "$what: checks were skipped: the guest took karasu-rv for QEMU" "$log"
	else
		tap_ok "$what: all checks pass${pass#PASS $name}"
	fi
}

qemu_missing() { tap_fail "$1 (qemu): $QEMU is not installed (qemu-system-misc): no cross-check"; }

# ---- access faults ----
for e in jit interp; do run_guest access_fault $e "" -bios none -m 128M; done
[ $HAVE_QEMU = 1 ] && run_guest access_fault qemu "" -bios none -m 128M || qemu_missing access_fault
for e in jit interp; do run_guest access_fault_smode $e "built-in SBI" -m 128M; done
if [ -f "$OPENSBI" ]; then
	run_guest access_fault_smode jit "OpenSBI" -m 128M -bios "$OPENSBI"
else
	tap_fail "access_fault_smode (OpenSBI): $OPENSBI is missing (package opensbi)"
fi
[ $HAVE_QEMU = 1 ] && run_guest access_fault_smode qemu "QEMU's OpenSBI" -m 128M || qemu_missing access_fault_smode

# ---- illegal instructions ----
for e in jit interp; do run_guest illegal $e "" -bios none; done
[ $HAVE_QEMU = 1 ] && run_guest illegal qemu "" -bios none || qemu_missing illegal

# ---- a trap with no handler ----
for name in no_handler no_handler_smode; do
	for e in jit interp; do
		log=$LOGDIR/$name.$e.log
		opt=()
		[ $e = interp ] && opt=(--interp)
		[ $name = no_handler ] && opt+=(-bios none)
		run_timeout 20 "$log" "$KARASU_RV" -M virt "${opt[@]}" -kernel "$HSYS/$name.elf"
		rc=$?
		what="$name ($e): trap vector 0, nothing there"
		if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
			tap_fail "$what: karasu-rv hung (killed after 20 s)" "$log"
		elif crashed "$log" $rc; then
			tap_fail "$what: karasu-rv crashed (exit status $rc)" "$log"
		elif [ $rc -ne 125 ] || ! grep -aq '^HSYS no_handler: trap vector cleared' "$log" ||
			! grep -aEq 'karasu-rv: hart 0: .*trap handler at 0x0 cannot be fetched' "$log"; then
			tap_fail "$what: exit status $rc, expected 125 with karasu-rv's message after the guest's line" "$log"
		else
			tap_ok "$what: karasu-rv ends it, exit status 125, '$(grep -a -m1 'cannot be fetched' "$log" | cut -c1-80)...'"
		fi
	done
done

# ---- a guest that spins with interrupts off: the console escape, a signal ----
# wait_for LOG REGEX SECONDS: until LOG matches (0) or the time is up (1)
wait_for() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		grep -aq -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}
for e in jit interp; do
	log=$LOGDIR/spin-escape.$e.log
	fifo=$LOGDIR/spin.fifo
	rm -f "$fifo"
	mkfifo "$fifo"
	opt=()
	[ $e = interp ] && opt=(--interp)
	timeout --kill-after=5 30 "$KARASU_RV" -M virt -bios none -smp 4 "${opt[@]}" -kernel "$HSYS/spin.elf" \
		<"$fifo" >"$log" 2>&1 &
	pid=$!
	exec 8>"$fifo" # opened only now: the open waits for karasu-rv's end of the FIFO
	if ! wait_for "$log" '^HSYS spin: spinning' 10; then
		exec 8>&-
		wait $pid
		tap_fail "spin ($e, 4 harts): the guest never said it spins" "$log"
		continue
	fi
	sleep 0.5 # let every hart settle into its loop
	printf '\035x' >&8
	t0=$EPOCHREALTIME
	for ((i = 0; i < 60; i++)); do
		kill -0 $pid 2>/dev/null || break
		sleep 0.05
	done
	t1=$EPOCHREALTIME
	wait $pid
	rc=$?
	exec 8>&-
	took=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", b - a }')
	if [ $rc -eq 0 ] && awk -v t="$took" 'BEGIN { exit !(t < 3) }' && grep -aq 'karasu-rv: quit from the console' "$log"; then
		tap_ok "spin ($e, 4 harts, interrupts off): Ctrl-] x ends karasu-rv with exit 0 after ${took}s"
	else
		tap_fail "spin ($e, 4 harts): after Ctrl-] x: exit status $rc after ${took}s (expected 0 within 3 s, 'quit from the console')" "$log"
	fi
done
for e in jit interp; do
	log=$LOGDIR/spin-signal.$e.log
	opt=()
	[ $e = interp ] && opt=(--interp)
	t0=$EPOCHREALTIME
	timeout --preserve-status --kill-after=5 -s TERM 2 "$KARASU_RV" -M virt -bios none -smp 4 "${opt[@]}" \
		-kernel "$HSYS/spin.elf" </dev/null >"$log" 2>&1 &
	tpid=$!
	kpid=""
	for ((i = 0; i < 40; i++)); do
		kpid=$(pgrep -P $tpid | head -n 1)
		[ -z "$kpid" ] || break
		sleep 0.05
	done
	wait $tpid
	rc=$?
	took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	gone=yes
	[ -n "$kpid" ] && [ -e "/proc/$kpid" ] && gone=no
	# 143 = 128 + SIGTERM: karasu-rv ended by the signal itself (137 would be the SIGKILL 5 s later)
	if [ $rc -eq 143 ] && [ $gone = yes ] && [ -n "$kpid" ] && grep -aq '^HSYS spin: spinning' "$log" &&
		awk -v t="$took" 'BEGIN { exit !(t < 5) }'; then
		tap_ok "spin ($e, 4 harts): SIGTERM from timeout(1) after 2 s ends karasu-rv by the signal (status 143, ${took}s, no process left)"
	else
		tap_fail "spin ($e): after SIGTERM: status $rc (expected 143), ${took}s, process gone: $gone" "$log"
	fi
done

# ---- self-modifying code on 4 harts ----
for name in smc_smp smc_smp_nofence; do
	for e in jit interp; do run_guest $name $e "4 harts" -bios none -smp 4; done
	[ $HAVE_QEMU = 1 ] && run_guest $name qemu "4 harts" -bios none -smp 4 || qemu_missing $name
done

# ---- flooding the UART into a slow pipe ----
LINES_EXPECTED=100000
for e in jit interp; do
	out=$LOGDIR/uart_flood.$e.out
	err=$LOGDIR/uart_flood.$e.err
	opt=()
	[ $e = interp ] && opt=(--interp)
	t0=$EPOCHREALTIME
	timeout --kill-after=5 $TIMEOUT "$KARASU_RV" -M virt -bios none "${opt[@]}" -kernel "$HSYS/uart_flood.elf" \
		</dev/null 2>"$err" |
		perl -e 'sleep 2; while (sysread(STDIN, my $b, 4096)) { print $b; select(undef, undef, undef, 0.002) }' >"$out"
	rc=${PIPESTATUS[0]}
	took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	# every line `flood 0x<16 hex digits>` numbered from 0 in order, then the PASS line
	verdict=$(tr -d '\r' <"$out" | perl -e '
		my ($want, $n, $pass) = ($ARGV[0], 0, 0);
		while (<STDIN>) {
			chomp;
			if (/^flood 0x([0-9a-f]{16})$/) {
				if (hex($1) != $n) { print "line $.: $_ (expected number $n)"; exit }
				$n++;
			} elsif ($_ eq "PASS uart_flood") {
				$pass = 1;
			} else {
				print "line $.: unexpected: ", substr($_, 0, 60); exit;
			}
		}
		print $n != $want ? "$n flood lines, expected $want" : !$pass ? "no PASS line" : "ok";' $LINES_EXPECTED)
	if [ $rc -eq 0 ] && [ "$verdict" = ok ]; then
		tap_ok "uart_flood ($e): $LINES_EXPECTED lines through a slow pipe, all there in order, exit 0 (${took}s)"
	else
		tap_fail "uart_flood ($e): exit status $rc, ${took}s: $verdict" "$err"
	fi
done

# ---- virtio requests from a hostile driver ----
# the disk: sector 0 a text header, sector 1 code (addi a0, zero, 0x5a5 = 0x5a500513; jalr x0, 0(ra) =
# 0x00008067, RV64I encodings), sector 2 bytes 0x11 that the guest overwrites with 0xa7; 1 MiB
make_disk() {
	perl -e 'my $d = "\0" x (1 << 20);
		my $h = "KARASU-HSYS-VIRTIO test disk\n"; substr($d, 0, length $h) = $h;
		substr($d, 512, 8) = pack("V2", 0x5a500513, 0x00008067);
		substr($d, 1024, 512) = "\x11" x 512;
		open(my $f, ">", $ARGV[0]) or die; binmode $f; print $f $d; close $f' "$1"
}
make_disk "$LOGDIR/vdisk.expected"
perl -e 'open(my $f, "+<", $ARGV[0]) or die; binmode $f; seek($f, 1024, 0); print $f "\xa7" x 512; close $f' \
	"$LOGDIR/vdisk.expected"
for e in jit interp qemu; do
	disk=$LOGDIR/vdisk.$e.img
	make_disk "$disk"
	if [ $e = qemu ]; then
		if [ $HAVE_QEMU = 0 ]; then
			qemu_missing virtio_dma
			continue
		fi
		# QEMU's virtio-mmio is legacy (version 1) unless told otherwise; virtio-blk-device is its MMIO disk
		run_guest virtio_dma qemu "" -bios none -m 128M -global virtio-mmio.force-legacy=false \
			-drive "if=none,file=$disk,format=raw,id=hd0" -device virtio-blk-device,drive=hd0
	else
		run_guest virtio_dma $e "" -bios none -m 128M -drive "file=$disk,format=raw,if=virtio"
	fi
	if cmp -s "$disk" "$LOGDIR/vdisk.expected"; then
		tap_ok "virtio_dma ($e): the disk image holds exactly the guest's write of sector 2"
	else
		tap_fail "virtio_dma ($e): the disk image differs from the expected one: $(cmp "$disk" "$LOGDIR/vdisk.expected" 2>&1 | head -n 1)"
	fi
done
tap_done
