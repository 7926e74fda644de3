#!/usr/bin/env bash
# karasu-rv runs code compiled for the bit-manipulation extensions, and says that it does.
#   1. tests/integration/rv_bitmanip.c is compiled with riscv64-linux-gnu-gcc -O2
#      -march=rv64gc_zba_zbb_zbs (GCC 12 has no Zicond; the ISA tests and the fuzzer cover it) and must
#      contain the Zba/Zbb/Zbs instructions listed below (else the comparison would prove nothing);
#   2. it runs under qemu-riscv64 (the reference), karasu-rv (translator, with the host's BMI/LZCNT/POPCNT),
#      karasu-rv with KARASU_RV_JIT_BASELINE_X86=1 (the translator's baseline x86-64 sequences) and
#      karasu-rv --interp: stdout and exit status must be identical to qemu's;
#   3. `rv_bitmanip --report` under karasu-rv (both engines): riscv_hwprobe's answers, AT_HWCAP and the isa
#      line of /proc/cpuinfo must be the values Linux's documentation defines (Documentation/arch/riscv/
#      hwprobe.rst, uapi asm/hwcap.h and asm/hwprobe.h) for an rv64imafdc + Zba/Zbb/Zbs/Zicond CPU.
#      (qemu-riscv64 7.2 has no riscv_hwprobe: not compared with it.)
# Environment: BUILD, KARASU_RV, RISCV_CC (default riscv64-linux-gnu-gcc).
set -u
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
	sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
fi
. "$(dirname "$0")/lib.sh"
KARASU_RV=${KARASU_RV:-$BUILD/rv/karasu-rv}
RISCV_CC=${RISCV_CC:-riscv64-linux-gnu-gcc}
SRC=$(dirname "$0")/rv_bitmanip.c
LOG_DIR=$BUILD/test-logs/rv-bitmanip
PROG=$LOG_DIR/rv_bitmanip
mkdir -p "$LOG_DIR"
# Two runs at once (make test while working on a test) would overwrite each other's files: take turns.
exec 9>"$LOG_DIR/.lock"
flock 9

missing=""
command -v "$RISCV_CC" >/dev/null || missing="$missing $RISCV_CC"
command -v riscv64-linux-gnu-objdump >/dev/null || missing="$missing riscv64-linux-gnu-objdump"
command -v qemu-riscv64 >/dev/null || missing="$missing qemu-riscv64"
[ -x "$KARASU_RV" ] || missing="$missing $KARASU_RV"
if [ -n "$missing" ]; then
	tap_fail "prerequisites missing:$missing (scripts/deps; make $KARASU_RV)"
	tap_done
fi

if ! "$RISCV_CC" -std=gnu11 -O2 -static -Wall -Wextra -Werror -march=rv64gc_zba_zbb_zbs -mabi=lp64d \
	-o "$PROG" "$SRC" >"$LOG_DIR/cc.log" 2>&1; then
	tap_fail "compile $SRC with -march=rv64gc_zba_zbb_zbs" "$LOG_DIR/cc.log"
	tap_done
fi

# 1. the compiler used the extensions (mnemonics without aliases: rori stays rori, bseti stays bseti)
riscv64-linux-gnu-objdump -d -M no-aliases "$PROG" | awk -F'\t' 'NF >= 3 { print $3 }' | sort -u \
	>"$LOG_DIR/mnemonics.txt"
absent=""
for m in add.uw sh1add sh2add sh3add slli.uw andn orn xnor clz clzw ctz ctzw cpop cpopw min minu max \
	maxu sext.b sext.h zext.h rol rolw ror rori rorw rev8 orc.b bset bseti bclri binvi bexti; do
	grep -qxF "$m" "$LOG_DIR/mnemonics.txt" || absent="$absent $m"
done
if [ -z "$absent" ]; then
	tap_ok "the program contains Zba/Zbb/Zbs instructions (add.uw, sh*add, clz/ctz/cpop, rotations, min/max, b*...)"
else
	tap_fail "instructions missing from the compiled program:$absent" "$LOG_DIR/mnemonics.txt"
fi

