# karasu: one build for both engines. `make` builds everything; `make test`, `make run`, `make bench`.
# Objects go under build/ (see mk/config.mk); each area keeps its own fragment.
.DEFAULT_GOAL := all
include mk/config.mk

# Each fragment appends to these.
ALL_TARGETS :=          # what `make` builds
UNIT_TESTS :=           # host unit-test executables (cmocka, TAP output)
INTEGRATION_TESTS :=    # integration test scripts (tests/integration/*.sh, TAP output)
INTEGRATION_DEPS :=     # what the integration tests need built first
BENCH_TARGETS :=        # phony targets that print one benchmark table each

# Installs the Debian packages once per machine (the stamp lives in build/, so a fresh clone runs it).
DEPS_STAMP := $(BUILD)/.deps-stamp
$(DEPS_STAMP): scripts/deps
	@mkdir -p $(dir $@)
	$(Q)scripts/deps
	@touch $@
deps: $(DEPS_STAMP)

include lib/lib.mk
include rv/rv.mk
include rv/sysroot.mk
include hv/hv.mk
include guest/guest.mk
include tests/unit/unit.mk
include tests/integration/integration.mk
include bench/bench.mk
-include hv/image.mk
-include rv/run.mk
-include tests/fuzz/fuzz.mk

all: $(ALL_TARGETS) | $(DEPS_STAMP)
$(ALL_TARGETS) $(UNIT_TESTS) $(INTEGRATION_DEPS): | $(DEPS_STAMP)

# `make test`: style, then unit tests, then integration tests; ends with `N passed, N failed`.
test: | $(DEPS_STAMP)
	$(Q)$(MAKE) --no-print-directory format-check
	$(Q)$(MAKE) --no-print-directory all $(UNIT_TESTS) $(INTEGRATION_DEPS)
	$(Q)BUILD=$(BUILD) scripts/run-tests --unit $(UNIT_TESTS) --integration $(INTEGRATION_TESTS)

unit: $(UNIT_TESTS)
	$(Q)BUILD=$(BUILD) scripts/run-tests --unit $(UNIT_TESTS)

integration: all $(INTEGRATION_DEPS)
	$(Q)BUILD=$(BUILD) scripts/run-tests --integration $(INTEGRATION_TESTS)

bench: all $(BENCH_TARGETS)

# (wildcard: a file deleted in the work tree but not yet in a commit is still listed by git)
FORMAT_FILES = $(wildcard $(shell git ls-files -co --exclude-standard '*.c' '*.h'))
format-check: | $(DEPS_STAMP)
	@echo "  FORMAT  checking $(words $(FORMAT_FILES)) files against .clang-format"
	$(Q)clang-format --dry-run -Werror $(FORMAT_FILES)
	$(Q)scripts/check-layers

format:
	$(Q)clang-format -i $(FORMAT_FILES)

clean:
	rm -rf $(BUILD)

help:
	@echo "make            build everything (installs Debian packages on first use)"
	@echo "make test       format check, unit tests, integration tests; ends with 'N passed, N failed'"
	@echo "make run        boot the default karasu-hv config under QEMU (CONFIG=, GUEST_CMD=)"
	@echo "make bench      benchmark tables (ratios measured side by side)"
	@echo "make unit | integration | format | format-check | deps | clean"

.PHONY: all deps test unit integration bench format-check format clean help run
.DELETE_ON_ERROR:
# Objects and test data reached only through pattern rules are not throw-away intermediates: keep them.
.SECONDARY:

# (the riscv64 sysroot holds directories named *.d, e.g. etc/ld.so.conf.d)
-include $(shell find $(BUILD) -path $(BUILD)/sysroot-rv -prune -o -name '*.d' -type f -print 2>/dev/null)
