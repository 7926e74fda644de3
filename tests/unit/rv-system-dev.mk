# Unit tests of karasu-rv's system-mode device models (rv/system/dev). Included by tests/unit/unit.mk.
# unit.mk's pattern rule does not see UNIT_SRCS_* objects as prerequisites, so they are also named
# explicitly.

UNIT_SRCS_test_rv_uart16550 := rv/system/dev/uart16550.c
$(BUILD)/tests/unit/test_rv_uart16550: $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS_test_rv_uart16550))

UNIT_SRCS_test_rv_plic := rv/system/dev/plic.c
$(BUILD)/tests/unit/test_rv_plic: $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS_test_rv_plic))

UNIT_SRCS_test_rv_clint := rv/system/dev/clint.c
$(BUILD)/tests/unit/test_rv_clint: $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS_test_rv_clint))

UNIT_SRCS_test_rv_sifive_test := rv/system/dev/sifive_test.c
$(BUILD)/tests/unit/test_rv_sifive_test: $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS_test_rv_sifive_test))

UNIT_SRCS_test_rv_goldfish_rtc := rv/system/dev/goldfish_rtc.c
$(BUILD)/tests/unit/test_rv_goldfish_rtc: $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS_test_rv_goldfish_rtc))

# lib/virtio_blk.c comes with all of lib/, which every unit test links.
UNIT_SRCS_test_rv_virtio_slot := rv/system/dev/virtio_slot.c
$(BUILD)/tests/unit/test_rv_virtio_slot: $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS_test_rv_virtio_slot))
