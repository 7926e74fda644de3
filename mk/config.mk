# Toolchains, flags and the generic compile rules shared by every area.
#
# Objects are built per flavor, from any source in the tree, by path:
#   $(BUILD)/host/PATH.o     x86-64 Linux, optimised (karasu-rv and other host programs)
#   $(BUILD)/asan/PATH.o     x86-64 Linux with AddressSanitizer + UBSan (unit tests)
#   $(BUILD)/aarch64/PATH.o  freestanding aarch64 (karasu-hv, lib/ for the hypervisor, bare guests)
# An area's fragment (lib/lib.mk, hv/hv.mk, rv/rv.mk, ...) only lists its sources and links them.

BUILD ?= build
V ?= 0
ifeq ($(V),0)
Q := @
else
Q :=
endif

HOST_CC ?= gcc
AARCH64_CROSS ?= aarch64-linux-gnu-
RISCV_CROSS ?= riscv64-linux-gnu-
AARCH64_CC := $(AARCH64_CROSS)gcc
AARCH64_LD := $(AARCH64_CROSS)ld
AARCH64_OBJCOPY := $(AARCH64_CROSS)objcopy
RISCV_CC := $(RISCV_CROSS)gcc

WARN := -Wall -Wextra -Werror
INCLUDES := -I. -Iinclude
DEPFLAGS = -MMD -MP

HOST_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(INCLUDES) -O2 -g
ASAN_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(INCLUDES) -O1 -g -fno-omit-frame-pointer \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined -DKARASU_HOST_TEST
ASAN_LDFLAGS := -fsanitize=address,undefined

# Freestanding EL2/EL1 code: no libc, no FP/SIMD registers (the hypervisor does not save them on every
# trap), no PIC, no stack protector (there is no TLS to hold a canary), atomics inline (LDAXR/STLXR: the
# outline helpers live in libgcc, which freestanding images do not link).
AARCH64_CFLAGS := -std=c11 $(WARN) $(INCLUDES) -O2 -g -ffreestanding -fno-builtin -nostdlib \
	-mgeneral-regs-only -mstrict-align -fno-pic -fno-pie -fno-stack-protector \
	-fno-omit-frame-pointer -mcmodel=large -mno-outline-atomics -DKARASU_FREESTANDING
AARCH64_ASFLAGS := $(INCLUDES) -g -DKARASU_FREESTANDING -D__ASSEMBLY__

$(BUILD)/host/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC      $@"
	$(Q)$(HOST_CC) $(HOST_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/asan/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC-ASAN $@"
	$(Q)$(HOST_CC) $(ASAN_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/aarch64/%.o: %.c
	@mkdir -p $(dir $@)
	@echo "  CC-A64  $@"
	$(Q)$(AARCH64_CC) $(AARCH64_CFLAGS) $(DEPFLAGS) -c $< -o $@

$(BUILD)/aarch64/%.o: %.S
	@mkdir -p $(dir $@)
	@echo "  AS-A64  $@"
	$(Q)$(AARCH64_CC) $(AARCH64_ASFLAGS) $(DEPFLAGS) -c $< -o $@

# Sources below a folder, any depth (make's wildcard does not recurse).
rwildcard = $(foreach d,$(wildcard $(1:=/*)),$(call rwildcard,$d,$2) $(filter $(subst *,%,$2),$d))
