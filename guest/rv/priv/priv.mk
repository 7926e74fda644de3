# Privileged-architecture tests of karasu-rv's system mode: bare-metal M-mode ELFs for QEMU's `virt`
# (RAM at 0x80000000, -bios none), run by tests/integration/test-rv-priv.sh under karasu-rv and, as the
# cross-check, under qemu-system-riscv64.
#
#   guest/rv/priv/*.S     one test each (macros: guest/rv/priv/env/privtest.inc)
#   guest/rv/priv/env/    the environment linked into every test: entry and trap handlers (entry.S),
#                         result reporting (report.c), page-table helpers (pagetable.c), link.ld
# Outputs: $(BUILD)/guest/rv/priv/NAME.elf. Works included from the top Makefile or on its own:
#   make -f guest/rv/priv/priv.mk BUILD=...
BUILD ?= build
RISCV_CC ?= riscv64-linux-gnu-gcc
Q ?= @

RV_PRIV_OUT := $(BUILD)/guest/rv/priv
RV_PRIV_SRCS := $(sort $(wildcard guest/rv/priv/*.S))
RV_PRIV_ELFS := $(patsubst guest/rv/priv/%.S,$(RV_PRIV_OUT)/%.elf,$(RV_PRIV_SRCS))
RV_PRIV_ENV_OBJS := $(RV_PRIV_OUT)/env/entry.o $(RV_PRIV_OUT)/env/probes.o $(RV_PRIV_OUT)/env/report.o \
	$(RV_PRIV_OUT)/env/pagetable.o
RV_PRIV_HEADERS := guest/rv/priv/env/priv_defs.h guest/rv/priv/env/privtest.inc $(wildcard guest/rv/priv/*.inc)
RV_PRIV_LDS := guest/rv/priv/env/link.ld

# Soft-float ABI with the G instructions: the tests use F/D instructions, the environment's C code must
# not touch FP registers (tests turn mstatus.FS off). medany: the image lives at 0x80000000. No PIE, no
# build-id note, no linker relaxation (gp is never set up).
RV_PRIV_ARCH := -march=rv64gc -mabi=lp64 -mcmodel=medany -fno-pie -I.
RV_PRIV_CFLAGS := $(RV_PRIV_ARCH) -std=c11 -O2 -Wall -Wextra -Werror -ffreestanding -fno-builtin \
	-fno-tree-loop-distribute-patterns -fno-stack-protector -msmall-data-limit=0
RV_PRIV_LDFLAGS := $(RV_PRIV_ARCH) -nostdlib -ffreestanding -static -no-pie -Wl,--build-id=none \
	-Wl,--no-relax -Wl,-T,$(RV_PRIV_LDS)

$(RV_PRIV_OUT)/env/%.o: guest/rv/priv/env/%.c $(RV_PRIV_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC-RV   $@"
	$(Q)$(RISCV_CC) $(RV_PRIV_CFLAGS) -c -o $@ $<

$(RV_PRIV_OUT)/env/%.o: guest/rv/priv/env/%.S $(RV_PRIV_HEADERS)
	@mkdir -p $(dir $@)
	@echo "  AS-RV   $@"
	$(Q)$(RISCV_CC) $(RV_PRIV_ARCH) -c -o $@ $<

$(RV_PRIV_OUT)/%.elf: guest/rv/priv/%.S $(RV_PRIV_ENV_OBJS) $(RV_PRIV_HEADERS) $(RV_PRIV_LDS)
	@mkdir -p $(dir $@)
	@echo "  AS-RV   $@"
	$(Q)$(RISCV_CC) $(RV_PRIV_LDFLAGS) '-DPRIV_TEST_NAME="$*"' -o $@ $< $(RV_PRIV_ENV_OBJS)

# Naming the environment objects in an explicit rule keeps make from deleting them as intermediates.
rv-priv: $(RV_PRIV_ELFS) $(RV_PRIV_ENV_OBJS)
.PHONY: rv-priv
.DEFAULT_GOAL ?= rv-priv
INTEGRATION_DEPS += $(RV_PRIV_ELFS)
