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
UNIT_SRCS_test_rv_interp := $(RV_CORE_ISA_SRCS) $(wildcard rv/interp/*.c) rv/user/mem.c rv/mem/flat.c
$(BUILD)/tests/unit/test_rv_interp: $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS_test_rv_interp))
UNIT_SRCS_test_rv_elf := rv/user/elf.c rv/elf/elf_header.c rv/user/mem.c rv/mem/flat.c
$(BUILD)/tests/unit/test_rv_elf: $(patsubst %.c,$(BUILD)/asan/%.o,$(UNIT_SRCS_test_rv_elf))

# Decoder cross-check data: pseudo-random instruction words (a fixed Park-Miller sequence, assembled with
# Zba/Zbb/Zbs enabled so that objdump names those too) and every compressed halfword, disassembled by
# binutils' objdump; test_rv_decode compares rv_decode/rv_disasm with it.
RV_OBJDUMP_DATA := $(BUILD)/tests/unit/data/rv_objdump_random.dis $(BUILD)/tests/unit/data/rv_objdump_rvc.dis
UNIT_DATA += $(RV_OBJDUMP_DATA)
$(BUILD)/tests/unit/data/rv_objdump_random.dis: rv/rv.mk | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)awk 'BEGIN { s = 20261121; print ".option norvc"; print ".text"; n = 0; \
		while (n < 30000) { s = (s * 48271) % 2147483647; hi = s % 65536; \
			s = (s * 48271) % 2147483647; lo = s % 65536; \
			w = hi * 65536 + lo; if (w % 4 != 3) w = w - w % 4 + 3; \
			if (int(w / 4) % 8 == 7) continue; printf ".insn 4, 0x%08x\n", w; n++ } }' >$@.S
	$(Q)$(RISCV_CROSS)as -march=rv64gc_zba_zbb_zbs $@.S -o $@.o
	$(Q)$(RISCV_CROSS)objdump -d -M numeric,no-aliases $@.o >$@
	$(Q)rm -f $@.S $@.o
$(BUILD)/tests/unit/data/rv_objdump_rvc.dis: rv/rv.mk | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	@echo "  GEN     $@"
	$(Q)awk 'BEGIN { print ".text"; for (h = 0; h < 65536; h++) if (h % 4 != 3) printf ".insn 2, 0x%04x\n", h }' >$@.S
	$(Q)$(RISCV_CROSS)as -march=rv64gc $@.S -o $@.o
	$(Q)$(RISCV_CROSS)objdump -d -M numeric,no-aliases $@.o >$@
	$(Q)rm -f $@.S $@.o
