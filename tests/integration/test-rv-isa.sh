#!/usr/bin/env bash
# karasu-rv ISA tests: every guest/rv/isa/*.S test (self-checking, see guest/rv/isa/rvtest.inc) runs
#   1. under qemu-riscv64 (NAME.qemu.elf; exit status = failing case): proves the expected values written
#      in the test are what a reference RISC-V implementation computes;
#   2. under `karasu-rv --bare --dump-regs --interp` and 3. `karasu-rv --bare --dump-regs` (JIT): a0 (x10)
#      in the register dump must be 0, else it is the number of the failing case.
# ld_example additionally has its loaded registers compared exactly with the spec's values.
set -u
. "$(dirname "$0")/lib.sh"
KARASU_RV=${KARASU_RV:-$BUILD/rv/karasu-rv}
ISA_DIR=$BUILD/guest/rv/isa
LOG_DIR=$BUILD/test-logs/rv-isa
mkdir -p "$LOG_DIR"
# Two runs at once (make test while working on a test) would overwrite each other's files: take turns.
exec 9>"$LOG_DIR/.lock"
flock 9

# reg LOG N: the 16 hex digits of xN (N = 00..31) or PC in a --dump-regs output.
reg() {
	grep -oE "(^|[^0-9A-Za-z])$2 = [0-9a-f]{16}" "$1" | tail -n 1 | grep -oE '[0-9a-f]{16}$'
}

run_qemu() { # name
	local name=$1 log=$LOG_DIR/$1.qemu.log rc
	if ! command -v qemu-riscv64 >/dev/null; then
		tap_fail "$name: qemu-riscv64 reference (qemu-riscv64 is not installed: apt-get install qemu-user)"
		return
	fi
	run_timeout 30 "$log" qemu-riscv64 "$ISA_DIR/$name.qemu.elf"
	rc=$?
	if [ "$rc" -eq 0 ]; then
		tap_ok "$name: all cases pass under qemu-riscv64 (expected values confirmed)"
	else
		tap_fail "$name: qemu-riscv64 exit status $rc (= failing case number, or a crash/timeout)" "$log"
	fi
}

# run_karasu NAME MODE(interp|jit): leaves the log in $LOG_DIR/NAME.MODE.log; returns 0 if a0 = 0.
run_karasu() {
	local name=$1 mode=$2 log=$LOG_DIR/$1.$2.log rc a0 flag=()
	[ "$mode" = interp ] && flag=(--interp)
	if [ ! -x "$KARASU_RV" ]; then
		tap_fail "$name ($mode): $KARASU_RV is not built"
		return 1
	fi
	run_timeout 30 "$log" "$KARASU_RV" "${flag[@]}" --bare --dump-regs "$ISA_DIR/$name.elf"
	rc=$?
	a0=$(reg "$log" x10)
	if [ "$rc" -ge 124 ]; then
		tap_fail "$name ($mode): karasu-rv exit status $rc (timeout or host crash)" "$log"
		return 1
	elif [ -z "$a0" ]; then
		tap_fail "$name ($mode): no register dump (exit status $rc)" "$log"
		return 1
	elif [ "$a0" != 0000000000000000 ]; then
		tap_fail "$name ($mode): case $((16#$a0)) failed: computed a3=$(reg "$log" x13) t1(fflags)=$(reg "$log" x06), expected t2=$(reg "$log" x07)" "$log"
		return 1
	fi
	tap_ok "$name ($mode): all cases pass"
	return 0
}

# The spec's load example: exact values of the loaded registers.
check_ld_example() { # mode
	local log=$LOG_DIR/ld_example.$1.log bad="" r want got
	for r in x11=01234567deadbeef x12=0000000001234567 x13=0000000000000123 x14=0000000000000001 \
		x16=ffffffffdeadbeef x17=ffffffffffffbeef x18=ffffffffffffffef x20=00000000deadbeef \
		x21=000000000000beef x22=00000000000000ef; do
		want=${r#*=}
		got=$(reg "$log" "${r%=*}")
		[ "$got" = "$want" ] || bad="$bad ${r%=*}=$got(want $want)"
	done
	if [ -z "$bad" ]; then
		tap_ok "ld_example ($1): x11..x22 in --dump-regs match the spec exactly"
	else
		tap_fail "ld_example ($1): wrong registers:$bad" "$log"
	fi
}

names=()
for elf in "$ISA_DIR"/*.qemu.elf; do
	[ -e "$elf" ] || continue
	n=$(basename "$elf" .qemu.elf)
	names+=("$n")
done
if [ ${#names[@]} -eq 0 ]; then
	tap_fail "no ISA tests built in $ISA_DIR (make rv-guests)"
	tap_done
fi

for n in "${names[@]}"; do
	run_qemu "$n"
	for mode in interp jit; do
		if run_karasu "$n" "$mode" && [ "$n" = ld_example ]; then
			check_ld_example "$mode"
		elif [ "$n" = ld_example ]; then
			tap_fail "ld_example ($mode): registers not checked (the run failed)"
		fi
	done
done
tap_done
