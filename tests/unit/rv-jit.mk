# Unit tests of the karasu-rv translator (rv/jit). Included by tests/unit/unit.mk.

# The x86-64 encoder, checked against capstone's disassembler.
UNIT_SRCS_test_x86_emit := rv/jit/x86_emit.c
UNIT_LDLIBS_test_x86_emit := -lcapstone

# The translator against the interpreter: the whole of rv/jit, rv/isa, rv/interp and guest memory.
UNIT_SRCS_test_jit := $(wildcard rv/jit/*.c) $(wildcard rv/isa/*.c) $(wildcard rv/interp/*.c) rv/user/mem.c rv/mem/flat.c
UNIT_LDLIBS_test_jit := -lcapstone -lpthread

# The random differential tests: the same sources as test_jit.
UNIT_SRCS_test_jit_random := $(UNIT_SRCS_test_jit)
UNIT_LDLIBS_test_jit_random := $(UNIT_LDLIBS_test_jit)
