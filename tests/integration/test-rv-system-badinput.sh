#!/usr/bin/env bash
# karasu-rv system mode with bad input: every malformed file gets a one-line error naming the file and
# exit status 125 (karasu-rv's own errors, docs/karasu-rv-system.md), every bad command line exit status 2,
# and nothing ever crashes (no signal, no sanitizer report) or hangs (each run has 20 s).
#
#   -kernel: missing, a directory, random bytes, empty, ELFs truncated in the header / program headers /
#            segments, ELFs patched to another machine (x86-64 from the host, AArch64), 32-bit,
#            big-endian, program headers past the end, a segment outside RAM, an entry outside the
#            segments; Images (RISC-V Linux boot image header, magic "RSC\x05" at 56) too large for -m:
#            Debian's Image in 16M and 32M of RAM, a small Image whose header claims 64 MiB, one whose
#            size field overflows
#   -dtb:    random bytes, truncated, empty, a header whose totalsize runs past the file
#   -initrd, -drive, -bios: missing, empty, a directory; an initrd larger than RAM
#   usage (2): an unknown option, -smp 0 / 999 / 4x, -m 1X / 0 / no value, -drive without file= or with
#            another format, -M foo, -M virt,foo=bar, no -M
#   -dumpdtb FILE and -M virt,dumpdtb=FILE: dtc reads the blob, 4 cpu nodes for -smp 4, /chosen/bootargs
#            is the -append string (quotes and spaces kept); with -dtb, the user's blob with bootargs and
#            initrd patched in; and every /soc device node karasu-rv has is in QEMU's virt devicetree
#            (qemu-system-riscv64 -M virt,dumpdtb=) with the same reg, interrupts and compatible.
#
# Environment: BUILD (default build), KARASU_RV (default $BUILD/rv/karasu-rv).
set -u
if [ "${1:-}" = "--help" ] || [ "${1:-}" = "-h" ]; then
	awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
	exit 0
fi
. "$(dirname "$0")/lib.sh"
KARASU_RV=${KARASU_RV:-$BUILD/rv/karasu-rv}
ELF=$BUILD/guest/rv/hostile-sys/illegal.elf # any bare-metal RISC-V ELF of ours
IMAGE=$BUILD/guest-rv/Image
QEMU=qemu-system-riscv64
LOGDIR=$BUILD/test-logs/rv-system-badinput
F=$LOGDIR/files
mkdir -p "$LOGDIR"
exec 9>"$LOGDIR/.lock"
flock 9
rm -rf "$F"
mkdir -p "$F"

for f in "$KARASU_RV" "$ELF" "$IMAGE"; do
	[ -e "$f" ] || { tap_fail "$f is not built (make BUILD=$BUILD $f)"; tap_done; }
done
for t in dtc fdtget perl; do
	command -v "$t" >/dev/null || { tap_fail "$t is not installed (scripts/deps)"; tap_done; }
done

N=0
# A crash of karasu-rv itself: a signal (status > 128 but not timeout's 124/137), or a sanitizer/libc report.
crashed() { # LOG STATUS
	[ "$2" -gt 128 ] || grep -Eq 'AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:|Segmentation fault|core dumped|Assertion .* failed' "$1"
}
# expect STATUS WHAT REGEX ARGS...: karasu-rv ARGS exits with STATUS and says REGEX (extended) on its output
expect() {
	local want=$1 what=$2 regex=$3 log rc
	shift 3
	N=$((N + 1))
	log=$LOGDIR/case$N.log
	run_timeout 20 "$log" "$KARASU_RV" "$@"
	rc=$?
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		tap_fail "$what: karasu-rv hung (killed after 20 s)" "$log"
	elif crashed "$log" $rc; then
		tap_fail "$what: karasu-rv crashed (exit status $rc)" "$log"
	elif [ $rc -ne "$want" ]; then
		tap_fail "$what: exit status $rc, expected $want" "$log"
	elif ! grep -Eq -- "$regex" "$log"; then
		tap_fail "$what: exit status $rc but no message matching /$regex/" "$log"
	else
		tap_ok "$what: exit status $want, '$(grep -E -m1 -- "$regex" "$log" | cut -c1-110)'"
	fi
}
# patch FILE OFFSET PACK-FORMAT VALUE: overwrite bytes of FILE at OFFSET with perl's pack(FORMAT, VALUE)
patch() {
	perl -e 'open(my $f, "+<", $ARGV[0]) or die; binmode $f; seek($f, $ARGV[1], 0);
		print $f pack($ARGV[2], $ARGV[3] =~ /^0x/ ? hex($ARGV[3]) : $ARGV[3]); close $f' "$@"
}
# le64 FILE OFFSET: a little-endian u64 read from FILE
le64() { perl -e 'open(my $f, "<", $ARGV[0]); binmode $f; seek($f, $ARGV[1], 0); read($f, my $b, 8); print unpack("Q<", $b)' "$@"; }

