# Host unit tests: every tests/unit/test_NAME.c is one cmocka executable, built with AddressSanitizer and
# UBSan and linked with all of lib/. A test that needs more code (from hv/ or rv/) names it in the
# fragment of that area:  UNIT_SRCS_test_NAME := hv/vdev/vgic_queue.c ...
# and extra libraries as  UNIT_LDLIBS_test_NAME := -lcapstone
# Test data that must be generated (dtc blobs, disk images) is added to UNIT_DATA; tests find it under
# $KARASU_TEST_DATA (= $(BUILD)/tests/unit/data).
# Areas may keep their own unit-test fragments here (tests/unit/NAME.mk).
-include $(filter-out tests/unit/unit.mk,$(wildcard tests/unit/*.mk))

UNIT_TEST_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_TESTS += $(patsubst tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_TEST_SRCS))
UNIT_DATA_DIR := $(BUILD)/tests/unit/data
UNIT_DATA += $(patsubst tests/unit/data/%.dts,$(UNIT_DATA_DIR)/%.dtb,$(wildcard tests/unit/data/*.dts))

$(UNIT_DATA_DIR)/%.dtb: tests/unit/data/%.dts | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  DTC     $@"
	$(Q)dtc -q -I dts -O dtb -o $@ $<

# Objects of a test's extra sources. A function, not an inline $(patsubst %...): make substitutes the stem
# for every '%' written in a pattern rule's prerequisites, even inside a function call.
unit_extra_objs = $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS_$(1)))

.SECONDEXPANSION:
$(BUILD)/tests/unit/%: $(BUILD)/asan/tests/unit/%.o $(LIB_ASAN_OBJS) $$(call unit_extra_objs,$$*) | $$(UNIT_DATA)
	@mkdir -p $(dir $@)
	@echo "  LD-ASAN $@"
	$(Q)$(HOST_CC) $(ASAN_LDFLAGS) $(filter %.o,$^) -lcmocka $(UNIT_LDLIBS_$*) -lm -o $@
