# Coverage-guided fuzzing with libFuzzer (clang -fsanitize=fuzzer,address,undefined); see docs/fuzzing.md.
#
# A harness is tests/fuzz/harness/NAME.c, defining LLVMFuzzerTestOneInput (and optionally
# LLVMFuzzerInitialize); it is found by wildcard. Every harness links all of lib/. What else it needs is in
# tests/fuzz/harness/NAME.mk:
#   LF_SRCS_NAME   := rv/user/elf.c ...   extra sources
#   LF_CFLAGS_NAME := -DX                 extra flags for the harness file itself (sources are shared)
#   LF_LDLIBS_NAME := -lpthread           extra libraries
#   LF_DICT_NAME   := tests/fuzz/harness/NAME.dict   a libFuzzer dictionary (read by the run script)
#   LF_OPTIONS_NAME := -max_len=65536     libFuzzer options for fuzzing runs (read by the run script)
# The seed corpus is tests/fuzz/corpus/NAME/.
#
# Objects:  $(BUILD)/lf/PATH.o (sanitizer coverage + ASan + UBSan; clang, whatever HOST_CC is)
# Binaries: $(BUILD)/tests/fuzz/lf/NAME
# Targets:  fuzz-harnesses  build them all
#           fuzz-lf         run each for FUZZ_SECONDS in turn, print a table (FUZZ_HARNESSES="a b": a subset)
#           fuzz-merge      minimise what fuzz-lf found into the repository's corpus (-merge=1)
# `make fuzz` runs fuzz-lf, then the differential fuzzers (tests/fuzz/fuzz.mk); `make test` replays every
# corpus file once (tests/integration/test-fuzz-corpus.sh).

LF_CC ?= clang
LF_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(INCLUDES) -O1 -g -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined -DKARASU_HOST_TEST -DKARASU_FUZZING
# Code under test gets coverage instrumentation without libFuzzer's main(); the link adds it.
LF_SANITIZE_COMPILE := -fsanitize=fuzzer-no-link,address,undefined
LF_SANITIZE_LINK := -fsanitize=fuzzer,address,undefined

LF_HARNESS_DIR := tests/fuzz/harness
LF_NAMES := $(sort $(patsubst $(LF_HARNESS_DIR)/%.c,%,$(wildcard $(LF_HARNESS_DIR)/*.c)))
-include $(wildcard $(LF_HARNESS_DIR)/*.mk)
LF_BINS := $(patsubst %,$(BUILD)/tests/fuzz/lf/%,$(LF_NAMES))
LF_LIB_OBJS := $(patsubst %.c,$(BUILD)/lf/%.o,$(LIB_SRCS))
# (a function, as in tests/unit/unit.mk: make would substitute the stem for a '%' inside a prerequisite)
lf_extra_objs = $(patsubst %.c,$(BUILD)/lf/%.o,$(LF_SRCS_$(1)))

$(BUILD)/lf/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC-LF   $@"
	$(Q)$(LF_CC) $(LF_CFLAGS) $(LF_SANITIZE_COMPILE) $(DEPFLAGS) -c $< -o $@

# The harness file itself: the same, plus its own flags (shortest stem wins over the rule above).
$(BUILD)/lf/$(LF_HARNESS_DIR)/%.o: $(LF_HARNESS_DIR)/%.c | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  CC-LF   $@"
	$(Q)$(LF_CC) $(LF_CFLAGS) $(LF_CFLAGS_$*) $(LF_SANITIZE_COMPILE) $(DEPFLAGS) -c $< -o $@

.SECONDEXPANSION:
$(LF_BINS): $(BUILD)/tests/fuzz/lf/%: $(BUILD)/lf/$(LF_HARNESS_DIR)/%.o $(LF_LIB_OBJS) $$(call lf_extra_objs,$$*)
	@mkdir -p $(dir $@)
	@echo "  LD-LF   $@"
	$(Q)$(LF_CC) $(LF_SANITIZE_LINK) $(filter %.o,$^) $(LF_LDLIBS_$*) -lm -o $@

# What the run script is given: the build directory, and the harnesses to run (all by default).
FUZZ_HARNESSES ?= $(LF_NAMES)
LF_RUN := tests/fuzz/run-harnesses --build $(BUILD)

fuzz-harnesses: $(LF_BINS)
fuzz-lf: $(LF_BINS)
	$(Q)$(LF_RUN) --seconds $(FUZZ_SECONDS) $(FUZZ_HARNESSES)
fuzz-merge: $(LF_BINS)
	$(Q)$(LF_RUN) --merge $(FUZZ_HARNESSES)

# `make test` replays every corpus file through its harness.
INTEGRATION_DEPS += $(LF_BINS)
.PHONY: fuzz-harnesses fuzz-lf fuzz-merge