M=(-M virt -m 128M)
ENOENT='No such file|no such file'

# ---- -kernel ----
expect 125 "-kernel missing" "karasu-rv: .*$F/none.*($ENOENT)" "${M[@]}" -kernel "$F/none"
mkdir "$F/dir"
expect 125 "-kernel a directory" "karasu-rv: .*$F/dir.*(not a regular file|directory)" "${M[@]}" -kernel "$F/dir"
head -c 4096 /dev/urandom >"$F/random"
expect 125 "-kernel random bytes" "karasu-rv: .*$F/random.*not .*(ELF|Image)" "${M[@]}" -kernel "$F/random"
: >"$F/empty"
expect 125 "-kernel an empty file" "karasu-rv: .*$F/empty.*(empty|not .*(ELF|Image))" "${M[@]}" -kernel "$F/empty"
for n in 40 64 100; do
	head -c $n "$ELF" >"$F/trunc$n.elf"
	expect 125 "-kernel an ELF cut to $n bytes" "karasu-rv: .*$F/trunc$n.elf.*(truncated|past the end|corrupt)" \
		"${M[@]}" -kernel "$F/trunc$n.elf"
done
size=$(stat -c %s "$ELF")
head -c $((size / 2)) "$ELF" >"$F/half.elf"
expect 125 "-kernel an ELF cut in half ($((size / 2)) of $size bytes)" "karasu-rv: .*$F/half.elf.*(truncated|past the end|corrupt)" \
	"${M[@]}" -kernel "$F/half.elf"
host_elf=$(type -P true)
expect 125 "-kernel an x86-64 ELF ($host_elf)" "karasu-rv: .*$host_elf.*(not a RISC-V|e_machine 62|machine)" \
	"${M[@]}" -kernel "$host_elf"
ELF_MACHINE=18 ELF_CLASS=4 ELF_DATA=5 ELF_ENTRY=24 ELF_PHOFF=32 PH_PADDR=24 PH_FILESZ=32 PH_MEMSZ=40
cp "$ELF" "$F/aarch64.elf" && patch "$F/aarch64.elf" $ELF_MACHINE v 183
expect 125 "-kernel an AArch64 ELF (e_machine 183)" "karasu-rv: .*$F/aarch64.elf.*(not a RISC-V|183|machine)" \
	"${M[@]}" -kernel "$F/aarch64.elf"
cp "$ELF" "$F/class32.elf" && patch "$F/class32.elf" $ELF_CLASS C 1
expect 125 "-kernel a 32-bit ELF" "karasu-rv: .*$F/class32.elf.*(64|class|32)" "${M[@]}" -kernel "$F/class32.elf"
cp "$ELF" "$F/bigendian.elf" && patch "$F/bigendian.elf" $ELF_DATA C 2
expect 125 "-kernel a big-endian ELF" "karasu-rv: .*$F/bigendian.elf.*(endian|little|big)" "${M[@]}" -kernel "$F/bigendian.elf"
cp "$ELF" "$F/phoff.elf" && patch "$F/phoff.elf" $ELF_PHOFF 'Q<' 0xffffffffff00
expect 125 "-kernel an ELF whose program headers are past the end" "karasu-rv: .*$F/phoff.elf.*(truncated|past the end|corrupt|program header)" \
	"${M[@]}" -kernel "$F/phoff.elf"
phoff=$(le64 "$ELF" $ELF_PHOFF)
cp "$ELF" "$F/outside.elf" && patch "$F/outside.elf" $((phoff + PH_PADDR)) 'Q<' 0x40000000
expect 125 "-kernel an ELF with a segment at 0x40000000 (outside RAM)" "karasu-rv: .*$F/outside.elf.*outside RAM" \
	"${M[@]}" -kernel "$F/outside.elf"
