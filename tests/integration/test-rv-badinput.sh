#!/usr/bin/env bash
# karasu-rv on bad input: command-line errors, files that are not loadable RISC-V programs (missing,
# empty, a directory, an x86-64 ELF, truncated and byte-patched ELFs), and guest programs that fault
# (wild loads/stores/jumps, non-executable code, illegal instruction, ebreak, misaligned AMO, stack
# overflow), with the JIT and with --interp, plus bare-mode faults.
# A bad file must give a clear message on stderr and a non-zero exit status, never a crash of karasu-rv
# itself (death by a host signal, an ASan/UBSan report, a timeout). A faulting guest must end like it does
# on Linux (qemu-riscv64 is run as the reference): exit status 128 + the guest's signal, the shell's
# message for it on stderr, and the output printed before the fault.
set -u
. "$(dirname "$0")/lib.sh"
KARASU_RV=${KARASU_RV:-$BUILD/rv/karasu-rv}
BAD_DIR=$BUILD/guest/rv/badinput
GOOD=$BUILD/guest/rv/programs/return42
LOG_DIR=$BUILD/test-logs/rv-badinput
WORK=$LOG_DIR/files
mkdir -p "$LOG_DIR" "$WORK"
# Two runs at once (make test while working on a test) would overwrite each other's files: take turns.
exec 9>"$LOG_DIR/.lock"
flock 9

# run_status LOG CMD...: runs CMD (30 s limit, stdout to LOG.out, stderr to LOG.err) and prints
# "exit N" for a normal exit or "signal N" when CMD itself died of signal N.
run_status() {
	local log=$1
	shift
	perl -e 'my $log = shift @ARGV; open(my $status, ">&", \*STDOUT) or die;
		open(STDOUT, ">", "$log.out") or die; open(STDERR, ">", "$log.err") or die;
		open(STDIN, "<", "/dev/null") or die;
		system(@ARGV); my $s = $?;
		if ($s == -1) { print $status "exit 127\n" }
		elsif ($s & 127) { print $status "signal ", $s & 127, "\n" } else { print $status "exit ", $s >> 8, "\n" }' \
		"$log" timeout --kill-after=5 -s KILL "${RUN_SECS:-30}" "$@"
}

sanitizer_report() { grep -qE 'AddressSanitizer|LeakSanitizer|runtime error:|karasu-rv: internal error' "$1"; }

