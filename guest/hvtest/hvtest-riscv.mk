# hvtest for RISC-V (karasu-rv): the shared sources and guest/hvtest/riscv/, linked with lib/fmt, lib/mem and
# lib/compiler_shims compiled for riscv64 into a flat RISC-V Linux Image (hvtest-rv.bin) that karasu-rv and
# QEMU load like a kernel at RAM + 2 MiB, with the ELF (hvtest-rv.elf) beside it for gdb.
# Freestanding rv64gc, soft-float ABI (the C code never touches FP registers: sstatus.FS stays Off), medany
# (the image lives at 0x80200000), no PIE, no build-id note, no linker relaxation (gp is never set up).
HVTEST_RV_OUT := $(BUILD)/guest/hvtest/riscv64
HVTEST_RV_ARCH := -march=rv64gc -mabi=lp64 -mcmodel=medany -fno-pie
# -D_LIBC_LIMITS_H_: GCC's own <limits.h> without glibc's (Debian ships riscv64 glibc headers for lp64d only).
HVTEST_RV_CFLAGS := $(HVTEST_RV_ARCH) -std=c11 -O2 -g $(WARN) $(INCLUDES) -ffreestanding -fno-builtin \
	-fno-tree-loop-distribute-patterns -fno-stack-protector -fno-omit-frame-pointer -msmall-data-limit=0 \
	-DKARASU_FREESTANDING -D_LIBC_LIMITS_H_
HVTEST_RV_ASFLAGS := $(HVTEST_RV_ARCH) $(INCLUDES) -g -DKARASU_FREESTANDING -D__ASSEMBLY__
HVTEST_RV_LDS := guest/hvtest/riscv/hvtest.ld
HVTEST_RV_LDFLAGS := $(HVTEST_RV_ARCH) -nostdlib -static -no-pie -Wl,--build-id=none -Wl,--no-relax \
	-Wl,--no-warn-rwx-segments -Wl,-T,$(HVTEST_RV_LDS)

HVTEST_RV_C_SRCS := $(HVTEST_SHARED_C_SRCS) $(wildcard guest/hvtest/riscv/*.c) lib/fmt.c lib/mem.c \
	lib/compiler_shims.c
HVTEST_RV_S_SRCS := $(wildcard guest/hvtest/riscv/*.S)
HVTEST_RV_OBJS := $(patsubst %.c,$(HVTEST_RV_OUT)/%.o,$(HVTEST_RV_C_SRCS)) \
	$(patsubst %.S,$(HVTEST_RV_OUT)/%.o,$(HVTEST_RV_S_SRCS))
HVTEST_RV_ELF := $(BUILD)/guest/hvtest/hvtest-rv.elf
HVTEST_RV_BIN := $(BUILD)/guest/hvtest/hvtest-rv.bin
RISCV_OBJCOPY ?= $(RISCV_CROSS)objcopy

$(HVTEST_RV_OUT)/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC-RV   $@"
	$(Q)$(RISCV_CC) $(HVTEST_RV_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(HVTEST_RV_OUT)/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS-RV   $@"
	$(Q)$(RISCV_CC) $(HVTEST_RV_ASFLAGS) $(DEPFLAGS) -c $< -o $@

$(HVTEST_RV_ELF): $(HVTEST_RV_OBJS) $(HVTEST_RV_LDS)
	@mkdir -p $(dir $@)
	@echo "  LD-RV   $@"
	$(Q)$(RISCV_CC) $(HVTEST_RV_LDFLAGS) -o $@ $(filter %.o,$^)

$(HVTEST_RV_BIN): $(HVTEST_RV_ELF)
	@echo "  OBJCOPY $@"
	$(Q)$(RISCV_OBJCOPY) -O binary $< $@

hvtest-rv: $(HVTEST_RV_BIN)
.PHONY: hvtest-rv
ALL_TARGETS += $(HVTEST_RV_BIN)
INTEGRATION_DEPS += $(HVTEST_RV_BIN)
