# The bare-metal two-hart program that tests/integration/test-rv-gdb-system.sh debugs with gdb-multiarch
# under karasu-rv (and QEMU, the cross-check): guest/rv/gdbsys/gdbsys.S, linked at 0x80000000 for virt
# with -bios none. Output: $(BUILD)/guest/rv/gdbsys/gdbsys.elf. Works included from the top Makefile or
# on its own:  make -f guest/rv/gdbsys/gdbsys.mk BUILD=...
BUILD ?= build
RISCV_CC ?= riscv64-linux-gnu-gcc
Q ?= @

RV_GDBSYS_ELF := $(BUILD)/guest/rv/gdbsys/gdbsys.elf
RV_GDBSYS_FLAGS := -march=rv64gc -mabi=lp64 -mcmodel=medany -fno-pie -no-pie -nostdlib -ffreestanding \
	-static -Wl,--build-id=none -Wl,--no-relax -Wl,-T,guest/rv/gdbsys/link.ld

$(RV_GDBSYS_ELF): guest/rv/gdbsys/gdbsys.S guest/rv/gdbsys/link.ld guest/rv/gdbsys/gdbsys.mk
	@mkdir -p $(dir $@)
	@echo "  AS-RV   $@"
	$(Q)$(RISCV_CC) $(RV_GDBSYS_FLAGS) -o $@ $<

rv-gdbsys: $(RV_GDBSYS_ELF)
.PHONY: rv-gdbsys
.DEFAULT_GOAL ?= rv-gdbsys
INTEGRATION_DEPS += $(RV_GDBSYS_ELF)