# expect_clean_error NAME [ARGS...] FILE: karasu-rv must refuse (or fail) cleanly. With WANT="N M" set,
# the exit status must also be one of those (125 = karasu-rv's own error, as its --help documents).
expect_clean_error() {
	local name=$1 log=$LOG_DIR/${1//\//_} st
	shift
	st=$(run_status "$log" "$KARASU_RV" "$@")
	if [ "${st%% *}" = signal ]; then
		tap_fail "$name: karasu-rv died of host signal ${st#* } (a crash)" "$log.err"
	elif [ "${st%% *}" != exit ]; then
		tap_fail "$name: could not run karasu-rv ($st)" "$log.err"
	elif [ "$st" = "exit 137" ] || [ "$st" = "exit 124" ]; then
		tap_fail "$name: karasu-rv timed out" "$log.err"
	elif [ "$st" = "exit 0" ]; then
		tap_fail "$name: karasu-rv exited 0 on bad input" "$log.err"
	elif sanitizer_report "$log.err"; then
		tap_fail "$name: sanitizer report / internal error" "$log.err"
	elif [ ! -s "$log.err" ]; then
		tap_fail "$name: $st but no message on stderr" "$log.out"
	elif [ -n "${WANT:-}" ] && [[ " $WANT " != *" ${st#exit } "* ]]; then
		tap_fail "$name: $st, want exit ${WANT// / or }" "$log.err"
	else
		tap_ok "$name: clean error ($st): $(head -n 1 "$log.err" | cut -c1-100)"
	fi
}

if [ ! -x "$KARASU_RV" ]; then
	tap_fail "$KARASU_RV is not built"
	tap_done
fi

# ---- command line ----
st=$(run_status "$LOG_DIR/help" "$KARASU_RV" --help)
if [ "$st" = "exit 0" ] && grep -qi 'usage' "$LOG_DIR/help.out" "$LOG_DIR/help.err"; then
	tap_ok "--help prints a usage and exits 0"
else
	tap_fail "--help: $st (want exit 0 and a usage text)" "$LOG_DIR/help.out"
fi
st=$(run_status "$LOG_DIR/unknown-option" "$KARASU_RV" --no-such-option "$GOOD")
if [ "$st" = "exit 2" ] && [ -s "$LOG_DIR/unknown-option.err" ]; then
	tap_ok "an unknown option exits 2 with a message"
else
	tap_fail "unknown option: $st (want exit 2 and a message)" "$LOG_DIR/unknown-option.err"
fi
WANT=2 expect_clean_error "no program argument"

# ---- files that are not loadable programs: karasu-rv's own error, 125 ----
export WANT=125
expect_clean_error "missing file" "$WORK/does-not-exist"
expect_clean_error "a directory" "$WORK"
: >"$WORK/empty"
expect_clean_error "empty file" "$WORK/empty"
printf '#!/bin/sh\necho hi\n' >"$WORK/script.sh"
chmod +x "$WORK/script.sh"
expect_clean_error "a shell script" "$WORK/script.sh"
expect_clean_error "an x86-64 ELF (/bin/true)" /bin/true
expect_clean_error "an x86-64 ELF in bare mode" --bare /bin/true

# (the byte helpers and the program header walk are needed for the truncation points too)
le64() { od -An -t u8 -j "$2" -N 8 "$1" | tr -d ' '; }
le16() { od -An -t u2 -j "$2" -N 2 "$1" | tr -d ' '; }
le32() { od -An -t u4 -j "$2" -N 4 "$1" | tr -d ' '; }
phoff=$(le64 "$GOOD" 32)
phnum=$(le16 "$GOOD" 56)
load_ph=""  # offset of the first PT_LOAD program header
load_end=0 # end of the loaded file bytes (max p_offset + p_filesz over PT_LOAD)
for ((i = 0; i < phnum; i++)); do
	ph=$((phoff + i * 56))
	if [ "$(le32 "$GOOD" "$ph")" = 1 ]; then
		[ -n "$load_ph" ] || load_ph=$ph
		end=$(($(le64 "$GOOD" $((ph + 8))) + $(le64 "$GOOD" $((ph + 32)))))
		[ "$end" -le "$load_end" ] || load_end=$end
	fi
done

size=$(stat -c %s "$GOOD")
# Cut in the ELF header, in the program headers, and inside the loaded segments (the bytes after the
# last segment, symbols and section names, are not needed to run, so a cut there may still run).
for n in 4 16 63 64 65 120 200 1000 4096 $((load_end / 2)) $((load_end - 1)); do
	head -c "$n" "$GOOD" >"$WORK/trunc-$n"
	expect_clean_error "ELF truncated to $n of $size bytes" "$WORK/trunc-$n"
done

# patch FILE OFFSET HEXBYTES: overwrite bytes in place.
patch_bytes() {
	printf "$(echo "$3" | sed 's/\(..\)/\\x\1/g')" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
patched() { # name offset hexbytes
	local f=$WORK/patched-$1
	cp "$GOOD" "$f"
	patch_bytes "$f" "$2" "$3"
	expect_clean_error "ELF with $1" "$f"
}
patched "32-bit class" 4 01
patched "big-endian data" 5 02
patched "bad version" 6 00
patched "e_machine x86-64" 18 3e00
patched "e_type relocatable" 16 0100
patched "e_phoff past the end" 32 00000000ffff0000
patched "e_phoff huge" 32 0000ffffffffffff
patched "e_phnum 65535" 56 ffff
patched "e_phentsize 1" 54 0100
# a bad entry point may be refused, or fault at the first fetch like on Linux
WANT="125 139" patched "entry point 0" 24 0000000000000000
WANT="125 139" patched "entry point in kernel space" 24 00000000000000ff
if [ -n "$load_ph" ]; then
	patched "PT_LOAD offset past the end" $((load_ph + 8)) 0000000001000000
	patched "PT_LOAD filesz > memsz" $((load_ph + 32)) 00000000ffff0000
	patched "PT_LOAD memsz 2^62" $((load_ph + 40)) 0000000000000040
	patched "PT_LOAD vaddr huge" $((load_ph + 16)) 00f0ffffffffffff
	patched "PT_LOAD vaddr + memsz wraps" $((load_ph + 16)) 0000ffffffffffff
else
	tap_fail "no PT_LOAD header found in $GOOD"
fi
unset WANT
# Pseudo-random bytes (fixed seeds) written over the code at the entry point: whatever the guest does,
# karasu-rv must not crash (a guest that loops until the time limit is not a failure of karasu-rv).
if [ -n "$load_ph" ]; then
	entry_off=$(($(le64 "$GOOD" 24) - $(le64 "$GOOD" $((load_ph + 16))) + $(le64 "$GOOD" $((load_ph + 8)))))
	for seed in 1 2 3 4 5; do
		f=$WORK/random-code-$seed
		cp "$GOOD" "$f"
		perl -e 'srand($ARGV[0]); print map { chr(int(rand(256))) } 1 .. 256' "$seed" |
			dd of="$f" bs=1 seek="$entry_off" conv=notrunc status=none
		st=$(RUN_SECS=10 run_status "$LOG_DIR/random-code-$seed" "$KARASU_RV" "$f")
		if [ "${st%% *}" = signal ] || sanitizer_report "$LOG_DIR/random-code-$seed.err"; then
			tap_fail "random code at the entry (seed $seed): karasu-rv crashed ($st)" \
				"$LOG_DIR/random-code-$seed.err"
		else
			tap_ok "random code at the entry (seed $seed): no crash of karasu-rv ($st)"
		fi
	done
fi

# ---- faulting guests: same end as under Linux ----
signal_message() {
	case "$1" in
	132) echo "Illegal instruction" ;;
	133) echo "Trace/breakpoint trap" ;;
	135) echo "Bus error" ;;
	139) echo "Segmentation fault" ;;
	esac
}
expected_status() {
	case "$1" in
	illegal) echo 132 ;;
	ebreak) echo 133 ;;
	misaligned_amo) echo 135 ;;
	*) echo 139 ;;
	esac
}
for prog in "$BAD_DIR"/*; do
	name=$(basename "$prog")
	case "$name" in *.elf) continue ;; esac
	want=$(expected_status "$name")
	st=$(run_status "$LOG_DIR/$name.qemu" qemu-riscv64 "$prog")
	if [ "$st" = "signal $((want - 128))" ] || [ "$st" = "exit $want" ]; then
		tap_ok "$name (qemu-riscv64 reference): dies of signal $((want - 128))"
	else
		tap_fail "$name (qemu-riscv64 reference): $st, expected signal $((want - 128))" "$LOG_DIR/$name.qemu.err"
	fi
	for engine in jit interp; do
		flag=()
		[ "$engine" = interp ] && flag=(--interp)
		log=$LOG_DIR/$name.$engine
		st=$(run_status "$log" "$KARASU_RV" "${flag[@]}" "$prog")
		msg=$(signal_message "$want")
		if [ "${st%% *}" = signal ]; then
			tap_fail "$name ($engine): karasu-rv itself died of signal ${st#* } (want exit $want)" "$log.err"
		elif sanitizer_report "$log.err"; then
			tap_fail "$name ($engine): sanitizer report / internal error" "$log.err"
		elif [ "$st" != "exit $want" ]; then
			tap_fail "$name ($engine): $st, want exit $want" "$log.err"
		elif ! grep -q "$msg" "$log.err"; then
			tap_fail "$name ($engine): exit $want but no '$msg' message on stderr" "$log.err"
		elif ! cmp -s "$log.out" "$LOG_DIR/$name.qemu.out"; then
			tap_fail "$name ($engine): stdout before the fault differs from qemu-riscv64" "$log.out"
		else
			tap_ok "$name ($engine): exit $want, '$msg', output as qemu-riscv64"
		fi
	done
done

# ---- bare-mode faults ----
for elf in "$BAD_DIR"/*.elf; do
	[ -e "$elf" ] || continue
	for engine in jit interp; do
		flag=()
		[ "$engine" = interp ] && flag=(--interp)
		expect_clean_error "bare $(basename "$elf" .elf) ($engine)" "${flag[@]}" --bare --dump-regs "$elf"
	done
done
tap_done
