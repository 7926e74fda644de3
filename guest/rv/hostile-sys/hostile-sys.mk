# Hostile bare-metal guests for karasu-rv's system mode (tests/integration/test-rv-system-hostile.sh):
# small assembly programs for QEMU's `virt` that fault on unmapped addresses, execute illegal
# instructions, trap with no handler, spin with interrupts off, rewrite their own code on every hart, flood
# the UART, and hand the virtio disk requests that point outside RAM.
#
#   guest/rv/hostile-sys/NAME.S   one guest each (macros: hsys.inc; report.S is linked into every one)
# Outputs in $(BUILD)/guest/rv/hostile-sys/: NAME.elf (M-mode, -bios none, at 0x80000000) and the
# variants NAME_smode.elf (built with -DSMODE: S-mode, at 0x80200000, for -bios default or OpenSBI) of
# the guests in RV_HSYS_SMODE, and smc_smp_nofence.elf (smc_smp without FENCE.I). Works included from
# the top Makefile or on its own:
#   make -f guest/rv/hostile-sys/hostile-sys.mk BUILD=...
BUILD ?= build
RISCV_CC ?= riscv64-linux-gnu-gcc
Q ?= @

RV_HSYS_OUT := $(BUILD)/guest/rv/hostile-sys
RV_HSYS_SRCS := $(filter-out guest/rv/hostile-sys/report.S,$(sort $(wildcard guest/rv/hostile-sys/*.S)))
RV_HSYS_SMODE := access_fault no_handler
RV_HSYS_ELFS := $(patsubst guest/rv/hostile-sys/%.S,$(RV_HSYS_OUT)/%.elf,$(RV_HSYS_SRCS)) \
	$(patsubst %,$(RV_HSYS_OUT)/%_smode.elf,$(RV_HSYS_SMODE)) $(RV_HSYS_OUT)/smc_smp_nofence.elf
RV_HSYS_DEPS := guest/rv/hostile-sys/hsys.inc guest/rv/hostile-sys/report.S guest/rv/hostile-sys/link.ld \
	guest/rv/hostile-sys/hostile-sys.mk

# lp64 (no FP registers in the ABI): the guests use F/D instructions only where they test them. No PIE,
# no build-id note, no linker relaxation (gp is never set up).
RV_HSYS_FLAGS := -march=rv64gc -mabi=lp64 -mcmodel=medany -fno-pie -no-pie -nostdlib -ffreestanding \
	-static -I. -Wl,--build-id=none -Wl,--no-relax -Wl,-T,guest/rv/hostile-sys/link.ld
RV_HSYS_M := -Wl,--defsym=HSYS_BASE=0x80000000
RV_HSYS_S := -Wl,--defsym=HSYS_BASE=0x80200000 -DSMODE

# The first target here, so that it is the default when this file is used on its own.
rv-hostile-sys: $(RV_HSYS_ELFS)
.PHONY: rv-hostile-sys

$(RV_HSYS_OUT)/%.elf: guest/rv/hostile-sys/%.S $(RV_HSYS_DEPS)
	@mkdir -p $(dir $@)
	@echo "  AS-RV   $@"
	$(Q)$(RISCV_CC) $(RV_HSYS_FLAGS) $(RV_HSYS_M) '-DHSYS_NAME="$*"' -o $@ $< guest/rv/hostile-sys/report.S

# (make prefers this rule to the one above for NAME_smode.elf: its stem is shorter)
$(RV_HSYS_OUT)/%_smode.elf: guest/rv/hostile-sys/%.S $(RV_HSYS_DEPS)
	@mkdir -p $(dir $@)
	@echo "  AS-RV   $@"
	$(Q)$(RISCV_CC) $(RV_HSYS_FLAGS) $(RV_HSYS_S) '-DHSYS_NAME="$*_smode"' -o $@ $< guest/rv/hostile-sys/report.S

$(RV_HSYS_OUT)/smc_smp_nofence.elf: guest/rv/hostile-sys/smc_smp.S $(RV_HSYS_DEPS)
	@mkdir -p $(dir $@)
	@echo "  AS-RV   $@"
	$(Q)$(RISCV_CC) $(RV_HSYS_FLAGS) $(RV_HSYS_M) -DNO_FENCE_I '-DHSYS_NAME="smc_smp_nofence"' -o $@ $< \
		guest/rv/hostile-sys/report.S

INTEGRATION_DEPS += $(RV_HSYS_ELFS)
