# Translator vs interpreter: the differential fuzzer's program generator (tests/fuzz/rv_gen.c and its
# bit-manipulation part) and every rv/ source but the program's main.
LF_SRCS_rv_jit_diff := tests/fuzz/rv_gen.c tests/fuzz/rv_gen_bitmanip.c $(filter-out rv/main.c,$(call rwildcard,rv,*.c))
LF_LDLIBS_rv_jit_diff := -lcapstone -lpthread
# Spliced words and register values need room: let inputs be long from the start.
LF_OPTIONS_rv_jit_diff := -max_len=512 -len_control=0