memsz=$(le64 "$ELF" $((phoff + PH_MEMSZ)))
cp "$ELF" "$F/beyond.elf" && patch "$F/beyond.elf" $((phoff + PH_PADDR)) 'Q<' $((0x88000000 - memsz / 2))
expect 125 "-kernel an ELF with a segment across the end of -m 128M" "karasu-rv: .*$F/beyond.elf.*outside RAM" \
	"${M[@]}" -kernel "$F/beyond.elf"
cp "$ELF" "$F/filesz.elf" && patch "$F/filesz.elf" $((phoff + PH_FILESZ)) 'Q<' 0x7fffffffffff
expect 125 "-kernel an ELF whose segment's data runs past the end of the file" "karasu-rv: .*$F/filesz.elf.*(past the end|truncated|corrupt)" \
	"${M[@]}" -kernel "$F/filesz.elf"
cp "$ELF" "$F/entry.elf" && patch "$F/entry.elf" $ELF_ENTRY 'Q<' 0x87000000
expect 125 "-kernel an ELF whose entry is in no segment" "karasu-rv: .*$F/entry.elf.*entry" \
	"${M[@]}" -bios none -kernel "$F/entry.elf"

# RISC-V Linux images (Documentation/arch/riscv/boot-image-header.rst): code0/code1, text_offset (8),
# image_size (16), flags (24), version (32), res1, res2, magic "RISCV\0\0\0" (48), magic2 "RSC\x05" (56)
fake_image() { # FILE IMAGE_SIZE: a 4 KiB Image whose header claims IMAGE_SIZE bytes
	head -c 4096 /dev/zero >"$1"
	patch "$1" 16 'Q<' "$2"
	patch "$1" 32 'V' 2
	patch "$1" 48 'a8' RISCV
	patch "$1" 56 'a4' "$(printf 'RSC\005')"
}
fake_image "$F/image64m" 0x4000000
expect 125 "-kernel an Image whose header claims 64 MiB, -m 32M" "karasu-rv: .*$F/image64m.*(does not fit|too large)" \
	-M virt -m 32M -kernel "$F/image64m"
fake_image "$F/imagehuge" 0xfffffffffffff000
expect 125 "-kernel an Image whose size field is near 2^64" "karasu-rv: .*$F/imagehuge.*(does not fit|too large)" \
	-M virt -m 32M -kernel "$F/imagehuge"
img_size=$(stat -c %s "$IMAGE")
expect 125 "-kernel Debian's Image ($img_size bytes), -m 16M" "karasu-rv: .*Image.*(does not fit|too large)" \
	-M virt -m 16M -kernel "$IMAGE"
expect 125 "-kernel Debian's Image, -m 32M (the file fits, not at RAM + 2 MiB with its bss)" \
	"karasu-rv: .*Image.*(does not fit|too large)" -M virt -m 32M -kernel "$IMAGE"

# ---- -dtb ----
"$KARASU_RV" -M virt -kernel "$ELF" -dumpdtb "$F/good.dtb" >/dev/null 2>&1
head -c 100 /dev/urandom >"$F/random.dtb"
expect 125 "-dtb random bytes" "karasu-rv: .*$F/random.dtb.*devicetree" "${M[@]}" -kernel "$ELF" -dtb "$F/random.dtb"
head -c 200 "$F/good.dtb" >"$F/trunc.dtb"
expect 125 "-dtb truncated to 200 bytes" "karasu-rv: .*$F/trunc.dtb.*devicetree" "${M[@]}" -kernel "$ELF" -dtb "$F/trunc.dtb"
: >"$F/empty.dtb"
expect 125 "-dtb an empty file" "karasu-rv: .*$F/empty.dtb.*devicetree" "${M[@]}" -kernel "$ELF" -dtb "$F/empty.dtb"
cp "$F/good.dtb" "$F/totalsize.dtb" && patch "$F/totalsize.dtb" 4 N 0x100000
expect 125 "-dtb whose header's totalsize runs past the file" "karasu-rv: .*$F/totalsize.dtb.*devicetree" \
	"${M[@]}" -kernel "$ELF" -dtb "$F/totalsize.dtb"

# ---- -initrd, -drive, -bios ----
expect 125 "-initrd missing" "karasu-rv: .*$F/none.*($ENOENT)" "${M[@]}" -kernel "$ELF" -initrd "$F/none"
expect 125 "-initrd a directory" "karasu-rv: .*$F/dir.*(not a regular file|directory)" "${M[@]}" -kernel "$ELF" -initrd "$F/dir"
truncate -s 200M "$F/big.initrd"
expect 125 "-initrd of 200 MiB with -m 128M" "karasu-rv: .*$F/big.initrd.*(too large|does not fit)" \
	"${M[@]}" -kernel "$ELF" -initrd "$F/big.initrd"