# 2. same output as qemu-riscv64
run() { # NAME CMD...: stdout to $LOG_DIR/NAME.out, stderr to NAME.err, status to NAME.rc
	local name=$1
	shift
	timeout --kill-after=5 120 "$@" >"$LOG_DIR/$name.out" 2>"$LOG_DIR/$name.err" </dev/null
	echo $? >"$LOG_DIR/$name.rc"
}
run qemu qemu-riscv64 "$PROG"
if [ "$(cat "$LOG_DIR/qemu.rc")" != 0 ] || ! grep -q '^sum 11:' "$LOG_DIR/qemu.out"; then
	tap_fail "qemu-riscv64 reference run (status $(cat "$LOG_DIR/qemu.rc"))" "$LOG_DIR/qemu.err"
	tap_done
fi
tap_ok "qemu-riscv64 reference run: $(wc -l <"$LOG_DIR/qemu.out") lines"
for engine in jit jit-baseline interp; do
	case $engine in
	jit) run "$engine" "$KARASU_RV" "$PROG" ;;
	jit-baseline) run "$engine" env KARASU_RV_JIT_BASELINE_X86=1 "$KARASU_RV" "$PROG" ;;
	interp) run "$engine" "$KARASU_RV" --interp "$PROG" ;;
	esac
	if [ "$(cat "$LOG_DIR/$engine.rc")" = 0 ] && cmp -s "$LOG_DIR/qemu.out" "$LOG_DIR/$engine.out"; then
		tap_ok "karasu-rv ($engine): output identical to qemu-riscv64's"
	else
		diff "$LOG_DIR/qemu.out" "$LOG_DIR/$engine.out" >"$LOG_DIR/$engine.diff"
		cat "$LOG_DIR/$engine.err" >>"$LOG_DIR/$engine.diff"
		tap_fail "karasu-rv ($engine): status $(cat "$LOG_DIR/$engine.rc"), output differs from qemu-riscv64's" \
			"$LOG_DIR/$engine.diff"
	fi
done

# 3. what karasu-rv tells the program. Expected values: hwprobe keys (hwprobe.rst) BASE_BEHAVIOR (3) =
# IMA (bit 0); IMA_EXT_0 (4) = IMA_FD (bit 0) | IMA_C (1) | EXT_ZBA (3) | EXT_ZBB (4) | EXT_ZBS (5) |
# EXT_ZICOND (35) | EXT_ZCA (43) | EXT_ZCD (45) = 0x28080000003b; MVENDORID (0) = 0; TIME_CSR_FREQ (8) =
# 10 MHz (QEMU virt's timebase);
# an unknown key becomes key -1, value 0. WHICH_CPUS keeps CPU 0 for Zba+Zbb, drops it for V (bit 2).
# AT_HWCAP: one bit per letter of IMAFDC ('a' = bit 0) = 0x112d (Linux has no bit for B or Z*).
# /proc/cpuinfo's isa: Linux's canonical order, with the Zc* subsets C and D imply.
expected_report() {
	cat <<'EOF'
hwprobe: 0
hwprobe key 3 = 0x1
hwprobe key 4 = 0x28080000003b
hwprobe key 0 = 0
hwprobe key 8 = 0x989680
hwprobe key -1 = 0
which zba+zbb: 0 cpu0 1
which v: 0 cpu0 0
null set: -1 EFAULT
null set, which: -1 EINVAL
AT_HWCAP = 0x112d
cpuinfo isa		: rv64imafdc_zicntr_zicond_zicsr_zifencei_zca_zcd_zba_zbb_zbs
EOF
}
expected_report >"$LOG_DIR/report.expected"
for engine in jit interp; do
	flag=()
	[ "$engine" = interp ] && flag=(--interp)
	run "report-$engine" "$KARASU_RV" "${flag[@]}" "$PROG" --report
	if [ "$(cat "$LOG_DIR/report-$engine.rc")" = 0 ] &&
		cmp -s "$LOG_DIR/report.expected" "$LOG_DIR/report-$engine.out"; then
		tap_ok "karasu-rv ($engine): riscv_hwprobe, AT_HWCAP and /proc/cpuinfo report Zba/Zbb/Zbs/Zicond"
	else
		diff "$LOG_DIR/report.expected" "$LOG_DIR/report-$engine.out" >"$LOG_DIR/report-$engine.diff"
		cat "$LOG_DIR/report-$engine.err" >>"$LOG_DIR/report-$engine.diff"
		tap_fail "karasu-rv ($engine): --report differs from the documented values" \
			"$LOG_DIR/report-$engine.diff"
	fi
done
tap_done
