# Differential fuzzers of karasu-rv, translator vs interpreter (tests/fuzz/):
#  - rv_fuzz: random RV64GC user-mode programs (rv_gen.c) on flat memory;
#  - rv_fuzz_system: random privileged programs (M/S/U, traps, CSRs, Sv39/Sv48, PMP, stores into code)
#    on a system-mode test machine (rv/system/test_machine.c), run through the real hart run loop. A
#    second binary rather than a mode of rv_fuzz: its machine, program model and compared state share
#    nothing with user mode's but rv_gen's random code.
# Linked with every rv/ object except rv/main.c (through an archive, so only what a fuzzer uses is
# pulled in) and lib/. `make fuzz` runs each for FUZZ_SECONDS with a time-based seed (`make fuzz-user`,
# `make fuzz-system`: one of them); `make test` runs fixed-seed short runs
# (tests/integration/test-rv-fuzz.sh).
RV_FUZZ := $(BUILD)/tests/fuzz/rv_fuzz
RV_FUZZ_LIB := $(BUILD)/tests/fuzz/librv-for-fuzz.a
RV_FUZZ_RV_OBJS = $(patsubst %.c,$(BUILD)/host/%.o,$(filter-out rv/main.c,$(call rwildcard,rv,*.c)))
RV_FUZZ_OBJS := $(BUILD)/host/tests/fuzz/rv_fuzz.o $(BUILD)/host/tests/fuzz/rv_gen.o \
	$(BUILD)/host/tests/fuzz/rv_gen_bitmanip.o
FUZZ_SECONDS ?= 600
FUZZ_ARGS ?=

$(RV_FUZZ_LIB): $(RV_FUZZ_RV_OBJS)
	@mkdir -p $(dir $@)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(RV_FUZZ): $(RV_FUZZ_OBJS) $(RV_FUZZ_LIB) $(LIB_HOST_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(HOST_CC) -o $@ $(RV_FUZZ_OBJS) $(RV_FUZZ_LIB) $(LIB_HOST_OBJS) -lcapstone -lm -lpthread

RV_FUZZ_SYSTEM := $(BUILD)/tests/fuzz/rv_fuzz_system
RV_FUZZ_SYSTEM_SRCS := tests/fuzz/rv_fuzz_system.c tests/fuzz/rv_gen.c tests/fuzz/rv_gen_bitmanip.c \
	tests/fuzz/sys_code.c tests/fuzz/sys_gen.c tests/fuzz/sys_handler.c tests/fuzz/sys_items.c \
	tests/fuzz/sys_items_machine.c tests/fuzz/sys_pt.c tests/fuzz/sys_state.c
RV_FUZZ_SYSTEM_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(RV_FUZZ_SYSTEM_SRCS))
FUZZ_SYSTEM_ARGS ?=

$(RV_FUZZ_SYSTEM): $(RV_FUZZ_SYSTEM_OBJS) $(RV_FUZZ_LIB) $(LIB_HOST_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(HOST_CC) -o $@ $(RV_FUZZ_SYSTEM_OBJS) $(RV_FUZZ_LIB) $(LIB_HOST_OBJS) -lcapstone -lm -lpthread

include tests/fuzz/libfuzzer.mk

# The libFuzzer harnesses first (FUZZ_SECONDS each), then the two differential fuzzers, one at a time; a
# crash in one does not stop the others, and makes the whole target fail.
fuzz: $(LF_BINS) $(RV_FUZZ) $(RV_FUZZ_SYSTEM)
	$(Q)status=0; \
	$(LF_RUN) --seconds $(FUZZ_SECONDS) $(FUZZ_HARNESSES) || status=1; \
	$(MAKE) --no-print-directory -j1 fuzz-user fuzz-system || status=1; \
	exit $$status
fuzz-user: $(RV_FUZZ)
	$(RV_FUZZ) --seconds $(FUZZ_SECONDS) --length 64 $(FUZZ_ARGS)
fuzz-system: $(RV_FUZZ_SYSTEM)
	$(RV_FUZZ_SYSTEM) --seconds $(FUZZ_SECONDS) --stats $(FUZZ_SYSTEM_ARGS)

INTEGRATION_DEPS += $(RV_FUZZ) $(RV_FUZZ_SYSTEM)
.PHONY: fuzz fuzz-user fuzz-system

# The same fuzzer built with AddressSanitizer + UBSan (asan flavor objects): memory errors in the
# translator, interpreter or decoder show up as sanitizer reports.
RV_FUZZ_ASAN := $(BUILD)/tests/fuzz/rv_fuzz-asan
# Built by plain `make` too, so that a test script run by hand never uses a stale fuzzer.
ALL_TARGETS += $(RV_FUZZ) $(RV_FUZZ_ASAN)
RV_FUZZ_ASAN_LIB := $(BUILD)/tests/fuzz/librv-for-fuzz-asan.a
RV_FUZZ_ASAN_OBJS := $(BUILD)/asan/tests/fuzz/rv_fuzz.o $(BUILD)/asan/tests/fuzz/rv_gen.o \
	$(BUILD)/asan/tests/fuzz/rv_gen_bitmanip.o

$(RV_FUZZ_ASAN_LIB): $(patsubst $(BUILD)/host/%,$(BUILD)/asan/%,$(RV_FUZZ_RV_OBJS))
	@mkdir -p $(dir $@)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(RV_FUZZ_ASAN): $(RV_FUZZ_ASAN_OBJS) $(RV_FUZZ_ASAN_LIB) $(LIB_ASAN_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD-ASAN $@"
	$(Q)$(HOST_CC) $(ASAN_LDFLAGS) -o $@ $(RV_FUZZ_ASAN_OBJS) $(RV_FUZZ_ASAN_LIB) $(LIB_ASAN_OBJS) \
		-lcapstone -lm -lpthread

RV_FUZZ_SYSTEM_ASAN := $(BUILD)/tests/fuzz/rv_fuzz_system-asan
RV_FUZZ_SYSTEM_ASAN_OBJS := $(patsubst %.c,$(BUILD)/asan/%.o,$(RV_FUZZ_SYSTEM_SRCS))
ALL_TARGETS += $(RV_FUZZ_SYSTEM) $(RV_FUZZ_SYSTEM_ASAN)

$(RV_FUZZ_SYSTEM_ASAN): $(RV_FUZZ_SYSTEM_ASAN_OBJS) $(RV_FUZZ_ASAN_LIB) $(LIB_ASAN_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD-ASAN $@"
	$(Q)$(HOST_CC) $(ASAN_LDFLAGS) -o $@ $(RV_FUZZ_SYSTEM_ASAN_OBJS) $(RV_FUZZ_ASAN_LIB) $(LIB_ASAN_OBJS) \
		-lcapstone -lm -lpthread

fuzz-asan: $(RV_FUZZ_ASAN) $(RV_FUZZ_SYSTEM_ASAN)
	$(RV_FUZZ_ASAN) --seconds $(FUZZ_SECONDS) --length 64 $(FUZZ_ARGS)
	$(RV_FUZZ_SYSTEM_ASAN) --seconds $(FUZZ_SECONDS) $(FUZZ_SYSTEM_ARGS)

INTEGRATION_DEPS += $(RV_FUZZ_ASAN) $(RV_FUZZ_SYSTEM_ASAN)
.PHONY: fuzz-asan