expect 125 "-drive a missing file" "karasu-rv: .*$F/none.*($ENOENT)" "${M[@]}" -kernel "$ELF" \
	-drive "file=$F/none,format=raw,if=virtio"
expect 125 "-drive an empty file" "karasu-rv: .*$F/empty.*(empty|sector)" "${M[@]}" -kernel "$ELF" \
	-drive "file=$F/empty,format=raw,if=virtio"
expect 125 "-drive a directory" "karasu-rv: .*$F/dir.*directory" "${M[@]}" -kernel "$ELF" \
	-drive "file=$F/dir,format=raw,if=virtio"
expect 125 "-bios a missing file" "karasu-rv: .*$F/none.*($ENOENT)" "${M[@]}" -bios "$F/none" -kernel "$ELF"
expect 125 "-bios an empty file" "karasu-rv: .*$F/empty.*empty" "${M[@]}" -bios "$F/empty" -kernel "$ELF"
expect 125 "-bios a directory" "karasu-rv: .*$F/dir.*(not a regular file|directory)" "${M[@]}" -bios "$F/dir" -kernel "$ELF"

# ---- usage errors ----
expect 2 "an unknown option" "karasu-rv: .*-frobnicate" "${M[@]}" -kernel "$ELF" -frobnicate
expect 2 "-smp 0" "karasu-rv: .*-smp 0" "${M[@]}" -kernel "$ELF" -smp 0
expect 2 "-smp 999" "karasu-rv: .*-smp 999" "${M[@]}" -kernel "$ELF" -smp 999
expect 2 "-smp 4x" "karasu-rv: .*-smp 4x" "${M[@]}" -kernel "$ELF" -smp 4x
expect 2 "-m 1X" "karasu-rv: .*-m 1X" -M virt -kernel "$ELF" -m 1X
expect 2 "-m 0" "karasu-rv: .*-m 0" -M virt -kernel "$ELF" -m 0
expect 2 "-m without a value" "karasu-rv: .*-m" -M virt -kernel "$ELF" -m
expect 2 "-drive without file=" "karasu-rv: .*(file=|-drive)" "${M[@]}" -kernel "$ELF" -drive format=raw,if=virtio
expect 2 "-drive format=qcow2" "karasu-rv: .*qcow2" "${M[@]}" -kernel "$ELF" -drive "file=$F/random,format=qcow2,if=virtio"
expect 2 "-M foo" "karasu-rv: .*foo" -M foo -kernel "$ELF"
expect 2 "-M virt,foo=bar" "karasu-rv: .*foo" -M virt,foo=bar -kernel "$ELF"
expect 2 "no -M" "karasu-rv: .*-M virt" -kernel "$ELF"
expect 0 "--help" "^usage: karasu-rv -M virt" -M virt --help

# ---- -dumpdtb ----
args='console=ttyS0 quoted="a b" karasu.test=1'
expect 0 "-dumpdtb with -smp 4" "wrote the devicetree" -M virt -smp 4 -kernel "$ELF" -append "$args" -dumpdtb "$F/smp4.dtb"
if dtc -q -I dtb -O dts -o "$F/smp4.dts" "$F/smp4.dtb" 2>"$LOGDIR/dtc.log"; then
	tap_ok "-dumpdtb: dtc reads the blob"
else
	tap_fail "-dumpdtb: dtc -I dtb -O dts failed" "$LOGDIR/dtc.log"
fi
cpus=$(fdtget -l "$F/smp4.dtb" /cpus 2>/dev/null | grep -c '^cpu@')
[ "$cpus" = 4 ] && tap_ok "-dumpdtb: 4 cpu nodes for -smp 4" || tap_fail "-dumpdtb: $cpus cpu nodes for -smp 4" "$F/smp4.dts"
got=$(fdtget "$F/smp4.dtb" /chosen bootargs 2>&1)
[ "$got" = "$args" ] && tap_ok "-dumpdtb: /chosen/bootargs is the -append string" ||
	tap_fail "-dumpdtb: /chosen/bootargs = '$got', expected '$args'" "$F/smp4.dts"
