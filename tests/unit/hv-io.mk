# Extra sources for the hv-io unit tests (see tests/unit/unit.mk). The explicit prerequisite line makes sure
# the objects are built and linked (the generic pattern rule's '%' also rewrites inside $$(patsubst ...)).
UNIT_SRCS_test_console := hv/core/console.c
$(BUILD)/tests/unit/test_console: $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS_test_console))
