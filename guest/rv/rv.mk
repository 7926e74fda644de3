# RISC-V guest programs for karasu-rv's tests (built with Debian's riscv64-linux-gnu-gcc).
#
#   guest/rv/isa/*.S        bare, self-checking ISA tests (see guest/rv/isa/rvtest.inc). Each is built twice:
#                           NAME.elf for `karasu-rv --bare --dump-regs` (stops at ebreak/ret, result in a0)
#                           NAME.qemu.elf for `qemu-riscv64` (exit status = number of the failing case)
#   guest/rv/programs/*.c   real C programs (glibc, -O2 -static); outputs are compared with qemu-riscv64
#   guest/rv/badinput/*     programs that must die of a signal (wild loads/stores/jumps, SIGILL, SIGBUS),
#                           *.c with glibc, bare_*.S for --bare
# Outputs: $(BUILD)/guest/rv/{isa,programs,badinput}/. `make rv-guests` builds them all.

RV_GUEST_OUT := $(BUILD)/guest/rv
RV_ISA_SRCS := $(sort $(wildcard guest/rv/isa/*.S))
RV_ISA_BARE := $(patsubst guest/rv/isa/%.S,$(RV_GUEST_OUT)/isa/%.elf,$(RV_ISA_SRCS))
RV_ISA_QEMU := $(patsubst guest/rv/isa/%.S,$(RV_GUEST_OUT)/isa/%.qemu.elf,$(RV_ISA_SRCS))
RV_PROGRAM_SRCS := $(sort $(wildcard guest/rv/programs/*.c))
RV_PROGRAMS := $(patsubst guest/rv/programs/%.c,$(RV_GUEST_OUT)/programs/%,$(RV_PROGRAM_SRCS))
RV_BAD := $(patsubst guest/rv/badinput/%.c,$(RV_GUEST_OUT)/badinput/%,$(wildcard guest/rv/badinput/*.c)) \
	$(patsubst guest/rv/badinput/%.S,$(RV_GUEST_OUT)/badinput/%.elf,$(wildcard guest/rv/badinput/*.S))

# No libc, no start files: the tests begin at _start. --no-relax keeps the linker from rewriting `la` into
# gp-relative forms (gp is not set up in bare mode).
RV_ISA_FLAGS := -nostdlib -ffreestanding -static -march=rv64gc -mabi=lp64d -I. -Wl,--no-relax \
	-Wl,-Ttext=0x10000 -Wl,--build-id=none
RV_PROGRAM_CFLAGS := -std=gnu11 -O2 -static -Wall -Wextra -Werror -I.

$(RV_GUEST_OUT)/isa/%.elf: guest/rv/isa/%.S guest/rv/isa/rvtest.inc
	@mkdir -p $(dir $@)
	@echo "  AS-RV   $@"
	$(Q)$(RISCV_CC) $(RV_ISA_FLAGS) -o $@ $<

$(RV_GUEST_OUT)/isa/%.qemu.elf: guest/rv/isa/%.S guest/rv/isa/rvtest.inc
	@mkdir -p $(dir $@)
	@echo "  AS-RV   $@"
	$(Q)$(RISCV_CC) $(RV_ISA_FLAGS) -DRVTEST_QEMU -o $@ $<

$(RV_GUEST_OUT)/programs/%: guest/rv/programs/%.c
	@mkdir -p $(dir $@)
	@echo "  CC-RV   $@"
	$(Q)$(RISCV_CC) $(RV_PROGRAM_CFLAGS) -o $@ $< -lm

$(RV_GUEST_OUT)/badinput/%: guest/rv/badinput/%.c
	@mkdir -p $(dir $@)
	@echo "  CC-RV   $@"
	$(Q)$(RISCV_CC) $(RV_PROGRAM_CFLAGS) -o $@ $<

$(RV_GUEST_OUT)/badinput/%.elf: guest/rv/badinput/%.S
	@mkdir -p $(dir $@)
	@echo "  AS-RV   $@"
	$(Q)$(RISCV_CC) $(RV_ISA_FLAGS) -o $@ $<

RV_GUESTS := $(RV_ISA_BARE) $(RV_ISA_QEMU) $(RV_PROGRAMS) $(RV_BAD)
rv-guests: $(RV_GUESTS)
INTEGRATION_DEPS += $(RV_GUESTS)
.PHONY: rv-guests

