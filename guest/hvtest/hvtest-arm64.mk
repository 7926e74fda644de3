# hvtest for arm64 (karasu-hv): the shared sources and guest/hvtest/arm64/, linked with lib/fmt, lib/mem and
# lib/compiler_shims for aarch64 into an arm64 Image (hvtest.bin) that karasu loads like a Linux kernel.
HVTEST_C_SRCS := $(HVTEST_SHARED_C_SRCS) $(wildcard guest/hvtest/arm64/*.c)
HVTEST_S_SRCS := $(wildcard guest/hvtest/arm64/*.S)
HVTEST_OBJS := $(patsubst %.c,$(BUILD)/aarch64/%.o,$(HVTEST_C_SRCS)) \
	$(patsubst %.S,$(BUILD)/aarch64/%.o,$(HVTEST_S_SRCS)) \
	$(BUILD)/aarch64/lib/fmt.o $(BUILD)/aarch64/lib/mem.o $(BUILD)/aarch64/lib/compiler_shims.o
HVTEST_ELF := $(BUILD)/guest/hvtest/hvtest.elf
HVTEST_BIN := $(BUILD)/guest/hvtest/hvtest.bin

$(HVTEST_ELF): $(HVTEST_OBJS) guest/hvtest/arm64/hvtest.ld
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(AARCH64_LD) -nostdlib -static -T guest/hvtest/arm64/hvtest.ld --no-warn-rwx-segments -o $@ \
		$(filter %.o,$^)

$(HVTEST_BIN): $(HVTEST_ELF)
	@echo "  OBJCOPY $@"
	$(Q)$(AARCH64_OBJCOPY) -O binary $< $@

ALL_TARGETS += $(HVTEST_BIN)