expect 0 "-M virt,dumpdtb=FILE (QEMU's spelling)" "wrote the devicetree" -M "virt,dumpdtb=$F/qemu-spelling.dtb" -smp 2 \
	-kernel "$ELF" -append "$args"
cpus=$(fdtget -l "$F/qemu-spelling.dtb" /cpus 2>/dev/null | grep -c '^cpu@')
[ "$cpus" = 2 ] && tap_ok "-M virt,dumpdtb=: 2 cpu nodes for -smp 2" || tap_fail "-M virt,dumpdtb=: $cpus cpu nodes for -smp 2"
# a user's devicetree: bootargs and the initrd patched into /chosen
head -c 12345 /dev/urandom >"$F/small.initrd"
expect 0 "-dtb with -append and -initrd, dumped" "wrote the devicetree" -M virt -smp 4 -kernel "$ELF" -dtb "$F/smp4.dtb" \
	-append "patched args" -initrd "$F/small.initrd" -dumpdtb "$F/patched.dtb"
got=$(fdtget "$F/patched.dtb" /chosen bootargs 2>&1)
start=$(fdtget -t x "$F/patched.dtb" /chosen linux,initrd-start 2>&1)
end=$(fdtget -t x "$F/patched.dtb" /chosen linux,initrd-end 2>&1)
if [ "$got" = "patched args" ] && [[ "$start" =~ ^[0-9a-f\ ]+$ ]] && [[ "$end" =~ ^[0-9a-f\ ]+$ ]] &&
	[ $((0x${end// /} - 0x${start// /})) -eq 12345 ]; then
	tap_ok "-dtb: bootargs replaced, linux,initrd-start/end span the initrd's 12345 bytes"
else
	tap_fail "-dtb: bootargs '$got', initrd-start '$start', initrd-end '$end' (expected 'patched args' and 12345 bytes)"
fi

# ---- the devicetree against QEMU's ----
if ! command -v "$QEMU" >/dev/null; then
	tap_fail "$QEMU is not installed: karasu-rv's devicetree not compared with QEMU's virt"
else
	run_timeout 20 "$LOGDIR/qemu-dumpdtb.log" "$QEMU" -M "virt,dumpdtb=$F/qemu.dtb" -smp 4 -m 128M -nographic \
		-bios none -kernel "$ELF" -append "$args"
	"$KARASU_RV" -M virt -smp 4 -m 128M -kernel "$ELF" -append "$args" -dumpdtb "$F/karasu.dtb" >/dev/null 2>&1
	if [ ! -s "$F/qemu.dtb" ]; then
		tap_fail "QEMU did not dump its devicetree" "$LOGDIR/qemu-dumpdtb.log"
	else
		diffs=$LOGDIR/dtb-diffs.txt
		: >"$diffs"
		nodes=$(fdtget -l "$F/karasu.dtb" /soc)
		for n in $nodes; do
			for p in reg interrupts compatible; do
				if [ $p = compatible ]; then
					a=$(fdtget "$F/karasu.dtb" "/soc/$n" $p 2>&1)
					b=$(fdtget "$F/qemu.dtb" "/soc/$n" $p 2>&1)
				else
					a=$(fdtget -d none -t x "$F/karasu.dtb" "/soc/$n" $p 2>&1)
					b=$(fdtget -d none -t x "$F/qemu.dtb" "/soc/$n" $p 2>&1)
				fi
				[ "$a" = "$b" ] || echo "/soc/$n $p: karasu-rv [$a], QEMU [$b]" >>"$diffs"
			done
		done
		for p in "/memory@80000000 reg" "/cpus timebase-frequency" "/chosen bootargs"; do
			set -- $p
			a=$(fdtget -t x "$F/karasu.dtb" "$1" "$2" 2>&1)
			b=$(fdtget -t x "$F/qemu.dtb" "$1" "$2" 2>&1)
			[ "$a" = "$b" ] || echo "$1 $2: karasu-rv [$a], QEMU [$b]" >>"$diffs"
		done
		count=$(echo "$nodes" | wc -w)
		if [ ! -s "$diffs" ] && [ "$count" -ge 13 ]; then
			tap_ok "devicetree: all $count /soc nodes of karasu-rv are in QEMU's virt with the same reg, interrupts, compatible; memory, timebase, bootargs equal"
		else
			tap_fail "devicetree: $count /soc nodes (expected at least 13: test, rtc, clint, plic, uart, 8 virtio), differences from QEMU's:" "$diffs"
		fi
	fi
fi
tap_done
