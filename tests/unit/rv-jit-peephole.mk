# The translator's local optimisations (inner branches, fused pairs, folded offsets, short forms,
# conditional moves) against the interpreter: the same sources as test_jit (tests/unit/rv-jit.mk).
UNIT_SRCS_test_jit_peephole := $(wildcard rv/jit/*.c) $(wildcard rv/isa/*.c) $(wildcard rv/interp/*.c) \
	rv/user/mem.c rv/mem/flat.c
UNIT_LDLIBS_test_jit_peephole := -lcapstone -lpthread
