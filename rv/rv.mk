# karasu-rv: every .c under rv/ (the translator in rv/jit/ included) plus lib/, host flavor.
RV_SRCS := $(call rwildcard,rv,*.c)
RV_HOST_OBJS := $(patsubst %.c,$(BUILD)/host/%.o,$(RV_SRCS))
KARASU_RV := $(BUILD)/rv/karasu-rv
ALL_TARGETS += $(KARASU_RV)

$(KARASU_RV): $(RV_HOST_OBJS) $(LIB_HOST_OBJS)
	@mkdir -p $(dir $@)
	@echo "  LD      $@"
	$(Q)$(HOST_CC) $^ -lcapstone -lm -lpthread -o $@

# Unit tests (tests/unit/test_rv_*.c). unit.mk's pattern rule does not see UNIT_SRCS_* objects as
# prerequisites, so they are also named explicitly.
RV_CORE_ISA_SRCS := rv/isa/decode.c rv/isa/disasm.c rv/isa/ops.c
UNIT_SRCS_test_rv_decode := $(RV_CORE_ISA_SRCS)
$(BUILD)/tests/unit/test_rv_decode: $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS_test_rv_decode))
UNIT_SRCS_test_rv_interp := $(RV_CORE_ISA_SRCS) $(wildcard rv/interp/*.c) rv/user/mem.c
$(BUILD)/tests/unit/test_rv_interp: $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS_test_rv_interp))
UNIT_SRCS_test_rv_elf := rv/user/elf.c rv/user/mem.c
$(BUILD)/tests/unit/test_rv_elf: $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS_test_rv_elf))
