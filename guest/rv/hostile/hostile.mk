# Hostile RISC-V guest programs: they attack karasu-rv's isolation (syscalls with wild pointers, wild
# mmap/mremap/brk, wild memory accesses and jumps, forged signal frames, illegal instructions, code-cache
# exhaustion, asynchronous host fault signals, /proc/self/mem) for tests/integration/test-rv-hostile.sh.
#
#   guest/rv/hostile/*.c   glibc programs (-O2 -static); most take a case name as argv[1]
#   guest/rv/hostile/*.S   tiny programs without libc (entry _start), patched into bad ELFs by the test
# Outputs: $(BUILD)/guest/rv/hostile/NAME. Works included from the top Makefile or on its own:
#   make -f guest/rv/hostile/hostile.mk
BUILD ?= build
RISCV_CC ?= riscv64-linux-gnu-gcc
Q ?= @

RV_HOSTILE_OUT := $(BUILD)/guest/rv/hostile
RV_HOSTILE := $(patsubst guest/rv/hostile/%.c,$(RV_HOSTILE_OUT)/%,$(wildcard guest/rv/hostile/*.c)) \
	$(patsubst guest/rv/hostile/%.S,$(RV_HOSTILE_OUT)/%,$(wildcard guest/rv/hostile/*.S))
RV_HOSTILE_CFLAGS := -std=gnu11 -O2 -static -Wall -Wextra -Werror -I. -march=rv64gc -mabi=lp64d
RV_HOSTILE_ASFLAGS := -nostdlib -static -march=rv64gc -mabi=lp64d -Wl,--no-relax -Wl,--build-id=none

rv-hostile: $(RV_HOSTILE)
.PHONY: rv-hostile
.DEFAULT_GOAL ?= rv-hostile

$(RV_HOSTILE_OUT)/%: guest/rv/hostile/%.c
	@mkdir -p $(dir $@)
	@echo "  CC-RV   $@"
	$(Q)$(RISCV_CC) $(RV_HOSTILE_CFLAGS) -o $@ $< -lpthread

$(RV_HOSTILE_OUT)/%: guest/rv/hostile/%.S
	@mkdir -p $(dir $@)
	@echo "  AS-RV   $@"
	$(Q)$(RISCV_CC) $(RV_HOSTILE_ASFLAGS) -o $@ $<

INTEGRATION_DEPS += $(RV_HOSTILE)
