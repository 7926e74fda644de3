# The system-mode page-table walker (rv/system/mmu.c) needs a whole test machine: every rv/ source but the
# program's main (only what the harness reaches matters; the rest links unused).
LF_SRCS_rv_ptw := $(filter-out rv/main.c,$(call rwildcard,rv,*.c))
LF_LDLIBS_rv_ptw := -lcapstone -lpthread
# rv/interp/fp.c changes the host's rounding mode and reads its flags around its FP computations: under
# clang (which has no noipa, see fp.c) it needs -ffp-model=strict so that no FP operation moves across
# those accesses. (Every harness that links rv/ shares this object.)
$(BUILD)/lf/rv/interp/fp.o: LF_CFLAGS += -ffp-model=strict
LF_OPTIONS_rv_ptw := -max_len=512
