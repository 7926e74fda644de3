# Differential fuzzer of karasu-rv: random RV64GC programs, translator vs interpreter (tests/fuzz/).
# Linked with every rv/ object except rv/main.c (through an archive, so only what the fuzzer uses is
# pulled in) and lib/. `make fuzz` runs it for FUZZ_SECONDS with a time-based seed; `make test` runs a
# fixed-seed short run (tests/integration/test-rv-fuzz.sh).
RV_FUZZ := $(BUILD)/tests/fuzz/rv_fuzz
RV_FUZZ_LIB := $(BUILD)/tests/fuzz/librv-for-fuzz.a
RV_FUZZ_RV_OBJS = $(patsubst %.c,$(BUILD)/host/%.o,$(filter-out rv/main.c,$(call rwildcard,rv,*.c)))
RV_FUZZ_OBJS := $(BUILD)/host/tests/fuzz/rv_fuzz.o $(BUILD)/host/tests/fuzz/rv_gen.o
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

fuzz: $(RV_FUZZ)
	$(RV_FUZZ) --seconds $(FUZZ_SECONDS) --length 64 $(FUZZ_ARGS)

INTEGRATION_DEPS += $(RV_FUZZ)
.PHONY: fuzz

# The same fuzzer built with AddressSanitizer + UBSan (asan flavor objects): memory errors in the
# translator, interpreter or decoder show up as sanitizer reports.
RV_FUZZ_ASAN := $(BUILD)/tests/fuzz/rv_fuzz-asan
# Built by plain `make` too, so that a test script run by hand never uses a stale fuzzer.
ALL_TARGETS += $(RV_FUZZ) $(RV_FUZZ_ASAN)
RV_FUZZ_ASAN_LIB := $(BUILD)/tests/fuzz/librv-for-fuzz-asan.a
RV_FUZZ_ASAN_OBJS := $(BUILD)/asan/tests/fuzz/rv_fuzz.o $(BUILD)/asan/tests/fuzz/rv_gen.o

$(RV_FUZZ_ASAN_LIB): $(patsubst $(BUILD)/host/%,$(BUILD)/asan/%,$(RV_FUZZ_RV_OBJS))
	@mkdir -p $(dir $@)
	@echo "  AR      $@"
	$(Q)rm -f $@ && ar rcs $@ $^

$(RV_FUZZ_ASAN): $(RV_FUZZ_ASAN_OBJS) $(RV_FUZZ_ASAN_LIB) $(LIB_ASAN_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD-ASAN $@"
	$(Q)$(HOST_CC) $(ASAN_LDFLAGS) -o $@ $(RV_FUZZ_ASAN_OBJS) $(RV_FUZZ_ASAN_LIB) $(LIB_ASAN_OBJS) \
		-lcapstone -lm -lpthread

fuzz-asan: $(RV_FUZZ_ASAN)
	$(RV_FUZZ_ASAN) --seconds $(FUZZ_SECONDS) --length 64 $(FUZZ_ARGS)

INTEGRATION_DEPS += $(RV_FUZZ_ASAN)
.PHONY: fuzz-asan
