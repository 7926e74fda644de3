# Unit tests of the bit-manipulation extensions (Zba, Zbb, Zbs, Zicond) in karasu-rv. Included by
# tests/unit/unit.mk.

# The x86-64 encoders they use (bit counts, bit tests, BMI andn/rorx, pcmpeqb), against capstone.
UNIT_SRCS_test_x86_emit_bitmanip := rv/jit/x86_emit.c
UNIT_LDLIBS_test_x86_emit_bitmanip := -lcapstone

# The interpreter's semantics against bit-by-bit definitions (decoder + interpreter).
UNIT_SRCS_test_rv_bitmanip := $(wildcard rv/isa/*.c) $(wildcard rv/interp/*.c) rv/user/mem.c rv/mem/flat.c

# The translator against the interpreter, with the host's BMI1/BMI2/LZCNT/POPCNT and without them.
UNIT_SRCS_test_jit_bitmanip := $(wildcard rv/jit/*.c) $(wildcard rv/isa/*.c) $(wildcard rv/interp/*.c) \
	rv/user/mem.c rv/mem/flat.c
UNIT_LDLIBS_test_jit_bitmanip := -lcapstone -lpthread

# What user mode tells programs about the extensions: riscv_hwprobe and /proc/cpuinfo.
UNIT_SRCS_test_rv_hwprobe := rv/user/sys_hwprobe.c rv/user/guest_copy.c rv/user/mem.c rv/mem/flat.c
UNIT_SRCS_test_rv_cpuinfo := rv/user/procfs.c rv/user/mem.c rv/mem/flat.c
