# karasu-hv: the arm64 EL2 hypervisor. Every C and assembly file under hv/ is linked, with lib/ built for
# aarch64, into build/hv/hv.elf (for bootelf / QEMU -kernel) and build/hv/hv.bin (the same image with its arm64
# Image header at the start, for U-Boot booti, which passes the DTB in x0).
HV_C_SRCS := $(call rwildcard,hv,*.c)
HV_S_SRCS := $(call rwildcard,hv,*.S)
HV_OBJS := $(patsubst %.c,$(BUILD)/aarch64/%.o,$(HV_C_SRCS)) $(patsubst %.S,$(BUILD)/aarch64/%.o,$(HV_S_SRCS))
HV_ELF := $(BUILD)/hv/hv.elf
HV_BIN := $(BUILD)/hv/hv.bin

# The object list itself is a prerequisite: adding or removing a source relinks.
HV_OBJS_LIST := $(BUILD)/hv/objs.list
HV_OBJS_NOW := $(sort $(HV_OBJS) $(LIB_AARCH64_OBJS))
$(HV_OBJS_LIST): FORCE_HV_OBJS_LIST
	@mkdir -p $(dir $@)
	@if [ "$$(cat $@ 2>/dev/null)" != "$(HV_OBJS_NOW)" ]; then echo "$(HV_OBJS_NOW)" > $@; fi
.PHONY: FORCE_HV_OBJS_LIST

$(HV_ELF): $(HV_OBJS) $(LIB_AARCH64_OBJS) hv/hv.ld $(HV_OBJS_LIST)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(AARCH64_LD) -nostdlib -static -T hv/hv.ld --no-warn-rwx-segments -o $@ $(filter %.o,$^)

$(HV_BIN): $(HV_ELF)
	@echo "  OBJCOPY $@"
	$(Q)$(AARCH64_OBJCOPY) -O binary $< $@

ALL_TARGETS += $(HV_ELF) $(HV_BIN)

# The host unit tests of hv code list their sources in tests/unit/hv.mk.
