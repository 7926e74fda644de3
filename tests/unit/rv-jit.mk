# Unit tests of the karasu-rv translator (rv/jit). Included by tests/unit/unit.mk.
UNIT_SRCS_test_x86_emit := rv/jit/x86_emit.c
UNIT_LDLIBS_test_x86_emit := -lcapstone
# unit.mk's pattern rule substitutes the stem into the patsubst pattern before the second expansion,
# so UNIT_SRCS_* objects are not linked yet: name them as explicit prerequisites as well.
$(BUILD)/tests/unit/test_x86_emit: $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS_test_x86_emit))

# The translator against the interpreter: the whole of rv/jit, rv/isa, rv/interp and guest memory.
UNIT_SRCS_test_jit := $(wildcard rv/jit/*.c) $(wildcard rv/isa/*.c) $(wildcard rv/interp/*.c) rv/user/mem.c
UNIT_LDLIBS_test_jit := -lcapstone
$(BUILD)/tests/unit/test_jit: $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS_test_jit))
